/* check-objects: the directory back end through the FdnixObjects interface. */
#include "config.h"

#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "aws/fdnix-aws-config.h"
#include "core/fdnix-error.h"
#include "net/fdnix-http.h"
#include "net/fdnix-retry.h"
#include "vectors/fdnix-objects-dir.h"
#include "vectors/fdnix-objects-s3.h"
#include "fdnix-test.h"
#include "fdnix-test-httpd.h"

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

/* ---- what someone else put in the directory */

static gchar *
data_path (const gchar *relative)
{
  return g_build_filename (tmpdir, "data", relative, NULL);
}

static void
make_folders (void)
{
  g_autofree gchar *vectors = data_path ("vectors");
  g_autofree gchar *outside = g_build_filename (tmpdir, "outside", NULL);
  g_autofree gchar *secret = g_build_filename (tmpdir, "outside", "batch_secret.json.gz", NULL);

  ck_assert (g_mkdir_with_parents (vectors, 0755) == 0);
  ck_assert (g_mkdir_with_parents (outside, 0755) == 0);
  ck_assert (g_file_set_contents (secret, "secret", -1, NULL));
}

/* Each case puts something hostile at vectors/batch_h.json.gz (or makes
 * vectors/ itself a link); a get must fail at once with a clear message,
 * never block, never read outside the root. */
typedef enum { LINK_DEV_ZERO, LINK_OUTSIDE, FIFO, FOLDER_LINK, DIRECTORY, TOO_LARGE } HostileKind;

static const struct {
  HostileKind  kind;
  const gchar *message;  /* part of the error */
} hostile_cases[] = {
  { LINK_DEV_ZERO, "is a symbolic link" },
  { LINK_OUTSIDE, "is a symbolic link" },
  { FIFO, "not a regular file" },
  { FOLDER_LINK, "symbolic link or not a directory" },
  { DIRECTORY, "not a regular file" },
  { TOO_LARGE, "more than the 100 allowed" },
};

START_TEST (test_get_refuses_hostile)
{
  g_autofree gchar *target = data_path ("vectors/batch_h.json.gz");
  g_autofree gchar *vectors = data_path ("vectors");
  g_autofree gchar *outside = g_build_filename (tmpdir, "outside", NULL);
  g_autofree gchar *big = g_strnfill (101, 'x');
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) got = NULL;
  g_autoptr(GPtrArray) list = NULL;
  gint64 start;

  make_folders ();
  switch (hostile_cases[_i].kind)
    {
    case LINK_DEV_ZERO:
      ck_assert (symlink ("/dev/zero", target) == 0);
      break;
    case LINK_OUTSIDE:
      ck_assert (symlink ("../../outside/batch_secret.json.gz", target) == 0);
      break;
    case FIFO:
      ck_assert (mkfifo (target, 0644) == 0);
      break;
    case FOLDER_LINK:
      ck_assert (g_rmdir (vectors) == 0);
      ck_assert (symlink (outside, vectors) == 0);
      g_free (target);
      target = g_strdup ("batch_secret.json.gz");
      break;
    case DIRECTORY:
      ck_assert (g_mkdir (target, 0755) == 0);
      break;
    case TOO_LARGE:
      ck_assert (g_file_set_contents (target, big, -1, NULL));
      break;
    }
  start = g_get_monotonic_time ();
  got = fdnix_objects_get_capped (objects, hostile_cases[_i].kind == FOLDER_LINK
                                  ? "vectors/batch_secret.json.gz" : "vectors/batch_h.json.gz",
                                  100, &error);
  ck_assert (got == NULL);
  ck_assert_msg (error != NULL && strstr (error->message, hostile_cases[_i].message) != NULL, "%s",
                 error != NULL ? error->message : "no error");
  /* refused, not waited for (a FIFO) nor read (/dev/zero) */
  ck_assert_int_lt (g_get_monotonic_time () - start, 2 * G_USEC_PER_SEC);
  /* a listing shows regular files only, and nothing behind a link */
  g_clear_error (&error);
  list = fdnix_objects_list (objects, "vectors/", &error);
  if (hostile_cases[_i].kind == FOLDER_LINK)
    ck_assert (list == NULL && error != NULL);
  else
    {
      ck_assert_msg (list != NULL, "%s", error != NULL ? error->message : "");
      ck_assert_uint_eq (list->len, hostile_cases[_i].kind == TOO_LARGE ? 1 : 0);
    }
}
END_TEST

