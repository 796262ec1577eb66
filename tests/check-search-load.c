/* check-search-load: loading the table and the vector snapshot with its
 * integrity checks, the model check, and how queries are embedded.
 *
 * Each case fills a real SQLite table through the sync engine and runs
 * fdnix-embed's logic (offline embedder, small files), then loads what
 * fdnix-search loads, possibly after tampering with the objects.
 */
#include "config.h"

#include <string.h>
#include <glib/gstdio.h>

#include "core/fdnix-error.h"
#include "core/fdnix-hash.h"
#include "core/fdnix-summary.h"
#include "embed/fdnix-embed-run.h"
#include "embed/fdnix-embedder-offline.h"
#include "core/fdnix-gzip.h"
#include "vectors/fdnix-objects-dir.h"
#include "vectors/fdnix-vector-index.h"
#include "ingest/fdnix-sync.h"
#include "search/fdnix-search-load.h"
#include "search/fdnix-searcher.h"
#include "store/fdnix-sqlite-store.h"
#include "fdnix-test.h"

#define N_PACKAGES 90
#define PER_FILE 40
#define DIM 32

static gchar *tmpdir;
static gchar *objects_dir;
static FdnixStore *store;
static FdnixObjects *objects;
static FdnixEmbedder *embedder;

static FdnixEmbedder *
offline (guint dimension)
{
  g_autofree gchar *path = fdnix_test_idf_path ();
  g_autoptr(GError) error = NULL;
  FdnixEmbedder *e = fdnix_embedder_offline_new (path, dimension, &error);

  ck_assert_msg (e != NULL, "%s", error != NULL ? error->message : "");
  return e;
}

static const gchar *const words[] = {
  "terminal", "editor", "fast", "grep", "json", "library", "image", "viewer", "network",
  "monitor", "file", "manager", "pdf", "audio", "player", "compiler",
};

static gboolean
sync_packages (guint n, gboolean with_special, GError **error)
{
  FdnixSyncOptions options = { 0 };
  g_autoptr(FdnixSync) sync = fdnix_sync_new (store, &options);

  if (!fdnix_sync_begin (sync, error))
    return FALSE;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(FdnixRecord) r = fdnix_record_new ();

      r->package_name = g_strdup_printf (i % 3 == 0 ? "python3Packages.pkg%03u" : "pkg%03u", i);
      r->pname = g_strdup_printf ("pkg%03u", i);
      r->version = g_strdup_printf ("1.%u", i % 5);
      r->description = g_strdup_printf ("%s %s", words[i % G_N_ELEMENTS (words)],
                                        words[(i / 4) % G_N_ELEMENTS (words)]);
      r->last_updated = g_strdup ("2026-11-29T00:00:00.000Z");
      fdnix_record_compute_hashes (r);
      if (!fdnix_sync_record (r, sync, error))
        return FALSE;
    }
  if (with_special)
    {
      g_autoptr(FdnixRecord) r = fdnix_record_new ();

      r->package_name = g_strdup ("ripgrep");
      r->pname = g_strdup ("ripgrep");
      r->main_program = g_strdup ("rg");
      r->version = g_strdup ("15.1.0");
      r->description = g_strdup ("Line-oriented search tool that recursively searches directories");
      r->last_updated = g_strdup ("2026-11-29T00:00:00.000Z");
      fdnix_record_compute_hashes (r);
      if (!fdnix_sync_record (r, sync, error))
        return FALSE;
    }
  return fdnix_sync_commit (sync, error);
}

static void
embed_all (void)
{
  FdnixEmbedRunOptions o = { 0 };
  g_autoptr(GError) error = NULL;

  o.vectors_per_file = PER_FILE;
  o.batch_size = 16;
  o.concurrency = 1;
  o.max_attempts = 1;
  ck_assert_msg (fdnix_embed_run (store, objects, embedder, &o, &error), "%s",
                 error != NULL ? error->message : "");
}

