/* fdnix-serve-snapshot.c: refcounted snapshots, the holder, the reloader. */
#include "config.h"

#include <string.h>

#include "core/fdnix-error.h"
#include "search/fdnix-search-load.h"
#include "search/fdnix-searcher.h"
#include "serve/fdnix-serve-cache.h"
#include "serve/fdnix-serve-snapshot.h"
#include "store/fdnix-store-factory.h"
#include "vectors/fdnix-vector-index.h"

struct _FdnixServeSnapshot {
  gint           ref_count;
  FdnixSearcher *searcher;     /* owns the index */
  gboolean       local;        /* the offline embedder: no lock to embed */
  gchar         *run_id;
  gint64         created_at;   /* unix seconds; 0 when unknown */
  gint64         loaded_at;    /* monotonic microseconds */
  gchar         *tag;
  FdnixServeCache *cache;      /* its recent rankings */
};

/* A service embedder's requests go through the searcher's pool of one
 * request in flight, which is not made for several threads. */
static GMutex embed_lock;

/**
 * fdnix_serve_snapshot_load:
 * @config: the search and embed settings
 * @embedder: the embedder queries are embedded with
 * @index_bytes: (nullable): the vector index as polled, for its run id
 *   and date
 * @tag: (nullable): the index's tag (fdnix_objects_get_if_changed())
 * @max_attempts: attempts per embedding request
 * @cache_entries: rankings its cache keeps (fdnix-serve-cache.h)
 * @error: return location for an error
 *
 * Opens the table and the objects afresh (a new run wrote them) and loads
 * them with every check of fdnix_search_load().  May run on any thread.
 *
 * Returns: (transfer full) (nullable): the snapshot.
 */
FdnixServeSnapshot *
fdnix_serve_snapshot_load (FdnixConfig *config, FdnixEmbedder *embedder, GBytes *index_bytes,
                           const gchar *tag, guint max_attempts, guint cache_entries, GError **error)
{
  g_autoptr(FdnixStore) store = NULL;
  g_autoptr(FdnixObjects) objects = NULL;
  g_autoptr(FdnixVectorIndex) vindex = NULL;
  FdnixSearchLoadStats stats = { 0 };
  FdnixSearchIndex *index;
  FdnixServeSnapshot *self;

  if (index_bytes != NULL)
    {
      vindex = fdnix_vector_index_parse (index_bytes, error);
      if (vindex == NULL)
        {
          g_prefix_error (error, "%s: ", FDNIX_VECTOR_INDEX_KEY);
          return NULL;
        }
    }
  if ((store = fdnix_store_new_from_config (config, FDNIX_STORE_READ_ONLY, error)) == NULL ||
      (objects = fdnix_objects_new_from_config (config, error)) == NULL)
    return NULL;
  index = fdnix_search_load (store, objects, embedder, &stats, error);
  if (index == NULL)
    return NULL;
  self = g_new0 (FdnixServeSnapshot, 1);
  self->ref_count = 1;
  self->searcher = fdnix_searcher_new (index, embedder, max_attempts);
  self->local = embedder != NULL && g_strcmp0 (fdnix_embedder_get_service (embedder), "offline") == 0;
  self->tag = g_strdup (tag);
  self->cache = fdnix_serve_cache_new (cache_entries);
  self->loaded_at = g_get_monotonic_time ();
  if (vindex != NULL)
    {
      g_autoptr(GDateTime) created = vindex->created_at != NULL
                                       ? g_date_time_new_from_iso8601 (vindex->created_at, NULL) : NULL;

      self->run_id = g_strdup (vindex->run_id);
      self->created_at = created != NULL ? g_date_time_to_unix (created) : 0;
    }
  return self;
}

/**
 * fdnix_serve_snapshot_ref:
 * @self: a snapshot
 *
 * Returns: (transfer full): @self.
 */
FdnixServeSnapshot *
fdnix_serve_snapshot_ref (FdnixServeSnapshot *self)
{
  g_atomic_int_inc (&self->ref_count);
  return self;
}

/**
 * fdnix_serve_snapshot_unref:
 * @self: (transfer full) (nullable): a snapshot; freed with its index by
 *   the last reference
 */
void
fdnix_serve_snapshot_unref (FdnixServeSnapshot *self)
{
  if (self == NULL || !g_atomic_int_dec_and_test (&self->ref_count))
    return;
  fdnix_searcher_free (self->searcher);
  fdnix_serve_cache_free (self->cache);
  g_free (self->run_id);
  g_free (self->tag);
  g_free (self);
}

/**
 * fdnix_serve_snapshot_get_index:
 * @self: a snapshot
 *
 * Returns: (transfer none): its index, read-only.
 */
