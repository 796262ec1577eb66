/* fdnix-embed-run.c: embed pass, index step, and the loop between them. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "core/fdnix-error.h"
#include "core/fdnix-summary.h"
#include "vectors/fdnix-batch-sink.h"
#include "embed/fdnix-embed-pass.h"
#include "embed/fdnix-embed-pool.h"
#include "embed/fdnix-embed-run.h"
#include "vectors/fdnix-snapshot.h"
#include "vectors/fdnix-vector-index.h"

/* Index steps per run: the second one only runs when the first found
 * lost vectors (re-embedded in between); a third means something keeps
 * changing the records under us. */
#define MAX_INDEX_ROUNDS 3

const FdnixSetting fdnix_embed_run_settings[] = {
  { "embed.shard", FDNIX_SETTING_STRING, NULL, "FDNIX_SHARD", "shard", 0, "K/N",
    "Embed only shard K of N (0 <= K < N) and write no index" },
  { "embed.index-only", FDNIX_SETTING_BOOL, "false", "FDNIX_INDEX_ONLY", "index-only", 0, NULL,
    "Only bring the vector files and the index in line with the store (after shard runs)" },
  { "embed.vectors-per-file", FDNIX_SETTING_INT, "1000", "FDNIX_VECTORS_PER_FILE", "vectors-per-file", 0, "N",
    "Vectors per batch file",
    FDNIX_RANGE (1, 1000000) },
  { "embed.keep-superseded", FDNIX_SETTING_INT, "900", "FDNIX_KEEP_SUPERSEDED", "keep-superseded", 0, "SECONDS",
    "Keep a batch file the index stops listing this long (and until the next run) for readers of the old index",
    FDNIX_RANGE (0, 31 * 24 * 3600) },
  { "embed.batch-size", FDNIX_SETTING_INT, "0", "FDNIX_EMBED_BATCH_SIZE", "batch-size", 0, "N",
    "Texts per embedding request (0: the model's maximum, 96 for Cohere)",
    FDNIX_RANGE (0, 100000) },
  { "embed.concurrency", FDNIX_SETTING_INT, "0", "FDNIX_EMBED_CONCURRENCY", "concurrency", 'j', "N",
    "Requests in flight at most (0: " G_STRINGIFY (FDNIX_EMBED_POOL_SERVICE_CONCURRENCY)
    " for a service, one per CPU offline)",
    FDNIX_RANGE (0, 256) },
  { "embed.max-requests", FDNIX_SETTING_INT, "0", "FDNIX_MAX_REQUESTS", "max-requests", 0, "N",
    "Stop after N embedding requests in this run, retries included (0: no cap)",
    FDNIX_RANGE (0, FDNIX_RANGE_INT_MAX) },
  { "embed.max-tokens", FDNIX_SETTING_INT, "0", "FDNIX_MAX_TOKENS", "max-tokens", 0, "N",
    "Stop before sending more than N tokens (estimated) in this run (0: no cap)",
    FDNIX_RANGE (0, FDNIX_RANGE_INT_MAX) },
  { "embed.max-attempts", FDNIX_SETTING_INT, "8", NULL, NULL, 0, NULL,
    "Attempts per request before giving up on throttling or server errors",
    FDNIX_RANGE (1, 100) },
  FDNIX_SETTING_END
};

/**
 * fdnix_embed_parse_shard:
 * @text: "K/N"
 * @out_index: (out): K
 * @out_count: (out): N
 * @error: return location for FDNIX_ERROR_USAGE
 *
 * Returns: TRUE when @text names a shard (N from 1 to 4096, K below N).
 */
gboolean
fdnix_embed_parse_shard (const gchar *text, guint *out_index, guint *out_count, GError **error)
{
  guint64 k = 0, n = 0;
  gchar *end = NULL;
  const gchar *slash = text != NULL ? strchr (text, '/') : NULL;
  gboolean ok = slash != NULL && slash != text && g_ascii_isdigit (text[0]) &&
                g_ascii_isdigit (slash[1]);

  if (ok)
    {
      k = g_ascii_strtoull (text, &end, 10);
      ok = end == slash;
    }
  if (ok)
    {
      n = g_ascii_strtoull (slash + 1, &end, 10);
      ok = *end == '\0' && n >= 1 && n <= 4096 && k < n;
    }
  if (!ok)
    {
      g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_USAGE,
                   "shard '%s' is not K/N with 0 <= K < N <= 4096", text != NULL ? text : "");
      return FALSE;
    }
  *out_index = (guint) k;
  *out_count = (guint) n;
  return TRUE;
}

/* The ranges are in the settings table, checked when each value was set. */
static gboolean
get_count (FdnixConfig *config, const gchar *key, guint64 *out, GError **error)
{
  *out = (guint64) fdnix_config_get_int (config, key);
  return TRUE;
}

