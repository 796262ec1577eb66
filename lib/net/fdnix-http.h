/* fdnix-http.h: HTTP(S) on libcurl's multi interface.
 *
 * One FdnixHttpClient owns a curl multi handle: its connections are kept
 * alive and reused by every request sent through it, and any number of
 * requests can be in flight at once.  Two ways to use it:
 *
 * - fdnix_http_client_send(): one request, synchronously (credentials
 *   endpoints, S3 objects, a one-off call);
 * - fdnix_http_client_submit() + fdnix_http_client_run(): keep N requests
 *   in flight; each completion calls its callback, which may submit more
 *   requests or schedule timers (fdnix_http_client_add_timer(), used for
 *   retry back-off without blocking the other transfers).
 *
 * A request's response body is collected in memory (bounded by
 * max-body while it arrives: callers that know how large a valid answer
 * can be set it per request), or, with a write function, delivered as it
 * arrives (a multi-megabyte download decoded on the fly); a write function
 * returning FALSE aborts the transfer with its error.  Only 2xx bodies go
 * to the write function: an error body is collected for the error
 * message, and cut at 64 KiB (the transfer ends there).
 *
 * Every request has a total deadline ([http] timeout, or the request's
 * own) and a low-speed limit, so a server that drips or stalls cannot hold
 * a run.
 *
 * TLS peer and host verification are always on.  The CA bundle is libcurl's
 * default unless [http] ca-file, CURL_CA_BUNDLE or SSL_CERT_FILE names one.
 *
 * A client is used by one thread at a time.  Nothing here knows about AWS;
 * retries live in fdnix-retry.h and in the callers that know which
 * responses are worth retrying.
 */
#pragma once

#include <glib.h>

#include "core/fdnix-config.h"

G_BEGIN_DECLS

extern const FdnixSetting fdnix_http_settings[];

/* Characters of a server's message quoted in an error line at most. */
#define FDNIX_HTTP_MAX_MESSAGE 300

typedef struct {
  gchar *name;
  gchar *value;
} FdnixHttpHeader;

/* Receives a 2xx body piece by piece; return FALSE with @error set to abort. */
typedef gboolean (*FdnixHttpWriteFunc) (const guint8 *data,
                                        gsize         length,
                                        gpointer      user_data,
                                        GError      **error);

typedef struct {
  gchar             *method;       /* "GET", "PUT", ... */
  gchar             *url;
  GPtrArray         *headers;      /* FdnixHttpHeader, sent as given */
  GBytes            *body;         /* (nullable) request body */
  FdnixHttpWriteFunc write_func;   /* (nullable) stream a 2xx body here */
  gpointer           write_data;
  gdouble            timeout;      /* seconds for the whole transfer; 0: client's */
  gdouble            connect_timeout; /* seconds; 0: client's */
  gsize              max_body;     /* bytes kept in memory; 0: client's */
  guint64            delivered;    /* body bytes given to write_func so far */
} FdnixHttpRequest;  /* a g_atomic_rc_box: fdnix_http_request_ref/unref */

typedef struct {
  guint      status;
  GPtrArray *headers;       /* FdnixHttpHeader, names lower-case, in order */
  GBytes    *body;          /* collected body; empty when streamed */
  guint64    body_length;   /* bytes received, streamed or not */
  gdouble    seconds;       /* transfer time */
  gint64     retry_after;   /* seconds Retry-After asked for (either form, as
                             * curl reads it); 0: none */
} FdnixHttpResponse;

typedef struct {
  gdouble  connect_timeout;  /* seconds */
  gdouble  timeout;          /* seconds per transfer, 0: none */
  gdouble  download_timeout; /* seconds for a streamed download, 0: none */
  glong    low_speed_limit;  /* bytes/s below which a transfer is stalled ... */
  gdouble  low_speed_time;   /* ... for this many seconds (0: never) */
  guint    max_connections;  /* per host, and in total */
  gsize    max_body;         /* bytes of a response body kept in memory */
  gchar   *ca_file;          /* (nullable) CA bundle; NULL: default */
  gchar   *user_agent;       /* (nullable) */
} FdnixHttpOptions;

typedef struct _FdnixHttpClient FdnixHttpClient;

/* Called once per submitted request.  @response is NULL when @error is set
 * (no HTTP response at all); a non-2xx response is not an error here. */
typedef void (*FdnixHttpDoneFunc) (FdnixHttpClient   *client,
                                   FdnixHttpRequest  *request,
                                   FdnixHttpResponse *response,
                                   const GError      *error,
                                   gpointer           user_data);

