/* fdnix-searcher.c: embed a query, rank the index. */
#include "config.h"

#include <string.h>

#include "core/fdnix-error.h"
#include "embed/fdnix-embed-pool.h"
#include "embed/fdnix-embedder-offline.h"
#include "search/fdnix-searcher.h"

const FdnixSetting fdnix_search_settings[] = {
  { "search.limit", FDNIX_SETTING_INT, "10", "FDNIX_SEARCH_LIMIT", "limit", 'n', "N",
    "Show at most N packages per query",
    FDNIX_RANGE (1, 100000) },
  { "search.min-score", FDNIX_SETTING_DOUBLE, "0.1", "FDNIX_SEARCH_MIN_SCORE", "min-score", 0, "S",
    "Leave out packages scoring below S (0 to 10; see --explain)",
    FDNIX_RANGE (0, 10) },
  { "search.fusion", FDNIX_SETTING_STRING, "hybrid", "FDNIX_SEARCH_FUSION", "fusion", 0, "MODE",
    "What orders packages after names: hybrid (keywords and vectors), keyword or vector" },
  { "search.vector-weight", FDNIX_SETTING_DOUBLE, NULL, "FDNIX_SEARCH_VECTOR_WEIGHT", "vector-weight", 0, "W",
    "Weight of the vector ranking against the keyword ranking's 1 in hybrid mode, 0 to 10 "
    "(default: 1, or 0 with the offline embedder)",
    FDNIX_RANGE (0, 10) },
  { "search.license", FDNIX_SETTING_STRING, NULL, "FDNIX_SEARCH_LICENSE", "license", 0, "LICENSE",
    "Show only packages under LICENSE: free, unfree, or a license's SPDX id or nixpkgs short name" },
  { "search.platform", FDNIX_SETTING_STRING, NULL, "FDNIX_SEARCH_PLATFORM", "platform", 0, "SYSTEM",
    "Show only packages that build for SYSTEM (e.g. aarch64-darwin)" },
  { "search.set", FDNIX_SETTING_STRING, NULL, "FDNIX_SEARCH_SET", "set", 0, "PREFIX",
    "Show only packages of the package set PREFIX (e.g. python313Packages)" },
  { "search.include-broken", FDNIX_SETTING_BOOL, "false", "FDNIX_SEARCH_INCLUDE_BROKEN", "include-broken", 0, NULL,
    "Show broken packages too (after the others)" },
  FDNIX_SETTING_END
};

struct _FdnixSearcher {
  FdnixSearchIndex *index;
  FdnixEmbedder    *embedder;   /* nullable: rank by name alone */
  FdnixEmbedPool   *pool;       /* services only, made on first use */
  guint             max_attempts;
};

/**
 * fdnix_search_options_from_config:
 * @config: a configuration with fdnix_search_settings registered
 * @embedder: (nullable): the embedder of the snapshot, which sets the
 *   default vector weight
 * @out_options: (out caller-allocates): limit, floor and fusion weights
 * @error: return location for FDNIX_ERROR_USAGE
 *
 * Returns: TRUE when the settings are valid.
 */
gboolean
fdnix_search_options_from_config (FdnixConfig *config, FdnixEmbedder *embedder,
                                  FdnixSearchOptions *out_options, GError **error)
{
  const gchar *fusion;

  if (!fdnix_config_require (config, fdnix_search_settings, G_STRFUNC, error))
    return FALSE;
  /* ranges: checked when the values were set (the settings table) */
  fusion = fdnix_config_get_string (config, "search.fusion");
  out_options->filter.license = fdnix_config_get_string (config, "search.license");
  out_options->filter.platform = fdnix_config_get_string (config, "search.platform");
  out_options->filter.set = fdnix_config_get_string (config, "search.set");
  out_options->filter.include_broken = fdnix_config_get_bool (config, "search.include-broken");
  out_options->limit = (guint) fdnix_config_get_int (config, "search.limit");
  out_options->min_score = (gfloat) fdnix_config_get_double (config, "search.min-score");
  /* a negative weight leaves that list out */
  if (g_strcmp0 (fusion, "hybrid") == 0)
    {
      out_options->keyword_weight = 1;
      /* the offline embedder's vectors are lexical: the keywords already
       * have what they know (bench/relevance, tuning half) */
      if (fdnix_config_is_set (config, "search.vector-weight"))
        out_options->vector_weight = (gfloat) fdnix_config_get_double (config, "search.vector-weight");
      else
        out_options->vector_weight = embedder != NULL && FDNIX_IS_EMBEDDER_OFFLINE (embedder) ? 0 : 1;
    }
  else if (g_strcmp0 (fusion, "keyword") == 0)
    out_options->keyword_weight = 1, out_options->vector_weight = -1;
  else if (g_strcmp0 (fusion, "vector") == 0)
    out_options->keyword_weight = -1, out_options->vector_weight = 1;
  else
    {
      g_autofree gchar *origin = fdnix_config_describe_source (config, "search.fusion");
      g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_USAGE,
                   "%s: '%s' is not hybrid, keyword or vector", origin, fusion);
      return FALSE;
    }
  return TRUE;
}