static void
setup (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree gchar *db = NULL;

  tmpdir = fdnix_test_mkdtemp ();
  db = g_build_filename (tmpdir, "fdnix.sqlite", NULL);
  objects_dir = g_build_filename (tmpdir, "objects", NULL);
  store = FDNIX_STORE (fdnix_sqlite_store_open (db, &error));
  ck_assert_msg (store != NULL, "%s", error != NULL ? error->message : "");
  objects = fdnix_objects_dir_new (objects_dir);
  embedder = offline (DIM);
  ck_assert_msg (sync_packages (N_PACKAGES, TRUE, &error), "%s", error != NULL ? error->message : "");
  embed_all ();
}

static void
teardown (void)
{
  g_clear_object (&embedder);
  g_clear_object (&objects);
  g_clear_object (&store);
  fdnix_test_rmtree (tmpdir);
  g_clear_pointer (&tmpdir, g_free);
  g_clear_pointer (&objects_dir, g_free);
}

static FdnixVectorIndex *
read_index (void)
{
  g_autoptr(GError) error = NULL;
  FdnixVectorIndex *index = fdnix_search_fetch_index (objects, &error);

  ck_assert_msg (index != NULL, "%s", error != NULL ? error->message : "");
  return index;
}

/* The load fails; returns the message. */
static gchar *
load_fails (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FdnixSearchIndex) index = fdnix_search_load (store, objects, embedder, NULL, &error);

  ck_assert (index == NULL);
  ck_assert (error != NULL);
  return g_strdup (error->message);
}

static gchar *
first_file_path (gchar **out_key)
{
  g_autoptr(FdnixVectorIndex) index = read_index ();
  const FdnixBatchFileInfo *info = index->files->pdata[0];

  if (out_key != NULL)
    *out_key = g_strdup (info->key);
  return g_build_filename (objects_dir, info->key, NULL);
}

/* Rewrites the index with @edit applied to its first file's entry. */
static void
rewrite_index (void (*edit) (FdnixVectorIndex *index))
{
  g_autoptr(FdnixVectorIndex) index = read_index ();
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;

  edit (index);
  bytes = fdnix_vector_index_serialize (index);
  ck_assert (fdnix_objects_put (objects, FDNIX_VECTOR_INDEX_KEY, bytes, &error));
}

/* ---- a clean load */

START_TEST (test_load_clean)
{
  g_autoptr(GError) error = NULL;
  FdnixSearchLoadStats stats;
  g_autoptr(FdnixSearchIndex) index = fdnix_search_load (store, objects, embedder, &stats, &error);
  gint entry;

  ck_assert_msg (index != NULL, "%s", error != NULL ? error->message : "");
  ck_assert_uint_eq (stats.packages, N_PACKAGES + 1);
  ck_assert_uint_eq (stats.vectors, N_PACKAGES + 1);
  ck_assert_uint_eq (stats.files, (N_PACKAGES + 1 + PER_FILE - 1) / PER_FILE);
  ck_assert_uint_eq (stats.vectors_without_record, 0);
  ck_assert_uint_eq (stats.vectors_other_version, 0);
  ck_assert_uint_gt (stats.bytes, 0);
  ck_assert_uint_eq (fdnix_search_index_get_n_vectors (index), N_PACKAGES + 1);
  ck_assert_uint_eq (fdnix_search_index_get_dimension (index), DIM);
  entry = fdnix_search_index_find (index, "ripgrep");
  ck_assert_int_ge (entry, 0);
  ck_assert_str_eq (fdnix_search_entry_main_program (index, fdnix_search_index_get_entry (index, entry)), "rg");
  ck_assert_str_eq (fdnix_search_entry_version (index, fdnix_search_index_get_entry (index, entry)), "15.1.0");
}
END_TEST

/* ---- integrity: each mismatch is an error naming the file */

