/* fdnix-serve-html.h: the page of fdnix-search --serve, rendered on the
 * server so that it works without JavaScript.
 *
 * Package texts are third-party: every value is escaped (& < > " ' as
 * entities) wherever it lands, text or attribute, and every attribute is
 * quoted.  A homepage becomes a link only when it is an http or https URL;
 * a source position only when it is a plain relative path (no "..", no
 * scheme), linked into nixpkgs on GitHub.  The page's template is
 * data/web/index.html (a GResource) with @NAME@ slots; its script
 * (data/web/app.js) renders the same markup with textContent.
 */
#pragma once

#include <glib.h>

#include "serve/fdnix-serve-params.h"
#include "serve/fdnix-serve-result.h"

G_BEGIN_DECLS

#define FDNIX_SERVE_SOURCE_BASE "https://github.com/NixOS/nixpkgs/blob/master/"

void      fdnix_html_append_escaped    (GString                *out,
                                        const gchar            *text);
gboolean  fdnix_serve_is_web_url       (const gchar            *url);
gchar    *fdnix_serve_source_url       (const gchar            *position);
void      fdnix_serve_append_result_html (GString              *out,
                                        const FdnixServeResult *result,
                                        guint                   number);
gchar    *fdnix_serve_render_page      (const gchar            *page_template,
                                        const FdnixServeParams *params,
                                        const FdnixServeResult *results,
                                        guint                   n_results,
                                        gboolean                more,
                                        const gchar            *message);

G_END_DECLS
