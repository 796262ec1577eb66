/* fdnix-sqlite.c: SQLite error conversion and connection set-up. */
#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>

#include "core/fdnix-error.h"
#include "store/fdnix-sqlite.h"

/* A busy database waits this long for another fdnix process (a parallel
 * embed shard, say) before giving up with a clear error. */
#define BUSY_TIMEOUT_MS (120 * 1000)

/**
 * fdnix_sqlite_check:
 * @db: a connection
 * @rc: what an SQLite call returned
 * @what: what was being done, for the message
 * @error: return location for an error naming the database file
 *
 * Returns: TRUE when @rc means success (OK, ROW or DONE).
 */
gboolean
fdnix_sqlite_check (sqlite3 *db, int rc, const gchar *what, GError **error)
{
  const gchar *file;
  gint code = FDNIX_ERROR_IO;

  if (rc == SQLITE_OK || rc == SQLITE_ROW || rc == SQLITE_DONE)
    return TRUE;
  file = db != NULL ? sqlite3_db_filename (db, "main") : NULL;
  if ((rc & 0xff) == SQLITE_CORRUPT || (rc & 0xff) == SQLITE_NOTADB)
    code = FDNIX_ERROR_INVALID_DATA;
  else if ((rc & 0xff) == SQLITE_CONSTRAINT || (rc & 0xff) == SQLITE_MISMATCH)
    code = FDNIX_ERROR_INVALID_DATA;
  g_set_error (error, FDNIX_ERROR, code, "%s%s%s: %s",
               file != NULL && *file != '\0' ? file : "",
               file != NULL && *file != '\0' ? ": " : "", what,
               db != NULL ? sqlite3_errmsg (db) : sqlite3_errstr (rc));
  return FALSE;
}

/**
 * fdnix_sqlite_exec:
 * @db: a connection
 * @sql: statements without results
 * @error: return location for an error
 *
 * Returns: TRUE on success.
 */
gboolean
fdnix_sqlite_exec (sqlite3 *db, const gchar *sql, GError **error)
{
  return fdnix_sqlite_check (db, sqlite3_exec (db, sql, NULL, NULL, NULL), sql, error);
}

/**
 * fdnix_sqlite_prepare:
 * @db: a connection
 * @sql: one statement
 * @out_stmt: (out) (transfer full): the prepared statement
 * @error: return location for an error
 *
 * Returns: TRUE on success.
 */
gboolean
fdnix_sqlite_prepare (sqlite3 *db, const gchar *sql, sqlite3_stmt **out_stmt, GError **error)
{
  return fdnix_sqlite_check (db, sqlite3_prepare_v3 (db, sql, -1, SQLITE_PREPARE_PERSISTENT,
                                                     out_stmt, NULL),
                             "preparing a statement", error);
}

static sqlite3 *
open_flags (const gchar *filename, int flags, GError **error)
{
  sqlite3 *db = NULL;
  int rc = sqlite3_open_v2 (filename, &db, flags | SQLITE_OPEN_NOMUTEX, NULL);

  if (rc != SQLITE_OK)
    {
      g_set_error (error, FDNIX_ERROR, rc == SQLITE_CANTOPEN ? FDNIX_ERROR_NOT_FOUND : FDNIX_ERROR_IO,
                   "cannot open database: %s", db != NULL ? sqlite3_errmsg (db) : sqlite3_errstr (rc));
      sqlite3_close (db);
      return NULL;
    }
  sqlite3_extended_result_codes (db, 1);
  sqlite3_busy_timeout (db, BUSY_TIMEOUT_MS);
  return db;
}

/* SQLite opens lazily: the first read is where a WAL file that cannot be
 * shared (no -shm, and no right to create one) fails. */
static int
probe (sqlite3 *db)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (db, "SELECT count(*) FROM sqlite_master", -1, &stmt, NULL);

  if (rc == SQLITE_OK)
    rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  return rc == SQLITE_ROW ? SQLITE_OK : rc;
}

/* Read-only, as on a read-only volume or an image layer.  A WAL database
 * needs its -shm file, which such a directory neither has nor lets us
 * create; nobody can write the file there either, so it is then read as
 * immutable (no locks, no WAL). */
static sqlite3 *
open_read_only (const gchar *path, GError **error)
{
  sqlite3 *db = open_flags (path, SQLITE_OPEN_READONLY, error);
  g_autofree gchar *escaped = NULL;
  g_autofree gchar *uri = NULL;
  int rc;

  if (db == NULL)
    return NULL;
  rc = probe (db);
  if ((rc & 0xff) != SQLITE_READONLY && (rc & 0xff) != SQLITE_CANTOPEN)
    return db;  /* works, or fails for a reason immutable would not fix */
  sqlite3_close (db);
  escaped = g_uri_escape_string (path, "/", FALSE);
  uri = g_strconcat ("file:", escaped, "?immutable=1", NULL);
  g_debug ("%s: the write-ahead log cannot be shared here; reading the file as immutable", path);
  return open_flags (uri, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, error);
}

/**
 * fdnix_sqlite_open:
 * @path: database file
 * @access: FDNIX_STORE_CREATE creates the file (and its directory) when
 *   missing; FDNIX_STORE_READ_ONLY opens it read-only
 * @error: return location for an error naming @path
 *
 * Opens @path with a busy timeout, so parallel writers queue instead of
 * failing.  The file is not changed: call fdnix_sqlite_use_wal() once it
 * is known to be the right file.
 *
 * Returns: (transfer full) (nullable): the connection; close with sqlite3_close().
 */
