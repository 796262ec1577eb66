/* fdnix-dynamodb-item.h: package records as DynamoDB items and back.
 *
 * An item holds every member of the record's JSON form
 * (fdnix_record_append_json()) as an attribute, nested values as M and L,
 * null members left out.  An item that would pass DynamoDB's 400 KB limit
 * is shrunk rather than failing its batch: longDescription (then
 * description) is cut at a character boundary and ends with a marker; the
 * content hash stays the one of the full record, so an unchanged package
 * is not rewritten by the next run.
 */
#pragma once

#include <glib.h>

#include <json-glib/json-glib.h>

#include "core/fdnix-record.h"
#include "store/fdnix-store.h"

G_BEGIN_DECLS

#define FDNIX_DYNAMODB_TRUNCATION_MARKER " [... truncated by fdnix: DynamoDB's 400 KB item limit]"

gboolean     fdnix_dynamodb_item_append_put    (GString      *out,
                                                const gchar  *record_json,
                                                gsize         budget,
                                                gboolean     *out_shrunk,
                                                GError      **error);
FdnixRecord *fdnix_dynamodb_item_to_record     (JsonObject   *item,
                                                GError      **error);

GBytes      *fdnix_dynamodb_item_embedding_update (const gchar                *table,
                                                   const FdnixEmbeddingUpdate *update);

G_END_DECLS
