/* fdnix-search: search the package table and its vectors.
 *
 * Options and wiring only: the run is fdnix_search_run() in lib/search.
 */
#include "config.h"

#include <string.h>

#include "core/fdnix-program.h"
#include "embed/fdnix-embedder-factory.h"
#include "net/fdnix-retry.h"
#include "search/fdnix-search-output.h"
#include "search/fdnix-search-run.h"
#include "search/fdnix-searcher.h"
#include "serve/fdnix-serve.h"

static gboolean opt_json;
static gboolean opt_explain;
static gchar *opt_queries;
static gboolean opt_serve;

static const GOptionEntry search_entries[] = {
  { "json", 0, 0, G_OPTION_ARG_NONE, &opt_json,
    "Print JSON lines (one object per result) instead of a table", NULL },
  { "explain", 0, 0, G_OPTION_ARG_NONE, &opt_explain,
    "Show how each score was made (name match and cosine)", NULL },
  { "queries", 0, 0, G_OPTION_ARG_FILENAME, &opt_queries,
    "Answer every line of FILE as a query (- for standard input), loading once", "FILE" },
  { "serve", 0, 0, G_OPTION_ARG_NONE, &opt_serve,
    "Answer searches over HTTP (an API and a web page) until stopped; see --listen", NULL },
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
  "With --serve, answers GET /v1/search, /v1/packages/ATTRIBUTE.PATH, /healthz,\n"
  "/metrics and a search page at / on --listen (127.0.0.1:8080), reloading the\n"
  "snapshot when fdnix-embed publishes a new one.\n"
  "\n"
  "Exit status: 0 results printed (--serve: stopped by a signal), 1 failed (or no package matched a single\n"
  "query), 2 usage error.";

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
  /* a query's embedding attempts (fdnix_embed_add_settings() has [retry]
   * for the AWS clients already: a key is registered once) */
  fdnix_program_add_settings (program, fdnix_retry_settings, TRUE);
  fdnix_program_add_settings (program, fdnix_serve_settings, TRUE);
  status = fdnix_program_parse (program, &argc, &argv);
  if (status != FDNIX_PROGRAM_CONTINUE)
    return status;

  if (opt_serve)
    {
      if (argc > 1 || opt_queries != NULL)
        return fdnix_program_usage_error (program, "--serve takes no QUERY and no --queries");
      fdnix_serve_run (fdnix_program_get_config (program), &error);
      return fdnix_program_finish (program, error);
    }
  if (opt_queries != NULL)
    {
      if (argc > 1)
        return fdnix_program_usage_error (program, "give a QUERY or --queries, not both");
      queries = fdnix_search_read_queries (opt_queries, &error);
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
  {
    FdnixSearchRunOptions options = { opt_json, opt_explain, opt_queries != NULL,
                                      opt_json ? 0 : fdnix_search_terminal_width () };

    fdnix_search_run (fdnix_program_get_config (program), queries, &options,
                      fdnix_program_get_summary (program), stdout, &error);
  }
  g_free (opt_queries);
  return fdnix_program_finish (program, error);
}
