/* fdnix-dynamodb-store.c: FdnixStore on a DynamoDB table.
 *
 * Why a local index: lookups happen once per package (120,000 of them), so
 * they cannot be GetItem calls; one projected Scan is cheaper than any
 * per-key read, and keeping its result in SQLite on disk rather than in a
 * hash table keeps memory flat as the table grows.  The same file holds
 * the staged records, so nothing reaches DynamoDB before commit.
 */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <glib/gstdio.h>

#include "aws/fdnix-dynamodb.h"
#include "core/fdnix-error.h"
#include "core/fdnix-json.h"
#include "core/fdnix-summary.h"
#include "store/fdnix-dynamodb-item.h"
#include "store/fdnix-dynamodb-store.h"
#include "store/fdnix-dynamodb-store-private.h"
#include "store/fdnix-sqlite.h"

#define HASH_KEY  FDNIX_DYNAMODB_HASH_KEY
#define RANGE_KEY FDNIX_DYNAMODB_RANGE_KEY

/* An item's JSON text is an upper bound of its DynamoDB size; stay under
 * the 400 KB limit with room to spare. */
#define ITEM_BUDGET (390 * 1024)

const FdnixSetting fdnix_dynamodb_store_settings[] = {
  { "dynamodb.table", FDNIX_SETTING_STRING, NULL, "DYNAMODB_TABLE", "dynamodb-table", 0, "TABLE",
    "Keep the package table in this DynamoDB table (instead of SQLite)" },
  { "dynamodb.create-table", FDNIX_SETTING_BOOL, "false", NULL, "create-table", 0, NULL,
    "Create the DynamoDB table (on-demand capacity) if it does not exist" },
  { "dynamodb.concurrency", FDNIX_SETTING_INT, "16", NULL, NULL, 0, NULL,
    "DynamoDB write calls (BatchWriteItem, UpdateItem) in flight, at most",
    FDNIX_RANGE (1, 256) },
  { "dynamodb.adaptive", FDNIX_SETTING_BOOL, "true", NULL, NULL, 0, NULL,
    "Find how many BatchWriteItem calls the table takes at once (up to concurrency)" },
  { "dynamodb.scan-segments", FDNIX_SETTING_INT, "4", NULL, NULL, 0, NULL,
    "Parallel segments of a DynamoDB Scan",
    FDNIX_RANGE (1, 1000) },
  FDNIX_SETTING_END
};


static void fdnix_dynamodb_store_iface_init (FdnixStoreInterface *iface);

G_DEFINE_TYPE_WITH_CODE (FdnixDynamodbStore, fdnix_dynamodb_store, G_TYPE_OBJECT,
                         G_IMPLEMENT_INTERFACE (FDNIX_TYPE_STORE, fdnix_dynamodb_store_iface_init))

static void
drop_index (FdnixDynamodbStore *self)
{
  g_clear_pointer (&self->lookup_stmt, sqlite3_finalize);
  g_clear_pointer (&self->seen_stmt, sqlite3_finalize);
  g_clear_pointer (&self->replaced_stmt, sqlite3_finalize);
  g_clear_pointer (&self->stage_stmt, sqlite3_finalize);
  g_clear_pointer (&self->unstage_stmt, sqlite3_finalize);
  g_clear_pointer (&self->db, sqlite3_close);
  if (self->tmpdir != NULL)
    {
      g_autofree gchar *path = g_build_filename (self->tmpdir, "index.sqlite", NULL);
      g_unlink (path);
      g_rmdir (self->tmpdir);
      g_clear_pointer (&self->tmpdir, g_free);
    }
  self->index_fresh = FALSE;
  self->in_sync = FALSE;
}

static void
fdnix_dynamodb_store_finalize (GObject *object)
{
  FdnixDynamodbStore *self = FDNIX_DYNAMODB_STORE (object);

  drop_index (self);
  fdnix_aws_client_free (self->client);
  g_free (self->table);
  g_free (self->description);
  G_OBJECT_CLASS (fdnix_dynamodb_store_parent_class)->finalize (object);
}