const FdnixSearchIndex *
fdnix_serve_snapshot_get_index (FdnixServeSnapshot *self)
{
  return fdnix_searcher_get_index (self->searcher);
}

/**
 * fdnix_serve_snapshot_get_run_id:
 * @self: a snapshot
 *
 * Returns: (nullable): the fdnix-embed run that wrote it.
 */
const gchar *
fdnix_serve_snapshot_get_run_id (FdnixServeSnapshot *self)
{
  return self->run_id;
}

/**
 * fdnix_serve_snapshot_get_age:
 * @self: a snapshot
 *
 * Returns: seconds since its index was written, or -1 when not known.
 */
gdouble
fdnix_serve_snapshot_get_age (FdnixServeSnapshot *self)
{
  if (self->created_at == 0)
    return -1;
  return MAX (0, g_get_real_time () / 1e6 - (gdouble) self->created_at);
}

/**
 * fdnix_serve_snapshot_get_loaded_age:
 * @self: a snapshot
 *
 * Returns: seconds since it was loaded.
 */
gdouble
fdnix_serve_snapshot_get_loaded_age (FdnixServeSnapshot *self)
{
  return (g_get_monotonic_time () - self->loaded_at) / 1e6;
}

/* A ranking made with cosines is another entry than one without. */
static gchar *
cache_key (const gchar *query, const FdnixSearchOptions *options, gboolean explain)
{
  g_autofree gchar *text = g_strdup_printf ("%s\x1f%d", query, explain || options->vector_weight > 0);

  return fdnix_serve_cache_key (text, options->filter.license, options->filter.platform, options->filter.set,
                                options->filter.include_broken);
}

/**
 * fdnix_serve_snapshot_is_cached:
 * @self: a snapshot
 * @query: the query
 * @options: as for fdnix_serve_snapshot_search()
 * @explain: as for fdnix_serve_snapshot_search()
 *
 * Returns: whether fdnix_serve_snapshot_search() would answer from the
 *   cache now (so cheaply that it need not wait for a worker).
 */
gboolean
fdnix_serve_snapshot_is_cached (FdnixServeSnapshot *self, const gchar *query, const FdnixSearchOptions *options,
                                gboolean explain)
{
  g_autofree gchar *key = cache_key (query, options, explain);

  return fdnix_serve_cache_contains (self->cache, key, options->limit);
}

/**
 * fdnix_serve_snapshot_search:
 * @self: a snapshot
 * @query: the query
 * @options: limit, floor, fusion and filter
 * @explain: whether the hits will be explained (their cosines shown)
 * @out_cached: (out) (optional): whether the ranking came from the cache
 * @error: return location for an error (embedding failed)
 *
 * fdnix_searcher_search(), through the snapshot's cache, safe from
 * several threads at once.  When the vectors have no weight in the
 * ranking (the offline embedder's default) and no explanation is asked
 * for, the query is not embedded and no cosine computed: the ranking is
 * the same (fdnix_search_relevance() counts a list of weight 0 as left
 * out), for a third less work.
 *
 * Returns: (transfer full) (element-type FdnixSearchHit) (nullable): hits.
 */
GArray *
fdnix_serve_snapshot_search (FdnixServeSnapshot *self, const gchar *query, const FdnixSearchOptions *options,
                             gboolean explain, gboolean *out_cached, GError **error)
{
  gboolean vectors = explain || options->vector_weight > 0;
  g_autofree gchar *key = cache_key (query, options, explain);
  GArray *hits = fdnix_serve_cache_lookup (self->cache, key, options->limit);

  if (out_cached != NULL)
    *out_cached = hits != NULL;
  if (hits != NULL)
    return hits;
  if (!vectors)
    {
      g_autoptr(FdnixSearchQuery) q = fdnix_search_query_new (query);

      hits = fdnix_search_rank (fdnix_searcher_get_index (self->searcher), q, NULL, options);
    }
  else if (self->local)
    hits = fdnix_searcher_search (self->searcher, query, options, error);
  else
    {
      g_mutex_lock (&embed_lock);
      hits = fdnix_searcher_search (self->searcher, query, options, error);
      g_mutex_unlock (&embed_lock);
    }
  if (hits != NULL)
    fdnix_serve_cache_insert (self->cache, key, hits, options->limit);
  return hits;
}

struct _FdnixServeHolder {
  GMutex              lock;
  FdnixServeSnapshot *current;
};

/**
 * fdnix_serve_holder_new:
 *
 * Returns: (transfer full): a holder without a snapshot yet.
 */