/**
 * fdnix_embed_run_options_from_config:
 * @config: a configuration with fdnix_embed_run_settings,
 *   fdnix_floor_settings and fdnix_retry_settings registered
 * @out_options: (out caller-allocates): the options
 * @error: return location for FDNIX_ERROR_USAGE
 *
 * Returns: TRUE when every setting is valid (FALSE with FDNIX_ERROR_FAILED
 *   when a table is not registered: a bug of the program).
 */
gboolean
fdnix_embed_run_options_from_config (FdnixConfig *config, FdnixEmbedRunOptions *out_options,
                                     GError **error)
{
  FdnixEmbedRunOptions o = { 0 };
  guint64 value;
  const gchar *shard;

  if (!fdnix_config_require (config, fdnix_embed_run_settings, G_STRFUNC, error) ||
      !fdnix_config_require (config, fdnix_floor_settings, G_STRFUNC, error))
    return FALSE;
  shard = fdnix_config_get_string (config, "embed.shard");
  if (shard != NULL && *shard != '\0' && !fdnix_embed_parse_shard (shard, &o.shard_index, &o.shard_count, error))
    {
      g_autofree gchar *origin = fdnix_config_describe_source (config, "embed.shard");
      g_prefix_error (error, "%s: ", origin);
      return FALSE;
    }
  o.index_only = fdnix_config_get_bool (config, "embed.index-only");
  if (o.index_only && o.shard_count > 0)
    {
      g_set_error_literal (error, FDNIX_ERROR, FDNIX_ERROR_USAGE,
                           "--shard and --index-only exclude each other");
      return FALSE;
    }
  if (!get_count (config, "embed.vectors-per-file", &value, error))
    return FALSE;
  o.vectors_per_file = (guint) value;
  if (!get_count (config, "embed.keep-superseded", &o.keep_superseded, error))
    return FALSE;
  if (!get_count (config, "embed.batch-size", &value, error))
    return FALSE;
  o.batch_size = (guint) value;
  if (!get_count (config, "embed.concurrency", &value, error))
    return FALSE;
  o.concurrency = (guint) value;
  if (!get_count (config, "embed.max-requests", &o.max_requests, error) ||
      !get_count (config, "embed.max-tokens", &o.max_tokens, error) ||
      !get_count (config, "embed.max-attempts", &value, error))
    return FALSE;
  o.max_attempts = (guint) value;
  fdnix_floor_from_config (config, &o.floor);
  fdnix_retry_options_init (&o.retry);
  if (!fdnix_retry_options_load (&o.retry, config, error))
    return FALSE;
  o.retry_set = TRUE;
  *out_options = o;
  return TRUE;
}

static FdnixEmbedPool *
new_pool (FdnixEmbedder *embedder, const FdnixEmbedRunOptions *options)
{
  FdnixEmbedPoolOptions pool = { 0 };
  FdnixRetryOptions retry;
  g_autoptr(FdnixRetryPolicy) policy = NULL;
  gboolean local = g_strcmp0 (fdnix_embedder_get_service (embedder), "offline") == 0;

  fdnix_embed_pool_options_init (&pool);
  if (options->concurrency > 0)
    pool.concurrency = options->concurrency;
  else if (local)
    pool.concurrency = MAX (1, (guint) g_get_num_processors ());
  pool.max_requests = options->max_requests;
  pool.max_tokens = options->max_tokens;
  pool.max_attempts = options->max_attempts;
  /* [retry] paces the embedding requests too (its Retry-After cap above
   * all); [embed] max-attempts counts their attempts */
  fdnix_retry_options_init (&retry);
  if (options->retry_set)
    retry = options->retry;
  retry.max_attempts = MAX (1, options->max_attempts);
  policy = fdnix_retry_policy_new (&retry, fdnix_embedder_get_service (embedder));
  pool.retry = policy;
  return fdnix_embed_pool_new (embedder, &pool);
}

static gboolean
embed_pending (FdnixStore *store, FdnixEmbedder *embedder, FdnixEmbedPool *pool,
               FdnixBatchSink *sink, const FdnixEmbedRunOptions *options, gboolean sharded,
               GError **error)
{
  FdnixEmbedPassOptions pass = { 0 };
  guint max_batch = fdnix_embedder_get_max_batch (embedder);
  guint64 embedded = 0;
  gint64 started = g_get_monotonic_time ();
  gboolean ok;

  pass.batch_size = options->batch_size > 0 ? MIN (options->batch_size, max_batch) : max_batch;
  pass.max_pending = 4 * MAX (1, options->concurrency > 0 ? options->concurrency
                                                          : FDNIX_EMBED_POOL_SERVICE_CONCURRENCY);
  if (sharded)
    {
      pass.shard_index = options->shard_index;
      pass.shard_count = options->shard_count;
    }
  fdnix_summary_phase_begin (fdnix_summary_get_default (), "embed");
  ok = fdnix_embed_pass (store, embedder, pool, sink, &pass, &embedded, error);
  fdnix_summary_phase_end (fdnix_summary_get_default (), "embed");
  if (g_strcmp0 (fdnix_embedder_get_service (embedder), "offline") == 0)
    g_message ("embedded %" G_GUINT64_FORMAT " package(s) in %.1f s", embedded,
               (g_get_monotonic_time () - started) / 1e6);
  else
    g_message ("embedded %" G_GUINT64_FORMAT " package(s) in %.1f s (%" G_GUINT64_FORMAT
               " requests, %" G_GUINT64_FORMAT " retries, down to %.0f in flight)", embedded,
               (g_get_monotonic_time () - started) / 1e6, fdnix_embed_pool_get_requests (pool),
               fdnix_embed_pool_get_retries (pool), fdnix_embed_pool_get_lowest_limit (pool));
  return ok;
}

