/* fdnix-test.h: small helpers shared by the check suites. */
#pragma once

#include <check.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <stdlib.h>

/* Path of a fixture under tests/data (srcdir, so VPATH builds work). */
static inline gchar *
fdnix_test_data_path (const gchar *name)
{
  const gchar *srcdir = g_getenv ("FDNIX_TESTS_SRCDIR");

  return g_build_filename (srcdir != NULL ? srcdir : "tests", "data", name, NULL);
}

/* Path of the offline embedder's IDF table that the package ships in data/. */
static inline gchar *
fdnix_test_idf_path (void)
{
  const gchar *srcdir = g_getenv ("FDNIX_TESTS_SRCDIR");

  return g_build_filename (srcdir != NULL ? srcdir : "tests", "..", "data", "fdnix-offline-idf.tsv.gz", NULL);
}

/* Contents of a fixture; fails the test when it cannot be read. */
static inline gchar *
fdnix_test_read_data (const gchar *name, gsize *out_length)
{
  g_autofree gchar *path = fdnix_test_data_path (name);
  g_autoptr(GError) error = NULL;
  gchar *contents = NULL;

  if (!g_file_get_contents (path, &contents, out_length, &error))
    ck_abort_msg ("cannot read fixture %s: %s", path, error->message);
  return contents;
}

/* A fresh temporary directory, removed by fdnix_test_rmtree(). */
static inline gchar *
fdnix_test_mkdtemp (void)
{
  g_autoptr(GError) error = NULL;
  gchar *dir = g_dir_make_tmp ("fdnix-test-XXXXXX", &error);

  ck_assert_msg (dir != NULL, "mkdtemp: %s", error != NULL ? error->message : "?");
  return dir;
}

static inline void
fdnix_test_rmtree (const gchar *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const gchar *name;

  if (dir == NULL)
    {
      g_unlink (path);
      return;
    }
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree gchar *child = g_build_filename (path, name, NULL);
      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        fdnix_test_rmtree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

/* Runs one suite; the exit status is what automake's harness expects. */
static inline int
fdnix_test_run (Suite *suite)
{
  SRunner *runner = srunner_create (suite);
  int failed;

  srunner_run_all (runner, CK_ENV);
  failed = srunner_ntests_failed (runner);
  srunner_free (runner);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
