/* check-serve: the pure parts of fdnix-search --serve: query-string
 * decoding and caps, HTML escaping and safe links, the server-rendered
 * page with hostile package texts, the API's JSON, and the metrics text. */
#include "config.h"

#include <string.h>
#include <json-glib/json-glib.h>

#include "core/fdnix-error.h"
#include "serve/fdnix-serve.h"
#include "serve/fdnix-serve-cache.h"
#include "serve/fdnix-serve-html.h"
#include "serve/fdnix-serve-limits.h"
#include "serve/fdnix-serve-metrics.h"
#include "serve/fdnix-serve-params.h"
#include "serve/fdnix-serve-result.h"
#include "fdnix-test.h"

typedef struct {
  const gchar *encoded;
  const gchar *decoded;  /* NULL: refused */
} DecodeCase;

static const DecodeCase decode_cases[] = {
  { "ripgrep", "ripgrep" },
  { "sound+editor", "sound editor" },
  { "a%20b%2Bc", "a b+c" },
  { "%C3%A9t%C3%A9", "été" },
  { "%e2%82%AC", "€" },
  { "", "" },
  { "100%", NULL },            /* '%' at the end */
  { "%4", NULL },              /* one hex digit */
  { "%zz", NULL },             /* not hex */
  { "%00", NULL },             /* NUL */
  { "a%0Ab", NULL },           /* a control character */
  { "%7F", NULL },
  { "%C3", NULL },             /* a cut UTF-8 sequence */
  { "%FF%FE", NULL },          /* not UTF-8 */
  { "%C0%AF", NULL },          /* overlong */
  { "%ED%A0%80", NULL },       /* a surrogate */
};

START_TEST (test_decode)
{
  const DecodeCase *c = &decode_cases[_i];
  g_autoptr(GError) error = NULL;
  g_autofree gchar *decoded = fdnix_serve_decode_component (c->encoded, -1, TRUE, &error);

  if (c->decoded == NULL)
    {
      ck_assert_msg (decoded == NULL, "'%s' decoded to '%s'", c->encoded, decoded);
      ck_assert (g_error_matches (error, FDNIX_ERROR, FDNIX_ERROR_INVALID_DATA));
    }
  else
    {
      ck_assert_msg (decoded != NULL, "'%s': %s", c->encoded, error != NULL ? error->message : "?");
      ck_assert_str_eq (decoded, c->decoded);
    }
}
END_TEST

START_TEST (test_decode_path_keeps_plus)
{
  g_autofree gchar *decoded = fdnix_serve_decode_component ("gtk+%2B", -1, FALSE, NULL);

  ck_assert_str_eq (decoded, "gtk++");
}
END_TEST

typedef struct {
  const gchar *query;
  const gchar *error;     /* a part of the message, or NULL for valid */
  const gchar *q;
  guint        limit;
  guint        offset;
  const gchar *license;
  const gchar *platform;
  const gchar *set;
  gboolean     include_broken;
  gboolean     explain;
} ParamsCase;

static const ParamsCase params_cases[] = {
  { "q=rg", NULL, "rg", FDNIX_SERVE_DEFAULT_LIMIT, 0, NULL, NULL, NULL, FALSE, FALSE },
  { NULL, NULL, "", FDNIX_SERVE_DEFAULT_LIMIT, 0, NULL, NULL, NULL, FALSE, FALSE },
  { "q=+sound+editor+&limit=5&offset=10", NULL, "sound editor", 5, 10, NULL, NULL, NULL, FALSE, FALSE },
  { "q=x&license=free&platform=aarch64-darwin&set=python313Packages&include_broken=1&explain=true",
    NULL, "x", FDNIX_SERVE_DEFAULT_LIMIT, 0, "free", "aarch64-darwin", "python313Packages", TRUE, TRUE },
  { "q=x&license=&platform=&set=&include_broken=0", NULL, "x", FDNIX_SERVE_DEFAULT_LIMIT, 0, NULL, NULL, NULL, FALSE, FALSE },
  { "q=a&q=b", NULL, "b", FDNIX_SERVE_DEFAULT_LIMIT, 0, NULL, NULL, NULL, FALSE, FALSE },
  { "q=x&unknown=1&&", NULL, "x", FDNIX_SERVE_DEFAULT_LIMIT, 0, NULL, NULL, NULL, FALSE, FALSE },
  { "q=x&limit=100&offset=1000", NULL, "x", 100, 1000, NULL, NULL, NULL, FALSE, FALSE },
  { "q=x&limit=101", "limit: at most 100" },
  { "q=x&limit=99999999999999999999999", "limit: at most 100" },
  { "q=x&limit=0", "limit: at least 1" },
  { "q=x&limit=-1", "limit: not a number" },
  { "q=x&limit=1e3", "limit: not a number" },
  { "q=x&offset=1001", "offset: at most 1000" },
  { "q=x&include_broken=maybe", "include_broken: not" },
  { "q=%FF", "not UTF-8" },
  { "q=%", "hex digits" },
  { "q=a%00b", "control character" },
};

