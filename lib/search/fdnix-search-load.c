/* fdnix-search-load.c: index, table and batch files into memory, checked. */
#include "config.h"

#include <string.h>

#include "core/fdnix-cancel.h"
#include "core/fdnix-error.h"
#include "core/fdnix-hash.h"
#include "search/fdnix-search-bundle.h"
#include "search/fdnix-search-load.h"

#define MAX_REPEAT_WARNINGS 10

/**
 * fdnix_search_fetch_index:
 * @objects: where fdnix-embed wrote the vectors
 * @error: return location for an error (FDNIX_ERROR_NOT_FOUND when there
 *   is no index yet)
 *
 * Returns: (transfer full): the parsed index, or NULL.
 */
FdnixVectorIndex *
fdnix_search_fetch_index (FdnixObjects *objects, GError **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GBytes) stored = fdnix_objects_get_capped (objects, FDNIX_VECTOR_INDEX_KEY,
                                                       FDNIX_VECTOR_INDEX_MAX_TEXT, &local_error);
  FdnixVectorIndex *index;

  if (stored == NULL)
    {
      if (g_error_matches (local_error, FDNIX_ERROR, FDNIX_ERROR_NOT_FOUND))
        {
          g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_NOT_FOUND,
                       "no vector index %s in %s: run fdnix-embed first",
                       FDNIX_VECTOR_INDEX_KEY, fdnix_objects_describe (objects));
          return NULL;
        }
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  index = fdnix_vector_index_parse (stored, error);
  if (index == NULL)
    g_prefix_error (error, "%s in %s: ", FDNIX_VECTOR_INDEX_KEY, fdnix_objects_describe (objects));
  return index;
}

/**
 * fdnix_search_check_model:
 * @index: a vector index
 * @embedder: the embedder queries will be embedded with
 * @error: return location for an error
 *
 * Queries and packages must be embedded by the same model into vectors of
 * the same length, or their cosine means nothing.
 *
 * Returns: TRUE when the index was made by @embedder's model.
 */
gboolean
fdnix_search_check_model (const FdnixVectorIndex *index, FdnixEmbedder *embedder, GError **error)
{
  const gchar *model = fdnix_embedder_get_model (embedder);
  guint dimension = fdnix_embedder_get_dimension (embedder);

  if (index->model == NULL || *index->model == '\0')
    {
      g_set_error_literal (error, FDNIX_ERROR, FDNIX_ERROR_INVALID_DATA,
                           "the vector index names no model, so queries cannot be embedded to match it");
      return FALSE;
    }
  if (g_strcmp0 (index->model, model) != 0)
    {
      g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_FAILED,
                   "the vectors were made by model '%s' (%s embedder) but the configured embedder "
                   "uses '%s': search with the embedder settings fdnix-embed used, or run "
                   "fdnix-embed again with these",
                   index->model, index->embedder != NULL ? index->embedder : "unknown", model);
      return FALSE;
    }
  if (index->files->len > 0 && index->dimension != dimension)
    {
      g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_FAILED,
                   "the vectors have %u dimensions but the configured embedder makes %u "
                   "(embed.dimension)", index->dimension, dimension);
      return FALSE;
    }
  return TRUE;
}

/**
 * fdnix_search_check_stored:
 * @expected: the file as the index describes it
 * @stored: the file's bytes as fetched
 * @error: return location for FDNIX_ERROR_INVALID_DATA
 *
 * Returns: TRUE when size and sha256 are the index's.
 */
gboolean
fdnix_search_check_stored (const FdnixBatchFileInfo *expected, GBytes *stored, GError **error)
{
  gsize size = g_bytes_get_size (stored);
  g_autofree gchar *sha256 = NULL;

  if (expected->sha256 == NULL || strlen (expected->sha256) != FDNIX_SHA256_HEX_LEN)
    {
      g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_INVALID_DATA,
                   "%s: the index gives no sha256 for it, so it cannot be checked", expected->key);
      return FALSE;
    }
  if (size != expected->size)
    {
      g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_INVALID_DATA,
                   "%s: %" G_GSIZE_FORMAT " bytes, but the index says %" G_GUINT64_FORMAT
                   " (changed or truncated since the index was written)",
                   expected->key, size, expected->size);
      return FALSE;
    }
  sha256 = fdnix_sha256_hex (g_bytes_get_data (stored, NULL), size);
  if (g_ascii_strcasecmp (sha256, expected->sha256) != 0)
    {
      g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_INVALID_DATA,
                   "%s: sha256 is %s, but the index says %s (changed since the index was written)",
                   expected->key, sha256, expected->sha256);
      return FALSE;
    }
  return TRUE;
}

