/* check-metadata-run: fdnix_metadata_run, the whole fdnix-metadata flow on
 * a real SQLite table: a first run stores every package, a rerun writes
 * nothing, a truncated input fails without touching what is stored, and
 * --output writes JSON lines without opening a store. */
#include "config.h"

#include <string.h>
#include <sqlite3.h>
#include <glib/gstdio.h>

#include "aws/fdnix-aws-config.h"
#include "core/fdnix-error.h"
#include "core/fdnix-program.h"
#include "ingest/fdnix-metadata-run.h"
#include "ingest/fdnix-package-reader.h"
#include "ingest/fdnix-source.h"
#include "core/fdnix-floor.h"
#include "ingest/fdnix-sync.h"
#include "net/fdnix-http.h"
#include "net/fdnix-retry.h"
#include "store/fdnix-dynamodb-store.h"
#include "store/fdnix-store-factory.h"
#include "fdnix-test.h"

#define SMALL_PACKAGES 20  /* top-level keys of tests/data/metadata/small.json */

static gchar *tmpdir;
static gchar *database;

static void
setup (void)
{
  g_unsetenv ("DYNAMODB_TABLE");
  tmpdir = fdnix_test_mkdtemp ();
  database = g_build_filename (tmpdir, "fdnix.sqlite", NULL);
}

static void
teardown (void)
{
  fdnix_test_rmtree (tmpdir);
  g_clear_pointer (&tmpdir, g_free);
  g_clear_pointer (&database, g_free);
}

/* The configuration fdnix-metadata builds, from the same settings tables. */
static FdnixConfig *
metadata_config (const gchar *input)
{
  const FdnixSetting *tables[] = {
    fdnix_common_settings, fdnix_source_settings, fdnix_package_reader_settings,
    fdnix_floor_settings, fdnix_store_settings, fdnix_dynamodb_store_settings,
    fdnix_aws_settings, fdnix_http_settings, fdnix_retry_settings,
  };
  FdnixConfig *config = fdnix_config_new ();

  for (gsize i = 0; i < G_N_ELEMENTS (tables); i++)
    fdnix_config_register (config, tables[i]);
  ck_assert (fdnix_config_set (config, "input.file", input, FDNIX_SOURCE_CLI, NULL));
  ck_assert (fdnix_config_set (config, "store.path", database, FDNIX_SOURCE_CLI, NULL));
  return config;
}

static gchar *
replace_all (const gchar *text, const gchar *from, const gchar *to)
{
  g_auto(GStrv) parts = g_strsplit (text, from, -1);

  return g_strjoinv (to, parts);
}

static gboolean
run (const gchar *input, const gchar *output, gboolean dry_run, FdnixSummary *summary, GError **error)
{
  g_autoptr(FdnixConfig) config = metadata_config (input);
  FdnixMetadataRunOptions options = { output, dry_run };

  return fdnix_metadata_run (config, &options, summary, error);
}

/* A digest of every stored row: the file's own bytes change with SQLite's
 * housekeeping (checkpoints), its rows must not. */
