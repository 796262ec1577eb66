/* check-embed-run: the embed pass and the index step on a real SQLite store.
 *
 * Each case loads synthetic packages through the sync engine (as
 * fdnix-metadata would), runs fdnix-embed's logic, then checks the whole
 * snapshot with embed-verify: every live package exactly once, under its
 * current id, with the vector of its current text; nothing stale; nothing
 * unlisted.  Small files (40 vectors) make compaction happen often.
 */
#include "config.h"

#include <string.h>

#include "core/fdnix-error.h"
#include "core/fdnix-summary.h"
#include "embed/fdnix-embed-run.h"
#include "embed/fdnix-embedder-offline.h"
#include "vectors/fdnix-objects-dir.h"
#include "vectors/fdnix-vector-index.h"
#include "ingest/fdnix-sync.h"
#include "store/fdnix-sqlite-store.h"
#include "embed-verify.h"
#include "fdnix-test.h"

#define PER_FILE 40

static gchar *tmpdir;
static FdnixStore *store;
static FdnixObjects *objects;
static FdnixEmbedder *embedder;
static FdnixSummary *summary;

static const gchar *const words[] = {
  "terminal", "editor", "fast", "grep", "json", "library", "python", "bindings", "image",
  "viewer", "network", "monitor", "file", "manager", "pdf", "text", "converter", "audio",
  "player", "compiler", "rust", "tool", "search", "git", "client", "server", "database",
};

static FdnixEmbedder *
offline (guint dimension)
{
  g_autofree gchar *path = fdnix_test_idf_path ();
  g_autoptr(GError) error = NULL;
  FdnixEmbedder *e = fdnix_embedder_offline_new (path, dimension, &error);

  ck_assert_msg (e != NULL, "%s", error != NULL ? error->message : "");
  return e;
}

static void
setup (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree gchar *db = NULL;
  g_autofree gchar *root = NULL;

  tmpdir = fdnix_test_mkdtemp ();
  db = g_build_filename (tmpdir, "fdnix.sqlite", NULL);
  root = g_build_filename (tmpdir, "objects", NULL);
  store = FDNIX_STORE (fdnix_sqlite_store_open (db, &error));
  ck_assert_msg (store != NULL, "%s", error != NULL ? error->message : "");
  objects = fdnix_objects_dir_new (root);
  embedder = offline (32);
  summary = fdnix_summary_new ("check-embed-run");
  fdnix_summary_set_default (summary);
}

static void
teardown (void)
{
  fdnix_summary_set_default (NULL);
  g_clear_pointer (&summary, fdnix_summary_free);
  g_clear_object (&embedder);
  g_clear_object (&objects);
  g_clear_object (&store);
  fdnix_test_rmtree (tmpdir);
  g_clear_pointer (&tmpdir, g_free);
}

/* Package i: its version and description depend on (i, generation). */
typedef struct {
  guint    n;
  guint    text_changed_from, text_changed_to;       /* description changes */
  guint    version_changed_from, version_changed_to; /* version only */
  guint    removed_from, removed_to;
  guint    added;                                    /* extra packages */
} Corpus;

static FdnixRecord *
make_record (guint i, const Corpus *c)
{
  FdnixRecord *r = fdnix_record_new ();
  gboolean text_changed = i >= c->text_changed_from && i < c->text_changed_to;
  gboolean version_changed = i >= c->version_changed_from && i < c->version_changed_to;

  r->package_name = g_strdup_printf (i % 3 == 0 ? "python3Packages.pkg%04u" : "pkg%04u", i);
  r->pname = g_strdup_printf ("pkg%04u", i);
  r->version = g_strdup_printf ("1.%u%s", i % 7, version_changed ? ".1" : "");
  r->description = g_strdup_printf ("%s %s %s%s", words[i % G_N_ELEMENTS (words)],
                                    words[(i / 3) % G_N_ELEMENTS (words)],
                                    words[(i / 7) % G_N_ELEMENTS (words)],
                                    text_changed ? " (now with more features)" : "");
  r->last_updated = g_strdup ("2026-11-29T00:00:00.000Z");
  fdnix_record_compute_hashes (r);
  return r;
}

static void
sync_corpus (const Corpus *c)
{
  FdnixSyncOptions options = { 0 };
  g_autoptr(FdnixSync) sync = fdnix_sync_new (store, &options);
  g_autoptr(GError) error = NULL;

  ck_assert (fdnix_sync_begin (sync, &error));
  for (guint i = 0; i < c->n + c->added; i++)
    {
      g_autoptr(FdnixRecord) r = NULL;

      if (i >= c->removed_from && i < c->removed_to)
        continue;
      r = make_record (i, c);
      ck_assert_msg (fdnix_sync_record (r, sync, &error), "%s", error != NULL ? error->message : "");
    }
  ck_assert_msg (fdnix_sync_commit (sync, &error), "%s", error != NULL ? error->message : "");
}

