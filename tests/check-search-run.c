/* check-search-run: the parts of fdnix-search's run that are not ranking:
 * reading a queries file and the latency figures of the summary. */
#include "config.h"

#include <string.h>

#include "core/fdnix-error.h"
#include "search/fdnix-search-run.h"
#include "fdnix-test.h"

typedef struct {
  const gchar *text;
  const gchar *expected;   /* the queries joined with '|' */
} QueriesCase;

static const QueriesCase queries_cases[] = {
  { "ripgrep\n", "ripgrep" },
  { "ripgrep", "ripgrep" },
  { "  terminal file manager  \n\n# a comment\npdf to text\n", "terminal file manager|pdf to text" },
  { "\r\nrg\r\n", "rg" },
  { "# only comments\n\n   \n", "" },
  { "", "" },
  { "a # not a comment here\n  # indented comment\n", "a # not a comment here" },
};

START_TEST (test_read_queries)
{
  const QueriesCase *c = &queries_cases[_i];
  g_autofree gchar *dir = fdnix_test_mkdtemp ();
  g_autofree gchar *path = g_build_filename (dir, "queries.txt", NULL);
  g_autoptr(GPtrArray) queries = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree gchar *joined = NULL;

  ck_assert (g_file_set_contents (path, c->text, -1, NULL));
  queries = fdnix_search_read_queries (path, &error);
  ck_assert_msg (queries != NULL, "%s", error != NULL ? error->message : "");
  g_ptr_array_add (queries, NULL);
  joined = g_strjoinv ("|", (gchar **) queries->pdata);
  ck_assert_str_eq (joined, c->expected);
  fdnix_test_rmtree (dir);
}
END_TEST

START_TEST (test_read_queries_missing_file)
{
  g_autoptr(GPtrArray) queries = NULL;
  g_autoptr(GError) error = NULL;

  queries = fdnix_search_read_queries ("/nonexistent/queries.txt", &error);
  ck_assert_ptr_null (queries);
  ck_assert (g_error_matches (error, FDNIX_ERROR, FDNIX_ERROR_IO));
  ck_assert_msg (g_str_has_prefix (error->message, "--queries: ") &&
                 strstr (error->message, "/nonexistent/queries.txt") != NULL, "%s", error->message);
}
END_TEST

typedef struct {
  gdouble values[12];
  guint   n;
  gdouble median, p90, max, p99;
} LatencyCase;

static const LatencyCase latency_cases[] = {
  { { 5 }, 1, 5, 5, 5, 5 },
  { { 9, 1 }, 2, 5, 9, 9, 9 },
  { { 3, 1, 2 }, 3, 2, 3, 3, 3 },
  /* ten values: the 90th percentile is the ninth, the 99th the tenth */
  { { 10, 9, 8, 7, 6, 5, 4, 3, 2, 1 }, 10, 5.5, 9, 10, 10 },
  /* eleven: ceil(9.9) = the tenth; ceil(10.89) = the eleventh */
  { { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 100 }, 11, 6, 10, 100, 100 },
  { { 2, 2, 2, 2 }, 4, 2, 2, 2, 2 },
};

START_TEST (test_latency_stats)
{
  const LatencyCase *c = &latency_cases[_i];
  g_autoptr(GArray) ms = g_array_new (FALSE, FALSE, sizeof (gdouble));
  FdnixLatencyStats stats;

  g_array_append_vals (ms, c->values, c->n);
  ck_assert (fdnix_latency_stats (ms, &stats));
  ck_assert_double_eq (stats.median, c->median);
  ck_assert_double_eq (stats.p90, c->p90);
  ck_assert_double_eq (stats.max, c->max);
  ck_assert_double_eq (stats.p99, c->p99);
}
END_TEST

START_TEST (test_latency_stats_empty)
{
  g_autoptr(GArray) ms = g_array_new (FALSE, FALSE, sizeof (gdouble));
  FdnixLatencyStats stats;

  ck_assert (!fdnix_latency_stats (ms, &stats));
}
END_TEST

static Suite *
search_run_suite (void)
{
  Suite *s = suite_create ("search-run");
  TCase *tc = tcase_create ("search-run");

  tcase_add_loop_test (tc, test_read_queries, 0, G_N_ELEMENTS (queries_cases));
  tcase_add_test (tc, test_read_queries_missing_file);
  tcase_add_loop_test (tc, test_latency_stats, 0, G_N_ELEMENTS (latency_cases));
  tcase_add_test (tc, test_latency_stats_empty);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  return fdnix_test_run (search_run_suite ());
}
