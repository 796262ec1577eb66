/* fdnix-serve.c: the HTTP server: routes, workers, limits. */
#include "config.h"

#include <string.h>
#include <glib-unix.h>
#include <libsoup/soup.h>

#include "core/fdnix-error.h"
#include "core/fdnix-json.h"
#include "embed/fdnix-embedder-factory.h"
#include "net/fdnix-retry.h"
#include "search/fdnix-searcher.h"
#include "serve/fdnix-serve.h"
#include "serve/fdnix-serve-html.h"
#include "serve/fdnix-serve-limits.h"
#include "serve/fdnix-serve-metrics.h"
#include "serve/fdnix-serve-params.h"
#include "serve/fdnix-serve-result.h"
#include "serve/fdnix-serve-snapshot.h"
#include "vectors/fdnix-objects.h"

const FdnixSetting fdnix_serve_settings[] = {
  { "serve.listen", FDNIX_SETTING_STRING, "127.0.0.1:8080", "FDNIX_SERVE_LISTEN", "listen", 0, "ADDR:PORT",
    "With --serve, listen on ADDR:PORT (an IP address; [::1]:8080 for IPv6)" },
  { "serve.threads", FDNIX_SETTING_INT, "0", "FDNIX_SERVE_THREADS", "threads", 0, "N",
    "With --serve, answer searches on N threads (0: one per processor)",
    FDNIX_RANGE (0, 256) },
  { "serve.max-in-flight", FDNIX_SETTING_INT, "64", "FDNIX_SERVE_MAX_IN_FLIGHT", "max-in-flight", 0, "N",
    "With --serve, answer 503 to searches beyond N in flight",
    FDNIX_RANGE (1, 100000) },
  { "serve.request-timeout", FDNIX_SETTING_DOUBLE, "10", "FDNIX_SERVE_REQUEST_TIMEOUT", "request-timeout", 0, "S",
    "With --serve, answer 503 to a search not done in S seconds, and close a connection whose "
    "request has not arrived in S seconds",
    FDNIX_RANGE (0.1, 3600) },
  { "serve.cache-entries", FDNIX_SETTING_INT, "4096", "FDNIX_SERVE_CACHE_ENTRIES", "cache-entries", 0, "N",
    "With --serve, keep the rankings of the N most recent distinct searches (0: none)",
    FDNIX_RANGE (0, 1000000) },
  { "serve.reload-interval", FDNIX_SETTING_DOUBLE, "10", "FDNIX_SERVE_RELOAD_INTERVAL", "reload-interval", 0, "S",
    "With --serve, look for a new snapshot every S seconds (0: never)",
    FDNIX_RANGE (0, 86400) },
  FDNIX_SETTING_END
};

/* data/web, compiled by glib-compile-resources (lib/serve/local.mk) */
void fdnix_web_register_resource (void);

/* Every answer: nothing inline, nothing from another origin, no framing. */
#define CSP "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; " \
            "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

typedef struct {
  SoupServer         *server;
  FdnixConfig        *config;
  FdnixServeHolder   *holder;
  FdnixServeMetrics  *metrics;
  FdnixSearchOptions  defaults;      /* fusion and floor from the settings */
  GThreadPool        *pool;
  GMainContext       *context;
  gchar              *page;          /* data/web/index.html */
  gint                in_flight;     /* atomic */
  guint               max_in_flight;
  gdouble             timeout;
} Serve;

typedef struct {
  gint                ref_count;
  Serve              *serve;
  SoupServerMessage  *msg;
  FdnixServeSnapshot *snapshot;
  FdnixServeParams    params;
  gboolean            html;
  gint64              start;
  gint64              deadline;
  gint                answered;     /* atomic: the first of worker and timer wins */
  GSource            *timer;
  guint               status;
  const gchar        *content_type;
  GString            *body;
} Job;

static Job *
job_ref (Job *job)
{
  g_atomic_int_inc (&job->ref_count);
  return job;
}

static void
job_unref (Job *job)
{
  if (!g_atomic_int_dec_and_test (&job->ref_count))
    return;
  g_object_unref (job->msg);
  fdnix_serve_snapshot_unref (job->snapshot);
  fdnix_serve_params_clear (&job->params);
  if (job->timer != NULL)
    {
      g_source_destroy (job->timer);
      g_source_unref (job->timer);
    }
  if (job->body != NULL)
    g_string_free (job->body, TRUE);
  g_free (job);
}