static void
fdnix_dynamodb_store_class_init (FdnixDynamodbStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = fdnix_dynamodb_store_finalize;
}

static void
fdnix_dynamodb_store_init (FdnixDynamodbStore *self)
{
}

static gboolean
check_key_schema (FdnixDynamodbStore *self, JsonObject *table, GError **error)
{
  JsonNode *schema = json_object_get_member (table, "KeySchema");
  g_autofree gchar *hash = NULL;
  g_autofree gchar *range = NULL;

  if (schema != NULL && JSON_NODE_HOLDS_ARRAY (schema))
    {
      JsonArray *keys = json_node_get_array (schema);
      for (guint i = 0; i < json_array_get_length (keys); i++)
        {
          JsonObject *k = json_array_get_object_element (keys, i);
          const gchar *name = json_object_get_string_member_with_default (k, "AttributeName", "");
          const gchar *type = json_object_get_string_member_with_default (k, "KeyType", "");
          if (g_str_equal (type, "HASH"))
            hash = g_strdup (name);
          else if (g_str_equal (type, "RANGE"))
            range = g_strdup (name);
        }
    }
  if (g_strcmp0 (hash, HASH_KEY) == 0 && g_strcmp0 (range, RANGE_KEY) == 0)
    return TRUE;
  g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_USAGE,
               "DynamoDB table %s has the key schema %s (HASH) + %s (RANGE); fdnix needs "
               HASH_KEY " (HASH) + " RANGE_KEY " (RANGE)", self->table,
               hash != NULL ? hash : "none", range != NULL ? range : "none");
  return FALSE;
}

/**
 * fdnix_dynamodb_store_new_for_client:
 * @client: (transfer full): a DynamoDB client
 * @table: the table name
 * @concurrency: write calls in flight
 * @segments: parallel Scan segments
 * @create_table: create the table when it does not exist
 * @error: return location for an error
 *
 * Checks that the table exists with the expected keys (creating it first
 * when asked).
 *
 * Returns: (transfer full) (nullable): the store
 */
FdnixDynamodbStore *
fdnix_dynamodb_store_new_for_client (FdnixAwsClient *client, const gchar *table, guint concurrency,
                                     guint segments, gboolean create_table, GError **error)
{
  g_autoptr(FdnixDynamodbStore) self = g_object_new (FDNIX_TYPE_DYNAMODB_STORE, NULL);
  g_autoptr(JsonObject) description = NULL;
  g_autoptr(FdnixConfig) defaults = fdnix_config_new_defaults (fdnix_dynamodb_store_settings);

  self->client = client;
  self->table = g_strdup (table);
  self->concurrency = MAX (concurrency, 1);
  self->adaptive = fdnix_config_get_bool (defaults, "dynamodb.adaptive");
  self->segments = MAX (segments, 1);
  self->description = g_strdup_printf ("DynamoDB table %s (%s)", table,
                                       fdnix_aws_client_get_endpoint (client));
  if (create_table &&
      !fdnix_dynamodb_create_table (client, table, HASH_KEY, RANGE_KEY, 300, error))
    return NULL;
  if (!fdnix_dynamodb_describe_table (client, table, &description, error))
    return NULL;
  if (description == NULL)
    {
      g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_NOT_FOUND,
                   "DynamoDB table %s does not exist at %s (create it with keys " HASH_KEY
                   " and " RANGE_KEY ", or run fdnix-metadata --create-table)",
                   table, fdnix_aws_client_get_endpoint (client));
      return NULL;
    }
  if (!check_key_schema (self, description, error))
    return NULL;
  return g_steal_pointer (&self);
}

/**
 * fdnix_dynamodb_store_is_configured:
 * @config: a configuration with fdnix_dynamodb_store_settings registered
 * @out_configured: (out): whether dynamodb.table (DYNAMODB_TABLE) is set
 * @error: return location for an error
 *
 * Returns: FALSE when the program did not register the DynamoDB settings
 *   (a bug: DYNAMODB_TABLE would be ignored and the SQLite file used).
 */
