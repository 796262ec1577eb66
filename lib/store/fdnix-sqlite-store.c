/* fdnix-sqlite-store.c: the package table in one SQLite file.
 *
 * A sync is one write transaction: everything staged becomes visible at
 * commit, and an aborted run (bad input, below the package floor, a signal,
 * a crash) leaves the file exactly as it was.  One transaction per run is
 * also the fastest batching SQLite offers, and the write-ahead log keeps
 * readers (fdnix-embed, fdnix-search) working meanwhile.  "Seen" keys live
 * in a temporary table on disk, so memory does not grow with the table.
 */
#include "config.h"

#include <string.h>

#include "core/fdnix-error.h"
#include "core/fdnix-hash.h"
#include "store/fdnix-sqlite.h"
#include "store/fdnix-sqlite-store.h"

/* Rows fetched per scan page; the cursor is closed between pages so the
 * scan callback can write to the same database. */
#define SCAN_PAGE_SIZE 512

struct _FdnixSqliteStore {
  GObject       parent_instance;
  sqlite3      *db;
  gchar        *path;
  gchar        *description;
  gboolean      in_sync;
  guint64       staged_puts;  /* rows written in this sync, for the commit's counts */
  sqlite3_stmt *lookup_stmt;
  sqlite3_stmt *put_stmt;
  sqlite3_stmt *seen_stmt;
};

static void fdnix_sqlite_store_iface_init (FdnixStoreInterface *iface);

G_DEFINE_TYPE_WITH_CODE (FdnixSqliteStore, fdnix_sqlite_store, G_TYPE_OBJECT,
                         G_IMPLEMENT_INTERFACE (FDNIX_TYPE_STORE, fdnix_sqlite_store_iface_init))

/* Column names are the record's JSON member names, so a user can query the
 * file with the same vocabulary as the man page.  A rowid table with a
 * unique key, not WITHOUT ROWID: records are a few KB, and large rows in a
 * WITHOUT ROWID b-tree triple the file and the writes. */
static const gchar schema_sql[] =
  "CREATE TABLE IF NOT EXISTS packages ("
  " packageName TEXT NOT NULL UNIQUE CHECK (packageName <> ''),"
  " version TEXT NOT NULL CHECK (version <> ''),"
  " attributePath TEXT GENERATED ALWAYS AS (packageName) VIRTUAL,"
  " pname TEXT,"
  " description TEXT,"
  " longDescription TEXT,"
  " homepage TEXT,"
  " license TEXT,"
  " maintainers TEXT NOT NULL DEFAULT '[]',"
  " platforms TEXT NOT NULL DEFAULT '[]',"
  " mainProgram TEXT,"
  " position TEXT,"
  " available INTEGER NOT NULL,"
  " broken INTEGER NOT NULL,"
  " insecure INTEGER NOT NULL,"
  " unfree INTEGER NOT NULL,"
  " unsupported INTEGER NOT NULL,"
  " lastUpdated TEXT NOT NULL,"
  " hasEmbedding INTEGER NOT NULL DEFAULT 0,"
  " contentHash TEXT NOT NULL,"
  " embeddingTextHash TEXT NOT NULL,"
  " embeddingModel TEXT,"
  " vectorFile TEXT"
  ");";

#define RECORD_COLUMNS \
  "packageName, version, pname, description, longDescription, homepage, license," \
  " maintainers, platforms, mainProgram, position, available, broken, insecure," \
  " unfree, unsupported, lastUpdated, hasEmbedding, contentHash, embeddingTextHash," \
  " embeddingModel, vectorFile"
#define N_RECORD_COLUMNS 22

static void
fdnix_sqlite_store_finalize (GObject *object)
{
  FdnixSqliteStore *self = FDNIX_SQLITE_STORE (object);

  if (self->in_sync)
    sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
  sqlite3_finalize (self->lookup_stmt);
  sqlite3_finalize (self->put_stmt);
  sqlite3_finalize (self->seen_stmt);
  sqlite3_close (self->db);
  g_free (self->path);
  g_free (self->description);
  G_OBJECT_CLASS (fdnix_sqlite_store_parent_class)->finalize (object);
}