static void
set_common_headers (SoupServerMessage *msg)
{
  SoupMessageHeaders *h = soup_server_message_get_response_headers (msg);

  soup_message_headers_replace (h, "Content-Security-Policy", CSP);
  soup_message_headers_replace (h, "X-Content-Type-Options", "nosniff");
  soup_message_headers_replace (h, "Referrer-Policy", "no-referrer");
  soup_message_headers_replace (h, "X-Frame-Options", "DENY");
}

/* Sets the answer and counts it; the body is copied. */
static void
respond (Serve *self, SoupServerMessage *msg, FdnixRoute route, gint64 start, guint status,
         const gchar *content_type, const gchar *body, gsize length)
{
  SoupMessageHeaders *h = soup_server_message_get_response_headers (msg);

  set_common_headers (msg);
  if (soup_message_headers_get_one (h, "Cache-Control") == NULL)
    soup_message_headers_replace (h, "Cache-Control", "no-store");
  /* every 503 says when to come back (a route may have set a longer wait) */
  if (status == 503 && soup_message_headers_get_one (h, "Retry-After") == NULL)
    soup_message_headers_replace (h, "Retry-After", "1");
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, content_type, SOUP_MEMORY_COPY, body, length);
  fdnix_serve_metrics_observe (self->metrics, route, status, (g_get_monotonic_time () - start) / 1e6);
}

static void
respond_error (Serve *self, SoupServerMessage *msg, FdnixRoute route, gint64 start, guint status,
               const gchar *message, gboolean html)
{
  g_autoptr(GString) body = g_string_new (NULL);

  if (html)
    {
      g_string_append_printf (body, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                              "<title>%u</title></head><body><p>", status);
      fdnix_html_append_escaped (body, message);
      g_string_append (body, "</p></body></html>\n");
      respond (self, msg, route, start, status, "text/html; charset=utf-8", body->str, body->len);
      return;
    }
  fdnix_serve_append_error_json (body, status, message);
  respond (self, msg, route, start, status, "application/json", body->str, body->len);
}

/* ---------------------------------------------------------------- searches */

/* The request's options over the settings' defaults. */
static void
job_options (Job *job, FdnixSearchOptions *out_options)
{
  *out_options = job->serve->defaults;
  out_options->limit = job->params.offset + job->params.limit + 1;  /* one more: is there a next page? */
  out_options->filter.license = job->params.license;
  out_options->filter.platform = job->params.platform;
  out_options->filter.set = job->params.set;
  out_options->filter.include_broken = job->params.include_broken;
}

/* Runs on a worker (or on the main loop for a cached ranking): the
 * search, and the answer's body. */
static void
run_job (Job *job)
{
  Serve *self = job->serve;
  const FdnixSearchIndex *index = fdnix_serve_snapshot_get_index (job->snapshot);
  FdnixSearchOptions options;
  g_autoptr(GArray) hits = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree FdnixServeResult *results = NULL;
  guint n = 0;
  gboolean more, cached = FALSE;
  gint64 start = g_get_monotonic_time ();

  job_options (job, &options);
  if (*job->params.q != '\0')
    {
      hits = fdnix_serve_snapshot_search (job->snapshot, job->params.q, &options, job->params.explain, &cached,
                                          &error);
      if (hits == NULL)
        {
          g_warning ("search '%s': %s", job->params.q, error->message);
          job->status = 503;
          job->body = g_string_new (NULL);
          if (job->html)
            job->content_type = "text/html; charset=utf-8",
            g_string_append (job->body, "<!DOCTYPE html><title>503</title><p>The search failed; try again.</p>\n");
          else
            job->content_type = "application/json",
            fdnix_serve_append_error_json (job->body, 503, "the search failed; try again");
          return;
        }
      fdnix_serve_metrics_count_cache (self->metrics, cached);
    }
  more = hits != NULL && hits->len > job->params.offset + job->params.limit;
  if (hits != NULL && hits->len > job->params.offset)
    n = MIN (hits->len - job->params.offset, job->params.limit);
  results = g_new0 (FdnixServeResult, MAX (n, 1));
  for (guint i = 0; i < n; i++)
    {
      const FdnixSearchHit *hit = &g_array_index (hits, FdnixSearchHit, job->params.offset + i);

      fdnix_serve_result_init (&results[i], index, hit->entry, hit, job->params.explain);
    }
  job->status = 200;
  if (job->html)
    {
      g_autofree gchar *message = NULL;
      g_autofree gchar *page = NULL;

      if (*job->params.q != '\0')
        message = n == 0 ? g_strdup ("No package matches.")
                         : g_strdup_printf ("Results %u to %u.", job->params.offset + 1, job->params.offset + n);
      page = fdnix_serve_render_page (self->page, &job->params, *job->params.q != '\0' ? results : NULL, n, more,
                                      message);
      job->content_type = "text/html; charset=utf-8";
      job->body = g_string_new (page);
    }
  else
    {
      job->content_type = "application/json";
      job->body = g_string_sized_new (1024 * (n + 1));
      fdnix_serve_append_search_json (job->body, &job->params, results, n, more, cached,
                                      (g_get_monotonic_time () - start) / 1e3,
                                      fdnix_serve_snapshot_get_run_id (job->snapshot));
    }
  for (guint i = 0; i < n; i++)
    fdnix_serve_result_clear (&results[i]);
}