gboolean
fdnix_dynamodb_store_is_configured (FdnixConfig *config, gboolean *out_configured, GError **error)
{
  if (!fdnix_config_require (config, fdnix_dynamodb_store_settings, G_STRFUNC, error))
    return FALSE;
  *out_configured = fdnix_config_is_set (config, "dynamodb.table");
  return TRUE;
}

/**
 * fdnix_dynamodb_store_new:
 * @config: a configuration with fdnix_dynamodb_store_settings,
 *   fdnix_aws_settings, fdnix_http_settings and fdnix_retry_settings
 * @access: what the program does with the table; only
 *   FDNIX_STORE_CREATE honours dynamodb.create-table
 * @error: return location for an error
 *
 * Returns: (transfer full) (nullable): the store for dynamodb.table
 */
FdnixDynamodbStore *
fdnix_dynamodb_store_new (FdnixConfig *config, FdnixStoreAccess access, GError **error)
{
  FdnixAwsClient *client;
  FdnixDynamodbStore *store;

  /* ranges: checked when the values were set (the settings table) */
  if (!fdnix_config_require (config, fdnix_dynamodb_store_settings, G_STRFUNC, error))
    return NULL;
  client = fdnix_aws_client_new_for_service (config, &fdnix_aws_service_dynamodb, NULL, NULL, error);
  if (client == NULL)
    return NULL;
  store = fdnix_dynamodb_store_new_for_client (client, fdnix_config_get_string (config, "dynamodb.table"),
                                               fdnix_config_get_int (config, "dynamodb.concurrency"),
                                               fdnix_config_get_int (config, "dynamodb.scan-segments"),
                                               access == FDNIX_STORE_CREATE &&
                                               fdnix_config_get_bool (config, "dynamodb.create-table"),
                                               error);
  if (store != NULL)
    store->adaptive = fdnix_config_get_bool (config, "dynamodb.adaptive");
  return store;
}

/**
 * fdnix_dynamodb_store_set_scan_limit:
 * @self: a store
 * @limit: items per Scan page (0: DynamoDB's 1 MB pages)
 *
 * Small pages make tests exercise paging with few items.
 */
void
fdnix_dynamodb_store_set_scan_limit (FdnixDynamodbStore *self, guint limit)
{
  self->scan_limit = limit;
}

/* ------------------------------------------------------------ the index */

static const gchar *
item_string (JsonObject *item, const gchar *name)
{
  JsonNode *value = json_object_get_member (item, name);
  JsonObject *typed;

  if (value == NULL || !JSON_NODE_HOLDS_OBJECT (value))
    return NULL;
  typed = json_node_get_object (value);
  return json_object_get_string_member_with_default (typed, "S", NULL);
}

static gboolean
item_bool (JsonObject *item, const gchar *name)
{
  JsonNode *value = json_object_get_member (item, name);

  if (value == NULL || !JSON_NODE_HOLDS_OBJECT (value))
    return FALSE;
  return json_object_get_boolean_member_with_default (json_node_get_object (value), "BOOL", FALSE);
}

typedef struct {
  FdnixDynamodbStore *self;
  sqlite3_stmt       *insert;
  guint64             rows;
} IndexLoad;

static gboolean
index_page (JsonArray *items, guint64 count, gpointer user_data, GError **error)
{
  IndexLoad *load = user_data;

  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *item = json_array_get_object_element (items, i);
      sqlite3_stmt *s = load->insert;

      if (item_string (item, HASH_KEY) == NULL || item_string (item, RANGE_KEY) == NULL)
        continue;
      fdnix_sqlite_bind_text (s, 1, item_string (item, HASH_KEY));
      fdnix_sqlite_bind_text (s, 2, item_string (item, RANGE_KEY));
      fdnix_sqlite_bind_text (s, 3, item_string (item, "contentHash"));
      fdnix_sqlite_bind_text (s, 4, item_string (item, "embeddingTextHash"));
      sqlite3_bind_int (s, 5, item_bool (item, "hasEmbedding"));
      fdnix_sqlite_bind_text (s, 6, item_string (item, "embeddingModel"));
      fdnix_sqlite_bind_text (s, 7, item_string (item, "vectorFile"));
      fdnix_sqlite_bind_text (s, 8, item_string (item, "lastUpdated"));
      if (!fdnix_sqlite_step_done (load->self->db, s, "indexing the table", error))
        return FALSE;
      load->rows++;
    }
  return TRUE;
}