START_TEST (test_tampered_bytes)
{
  g_autofree gchar *key = NULL;
  g_autofree gchar *path = first_file_path (&key);
  g_autofree gchar *contents = NULL;
  g_autofree gchar *message = NULL;
  gsize length;

  /* same size, one byte different: only the sha256 can tell */
  ck_assert (g_file_get_contents (path, &contents, &length, NULL));
  contents[length / 2] ^= 0x01;
  ck_assert (g_file_set_contents (path, contents, length, NULL));
  message = load_fails ();
  ck_assert_msg (strstr (message, key) != NULL && strstr (message, "sha256") != NULL, "%s", message);
}
END_TEST

START_TEST (test_truncated_file)
{
  g_autofree gchar *key = NULL;
  g_autofree gchar *path = first_file_path (&key);
  g_autofree gchar *contents = NULL;
  g_autofree gchar *message = NULL;
  gsize length;

  ck_assert (g_file_get_contents (path, &contents, &length, NULL));
  ck_assert (g_file_set_contents (path, contents, length - 10, NULL));
  message = load_fails ();
  ck_assert_msg (strstr (message, key) != NULL && strstr (message, "bytes") != NULL, "%s", message);
}
END_TEST

START_TEST (test_missing_file)
{
  g_autofree gchar *key = NULL;
  g_autofree gchar *path = first_file_path (&key);
  g_autofree gchar *message = NULL;

  ck_assert_int_eq (g_unlink (path), 0);
  message = load_fails ();
  ck_assert_msg (strstr (message, key) != NULL && strstr (message, "missing") != NULL, "%s", message);
}
END_TEST

static void
edit_sha256 (FdnixVectorIndex *index)
{
  FdnixBatchFileInfo *info = index->files->pdata[0];

  g_free (info->sha256);
  info->sha256 = g_strnfill (FDNIX_SHA256_HEX_LEN, 'a');
}

static void
edit_count (FdnixVectorIndex *index)
{
  FdnixBatchFileInfo *info = index->files->pdata[0];

  info->vector_count += 1;
  fdnix_vector_index_finish (index);
}

static void
edit_dimension (FdnixVectorIndex *index)
{
  FdnixBatchFileInfo *info = index->files->pdata[0];

  info->dimension = DIM * 2;
}

static void
edit_no_sha256 (FdnixVectorIndex *index)
{
  FdnixBatchFileInfo *info = index->files->pdata[0];

  g_clear_pointer (&info->sha256, g_free);
}

static const struct {
  void       (*edit) (FdnixVectorIndex *index);
  const gchar *expected;
} index_edits[] = {
  { edit_sha256, "sha256 is" },
  { edit_count, "vectors, but the index says" },
  { edit_dimension, "dimensions, but the index says" },
  { edit_no_sha256, "no sha256" },
};

START_TEST (test_index_disagrees)
{
  g_autofree gchar *key = NULL;
  g_autofree gchar *path = first_file_path (&key);
  g_autofree gchar *message = NULL;

  rewrite_index (index_edits[_i].edit);
  message = load_fails ();
  ck_assert_msg (strstr (message, key) != NULL, "%s", message);
  ck_assert_msg (strstr (message, index_edits[_i].expected) != NULL, "%s", message);
}
END_TEST

static void
edit_no_files_huge_dimension (FdnixVectorIndex *index)
{
  g_ptr_array_set_size (index->files, 0);
  index->dimension = FDNIX_VECTOR_MAX_DIMENSION;
  fdnix_vector_index_finish (index);
}

/* An index that lists no files passes the model check whatever dimension
 * it names; the room for vectors is the embedder's, never the index's
 * (the probe's 10^9 made GLib abort; 16384 is the most parsing lets by). */
START_TEST (test_dimension_from_embedder)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FdnixSearchIndex) index = NULL;

  rewrite_index (edit_no_files_huge_dimension);
  index = fdnix_search_load (store, objects, embedder, NULL, &error);
  ck_assert_msg (index != NULL, "%s", error != NULL ? error->message : "");
  ck_assert_uint_eq (fdnix_search_index_get_dimension (index), DIM);
  ck_assert_uint_eq (fdnix_search_index_get_n_vectors (index), 0);
}
END_TEST