typedef void (*FdnixHttpTimerFunc) (FdnixHttpClient *client,
                                    gpointer         user_data);

FdnixHttpHeader   *fdnix_http_header_new          (const gchar        *name,
                                                   const gchar        *value);
void               fdnix_http_header_free         (FdnixHttpHeader    *header);

void               fdnix_http_options_init        (FdnixHttpOptions   *options);
gboolean           fdnix_http_options_load        (FdnixHttpOptions   *options,
                                                   FdnixConfig        *config,
                                                   GError            **error);
void               fdnix_http_options_clear       (FdnixHttpOptions   *options);

FdnixHttpRequest  *fdnix_http_request_new         (const gchar        *method,
                                                   const gchar        *url);
FdnixHttpRequest  *fdnix_http_request_ref         (FdnixHttpRequest   *request);
void               fdnix_http_request_unref       (FdnixHttpRequest   *request);
void               fdnix_http_request_add_header  (FdnixHttpRequest   *request,
                                                   const gchar        *name,
                                                   const gchar        *value);
void               fdnix_http_request_set_header  (FdnixHttpRequest   *request,
                                                   const gchar        *name,
                                                   const gchar        *value);
const gchar       *fdnix_http_request_get_header  (FdnixHttpRequest   *request,
                                                   const gchar        *name);
void               fdnix_http_request_set_body    (FdnixHttpRequest   *request,
                                                   GBytes             *body);
void               fdnix_http_request_set_body_text (FdnixHttpRequest *request,
                                                   const gchar        *content_type,
                                                   const gchar        *text,
                                                   gssize              length);
void               fdnix_http_request_set_write_func (FdnixHttpRequest *request,
                                                   FdnixHttpWriteFunc  func,
                                                   gpointer            user_data);
gchar             *fdnix_http_request_describe    (FdnixHttpRequest   *request);

void               fdnix_http_response_free       (FdnixHttpResponse  *response);
const gchar       *fdnix_http_response_get_header (FdnixHttpResponse  *response,
                                                   const gchar        *name);
gint64             fdnix_http_response_get_retry_after_ms (FdnixHttpResponse *response);
const gchar       *fdnix_http_response_get_text   (FdnixHttpResponse  *response,
                                                   gsize              *out_length);
gboolean           fdnix_http_parse_date          (const gchar        *text,
                                                   gint64             *out_unix);
gchar             *fdnix_http_server_message      (const gchar        *text,
                                                   gssize              length);
gboolean           fdnix_http_response_check      (FdnixHttpResponse  *response,
                                                   const gchar        *context,
                                                   GError            **error);
gboolean           fdnix_http_status_set_error    (GError            **error,
                                                   guint               status,
                                                   const gchar        *context,
                                                   const gchar        *detail);

FdnixHttpClient   *fdnix_http_client_new          (const FdnixHttpOptions *options);
void               fdnix_http_client_free         (FdnixHttpClient    *self);
const FdnixHttpOptions *fdnix_http_client_get_options (FdnixHttpClient  *self);
void               fdnix_http_client_submit       (FdnixHttpClient    *self,
                                                   FdnixHttpRequest   *request,
                                                   FdnixHttpDoneFunc   done,
                                                   gpointer            user_data);
guint64            fdnix_http_client_add_timer    (FdnixHttpClient    *self,
                                                   guint               delay_ms,
                                                   FdnixHttpTimerFunc  func,
                                                   gpointer            user_data);
void               fdnix_http_client_remove_timer (FdnixHttpClient    *self,
                                                   guint64             id);
gboolean           fdnix_http_client_run          (FdnixHttpClient    *self,
                                                   const gboolean     *stop,
                                                   GError            **error);
gboolean           fdnix_http_client_send         (FdnixHttpClient    *self,
                                                   FdnixHttpRequest   *request,
                                                   FdnixHttpResponse **out_response,
                                                   GError            **error);
guint              fdnix_http_client_get_pending  (FdnixHttpClient    *self);
guint64            fdnix_http_client_get_connections (FdnixHttpClient *self);
gboolean           fdnix_http_client_has_answered (FdnixHttpClient   *self);
gchar             *fdnix_http_url_describe        (const gchar        *url);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdnixHttpHeader, fdnix_http_header_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdnixHttpRequest, fdnix_http_request_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdnixHttpResponse, fdnix_http_response_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdnixHttpClient, fdnix_http_client_free)

G_END_DECLS
