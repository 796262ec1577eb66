/* fdnix-dynamodb-store.h: the package table in DynamoDB.
 *
 * Table layout (the original pipeline's): partition key packageName (S,
 * the attribute path), sort key version (S); every other member of the
 * record's JSON form is an attribute (license, maintainers and platforms as
 * maps and lists), null members left out.
 *
 * A sync never writes before commit.  begin_sync scans the table's keys
 * and hashes (parallel segments, projection only) into a temporary SQLite
 * index on disk, which lookup and mark_seen use; stage_put keeps the
 * record in the same file.  commit_sync then streams the staged records to
 * BatchWriteItem, several calls in flight, and only after every put
 * succeeded deletes the keys replaced by a new version and, when asked,
 * the keys not seen.  Memory stays flat whatever the table size.
 */
#pragma once

#include <glib-object.h>

#include "aws/fdnix-aws-client.h"
#include "core/fdnix-config.h"
#include "store/fdnix-store.h"

G_BEGIN_DECLS

extern const FdnixSetting fdnix_dynamodb_store_settings[];

#define FDNIX_TYPE_DYNAMODB_STORE (fdnix_dynamodb_store_get_type ())
G_DECLARE_FINAL_TYPE (FdnixDynamodbStore, fdnix_dynamodb_store, FDNIX, DYNAMODB_STORE, GObject)

gboolean            fdnix_dynamodb_store_is_configured (FdnixConfig    *config,
                                                        gboolean       *out_configured,
                                                        GError        **error);
FdnixDynamodbStore *fdnix_dynamodb_store_new           (FdnixConfig    *config,
                                                        FdnixStoreAccess access,
                                                        GError        **error);
FdnixDynamodbStore *fdnix_dynamodb_store_new_for_client (FdnixAwsClient *client,
                                                        const gchar    *table,
                                                        guint           concurrency,
                                                        guint           segments,
                                                        gboolean        create_table,
                                                        GError        **error);

void                fdnix_dynamodb_store_set_scan_limit (FdnixDynamodbStore *self,
                                                         guint               limit);

G_END_DECLS
