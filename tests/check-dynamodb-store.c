/* check-dynamodb-store: the DynamoDB back end through the FdnixStore
 * interface, against a real server (dynalite, DynamoDB Local, or the fault
 * proxy in front of one) at $FDNIX_TEST_DYNAMODB_ENDPOINT.
 * tests/test-dynamodb-store.sh starts the servers; run alone without the
 * variable, the suite skips.
 *
 * The cases mirror check-store's for SQLite (same semantics), plus what is
 * DynamoDB's own: paging, many batches in flight, the 400 KB item limit,
 * the table checks.
 */
#include "config.h"

#include <string.h>

#include "aws/fdnix-dynamodb.h"
#include "core/fdnix-error.h"
#include "store/fdnix-dynamodb-item.h"
#include "store/fdnix-dynamodb-store.h"
#include "fdnix-test.h"

static const gchar *endpoint;
static FdnixStore *store;
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

static void
setup (void)
{
  g_autoptr(GError) error = NULL;

  table = g_strdup_printf ("fdnix-check-%d-%u", (int) getpid (), ++table_seq);
  store = open_store (table, TRUE, &error);
  ck_assert_msg (store != NULL, "%s", error != NULL ? error->message : "");
  /* small pages: paging is exercised with a few hundred items */
  fdnix_dynamodb_store_set_scan_limit (FDNIX_DYNAMODB_STORE (store), 97);
}

static void
teardown (void)
{
  g_clear_object (&store);
  g_clear_pointer (&table, g_free);
}

static FdnixRecord *
make_record (const gchar *name, const gchar *version, const gchar *description)
{
  FdnixRecord *r = fdnix_record_new ();

  r->package_name = g_strdup (name);
  r->version = g_strdup (version);
  r->pname = g_strdup (name);
  r->description = g_strdup (description);
  r->last_updated = g_strdup ("2026-11-29T00:00:00.000Z");
  fdnix_record_compute_hashes (r);
  return r;
}

static guint64
count_of (FdnixStore *s)
{
  guint64 n = 0;
  g_autoptr(GError) error = NULL;

  ck_assert_msg (fdnix_store_count (s, &n, &error), "%s", error != NULL ? error->message : "");
  return n;
}

/* What the table holds, seen through a second store object (no cache). */
static guint64
count (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FdnixStore) other = open_store (table, FALSE, &error);

  ck_assert_msg (other != NULL, "%s", error != NULL ? error->message : "");
  return count_of (other);
}

static void
put_all (const gchar *const *names, gboolean delete_unseen)
{
  g_autoptr(GError) error = NULL;
  FdnixCommitCounts counts;

  ck_assert_msg (fdnix_store_begin_sync (store, &error), "%s", error != NULL ? error->message : "");
  for (gsize i = 0; names[i] != NULL; i++)
    {
      g_autoptr(FdnixRecord) r = make_record (names[i], "1.0", "a package");
      ck_assert (fdnix_store_stage_put (store, r, NULL, &error));
    }
  ck_assert_msg (fdnix_store_commit_sync (store, delete_unseen, &counts, &error), "%s",
                 error != NULL ? error->message : "");
}

/* Nothing is visible before commit; after it, lookups see the items. */
START_TEST (test_commit_and_lookup)
{
  const gchar *names[] = { "hello", "python3Packages.requests", "emacsPackages.term+key", NULL };
  g_autoptr(FdnixStoredState) state = NULL;
  g_autoptr(FdnixRecord) early = make_record ("early", "1", "staged only");
  g_autoptr(GError) error = NULL;

  ck_assert_int_eq (count_of (store), 0);
  ck_assert (fdnix_store_begin_sync (store, &error));
  ck_assert (fdnix_store_stage_put (store, early, NULL, &error));
  ck_assert_int_eq (count (), 0);
  fdnix_store_abort_sync (store);

  put_all (names, TRUE);
  ck_assert_int_eq (count (), 3);
  ck_assert (fdnix_store_begin_sync (store, &error));
  ck_assert (fdnix_store_lookup (store, "python3Packages.requests", &state, &error));
  ck_assert_ptr_nonnull (state);
  ck_assert_str_eq (state->version, "1.0");
  ck_assert_int_eq (strlen (state->content_hash), FDNIX_RECORD_HASH_LEN);
  g_clear_pointer (&state, fdnix_stored_state_free);
  ck_assert (fdnix_store_lookup (store, "absent", &state, &error));
  ck_assert_ptr_null (state);
  fdnix_store_abort_sync (store);
}
END_TEST