sqlite3 *
fdnix_sqlite_open (const gchar *path, FdnixStoreAccess access, GError **error)
{
  sqlite3 *db = NULL;

  if (access == FDNIX_STORE_CREATE)
    {
      g_autofree gchar *dir = g_path_get_dirname (path);

      if (g_mkdir_with_parents (dir, 0755) != 0)
        {
          g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_IO, "%s: cannot create directory: %s",
                       dir, g_strerror (errno));
          return NULL;
        }
      db = open_flags (path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, error);
    }
  else if (access == FDNIX_STORE_EXISTING)
    db = open_flags (path, SQLITE_OPEN_READWRITE, error);
  else
    db = open_read_only (path, error);
  if (db == NULL)
    {
      g_prefix_error (error, "%s: ", path);
      return NULL;
    }
  /* NORMAL is durable across application crashes in WAL mode, and only a
   * power loss can lose the last commit, which a rerun repairs.  Both
   * pragmas only concern this connection. */
  if (!fdnix_sqlite_exec (db, "PRAGMA synchronous=NORMAL; PRAGMA temp_store=FILE;", error))
    {
      sqlite3_close (db);
      return NULL;
    }
  return db;
}

/**
 * fdnix_sqlite_use_wal:
 * @db: a read-write connection
 * @error: return location for an error
 *
 * Switches the file to write-ahead logging (it stays so), so readers never
 * block the writer.
 *
 * Returns: TRUE on success.
 */
gboolean
fdnix_sqlite_use_wal (sqlite3 *db, GError **error)
{
  return fdnix_sqlite_exec (db, "PRAGMA journal_mode=WAL", error);
}

/**
 * fdnix_sqlite_column_text:
 * @stmt: a statement on a row
 * @column: column index
 *
 * Returns: (nullable) (transfer none): the text, NULL for SQL NULL.
 */
const gchar *
fdnix_sqlite_column_text (sqlite3_stmt *stmt, int column)
{
  return (const gchar *) sqlite3_column_text (stmt, column);
}

/**
 * fdnix_sqlite_bind_text:
 * @stmt: a statement
 * @index: parameter index (from 1)
 * @text: (nullable): the text, bound as SQL NULL when NULL
 *
 * Binds without copying: @text must stay valid until the statement has been
 * stepped and reset, which fdnix_sqlite_step_done() does right away.
 */
void
fdnix_sqlite_bind_text (sqlite3_stmt *stmt, int index, const gchar *text)
{
  if (text == NULL)
    sqlite3_bind_null (stmt, index);
  else
    sqlite3_bind_text (stmt, index, text, -1, SQLITE_STATIC);
}

/**
 * fdnix_sqlite_step_done:
 * @db: the database
 * @stmt: a bound statement that returns no rows
 * @what: what the statement does, for the error message
 * @error: return location for an error
 *
 * Runs @stmt once, then resets it and clears its bindings so that it can be
 * bound again.
 */
gboolean
fdnix_sqlite_step_done (sqlite3 *db, sqlite3_stmt *stmt, const gchar *what, GError **error)
{
  int rc = sqlite3_step (stmt);

  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
  return fdnix_sqlite_check (db, rc, what, error);
}

/**
 * fdnix_sqlite_column_dup:
 * @stmt: a statement on a row
 * @column: column index
 *
 * Returns: (nullable) (transfer full): a copy of the text, NULL for SQL NULL.
 */
gchar *
fdnix_sqlite_column_dup (sqlite3_stmt *stmt, int column)
{
  return g_strdup (fdnix_sqlite_column_text (stmt, column));
}

/**
 * fdnix_sqlite_lookup_state:
 * @db: the database
 * @stmt: a query taking the attribute path as its one parameter and
 *   selecting, in this order: package name, version, content hash,
 *   embedding-text hash, has-embedding, embedding model, vector file and
 *   last-updated time
 * @package_name: the attribute path
 * @out_state: (out) (transfer full) (nullable): the stored state, NULL when
 *   the package is not stored
 * @error: return location for an error
 *
 * The one reader of stored state for both back ends that keep it in SQLite
 * (the embedded store's table, the DynamoDB back end's key index).
 */
gboolean
fdnix_sqlite_lookup_state (sqlite3 *db, sqlite3_stmt *stmt, const gchar *package_name,
                           FdnixStoredState **out_state, GError **error)
{
  FdnixStoredState *state = NULL;
  int rc;

  sqlite3_bind_text (stmt, 1, package_name, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      state = g_new0 (FdnixStoredState, 1);
      state->package_name = fdnix_sqlite_column_dup (stmt, 0);
      state->version = fdnix_sqlite_column_dup (stmt, 1);
      state->content_hash = fdnix_sqlite_column_dup (stmt, 2);
      state->embed_text_hash = fdnix_sqlite_column_dup (stmt, 3);
      state->has_embedding = sqlite3_column_int (stmt, 4) != 0;
      state->embedding_model = fdnix_sqlite_column_dup (stmt, 5);
      state->vector_file = fdnix_sqlite_column_dup (stmt, 6);
      state->last_updated = fdnix_sqlite_column_dup (stmt, 7);
    }
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
  if (rc != SQLITE_ROW && !fdnix_sqlite_check (db, rc, "looking up a package", error))
    return FALSE;
  *out_state = state;
  return TRUE;
}