static FdnixEmbedRunOptions
run_options (void)
{
  FdnixEmbedRunOptions o = { 0 };

  o.vectors_per_file = PER_FILE;
  o.batch_size = 16;
  o.concurrency = 2;
  o.max_attempts = 3;
  return o;
}

static void
run_ok (const FdnixEmbedRunOptions *o)
{
  g_autoptr(GError) error = NULL;

  ck_assert_msg (fdnix_embed_run (store, objects, embedder, o, &error), "%s",
                 error != NULL ? error->message : "");
}

static gint64
counter (const gchar *name)
{
  return fdnix_summary_get (summary, name);
}

static void
reset_counters (void)
{
  fdnix_summary_set_default (NULL);
  fdnix_summary_free (summary);
  summary = fdnix_summary_new ("check-embed-run");
  fdnix_summary_set_default (summary);
}

static void
assert_consistent (EmbedVerifyReport *report)
{
  g_autoptr(GError) error = NULL;

  ck_assert_msg (embed_verify (store, objects, embedder, TRUE, report, &error), "%s",
                 error != NULL ? error->message : "");
  ck_assert_msg (report->problems == 0, "%" G_GUINT64_FORMAT " problems:\n%s",
                 report->problems, report->messages->str);
  ck_assert_uint_eq (report->vectors, report->records);
}

static GBytes *
stored_index (void)
{
  g_autoptr(GError) error = NULL;
  GBytes *bytes = fdnix_objects_get (objects, FDNIX_VECTOR_INDEX_KEY, &error);

  ck_assert_msg (bytes != NULL, "%s", error != NULL ? error->message : "");
  return bytes;
}

static guint
count_batch_files (void)
{
  g_autoptr(GPtrArray) list = fdnix_objects_list (objects, FDNIX_VECTOR_PREFIX, NULL);

  ck_assert (list != NULL);
  return list->len;
}

/* First run embeds everything; a second embeds and writes nothing. */
START_TEST (test_first_and_second_run)
{
  Corpus c = { .n = 203 };
  FdnixEmbedRunOptions o = run_options ();
  EmbedVerifyReport report;
  g_autoptr(GBytes) first = NULL;
  g_autoptr(GBytes) second = NULL;

  sync_corpus (&c);
  run_ok (&o);
  ck_assert_int_eq (counter ("embedded"), 203);
  ck_assert_int_eq (counter ("files_written"), 6);   /* ceil (203 / 40) */
  ck_assert_int_eq (counter ("index_written"), 1);
  assert_consistent (&report);
  ck_assert_uint_eq (report.files, 6);
  embed_verify_clear (&report);
  first = stored_index ();

  reset_counters ();
  run_ok (&o);
  ck_assert_int_eq (counter ("embedded"), 0);
  ck_assert_int_eq (counter ("files_written"), 0);
  ck_assert_int_eq (counter ("index_written"), 0);
  ck_assert_int_eq (counter ("files_deleted"), 0);
  second = stored_index ();
  ck_assert (g_bytes_equal (first, second));
  assert_consistent (&report);
  embed_verify_clear (&report);
}
END_TEST

/* Changed texts are embedded again, nothing else; version-only changes
 * reuse their vectors under the new id; removed packages vanish. */
START_TEST (test_incremental_changes)
{
  Corpus c = { .n = 300 };
  FdnixEmbedRunOptions o = run_options ();
  EmbedVerifyReport report;

  sync_corpus (&c);
  run_ok (&o);
  reset_counters ();
  c.text_changed_from = 10, c.text_changed_to = 25;        /* 15 */
  c.version_changed_from = 100, c.version_changed_to = 112; /* 12 */
  c.removed_from = 200, c.removed_to = 209;                 /* 9 */
  c.added = 7;
  sync_corpus (&c);
  run_ok (&o);
  ck_assert_int_eq (counter ("embedded"), 15 + 7);
  ck_assert_int_gt (counter ("files_compacted"), 0);
  ck_assert_int_gt (counter ("vectors_moved"), 0);
  ck_assert_int_gt (counter ("files_deleted"), 0);
  assert_consistent (&report);
  ck_assert_uint_eq (report.records, 300 - 9 + 7);
  /* compaction keeps files near full: at most one underfull file */
  ck_assert_uint_le (report.files, (300 - 9 + 7) / PER_FILE + 2);
  embed_verify_clear (&report);

  reset_counters ();
  run_ok (&o);
  ck_assert_int_eq (counter ("embedded"), 0);
  ck_assert_int_eq (counter ("index_written"), 0);
}
END_TEST