/* Nothing staged survives an abort; deletes happen only when asked. */
START_TEST (test_abort_and_delete_unseen)
{
  const gchar *three[] = { "a", "b", "c", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(FdnixRecord) d = make_record ("d", "1", "new");
  FdnixCommitCounts counts;

  put_all (three, TRUE);
  ck_assert (fdnix_store_begin_sync (store, &error));
  ck_assert (fdnix_store_stage_put (store, d, NULL, &error));
  fdnix_store_abort_sync (store);
  ck_assert_int_eq (count (), 3);

  ck_assert (fdnix_store_begin_sync (store, &error));
  ck_assert (fdnix_store_mark_seen (store, "a", "1.0", &error));
  ck_assert (fdnix_store_commit_sync (store, FALSE, &counts, &error));
  ck_assert_int_eq (count (), 3);
  ck_assert_int_eq (counts.deletes, 0);

  ck_assert (fdnix_store_begin_sync (store, &error));
  ck_assert (fdnix_store_mark_seen (store, "a", "1.0", &error));
  ck_assert (fdnix_store_stage_put (store, d, NULL, &error));
  ck_assert (fdnix_store_commit_sync (store, TRUE, &counts, &error));
  ck_assert_int_eq (counts.deletes, 2);
  ck_assert_int_eq (counts.puts, 1);
  ck_assert_int_eq (count (), 2);
}
END_TEST

/* A new version replaces the old item, even without delete_unseen: one
 * item per attribute path, as in SQLite. */
START_TEST (test_version_replaces)
{
  const gchar *one[] = { "hello", NULL };
  g_autoptr(FdnixRecord) v2 = make_record ("hello", "2.0", "a package");
  g_autoptr(FdnixStoredState) state = NULL;
  g_autoptr(GError) error = NULL;
  FdnixCommitCounts counts = { 0 };

  put_all (one, TRUE);
  ck_assert (fdnix_store_begin_sync (store, &error));
  ck_assert (fdnix_store_lookup (store, "hello", &state, &error));
  ck_assert (fdnix_store_stage_put (store, v2, state, &error));
  ck_assert (fdnix_store_commit_sync (store, FALSE, &counts, &error));
  ck_assert_int_eq (counts.deletes, 0);
  ck_assert_int_eq (count (), 1);
  g_clear_pointer (&state, fdnix_stored_state_free);
  ck_assert (fdnix_store_begin_sync (store, &error));
  ck_assert (fdnix_store_lookup (store, "hello", &state, &error));
  ck_assert_str_eq (state->version, "2.0");
  fdnix_store_abort_sync (store);
}
END_TEST

typedef struct {
  GPtrArray  *names;
  FdnixStore *store;
  gboolean    mark;
  GPtrArray  *records;
} ScanState;

static gboolean
collect (FdnixRecord *record, gpointer user_data, GError **error)
{
  ScanState *scan = user_data;

  g_ptr_array_add (scan->names, g_strdup (record->package_name));
  if (scan->records != NULL)
    g_ptr_array_add (scan->records, fdnix_record_copy (record));
  if (scan->mark)
    {
      /* writing from inside the scan must work: fdnix-embed does it */
      g_autoptr(GPtrArray) updates = g_ptr_array_new_with_free_func ((GDestroyNotify) fdnix_embedding_update_free);
      FdnixEmbeddingUpdate *u = g_new0 (FdnixEmbeddingUpdate, 1);
      guint64 applied = 0;

      u->package_name = g_strdup (record->package_name);
      u->version = g_strdup (record->version);
      u->embed_text_hash = g_strdup (record->embed_text_hash);
      u->has_embedding = TRUE;
      u->embedding_model = g_strdup ("model-a");
      u->vector_file = g_strdup ("vectors/batch_x_1.json.gz");
      g_ptr_array_add (updates, u);
      if (!fdnix_store_set_embeddings (scan->store, updates, &applied, error))
        return FALSE;
      ck_assert_int_eq (applied, 1);
    }
  return TRUE;
}

static guint
scan_count (FdnixScanFilter filter, const gchar *model, guint shard, guint shards, gboolean mark)
{
  FdnixScanOptions options = { filter, model, shard, shards };
  ScanState scan = { g_ptr_array_new_with_free_func (g_free), store, mark, NULL };
  g_autoptr(GError) error = NULL;
  guint n;

  ck_assert_msg (fdnix_store_scan (store, &options, collect, &scan, &error), "%s",
                 error != NULL ? error->message : "");
  n = scan.names->len;
  g_ptr_array_unref (scan.names);
  return n;
}

/* Scans page through everything (many pages in three segments), filter by
 * embedding state and model, and split into disjoint shards; hundreds of
 * puts go out as many BatchWriteItem calls in flight. */
START_TEST (test_scan_filters_and_shards)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  guint total = 0;

  for (guint i = 0; i < 700; i++)
    g_ptr_array_add (names, g_strdup_printf ("pkg%04u", i));
  g_ptr_array_add (names, NULL);
  put_all ((const gchar *const *) names->pdata, TRUE);
  ck_assert_int_eq (count (), 700);

  ck_assert_uint_eq (scan_count (FDNIX_SCAN_ALL, NULL, 0, 1, FALSE), 700);
  ck_assert_uint_eq (scan_count (FDNIX_SCAN_NEEDS_EMBEDDING, "model-a", 0, 1, FALSE), 700);
  for (guint k = 0; k < 4; k++)
    total += scan_count (FDNIX_SCAN_ALL, NULL, k, 4, FALSE);
  ck_assert_uint_eq (total, 700);

  total = scan_count (FDNIX_SCAN_NEEDS_EMBEDDING, "model-a", 1, 4, TRUE);
  ck_assert_uint_gt (total, 100);
  ck_assert_uint_eq (scan_count (FDNIX_SCAN_EMBEDDED, "model-a", 0, 1, FALSE), total);
  ck_assert_uint_eq (scan_count (FDNIX_SCAN_NEEDS_EMBEDDING, "model-a", 0, 1, FALSE), 700 - total);
  ck_assert_uint_eq (scan_count (FDNIX_SCAN_NEEDS_EMBEDDING, "model-b", 0, 1, FALSE), 700);
}
END_TEST

