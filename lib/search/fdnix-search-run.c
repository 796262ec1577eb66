/* fdnix-search-run.c: the query loop of fdnix-search. */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/resource.h>

#include "core/fdnix-error.h"
#include "embed/fdnix-embedder-factory.h"
#include "vectors/fdnix-objects.h"
#include "net/fdnix-retry.h"
#include "search/fdnix-search-load.h"
#include "search/fdnix-search-output.h"
#include "search/fdnix-search-run.h"
#include "search/fdnix-searcher.h"
#include "store/fdnix-dynamodb-store.h"
#include "store/fdnix-store-factory.h"

static gint64
peak_rss_kb (void)
{
  struct rusage usage;

  if (getrusage (RUSAGE_SELF, &usage) != 0)
    return 0;
  return usage.ru_maxrss;  /* kilobytes on Linux */
}

static gchar *
read_stdin (GError **error)
{
  g_autoptr(GString) in = g_string_new (NULL);
  gchar buf[4096];
  gsize n;

  while ((n = fread (buf, 1, sizeof buf, stdin)) > 0)
    g_string_append_len (in, buf, n);
  if (ferror (stdin))
    {
      g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_IO, "standard input: %s", g_strerror (errno));
      return NULL;
    }
  return g_string_free (g_steal_pointer (&in), FALSE);
}

/**
 * fdnix_search_read_queries:
 * @path: a file of queries, "-" for standard input
 * @error: return location for FDNIX_ERROR_IO
 *
 * One query per line; blank lines and lines starting with '#' are skipped,
 * and each query is stripped of surrounding white space.
 *
 * Returns: (transfer full) (element-type utf8): the queries
 */
GPtrArray *
fdnix_search_read_queries (const gchar *path, GError **error)
{
  g_autoptr(GPtrArray) queries = g_ptr_array_new_with_free_func (g_free);
  g_autofree gchar *contents = NULL;
  g_auto(GStrv) lines = NULL;

  if (g_strcmp0 (path, "-") == 0)
    contents = read_stdin (error);
  else
    {
      g_autoptr(GError) local_error = NULL;

      if (!g_file_get_contents (path, &contents, NULL, &local_error))
        g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_IO, "--queries: %s", local_error->message);
    }
  if (contents == NULL)
    return NULL;
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_strstrip (lines[i]);
      if (*lines[i] != '\0' && *lines[i] != '#')
        g_ptr_array_add (queries, g_strdup (lines[i]));
    }
  return g_steal_pointer (&queries);
}

