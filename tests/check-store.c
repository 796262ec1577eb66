/* check-store: the SQLite back end through the FdnixStore interface.
 *
 * The same cases are meant for every back end: commit visibility, abort,
 * deletes of unseen keys, version replacement, scans and embedding marks.
 */
#include "config.h"

#include <string.h>

#include "core/fdnix-error.h"
#include "store/fdnix-sqlite-store.h"
#include "fdnix-test.h"

static gchar *tmpdir;
static FdnixStore *store;

static void
setup (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree gchar *path = NULL;

  tmpdir = fdnix_test_mkdtemp ();
  path = g_build_filename (tmpdir, "sub", "fdnix.sqlite", NULL);
  store = FDNIX_STORE (fdnix_sqlite_store_open (path, &error));
  ck_assert_msg (store != NULL, "%s", error != NULL ? error->message : "");
}

static void
teardown (void)
{
  g_clear_object (&store);
  fdnix_test_rmtree (tmpdir);
  g_clear_pointer (&tmpdir, g_free);
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
count (void)
{
  guint64 n = 0;
  g_autoptr(GError) error = NULL;

  ck_assert (fdnix_store_count (store, &n, &error));
  return n;
}

static void
put_all (const gchar *const *names, gboolean delete_unseen)
{
  g_autoptr(GError) error = NULL;
  FdnixCommitCounts counts;

  ck_assert (fdnix_store_begin_sync (store, &error));
  for (gsize i = 0; names[i] != NULL; i++)
    {
      g_autoptr(FdnixRecord) r = make_record (names[i], "1.0", "a package");
      ck_assert (fdnix_store_stage_put (store, r, NULL, &error));
    }
  ck_assert_msg (fdnix_store_commit_sync (store, delete_unseen, &counts, &error), "%s",
                 error != NULL ? error->message : "");
}

START_TEST (test_commit_and_lookup)
{
  const gchar *names[] = { "hello", "python3Packages.requests", "emacsPackages.term+key", NULL };
  g_autoptr(FdnixStoredState) state = NULL;
  g_autoptr(GError) error = NULL;

  ck_assert_int_eq (count (), 0);
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

  /* only "a" seen: without delete_unseen the others stay */
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
  ck_assert_int_eq (count (), 2);
}
END_TEST

/* A new version replaces the old row: one row per attribute path. */
START_TEST (test_version_replaces)
{
  const gchar *one[] = { "hello", NULL };
  g_autoptr(FdnixRecord) v2 = make_record ("hello", "2.0", "a package");
  g_autoptr(FdnixStoredState) state = NULL;
  g_autoptr(GError) error = NULL;

  put_all (one, TRUE);
  ck_assert (fdnix_store_begin_sync (store, &error));
  ck_assert (fdnix_store_lookup (store, "hello", &state, &error));
  ck_assert (fdnix_store_stage_put (store, v2, state, &error));
  ck_assert (fdnix_store_commit_sync (store, TRUE, NULL, &error));
  ck_assert_int_eq (count (), 1);
  g_clear_pointer (&state, fdnix_stored_state_free);
  ck_assert (fdnix_store_begin_sync (store, &error));
  ck_assert (fdnix_store_lookup (store, "hello", &state, &error));
  ck_assert_str_eq (state->version, "2.0");
  fdnix_store_abort_sync (store);
}
END_TEST

typedef struct {
  GPtrArray *names;
  FdnixStore *store;
  gboolean mark;
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

/* Scans page through everything (more rows than a page), filter by
 * embedding state and model, and split into disjoint shards. */
START_TEST (test_scan_filters_and_shards)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  guint total = 0;

  for (guint i = 0; i < 1300; i++)
    g_ptr_array_add (names, g_strdup_printf ("pkg%04u", i));
  g_ptr_array_add (names, NULL);
  put_all ((const gchar *const *) names->pdata, TRUE);

  ck_assert_uint_eq (scan_count (FDNIX_SCAN_ALL, NULL, 0, 1, FALSE), 1300);
  ck_assert_uint_eq (scan_count (FDNIX_SCAN_NEEDS_EMBEDDING, "model-a", 0, 1, FALSE), 1300);
  for (guint k = 0; k < 4; k++)
    total += scan_count (FDNIX_SCAN_ALL, NULL, k, 4, FALSE);
  ck_assert_uint_eq (total, 1300);

  /* mark shard 1 of 4 while scanning it */
  total = scan_count (FDNIX_SCAN_NEEDS_EMBEDDING, "model-a", 1, 4, TRUE);
  ck_assert_uint_gt (total, 200);
  ck_assert_uint_eq (scan_count (FDNIX_SCAN_EMBEDDED, "model-a", 0, 1, FALSE), total);
  ck_assert_uint_eq (scan_count (FDNIX_SCAN_NEEDS_EMBEDDING, "model-a", 0, 1, FALSE), 1300 - total);
  /* another model needs every record again */
  ck_assert_uint_eq (scan_count (FDNIX_SCAN_NEEDS_EMBEDDING, "model-b", 0, 1, FALSE), 1300);
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
  ck_assert (fdnix_store_set_embeddings (store, updates, &applied, &error));
  ck_assert_int_eq (applied, 0);
  ck_assert_uint_eq (scan_count (FDNIX_SCAN_EMBEDDED, "m", 0, 1, FALSE), 0);
}
END_TEST

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
  TCase *tc = tcase_create ("sqlite");

  tcase_add_checked_fixture (tc, setup, teardown);
  tcase_add_test (tc, test_commit_and_lookup);
  tcase_add_test (tc, test_abort_and_delete_unseen);
  tcase_add_test (tc, test_version_replaces);
  tcase_add_test (tc, test_scan_filters_and_shards);
  tcase_add_test (tc, test_set_embeddings_checks_text);
  tcase_add_test (tc, test_open_garbage);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  return fdnix_test_run (store_suite ());
}
