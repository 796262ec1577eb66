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

static Suite *
store_suite (void)
{
  Suite *s = suite_create ("store-sqlite");
  TCase *tc = fdnix_store_contract_tcase ("sqlite", &sqlite_contract);
  TCase *own = tcase_create ("sqlite-only");

  tcase_add_test (own, test_open_garbage);
  suite_add_tcase (s, tc);
  suite_add_tcase (s, own);
  return s;
}

int
main (void)
{
  return fdnix_test_run (store_suite ());
}