/**
 * fdnix_search_check_batch:
 * @expected: the file as the index describes it
 * @batch: the file's parsed contents
 * @error: return location for FDNIX_ERROR_INVALID_DATA
 *
 * Returns: TRUE when vector count and dimension are the index's.
 */
gboolean
fdnix_search_check_batch (const FdnixBatchFileInfo *expected, const FdnixVectorBatch *batch,
                          GError **error)
{
  if (batch->count != expected->vector_count)
    {
      g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_INVALID_DATA,
                   "%s: holds %u vectors, but the index says %" G_GUINT64_FORMAT,
                   expected->key, batch->count, expected->vector_count);
      return FALSE;
    }
  if (batch->count > 0 && batch->dimension != expected->dimension)
    {
      g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_INVALID_DATA,
                   "%s: vectors have %u dimensions, but the index says %u",
                   expected->key, batch->dimension, expected->dimension);
      return FALSE;
    }
  return TRUE;
}

/* One batch file on its way: fetched by the main thread (object stores
 * are used by one thread at a time), checked and parsed by a worker,
 * applied to the index by the main thread in index order. */
typedef struct {
  const FdnixBatchFileInfo *info;
  guint                     dimension;
  GBytes                   *stored;
  FdnixVectorBatch         *batch;
  GError                   *error;
  gboolean                  done;
} FileJob;

typedef struct {
  GMutex   lock;
  GCond    done;
  gboolean stop;  /* a file failed: workers skip what is queued */
} Loader;

static void
file_job_free (FileJob *job)
{
  g_clear_pointer (&job->stored, g_bytes_unref);
  g_clear_pointer (&job->batch, fdnix_vector_batch_free);
  g_clear_error (&job->error);
  g_free (job);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FileJob, file_job_free)

static gboolean
parse_file (FileJob *job, GError **error)
{
  const FdnixBatchFileInfo *info = job->info;

  if (!fdnix_search_check_stored (info, job->stored, error))
    return FALSE;
  job->batch = fdnix_vector_batch_load (job->stored, info->key, NULL, error);
  if (job->batch == NULL || !fdnix_search_check_batch (info, job->batch, error))
    return FALSE;
  if (job->batch->count > 0 && job->batch->dimension != job->dimension)
    {
      g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_INVALID_DATA,
                   "%s: vectors have %u dimensions, but the index's vector_dimension is %u",
                   info->key, job->batch->dimension, job->dimension);
      return FALSE;
    }
  return TRUE;
}

static void
parse_worker (gpointer data, gpointer user_data)
{
  FileJob *job = data;
  Loader *loader = user_data;
  gboolean skip;

  g_mutex_lock (&loader->lock);
  skip = loader->stop;
  g_mutex_unlock (&loader->lock);
  if (skip)
    g_set_error_literal (&job->error, FDNIX_ERROR, FDNIX_ERROR_CANCELLED, "not parsed");
  else if (!parse_file (job, &job->error))
    g_clear_pointer (&job->batch, fdnix_vector_batch_free);
  /* the stored bytes are not needed any more: free them early */
  g_clear_pointer (&job->stored, g_bytes_unref);
  g_mutex_lock (&loader->lock);
  job->done = TRUE;
  g_cond_broadcast (&loader->done);
  g_mutex_unlock (&loader->lock);
}