static gchar *
database_digest (void)
{
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  ck_assert_int_eq (sqlite3_open_v2 (database, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
  ck_assert_int_eq (sqlite3_prepare_v2 (db, "SELECT * FROM packages ORDER BY 1, 2", -1, &stmt, NULL), SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    for (gint i = 0; i < sqlite3_column_count (stmt); i++)
      {
        const guchar *text = sqlite3_column_text (stmt, i);

        g_checksum_update (sum, text != NULL ? text : (const guchar *) "\1", -1);
        g_checksum_update (sum, (const guchar *) "\0", 1);
      }
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return g_strdup (g_checksum_get_string (sum));
}

START_TEST (test_store_then_rerun)
{
  g_autofree gchar *input = fdnix_test_data_path ("metadata/small.json");
  g_autoptr(GError) error = NULL;

  {
    g_autoptr(FdnixSummary) summary = fdnix_summary_new ("test");
    ck_assert_msg (run (input, NULL, FALSE, summary, &error), "%s", error != NULL ? error->message : "");
    ck_assert_int_eq (fdnix_summary_get (summary, "records"), SMALL_PACKAGES);
    ck_assert_int_eq (fdnix_summary_get (summary, "written"), SMALL_PACKAGES);
    ck_assert_int_eq (fdnix_summary_get (summary, "added"), SMALL_PACKAGES);
  }
  {
    g_autoptr(FdnixSummary) summary = fdnix_summary_new ("test");
    ck_assert_msg (run (input, NULL, FALSE, summary, &error), "%s", error != NULL ? error->message : "");
    ck_assert_int_eq (fdnix_summary_get (summary, "written"), 0);
    ck_assert_int_eq (fdnix_summary_get (summary, "unchanged"), SMALL_PACKAGES);
  }
}
END_TEST

/* A truncated input fails with its position, and the store is untouched. */
START_TEST (test_truncated_input_aborts)
{
  g_autofree gchar *input = fdnix_test_data_path ("metadata/small.json");
  g_autofree gchar *truncated = g_build_filename (tmpdir, "truncated.json", NULL);
  g_autofree gchar *contents = NULL;
  g_autofree gchar *before = NULL;
  g_autofree gchar *after = NULL;
  g_autoptr(FdnixSummary) summary = fdnix_summary_new ("test");
  g_autoptr(GError) error = NULL;
  gsize length;

  ck_assert (run (input, NULL, FALSE, summary, NULL));
  before = database_digest ();
  ck_assert (g_file_get_contents (input, &contents, &length, NULL));
  ck_assert (g_file_set_contents (truncated, contents, length / 2, NULL));
  ck_assert (!run (truncated, NULL, FALSE, summary, &error));
  ck_assert_msg (strstr (error->message, "truncated.json") != NULL, "%s", error->message);
  ck_assert_msg (strstr (error->message, "truncated") != NULL, "%s", error->message);
  after = database_digest ();
  ck_assert_str_eq (before, after);
}
END_TEST

/* A dry run compares and counts but writes nothing, and creates no table. */
START_TEST (test_dry_run)
{
  g_autofree gchar *input = fdnix_test_data_path ("metadata/small.json");
  g_autofree gchar *before = NULL;
  g_autofree gchar *after = NULL;
  g_autoptr(GError) error = NULL;

  {
    g_autoptr(FdnixSummary) summary = fdnix_summary_new ("test");
    ck_assert (!run (input, NULL, TRUE, summary, &error));
    ck_assert_msg (strstr (error->message, "does not exist") != NULL, "%s", error->message);
    ck_assert (!g_file_test (database, G_FILE_TEST_EXISTS));
    g_clear_error (&error);
  }
  {
    g_autoptr(FdnixSummary) summary = fdnix_summary_new ("test");
    g_autoptr(FdnixSummary) again = fdnix_summary_new ("test");
    g_autofree gchar *changed = g_build_filename (tmpdir, "changed.json", NULL);
    g_autofree gchar *contents = NULL;
    g_autofree gchar *edited = NULL;

    /* one description changed: a dry run counts the update, stores nothing */
    ck_assert (g_file_get_contents (input, &contents, NULL, NULL));
    ck_assert (strstr (contents, "The alpha tool for testing") != NULL);
    edited = replace_all (contents, "The alpha tool for testing", "The alpha tool, changed");
    ck_assert (g_file_set_contents (changed, edited, -1, NULL));
    ck_assert (run (input, NULL, FALSE, summary, &error));
    before = database_digest ();
    ck_assert_msg (run (changed, NULL, TRUE, again, &error), "%s", error != NULL ? error->message : "");
    ck_assert_int_eq (fdnix_summary_get (again, "updated"), 1);
    ck_assert_int_eq (fdnix_summary_get (again, "unchanged"), SMALL_PACKAGES - 1);
    after = database_digest ();
    ck_assert_str_eq (before, after);
  }
}
END_TEST

/* --output: one JSON line per record, and no store is created. */
START_TEST (test_output_json_lines)
{
  g_autofree gchar *input = fdnix_test_data_path ("metadata/small.json");
  g_autofree gchar *output = g_build_filename (tmpdir, "records.jsonl", NULL);
  g_autofree gchar *contents = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(FdnixSummary) summary = fdnix_summary_new ("test");
  g_autoptr(GError) error = NULL;

  ck_assert_msg (run (input, output, FALSE, summary, &error), "%s", error != NULL ? error->message : "");
  ck_assert (g_file_get_contents (output, &contents, NULL, NULL));
  lines = g_strsplit (contents, "\n", -1);
  ck_assert_uint_eq (g_strv_length (lines), SMALL_PACKAGES + 1);  /* and the empty tail */
  ck_assert_str_eq (lines[SMALL_PACKAGES], "");
  for (guint i = 0; i < SMALL_PACKAGES; i++)
    ck_assert_msg (g_str_has_prefix (lines[i], "{\"packageName\":"), "%s", lines[i]);
  ck_assert (!g_file_test (database, G_FILE_TEST_EXISTS));
}
END_TEST

/* A failed run leaves no output file and no temporary behind. */
START_TEST (test_output_failure_leaves_nothing)
{
  g_autofree gchar *input = fdnix_test_data_path ("metadata/small.json");
  g_autofree gchar *truncated = g_build_filename (tmpdir, "truncated.json", NULL);
  g_autofree gchar *output = g_build_filename (tmpdir, "out", "records.jsonl", NULL);
  g_autofree gchar *out_dir = g_path_get_dirname (output);
  g_autofree gchar *contents = NULL;
  g_autoptr(FdnixSummary) summary = fdnix_summary_new ("test");
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) dir = NULL;
  gsize length;

  ck_assert (g_file_get_contents (input, &contents, &length, NULL));
  ck_assert (g_file_set_contents (truncated, contents, length / 3, NULL));
  ck_assert (g_mkdir (out_dir, 0700) == 0);
  ck_assert (!run (truncated, output, FALSE, summary, &error));
  dir = g_dir_open (out_dir, 0, NULL);
  ck_assert_ptr_null (g_dir_read_name (dir));
}
END_TEST

static Suite *
metadata_run_suite (void)
{
  Suite *s = suite_create ("metadata-run");
  TCase *tc = tcase_create ("metadata-run");

  tcase_add_checked_fixture (tc, setup, teardown);
  tcase_add_test (tc, test_store_then_rerun);
  tcase_add_test (tc, test_truncated_input_aborts);
  tcase_add_test (tc, test_dry_run);
  tcase_add_test (tc, test_output_json_lines);
  tcase_add_test (tc, test_output_failure_leaves_nothing);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  return fdnix_test_run (metadata_run_suite ());
}