/* Files lost, corrupted or left over by a crash are repaired. */
START_TEST (test_repairs)
{
  Corpus c = { .n = 160 };
  FdnixEmbedRunOptions o = run_options ();
  EmbedVerifyReport report;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GBytes) junk = g_bytes_new_static ("junk", 4);
  g_autoptr(GBytes) orphan = g_bytes_new_static ("\x1f\x8b", 2);
  g_autoptr(GError) error = NULL;

  sync_corpus (&c);
  run_ok (&o);
  list = fdnix_objects_list (objects, FDNIX_VECTOR_PREFIX, &error);
  ck_assert_uint_eq (list->len, 4);
  /* one file deleted, one corrupted, one orphan added */
  ck_assert (fdnix_objects_delete (objects, ((FdnixObjectInfo *) list->pdata[0])->key, &error));
  ck_assert (fdnix_objects_put (objects, ((FdnixObjectInfo *) list->pdata[1])->key, junk, &error));
  ck_assert (fdnix_objects_put (objects, "vectors/batch_orphan_00000.json.gz", orphan, &error));

  reset_counters ();
  run_ok (&o);
  ck_assert_int_eq (counter ("embedded"), 2 * PER_FILE);
  ck_assert_int_eq (counter ("records_unmarked"), 2 * PER_FILE);
  assert_consistent (&report);
  embed_verify_clear (&report);
}
END_TEST

/* Records the original pipeline marked (hasEmbedding, no file), and
 * records whose marks were lost in a crash, are embedded (again). */
START_TEST (test_unmarked_and_legacy_records)
{
  Corpus c = { .n = 120 };
  FdnixEmbedRunOptions o = run_options ();
  EmbedVerifyReport report;
  g_autoptr(GPtrArray) updates = g_ptr_array_new_with_free_func ((GDestroyNotify) fdnix_embedding_update_free);
  g_autoptr(GError) error = NULL;
  guint64 applied = 0;

  sync_corpus (&c);
  run_ok (&o);
  for (guint i = 0; i < 20; i++)
    {
      g_autoptr(FdnixRecord) r = make_record (i * 5, &c);
      FdnixEmbeddingUpdate *u = g_new0 (FdnixEmbeddingUpdate, 1);

      u->package_name = g_strdup (r->package_name);
      u->version = g_strdup (r->version);
      u->embed_text_hash = g_strdup (r->embed_text_hash);
      if (i % 2 == 0)
        {
          /* as after a kill between a file's put and its marks */
          u->has_embedding = FALSE;
        }
      else
        {
          /* as the original pipeline left it */
          u->has_embedding = TRUE;
          u->embedding_model = g_strdup (fdnix_embedder_get_model (embedder));
        }
      g_ptr_array_add (updates, u);
    }
  ck_assert (fdnix_store_set_embeddings (store, updates, &applied, &error));
  ck_assert_uint_eq (applied, 20);

  reset_counters ();
  run_ok (&o);
  ck_assert_int_eq (counter ("embedded"), 20);
  assert_consistent (&report);
  embed_verify_clear (&report);
}
END_TEST

/* N shards one after the other, then the index step, give the same
 * snapshot as one run, and embed every package once. */
START_TEST (test_shards_equal_single_run)
{
  Corpus c = { .n = 250 };
  FdnixEmbedRunOptions o = run_options ();
  EmbedVerifyReport single, sharded;
  gint64 embedded = 0;

  sync_corpus (&c);
  run_ok (&o);
  assert_consistent (&single);

  /* start over with the same table */
  fdnix_test_rmtree (tmpdir);
  g_clear_object (&store);
  g_clear_object (&objects);
  {
    g_autofree gchar *db = g_build_filename (tmpdir, "fdnix.sqlite", NULL);
    g_autofree gchar *root = g_build_filename (tmpdir, "objects", NULL);
    g_autoptr(GError) error = NULL;

    g_mkdir_with_parents (tmpdir, 0700);
    store = FDNIX_STORE (fdnix_sqlite_store_open (db, &error));
    objects = fdnix_objects_dir_new (root);
  }
  sync_corpus (&c);
  for (guint k = 0; k < 4; k++)
    {
      FdnixEmbedRunOptions s = run_options ();

      reset_counters ();
      s.shard_index = k;
      s.shard_count = 4;
      run_ok (&s);
      ck_assert_int_eq (counter ("index_written"), 0);
      ck_assert_int_gt (counter ("embedded"), 20);
      embedded += counter ("embedded");
    }
  ck_assert_int_eq (embedded, 250);
  reset_counters ();
  o.index_only = TRUE;
  run_ok (&o);
  ck_assert_int_eq (counter ("embedded"), 0);
  ck_assert_int_eq (counter ("index_written"), 1);
  assert_consistent (&sharded);
  ck_assert_str_eq (sharded.snapshot_digest, single.snapshot_digest);
  ck_assert_str_eq (sharded.store_digest, single.store_digest);
  /* the shards' small tails were merged */
  ck_assert_uint_le (sharded.files, 250 / PER_FILE + 2);
  embed_verify_clear (&single);
  embed_verify_clear (&sharded);
}
END_TEST