/* On the main loop: the worker's answer, unless the timer answered first. */
static gboolean
finish_job (gpointer user_data)
{
  Job *job = user_data;

  if (g_atomic_int_compare_and_exchange (&job->answered, 0, 1))
    {
      respond (job->serve, job->msg, job->html ? FDNIX_ROUTE_PAGE : FDNIX_ROUTE_SEARCH, job->start, job->status,
               job->content_type, job->body->str, job->body->len);
      soup_server_message_unpause (job->msg);
    }
  /* the timer's reference goes now, not when it would have fired */
  g_source_destroy (job->timer);
  return G_SOURCE_REMOVE;
}

static void
worker (gpointer data, gpointer user_data)
{
  Job *job = data;
  Serve *self = user_data;

  /* a request that waited past its deadline is not worth the work */
  if (g_get_monotonic_time () < job->deadline && g_atomic_int_get (&job->answered) == 0)
    run_job (job);
  g_atomic_int_dec_and_test (&self->in_flight);
  if (job->body != NULL)
    g_main_context_invoke_full (self->context, G_PRIORITY_DEFAULT, finish_job, job, (GDestroyNotify) job_unref);
  else
    job_unref (job);
}

static gboolean
on_job_timeout (gpointer user_data)
{
  Job *job = user_data;

  if (g_atomic_int_compare_and_exchange (&job->answered, 0, 1))
    {
      respond_error (job->serve, job->msg, job->html ? FDNIX_ROUTE_PAGE : FDNIX_ROUTE_SEARCH, job->start, 503,
                     "the search took too long; try again", job->html);
      soup_server_message_unpause (job->msg);
    }
  return G_SOURCE_REMOVE;
}

/* Queues a search; the answer comes from finish_job() or on_job_timeout(). */
static void
start_search (Serve *self, SoupServerMessage *msg, gint64 start, const gchar *query, gboolean html)
{
  g_autoptr(GError) error = NULL;
  FdnixRoute route = html ? FDNIX_ROUTE_PAGE : FDNIX_ROUTE_SEARCH;
  Job *job = g_new0 (Job, 1);

  job->ref_count = 1;
  job->serve = self;
  job->msg = g_object_ref (msg);
  job->html = html;
  job->start = start;
  if (!fdnix_serve_params_parse (query, &job->params, &error))
    {
      respond_error (self, msg, route, start, 400, error->message, html);
      job_unref (job);
      return;
    }
  if (!html && *job->params.q == '\0')
    {
      respond_error (self, msg, route, start, 400, "q: a query is required", FALSE);
      job_unref (job);
      return;
    }
  job->snapshot = fdnix_serve_holder_get (self->holder);
  if (job->snapshot == NULL)
    {
      respond_error (self, msg, route, start, 503, "no snapshot loaded yet", html);
      job_unref (job);
      return;
    }
  /* a cached ranking is answered at once: it must not wait behind the
   * searches that keep the workers busy */
  {
    FdnixSearchOptions options;

    job_options (job, &options);
    if (*job->params.q == '\0' ||
        fdnix_serve_snapshot_is_cached (job->snapshot, job->params.q, &options, job->params.explain))
      {
        run_job (job);
        respond (self, msg, route, start, job->status, job->content_type, job->body->str, job->body->len);
        job_unref (job);
        return;
      }
  }
  if ((guint) g_atomic_int_add (&self->in_flight, 1) >= self->max_in_flight)
    {
      g_atomic_int_dec_and_test (&self->in_flight);
      respond_error (self, msg, route, start, 503, "too many requests in flight; try again", html);
      job_unref (job);
      return;
    }
  job->deadline = start + (gint64) (self->timeout * G_USEC_PER_SEC);
  soup_server_message_pause (msg);
  job->timer = g_timeout_source_new ((guint) (self->timeout * 1000));
  g_source_set_callback (job->timer, on_job_timeout, job_ref (job), (GDestroyNotify) job_unref);
  g_source_attach (job->timer, self->context);
  g_thread_pool_push (self->pool, job, NULL);
}