/* A file larger than its entry is not read beyond the entry's size. */
START_TEST (test_file_larger_than_entry)
{
  g_autofree gchar *key = NULL;
  g_autofree gchar *path = first_file_path (&key);
  g_autofree gchar *contents = NULL;
  g_autofree gchar *message = NULL;
  g_autofree gchar *longer = NULL;
  gsize length;

  ck_assert (g_file_get_contents (path, &contents, &length, NULL));
  longer = g_malloc0 (length + 4096);
  memcpy (longer, contents, length);
  ck_assert (g_file_set_contents (path, longer, length + 4096, NULL));
  message = load_fails ();
  ck_assert_msg (strstr (message, key) != NULL && strstr (message, "larger than the") != NULL &&
                 strstr (message, "bytes the index says") != NULL, "%s", message);
}
END_TEST

/* The check functions on their own: a file and its own description agree. */
START_TEST (test_check_functions)
{
  g_autoptr(FdnixVectorFileWriter) writer = fdnix_vector_file_writer_new (3);
  const gfloat v[3] = { 1, 2, 3 };
  g_autoptr(FdnixBatchFileInfo) info = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(FdnixVectorBatch) batch = NULL;
  g_autoptr(GBytes) other = NULL;
  g_autoptr(GError) error = NULL;

  fdnix_vector_file_writer_add (writer, "a", "1", v);
  fdnix_vector_file_writer_add (writer, "b", "2", v);
  bytes = fdnix_vector_file_writer_finish (writer, "vectors/batch_x_00000.json.gz", &info);
  ck_assert (fdnix_search_check_stored (info, bytes, &error));
  batch = fdnix_vector_batch_load (bytes, info->key, NULL, &error);
  ck_assert (batch != NULL);
  ck_assert (fdnix_search_check_batch (info, batch, &error));
  /* uppercase hex is the same digest */
  for (gchar *p = info->sha256; *p != '\0'; p++)
    *p = g_ascii_toupper (*p);
  ck_assert (fdnix_search_check_stored (info, bytes, &error));
  other = g_bytes_new ("x", 1);
  ck_assert (!fdnix_search_check_stored (info, other, &error));
  ck_assert (g_error_matches (error, FDNIX_ERROR, FDNIX_ERROR_INVALID_DATA));
}
END_TEST

/* ---- the model and the table */

START_TEST (test_model_mismatch)
{
  g_autoptr(FdnixEmbedder) other = offline (DIM * 2);
  g_autoptr(GError) error = NULL;
  g_autoptr(FdnixSearchIndex) index = fdnix_search_load (store, objects, other, NULL, &error);

  ck_assert (index == NULL);
  ck_assert_msg (strstr (error->message, "were made by model") != NULL &&
                 strstr (error->message, fdnix_embedder_get_model (other)) != NULL &&
                 strstr (error->message, fdnix_embedder_get_model (embedder)) != NULL,
                 "%s", error->message);
}
END_TEST

START_TEST (test_no_index)
{
  g_autofree gchar *path = g_build_filename (objects_dir, FDNIX_VECTOR_INDEX_KEY, NULL);
  g_autofree gchar *message = NULL;

  ck_assert_int_eq (g_unlink (path), 0);
  message = load_fails ();
  ck_assert_msg (strstr (message, "run fdnix-embed first") != NULL, "%s", message);
}
END_TEST

START_TEST (test_table_changed_since)
{
  g_autoptr(GError) error = NULL;
  FdnixSearchLoadStats stats;
  g_autoptr(FdnixSearchIndex) index = NULL;

  /* 10 packages gone and no embed run since: their vectors are skipped,
   * the rest still loads */
  ck_assert_msg (sync_packages (N_PACKAGES - 10, FALSE, &error), "%s", error != NULL ? error->message : "");
  index = fdnix_search_load (store, objects, embedder, &stats, &error);
  ck_assert_msg (index != NULL, "%s", error != NULL ? error->message : "");
  ck_assert_uint_eq (stats.packages, N_PACKAGES - 10);
  ck_assert_uint_eq (stats.vectors, N_PACKAGES - 10);
  ck_assert_uint_eq (stats.vectors_without_record, 11);
}
END_TEST