/* An embedding is not recorded for a record whose text changed since. */
START_TEST (test_set_embeddings_checks_text)
{
  const gchar *one[] = { "hello", NULL };
  g_autoptr(GPtrArray) updates = g_ptr_array_new_with_free_func ((GDestroyNotify) fdnix_embedding_update_free);
  FdnixEmbeddingUpdate *u = g_new0 (FdnixEmbeddingUpdate, 1);
  g_autoptr(GError) error = NULL;
  guint64 applied = 99;

  put_all (one, TRUE);
  u->package_name = g_strdup ("hello");
  u->version = g_strdup ("1.0");
  u->embed_text_hash = g_strdup ("0000000000000000");
  u->has_embedding = TRUE;
  u->embedding_model = g_strdup ("m");
  g_ptr_array_add (updates, u);
  ck_assert_msg (fdnix_store_set_embeddings (store, updates, &applied, &error), "%s",
                 error != NULL ? error->message : "");
  ck_assert_int_eq (applied, 0);
  ck_assert_uint_eq (scan_count (FDNIX_SCAN_EMBEDDED, "m", 0, 1, FALSE), 0);
}
END_TEST

/* Every field of the JSON form comes back as written, nested values and
 * non-ASCII text included; an item over 400 KB is shrunk, not refused,
 * and keeps the hash of the full record (so the next run leaves it). */
START_TEST (test_roundtrip_and_item_limit)
{
  g_autoptr(FdnixRecord) rich = make_record ("python3Packages.caf\xc3\xa9", "1.2.3-rc1", "caf\xc3\xa9 \xf0\x9f\x90\xa7");
  g_autoptr(FdnixRecord) huge = make_record ("huge", "1", "big");
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) big = g_string_new (NULL);
  ScanState scan = { g_ptr_array_new_with_free_func (g_free), store, FALSE,
                     g_ptr_array_new_with_free_func ((GDestroyNotify) fdnix_record_free) };
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
  ck_assert (fdnix_store_scan (store, &all, collect, &scan, &error));
  ck_assert_uint_eq (scan.records->len, 2);
  for (guint i = 0; i < scan.records->len; i++)
    {
      FdnixRecord *got = scan.records->pdata[i];
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
  g_ptr_array_unref (scan.names);
  g_ptr_array_unref (scan.records);
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
  TCase *tc = tcase_create ("dynamodb");

  tcase_add_checked_fixture (tc, setup, teardown);
  tcase_set_timeout (tc, 300);
  tcase_add_test (tc, test_commit_and_lookup);
  tcase_add_test (tc, test_abort_and_delete_unseen);
  tcase_add_test (tc, test_version_replaces);
  tcase_add_test (tc, test_scan_filters_and_shards);
  tcase_add_test (tc, test_set_embeddings_checks_text);
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