/* A put never writes through a link to a folder outside the root. */
START_TEST (test_put_stays_inside)
{
  g_autofree gchar *vectors = data_path ("vectors");
  g_autofree gchar *outside = g_build_filename (tmpdir, "outside", NULL);
  g_autofree gchar *escaped = g_build_filename (tmpdir, "outside", "batch_new.json.gz", NULL);
  g_autoptr(GBytes) data = bytes_of ("x");
  g_autoptr(GError) error = NULL;

  make_folders ();
  ck_assert (g_rmdir (vectors) == 0);
  ck_assert (symlink (outside, vectors) == 0);
  ck_assert (!fdnix_objects_put (objects, "vectors/batch_new.json.gz", data, &error));
  ck_assert (g_error_matches (error, FDNIX_ERROR, FDNIX_ERROR_IO));
  ck_assert (!g_file_test (escaped, G_FILE_TEST_EXISTS));
  g_clear_error (&error);
  /* nor deletes there */
  ck_assert (fdnix_objects_delete (objects, "vectors/batch_secret.json.gz", &error) == FALSE);
  g_clear_error (&error);
  g_free (escaped);
  escaped = g_build_filename (tmpdir, "outside", "batch_secret.json.gz", NULL);
  ck_assert (g_file_test (escaped, G_FILE_TEST_EXISTS));
}
END_TEST

/* The cap is the size asked for: a file of exactly that size is read. */
START_TEST (test_get_capped_exact)
{
  g_autoptr(GBytes) data = bytes_of ("0123456789");
  g_autoptr(GBytes) got = NULL;
  g_autoptr(GError) error = NULL;

  ck_assert (fdnix_objects_put (objects, "vectors/batch_e.json.gz", data, &error));
  got = fdnix_objects_get_capped (objects, "vectors/batch_e.json.gz", 10, &error);
  ck_assert_msg (got != NULL, "%s", error != NULL ? error->message : "");
  ck_assert (g_bytes_equal (got, data));
  g_clear_pointer (&got, g_bytes_unref);
  got = fdnix_objects_get_capped (objects, "vectors/batch_e.json.gz", 9, &error);
  ck_assert (got == NULL);
  ck_assert (g_error_matches (error, FDNIX_ERROR, FDNIX_ERROR_INVALID_DATA));
}
END_TEST

/* ---- S3 listings a hostile server makes endless */

typedef struct {
  gboolean same_token;  /* repeat one token instead of a new one each time */
  guint    pages;
  GMutex   lock;
  GPtrArray *bodies;    /* keeps each reply's text alive */
} EndlessServer;

static void
endless_handler (const FdnixTestRequest *request, FdnixTestReply *reply, gpointer user_data)
{
  EndlessServer *server = user_data;
  gchar *body;

  g_mutex_lock (&server->lock);
  server->pages++;
  body = g_strdup_printf ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListBucketResult>"
                          "<IsTruncated>true</IsTruncated><NextContinuationToken>t%u</NextContinuationToken>"
                          "<Contents><Key>vectors/batch_%u.json.gz</Key><Size>1</Size></Contents>"
                          "</ListBucketResult>", server->same_token ? 1 : server->pages, server->pages);
  g_ptr_array_add (server->bodies, body);
  g_mutex_unlock (&server->lock);
  reply->status = 200;
  reply->headers = "Content-Type: application/xml\r\n";
  reply->body = body;
}

static FdnixObjects *
s3_objects_at (FdnixTestHttpd *httpd)
{
  g_autoptr(FdnixConfig) config = fdnix_config_new ();
  g_autoptr(GError) error = NULL;
  FdnixObjects *s3;

  /* what a program that opens S3 registers (fdnix_store_add_settings()) */
  fdnix_config_register (config, fdnix_aws_settings);
  fdnix_config_register (config, fdnix_http_settings);
  fdnix_config_register (config, fdnix_retry_settings);
  g_setenv ("AWS_ENDPOINT_URL_S3", fdnix_test_httpd_get_url (httpd), TRUE);
  g_setenv ("AWS_REGION", "us-east-1", TRUE);
  g_setenv ("AWS_ACCESS_KEY_ID", "AKIDFDNIXTEST0000000", TRUE);
  g_setenv ("AWS_SECRET_ACCESS_KEY", "fdnixTestSecretKey0000000000000000000000", TRUE);
  g_setenv ("AWS_EC2_METADATA_DISABLED", "true", TRUE);
  s3 = fdnix_objects_s3_new (config, "bucket", NULL, TRUE, &error);
  ck_assert_msg (s3 != NULL, "%s", error != NULL ? error->message : "");
  return s3;
}

/* Every page says "truncated" with a new token (or the same one): the
 * listing stops at its page cap (or at once), with a clear error, and
 * memory stays at one page's worth per page. */