static gboolean
open_index (FdnixDynamodbStore *self, GError **error)
{
  g_autofree gchar *path = NULL;
  g_autoptr(GError) local_error = NULL;

  drop_index (self);
  self->tmpdir = g_dir_make_tmp ("fdnix-dynamodb-XXXXXX", &local_error);
  if (self->tmpdir == NULL)
    {
      g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_IO, "temporary index: %s", local_error->message);
      return FALSE;
    }
  path = g_build_filename (self->tmpdir, "index.sqlite", NULL);
  self->db = fdnix_sqlite_open (path, FDNIX_STORE_CREATE, error);
  if (self->db == NULL)
    return FALSE;
  /* A scratch file: rebuilt from the table by every run, so durability
   * would only cost time; the cache stays small so memory stays flat. */
  return fdnix_sqlite_exec (self->db,
                            "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA cache_size=-16384;"
                            "CREATE TABLE existing (package_name TEXT NOT NULL, version TEXT NOT NULL,"
                            " content_hash TEXT, embed_text_hash TEXT, has_embedding INTEGER,"
                            " embedding_model TEXT, vector_file TEXT, last_updated TEXT,"
                            " seen INTEGER NOT NULL DEFAULT 0,"
                            " PRIMARY KEY (package_name, version)) WITHOUT ROWID;"
                            "CREATE TABLE staged (package_name TEXT NOT NULL, version TEXT NOT NULL,"
                            " record TEXT NOT NULL, PRIMARY KEY (package_name, version));",
                            error);
}

static gboolean
build_index (FdnixDynamodbStore *self, GError **error)
{
  FdnixDynamodbScanOptions options = { 0 };
  IndexLoad load = { self, NULL, 0 };
  gint64 start = g_get_monotonic_time ();
  gboolean ok;

  if (!open_index (self, error) ||
      !fdnix_sqlite_prepare (self->db, "INSERT OR REPLACE INTO existing VALUES (?,?,?,?,?,?,?,?,0)",
                             &load.insert, error) ||
      !fdnix_sqlite_exec (self->db, "BEGIN", error))
    {
      g_clear_pointer (&load.insert, sqlite3_finalize);
      drop_index (self);
      return FALSE;
    }
  options.table = self->table;
  options.segments = self->segments;
  options.limit = self->scan_limit;
  options.projection = "#pn, #v, #ch, #th, #he, #em, #vf, #lu";
  options.names_json = "{\"#pn\":\"packageName\",\"#v\":\"version\",\"#ch\":\"contentHash\","
                       "\"#th\":\"embeddingTextHash\",\"#he\":\"hasEmbedding\",\"#em\":\"embeddingModel\","
                       "\"#vf\":\"vectorFile\",\"#lu\":\"lastUpdated\"}";
  fdnix_summary_phase_begin (fdnix_summary_get_default (), "dynamodb_scan");
  ok = fdnix_dynamodb_scan (self->client, &options, index_page, &load, error) &&
       fdnix_sqlite_exec (self->db, "COMMIT", error);
  fdnix_summary_phase_end (fdnix_summary_get_default (), "dynamodb_scan");
  g_clear_pointer (&load.insert, sqlite3_finalize);
  if (!ok)
    {
      g_prefix_error (error, "reading the keys of DynamoDB table %s: ", self->table);
      drop_index (self);
      return FALSE;
    }
  g_info ("indexed %" G_GUINT64_FORMAT " items of DynamoDB table %s in %.1f s", load.rows,
          self->table, (g_get_monotonic_time () - start) / (gdouble) G_USEC_PER_SEC);
  self->index_fresh = TRUE;
  return TRUE;
}

