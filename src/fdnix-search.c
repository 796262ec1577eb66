/* fdnix-search: search the package table and its vectors.
 *
 * store + objects + embedder (the same settings as fdnix-embed) → a
 * checked, compact in-memory index → each query embedded and ranked.
 * Everything here is wiring; the parts live in lib/search/.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include "core/fdnix-error.h"
#include "core/fdnix-program.h"
#include "embed/fdnix-embedder.h"
#include "embed/fdnix-objects.h"
#include "net/fdnix-retry.h"
#include "search/fdnix-search-load.h"
#include "search/fdnix-search-output.h"
#include "search/fdnix-searcher.h"
#include "store/fdnix-store-factory.h"

static gboolean opt_json;
static gboolean opt_explain;
static gchar *opt_queries;

static const GOptionEntry search_entries[] = {
  { "json", 0, 0, G_OPTION_ARG_NONE, &opt_json,
    "Print JSON lines (one object per result) instead of a table", NULL },
  { "explain", 0, 0, G_OPTION_ARG_NONE, &opt_explain,
    "Show how each score was made (name match and cosine)", NULL },
  { "queries", 0, 0, G_OPTION_ARG_FILENAME, &opt_queries,
    "Answer every line of FILE as a query (- for standard input), loading once", "FILE" },
  { NULL }
};

static const gchar description[] =
  "Loads the package table and the vector snapshot fdnix-embed wrote (checking\n"
  "every batch file's size, sha256, vector count and dimension against\n"
  "vector-index/index.json.gz), embeds the query with the same embedder, and\n"
  "ranks packages: an exact attribute path first, then exact names (pname, main\n"
  "program, last attribute segment), then prefixes, near misspellings and\n"
  "cosine similarity.  The words of QUERY are one query.\n"
  "\n"
  "Settings are fdnix-embed's: the SQLite table and a directory under the data\n"
  "directory by default; DYNAMODB_TABLE, S3_BUCKET and BEDROCK_MODEL_ID select\n"
  "DynamoDB, S3 and Bedrock.  See fdnix-search(1) and fdnix.conf(5).\n"
  "\n"
  "Exit status: 0 results printed, 1 failed (or no package matched a single\n"
  "query), 2 usage error.";

static guint
terminal_width (void)
{
  struct winsize ws;
  const gchar *columns = g_getenv ("COLUMNS");

  if (!isatty (STDOUT_FILENO))
    return 0;
  if (ioctl (STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
    return ws.ws_col;
  if (columns != NULL && atoi (columns) > 0)
    return (guint) atoi (columns);
  return 80;
}

static gint64
peak_rss_kb (void)
{
  struct rusage usage;

  if (getrusage (RUSAGE_SELF, &usage) != 0)
    return 0;
  return usage.ru_maxrss;  /* kilobytes on Linux */
}

/* Queries of a --queries file: one per line, '#' comments and blank lines
 * skipped. */
static GPtrArray *
read_queries (const gchar *path, GError **error)
{
  g_autoptr(GPtrArray) queries = g_ptr_array_new_with_free_func (g_free);
  g_autofree gchar *contents = NULL;
  g_auto(GStrv) lines = NULL;
  gsize length;

  if (g_strcmp0 (path, "-") == 0)
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
      contents = g_string_free (g_steal_pointer (&in), FALSE);
    }
  else
    {
      g_autoptr(GError) local_error = NULL;

      if (!g_file_get_contents (path, &contents, &length, &local_error))
        {
          g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_IO, "--queries: %s", local_error->message);
          return NULL;
        }
    }
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

static void
count_latencies (FdnixSummary *summary, GArray *ms)
{
  if (ms->len == 0)
    return;
  g_array_sort (ms, compare_doubles);
  fdnix_summary_add (summary, "latency_us.query_median",
                     (gint64) (1000 * (ms->len % 2 ? g_array_index (ms, gdouble, ms->len / 2)
                                       : (g_array_index (ms, gdouble, ms->len / 2 - 1) +
                                          g_array_index (ms, gdouble, ms->len / 2)) / 2)));
  fdnix_summary_add (summary, "latency_us.query_p90",
                     (gint64) (1000 * g_array_index (ms, gdouble, (ms->len * 9) / 10 - (ms->len * 9 % 10 == 0 ? 1 : 0))));
  fdnix_summary_add (summary, "latency_us.query_max", (gint64) (1000 * g_array_index (ms, gdouble, ms->len - 1)));
}

