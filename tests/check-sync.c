/* check-sync: the incremental semantics of DESIGN.md on the SQLite store. */
#include "config.h"

#include <string.h>

#include "core/fdnix-error.h"
#include "ingest/fdnix-sync.h"
#include "store/fdnix-sqlite-store.h"
#include "fdnix-test.h"

static gchar *tmpdir;
static FdnixStore *store;

static void
setup (void)
{
  g_autofree gchar *path = NULL;

  tmpdir = fdnix_test_mkdtemp ();
  path = g_build_filename (tmpdir, "fdnix.sqlite", NULL);
  store = FDNIX_STORE (fdnix_sqlite_store_open (path, NULL));
  ck_assert_ptr_nonnull (store);
}

static void
teardown (void)
{
  g_clear_object (&store);
  fdnix_test_rmtree (tmpdir);
  g_clear_pointer (&tmpdir, g_free);
}

/* A package set: "name=version=description" items. */
static FdnixSyncStats
run_sync (const gchar *const *items, gdouble min_ratio, gboolean dry_run, GError **error)
{
  FdnixSyncOptions options = { min_ratio, 1, dry_run };
  g_autoptr(FdnixSync) sync = fdnix_sync_new (store, &options);
  FdnixSyncStats stats = { 0 };

  if (!fdnix_sync_begin (sync, error))
    return stats;
  for (gsize i = 0; items[i] != NULL; i++)
    {
      g_auto(GStrv) parts = g_strsplit (items[i], "=", 3);
      g_autoptr(FdnixRecord) r = fdnix_record_new ();

      r->package_name = g_strdup (parts[0]);
      r->version = g_strdup (parts[1]);
      r->description = g_strdup (parts[2]);
      r->broken = g_str_has_suffix (parts[0], "-broken");
      fdnix_record_compute_hashes (r);
      if (!fdnix_sync_record (r, sync, error))
        return stats;
    }
  fdnix_sync_commit (sync, error);
  stats = *fdnix_sync_get_stats (sync);
  return stats;
}

typedef struct {
  const gchar *name;
  FdnixRecord *found;
} Fetch;

static gboolean
keep_match (FdnixRecord *record, gpointer user_data, GError **error)
{
  Fetch *fetch = user_data;

  if (g_str_equal (record->package_name, fetch->name))
    fetch->found = fdnix_record_copy (record);
  return TRUE;
}

static FdnixRecord *
fetch (const gchar *name)
{
  FdnixScanOptions options = { FDNIX_SCAN_ALL, NULL, 0, 1 };
  Fetch state = { name, NULL };

  ck_assert (fdnix_store_scan (store, &options, keep_match, &state, NULL));
  return state.found;
}

static void
mark_embedded (const gchar *name)
{
  g_autoptr(FdnixRecord) r = fetch (name);
  g_autoptr(GPtrArray) updates = g_ptr_array_new_with_free_func ((GDestroyNotify) fdnix_embedding_update_free);
  FdnixEmbeddingUpdate *u = g_new0 (FdnixEmbeddingUpdate, 1);

  u->package_name = g_strdup (r->package_name);
  u->version = g_strdup (r->version);
  u->embed_text_hash = g_strdup (r->embed_text_hash);
  u->has_embedding = TRUE;
  u->embedding_model = g_strdup ("m1");
  u->vector_file = g_strdup ("vectors/batch_a_1.json.gz");
  g_ptr_array_add (updates, u);
  ck_assert (fdnix_store_set_embeddings (store, updates, NULL, NULL));
}

static const gchar *const base[] = {
  "a=1=alpha", "b=1=beta", "c=1=gamma", "d=1=delta", "e=1=epsilon", "f=1=zeta", "g=1=eta",
  "h=1=theta", "i=1=iota", "j=1=kappa", NULL
};

START_TEST (test_rerun_writes_nothing)
{
  g_autoptr(GError) error = NULL;
  FdnixSyncStats first = run_sync (base, 0.9, FALSE, &error);
  FdnixSyncStats second;
  g_autoptr(FdnixRecord) before = NULL;
  g_autoptr(FdnixRecord) after = NULL;

  ck_assert_msg (error == NULL, "%s", error != NULL ? error->message : "");
  ck_assert_int_eq (first.added, 10);
  ck_assert_int_eq (first.written, 10);
  before = fetch ("c");
  second = run_sync (base, 0.9, FALSE, &error);
  ck_assert (error == NULL);
  ck_assert_int_eq (second.unchanged, 10);
  ck_assert_int_eq (second.written, 0);
  ck_assert_int_eq (second.deleted, 0);
  after = fetch ("c");
  /* not rewritten: lastUpdated is from the first run */
  ck_assert_str_eq (before->last_updated, after->last_updated);
}
END_TEST