/* Reads a listed file, never more bytes than the index gives it. */
static GBytes *
fetch_file (FdnixObjects *objects, const FdnixBatchFileInfo *info, GError **error)
{
  g_autoptr(GError) local_error = NULL;
  GBytes *stored = fdnix_objects_get_capped (objects, info->key, info->size, &local_error);

  if (stored == NULL)
    {
      if (g_error_matches (local_error, FDNIX_ERROR, FDNIX_ERROR_NOT_FOUND))
        g_prefix_error (&local_error, "the index lists a file that is missing: ");
      else if (g_error_matches (local_error, FDNIX_ERROR, FDNIX_ERROR_INVALID_DATA))
        g_prefix_error (&local_error, "%s: larger than the %" G_GUINT64_FORMAT " bytes the index says: ",
                        info->key, info->size);
      g_propagate_error (error, g_steal_pointer (&local_error));
    }
  return stored;
}

static void
apply_file (FdnixSearchIndex *index, const FileJob *job, FdnixSearchLoadStats *stats)
{
  const FdnixVectorBatch *batch = job->batch;

  stats->files++;
  for (guint i = 0; i < batch->count; i++)
    {
      const gchar *name = batch->package_names->pdata[i];
      gint entry = fdnix_search_index_find (index, name);
      const FdnixSearchEntry *e;

      if (entry < 0)
        {
          stats->vectors_without_record++;
          continue;
        }
      if (!fdnix_search_index_set_vector (index, (guint) entry,
                                          batch->vectors + (gsize) i * batch->dimension))
        {
          /* a few lines tell; millions (a hostile snapshot) would drown the log */
          if (stats->repeated < MAX_REPEAT_WARNINGS)
            g_warning ("%s: a second vector for %s (ignored)", job->info->key, name);
          stats->repeated++;
          continue;
        }
      e = fdnix_search_index_get_entry (index, (guint) entry);
      if (g_strcmp0 (fdnix_search_entry_version (index, e), batch->versions->pdata[i]) != 0)
        stats->vectors_other_version++;
      stats->vectors++;
    }
}

/* Waits for the oldest job and applies it; FALSE with its error. */
static gboolean
finish_oldest (GQueue *pending, Loader *loader, FdnixSearchIndex *index,
               FdnixSearchLoadStats *stats, GError **error)
{
  g_autoptr(FileJob) job = g_queue_pop_head (pending);

  g_mutex_lock (&loader->lock);
  while (!job->done)
    g_cond_wait (&loader->done, &loader->lock);
  g_mutex_unlock (&loader->lock);
  if (job->error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&job->error));
      return FALSE;
    }
  apply_file (index, job, stats);
  return TRUE;
}

static gboolean
load_files (FdnixSearchIndex *index, FdnixObjects *objects, const FdnixVectorIndex *vindex,
            FdnixSearchLoadStats *stats, GError **error)
{
  Loader loader = { 0 };
  GThreadPool *pool;
  GQueue pending = G_QUEUE_INIT;
  guint threads = CLAMP (g_get_num_processors (), 1, 4);
  gboolean ok = TRUE;

  g_mutex_init (&loader.lock);
  g_cond_init (&loader.done);
  pool = g_thread_pool_new (parse_worker, &loader, (gint) threads, FALSE, NULL);
  for (guint i = 0; ok && i < vindex->files->len; i++)
    {
      FileJob *job;

      /* at most two files per worker in memory */
      if (pending.length >= 2 * threads)
        ok = finish_oldest (&pending, &loader, index, stats, error);
      if (ok)
        ok = fdnix_cancel_check (error);
      if (!ok)
        break;
      job = g_new0 (FileJob, 1);
      job->info = vindex->files->pdata[i];
      job->dimension = vindex->dimension;
      job->stored = fetch_file (objects, job->info, error);
      if (job->stored == NULL)
        {
          file_job_free (job);
          ok = FALSE;
          break;
        }
      stats->bytes += g_bytes_get_size (job->stored);
      g_queue_push_tail (&pending, job);
      g_thread_pool_push (pool, job, NULL);
    }
  while (ok && pending.length > 0)
    ok = finish_oldest (&pending, &loader, index, stats, error);
  if (!ok)
    {
      g_mutex_lock (&loader.lock);
      loader.stop = TRUE;
      g_mutex_unlock (&loader.lock);
    }
  /* waits for every queued job, so none is freed under a worker */
  g_thread_pool_free (pool, FALSE, TRUE);
  g_queue_clear_full (&pending, (GDestroyNotify) file_job_free);
  g_mutex_clear (&loader.lock);
  g_cond_clear (&loader.done);
  return ok;
}