/**
 * fdnix_embed_run:
 * @store: the package table
 * @objects: where vector files and the index go
 * @embedder: the embedder
 * @options: what to do
 * @error: return location for an error
 *
 * Returns: TRUE when every live package has its current vector and (unless
 *   sharded) the index lists exactly those.
 */
gboolean
fdnix_embed_run (FdnixStore *store, FdnixObjects *objects, FdnixEmbedder *embedder,
                 const FdnixEmbedRunOptions *options, GError **error)
{
  g_autofree gchar *suffix = NULL;
  g_autofree gchar *run_id = NULL;
  g_autoptr(FdnixBatchSink) sink = NULL;
  g_autoptr(FdnixEmbedPool) pool = NULL;
  g_autoptr(GError) embed_error = NULL;
  FdnixSummary *summary = fdnix_summary_get_default ();
  gboolean sharded = options->shard_count > 0;

  /* the summary always has these, so consumers need not test for them */
  for (const gchar *const *name = (const gchar *const[]) { "embedded", "requests", "files_written",
         "files_compacted", "vectors_moved", "files_deleted", "records_unmarked", "index_written", NULL };
       *name != NULL; name++)
    fdnix_count (*name, 0);
  if (options->shard_count > 0)
    suffix = g_strdup_printf ("s%uof%u", options->shard_index, options->shard_count);
  run_id = fdnix_vector_new_run_id (suffix);
  fdnix_summary_set_info (summary, "run_id", run_id);
  fdnix_summary_set_info (summary, "model", fdnix_embedder_get_model (embedder));
  g_message ("run %s: %s, %s, model %s", run_id, fdnix_store_describe (store),
             fdnix_objects_describe (objects), fdnix_embedder_get_model (embedder));
  sink = fdnix_batch_sink_new (store, objects, run_id, fdnix_embedder_get_model (embedder),
                               fdnix_embedder_get_dimension (embedder), options->vectors_per_file);
  pool = new_pool (embedder, options);

  if (!options->index_only &&
      !embed_pending (store, embedder, pool, sink, options, sharded, &embed_error))
    {
      /* Only a cap lets the run go on to the index: what was embedded is
       * consistent and worth publishing; anything else leaves the previous
       * index in place. */
      if (!fdnix_embed_pool_cap_reached (pool) || sharded)
        {
          g_propagate_error (error, g_steal_pointer (&embed_error));
          return FALSE;
        }
    }
  if (sharded)
    return TRUE;

  for (guint round = 1; ; round++)
    {
      FdnixSnapshotResult result = { 0 };
      gboolean ok;

      fdnix_summary_phase_begin (summary, "index");
      ok = fdnix_snapshot_update (store, objects, fdnix_embedder_get_info (embedder), sink, run_id,
                                  options->vectors_per_file, options->keep_superseded, &options->floor,
                                  &options->bundle, &result, error);
      fdnix_summary_phase_end (summary, "index");
      if (!ok)
        return FALSE;
      if (result.converged)
        {
          g_message ("index: %" G_GUINT64_FORMAT " files, %" G_GUINT64_FORMAT " vectors (%"
                     G_GUINT64_FORMAT " files compacted, %" G_GUINT64_FORMAT " deleted)",
                     result.files_listed, result.total_vectors, result.files_compacted,
                     result.files_deleted);
          break;
        }
      if (embed_error != NULL)
        break;  /* a cap: nothing more may be embedded */
      if (round >= MAX_INDEX_ROUNDS)
        {
          g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_FAILED,
                       "the vector index did not settle after %u rounds: are records being "
                       "changed by another program?", round);
          return FALSE;
        }
      if (!embed_pending (store, embedder, pool, sink, options, FALSE, &embed_error) &&
          !fdnix_embed_pool_cap_reached (pool))
        {
          g_propagate_error (error, g_steal_pointer (&embed_error));
          return FALSE;
        }
    }
  if (embed_error != NULL)
    {
      g_propagate_prefixed_error (error, g_steal_pointer (&embed_error),
                                  "some packages are not embedded yet: ");
      return FALSE;
    }
  return TRUE;
}
