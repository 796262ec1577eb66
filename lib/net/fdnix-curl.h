/* fdnix-curl.h: libcurl glue shared by the HTTP layer.
 *
 * Automatic cleanups for curl's handle types, one-time global
 * initialisation, and the one place where a CURLcode becomes a GError
 * (and where it is decided whether the failure is worth retrying).
 */
#pragma once

#include <curl/curl.h>
#include <glib.h>

G_BEGIN_DECLS

/* curl's list type is only a struct tag; autoptr needs a type name. */
typedef struct curl_slist FdnixCurlSlist;

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CURL, curl_easy_cleanup)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CURLM, curl_multi_cleanup)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CURLSH, curl_share_cleanup)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdnixCurlSlist, curl_slist_free_all)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CURLU, curl_url_cleanup)

void     fdnix_curl_global_init   (void);
gboolean fdnix_curl_set_error     (GError     **error,
                                   CURLcode     code,
                                   const gchar *detail,
                                   const gchar *context);
gboolean fdnix_curl_code_is_retryable (CURLcode code);
const gchar *fdnix_curl_default_ca_file (void);

G_END_DECLS