static gint
compare_doubles (gconstpointer a, gconstpointer b)
{
  gdouble x = *(const gdouble *) a, y = *(const gdouble *) b;

  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * fdnix_latency_stats:
 * @milliseconds: (element-type gdouble): latencies; sorted in place
 * @out_stats: (out): the median (the mean of the middle two for an even
 *   count), the 90th and 99th percentiles (nearest rank) and the maximum
 *
 * Returns: FALSE when @milliseconds is empty.
 */
gboolean
fdnix_latency_stats (GArray *milliseconds, FdnixLatencyStats *out_stats)
{
  guint n = milliseconds->len;
  const gdouble *v;

  if (n == 0)
    return FALSE;
  g_array_sort (milliseconds, compare_doubles);
  v = (const gdouble *) milliseconds->data;
  out_stats->median = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  /* nearest rank: the smallest value with at least 90% at or below it */
  out_stats->p90 = v[(n * 9 + 9) / 10 - 1];
  out_stats->p99 = v[(n * 99 + 99) / 100 - 1];
  out_stats->max = v[n - 1];
  return TRUE;
}

static void
count_load (FdnixSummary *summary, const FdnixSearchLoadStats *stats, FdnixSearchIndex *index,
            FdnixEmbedder *embedder, gdouble load_seconds)
{
  fdnix_summary_add (summary, "packages", (gint64) stats->packages);
  fdnix_summary_add (summary, "vectors", (gint64) stats->vectors);
  fdnix_summary_add (summary, "files", (gint64) stats->files);
  fdnix_summary_add (summary, "bytes_read", (gint64) stats->bytes);
  fdnix_summary_add (summary, "from_bundle", stats->from_bundle ? 1 : 0);
  fdnix_summary_add (summary, "vectors_without_record", (gint64) stats->vectors_without_record);
  fdnix_summary_add (summary, "vectors_other_version", (gint64) stats->vectors_other_version);
  fdnix_summary_add (summary, "memory_kb.index", (gint64) (fdnix_search_index_get_memory_size (index) / 1024));
  fdnix_summary_add (summary, "memory_kb.peak_rss_after_load", peak_rss_kb ());
  fdnix_summary_add (summary, "latency_us.load", (gint64) (load_seconds * 1e6));
  fdnix_summary_set_info (summary, "model", fdnix_embedder_get_model (embedder));
  g_info ("loaded %" G_GUINT64_FORMAT " packages (%" G_GUINT64_FORMAT " vectors of %u dimensions, %"
          G_GUINT64_FORMAT " files checked, %.1f MB held) in %.2f s; peak RSS %.1f MB",
          stats->packages, stats->vectors, fdnix_search_index_get_dimension (index), stats->files,
          fdnix_search_index_get_memory_size (index) / 1048576.0, load_seconds, peak_rss_kb () / 1024.0);
}

static void
count_queries (FdnixSummary *summary, guint queries, guint64 results, guint64 unanswered, GArray *latencies)
{
  FdnixLatencyStats stats;

  fdnix_summary_add (summary, "queries", queries);
  fdnix_summary_add (summary, "results", (gint64) results);
  fdnix_summary_add (summary, "queries_without_results", (gint64) unanswered);
  fdnix_summary_add (summary, "memory_kb.peak_rss", peak_rss_kb ());
  if (!fdnix_latency_stats (latencies, &stats))
    return;
  fdnix_summary_add (summary, "latency_us.query_median", (gint64) (1000 * stats.median));
  fdnix_summary_add (summary, "latency_us.query_p90", (gint64) (1000 * stats.p90));
  fdnix_summary_add (summary, "latency_us.query_p99", (gint64) (1000 * stats.p99));
  fdnix_summary_add (summary, "latency_us.query_max", (gint64) (1000 * stats.max));
}

/* One query's results, formatted as the options ask. */
static void
format_hits (GString *out, FdnixSearchIndex *index, const gchar *query, guint position, GArray *hits,
             const FdnixSearchRunOptions *options)
{
  if (options->json)
    {
      for (guint k = 0; k < hits->len; k++)
        fdnix_search_append_json (out, index, query, k + 1,
                                  &g_array_index (hits, FdnixSearchHit, k), options->explain);
      return;
    }
  if (options->batch)
    g_string_append_printf (out, "%s== %s\n", position > 0 ? "\n" : "", query);
  if (hits->len > 0)
    fdnix_search_append_table (out, index, hits, options->explain, options->width);
  else if (options->batch)
    g_string_append (out, "(no package matches)\n");
}

typedef struct {
  FdnixConfig *config;
  FdnixStore  *store;   /* opened before the load, or NULL */
} Opened;

static FdnixStore *
open_store (gpointer user_data, GError **error)
{
  Opened *opened = user_data;

  if (opened->store != NULL)
    return g_object_ref (opened->store);
  return fdnix_store_new_from_config (opened->config, FDNIX_STORE_READ_ONLY, error);
}

/**
 * fdnix_search_run:
 * @config: a configuration with the search and embed settings
 * @queries: (element-type utf8): the queries
 * @options: output format
 * @summary: receives the load and query figures
 * @out: where results are written
 * @error: return location for an error
 *
 * Loads the snapshot fdnix-embed wrote (the table only when the snapshot has
 * no search bundle) with the embedder it used, then answers
 * every query.  A single query that matches nothing is a failure
 * (FDNIX_ERROR_NOT_FOUND); in a batch it is counted.
 *
 * Returns: TRUE when every query was answered and written.
 */
gboolean
fdnix_search_run (FdnixConfig *config, GPtrArray *queries, const FdnixSearchRunOptions *options,
                  FdnixSummary *summary, FILE *out, GError **error)
{
  FdnixSearchOptions search_options = { 0 };
  FdnixRetryOptions retry;
  FdnixSearchLoadStats stats = { 0 };
  g_autoptr(FdnixEmbedder) embedder = NULL;
  g_autoptr(FdnixObjects) objects = NULL;
  g_autoptr(FdnixSearcher) searcher = NULL;
  g_autoptr(GArray) latencies = g_array_new (FALSE, FALSE, sizeof (gdouble));
  g_autoptr(GError) load_error = NULL;
  Opened opened = { NULL, NULL };
  g_autoptr(FdnixStore) store = NULL;
  FdnixSearchIndex *index;
  gint64 start;
  guint64 results = 0, unanswered = 0;
  gboolean dynamodb = FALSE;

  if (!fdnix_retry_options_load (&retry, config, error) ||
      (embedder = fdnix_embedder_new_from_config (config, error)) == NULL ||
      !fdnix_search_options_from_config (config, embedder, &search_options, error))
    return FALSE;
  /* the vector ranks are shown only by --explain */
  search_options.skip_idle_vector_ranks = !options->explain;
  /* A SQLite table is opened (not read) first, as before the search
   * bundle: a mistyped --database or data directory is an error, and it
   * costs nothing.  DynamoDB is opened (a DescribeTable request) only for
   * a snapshot without a bundle, so a search sends it nothing. */
  if (!fdnix_dynamodb_store_is_configured (config, &dynamodb, error))
    return FALSE;
  if (!dynamodb && (store = fdnix_store_new_from_config (config, FDNIX_STORE_READ_ONLY, error)) == NULL)
    return FALSE;
  opened.config = config;
  opened.store = store;
  if ((objects = fdnix_objects_new_from_config (config, error)) == NULL)
    return FALSE;

  start = g_get_monotonic_time ();
  fdnix_summary_phase_begin (summary, "load");
  index = fdnix_search_load_snapshot (open_store, &opened, objects, embedder, &stats, &load_error);
  fdnix_summary_phase_end (summary, "load");
  if (index == NULL)
    {
      /* no snapshot, and no DynamoDB table either: the first step is
       * missing, say so */
      if (store == NULL && g_error_matches (load_error, FDNIX_ERROR, FDNIX_ERROR_NOT_FOUND))
        {
          g_autoptr(FdnixStore) table = fdnix_store_new_from_config (config, FDNIX_STORE_READ_ONLY, error);

          if (table == NULL)
            return FALSE;
        }
      g_propagate_error (error, g_steal_pointer (&load_error));
      return FALSE;
    }
  count_load (summary, &stats, index, embedder, (g_get_monotonic_time () - start) / 1e6);
  searcher = fdnix_searcher_new (index, embedder, retry.max_attempts);

  for (guint i = 0; i < queries->len; i++)
    {
      const gchar *query = queries->pdata[i];
      g_autoptr(GArray) hits = NULL;
      g_autoptr(GString) text = g_string_new (NULL);
      gint64 query_start = g_get_monotonic_time ();
      gdouble ms;

      fdnix_summary_phase_begin (summary, "query");
      hits = fdnix_searcher_search (searcher, query, &search_options, error);
      fdnix_summary_phase_end (summary, "query");
      if (hits == NULL)
        {
          g_prefix_error (error, "'%s': ", query);
          return FALSE;
        }
      ms = (g_get_monotonic_time () - query_start) / 1e3;
      g_array_append_val (latencies, ms);
      results += hits->len;
      if (hits->len == 0)
        unanswered++;
      format_hits (text, index, query, i, hits, options);
      if (fwrite (text->str, 1, text->len, out) != text->len)
        {
          g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_IO, "write error on standard output: %s",
                       g_strerror (errno));
          return FALSE;
        }
    }
  count_queries (summary, queries->len, results, unanswered, latencies);
  if (!options->batch && unanswered > 0)
    {
      g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_NOT_FOUND, "no package matches '%s'",
                   (const gchar *) queries->pdata[0]);
      return FALSE;
    }
  return TRUE;
}