/* ---------------------------------------------------------------- other routes */

static void
serve_package (Serve *self, SoupServerMessage *msg, gint64 start, const gchar *encoded_name)
{
  g_autoptr(GError) error = NULL;
  g_autofree gchar *name = fdnix_serve_decode_component (encoded_name, -1, FALSE, &error);
  g_autoptr(FdnixServeSnapshot) snapshot = NULL;
  g_autoptr(GString) body = NULL;
  FdnixServeResult result;
  gint entry;

  if (name == NULL || strlen (name) > FDNIX_SERVE_MAX_QUERY)
    {
      respond_error (self, msg, FDNIX_ROUTE_PACKAGE, start, 400,
                     name == NULL ? error->message : "not an attribute path", FALSE);
      return;
    }
  snapshot = fdnix_serve_holder_get (self->holder);
  if (snapshot == NULL)
    {
      respond_error (self, msg, FDNIX_ROUTE_PACKAGE, start, 503, "no snapshot loaded yet", FALSE);
      return;
    }
  entry = fdnix_search_index_find (fdnix_serve_snapshot_get_index (snapshot), name);
  if (entry < 0)
    {
      respond_error (self, msg, FDNIX_ROUTE_PACKAGE, start, 404, "no such package", FALSE);
      return;
    }
  fdnix_serve_result_init (&result, fdnix_serve_snapshot_get_index (snapshot), (guint) entry, NULL, FALSE);
  body = g_string_new (NULL);
  fdnix_serve_append_result_json (body, &result, FALSE);
  g_string_append_c (body, '\n');
  fdnix_serve_result_clear (&result);
  respond (self, msg, FDNIX_ROUTE_PACKAGE, start, 200, "application/json", body->str, body->len);
}

static void
serve_healthz (Serve *self, SoupServerMessage *msg, gint64 start)
{
  g_autoptr(FdnixServeSnapshot) snapshot = fdnix_serve_holder_get (self->holder);
  g_autoptr(GString) body = g_string_new ("{");
  gchar buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (snapshot == NULL)
    {
      g_string_append (body, "\"status\":\"loading\"}\n");
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Retry-After", "5");
      respond (self, msg, FDNIX_ROUTE_HEALTHZ, start, 503, "application/json", body->str, body->len);
      return;
    }
  /* the run id is the bucket's text: escaped like any other */
  g_string_append (body, "\"status\":\"ok\",\"snapshot\":");
  if (fdnix_serve_snapshot_get_run_id (snapshot) != NULL)
    fdnix_json_append_string (body, fdnix_serve_snapshot_get_run_id (snapshot));
  else
    g_string_append (body, "null");
  g_string_append_printf (body, ",\"packages\":%u,\"ageSeconds\":",
                          fdnix_search_index_get_count (fdnix_serve_snapshot_get_index (snapshot)));
  if (fdnix_serve_snapshot_get_age (snapshot) >= 0)
    g_string_append (body, g_ascii_formatd (buf, sizeof buf, "%.0f", fdnix_serve_snapshot_get_age (snapshot)));
  else
    g_string_append (body, "null");
  g_string_append (body, ",\"loadedSeconds\":");
  g_string_append (body, g_ascii_formatd (buf, sizeof buf, "%.0f", fdnix_serve_snapshot_get_loaded_age (snapshot)));
  g_string_append (body, "}\n");
  respond (self, msg, FDNIX_ROUTE_HEALTHZ, start, 200, "application/json", body->str, body->len);
}