START_TEST (test_changes_and_deletes)
{
  const gchar *const next[] = {
    "a=1=alpha", "b=2=beta", "c=1=gamma changed", "d=1=delta", "e=1=epsilon", "f=1=zeta",
    "g=1=eta", "h=1=theta", "i=1=iota", "new=1=fresh", "j-broken=1=kappa", NULL
  };
  g_autoptr(GError) error = NULL;
  FdnixSyncStats stats;
  guint64 n = 0;

  run_sync (base, 0.9, FALSE, &error);
  stats = run_sync (next, 0.9, FALSE, &error);
  ck_assert_msg (error == NULL, "%s", error != NULL ? error->message : "");
  ck_assert_int_eq (stats.unchanged, 7);
  ck_assert_int_eq (stats.updated, 2);   /* b version, c text */
  ck_assert_int_eq (stats.added, 2);     /* new, j-broken */
  ck_assert_int_eq (stats.deleted, 1);   /* j */
  ck_assert (fdnix_store_count (store, &n, NULL));
  ck_assert_int_eq (n, 11);
}
END_TEST

/* A run below the floor writes nothing at all, not even its new packages. */
START_TEST (test_floor_protects)
{
  const gchar *const few[] = { "a=1=alpha", "b=9=beta", "zz=1=new", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(FdnixRecord) b = NULL;
  guint64 n = 0;

  run_sync (base, 0.9, FALSE, &error);
  run_sync (few, 0.9, FALSE, &error);
  ck_assert (g_error_matches (error, FDNIX_ERROR, FDNIX_ERROR_UNSAFE));
  ck_assert_msg (strstr (error->message, "only 3 packages read") != NULL, "%s", error->message);
  ck_assert_msg (strstr (error->message, "floor is 9") != NULL, "%s", error->message);
  ck_assert (fdnix_store_count (store, &n, NULL));
  ck_assert_int_eq (n, 10);
  b = fetch ("b");
  ck_assert_str_eq (b->version, "1");
  g_clear_error (&error);

  /* lowering the floor lets a deliberate shrink through */
  run_sync (few, 0.0, FALSE, &error);
  ck_assert (error == NULL);
  ck_assert (fdnix_store_count (store, &n, NULL));
  ck_assert_int_eq (n, 3);
}
END_TEST

START_TEST (test_dry_run)
{
  const gchar *const next[] = { "a=1=alpha", "b=2=beta", NULL };
  g_autoptr(GError) error = NULL;
  FdnixSyncStats stats;
  guint64 n = 0;

  run_sync (base, 0.9, FALSE, &error);
  stats = run_sync (next, 0.0, TRUE, &error);
  ck_assert (error == NULL);
  ck_assert_int_eq (stats.updated, 1);
  ck_assert_int_eq (stats.written, 0);
  ck_assert (fdnix_store_count (store, &n, NULL));
  ck_assert_int_eq (n, 10);
}
END_TEST

/* hasEmbedding survives a change that leaves the embedding text alone
 * (here: broken flag and version), and is dropped when the text changes. */
START_TEST (test_embedding_kept_when_text_same)
{
  const gchar *const v1[] = { "x=1=text one", "y=1=text two", NULL };
  const gchar *const v2[] = { "x=2=text one", "y=1=text two changed", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(FdnixRecord) x = NULL;
  g_autoptr(FdnixRecord) y = NULL;
  FdnixSyncStats stats;

  run_sync (v1, 0.0, FALSE, &error);
  mark_embedded ("x");
  mark_embedded ("y");
  stats = run_sync (v2, 0.0, FALSE, &error);
  ck_assert (error == NULL);
  ck_assert_int_eq (stats.updated, 2);
  ck_assert_int_eq (stats.embeddings_kept, 1);
  x = fetch ("x");
  y = fetch ("y");
  ck_assert_str_eq (x->version, "2");
  ck_assert (x->has_embedding);
  ck_assert_str_eq (x->embedding_model, "m1");
  ck_assert_str_eq (x->vector_file, "vectors/batch_a_1.json.gz");
  ck_assert (!y->has_embedding);
  ck_assert_ptr_null (y->embedding_model);
}
END_TEST

static Suite *
sync_suite (void)
{
  Suite *s = suite_create ("sync");
  TCase *tc = tcase_create ("sync");

  tcase_add_checked_fixture (tc, setup, teardown);
  tcase_add_test (tc, test_rerun_writes_nothing);
  tcase_add_test (tc, test_changes_and_deletes);
  tcase_add_test (tc, test_floor_protects);
  tcase_add_test (tc, test_dry_run);
  tcase_add_test (tc, test_embedding_kept_when_text_same);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  return fdnix_test_run (sync_suite ());
}