START_TEST (test_params)
{
  const ParamsCase *c = &params_cases[_i];
  FdnixServeParams p;
  g_autoptr(GError) error = NULL;
  gboolean ok = fdnix_serve_params_parse (c->query, &p, &error);

  if (c->error != NULL)
    {
      ck_assert_msg (!ok, "'%s' was accepted", c->query);
      ck_assert_msg (strstr (error->message, c->error) != NULL, "'%s': '%s' does not say '%s'", c->query,
                     error->message, c->error);
    }
  else
    {
      ck_assert_msg (ok, "'%s': %s", c->query, error != NULL ? error->message : "?");
      ck_assert_str_eq (p.q, c->q);
      ck_assert_uint_eq (p.limit, c->limit);
      ck_assert_uint_eq (p.offset, c->offset);
      ck_assert_pstr_eq (p.license, c->license);
      ck_assert_pstr_eq (p.platform, c->platform);
      ck_assert_pstr_eq (p.set, c->set);
      ck_assert_int_eq (p.include_broken, c->include_broken);
      ck_assert_int_eq (p.explain, c->explain);
    }
  fdnix_serve_params_clear (&p);
}
END_TEST

START_TEST (test_params_caps)
{
  g_autoptr(GString) query = g_string_new ("q=");
  g_autoptr(GError) error = NULL;
  FdnixServeParams p;

  /* q at its cap passes, one byte more does not */
  for (guint i = 0; i < FDNIX_SERVE_MAX_QUERY; i++)
    g_string_append_c (query, 'a');
  ck_assert (fdnix_serve_params_parse (query->str, &p, NULL));
  fdnix_serve_params_clear (&p);
  g_string_append_c (query, 'a');
  ck_assert (!fdnix_serve_params_parse (query->str, &p, &error));
  ck_assert (strstr (error->message, "q: longer than") != NULL);
  fdnix_serve_params_clear (&p);
  g_clear_error (&error);
  /* the whole query string, and the number of parameters */
  g_string_assign (query, "q=x&pad=");
  for (guint i = 0; i < FDNIX_SERVE_MAX_QUERY_STRING; i++)
    g_string_append_c (query, 'a');
  ck_assert (!fdnix_serve_params_parse (query->str, &p, &error));
  ck_assert (strstr (error->message, "query string is longer") != NULL);
  fdnix_serve_params_clear (&p);
  g_clear_error (&error);
  g_string_assign (query, "q=x");
  for (guint i = 0; i < FDNIX_SERVE_MAX_PARAMS; i++)
    g_string_append_printf (query, "&p%u=1", i);
  ck_assert (!fdnix_serve_params_parse (query->str, &p, &error));
  ck_assert (strstr (error->message, "parameters") != NULL);
  fdnix_serve_params_clear (&p);
}
END_TEST

START_TEST (test_encode)
{
  g_autoptr(GString) out = g_string_new (NULL);

  fdnix_serve_append_encoded (out, "a b&c=d/é<");
  ck_assert_str_eq (out->str, "a%20b%26c%3Dd%2F%C3%A9%3C");
}
END_TEST

typedef struct {
  const gchar *text;
  const gchar *escaped;
} EscapeCase;

static const EscapeCase escape_cases[] = {
  { "plain", "plain" },
  { "<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;" },
  { "\"><img src=x onerror=alert(1)>", "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" },
  { "a & b 'c'", "a &amp; b &#39;c&#39;" },
  { "&amp;", "&amp;amp;" },
  { "", "" },
};

START_TEST (test_escape)
{
  g_autoptr(GString) out = g_string_new (NULL);

  fdnix_html_append_escaped (out, escape_cases[_i].text);
  ck_assert_str_eq (out->str, escape_cases[_i].escaped);
}
END_TEST

