/* store-contract.c: see store-contract.h. */
#include "config.h"

#include <string.h>

#include "store-contract.h"
#include "fdnix-test.h"

static const FdnixStoreContract *contract;
static FdnixStore *store;

static void
setup (void)
{
  store = contract->open_empty ();
  ck_assert_ptr_nonnull (store);
}

static void
teardown (void)
{
  g_clear_object (&store);
  if (contract->clean_up != NULL)
    contract->clean_up ();
}

/**
 * fdnix_store_contract_store:
 *
 * Returns: (transfer none): the store of the running test.
 */
FdnixStore *
fdnix_store_contract_store (void)
{
  return store;
}

/**
 * fdnix_store_contract_record:
 *
 * Returns: (transfer full): a minimal valid record, hashes computed.
 */
FdnixRecord *
fdnix_store_contract_record (const gchar *name, const gchar *version, const gchar *description)
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

/* The count through the open store itself. */
static guint64
count_through_store (void)
{
  guint64 n = 0;
  g_autoptr(GError) error = NULL;

  ck_assert_msg (fdnix_store_count (store, &n, &error), "%s", error != NULL ? error->message : "");
  return n;
}

static void
put_all (const gchar *const *names, gboolean delete_unseen)
{
  g_autoptr(GError) error = NULL;
  FdnixCommitCounts counts;

  ck_assert_msg (fdnix_store_begin_sync (store, &error), "%s", error != NULL ? error->message : "");
  for (gsize i = 0; names[i] != NULL; i++)
    {
      g_autoptr(FdnixRecord) r = fdnix_store_contract_record (names[i], "1.0", "a package");
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
  g_autoptr(FdnixRecord) early = fdnix_store_contract_record ("early", "1", "staged only");
  g_autoptr(GError) error = NULL;

  ck_assert_int_eq (count_through_store (), 0);
  ck_assert (fdnix_store_begin_sync (store, &error));
  ck_assert (fdnix_store_stage_put (store, early, NULL, &error));
  ck_assert_int_eq (contract->count_committed (), 0);
  fdnix_store_abort_sync (store);

  put_all (names, TRUE);
  ck_assert_int_eq (contract->count_committed (), 3);
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
  g_autoptr(FdnixRecord) d = fdnix_store_contract_record ("d", "1", "new");
  FdnixCommitCounts counts;

  put_all (three, TRUE);
  ck_assert (fdnix_store_begin_sync (store, &error));
  ck_assert (fdnix_store_stage_put (store, d, NULL, &error));
  fdnix_store_abort_sync (store);
  ck_assert_int_eq (contract->count_committed (), 3);

  ck_assert (fdnix_store_begin_sync (store, &error));
  ck_assert (fdnix_store_mark_seen (store, "a", "1.0", &error));
  ck_assert (fdnix_store_commit_sync (store, FALSE, &counts, &error));
  ck_assert_int_eq (contract->count_committed (), 3);
  ck_assert_int_eq (counts.deletes, 0);

  ck_assert (fdnix_store_begin_sync (store, &error));
  ck_assert (fdnix_store_mark_seen (store, "a", "1.0", &error));
  ck_assert (fdnix_store_stage_put (store, d, NULL, &error));
  ck_assert (fdnix_store_commit_sync (store, TRUE, &counts, &error));
  ck_assert_int_eq (counts.deletes, 2);
  ck_assert_int_eq (counts.puts, 1);
  ck_assert_int_eq (contract->count_committed (), 2);
}
END_TEST

/* A new version replaces the old one, even without delete_unseen: one
 * row or item per attribute path. */
START_TEST (test_version_replaces)
{
  const gchar *one[] = { "hello", NULL };
  g_autoptr(FdnixRecord) v2 = fdnix_store_contract_record ("hello", "2.0", "a package");
  g_autoptr(FdnixStoredState) state = NULL;
  g_autoptr(GError) error = NULL;
  FdnixCommitCounts counts = { 0 };

  put_all (one, TRUE);
  ck_assert (fdnix_store_begin_sync (store, &error));
  ck_assert (fdnix_store_lookup (store, "hello", &state, &error));
  ck_assert (fdnix_store_stage_put (store, v2, state, &error));
  ck_assert (fdnix_store_commit_sync (store, FALSE, &counts, &error));
  ck_assert_int_eq (counts.deletes, 0);
  ck_assert_int_eq (contract->count_committed (), 1);
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
} ScanState;

static gboolean
collect (FdnixRecord *record, gpointer user_data, GError **error)
{
  ScanState *scan = user_data;

  g_ptr_array_add (scan->names, g_strdup (record->package_name));
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
  ScanState scan = { g_ptr_array_new_with_free_func (g_free), store, mark };
  g_autoptr(GError) error = NULL;
  guint n;

  ck_assert_msg (fdnix_store_scan (store, &options, collect, &scan, &error), "%s",
                 error != NULL ? error->message : "");
  n = scan.names->len;
  g_ptr_array_unref (scan.names);
  return n;
}

/* Scans page through everything (more than a page), filter by embedding
 * state and model, and split into disjoint shards; hundreds of puts are
 * written in one sync (for DynamoDB, many BatchWriteItem calls in flight). */
START_TEST (test_scan_filters_and_shards)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  guint total = 0;

  for (guint i = 0; i < contract->bulk; i++)
    g_ptr_array_add (names, g_strdup_printf ("pkg%04u", i));
  g_ptr_array_add (names, NULL);
  put_all ((const gchar *const *) names->pdata, TRUE);
  ck_assert_int_eq (contract->count_committed (), contract->bulk);

  ck_assert_uint_eq (scan_count (FDNIX_SCAN_ALL, NULL, 0, 1, FALSE), contract->bulk);
  ck_assert_uint_eq (scan_count (FDNIX_SCAN_NEEDS_EMBEDDING, "model-a", 0, 1, FALSE), contract->bulk);
  for (guint k = 0; k < 4; k++)
    total += scan_count (FDNIX_SCAN_ALL, NULL, k, 4, FALSE);
  ck_assert_uint_eq (total, contract->bulk);

  total = scan_count (FDNIX_SCAN_NEEDS_EMBEDDING, "model-a", 1, 4, TRUE);
  ck_assert_uint_gt (total, contract->bulk / 8);
  ck_assert_uint_eq (scan_count (FDNIX_SCAN_EMBEDDED, "model-a", 0, 1, FALSE), total);
  ck_assert_uint_eq (scan_count (FDNIX_SCAN_NEEDS_EMBEDDING, "model-a", 0, 1, FALSE), contract->bulk - total);
  ck_assert_uint_eq (scan_count (FDNIX_SCAN_NEEDS_EMBEDDING, "model-b", 0, 1, FALSE), contract->bulk);
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

/**
 * fdnix_store_contract_tcase:
 * @name: the test case's name
 * @contract: (transfer none): the back end's hooks; must outlive the run
 *
 * Returns: a test case holding every contract test, with its fixture.
 */
TCase *
fdnix_store_contract_tcase (const gchar *name, const FdnixStoreContract *the_contract)
{
  TCase *tc = tcase_create (name);

  contract = the_contract;
  tcase_add_checked_fixture (tc, setup, teardown);
  tcase_add_test (tc, test_commit_and_lookup);
  tcase_add_test (tc, test_abort_and_delete_unseen);
  tcase_add_test (tc, test_version_replaces);
  tcase_add_test (tc, test_scan_filters_and_shards);
  tcase_add_test (tc, test_set_embeddings_checks_text);
  return tc;
}
