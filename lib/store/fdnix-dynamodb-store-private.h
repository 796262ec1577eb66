/* fdnix-dynamodb-store-private.h: what the DynamoDB store's source files
 * share (fdnix-dynamodb-store.c: lifecycle, index, sync;
 * fdnix-dynamodb-store-embed.c: scans and embedding marks for fdnix-embed). */
#pragma once

#include <sqlite3.h>

#include "store/fdnix-dynamodb-store.h"

G_BEGIN_DECLS

#define FDNIX_DYNAMODB_HASH_KEY  "packageName"
#define FDNIX_DYNAMODB_RANGE_KEY "version"

struct _FdnixDynamodbStore {
  GObject         parent_instance;
  FdnixAwsClient *client;
  gchar          *table;
  gchar          *description;
  guint           concurrency;
  gboolean        adaptive;
  guint           segments;
  guint           scan_limit;    /* items per Scan page; 0: 1 MB pages */
  gchar          *tmpdir;        /* holds the index while it exists */
  sqlite3        *db;            /* the index, or NULL */
  gboolean        index_fresh;   /* built by count(), not yet used by a sync */
  gboolean        in_sync;
  sqlite3_stmt   *lookup_stmt;
  sqlite3_stmt   *seen_stmt;
  sqlite3_stmt   *replaced_stmt;
  sqlite3_stmt   *stage_stmt;
  sqlite3_stmt   *unstage_stmt;
};


gboolean fdnix_dynamodb_store_scan           (FdnixStore             *store,
                                              const FdnixScanOptions *options,
                                              FdnixRecordFunc         func,
                                              gpointer                user_data,
                                              GError                **error);
gboolean fdnix_dynamodb_store_set_embeddings (FdnixStore             *store,
                                              GPtrArray              *updates,
                                              guint64                *out_applied,
                                              GError                **error);

G_END_DECLS
