/* check-store: the SQLite back end through the FdnixStore interface: the
 * cases every back end passes (store-contract.c), and SQLite's own.
 */
#include "config.h"

#include <string.h>

#include "core/fdnix-error.h"
#include <sqlite3.h>

#include "store/fdnix-sqlite-store.h"
#include "store-contract.h"
#include "fdnix-test.h"

static gchar *tmpdir;
static gchar *db_path;

static FdnixStore *
open_empty (void)
{
  g_autoptr(GError) error = NULL;
  FdnixSqliteStore *store;

  tmpdir = fdnix_test_mkdtemp ();
  db_path = g_build_filename (tmpdir, "sub", "fdnix.sqlite", NULL);
  store = fdnix_sqlite_store_open (db_path, &error);
  ck_assert_msg (store != NULL, "%s", error != NULL ? error->message : "");
  return FDNIX_STORE (store);
}

/* Another reader: a read-only connection of its own sees only what was
 * committed (the store runs in WAL mode, so it is not blocked either). */
static guint64
count_committed (void)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  guint64 n;

  ck_assert_int_eq (sqlite3_open_v2 (db_path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
  ck_assert_int_eq (sqlite3_prepare_v2 (db, "SELECT count(*) FROM packages", -1, &stmt, NULL), SQLITE_OK);
  ck_assert_int_eq (sqlite3_step (stmt), SQLITE_ROW);
  n = (guint64) sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return n;
}

static void
clean_up (void)
{
  fdnix_test_rmtree (tmpdir);
  g_clear_pointer (&tmpdir, g_free);
  g_clear_pointer (&db_path, g_free);
}

static const FdnixStoreContract sqlite_contract = {
  open_empty, count_committed, clean_up,
  1300,   /* more than two of the SQLite store's scan pages (512 rows) */
};

/* A file that is not a database is refused with its name, untouched. */
START_TEST (test_open_garbage)
{
  g_autofree gchar *dir = fdnix_test_mkdtemp ();
  g_autofree gchar *path = g_build_filename (dir, "not.sqlite", NULL);
  g_autofree gchar *after = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(FdnixSqliteStore) bad = NULL;

  ck_assert (g_file_set_contents (path, "this is not a database, just text\n", -1, NULL));
  bad = fdnix_sqlite_store_open (path, &error);
  ck_assert_ptr_null (bad);
  ck_assert_msg (strstr (error->message, "not.sqlite") != NULL, "%s", error->message);
  ck_assert (g_file_get_contents (path, &after, NULL, NULL));
  ck_assert_str_eq (after, "this is not a database, just text\n");
  fdnix_test_rmtree (dir);
}
END_TEST

/* What is at the path before a store opens it. */
typedef enum {
  FILE_MISSING,
  FILE_ZERO_BYTES,
  FILE_TEXT,
  FILE_FOREIGN,           /* another application's tables, user_version 0 */
  FILE_FOREIGN_V1,        /* user_version 1 but no packages table */
  FILE_FOREIGN_PACKAGES,  /* a packages table, but another application_id */
  FILE_OLD_FDNIX,         /* fdnix's table written before application_id */
} FileBefore;

static void
make_file (const gchar *path, FileBefore before)
{
  const gchar *sql = NULL;
  sqlite3 *db = NULL;

  switch (before)
    {
    case FILE_MISSING:
      return;
    case FILE_ZERO_BYTES:
      ck_assert (g_file_set_contents (path, "", 0, NULL));
      return;
    case FILE_TEXT:
      ck_assert (g_file_set_contents (path, "this is not a database, just text\n", -1, NULL));
      return;
    case FILE_FOREIGN:
      sql = "CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('mine');";
      break;
    case FILE_FOREIGN_V1:
      sql = "CREATE TABLE notes (body TEXT); PRAGMA user_version = 1;";
      break;
    case FILE_FOREIGN_PACKAGES:
      sql = "CREATE TABLE packages (name TEXT); PRAGMA application_id = 1234; PRAGMA user_version = 1;";
      break;
    case FILE_OLD_FDNIX:
      {
        /* the store as it was: its schema and user_version, no id */
        g_autoptr(FdnixSqliteStore) store = fdnix_sqlite_store_open (path, NULL);
        ck_assert_ptr_nonnull (store);
        sql = "PRAGMA application_id = 0;";
        break;
      }
    }
  ck_assert_int_eq (sqlite3_open (path, &db), SQLITE_OK);
  ck_assert_int_eq (sqlite3_exec (db, sql, NULL, NULL, NULL), SQLITE_OK);
  sqlite3_close (db);
}

static gint64
application_id (const gchar *path)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 id;

  ck_assert_int_eq (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
  ck_assert_int_eq (sqlite3_prepare_v2 (db, "PRAGMA application_id", -1, &stmt, NULL), SQLITE_OK);
  ck_assert_int_eq (sqlite3_step (stmt), SQLITE_ROW);
  id = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return id;
}

static const struct {
  FileBefore        before;
  FdnixStoreAccess  access;
  gint              code;     /* -1: opens */
  const gchar      *message;  /* part of the error */
} access_cases[] = {
  { FILE_MISSING, FDNIX_STORE_CREATE, -1, NULL },
  { FILE_MISSING, FDNIX_STORE_EXISTING, FDNIX_ERROR_NOT_FOUND, "does not exist: run fdnix-metadata" },
  { FILE_MISSING, FDNIX_STORE_READ_ONLY, FDNIX_ERROR_NOT_FOUND, "does not exist: run fdnix-metadata" },
  { FILE_ZERO_BYTES, FDNIX_STORE_CREATE, -1, NULL },
  { FILE_ZERO_BYTES, FDNIX_STORE_EXISTING, FDNIX_ERROR_NOT_FOUND, "holds no package table: run fdnix-metadata" },
  { FILE_ZERO_BYTES, FDNIX_STORE_READ_ONLY, FDNIX_ERROR_NOT_FOUND, "holds no package table" },
  { FILE_TEXT, FDNIX_STORE_CREATE, FDNIX_ERROR_INVALID_DATA, "not a database" },
  { FILE_TEXT, FDNIX_STORE_READ_ONLY, FDNIX_ERROR_INVALID_DATA, "not a database" },
  { FILE_FOREIGN, FDNIX_STORE_CREATE, FDNIX_ERROR_INVALID_DATA, "database of another application" },
  { FILE_FOREIGN, FDNIX_STORE_EXISTING, FDNIX_ERROR_INVALID_DATA, "not touching it" },
  { FILE_FOREIGN, FDNIX_STORE_READ_ONLY, FDNIX_ERROR_INVALID_DATA, "not touching it" },
  { FILE_FOREIGN_V1, FDNIX_STORE_CREATE, FDNIX_ERROR_INVALID_DATA, "no fdnix package table" },
  { FILE_FOREIGN_PACKAGES, FDNIX_STORE_CREATE, FDNIX_ERROR_INVALID_DATA, "application_id 1234" },
  { FILE_OLD_FDNIX, FDNIX_STORE_CREATE, -1, NULL },
  { FILE_OLD_FDNIX, FDNIX_STORE_EXISTING, -1, NULL },
  { FILE_OLD_FDNIX, FDNIX_STORE_READ_ONLY, -1, NULL },
};

/* Only fdnix-metadata's mode creates; nobody adopts another application's
 * file; a refused file is left byte for byte as it was. */
START_TEST (test_open_access)
{
  g_autofree gchar *dir = fdnix_test_mkdtemp ();
  g_autofree gchar *path = g_build_filename (dir, "db.sqlite", NULL);
  g_autofree gchar *before = NULL;
  g_autofree gchar *after = NULL;
  gsize before_len = 0, after_len = 0;
  g_autoptr(GError) error = NULL;
  g_autoptr(FdnixSqliteStore) store = NULL;

  make_file (path, access_cases[_i].before);
  if (access_cases[_i].before != FILE_MISSING)
    ck_assert (g_file_get_contents (path, &before, &before_len, NULL));
  store = fdnix_sqlite_store_open_with_access (path, access_cases[_i].access, &error);
  if (access_cases[_i].code < 0)
    {
      guint64 count = 1;

      ck_assert_msg (store != NULL, "%s", error != NULL ? error->message : "");
      ck_assert (fdnix_store_count (FDNIX_STORE (store), &count, &error));
      ck_assert_uint_eq (count, 0);
      g_clear_object (&store);
      /* metadata stamps its files; the readers leave them alone */
      ck_assert_int_eq (application_id (path),
                        access_cases[_i].access == FDNIX_STORE_CREATE ? FDNIX_SQLITE_APPLICATION_ID : 0);
    }
  else
    {
      ck_assert_ptr_null (store);
      ck_assert_msg (g_error_matches (error, FDNIX_ERROR, access_cases[_i].code), "%s (code %d)",
                     error->message, error->code);
      ck_assert_msg (strstr (error->message, "db.sqlite") != NULL, "%s", error->message);
      ck_assert_msg (strstr (error->message, access_cases[_i].message) != NULL, "\"%s\" lacks \"%s\"",
                     error->message, access_cases[_i].message);
    }
  if (access_cases[_i].before == FILE_MISSING)
    ck_assert (access_cases[_i].code < 0 || !g_file_test (path, G_FILE_TEST_EXISTS));
  else if (access_cases[_i].code >= 0 || access_cases[_i].access == FDNIX_STORE_READ_ONLY)
    {
      ck_assert (g_file_get_contents (path, &after, &after_len, NULL));
      ck_assert_uint_eq (after_len, before_len);
      ck_assert_msg (memcmp (after, before, before_len) == 0, "the file was changed");
    }
  fdnix_test_rmtree (dir);
}
END_TEST

static Suite *
store_suite (void)
{
  Suite *s = suite_create ("store-sqlite");
  TCase *tc = fdnix_store_contract_tcase ("sqlite", &sqlite_contract);
  TCase *own = tcase_create ("sqlite-only");

  tcase_add_test (own, test_open_garbage);
  tcase_add_loop_test (own, test_open_access, 0, G_N_ELEMENTS (access_cases));
  suite_add_tcase (s, tc);
  suite_add_tcase (s, own);
  return s;
}

int
main (void)
{
  return fdnix_test_run (store_suite ());
}