/* The packages from the snapshot's search bundle: fetched (never more
 * bytes than the index gives it), checked against the index's size and
 * sha256, then every section checked as it is read. */
static FdnixSearchIndex *
load_bundle (FdnixObjects *objects, const FdnixBundleInfo *info, guint dimension,
             FdnixSearchLoadStats *stats, GError **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GBytes) stored = NULL;
  FdnixBatchFileInfo expected = { 0 };
  FdnixSearchIndex *index;

  if (info->format != FDNIX_BUNDLE_FORMAT)
    {
      g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_INVALID_DATA,
                   "%s: format %u, this fdnix-search reads format %u%s", info->key, info->format,
                   FDNIX_BUNDLE_FORMAT, info->format > FDNIX_BUNDLE_FORMAT ? ": upgrade fdnix-search" : "");
      return NULL;
    }
  stored = fdnix_objects_get_capped (objects, info->key, info->size, &local_error);
  if (stored == NULL)
    {
      if (g_error_matches (local_error, FDNIX_ERROR, FDNIX_ERROR_NOT_FOUND))
        g_prefix_error (&local_error, "the index lists a search bundle that is missing: ");
      else if (g_error_matches (local_error, FDNIX_ERROR, FDNIX_ERROR_INVALID_DATA))
        g_prefix_error (&local_error, "%s: larger than the %" G_GUINT64_FORMAT " bytes the index says: ",
                        info->key, info->size);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  stats->bytes += g_bytes_get_size (stored);
  expected.key = info->key;
  expected.size = info->size;
  expected.sha256 = info->sha256;
  if (!fdnix_search_check_stored (&expected, stored, error))
    return NULL;
  index = fdnix_search_index_new_from_bundle (stored, dimension, error);
  if (index == NULL)
    {
      g_prefix_error (error, "%s: ", info->key);
      return NULL;
    }
  stats->packages = fdnix_search_index_get_count (index);
  stats->from_bundle = TRUE;
  return index;
}

/* The packages from the table: a snapshot of an fdnix-embed that wrote no
 * search bundle. */
static FdnixSearchIndex *
load_table (FdnixSearchStoreOpener open_store, gpointer user_data, FdnixObjects *objects, guint dimension,
            FdnixSearchLoadStats *stats, gchar **out_store_name, GError **error)
{
  g_autoptr(FdnixStore) store = NULL;
  g_autoptr(FdnixSearchIndex) index = NULL;
  guint64 repeated = 0;

  g_message ("%s in %s lists no search bundle (written by an older fdnix-embed): reading the "
             "packages from the table instead", FDNIX_VECTOR_INDEX_KEY, fdnix_objects_describe (objects));
  store = open_store (user_data, error);
  if (store == NULL)
    return NULL;
  index = fdnix_search_index_new_from_table (store, dimension, &stats->packages, &repeated, error);
  if (index == NULL)
    return NULL;
  stats->repeated += repeated;
  *out_store_name = g_strdup (fdnix_store_describe (store));
  return g_steal_pointer (&index);
}

static FdnixStore *
give_store (gpointer user_data, GError **error)
{
  if (user_data == NULL)
    {
      g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_NOT_FOUND,
                   "%s lists no search bundle and no table was given: run fdnix-embed again",
                   FDNIX_VECTOR_INDEX_KEY);
      return NULL;
    }
  return g_object_ref (user_data);
}

/**
 * fdnix_search_load:
 * @store: (nullable): the package table, read only when the snapshot has
 *   no search bundle (one written by an older fdnix-embed)
 * @objects: the vector files, the search bundle and their index
 * @embedder: (nullable): the embedder queries will use; the index must be
 *   its model's (NULL: no check, for tools)
 * @out_stats: (out caller-allocates) (optional): what was read
 * @error: return location for an error
 *
 * Returns: (transfer full): every package of the snapshot's search bundle
 *   (or of the table) with its vector (when the snapshot has one), or NULL.
 */
