/* check-objects: the directory back end through the FdnixObjects interface. */
#include "config.h"

#include <string.h>

#include "core/fdnix-error.h"
#include "embed/fdnix-objects-dir.h"
#include "fdnix-test.h"

static gchar *tmpdir;
static FdnixObjects *objects;

static void
setup (void)
{
  g_autofree gchar *root = NULL;

  tmpdir = fdnix_test_mkdtemp ();
  root = g_build_filename (tmpdir, "data", NULL);
  objects = fdnix_objects_dir_new (root);
}

static void
teardown (void)
{
  g_clear_object (&objects);
  fdnix_test_rmtree (tmpdir);
  g_clear_pointer (&tmpdir, g_free);
}

static GBytes *
bytes_of (const gchar *text)
{
  return g_bytes_new (text, strlen (text));
}

START_TEST (test_put_get_replace)
{
  g_autoptr(GBytes) a = bytes_of ("first");
  g_autoptr(GBytes) b = bytes_of ("second, longer");
  g_autoptr(GBytes) got = NULL;
  g_autoptr(GError) error = NULL;

  ck_assert_msg (fdnix_objects_put (objects, "vectors/batch_a_00000.json.gz", a, &error), "%s",
                 error != NULL ? error->message : "");
  got = fdnix_objects_get (objects, "vectors/batch_a_00000.json.gz", &error);
  ck_assert (got != NULL && g_bytes_equal (got, a));
  g_clear_pointer (&got, g_bytes_unref);
  ck_assert (fdnix_objects_put (objects, "vectors/batch_a_00000.json.gz", b, &error));
  got = fdnix_objects_get (objects, "vectors/batch_a_00000.json.gz", &error);
  ck_assert (got != NULL && g_bytes_equal (got, b));
  ck_assert (strstr (fdnix_objects_describe (objects), "directory ") != NULL);
}
END_TEST

START_TEST (test_get_missing)
{
  g_autoptr(GError) error = NULL;

  ck_assert (fdnix_objects_get (objects, "vector-index/index.json.gz", &error) == NULL);
  ck_assert (g_error_matches (error, FDNIX_ERROR, FDNIX_ERROR_NOT_FOUND));
  ck_assert_msg (strstr (error->message, "vector-index/index.json.gz") != NULL, "%s", error->message);
}
END_TEST

/* Listing: direct children only, sorted, with sizes, no hidden temporaries;
 * delete is idempotent; leftovers of interrupted puts are cleaned. */
START_TEST (test_list_delete_clean)
{
  g_autoptr(GBytes) data = bytes_of ("12345");
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree gchar *leftover = g_build_filename (tmpdir, "data", "vectors", ".batch_x.json.gz.tmp-ABCDEF", NULL);
  const gchar *keys[] = { "vectors/batch_b.json.gz", "vectors/batch_a.json.gz", "vectors/sub/batch_c.json.gz",
                          "vector-index/index.json.gz" };

  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    ck_assert (fdnix_objects_put (objects, keys[i], data, &error));
  ck_assert (g_file_set_contents (leftover, "partial", -1, NULL));

  list = fdnix_objects_list (objects, "vectors/", &error);
  ck_assert (list != NULL);
  ck_assert_uint_eq (list->len, 2);
  ck_assert_str_eq (((FdnixObjectInfo *) list->pdata[0])->key, "vectors/batch_a.json.gz");
  ck_assert_str_eq (((FdnixObjectInfo *) list->pdata[1])->key, "vectors/batch_b.json.gz");
  ck_assert_uint_eq (((FdnixObjectInfo *) list->pdata[0])->size, 5);
  g_clear_pointer (&list, g_ptr_array_unref);

  list = fdnix_objects_list (objects, "vectors/batch_b", &error);
  ck_assert_uint_eq (list->len, 1);
  g_clear_pointer (&list, g_ptr_array_unref);
  list = fdnix_objects_list (objects, "nothing-here/", &error);
  ck_assert (list != NULL);
  ck_assert_uint_eq (list->len, 0);

  ck_assert (fdnix_objects_delete (objects, "vectors/batch_a.json.gz", &error));
  ck_assert (fdnix_objects_delete (objects, "vectors/batch_a.json.gz", &error));
  ck_assert (g_file_test (leftover, G_FILE_TEST_EXISTS));
  ck_assert (fdnix_objects_clean_partial (objects, "vectors/", &error));
  ck_assert (!g_file_test (leftover, G_FILE_TEST_EXISTS));
}
END_TEST

static const gchar *const bad_keys[] = {
  "", "/etc/passwd", "vectors/../../x", "vectors//x", "vectors/./x", "vectors/", "a\\b",
};

START_TEST (test_bad_keys)
{
  g_autoptr(GBytes) data = bytes_of ("x");
  g_autoptr(GError) error = NULL;

  ck_assert (!fdnix_objects_put (objects, bad_keys[_i], data, &error));
  ck_assert (g_error_matches (error, FDNIX_ERROR, FDNIX_ERROR_INVALID_DATA));
  g_clear_error (&error);
  ck_assert (fdnix_objects_get (objects, bad_keys[_i], &error) == NULL);
  ck_assert (g_error_matches (error, FDNIX_ERROR, FDNIX_ERROR_INVALID_DATA));
}
END_TEST

START_TEST (test_put_fails_cleanly)
{
  g_autoptr(GBytes) data = bytes_of ("x");
  g_autoptr(GError) error = NULL;
  g_autofree gchar *blocker = g_build_filename (tmpdir, "data", NULL);

  /* the root is a file: nothing can be created under it */
  ck_assert (g_file_set_contents (blocker, "", -1, NULL));
  ck_assert (!fdnix_objects_put (objects, "vectors/batch_x.json.gz", data, &error));
  ck_assert (g_error_matches (error, FDNIX_ERROR, FDNIX_ERROR_IO));
  ck_assert_msg (strstr (error->message, "storing vectors/batch_x.json.gz") != NULL, "%s", error->message);
}
END_TEST

static Suite *
objects_suite (void)
{
  Suite *s = suite_create ("objects");
  TCase *tc = tcase_create ("directory");

  tcase_add_checked_fixture (tc, setup, teardown);
  tcase_add_test (tc, test_put_get_replace);
  tcase_add_test (tc, test_get_missing);
  tcase_add_test (tc, test_list_delete_clean);
  tcase_add_loop_test (tc, test_bad_keys, 0, G_N_ELEMENTS (bad_keys));
  tcase_add_test (tc, test_put_fails_cleanly);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  return fdnix_test_run (objects_suite ());
}