/**
 * fdnix_searcher_new:
 * @index: (transfer full): a loaded index
 * @embedder: (nullable): the embedder the index was made with
 * @max_attempts: attempts per embedding request to a service
 *
 * Returns: (transfer full): a searcher.
 */
FdnixSearcher *
fdnix_searcher_new (FdnixSearchIndex *index, FdnixEmbedder *embedder, guint max_attempts)
{
  FdnixSearcher *self = g_new0 (FdnixSearcher, 1);

  self->index = index;
  self->embedder = embedder != NULL ? g_object_ref (embedder) : NULL;
  self->max_attempts = MAX (max_attempts, 1);
  return self;
}

/**
 * fdnix_searcher_free:
 * @self: (transfer full) (nullable): a searcher
 */
void
fdnix_searcher_free (FdnixSearcher *self)
{
  if (self == NULL)
    return;
  fdnix_embed_pool_free (self->pool);
  g_clear_object (&self->embedder);
  fdnix_search_index_free (self->index);
  g_free (self);
}

/**
 * fdnix_searcher_get_index:
 * @self: a searcher
 *
 * Returns: (transfer none): its index.
 */
const FdnixSearchIndex *
fdnix_searcher_get_index (FdnixSearcher *self)
{
  return self->index;
}

static gboolean
embed_through_pool (FdnixSearcher *self, GPtrArray *texts, gfloat *out, GError **error)
{
  g_autoptr(FdnixEmbedJob) job = fdnix_embed_job_new (NULL, NULL);
  guint dimension = fdnix_embedder_get_dimension (self->embedder);

  if (self->pool == NULL)
    {
      FdnixEmbedPoolOptions options;

      fdnix_embed_pool_options_init (&options);
      options.concurrency = 1;
      options.max_attempts = self->max_attempts;
      options.input_type = FDNIX_INPUT_QUERY;
      self->pool = fdnix_embed_pool_new (self->embedder, &options);
    }
  for (guint i = 0; i < texts->len; i++)
    g_ptr_array_add (job->texts, g_strdup (texts->pdata[i]));
  fdnix_embed_pool_submit (self->pool, g_steal_pointer (&job));
  job = fdnix_embed_pool_next (self->pool);
  if (job->error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&job->error));
      return FALSE;
    }
  memcpy (out, job->vectors, sizeof (gfloat) * dimension * texts->len);
  return TRUE;
}

/**
 * fdnix_searcher_embed:
 * @self: a searcher with an embedder
 * @queries: (array length=n_queries): query texts
 * @n_queries: how many
 * @out_vectors: (out caller-allocates) (array): n_queries × dimension
 * @error: return location for an error
 *
 * Embeds queries as queries, in requests of the embedder's batch size.
 *
 * Returns: TRUE on success.
 */
gboolean
fdnix_searcher_embed (FdnixSearcher *self, const gchar * const *queries, guint n_queries,
                      gfloat *out_vectors, GError **error)
{
  guint dimension, max_batch, max_chars;
  gboolean local;

  g_return_val_if_fail (self->embedder != NULL, FALSE);
  dimension = fdnix_embedder_get_dimension (self->embedder);
  max_batch = MAX (fdnix_embedder_get_max_batch (self->embedder), 1);
  max_chars = fdnix_embedder_get_max_chars (self->embedder);
  local = g_strcmp0 (fdnix_embedder_get_service (self->embedder), "offline") == 0;
  for (guint start = 0; start < n_queries; start += max_batch)
    {
      guint n = MIN (max_batch, n_queries - start);
      g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
      gfloat *out = out_vectors + (gsize) start * dimension;

      for (guint i = 0; i < n; i++)
        g_ptr_array_add (texts, fdnix_embed_text_cap (queries[start + i], max_chars));
      if (local)
        {
          if (!fdnix_embedder_embed (self->embedder, (const gchar * const *) texts->pdata, n,
                                     FDNIX_INPUT_QUERY, out, NULL, error))
            return FALSE;
        }
      else if (!embed_through_pool (self, texts, out, error))
        return FALSE;
    }
  return TRUE;
}

/**
 * fdnix_searcher_search:
 * @self: a searcher
 * @query: what the user typed
 * @options: limit and floor
 * @error: return location for an error (embedding failed)
 *
 * Returns: (transfer full) (element-type FdnixSearchHit): the best
 *   packages, best first (possibly none), or NULL on error.
 */
GArray *
fdnix_searcher_search (FdnixSearcher *self, const gchar *query, const FdnixSearchOptions *options,
                       GError **error)
{
  g_autoptr(FdnixSearchQuery) q = fdnix_search_query_new (query);
  g_autofree gfloat *vector = NULL;

  if (self->embedder != NULL && fdnix_search_index_get_n_vectors (self->index) > 0)
    {
      vector = g_new0 (gfloat, fdnix_embedder_get_dimension (self->embedder));
      if (!fdnix_searcher_embed (self, &query, 1, vector, error))
        {
          g_prefix_error (error, "embedding the query: ");
          return NULL;
        }
    }
  return fdnix_search_rank (self->index, q, vector, options);
}