FdnixSearchIndex *
fdnix_search_load (FdnixStore *store, FdnixObjects *objects, FdnixEmbedder *embedder,
                   FdnixSearchLoadStats *out_stats, GError **error)
{
  return fdnix_search_load_snapshot (give_store, store, objects, embedder, out_stats, error);
}

/**
 * fdnix_search_load_snapshot:
 * @open_store: opens the package table; called only when the snapshot has
 *   no search bundle (so a search of a current snapshot sends the table
 *   no request at all)
 * @user_data: for @open_store
 * @objects: the vector files, the search bundle and their index
 * @embedder: (nullable): as for fdnix_search_load()
 * @out_stats: (out caller-allocates) (optional): what was read
 * @error: return location for an error
 *
 * Returns: (transfer full): as fdnix_search_load(), or NULL.
 */
FdnixSearchIndex *
fdnix_search_load_snapshot (FdnixSearchStoreOpener open_store, gpointer user_data, FdnixObjects *objects,
                            FdnixEmbedder *embedder, FdnixSearchLoadStats *out_stats, GError **error)
{
  g_autofree gchar *source = NULL;
  g_autoptr(FdnixVectorIndex) vindex = NULL;
  g_autoptr(FdnixSearchIndex) index = NULL;
  FdnixSearchLoadStats stats = { 0 };
  gint64 start = g_get_monotonic_time ();
  guint dimension;

  vindex = fdnix_search_fetch_index (objects, error);
  if (vindex == NULL)
    return NULL;
  if (embedder != NULL && !fdnix_search_check_model (vindex, embedder, error))
    return NULL;
  stats.index_seconds = (g_get_monotonic_time () - start) / 1e6;

  /* The room for vectors is packages × dimension: the dimension is the
   * configured embedder's (which the index matches when it lists files),
   * never a number taken from the index alone. */
  dimension = embedder != NULL ? fdnix_embedder_get_dimension (embedder) : vindex->dimension;
  start = g_get_monotonic_time ();
  if (vindex->bundle != NULL)
    {
      index = load_bundle (objects, vindex->bundle, dimension, &stats, error);
      source = g_strdup (vindex->bundle->key);
    }
  else
    index = load_table (open_store, user_data, objects, dimension, &stats, &source, error);
  if (index == NULL)
    return NULL;
  if (stats.packages == 0)
    {
      g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_NOT_FOUND, "%s holds no packages: run fdnix-metadata first",
                   source);
      return NULL;
    }
  stats.store_seconds = (g_get_monotonic_time () - start) / 1e6;
  g_info ("read %" G_GUINT64_FORMAT " packages from %s in %.2f s", stats.packages, source, stats.store_seconds);

  start = g_get_monotonic_time ();
  if (!load_files (index, objects, vindex, &stats, error))
    return NULL;
  if (stats.repeated > MAX_REPEAT_WARNINGS)
    g_warning ("%" G_GUINT64_FORMAT " repeated vectors in all (ignored)", stats.repeated);
  stats.vectors_seconds = (g_get_monotonic_time () - start) / 1e6;
  g_info ("read and checked %" G_GUINT64_FORMAT " vector files (%" G_GUINT64_FORMAT
          " bytes) from %s in %.2f s", stats.files, stats.bytes,
          fdnix_objects_describe (objects), stats.vectors_seconds);
  if (stats.vectors_without_record > 0 || stats.vectors_other_version > 0)
    g_message ("the vectors are older than the %s: %" G_GUINT64_FORMAT " of removed packages, %"
               G_GUINT64_FORMAT " of other versions (fdnix-embed brings them in line)",
               stats.from_bundle ? "search bundle" : "table",
               stats.vectors_without_record, stats.vectors_other_version);
  if (out_stats != NULL)
    *out_stats = stats;
  return g_steal_pointer (&index);
}