static gboolean
index_count (FdnixDynamodbStore *self, guint64 *out_count, GError **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  if (!fdnix_sqlite_prepare (self->db, "SELECT count(*) FROM existing", &stmt, error) ||
      !fdnix_sqlite_check (self->db, sqlite3_step (stmt), "counting", error))
    return FALSE;
  *out_count = (guint64) sqlite3_column_int64 (stmt, 0);
  return TRUE;
}

/* ------------------------------------------------------------ the store */

static const gchar *
ddb_describe (FdnixStore *store)
{
  return FDNIX_DYNAMODB_STORE (store)->description;
}

/* Counting builds the index that the sync about to begin needs anyway
 * (fdnix_sync_begin() counts first), so the table is scanned once. */
static gboolean
ddb_count (FdnixStore *store, guint64 *out_count, GError **error)
{
  FdnixDynamodbStore *self = FDNIX_DYNAMODB_STORE (store);

  if (!self->in_sync && !self->index_fresh && !build_index (self, error))
    return FALSE;
  return index_count (self, out_count, error);
}

static gboolean
ddb_begin_sync (FdnixStore *store, GError **error)
{
  FdnixDynamodbStore *self = FDNIX_DYNAMODB_STORE (store);

  g_return_val_if_fail (!self->in_sync, FALSE);
  if (!self->index_fresh && !build_index (self, error))
    return FALSE;
  self->index_fresh = FALSE;
  if (!fdnix_sqlite_prepare (self->db,
                             "SELECT package_name, version, content_hash, embed_text_hash,"
                             " has_embedding, embedding_model, vector_file, last_updated"
                             " FROM existing WHERE package_name = ?"
                             " ORDER BY last_updated DESC LIMIT 1", &self->lookup_stmt, error) ||
      !fdnix_sqlite_prepare (self->db,
                             "UPDATE existing SET seen = 1 WHERE package_name = ?1 AND version = ?2",
                             &self->seen_stmt, error) ||
      !fdnix_sqlite_prepare (self->db,
                             "UPDATE existing SET seen = 2 WHERE package_name = ?1 AND version <> ?2",
                             &self->replaced_stmt, error) ||
      !fdnix_sqlite_prepare (self->db, "INSERT OR REPLACE INTO staged VALUES (?1, ?2, ?3)",
                             &self->stage_stmt, error) ||
      !fdnix_sqlite_prepare (self->db, "DELETE FROM staged WHERE package_name = ?1 AND version <> ?2",
                             &self->unstage_stmt, error) ||
      !fdnix_sqlite_exec (self->db, "BEGIN", error))
    {
      drop_index (self);
      return FALSE;
    }
  self->in_sync = TRUE;
  return TRUE;
}

static gboolean
require_sync (FdnixDynamodbStore *self, GError **error)
{
  if (self->in_sync)
    return TRUE;
  g_set_error_literal (error, FDNIX_ERROR, FDNIX_ERROR_FAILED, "no sync in progress");
  return FALSE;
}

static gboolean
ddb_lookup (FdnixStore *store, const gchar *package_name, FdnixStoredState **out_state, GError **error)
{
  FdnixDynamodbStore *self = FDNIX_DYNAMODB_STORE (store);

  if (!require_sync (self, error))
    return FALSE;
  return fdnix_sqlite_lookup_state (self->db, self->lookup_stmt, package_name, out_state, error);
}

static gboolean
ddb_mark_seen (FdnixStore *store, const gchar *package_name, const gchar *version, GError **error)
{
  FdnixDynamodbStore *self = FDNIX_DYNAMODB_STORE (store);

  if (!require_sync (self, error))
    return FALSE;
  fdnix_sqlite_bind_text (self->seen_stmt, 1, package_name);
  fdnix_sqlite_bind_text (self->seen_stmt, 2, version);
  return fdnix_sqlite_step_done (self->db, self->seen_stmt, "marking a package seen", error);
}