typedef struct {
  const gchar *url;
  gboolean     web;
} UrlCase;

static const UrlCase url_cases[] = {
  { "https://example.org", TRUE },
  { "http://example.org/a?b=c", TRUE },
  { "HTTPS://EXAMPLE.ORG/", TRUE },
  { "javascript:alert(1)", FALSE },
  { "JavaScript:alert(1)", FALSE },
  { " javascript:alert(1)", FALSE },
  { "data:text/html,<script>alert(1)</script>", FALSE },
  { "//example.org", FALSE },
  { "https://", FALSE },
  { "https:///path", FALSE },
  { "https://exa mple.org", FALSE },
  { "https://example.org/\n", FALSE },
  { "ftp://example.org", FALSE },
  { "", FALSE },
  { NULL, FALSE },
};

START_TEST (test_web_url)
{
  ck_assert_msg (fdnix_serve_is_web_url (url_cases[_i].url) == url_cases[_i].web, "%s", url_cases[_i].url);
}
END_TEST

static const EscapeCase source_cases[] = {
  { "pkgs/by-name/rg/ripgrep/package.nix:42", FDNIX_SERVE_SOURCE_BASE "pkgs/by-name/rg/ripgrep/package.nix#L42" },
  { "pkgs/development/libraries/gtk+/default.nix", FDNIX_SERVE_SOURCE_BASE "pkgs/development/libraries/gtk+/default.nix" },
  { "pkgs/../../etc/passwd:1", NULL },
  { "/nix/store/abc-source/pkgs/x.nix:1", NULL },
  { "pkgs/a.nix:1\"><script>", NULL },
  { "pkgs/a.nix:x", NULL },
  { "pkgs/a.nix:", NULL },
  { "javascript:alert(1)", NULL },
  { "pkgs//a.nix", NULL },
  { "", NULL },
  { NULL, NULL },
};

START_TEST (test_source_url)
{
  g_autofree gchar *url = fdnix_serve_source_url (source_cases[_i].text);

  ck_assert_pstr_eq (url, source_cases[_i].escaped);
}
END_TEST

static FdnixServeResult
hostile_result (void)
{
  FdnixServeResult r;

  memset (&r, 0, sizeof r);
  r.attribute_path = "evil\"><b>";
  r.version = "1<2";
  r.pname = "evil";
  r.main_program = "<i>prog</i>";
  r.description = "<script>window.pwned=1</script>\"><img src=x onerror=window.pwned=1>";
  r.homepage = "javascript:window.pwned=1";
  r.position = "pkgs/a.nix:1\"onmouseover=\"x";
  r.licenses = "MIT mit <b>";
  r.platforms = "x86_64-linux";
  r.alternatives[0] = "<u>alt</u>";
  r.n_alternatives = 1;
  r.broken = TRUE;
  return r;
}

START_TEST (test_result_html)
{
  FdnixServeResult r = hostile_result ();
  g_autoptr(GString) out = g_string_new (NULL);

  fdnix_serve_append_result_html (out, &r, 0);
  /* nothing of the package's texts is markup */
  ck_assert_msg (strstr (out->str, "<script") == NULL, "%s", out->str);
  ck_assert (strstr (out->str, "<img") == NULL);
  ck_assert (strstr (out->str, "<b>") == NULL);
  ck_assert (strstr (out->str, "<i>") == NULL);
  ck_assert (strstr (out->str, "<u>") == NULL);
  ck_assert (strstr (out->str, "javascript:") == NULL);
  ck_assert (strstr (out->str, "onmouseover=\"") == NULL);
  ck_assert (strstr (out->str, "&lt;script&gt;window.pwned=1&lt;/script&gt;&quot;&gt;&lt;img") != NULL);
  ck_assert (strstr (out->str, "class=\"homepage\"") == NULL);
  ck_assert (strstr (out->str, "class=\"source\"") == NULL);
  ck_assert (strstr (out->str, "href=\"/v1/packages/evil&quot;&gt;&lt;b&gt;\"") != NULL);
  ck_assert (strstr (out->str, "MIT &lt;b&gt;") != NULL);  /* "mit" repeats "MIT" */
  ck_assert (strstr (out->str, ">broken<") != NULL);
  /* a web homepage and a plain position are linked */
  r.homepage = "https://example.org/?a=1&b=2";
  r.position = "pkgs/by-name/ev/evil/package.nix:7";
  g_string_truncate (out, 0);
  fdnix_serve_append_result_html (out, &r, 3);
  ck_assert (strstr (out->str, "id=\"result-3\"") != NULL);
  ck_assert (strstr (out->str, "href=\"https://example.org/?a=1&amp;b=2\">homepage</a>") != NULL);
  ck_assert (strstr (out->str, "href=\"" FDNIX_SERVE_SOURCE_BASE "pkgs/by-name/ev/evil/package.nix#L7\">source</a>") != NULL);
}
END_TEST