/* ---- queries */

START_TEST (test_search_offline)
{
  g_autoptr(GError) error = NULL;
  FdnixSearchIndex *index = fdnix_search_load (store, objects, embedder, NULL, &error);
  g_autoptr(FdnixSearcher) searcher = NULL;
  FdnixSearchOptions options = { 5, 0.1f };
  g_autoptr(GArray) hits = NULL;
  gfloat direct[DIM], through[DIM];
  const gchar *text = "search directories";

  ck_assert_msg (index != NULL, "%s", error != NULL ? error->message : "");
  searcher = fdnix_searcher_new (index, embedder, 3);
  /* the searcher embeds as a query, exactly as the embedder does */
  ck_assert (fdnix_embedder_embed (embedder, &text, 1, FDNIX_INPUT_QUERY, direct, NULL, &error));
  ck_assert (fdnix_searcher_embed (searcher, &text, 1, through, &error));
  ck_assert (memcmp (direct, through, sizeof direct) == 0);
  /* a description word finds the package; its program name too */
  hits = fdnix_searcher_search (searcher, text, &options, &error);
  ck_assert (hits != NULL && hits->len > 0);
  ck_assert_str_eq (fdnix_search_entry_name (index, fdnix_search_index_get_entry (index, g_array_index (hits, FdnixSearchHit, 0).entry)),
                    "ripgrep");
  g_array_unref (g_steal_pointer (&hits));
  hits = fdnix_searcher_search (searcher, "rg", &options, &error);
  ck_assert (hits != NULL && hits->len > 0);
  ck_assert (g_array_index (hits, FdnixSearchHit, 0).kind == FDNIX_MATCH_EXACT_NAME);
}
END_TEST

/* A service embedder that remembers how it was asked. */
#define FAKE_DIM 4
G_DECLARE_FINAL_TYPE (FakeEmbedder, fake_embedder, FAKE, EMBEDDER, GObject)

struct _FakeEmbedder {
  GObject        parent_instance;
  FdnixInputType last_type;
  guint          calls;
  guint          texts;
  guint          fail_first;  /* throttle this many calls */
};

static void fake_iface_init (FdnixEmbedderInterface *iface);
G_DEFINE_TYPE_WITH_CODE (FakeEmbedder, fake_embedder, G_TYPE_OBJECT,
                         G_IMPLEMENT_INTERFACE (FDNIX_TYPE_EMBEDDER, fake_iface_init))

static void fake_embedder_class_init (FakeEmbedderClass *klass) {}
static void fake_embedder_init (FakeEmbedder *self) {}
static FdnixEmbedderInfo fake_embedder_info = { "fake", (gchar *) "fake-model", FAKE_DIM, 2, 1000 };
static const FdnixEmbedderInfo *fake_info (FdnixEmbedder *e) { return &fake_embedder_info; }

static gboolean
fake_embed (FdnixEmbedder *e, const gchar * const *texts, guint n, FdnixInputType type,
            gfloat *out, FdnixEmbedCost *cost, GError **error)
{
  FakeEmbedder *self = (FakeEmbedder *) e;

  self->calls++;
  if (self->fail_first > 0)
    {
      self->fail_first--;
      g_set_error_literal (error, FDNIX_ERROR, FDNIX_ERROR_THROTTLED, "slow down");
      return FALSE;
    }
  self->last_type = type;
  self->texts += n;
  for (guint i = 0; i < n; i++)
    for (guint k = 0; k < FAKE_DIM; k++)
      out[i * FAKE_DIM + k] = k == 0 ? (gfloat) strlen (texts[i]) : 0;
  cost->requests = 1;
  return TRUE;
}

static void
fake_iface_init (FdnixEmbedderInterface *iface)
{
  iface->get_info = fake_info;
  iface->embed = fake_embed;
}