static void
fdnix_sqlite_store_class_init (FdnixSqliteStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = fdnix_sqlite_store_finalize;
}

static void
fdnix_sqlite_store_init (FdnixSqliteStore *self)
{
}

/* SQL function fdnix_shard(key, n): the same shard fdnix_shard_of() gives,
 * so shard filters run inside the query. */
static void
sql_shard (sqlite3_context *context, int argc, sqlite3_value **argv)
{
  const gchar *key = (const gchar *) sqlite3_value_text (argv[0]);
  sqlite3_int64 n = sqlite3_value_int64 (argv[1]);

  if (key == NULL || n < 1)
    {
      sqlite3_result_null (context);
      return;
    }
  sqlite3_result_int64 (context, fdnix_shard_of (key, (guint) n));
}

/* One integer of a PRAGMA or query without parameters. */
static gboolean
query_int (sqlite3 *db, const gchar *sql, gint64 *out_value, GError **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK)
    return fdnix_sqlite_check (db, sqlite3_errcode (db), "reading the schema", error);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    return fdnix_sqlite_check (db, rc == SQLITE_DONE ? SQLITE_ERROR : rc, "reading the schema", error);
  *out_value = sqlite3_column_int64 (stmt, 0);
  return TRUE;
}

typedef enum {
  FILE_EMPTY,   /* no schema at all: a new (or zero-byte) file */
  FILE_FDNIX,   /* fdnix's package table */
} FileKind;

/* Whose file is this?  Only reads, so a file that is not fdnix's is left
 * byte for byte as it was.  fdnix's files carry its application_id; those
 * written before it did are recognised by schema version 1 and the
 * packages table. */
static gboolean
identify (FdnixSqliteStore *self, FileKind *out_kind, gint64 *out_version, GError **error)
{
  gint64 application_id, version, objects, packages;

  if (!query_int (self->db, "PRAGMA application_id", &application_id, error) ||
      !query_int (self->db, "PRAGMA user_version", &version, error) ||
      !query_int (self->db, "SELECT count(*) FROM sqlite_master", &objects, error) ||
      !query_int (self->db, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'packages'",
                  &packages, error))
    return FALSE;  /* the message names the file */
  *out_version = version;
  if (application_id == FDNIX_SQLITE_APPLICATION_ID ||
      (application_id == 0 && version >= 1 && packages == 1))
    {
      *out_kind = FILE_FDNIX;
      return TRUE;
    }
  if (application_id == 0 && version == 0 && objects == 0)
    {
      *out_kind = FILE_EMPTY;
      return TRUE;
    }
  g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_INVALID_DATA,
               "%s is an SQLite database of another application (application_id %" G_GINT64_FORMAT
               ", user_version %" G_GINT64_FORMAT ", %s): not touching it; give fdnix a file of its own",
               self->path, application_id, version,
               packages == 1 ? "a packages table that is not fdnix's" : "no fdnix package table");
  return FALSE;
}

static gboolean
create_schema (FdnixSqliteStore *self, GError **error)
{
  g_autofree gchar *stamp = g_strdup_printf ("PRAGMA application_id = %d; PRAGMA user_version = %d",
                                             FDNIX_SQLITE_APPLICATION_ID, FDNIX_SQLITE_SCHEMA_VERSION);

  return fdnix_sqlite_exec (self->db, "BEGIN IMMEDIATE", error) &&
         fdnix_sqlite_exec (self->db, schema_sql, error) &&
         fdnix_sqlite_exec (self->db, stamp, error) &&
         fdnix_sqlite_exec (self->db, "COMMIT", error);
}

/* Checks the file is fdnix's and usable; only FDNIX_STORE_CREATE makes a
 * schema in an empty file (and stamps fdnix's application_id on older
 * fdnix files). */