START_TEST (test_page)
{
  FdnixServeResult r = hostile_result ();
  FdnixServeParams p = { 0 };
  g_autofree gchar *page = NULL;
  const gchar *tmpl = "<input value=\"@Q@\"><input value=\"@SET@\"><input @BROKEN@>"
                      "<select>@LICENSES@</select><select>@PLATFORMS@</select>"
                      "<p>@STATUS@</p><ol>@RESULTS@</ol>@NEXT@ a@b.org @@ @UNKNOWN@";

  p.q = (gchar *) "\"><script>alert(1)</script>";
  p.set = (gchar *) "py\"thon";
  p.license = (gchar *) "<evil>";
  p.platform = (gchar *) "aarch64-darwin";
  p.include_broken = TRUE;
  p.limit = 20;
  page = fdnix_serve_render_page (tmpl, &p, &r, 1, TRUE, "<status>");
  ck_assert_msg (strstr (page, "<script") == NULL, "%s", page);
  ck_assert (strstr (page, "value=\"&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;\"") != NULL);
  ck_assert (strstr (page, "value=\"py&quot;thon\"") != NULL);
  ck_assert (strstr (page, "<input checked>") != NULL);
  ck_assert (strstr (page, "<option selected value=\"&lt;evil&gt;\">&lt;evil&gt;</option>") != NULL);
  ck_assert (strstr (page, "<option value=\"aarch64-darwin\" selected>") != NULL);
  ck_assert (strstr (page, "<p>&lt;status&gt;</p>") != NULL);
  ck_assert (strstr (page, "id=\"result-0\"") != NULL);
  /* the next page keeps the query and filters, encoded, then escaped */
  ck_assert_msg (strstr (page, "href=\"/search?q=%22%3E%3Cscript%3Ealert%281%29%3C%2Fscript%3E&amp;license=%3Cevil%3E"
                               "&amp;platform=aarch64-darwin&amp;set=py%22thon&amp;include_broken=1&amp;limit=20&amp;offset=20\"")
                 != NULL, "%s", page);
  /* text that is not a slot stays */
  ck_assert (strstr (page, " a@b.org @@ @UNKNOWN@") != NULL);
  g_free (page);
  page = fdnix_serve_render_page ("@RESULTS@@NEXT@", &p, NULL, 0, FALSE, NULL);
  ck_assert_str_eq (page, "");
}
END_TEST

START_TEST (test_json)
{
  FdnixServeResult r = hostile_result ();
  FdnixServeParams p = { 0 };
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *o, *first;

  p.q = (gchar *) "q\"\\";
  p.limit = 1;
  r.has_hit = TRUE;
  r.hit.score = 2.5f;
  r.hit.kind = FDNIX_MATCH_EXACT_NAME;
  fdnix_serve_append_search_json (out, &p, &r, 1, TRUE, FALSE, 1.25, "run-1");
  ck_assert_msg (json_parser_load_from_data (parser, out->str, -1, &error), "%s: %s", out->str,
                 error != NULL ? error->message : "?");
  o = json_node_get_object (json_parser_get_root (parser));
  ck_assert_str_eq (json_object_get_string_member (o, "query"), "q\"\\");
  ck_assert (json_object_get_boolean_member (o, "more"));
  ck_assert_str_eq (json_object_get_string_member (o, "snapshot"), "run-1");
  first = json_array_get_object_element (json_object_get_array_member (o, "results"), 0);
  ck_assert_str_eq (json_object_get_string_member (first, "attributePath"), "evil\"><b>");
  ck_assert_str_eq (json_object_get_string_member (first, "description"), r.description);
  ck_assert_str_eq (json_object_get_string_member (first, "match"), "exact-name");
  ck_assert_uint_eq (json_array_get_length (json_object_get_array_member (first, "license")), 2);
  ck_assert (!json_object_has_member (first, "explain"));
}
END_TEST