FdnixServeHolder *
fdnix_serve_holder_new (void)
{
  FdnixServeHolder *self = g_new0 (FdnixServeHolder, 1);

  g_mutex_init (&self->lock);
  return self;
}

/**
 * fdnix_serve_holder_free:
 * @self: (transfer full) (nullable): a holder
 */
void
fdnix_serve_holder_free (FdnixServeHolder *self)
{
  if (self == NULL)
    return;
  fdnix_serve_snapshot_unref (self->current);
  g_mutex_clear (&self->lock);
  g_free (self);
}

/**
 * fdnix_serve_holder_get:
 * @self: a holder
 *
 * Returns: (transfer full) (nullable): the current snapshot, or NULL
 *   before the first one loaded.
 */
FdnixServeSnapshot *
fdnix_serve_holder_get (FdnixServeHolder *self)
{
  FdnixServeSnapshot *snapshot;

  g_mutex_lock (&self->lock);
  snapshot = self->current != NULL ? fdnix_serve_snapshot_ref (self->current) : NULL;
  g_mutex_unlock (&self->lock);
  return snapshot;
}

/**
 * fdnix_serve_holder_swap:
 * @self: a holder
 * @snapshot: (transfer full): the new snapshot
 *
 * The old snapshot is freed when its last request ends.
 */
void
fdnix_serve_holder_swap (FdnixServeHolder *self, FdnixServeSnapshot *snapshot)
{
  FdnixServeSnapshot *old;

  g_mutex_lock (&self->lock);
  old = self->current;
  self->current = snapshot;
  g_mutex_unlock (&self->lock);
  fdnix_serve_snapshot_unref (old);
}

struct _FdnixServeReloader {
  FdnixConfig       *config;    /* borrowed: outlives the reloader */
  FdnixEmbedder     *embedder;
  FdnixObjects      *objects;   /* for polling; used by one task at a time */
  FdnixServeHolder  *holder;    /* borrowed */
  FdnixServeMetrics *metrics;   /* borrowed */
  guint              max_attempts;
  guint              cache_entries;
  guint              timer;
  gboolean           busy;
  gchar             *seen_tag;  /* the last index loaded or refused */
  gchar             *last_poll_error;
};

typedef struct {
  FdnixConfig        *config;
  FdnixEmbedder      *embedder;
  FdnixObjects       *objects;
  guint               max_attempts;
  guint               cache_entries;
  gchar              *seen_tag;
  gchar              *tag;       /* out */
  gboolean            changed;   /* out */
  FdnixServeSnapshot *snapshot;  /* out */
  gdouble             seconds;   /* out */
  gchar              *run_id;    /* out: of the index read, loaded or not */
} PollData;

static void
poll_data_free (PollData *data)
{
  g_object_unref (data->embedder);
  g_object_unref (data->objects);
  g_free (data->seen_tag);
  g_free (data->tag);
  g_free (data->run_id);
  fdnix_serve_snapshot_unref (data->snapshot);
  g_free (data);
}

static void
poll_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  PollData *data = task_data;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();

  if (!fdnix_objects_get_if_changed (data->objects, FDNIX_VECTOR_INDEX_KEY, data->seen_tag,
                                     FDNIX_VECTOR_INDEX_MAX_TEXT, &bytes, &data->tag, &error))
    {
      if (g_error_matches (error, FDNIX_ERROR, FDNIX_ERROR_NOT_FOUND))
        {
          g_clear_error (&error);
          g_set_error (&error, FDNIX_ERROR, FDNIX_ERROR_NOT_FOUND,
                       "no vector index %s in %s: run fdnix-embed first", FDNIX_VECTOR_INDEX_KEY,
                       fdnix_objects_describe (data->objects));
        }
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (bytes == NULL)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  data->changed = TRUE;
  {
    g_autoptr(FdnixVectorIndex) vindex = fdnix_vector_index_parse (bytes, NULL);

    data->run_id = vindex != NULL ? g_strdup (vindex->run_id) : NULL;
  }
  data->snapshot = fdnix_serve_snapshot_load (data->config, data->embedder, bytes, data->tag,
                                              data->max_attempts, data->cache_entries, &error);
  data->seconds = (g_get_monotonic_time () - start) / 1e6;
  if (data->snapshot == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_boolean (task, TRUE);
}

static void
poll_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  FdnixServeReloader *self = user_data;
  GTask *task = G_TASK (result);
  PollData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(FdnixServeSnapshot) old = NULL;

  self->busy = FALSE;
  if (!g_task_propagate_boolean (task, &error))
    {
      if (!data->changed)
        {
          /* the index could not be read: said once, until it can */
          if (g_strcmp0 (self->last_poll_error, error->message) != 0)
            g_warning ("cannot poll the snapshot: %s", error->message);
          g_free (self->last_poll_error);
          self->last_poll_error = g_strdup (error->message);
          return;
        }
      old = fdnix_serve_holder_get (self->holder);
      g_warning ("refused snapshot %s: %s; %s%s", data->run_id != NULL ? data->run_id : "(unknown run)",
                 error->message, old != NULL ? "still serving " : "no snapshot to serve",
                 old != NULL && fdnix_serve_snapshot_get_run_id (old) != NULL ? fdnix_serve_snapshot_get_run_id (old) : "");
      fdnix_serve_metrics_count_reload (self->metrics, FALSE);
      g_free (self->seen_tag);
      self->seen_tag = g_strdup (data->tag);
      return;
    }
  g_clear_pointer (&self->last_poll_error, g_free);
  if (!data->changed)
    return;
  old = fdnix_serve_holder_get (self->holder);
  g_message ("serving snapshot %s: %u packages, loaded in %.2f s",
             data->run_id != NULL ? data->run_id : "(unknown run)",
             fdnix_search_index_get_count (fdnix_serve_snapshot_get_index (data->snapshot)), data->seconds);
  if (old != NULL)
    fdnix_serve_metrics_count_reload (self->metrics, TRUE);
  g_free (self->seen_tag);
  self->seen_tag = g_strdup (data->tag);
  fdnix_serve_holder_swap (self->holder, g_steal_pointer (&data->snapshot));
}