static gboolean
prepare_schema (FdnixSqliteStore *self, FdnixStoreAccess access, GError **error)
{
  FileKind kind;
  gint64 version;

  if (!identify (self, &kind, &version, error))
    return FALSE;
  if (kind == FILE_EMPTY && access != FDNIX_STORE_CREATE)
    {
      g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_NOT_FOUND,
                   "%s holds no package table: run fdnix-metadata to create it", self->path);
      return FALSE;
    }
  if (version > FDNIX_SQLITE_SCHEMA_VERSION)
    {
      g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_INVALID_DATA,
                   "%s: schema version %" G_GINT64_FORMAT " is newer than this fdnix understands (%d)",
                   self->path, version, FDNIX_SQLITE_SCHEMA_VERSION);
      return FALSE;
    }
  if (access == FDNIX_STORE_READ_ONLY)
    return TRUE;
  if (!fdnix_sqlite_use_wal (self->db, error))
    return FALSE;
  if (kind == FILE_EMPTY)
    return create_schema (self, error);
  if (access == FDNIX_STORE_CREATE)
    {
      g_autofree gchar *stamp = g_strdup_printf ("PRAGMA application_id = %d", FDNIX_SQLITE_APPLICATION_ID);
      return fdnix_sqlite_exec (self->db, stamp, error);
    }
  return TRUE;
}

/**
 * fdnix_sqlite_store_open_with_access:
 * @path: database file
 * @access: FDNIX_STORE_CREATE creates the file (with its directory) and
 *   the table when missing; the other modes need an existing fdnix table
 *   and fail with FDNIX_ERROR_NOT_FOUND; FDNIX_STORE_READ_ONLY never writes
 *   the file (it may sit on a read-only file system)
 * @error: return location for an error naming @path
 *
 * A file that is not fdnix's (another application's SQLite database) is
 * refused in every mode and left unchanged.
 *
 * Returns: (transfer full) (nullable): the store.
 */