START_TEST (test_metrics)
{
  g_autoptr(FdnixServeMetrics) m = fdnix_serve_metrics_new ();
  g_autoptr(GString) out = g_string_new (NULL);
  FdnixServeGauges gauges = { TRUE, 120.5, 3, 45, 2 };

  fdnix_serve_metrics_observe (m, FDNIX_ROUTE_SEARCH, 200, 0.002);
  fdnix_serve_metrics_observe (m, FDNIX_ROUTE_SEARCH, 200, 0.02);
  fdnix_serve_metrics_observe (m, FDNIX_ROUTE_SEARCH, 503, 20);
  fdnix_serve_metrics_observe (m, FDNIX_ROUTE_OTHER, 404, 0);
  fdnix_serve_metrics_observe (m, FDNIX_ROUTE_OTHER, 42, 0);  /* out of range: 599 */
  fdnix_serve_metrics_count_reload (m, TRUE);
  fdnix_serve_metrics_count_reload (m, FALSE);
  fdnix_serve_metrics_count_reload (m, FALSE);
  ck_assert_uint_eq (fdnix_serve_metrics_get_count (m, FDNIX_ROUTE_SEARCH, 200), 2);
  fdnix_serve_metrics_append_text (m, &gauges, out);
#define HAS(line) ck_assert_msg (strstr (out->str, line "\n") != NULL, "no line '%s' in:\n%s", line, out->str)
  HAS ("# TYPE fdnix_http_requests_total counter");
  HAS ("fdnix_http_requests_total{route=\"search\",status=\"200\"} 2");
  HAS ("fdnix_http_requests_total{route=\"search\",status=\"503\"} 1");
  HAS ("fdnix_http_requests_total{route=\"other\",status=\"404\"} 1");
  HAS ("fdnix_http_requests_total{route=\"other\",status=\"599\"} 1");
  HAS ("# TYPE fdnix_http_request_duration_seconds histogram");
  HAS ("fdnix_http_request_duration_seconds_bucket{route=\"search\",le=\"0.001\"} 0");
  HAS ("fdnix_http_request_duration_seconds_bucket{route=\"search\",le=\"0.0025\"} 1");
  HAS ("fdnix_http_request_duration_seconds_bucket{route=\"search\",le=\"0.025\"} 2");
  HAS ("fdnix_http_request_duration_seconds_bucket{route=\"search\",le=\"10\"} 2");
  HAS ("fdnix_http_request_duration_seconds_bucket{route=\"search\",le=\"+Inf\"} 3");
  HAS ("fdnix_http_request_duration_seconds_sum{route=\"search\"} 20.022");
  HAS ("fdnix_http_request_duration_seconds_count{route=\"search\"} 3");
  HAS ("fdnix_snapshot_reloads_total 1");
  HAS ("fdnix_snapshot_reloads_refused_total 2");
  HAS ("fdnix_snapshot_age_seconds 120.5");
  HAS ("fdnix_snapshot_packages 45");
  HAS ("fdnix_http_requests_in_flight 2");
  HAS ("fdnix_snapshot_loaded 1");
#undef HAS
  /* no snapshot: no age */
  g_string_truncate (out, 0);
  gauges.loaded = FALSE;
  fdnix_serve_metrics_append_text (m, &gauges, out);
  ck_assert (strstr (out->str, "fdnix_snapshot_loaded 0\n") != NULL);
  ck_assert (strstr (out->str, "fdnix_snapshot_age_seconds") == NULL);
}
END_TEST

static GArray *
ranking (guint n)
{
  GArray *hits = g_array_new (FALSE, TRUE, sizeof (FdnixSearchHit));

  g_array_set_size (hits, n);
  return hits;
}

