/* fdnix-serve.h: fdnix-search --serve, an HTTP search API and its page.
 *
 * libsoup 3 on the GLib main loop.  The main loop reads requests and
 * writes answers; searches run on a pool of worker threads against a
 * reference to the current snapshot (fdnix-serve-snapshot.h), so that
 * several are answered at once and a reload never waits for them.
 *
 * Routes (fdnix-search(1) documents them):
 *   GET /v1/search?q=&limit=&offset=&license=&platform=&set=&include_broken=&explain=
 *   GET /v1/packages/ATTRIBUTE.PATH
 *   GET /healthz, GET /metrics
 *   GET / and /search?q=... (the page, rendered on the server)
 *   GET /static/app.js, /static/style.css (GResources, nothing from disk)
 *
 * Limits: the caps of fdnix-serve-params.h, at most serve.max-in-flight
 * searches in flight (503 with Retry-After beyond), serve.request-timeout
 * for a search (503) and for a client to send its request (the
 * connection is closed).
 */
#pragma once

#include "core/fdnix-config.h"
#include "core/fdnix-summary.h"

G_BEGIN_DECLS

extern const FdnixSetting fdnix_serve_settings[];

gboolean fdnix_serve_run          (FdnixConfig  *config,
                                   GError      **error);

G_END_DECLS