static gboolean
on_poll (gpointer user_data)
{
  FdnixServeReloader *self = user_data;
  g_autoptr(GTask) task = NULL;
  PollData *data;

  if (self->busy)
    return G_SOURCE_CONTINUE;
  self->busy = TRUE;
  data = g_new0 (PollData, 1);
  data->seen_tag = g_strdup (self->seen_tag);
  data->config = self->config;
  data->embedder = g_object_ref (self->embedder);
  data->objects = g_object_ref (self->objects);
  data->max_attempts = self->max_attempts;
  data->cache_entries = self->cache_entries;
  task = g_task_new (NULL, NULL, poll_done, self);
  g_task_set_task_data (task, data, (GDestroyNotify) poll_data_free);
  g_task_run_in_thread (task, poll_thread);
  return G_SOURCE_CONTINUE;
}

/**
 * fdnix_serve_reloader_new:
 * @config: settings (borrowed; must outlive the reloader)
 * @embedder: the query embedder
 * @objects: where the vector index is polled (used by one thread at a
 *   time: the reloader's)
 * @holder: receives each snapshot loaded (borrowed)
 * @metrics: counts reloads and refusals (borrowed)
 * @max_attempts: attempts per embedding request
 * @cache_entries: rankings each snapshot's cache keeps
 *
 * Returns: (transfer full): a reloader, idle until started.
 */
FdnixServeReloader *
fdnix_serve_reloader_new (FdnixConfig *config, FdnixEmbedder *embedder, FdnixObjects *objects,
                          FdnixServeHolder *holder, FdnixServeMetrics *metrics, guint max_attempts,
                          guint cache_entries)
{
  FdnixServeReloader *self = g_new0 (FdnixServeReloader, 1);

  self->config = config;
  self->embedder = g_object_ref (embedder);
  self->objects = g_object_ref (objects);
  self->holder = holder;
  self->metrics = metrics;
  self->max_attempts = max_attempts;
  self->cache_entries = cache_entries;
  return self;
}

/**
 * fdnix_serve_reloader_free:
 * @self: (transfer full) (nullable): a reloader
 *
 * Stops polling; a load in progress is waited for (on the thread-default
 * main context), since it reads the configuration.
 */
void
fdnix_serve_reloader_free (FdnixServeReloader *self)
{
  if (self == NULL)
    return;
  if (self->timer != 0)
    g_source_remove (self->timer);
  while (self->busy)
    g_main_context_iteration (NULL, TRUE);
  g_object_unref (self->embedder);
  g_object_unref (self->objects);
  g_free (self->seen_tag);
  g_free (self->last_poll_error);
  g_free (self);
}

/**
 * fdnix_serve_reloader_start:
 * @self: a reloader
 * @interval_seconds: how often to poll after the first load, which starts
 *   now; 0 loads once
 */
void
fdnix_serve_reloader_start (FdnixServeReloader *self, gdouble interval_seconds)
{
  on_poll (self);
  if (interval_seconds > 0)
    self->timer = g_timeout_add ((guint) MAX (interval_seconds * 1000, 1), on_poll, self);
}