START_TEST (test_query_input_type)
{
  g_autoptr(FakeEmbedder) fake = g_object_new (fake_embedder_get_type (), NULL);
  g_autoptr(FdnixSearchIndex) empty = fdnix_search_index_new ();
  g_autoptr(FdnixSearcher) searcher = NULL;
  const gchar *queries[] = { "a", "bb", "ccc", "dddd", "eeeee" };
  gfloat out[G_N_ELEMENTS (queries) * FAKE_DIM];
  g_autoptr(GError) error = NULL;

  fdnix_search_index_seal (empty, FAKE_DIM);
  fake->fail_first = 1;  /* retried through the pool */
  searcher = fdnix_searcher_new (g_steal_pointer (&empty), FDNIX_EMBEDDER (fake), 3);
  ck_assert_msg (fdnix_searcher_embed (searcher, queries, G_N_ELEMENTS (queries), out, &error), "%s",
                 error != NULL ? error->message : "");
  ck_assert (fake->last_type == FDNIX_INPUT_QUERY);
  ck_assert_uint_eq (fake->texts, G_N_ELEMENTS (queries));
  ck_assert_uint_eq (fake->calls, 3 + 1);  /* batches of 2, one throttled attempt */
  for (guint i = 0; i < G_N_ELEMENTS (queries); i++)
    ck_assert_float_eq (out[i * FAKE_DIM], (gfloat) strlen (queries[i]));
  /* an index made by another model is refused */
  {
    g_autoptr(FdnixVectorIndex) vindex = fdnix_vector_index_new ();

    vindex->model = g_strdup ("fake-model");
    vindex->dimension = FAKE_DIM;
    ck_assert (fdnix_search_check_model (vindex, FDNIX_EMBEDDER (fake), &error));
    g_free (vindex->model);
    vindex->model = g_strdup ("cohere.embed-english-v3");
    ck_assert (!fdnix_search_check_model (vindex, FDNIX_EMBEDDER (fake), &error));
  }
}
END_TEST

START_TEST (test_query_failure)
{
  g_autoptr(FakeEmbedder) fake = g_object_new (fake_embedder_get_type (), NULL);
  g_autoptr(FdnixSearchIndex) empty = fdnix_search_index_new ();
  g_autoptr(FdnixSearcher) searcher = NULL;
  const gchar *query = "x";
  gfloat out[FAKE_DIM];
  g_autoptr(GError) error = NULL;

  fdnix_search_index_seal (empty, FAKE_DIM);
  fake->fail_first = 10;
  searcher = fdnix_searcher_new (g_steal_pointer (&empty), FDNIX_EMBEDDER (fake), 2);
  ck_assert (!fdnix_searcher_embed (searcher, &query, 1, out, &error));
  ck_assert (error != NULL);
  ck_assert_uint_eq (fake->calls, 2);
}
END_TEST

static Suite *
search_load_suite (void)
{
  Suite *s = suite_create ("search-load");
  TCase *tc = tcase_create ("load");

  tcase_add_checked_fixture (tc, setup, teardown);
  tcase_add_test (tc, test_load_clean);
  tcase_add_test (tc, test_tampered_bytes);
  tcase_add_test (tc, test_truncated_file);
  tcase_add_test (tc, test_missing_file);
  tcase_add_loop_test (tc, test_index_disagrees, 0, G_N_ELEMENTS (index_edits));
  tcase_add_test (tc, test_dimension_from_embedder);
  tcase_add_test (tc, test_file_larger_than_entry);
  tcase_add_test (tc, test_model_mismatch);
  tcase_add_test (tc, test_no_index);
  tcase_add_test (tc, test_table_changed_since);
  tcase_add_test (tc, test_search_offline);
  suite_add_tcase (s, tc);

  tc = tcase_create ("checks");
  tcase_add_test (tc, test_check_functions);
  tcase_add_test (tc, test_query_input_type);
  tcase_add_test (tc, test_query_failure);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  return fdnix_test_run (search_load_suite ());
}