static void
serve_metrics (Serve *self, SoupServerMessage *msg, gint64 start)
{
  g_autoptr(FdnixServeSnapshot) snapshot = fdnix_serve_holder_get (self->holder);
  g_autoptr(GString) body = g_string_new (NULL);
  FdnixServeGauges gauges = { 0 };

  gauges.in_flight = (guint) g_atomic_int_get (&self->in_flight);
  if (snapshot != NULL)
    {
      gauges.loaded = TRUE;
      gauges.age_seconds = MAX (fdnix_serve_snapshot_get_age (snapshot), 0);
      gauges.loaded_seconds = fdnix_serve_snapshot_get_loaded_age (snapshot);
      gauges.packages = fdnix_search_index_get_count (fdnix_serve_snapshot_get_index (snapshot));
    }
  /* this request is counted in the next scrape */
  fdnix_serve_metrics_append_text (self->metrics, &gauges, body);
  respond (self, msg, FDNIX_ROUTE_METRICS, start, 200, "text/plain; version=0.0.4; charset=utf-8",
           body->str, body->len);
}

static void
serve_static (Serve *self, SoupServerMessage *msg, gint64 start, const gchar *name)
{
  static const gchar *const files[][2] = {
    { "/static/app.js", "text/javascript; charset=utf-8" },
    { "/static/style.css", "text/css; charset=utf-8" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (files); i++)
    if (strcmp (name, files[i][0]) == 0)
      {
        g_autofree gchar *path = g_strconcat ("/org/fdnix/web", name + strlen ("/static"), NULL);
        g_autoptr(GBytes) data = g_resources_lookup_data (path, G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
        gsize length;
        const gchar *bytes;

        if (data == NULL)
          break;
        bytes = g_bytes_get_data (data, &length);
        soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Cache-Control",
                                      "public, max-age=300");
        respond (self, msg, FDNIX_ROUTE_STATIC, start, 200, files[i][1], bytes, length);
        return;
      }
  respond_error (self, msg, FDNIX_ROUTE_OTHER, start, 404, "no such page", TRUE);
}

static void
handler (SoupServer *server, SoupServerMessage *msg, const char *path, GHashTable *query_table,
         gpointer user_data)
{
  Serve *self = user_data;
  const gchar *method = soup_server_message_get_method (msg);
  GUri *uri = soup_server_message_get_uri (msg);
  const gchar *query = g_uri_get_query (uri);
  gint64 start = g_get_monotonic_time ();

  if (strcmp (method, "GET") != 0 && strcmp (method, "HEAD") != 0)
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Allow", "GET, HEAD");
      respond_error (self, msg, FDNIX_ROUTE_OTHER, start, 405, "only GET and HEAD", FALSE);
      return;
    }
  if (query != NULL && strlen (query) > FDNIX_SERVE_MAX_QUERY_STRING)
    {
      respond_error (self, msg, FDNIX_ROUTE_OTHER, start, 414, "the query string is too long", FALSE);
      return;
    }
  if (strcmp (path, "/v1/search") == 0)
    start_search (self, msg, start, query, FALSE);
  else if (strcmp (path, "/") == 0 || strcmp (path, "/search") == 0)
    start_search (self, msg, start, query, TRUE);
  else if (g_str_has_prefix (path, "/v1/packages/"))
    serve_package (self, msg, start, path + strlen ("/v1/packages/"));
  else if (strcmp (path, "/healthz") == 0)
    serve_healthz (self, msg, start);
  else if (strcmp (path, "/metrics") == 0)
    serve_metrics (self, msg, start);
  else if (g_str_has_prefix (path, "/static/"))
    serve_static (self, msg, start, path);
  else if (strcmp (path, "/favicon.ico") == 0)
    respond (self, msg, FDNIX_ROUTE_STATIC, start, 204, NULL, NULL, 0);  /* browsers ask; there is none */
  else
    respond_error (self, msg, FDNIX_ROUTE_OTHER, start, 404, "no such page", FALSE);
}

/* ---------------------------------------------------------------- running */

static gboolean
on_signal (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_CONTINUE;
}

