/* fdnix-serve-metrics.c: counters and a histogram, as Prometheus text. */
#include "config.h"

#include "serve/fdnix-serve-metrics.h"

/* Upper bounds in seconds: a search answers in milliseconds; the tail
 * up to the request timeout still lands in a bucket. */
static const gdouble buckets[] = { 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10 };
#define N_BUCKETS G_N_ELEMENTS (buckets)

/* Statuses are kept per route in a small table: 100 to 599. */
#define MIN_STATUS 100
#define N_STATUS   500

struct _FdnixServeMetrics {
  GMutex   lock;
  guint64  requests[FDNIX_ROUTE_N][N_STATUS];
  guint64  bucket_counts[FDNIX_ROUTE_N][N_BUCKETS + 1];  /* not cumulative; last is +Inf */
  gdouble  seconds_sum[FDNIX_ROUTE_N];
  guint64  reloads;
  guint64  refused_reloads;
  guint64  cache_hits;
  guint64  cache_misses;
};

static const gchar *const route_names[FDNIX_ROUTE_N] = {
  "search", "package", "page", "static", "healthz", "metrics", "other",
};

/**
 * fdnix_route_to_string:
 * @route: a route
 *
 * Returns: its label in the metrics.
 */
const gchar *
fdnix_route_to_string (FdnixRoute route)
{
  return route < FDNIX_ROUTE_N ? route_names[route] : "other";
}

/**
 * fdnix_serve_metrics_new:
 *
 * Returns: (transfer full): zeroed metrics.
 */
FdnixServeMetrics *
fdnix_serve_metrics_new (void)
{
  FdnixServeMetrics *self = g_new0 (FdnixServeMetrics, 1);

  g_mutex_init (&self->lock);
  return self;
}

/**
 * fdnix_serve_metrics_free:
 * @self: (transfer full) (nullable): metrics
 */
void
fdnix_serve_metrics_free (FdnixServeMetrics *self)
{
  if (self == NULL)
    return;
  g_mutex_clear (&self->lock);
  g_free (self);
}

/**
 * fdnix_serve_metrics_observe:
 * @self: metrics
 * @route: the request's route
 * @status: the HTTP status answered (outside 100-599 counts as 599)
 * @seconds: from the request read to the answer
 */
void
fdnix_serve_metrics_observe (FdnixServeMetrics *self, FdnixRoute route, guint status, gdouble seconds)
{
  guint b = 0;

  if (route >= FDNIX_ROUTE_N)
    route = FDNIX_ROUTE_OTHER;
  if (status < MIN_STATUS || status >= MIN_STATUS + N_STATUS)
    status = 599;
  while (b < N_BUCKETS && seconds > buckets[b])
    b++;
  g_mutex_lock (&self->lock);
  self->requests[route][status - MIN_STATUS]++;
  self->bucket_counts[route][b]++;
  self->seconds_sum[route] += seconds;
  g_mutex_unlock (&self->lock);
}

/**
 * fdnix_serve_metrics_count_reload:
 * @self: metrics
 * @accepted: TRUE for a snapshot swapped in, FALSE for one refused
 */
void
fdnix_serve_metrics_count_reload (FdnixServeMetrics *self, gboolean accepted)
{
  g_mutex_lock (&self->lock);
  if (accepted)
    self->reloads++;
  else
    self->refused_reloads++;
  g_mutex_unlock (&self->lock);
}

/**
 * fdnix_serve_metrics_count_cache:
 * @self: metrics
 * @hit: TRUE for a search answered from the cache
 */
void
fdnix_serve_metrics_count_cache (FdnixServeMetrics *self, gboolean hit)
{
  g_mutex_lock (&self->lock);
  if (hit)
    self->cache_hits++;
  else
    self->cache_misses++;
  g_mutex_unlock (&self->lock);
}

/**
 * fdnix_serve_metrics_get_count:
 * @self: metrics
 * @route: a route
 * @status: an HTTP status
 *
 * Returns: requests of @route answered with @status.
 */
guint64
fdnix_serve_metrics_get_count (FdnixServeMetrics *self, FdnixRoute route, guint status)
{
  guint64 n;

  if (route >= FDNIX_ROUTE_N || status < MIN_STATUS || status >= MIN_STATUS + N_STATUS)
    return 0;
  g_mutex_lock (&self->lock);
  n = self->requests[route][status - MIN_STATUS];
  g_mutex_unlock (&self->lock);
  return n;
}