/* One item per attribute path, as in the SQLite store: a staged version
 * replaces both staged and stored items of other versions (those are
 * deleted after the puts, whether or not unseen keys are). */
static gboolean
ddb_stage_put (FdnixStore *store, const FdnixRecord *record, const FdnixStoredState *previous,
               GError **error)
{
  FdnixDynamodbStore *self = FDNIX_DYNAMODB_STORE (store);
  g_autofree gchar *json = NULL;

  if (!require_sync (self, error))
    return FALSE;
  json = fdnix_record_to_json (record);
  fdnix_sqlite_bind_text (self->unstage_stmt, 1, record->package_name);
  fdnix_sqlite_bind_text (self->unstage_stmt, 2, record->version);
  fdnix_sqlite_bind_text (self->stage_stmt, 1, record->package_name);
  fdnix_sqlite_bind_text (self->stage_stmt, 2, record->version);
  sqlite3_bind_text (self->stage_stmt, 3, json, -1, SQLITE_STATIC);
  fdnix_sqlite_bind_text (self->replaced_stmt, 1, record->package_name);
  fdnix_sqlite_bind_text (self->replaced_stmt, 2, record->version);
  if (!fdnix_sqlite_step_done (self->db, self->unstage_stmt, "staging a package", error) ||
      !fdnix_sqlite_step_done (self->db, self->stage_stmt, "staging a package", error) ||
      !fdnix_sqlite_step_done (self->db, self->replaced_stmt, "staging a package", error))
    {
      g_prefix_error (error, "%s: ", record->package_name);
      return FALSE;
    }
  return ddb_mark_seen (store, record->package_name, record->version, error);
}

static void
ddb_abort_sync (FdnixStore *store)
{
  FdnixDynamodbStore *self = FDNIX_DYNAMODB_STORE (store);

  /* nothing was sent: dropping the index drops everything staged */
  drop_index (self);
}

/* ------------------------------------------------------------- commit */

typedef struct {
  FdnixDynamodbStore *self;
  sqlite3_stmt       *stmt;
  gboolean            deletes;
} Source;

static gboolean
next_put (gpointer user_data, gchar **out_request, GError **error)
{
  Source *src = user_data;
  int rc = sqlite3_step (src->stmt);
  g_autoptr(GString) out = NULL;
  gboolean shrunk = FALSE;

  *out_request = NULL;
  if (rc == SQLITE_DONE)
    return TRUE;
  if (rc != SQLITE_ROW)
    return fdnix_sqlite_check (src->self->db, rc, "reading staged packages", error);
  out = g_string_sized_new (2048);
  if (!fdnix_dynamodb_item_append_put (out, fdnix_sqlite_column_text (src->stmt, 1), ITEM_BUDGET,
                                       &shrunk, error))
    return FALSE;
  if (shrunk)
    {
      g_warning ("%s: description cut to fit DynamoDB's 400 KB item limit",
                 fdnix_sqlite_column_text (src->stmt, 0));
      fdnix_count ("dynamodb.items_shrunk", 1);
    }
  *out_request = g_string_free (g_steal_pointer (&out), FALSE);
  return TRUE;
}

static gboolean
next_delete (gpointer user_data, gchar **out_request, GError **error)
{
  Source *src = user_data;
  int rc = sqlite3_step (src->stmt);
  g_autoptr(GString) out = NULL;

  *out_request = NULL;
  if (rc == SQLITE_DONE)
    return TRUE;
  if (rc != SQLITE_ROW)
    return fdnix_sqlite_check (src->self->db, rc, "reading keys to delete", error);
  out = g_string_new ("{\"DeleteRequest\":{\"Key\":");
  fdnix_dynamodb_append_key (out, HASH_KEY, fdnix_sqlite_column_text (src->stmt, 0),
                             RANGE_KEY, fdnix_sqlite_column_text (src->stmt, 1));
  g_string_append (out, "}}");
  *out_request = g_string_free (g_steal_pointer (&out), FALSE);
  return TRUE;
}