FdnixSqliteStore *
fdnix_sqlite_store_open_with_access (const gchar *path, FdnixStoreAccess access, GError **error)
{
  g_autoptr(FdnixSqliteStore) self = g_object_new (FDNIX_TYPE_SQLITE_STORE, NULL);

  self->path = g_strdup (path);
  self->description = g_strdup_printf ("SQLite %s", path);
  if (access != FDNIX_STORE_CREATE && !g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_NOT_FOUND,
                   "%s does not exist: run fdnix-metadata to create the package table there"
                   " (or name the right file with --database)", path);
      return NULL;
    }
  self->db = fdnix_sqlite_open (path, access, error);
  if (self->db == NULL)
    return NULL;
  sqlite3_create_function (self->db, "fdnix_shard", 2,
                           SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS,
                           NULL, sql_shard, NULL, NULL);
  if (!prepare_schema (self, access, error))
    return NULL;
  if (!fdnix_sqlite_prepare (self->db,
                             "SELECT packageName, version, contentHash, embeddingTextHash,"
                             " hasEmbedding, embeddingModel, vectorFile, lastUpdated"
                             " FROM packages WHERE packageName = ?",
                             &self->lookup_stmt, error) ||
      !fdnix_sqlite_prepare (self->db,
                             "INSERT OR REPLACE INTO packages (" RECORD_COLUMNS ")"
                             " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                             &self->put_stmt, error))
    return NULL;
  return g_steal_pointer (&self);
}

/**
 * fdnix_sqlite_store_open:
 * @path: database file, created (with its directory) when missing
 * @error: return location for an error naming @path
 *
 * fdnix_sqlite_store_open_with_access() with FDNIX_STORE_CREATE.
 *
 * Returns: (transfer full) (nullable): the store.
 */
FdnixSqliteStore *
fdnix_sqlite_store_open (const gchar *path, GError **error)
{
  return fdnix_sqlite_store_open_with_access (path, FDNIX_STORE_CREATE, error);
}

static const gchar *
sqlite_describe (FdnixStore *store)
{
  return FDNIX_SQLITE_STORE (store)->description;
}

static gboolean
sqlite_count (FdnixStore *store, guint64 *out_count, GError **error)
{
  FdnixSqliteStore *self = FDNIX_SQLITE_STORE (store);
  g_autoptr(sqlite3_stmt) stmt = NULL;

  if (!fdnix_sqlite_prepare (self->db, "SELECT count(*) FROM packages", &stmt, error))
    return FALSE;
  if (!fdnix_sqlite_check (self->db, sqlite3_step (stmt), "counting packages", error))
    return FALSE;
  *out_count = (guint64) sqlite3_column_int64 (stmt, 0);
  return TRUE;
}

static gboolean
sqlite_begin_sync (FdnixStore *store, GError **error)
{
  FdnixSqliteStore *self = FDNIX_SQLITE_STORE (store);

  g_return_val_if_fail (!self->in_sync, FALSE);
  /* IMMEDIATE: take the write lock now, so a concurrent writer makes us
   * wait at the start rather than fail at commit. */
  if (!fdnix_sqlite_exec (self->db, "BEGIN IMMEDIATE", error))
    return FALSE;
  self->in_sync = TRUE;
  self->staged_puts = 0;
  if (!fdnix_sqlite_exec (self->db,
                          "DROP TABLE IF EXISTS temp.seen;"
                          "CREATE TEMP TABLE seen (packageName TEXT PRIMARY KEY) WITHOUT ROWID;",
                          error) ||
      (self->seen_stmt == NULL &&
       !fdnix_sqlite_prepare (self->db, "INSERT OR IGNORE INTO temp.seen VALUES (?)",
                              &self->seen_stmt, error)))
    {
      fdnix_store_abort_sync (store);
      return FALSE;
    }
  return TRUE;
}

static gboolean
sqlite_lookup (FdnixStore *store, const gchar *package_name,
               FdnixStoredState **out_state, GError **error)
{
  FdnixSqliteStore *self = FDNIX_SQLITE_STORE (store);

  return fdnix_sqlite_lookup_state (self->db, self->lookup_stmt, package_name, out_state, error);
}

static gboolean
sqlite_mark_seen (FdnixStore *store, const gchar *package_name,
                  const gchar *version, GError **error)
{
  FdnixSqliteStore *self = FDNIX_SQLITE_STORE (store);

  sqlite3_bind_text (self->seen_stmt, 1, package_name, -1, SQLITE_STATIC);
  return fdnix_sqlite_step_done (self->db, self->seen_stmt, "marking a package seen", error);
}

static gboolean
sqlite_stage_put (FdnixStore *store, const FdnixRecord *r,
                  const FdnixStoredState *previous, GError **error)
{
  FdnixSqliteStore *self = FDNIX_SQLITE_STORE (store);
  sqlite3_stmt *stmt = self->put_stmt;
  g_autofree gchar *what = NULL;
  int i = 1;

  /* The primary key is the attribute path alone, so a new version
   * replaces the old row in the same statement. */
  fdnix_sqlite_bind_text (stmt, i++, r->package_name);
  fdnix_sqlite_bind_text (stmt, i++, r->version);
  fdnix_sqlite_bind_text (stmt, i++, r->pname);
  fdnix_sqlite_bind_text (stmt, i++, r->description);
  fdnix_sqlite_bind_text (stmt, i++, r->long_description);
  fdnix_sqlite_bind_text (stmt, i++, r->homepage);
  fdnix_sqlite_bind_text (stmt, i++, r->license_json);
  fdnix_sqlite_bind_text (stmt, i++, r->maintainers_json);
  fdnix_sqlite_bind_text (stmt, i++, r->platforms_json);
  fdnix_sqlite_bind_text (stmt, i++, r->main_program);
  fdnix_sqlite_bind_text (stmt, i++, r->position);
  sqlite3_bind_int (stmt, i++, r->available);
  sqlite3_bind_int (stmt, i++, r->broken);
  sqlite3_bind_int (stmt, i++, r->insecure);
  sqlite3_bind_int (stmt, i++, r->unfree);
  sqlite3_bind_int (stmt, i++, r->unsupported);
  fdnix_sqlite_bind_text (stmt, i++, r->last_updated);
  sqlite3_bind_int (stmt, i++, r->has_embedding);
  fdnix_sqlite_bind_text (stmt, i++, r->content_hash);
  fdnix_sqlite_bind_text (stmt, i++, r->embed_text_hash);
  fdnix_sqlite_bind_text (stmt, i++, r->embedding_model);
  fdnix_sqlite_bind_text (stmt, i++, r->vector_file);
  g_assert (i == N_RECORD_COLUMNS + 1);
  if (!fdnix_sqlite_step_done (self->db, stmt, "writing a package", error))
    {
      g_prefix_error (error, "%s: ", r->package_name);
      return FALSE;
    }
  self->staged_puts++;
  return sqlite_mark_seen (store, r->package_name, r->version, error);
}

static gboolean
sqlite_commit_sync (FdnixStore *store, gboolean delete_unseen,
                    FdnixCommitCounts *out_counts, GError **error)
{
  FdnixSqliteStore *self = FDNIX_SQLITE_STORE (store);
  gint64 changes_before = sqlite3_total_changes64 (self->db);

  g_return_val_if_fail (self->in_sync, FALSE);
  if (delete_unseen)
    {
      if (!fdnix_sqlite_exec (self->db,
                              "DELETE FROM packages WHERE packageName NOT IN"
                              " (SELECT packageName FROM temp.seen)", error))
        {
          fdnix_store_abort_sync (store);
          return FALSE;
        }
      out_counts->deletes = (guint64) (sqlite3_total_changes64 (self->db) - changes_before);
    }
  if (!fdnix_sqlite_exec (self->db, "COMMIT", error))
    {
      fdnix_store_abort_sync (store);
      return FALSE;
    }
  self->in_sync = FALSE;
  out_counts->puts = self->staged_puts;
  fdnix_sqlite_exec (self->db, "DROP TABLE IF EXISTS temp.seen", NULL);
  return TRUE;
}

static void
sqlite_abort_sync (FdnixStore *store)
{
  FdnixSqliteStore *self = FDNIX_SQLITE_STORE (store);

  if (!self->in_sync)
    return;
  sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
  self->in_sync = FALSE;
  sqlite3_exec (self->db, "DROP TABLE IF EXISTS temp.seen", NULL, NULL, NULL);
}

static FdnixRecord *
record_from_row (sqlite3_stmt *stmt)
{
  FdnixRecord *r = g_new0 (FdnixRecord, 1);
  int i = 0;

  r->package_name = fdnix_sqlite_column_dup (stmt, i++);
  r->version = fdnix_sqlite_column_dup (stmt, i++);
  r->pname = fdnix_sqlite_column_dup (stmt, i++);
  r->description = fdnix_sqlite_column_dup (stmt, i++);
  r->long_description = fdnix_sqlite_column_dup (stmt, i++);
  r->homepage = fdnix_sqlite_column_dup (stmt, i++);
  r->license_json = fdnix_sqlite_column_dup (stmt, i++);
  r->maintainers_json = fdnix_sqlite_column_dup (stmt, i++);
  r->platforms_json = fdnix_sqlite_column_dup (stmt, i++);
  r->main_program = fdnix_sqlite_column_dup (stmt, i++);
  r->position = fdnix_sqlite_column_dup (stmt, i++);
  r->available = sqlite3_column_int (stmt, i++);
  r->broken = sqlite3_column_int (stmt, i++);
  r->insecure = sqlite3_column_int (stmt, i++);
  r->unfree = sqlite3_column_int (stmt, i++);
  r->unsupported = sqlite3_column_int (stmt, i++);
  r->last_updated = fdnix_sqlite_column_dup (stmt, i++);
  r->has_embedding = sqlite3_column_int (stmt, i++);
  r->content_hash = fdnix_sqlite_column_dup (stmt, i++);
  r->embed_text_hash = fdnix_sqlite_column_dup (stmt, i++);
  r->embedding_model = fdnix_sqlite_column_dup (stmt, i++);
  r->vector_file = fdnix_sqlite_column_dup (stmt, i++);
  return r;
}

static const gchar *
scan_condition (FdnixScanFilter filter)
{
  switch (filter)
    {
    case FDNIX_SCAN_NEEDS_EMBEDDING:
      return " AND (hasEmbedding = 0 OR embeddingModel IS NOT ?2)";
    case FDNIX_SCAN_EMBEDDED:
      return " AND hasEmbedding = 1 AND embeddingModel = ?2";
    case FDNIX_SCAN_ALL:
    default:
      return " AND ?2 IS ?2";
    }
}

static gboolean
sqlite_scan (FdnixStore *store, const FdnixScanOptions *options,
             FdnixRecordFunc func, gpointer user_data, GError **error)
{
  FdnixSqliteStore *self = FDNIX_SQLITE_STORE (store);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree gchar *sql = NULL;
  g_autofree gchar *last = g_strdup ("");
  gboolean sharded = options->shard_count > 1;

  sql = g_strdup_printf ("SELECT " RECORD_COLUMNS " FROM packages WHERE packageName > ?1%s%s"
                         " ORDER BY packageName LIMIT %d",
                         scan_condition (options->filter),
                         sharded ? " AND fdnix_shard(packageName, ?3) = ?4" : "",
                         SCAN_PAGE_SIZE);
  if (!fdnix_sqlite_prepare (self->db, sql, &stmt, error))
    return FALSE;

  for (;;)
    {
      g_autoptr(GPtrArray) page = g_ptr_array_new_with_free_func ((GDestroyNotify) fdnix_record_free);
      int rc;

      sqlite3_bind_text (stmt, 1, last, -1, SQLITE_TRANSIENT);
      fdnix_sqlite_bind_text (stmt, 2, options->model);
      if (sharded)
        {
          sqlite3_bind_int64 (stmt, 3, options->shard_count);
          sqlite3_bind_int64 (stmt, 4, options->shard_index);
        }
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        g_ptr_array_add (page, record_from_row (stmt));
      sqlite3_reset (stmt);
      if (!fdnix_sqlite_check (self->db, rc, "scanning packages", error))
        return FALSE;
      if (page->len == 0)
        return TRUE;
      g_free (last);
      last = g_strdup (((FdnixRecord *) page->pdata[page->len - 1])->package_name);
      for (guint i = 0; i < page->len; i++)
        if (!func (page->pdata[i], user_data, error))
          return FALSE;
    }
}

static gboolean
sqlite_set_embeddings (FdnixStore *store, GPtrArray *updates,
                       guint64 *out_applied, GError **error)
{
  FdnixSqliteStore *self = FDNIX_SQLITE_STORE (store);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  guint64 applied = 0;

  if (!fdnix_sqlite_prepare (self->db,
                             "UPDATE packages SET hasEmbedding = ?1, embeddingModel = ?2,"
                             " vectorFile = ?3 WHERE packageName = ?4 AND version = ?5"
                             " AND embeddingTextHash = ?6", &stmt, error))
    return FALSE;
  if (!fdnix_sqlite_exec (self->db, "BEGIN IMMEDIATE", error))
    return FALSE;
  for (guint i = 0; i < updates->len; i++)
    {
      const FdnixEmbeddingUpdate *u = updates->pdata[i];

      sqlite3_bind_int (stmt, 1, u->has_embedding);
      fdnix_sqlite_bind_text (stmt, 2, u->embedding_model);
      fdnix_sqlite_bind_text (stmt, 3, u->vector_file);
      fdnix_sqlite_bind_text (stmt, 4, u->package_name);
      fdnix_sqlite_bind_text (stmt, 5, u->version);
      fdnix_sqlite_bind_text (stmt, 6, u->embed_text_hash);
      if (!fdnix_sqlite_step_done (self->db, stmt, "recording an embedding", error))
        {
          sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
          return FALSE;
        }
      applied += (guint64) sqlite3_changes (self->db);
    }
  if (!fdnix_sqlite_exec (self->db, "COMMIT", error))
    {
      sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
      return FALSE;
    }
  *out_applied = applied;
  return TRUE;
}

static void
fdnix_sqlite_store_iface_init (FdnixStoreInterface *iface)
{
  iface->describe = sqlite_describe;
  iface->count = sqlite_count;
  iface->begin_sync = sqlite_begin_sync;
  iface->lookup = sqlite_lookup;
  iface->stage_put = sqlite_stage_put;
  iface->mark_seen = sqlite_mark_seen;
  iface->commit_sync = sqlite_commit_sync;
  iface->abort_sync = sqlite_abort_sync;
  iface->scan = sqlite_scan;
  iface->set_embeddings = sqlite_set_embeddings;
}