static gboolean
run (FdnixProgram *program, GPtrArray *queries, gboolean batch, GError **error)
{
  FdnixConfig *config = fdnix_program_get_config (program);
  FdnixSummary *summary = fdnix_program_get_summary (program);
  FdnixSearchOptions options = { 0 };
  FdnixRetryOptions retry;
  FdnixSearchLoadStats stats = { 0 };
  g_autoptr(FdnixEmbedder) embedder = NULL;
  g_autoptr(FdnixObjects) objects = NULL;
  g_autoptr(FdnixStore) store = NULL;
  g_autoptr(FdnixSearcher) searcher = NULL;
  g_autoptr(GArray) latencies = g_array_new (FALSE, FALSE, sizeof (gdouble));
  FdnixSearchIndex *index;
  guint width = opt_json ? 0 : terminal_width ();
  gint64 start;
  gdouble load_seconds;
  guint64 results = 0, unanswered = 0;

  if (!fdnix_search_options_from_config (config, &options, error) ||
      !fdnix_retry_options_load (&retry, config, error))
    return FALSE;
  embedder = fdnix_embedder_new_from_config (config, error);
  if (embedder == NULL)
    return FALSE;
  store = fdnix_store_new_from_config (config, FDNIX_STORE_READ_ONLY, error);
  if (store == NULL)
    return FALSE;
  objects = fdnix_objects_new_from_config (config, error);
  if (objects == NULL)
    return FALSE;

  start = g_get_monotonic_time ();
  fdnix_summary_phase_begin (summary, "load");
  index = fdnix_search_load (store, objects, embedder, &stats, error);
  fdnix_summary_phase_end (summary, "load");
  if (index == NULL)
    return FALSE;
  load_seconds = (g_get_monotonic_time () - start) / 1e6;
  fdnix_summary_add (summary, "packages", (gint64) stats.packages);
  fdnix_summary_add (summary, "vectors", (gint64) stats.vectors);
  fdnix_summary_add (summary, "files", (gint64) stats.files);
  fdnix_summary_add (summary, "bytes_read", (gint64) stats.bytes);
  fdnix_summary_add (summary, "vectors_without_record", (gint64) stats.vectors_without_record);
  fdnix_summary_add (summary, "vectors_other_version", (gint64) stats.vectors_other_version);
  fdnix_summary_add (summary, "memory_kb.index", (gint64) (fdnix_search_index_get_memory_size (index) / 1024));
  fdnix_summary_add (summary, "memory_kb.peak_rss_after_load", peak_rss_kb ());
  fdnix_summary_add (summary, "latency_us.load", (gint64) (load_seconds * 1e6));
  fdnix_summary_set_info (summary, "model", fdnix_embedder_get_model (embedder));
  g_info ("loaded %" G_GUINT64_FORMAT " packages (%" G_GUINT64_FORMAT " vectors of %u dimensions, %"
          G_GUINT64_FORMAT " files checked, %.1f MB held) in %.2f s; peak RSS %.1f MB",
          stats.packages, stats.vectors, fdnix_search_index_get_dimension (index), stats.files,
          fdnix_search_index_get_memory_size (index) / 1048576.0, load_seconds, peak_rss_kb () / 1024.0);
  searcher = fdnix_searcher_new (index, embedder, retry.max_attempts);

  for (guint i = 0; i < queries->len; i++)
    {
      const gchar *query = queries->pdata[i];
      g_autoptr(GArray) hits = NULL;
      g_autoptr(GString) out = g_string_new (NULL);
      gint64 query_start = g_get_monotonic_time ();
      gdouble ms;

      fdnix_summary_phase_begin (summary, "query");
      hits = fdnix_searcher_search (searcher, query, &options, error);
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
      if (opt_json)
        for (guint k = 0; k < hits->len; k++)
          fdnix_search_append_json (out, index, query, k + 1,
                                    &g_array_index (hits, FdnixSearchHit, k), opt_explain);
      else
        {
          if (batch)
            g_string_append_printf (out, "%s== %s\n", i > 0 ? "\n" : "", query);
          if (hits->len > 0)
            fdnix_search_append_table (out, index, hits, opt_explain, width);
          else if (batch)
            g_string_append (out, "(no package matches)\n");
        }
      if (fwrite (out->str, 1, out->len, stdout) != out->len)
        {
          g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_IO, "write error on standard output: %s",
                       g_strerror (errno));
          return FALSE;
        }
    }
  fdnix_summary_add (summary, "queries", queries->len);
  fdnix_summary_add (summary, "results", (gint64) results);
  fdnix_summary_add (summary, "queries_without_results", (gint64) unanswered);
  fdnix_summary_add (summary, "memory_kb.peak_rss", peak_rss_kb ());
  count_latencies (summary, latencies);
  if (!batch && unanswered > 0)
    {
      g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_NOT_FOUND, "no package matches '%s'",
                   (const gchar *) queries->pdata[0]);
      return FALSE;
    }
  return TRUE;
}

int
main (int argc, char **argv)
{
  g_autoptr(FdnixProgram) program = fdnix_program_new ("fdnix-search", "QUERY...",
                                                       "Search the fdnix package table by name and meaning.");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) queries = NULL;
  gint status;

  fdnix_program_set_description (program, description);
  fdnix_program_add_entries (program, search_entries);
  fdnix_program_add_settings (program, fdnix_search_settings, TRUE);
  fdnix_embed_add_settings (program);
  status = fdnix_program_parse (program, &argc, &argv);
  if (status != FDNIX_PROGRAM_CONTINUE)
    return status;

  if (opt_queries != NULL)
    {
      if (argc > 1)
        return fdnix_program_usage_error (program, "give a QUERY or --queries, not both");
      queries = read_queries (opt_queries, &error);
      if (queries == NULL)
        return fdnix_program_finish (program, error);
    }
  else
    {
      g_autoptr(GString) query = g_string_new (NULL);

      for (gint i = 1; i < argc; i++)
        {
          if (query->len > 0)
            g_string_append_c (query, ' ');
          g_string_append (query, argv[i]);
        }
      g_strstrip (query->str);
      query->len = strlen (query->str);
      if (query->len == 0)
        return fdnix_program_usage_error (program, "no query given");
      queries = g_ptr_array_new_with_free_func (g_free);
      g_ptr_array_add (queries, g_string_free (g_steal_pointer (&query), FALSE));
    }
  run (program, queries, opt_queries != NULL, &error);
  g_free (opt_queries);
  return fdnix_program_finish (program, error);
}