static gboolean
query_count (FdnixDynamodbStore *self, const gchar *sql, guint64 *out_count, GError **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  if (!fdnix_sqlite_prepare (self->db, sql, &stmt, error) ||
      !fdnix_sqlite_check (self->db, sqlite3_step (stmt), "counting", error))
    return FALSE;
  *out_count = (guint64) sqlite3_column_int64 (stmt, 0);
  return TRUE;
}

static gboolean
write_phase (FdnixDynamodbStore *self, const gchar *sql, FdnixDynamodbNextFunc next, guint64 total,
             const gchar *label, GError **error)
{
  Source src = { self, NULL, FALSE };
  FdnixDynamodbWriteStats stats = { 0 };
  FdnixDynamodbWriteOptions options = { self->concurrency, self->adaptive, total, label };
  gboolean ok;

  if (total == 0)
    return TRUE;
  if (!fdnix_sqlite_prepare (self->db, sql, &src.stmt, error))
    return FALSE;
  ok = fdnix_dynamodb_write (self->client, self->table, &options, next, &src, &stats, error);
  sqlite3_finalize (src.stmt);
  g_info ("%s: %" G_GUINT64_FORMAT " items in %" G_GUINT64_FORMAT " BatchWriteItem calls (%"
          G_GUINT64_FORMAT " resubmitted as unprocessed; %.0f calls in flight at the end)", label,
          stats.items, stats.calls, stats.unprocessed, stats.in_flight);
  return ok;
}

static gboolean
ddb_commit_sync (FdnixStore *store, gboolean delete_unseen, FdnixCommitCounts *out_counts,
                 GError **error)
{
  FdnixDynamodbStore *self = FDNIX_DYNAMODB_STORE (store);
  const gchar *delete_sql = delete_unseen
                              ? "SELECT package_name, version FROM existing WHERE seen <> 1"
                              : "SELECT package_name, version FROM existing WHERE seen = 2";
  guint64 puts = 0, replaced = 0, unseen = 0;
  gboolean ok;

  g_return_val_if_fail (self->in_sync, FALSE);
  if (!fdnix_sqlite_exec (self->db, "COMMIT", error) ||
      !query_count (self, "SELECT count(*) FROM staged", &puts, error) ||
      !query_count (self, "SELECT count(*) FROM existing WHERE seen = 2", &replaced, error) ||
      (delete_unseen &&
       !query_count (self, "SELECT count(*) FROM existing WHERE seen = 0", &unseen, error)))
    {
      drop_index (self);
      return FALSE;
    }
  /* Every put lands before any delete, so a run killed half-way loses
   * no package: the rerun finds the new items and repeats the deletes. */
  fdnix_summary_phase_begin (fdnix_summary_get_default (), "dynamodb_write");
  ok = write_phase (self, "SELECT package_name, record FROM staged", next_put, puts,
                    "writing to DynamoDB", error) &&
       write_phase (self, delete_sql, next_delete, replaced + unseen, "deleting from DynamoDB", error);
  fdnix_summary_phase_end (fdnix_summary_get_default (), "dynamodb_write");
  drop_index (self);
  if (!ok)
    {
      g_prefix_error (error, "DynamoDB table %s: ", self->table);
      return FALSE;
    }
  if (out_counts != NULL)
    {
      out_counts->puts = puts;
      out_counts->deletes = unseen;
    }
  return TRUE;
}

static void
fdnix_dynamodb_store_iface_init (FdnixStoreInterface *iface)
{
  iface->describe = ddb_describe;
  iface->count = ddb_count;
  iface->begin_sync = ddb_begin_sync;
  iface->lookup = ddb_lookup;
  iface->stage_put = ddb_stage_put;
  iface->mark_seen = ddb_mark_seen;
  iface->commit_sync = ddb_commit_sync;
  iface->abort_sync = ddb_abort_sync;
  iface->scan = fdnix_dynamodb_store_scan;
  iface->set_embeddings = fdnix_dynamodb_store_set_embeddings;
}
