/* check-dynamodb-store: the DynamoDB back end through the FdnixStore
 * interface, against a real server (dynalite, DynamoDB Local, or the fault
 * proxy in front of one) at $FDNIX_TEST_DYNAMODB_ENDPOINT.
 * tests/test-dynamodb-store.sh starts the servers; run alone without the
 * variable, the suite skips.
 *
 * It runs the cases every back end passes (store-contract.c), with small
 * scan pages and many batches in flight, plus DynamoDB's own: the 400 KB
 * item limit and the table checks.
 */
#include "config.h"

#include <string.h>

#include "aws/fdnix-dynamodb.h"
#include "core/fdnix-error.h"
#include "store/fdnix-dynamodb-item.h"
#include "store/fdnix-dynamodb-store.h"
#include "store-contract.h"
#include "fdnix-test.h"

static const gchar *endpoint;
static gchar *table;
static guint table_seq;

static FdnixAwsClient *
new_client (void)
{
  g_autoptr(FdnixAwsCredentials) creds =
    fdnix_aws_credentials_new ("AKIDFDNIXTEST0000000", "fdnixTestSecretKey0000000000000000000000",
                               NULL, 0, "test");
  g_autoptr(FdnixAwsCredentialsProvider) provider = fdnix_aws_credentials_provider_new_static (creds);

  return fdnix_aws_client_new_full (&fdnix_aws_service_dynamodb, "us-east-1", endpoint, provider,
                                    NULL, NULL);
}

static FdnixStore *
open_store (const gchar *name, gboolean create, GError **error)
{
  return FDNIX_STORE (fdnix_dynamodb_store_new_for_client (new_client (), name, 8, 3, create, error));
}

static FdnixStore *
open_empty (void)
{
  g_autoptr(GError) error = NULL;
  FdnixStore *store;

  table = g_strdup_printf ("fdnix-check-%d-%u", (int) getpid (), ++table_seq);
  store = open_store (table, TRUE, &error);
  ck_assert_msg (store != NULL, "%s", error != NULL ? error->message : "");
  /* small pages: paging is exercised with a few hundred items */
  fdnix_dynamodb_store_set_scan_limit (FDNIX_DYNAMODB_STORE (store), 97);
  return store;
}

/* What the table holds, seen through a second store object (no cache). */
static guint64
count_committed (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FdnixStore) other = open_store (table, FALSE, &error);
  guint64 n = 0;

  ck_assert_msg (other != NULL, "%s", error != NULL ? error->message : "");
  ck_assert_msg (fdnix_store_count (other, &n, &error), "%s", error != NULL ? error->message : "");
  return n;
}

static void
clean_up (void)
{
  g_clear_pointer (&table, g_free);
}

static const FdnixStoreContract dynamodb_contract = {
  open_empty, count_committed, clean_up,
  700,    /* seven pages of 97 items, in three scan segments */
};

static gboolean
collect_records (FdnixRecord *record, gpointer user_data, GError **error)
{
  g_ptr_array_add (user_data, fdnix_record_copy (record));
  return TRUE;
}

/* Every field of the JSON form comes back as written, nested values and
 * non-ASCII text included; an item over 400 KB is shrunk, not refused,
 * and keeps the hash of the full record (so the next run leaves it). */