START_TEST (test_s3_list_endless)
{
  g_autoptr(FdnixTestHttpd) httpd = fdnix_test_httpd_new ();
  g_autoptr(FdnixObjects) s3 = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GError) error = NULL;
  EndlessServer server = { 0 };

  server.same_token = _i == 1;
  server.bodies = g_ptr_array_new_with_free_func (g_free);
  g_mutex_init (&server.lock);
  fdnix_test_httpd_set_handler (httpd, endless_handler, &server);
  s3 = s3_objects_at (httpd);
  list = fdnix_objects_list (s3, "vectors/", &error);
  ck_assert (list == NULL);
  if (server.same_token)
    {
      ck_assert_msg (strstr (error->message, "same continuation token") != NULL, "%s", error->message);
      ck_assert_uint_eq (server.pages, 2);
    }
  else
    {
      ck_assert_msg (strstr (error->message, "capped at 10000 pages") != NULL, "%s", error->message);
      ck_assert_uint_eq (server.pages, FDNIX_OBJECTS_MAX_LIST_PAGES);
    }
  ck_assert_msg (g_str_has_prefix (error->message, "listing vectors/: ListObjectsV2: "), "%s", error->message);
  g_clear_object (&s3);
  g_clear_pointer (&httpd, fdnix_test_httpd_free);
  g_ptr_array_unref (server.bodies);
  g_mutex_clear (&server.lock);
}
END_TEST

/* One page with more keys than a whole listing may have. */
START_TEST (test_s3_list_huge_page)
{
  g_autoptr(GString) xml = g_string_new ("<ListBucketResult><IsTruncated>false</IsTruncated>");
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) fdnix_object_info_free);
  g_autofree gchar *token = NULL;
  g_autoptr(GError) error = NULL;
  gboolean truncated = FALSE;

  for (guint i = 0; i <= FDNIX_OBJECTS_MAX_KEYS; i++)
    g_string_append (xml, "<Contents><Key>k</Key></Contents>");
  g_string_append (xml, "</ListBucketResult>");
  ck_assert (!fdnix_s3_parse_list (xml->str, xml->len, list, &truncated, &token, &error));
  ck_assert_msg (strstr (error->message, "more than 1000000 keys") != NULL, "%s", error->message);
  ck_assert_uint_eq (list->len, FDNIX_OBJECTS_MAX_KEYS);
}
END_TEST

static void
big_object_handler (const FdnixTestRequest *request, FdnixTestReply *reply, gpointer user_data)
{
  const gchar *body = user_data;

  reply->status = 200;
  reply->headers = "Content-Type: application/gzip\r\n";
  reply->body = body;
}

/* GetObject of an object larger than the caller's cap (the size its index
 * entry gives) is refused as it arrives, not kept and then measured; an
 * object of exactly the cap is fine. */
START_TEST (test_s3_get_capped)
{
  g_autoptr(FdnixTestHttpd) httpd = fdnix_test_httpd_new ();
  g_autofree gchar *body = g_strnfill (100000, 'x');
  g_autoptr(FdnixObjects) s3 = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) small = NULL;
  g_autoptr(GBytes) exact = NULL;

  fdnix_test_httpd_set_handler (httpd, big_object_handler, body);
  s3 = s3_objects_at (httpd);
  small = fdnix_objects_get_capped (s3, "vectors/batch_x_0.json.gz", 1000, &error);
  ck_assert_ptr_null (small);
  ck_assert_msg (strstr (error->message, "response body larger than 1000 bytes") != NULL, "%s", error->message);
  /* a body too large for a valid answer is not asked for again */
  ck_assert_uint_eq (fdnix_test_httpd_get_n_requests (httpd), 1);
  g_clear_error (&error);
  exact = fdnix_objects_get_capped (s3, "vectors/batch_x_0.json.gz", 100000, &error);
  ck_assert_msg (exact != NULL, "%s", error != NULL ? error->message : "");
  ck_assert_uint_eq (g_bytes_get_size (exact), 100000);
  g_clear_object (&s3);
  g_clear_pointer (&httpd, fdnix_test_httpd_free);
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
  tcase_add_loop_test (tc, test_get_refuses_hostile, 0, G_N_ELEMENTS (hostile_cases));
  tcase_add_test (tc, test_put_stays_inside);
  tcase_add_test (tc, test_get_capped_exact);
  suite_add_tcase (s, tc);

  tc = tcase_create ("s3-listing");
  tcase_set_timeout (tc, 300);
  tcase_add_loop_test (tc, test_s3_list_endless, 0, 2);
  tcase_add_test (tc, test_s3_list_huge_page);
  tcase_add_test (tc, test_s3_get_capped);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  return fdnix_test_run (objects_suite ());
}