/* Another model (here: another dimension) re-embeds everything and
 * replaces every file. */
START_TEST (test_model_change)
{
  Corpus c = { .n = 90 };
  FdnixEmbedRunOptions o = run_options ();
  EmbedVerifyReport report;
  guint files_before;

  sync_corpus (&c);
  run_ok (&o);
  files_before = count_batch_files ();
  g_clear_object (&embedder);
  embedder = offline (48);
  reset_counters ();
  run_ok (&o);
  ck_assert_int_eq (counter ("embedded"), 90);
  ck_assert_int_eq (counter ("files_deleted"), files_before);
  assert_consistent (&report);
  embed_verify_clear (&report);
}
END_TEST

/* A request cap stops embedding with an error; the index published is
 * consistent for what was embedded; the next run finishes. */
START_TEST (test_request_cap)
{
  Corpus c = { .n = 100 };
  FdnixEmbedRunOptions o = run_options ();
  EmbedVerifyReport report;
  g_autoptr(GError) error = NULL;
  g_autoptr(FdnixVectorIndex) index = NULL;
  g_autoptr(GBytes) bytes = NULL;

  sync_corpus (&c);
  o.max_requests = 3;
  o.concurrency = 1;
  ck_assert (!fdnix_embed_run (store, objects, embedder, &o, &error));
  ck_assert_msg (strstr (error->message, "cap of 3 requests") != NULL, "%s", error->message);
  bytes = stored_index ();
  index = fdnix_vector_index_parse (bytes, NULL);
  ck_assert_uint_eq (index->total_vectors, 3 * 16);
  ck_assert (embed_verify (store, objects, embedder, TRUE, &report, NULL));
  /* the only problems: the packages not embedded yet */
  ck_assert_uint_eq (report.problems, 100 - 3 * 16);
  ck_assert_uint_eq (report.vectors, 3 * 16);
  embed_verify_clear (&report);

  o.max_requests = 0;
  reset_counters ();
  run_ok (&o);
  ck_assert_int_eq (counter ("embedded"), 100 - 3 * 16);
  assert_consistent (&report);
  embed_verify_clear (&report);
}
END_TEST

START_TEST (test_shard_parsing)
{
  guint k = 99, n = 99;
  g_autoptr(GError) error = NULL;
  const gchar *bad[] = { "4/4", "1", "/4", "1/", "a/4", "1/0", "-1/4", "1/4x", "1/5000", NULL };

  ck_assert (fdnix_embed_parse_shard ("3/4", &k, &n, &error));
  ck_assert_uint_eq (k, 3);
  ck_assert_uint_eq (n, 4);
  ck_assert (fdnix_embed_parse_shard ("0/1", &k, &n, &error));
  for (guint i = 0; bad[i] != NULL; i++)
    {
      ck_assert_msg (!fdnix_embed_parse_shard (bad[i], &k, &n, &error), "%s", bad[i]);
      ck_assert (g_error_matches (error, FDNIX_ERROR, FDNIX_ERROR_USAGE));
      g_clear_error (&error);
    }
}
END_TEST

static Suite *
embed_run_suite (void)
{
  Suite *s = suite_create ("embed-run");
  TCase *tc = tcase_create ("run");

  tcase_set_timeout (tc, 120);
  tcase_add_checked_fixture (tc, setup, teardown);
  tcase_add_test (tc, test_first_and_second_run);
  tcase_add_test (tc, test_incremental_changes);
  tcase_add_test (tc, test_repairs);
  tcase_add_test (tc, test_unmarked_and_legacy_records);
  tcase_add_test (tc, test_shards_equal_single_run);
  tcase_add_test (tc, test_model_change);
  tcase_add_test (tc, test_request_cap);
  tcase_add_test (tc, test_shard_parsing);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  return fdnix_test_run (embed_run_suite ());
}