/**
 * fdnix_serve_run:
 * @config: the search, embed and serve settings
 * @error: return location for an error
 *
 * Listens, loads the snapshot in the background (GET /healthz answers 503
 * until it is loaded), and answers until SIGINT or SIGTERM.
 *
 * Returns: TRUE when stopped by a signal.
 */
gboolean
fdnix_serve_run (FdnixConfig *config, GError **error)
{
  Serve self = { 0 };
  FdnixRetryOptions retry;
  g_autoptr(FdnixEmbedder) embedder = NULL;
  g_autoptr(FdnixObjects) objects = NULL;
  g_autoptr(FdnixServeHolder) holder = fdnix_serve_holder_new ();
  g_autoptr(FdnixServeMetrics) metrics = fdnix_serve_metrics_new ();
  g_autoptr(FdnixServeReloader) reloader = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  FdnixServeGuard *guard;
  g_autoptr(GBytes) page = NULL;
  g_autofree gchar *host = NULL;
  GError *local_error = NULL;
  guint port, threads, sigint, sigterm;
  GSList *uris;

  if (!fdnix_serve_parse_listen (fdnix_config_get_string (config, "serve.listen"), &host, &port, error) ||
      !fdnix_retry_options_load (&retry, config, error) ||
      (embedder = fdnix_embedder_new_from_config (config, error)) == NULL ||
      !fdnix_search_options_from_config (config, embedder, &self.defaults, error) ||
      (objects = fdnix_objects_new_from_config (config, error)) == NULL)
    return FALSE;
  fdnix_web_register_resource ();
  page = g_resources_lookup_data ("/org/fdnix/web/index.html", G_RESOURCE_LOOKUP_FLAGS_NONE, error);
  if (page == NULL)
    return FALSE;

  self.config = config;
  self.holder = holder;
  self.metrics = metrics;
  self.context = g_main_context_default ();
  self.page = g_strndup (g_bytes_get_data (page, NULL), g_bytes_get_size (page));
  self.max_in_flight = (guint) fdnix_config_get_int (config, "serve.max-in-flight");
  self.timeout = fdnix_config_get_double (config, "serve.request-timeout");
  threads = (guint) fdnix_config_get_int (config, "serve.threads");
  if (threads == 0)
    threads = MAX (g_get_num_processors (), 1);
  self.pool = g_thread_pool_new (worker, &self, (gint) threads, FALSE, NULL);

  self.server = soup_server_new ("server-header", "fdnix-search", "raw-paths", TRUE, NULL);
  guard = fdnix_serve_guard_new (self.server, self.timeout, metrics);
  soup_server_add_handler (self.server, NULL, handler, &self, NULL);
  if (!fdnix_serve_listen (self.server, host, port, &local_error))
    {
      g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_IO, "cannot listen on %s: %s",
                   fdnix_config_get_string (config, "serve.listen"), local_error->message);
      g_error_free (local_error);
      fdnix_serve_guard_free (guard);
      g_object_unref (self.server);
      g_thread_pool_free (self.pool, TRUE, TRUE);
      g_free (self.page);
      return FALSE;
    }
  uris = soup_server_get_uris (self.server);
  for (GSList *l = uris; l != NULL; l = l->next)
    {
      g_autofree gchar *text = g_uri_to_string (l->data);
      g_message ("listening on %s", text);
    }
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  reloader = fdnix_serve_reloader_new (config, embedder, objects, holder, metrics, retry.max_attempts,
                                       (guint) fdnix_config_get_int (config, "serve.cache-entries"));
  fdnix_serve_reloader_start (reloader, fdnix_config_get_double (config, "serve.reload-interval"));

  loop = g_main_loop_new (NULL, FALSE);
  sigint = g_unix_signal_add (SIGINT, on_signal, loop);
  sigterm = g_unix_signal_add (SIGTERM, on_signal, loop);
  g_main_loop_run (loop);
  g_message ("stopping");
  g_source_remove (sigint);
  g_source_remove (sigterm);

  soup_server_disconnect (self.server);
  /* searches in flight finish; their answers have nowhere to go */
  g_thread_pool_free (self.pool, FALSE, TRUE);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_clear_pointer (&reloader, fdnix_serve_reloader_free);
  fdnix_serve_guard_free (guard);
  g_object_unref (self.server);
  g_free (self.page);
  return TRUE;
}