START_TEST (test_cache)
{
  g_autoptr(FdnixServeCache) cache = fdnix_serve_cache_new (2);
  g_autoptr(FdnixServeCache) none = fdnix_serve_cache_new (0);
  g_autofree gchar *a = fdnix_serve_cache_key ("rg", NULL, NULL, NULL, FALSE);
  g_autofree gchar *b = fdnix_serve_cache_key ("rg", "free", NULL, NULL, FALSE);
  g_autofree gchar *c = fdnix_serve_cache_key ("rg", NULL, NULL, NULL, TRUE);
  g_autoptr(GArray) full = ranking (21);
  g_autoptr(GArray) all = ranking (3);
  GArray *got;
  guint64 hits, misses;
  guint entries;

  /* filters make other keys */
  ck_assert_str_ne (a, b);
  ck_assert_str_ne (a, c);
  ck_assert (fdnix_serve_cache_lookup (cache, a, 21) == NULL);
  fdnix_serve_cache_insert (cache, a, full, 21);
  /* 21 hits of 21 asked: covers 21 or fewer, not more */
  ck_assert (fdnix_serve_cache_contains (cache, a, 21));
  ck_assert (!fdnix_serve_cache_contains (cache, a, 22));
  ck_assert (!fdnix_serve_cache_contains (cache, b, 1));
  got = fdnix_serve_cache_lookup (cache, a, 11);
  ck_assert (got == full);
  g_array_unref (got);
  ck_assert (fdnix_serve_cache_lookup (cache, a, 41) == NULL);
  /* 3 hits of 21 asked: there were no more, so any request is covered */
  fdnix_serve_cache_insert (cache, b, all, 21);
  got = fdnix_serve_cache_lookup (cache, b, 1000);
  ck_assert (got == all);
  g_array_unref (got);
  /* the least recently used goes first: a was used before b */
  fdnix_serve_cache_insert (cache, c, full, 21);
  ck_assert (fdnix_serve_cache_lookup (cache, a, 1) == NULL);
  got = fdnix_serve_cache_lookup (cache, b, 1);
  ck_assert (got != NULL);
  g_array_unref (got);
  fdnix_serve_cache_get_counts (cache, &hits, &misses, &entries);
  ck_assert_uint_eq (hits, 3);
  ck_assert_uint_eq (misses, 3);
  ck_assert_uint_eq (entries, 2);
  /* a cache of 0 keeps nothing */
  fdnix_serve_cache_insert (none, a, full, 21);
  ck_assert (fdnix_serve_cache_lookup (none, a, 1) == NULL);
}
END_TEST

typedef struct {
  const gchar *text;
  const gchar *host;  /* NULL: refused */
  guint        port;
} ListenCase;

static const ListenCase listen_cases[] = {
  { "127.0.0.1:8080", "127.0.0.1", 8080 },
  { "0.0.0.0:0", "0.0.0.0", 0 },
  { "[::1]:9000", "::1", 9000 },
  { "localhost:8080", NULL, 0 },
  { "127.0.0.1", NULL, 0 },
  { "127.0.0.1:", NULL, 0 },
  { "127.0.0.1:65536", NULL, 0 },
  { "127.0.0.1:-1", NULL, 0 },
  { "127.0.0.1:80x", NULL, 0 },
  { ":8080", NULL, 0 },
};

START_TEST (test_listen)
{
  const ListenCase *c = &listen_cases[_i];
  g_autofree gchar *host = NULL;
  g_autoptr(GError) error = NULL;
  guint port = 1;
  gboolean ok = fdnix_serve_parse_listen (c->text, &host, &port, &error);

  ck_assert_msg (ok == (c->host != NULL), "%s", c->text);
  if (ok)
    {
      ck_assert_str_eq (host, c->host);
      ck_assert_uint_eq (port, c->port);
    }
  else
    ck_assert (g_error_matches (error, FDNIX_ERROR, FDNIX_ERROR_USAGE));
}
END_TEST

static Suite *
serve_suite (void)
{
  Suite *s = suite_create ("serve");
  TCase *tc = tcase_create ("serve");

  tcase_add_loop_test (tc, test_decode, 0, G_N_ELEMENTS (decode_cases));
  tcase_add_test (tc, test_decode_path_keeps_plus);
  tcase_add_loop_test (tc, test_params, 0, G_N_ELEMENTS (params_cases));
  tcase_add_test (tc, test_params_caps);
  tcase_add_test (tc, test_encode);
  tcase_add_loop_test (tc, test_escape, 0, G_N_ELEMENTS (escape_cases));
  tcase_add_loop_test (tc, test_web_url, 0, G_N_ELEMENTS (url_cases));
  tcase_add_loop_test (tc, test_source_url, 0, G_N_ELEMENTS (source_cases));
  tcase_add_test (tc, test_result_html);
  tcase_add_test (tc, test_page);
  tcase_add_test (tc, test_json);
  tcase_add_test (tc, test_metrics);
  tcase_add_test (tc, test_cache);
  tcase_add_loop_test (tc, test_listen, 0, G_N_ELEMENTS (listen_cases));
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  return fdnix_test_run (serve_suite ());
}
