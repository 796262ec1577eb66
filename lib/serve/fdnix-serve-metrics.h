/* fdnix-serve-metrics.h: what GET /metrics tells Prometheus.
 *
 * Requests counted by route and status, a latency histogram by route,
 * requests in flight and refused for the cap, and the snapshot's age,
 * size, reloads and refused reloads, in the text exposition format
 * (version 0.0.4).  Routes are a fixed set of names (never a path a
 * client sent: that would let clients grow the table).  Safe to call from
 * several threads.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  FDNIX_ROUTE_SEARCH,      /* GET /v1/search */
  FDNIX_ROUTE_PACKAGE,     /* GET /v1/packages/... */
  FDNIX_ROUTE_PAGE,        /* GET / and /search */
  FDNIX_ROUTE_STATIC,      /* the page's script and style */
  FDNIX_ROUTE_HEALTHZ,
  FDNIX_ROUTE_METRICS,
  FDNIX_ROUTE_OTHER,       /* anything else (404, 405) */
  FDNIX_ROUTE_N
} FdnixRoute;

typedef struct _FdnixServeMetrics FdnixServeMetrics;

typedef struct {
  gboolean loaded;
  gdouble  age_seconds;     /* since the snapshot's index was written */
  gdouble  loaded_seconds;  /* since it was loaded */
  guint    packages;
  guint    in_flight;
} FdnixServeGauges;

const gchar       *fdnix_route_to_string            (FdnixRoute               route);
FdnixServeMetrics *fdnix_serve_metrics_new          (void);
void               fdnix_serve_metrics_free         (FdnixServeMetrics       *self);
void               fdnix_serve_metrics_observe      (FdnixServeMetrics       *self,
                                                     FdnixRoute               route,
                                                     guint                    status,
                                                     gdouble                  seconds);
void               fdnix_serve_metrics_count_reload (FdnixServeMetrics       *self,
                                                     gboolean                 accepted);
void               fdnix_serve_metrics_count_cache  (FdnixServeMetrics       *self,
                                                     gboolean                 hit);
guint64            fdnix_serve_metrics_get_count    (FdnixServeMetrics       *self,
                                                     FdnixRoute               route,
                                                     guint                    status);
void               fdnix_serve_metrics_append_text  (FdnixServeMetrics       *self,
                                                     const FdnixServeGauges  *gauges,
                                                     GString                 *out);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdnixServeMetrics, fdnix_serve_metrics_free)

G_END_DECLS