START_TEST (test_roundtrip_and_item_limit)
{
  FdnixStore *store = fdnix_store_contract_store ();
  g_autoptr(FdnixRecord) rich = fdnix_store_contract_record ("python3Packages.caf\xc3\xa9", "1.2.3-rc1", "caf\xc3\xa9 \xf0\x9f\x90\xa7");
  g_autoptr(FdnixRecord) huge = fdnix_store_contract_record ("huge", "1", "big");
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) big = g_string_new (NULL);
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func ((GDestroyNotify) fdnix_record_free);
  FdnixScanOptions all = { FDNIX_SCAN_ALL, NULL, 0, 1 };
  FdnixCommitCounts counts;

  g_free (rich->license_json);
  rich->license_json = g_strdup ("[{\"spdxId\":\"MIT\",\"free\":true},\"unknown\"]");
  g_free (rich->maintainers_json);
  rich->maintainers_json = g_strdup ("[{\"name\":\"A\",\"github\":\"a\",\"githubId\":12345}]");
  g_free (rich->platforms_json);
  rich->platforms_json = g_strdup ("[\"x86_64-linux\",\"aarch64-darwin\"]");
  rich->long_description = g_strdup ("line one\nline \"two\"\ttab");
  rich->homepage = g_strdup ("https://example.org/");
  rich->has_embedding = TRUE;
  rich->embedding_model = g_strdup ("cohere.embed-english-v3");
  rich->vector_file = g_strdup ("vectors/batch_r_1.json.gz");
  fdnix_record_compute_hashes (rich);
  for (guint i = 0; i < 60000; i++)
    g_string_append (big, "\xc3\xa9l\xc3\xa9phant ");
  huge->long_description = g_string_free (g_steal_pointer (&big), FALSE);
  fdnix_record_compute_hashes (huge);

  ck_assert (fdnix_store_begin_sync (store, &error));
  ck_assert (fdnix_store_stage_put (store, rich, NULL, &error));
  ck_assert (fdnix_store_stage_put (store, huge, NULL, &error));
  ck_assert_msg (fdnix_store_commit_sync (store, TRUE, &counts, &error), "%s",
                 error != NULL ? error->message : "");
  ck_assert (fdnix_store_scan (store, &all, collect_records, records, &error));
  ck_assert_uint_eq (records->len, 2);
  for (guint i = 0; i < records->len; i++)
    {
      FdnixRecord *got = records->pdata[i];
      if (g_str_equal (got->package_name, "huge"))
        {
          ck_assert (g_str_has_suffix (got->long_description, FDNIX_DYNAMODB_TRUNCATION_MARKER));
          ck_assert (g_utf8_validate (got->long_description, -1, NULL));
          ck_assert_uint_lt (strlen (got->long_description), 400 * 1024);
          ck_assert_str_eq (got->content_hash, huge->content_hash);
        }
      else
        {
          /* DynamoDB maps keep no member order: compare as JSON values */
          g_autofree gchar *want = fdnix_record_to_json (rich);
          g_autofree gchar *have = fdnix_record_to_json (got);
          g_autoptr(JsonNode) want_node = json_from_string (want, NULL);
          g_autoptr(JsonNode) have_node = json_from_string (have, NULL);
          ck_assert_msg (json_node_equal (want_node, have_node), "%s\n%s", want, have);
        }
    }
}
END_TEST

/* A missing table and a table with other keys are refused clearly. */
START_TEST (test_table_checks)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FdnixStore) missing = open_store ("fdnix-no-such-table", FALSE, &error);
  g_autoptr(FdnixAwsClient) client = new_client ();
  g_autofree gchar *other = g_strdup_printf ("fdnix-other-keys-%d", (int) getpid ());
  g_autoptr(FdnixStore) wrong = NULL;

  ck_assert_ptr_null (missing);
  ck_assert (g_error_matches (error, FDNIX_ERROR, FDNIX_ERROR_NOT_FOUND));
  ck_assert_msg (strstr (error->message, "--create-table") != NULL, "%s", error->message);
  g_clear_error (&error);

  ck_assert (fdnix_dynamodb_create_table (client, other, "id", NULL, 30, &error));
  wrong = open_store (other, FALSE, &error);
  ck_assert_ptr_null (wrong);
  ck_assert (g_error_matches (error, FDNIX_ERROR, FDNIX_ERROR_USAGE));
  ck_assert_msg (strstr (error->message, "packageName (HASH) + version (RANGE)") != NULL, "%s",
                 error->message);
}
END_TEST

static Suite *
dynamodb_store_suite (void)
{
  Suite *s = suite_create ("store-dynamodb");
  TCase *tc = fdnix_store_contract_tcase ("dynamodb", &dynamodb_contract);

  /* DynamoDB's own cases share the contract's fixture (a fresh table) */
  tcase_set_timeout (tc, 300);
  tcase_add_test (tc, test_roundtrip_and_item_limit);
  tcase_add_test (tc, test_table_checks);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  endpoint = g_getenv ("FDNIX_TEST_DYNAMODB_ENDPOINT");
  if (endpoint == NULL || *endpoint == '\0')
    {
      fprintf (stderr, "SKIP: FDNIX_TEST_DYNAMODB_ENDPOINT is not set (tests/test-dynamodb-store.sh sets it)\n");
      return 77;
    }
  return fdnix_test_run (dynamodb_store_suite ());
}