static void
append_double (GString *out, gdouble value)
{
  gchar buf[G_ASCII_DTOSTR_BUF_SIZE];

  g_string_append (out, g_ascii_formatd (buf, sizeof buf, "%.6g", value));
}

static void
append_gauge (GString *out, const gchar *name, const gchar *help, gdouble value)
{
  g_string_append_printf (out, "# HELP %s %s\n# TYPE %s gauge\n%s ", name, help, name, name);
  append_double (out, value);
  g_string_append_c (out, '\n');
}

/**
 * fdnix_serve_metrics_append_text:
 * @self: metrics
 * @gauges: the values of the moment
 * @out: where the exposition is appended
 */
void
fdnix_serve_metrics_append_text (FdnixServeMetrics *self, const FdnixServeGauges *gauges, GString *out)
{
  g_mutex_lock (&self->lock);
  g_string_append (out, "# HELP fdnix_http_requests_total HTTP requests answered, by route and status.\n"
                        "# TYPE fdnix_http_requests_total counter\n");
  for (guint r = 0; r < FDNIX_ROUTE_N; r++)
    for (guint s = 0; s < N_STATUS; s++)
      if (self->requests[r][s] > 0)
        g_string_append_printf (out, "fdnix_http_requests_total{route=\"%s\",status=\"%u\"} %" G_GUINT64_FORMAT "\n",
                                route_names[r], s + MIN_STATUS, self->requests[r][s]);
  g_string_append (out, "# HELP fdnix_http_request_duration_seconds Time from a request read to its answer.\n"
                        "# TYPE fdnix_http_request_duration_seconds histogram\n");
  for (guint r = 0; r < FDNIX_ROUTE_N; r++)
    {
      guint64 cumulative = 0;

      for (guint b = 0; b <= N_BUCKETS; b++)
        {
          cumulative += self->bucket_counts[r][b];
          g_string_append_printf (out, "fdnix_http_request_duration_seconds_bucket{route=\"%s\",le=\"", route_names[r]);
          if (b < N_BUCKETS)
            append_double (out, buckets[b]);
          else
            g_string_append (out, "+Inf");
          g_string_append_printf (out, "\"} %" G_GUINT64_FORMAT "\n", cumulative);
        }
      g_string_append_printf (out, "fdnix_http_request_duration_seconds_sum{route=\"%s\"} ", route_names[r]);
      append_double (out, self->seconds_sum[r]);
      g_string_append_printf (out, "\nfdnix_http_request_duration_seconds_count{route=\"%s\"} %" G_GUINT64_FORMAT "\n",
                              route_names[r], cumulative);
    }
  g_string_append_printf (out, "# HELP fdnix_snapshot_reloads_total Snapshots loaded and swapped in after the first.\n"
                               "# TYPE fdnix_snapshot_reloads_total counter\n"
                               "fdnix_snapshot_reloads_total %" G_GUINT64_FORMAT "\n"
                               "# HELP fdnix_snapshot_reloads_refused_total New snapshots that failed their checks.\n"
                               "# TYPE fdnix_snapshot_reloads_refused_total counter\n"
                               "fdnix_snapshot_reloads_refused_total %" G_GUINT64_FORMAT "\n",
                          self->reloads, self->refused_reloads);
  g_string_append_printf (out, "# HELP fdnix_search_cache_hits_total Searches answered from the snapshot's cache.\n"
                               "# TYPE fdnix_search_cache_hits_total counter\n"
                               "fdnix_search_cache_hits_total %" G_GUINT64_FORMAT "\n"
                               "# HELP fdnix_search_cache_misses_total Searches ranked afresh.\n"
                               "# TYPE fdnix_search_cache_misses_total counter\n"
                               "fdnix_search_cache_misses_total %" G_GUINT64_FORMAT "\n",
                          self->cache_hits, self->cache_misses);
  g_mutex_unlock (&self->lock);
  append_gauge (out, "fdnix_http_requests_in_flight", "Searches being answered or waiting for a thread.",
                gauges->in_flight);
  append_gauge (out, "fdnix_snapshot_loaded", "1 while a snapshot is loaded.", gauges->loaded ? 1 : 0);
  if (gauges->loaded)
    {
      append_gauge (out, "fdnix_snapshot_age_seconds", "Seconds since the served snapshot's index was written.",
                    gauges->age_seconds);
      append_gauge (out, "fdnix_snapshot_loaded_seconds", "Seconds since the served snapshot was loaded.",
                    gauges->loaded_seconds);
      append_gauge (out, "fdnix_snapshot_packages", "Packages in the served snapshot.", gauges->packages);
    }
}
