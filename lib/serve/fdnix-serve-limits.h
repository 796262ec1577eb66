/* fdnix-serve-limits.h: what keeps one client from holding the server.
 *
 * The guard watches a SoupServer's connections: a request has
 * request-timeout seconds from when its connection goes idle to arrive
 * whole (headers one byte at a time, or a connection that sends nothing,
 * lose it then), and a request with a body loses its connection at once,
 * before libsoup reads the body into memory (a search has none).  The
 * listening socket has a deep backlog, so that a burst of connections is
 * not made to retry its SYNs for seconds.
 */
#pragma once

#include <libsoup/soup.h>

#include "serve/fdnix-serve-metrics.h"

G_BEGIN_DECLS

typedef struct _FdnixServeGuard FdnixServeGuard;

#define FDNIX_SERVE_LISTEN_BACKLOG 1024

FdnixServeGuard *fdnix_serve_guard_new    (SoupServer         *server,
                                           gdouble             timeout,
                                           FdnixServeMetrics  *metrics);
void             fdnix_serve_guard_free   (FdnixServeGuard    *self);
gboolean         fdnix_serve_parse_listen (const gchar        *text,
                                           gchar             **out_host,
                                           guint              *out_port,
                                           GError            **error);
gboolean         fdnix_serve_listen       (SoupServer         *server,
                                           const gchar        *host,
                                           guint               port,
                                           GError            **error);

G_END_DECLS
