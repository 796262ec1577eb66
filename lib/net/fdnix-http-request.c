/* fdnix-http-request.c: requests, responses, options and status errors. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "core/fdnix-error.h"
#include "core/fdnix-log.h"
#include "net/fdnix-http.h"

/* Bytes of a server's message looked at: far more than is quoted, so that
 * a credential is seen whole by the redactor before the cut. */
#define MAX_MESSAGE_INPUT (16 * 1024)

/* Defaults suit AWS APIs and embedding services: a connection that cannot
 * be made in 10 s, a request that takes more than 2 minutes or a transfer
 * that moves less than 64 bytes a second for 20 s is broken (a server that
 * drips its answer or sends headers and then nothing), and the caller's
 * retry policy decides what happens next.  A streamed download (a
 * channel's 30 MB packages.json.br) has its own, longer deadline. */
const FdnixSetting fdnix_http_settings[] = {
  { "http.connect-timeout", FDNIX_SETTING_DOUBLE, "10", NULL, NULL, 0, NULL,
    "Seconds to wait for a TCP and TLS connection",
    FDNIX_RANGE (0.1, 600) },
  { "http.timeout", FDNIX_SETTING_DOUBLE, "120", NULL, NULL, 0, NULL,
    "Seconds a whole request may take (0: no limit)",
    FDNIX_RANGE (0, 86400) },
  { "http.download-timeout", FDNIX_SETTING_DOUBLE, "1800", NULL, NULL, 0, NULL,
    "Seconds a whole streamed download (a channel's packages.json.br) may take (0: no limit)",
    FDNIX_RANGE (0, 86400) },
  { "http.low-speed-time", FDNIX_SETTING_DOUBLE, "20", NULL, NULL, 0, NULL,
    "Abort a transfer that moves less than low-speed-limit bytes/s for this many seconds",
    FDNIX_RANGE (0, 3600) },
  { "http.low-speed-limit", FDNIX_SETTING_INT, "64", NULL, NULL, 0, NULL,
    "Bytes per second below which a transfer counts as stalled",
    FDNIX_RANGE (0, 1e9) },
  { "http.max-connections", FDNIX_SETTING_INT, "16", NULL, NULL, 0, NULL,
    "Connections kept open per host (and requests in flight per client)",
    FDNIX_RANGE (1, 1024) },
  { "http.ca-file", FDNIX_SETTING_PATH, NULL, NULL, NULL, 0, NULL,
    "CA bundle for TLS verification (default: CURL_CA_BUNDLE, SSL_CERT_FILE, libcurl's own)" },
  FDNIX_SETTING_END
};

/* The one mapping from [http] to the options, for defaults and loaded
 * values alike; the ranges were checked when each value was set. */
static void
read_options (FdnixHttpOptions *options, FdnixConfig *config)
{
  options->connect_timeout = fdnix_config_get_double (config, "http.connect-timeout");
  options->timeout = fdnix_config_get_double (config, "http.timeout");
  options->download_timeout = fdnix_config_get_double (config, "http.download-timeout");
  options->low_speed_time = fdnix_config_get_double (config, "http.low-speed-time");
  options->low_speed_limit = (glong) fdnix_config_get_int (config, "http.low-speed-limit");
  options->max_connections = (guint) fdnix_config_get_int (config, "http.max-connections");
  g_free (options->ca_file);
  options->ca_file = fdnix_config_get_path (config, "http.ca-file");
}

/**
 * fdnix_http_options_init:
 * @options: (out caller-allocates): options to fill with the defaults of
 *   fdnix_http_settings
 */
void
fdnix_http_options_init (FdnixHttpOptions *options)
{
  g_autoptr(FdnixConfig) defaults = fdnix_config_new_defaults (fdnix_http_settings);

  memset (options, 0, sizeof *options);
  read_options (options, defaults);
  options->max_body = 256 * 1024 * 1024;
  options->user_agent = g_strdup (PACKAGE_NAME "/" PACKAGE_VERSION);
}

/**
 * fdnix_http_options_load:
 * @options: options initialised by fdnix_http_options_init()
 * @config: (nullable): a configuration with fdnix_http_settings
 *   registered; NULL keeps @options as they are
 * @error: return location for an error
 *
 * Returns: FALSE when the program did not register [http] (a bug that
 *   would drop the user's values in silence).
 */
gboolean
fdnix_http_options_load (FdnixHttpOptions *options, FdnixConfig *config, GError **error)
{
  if (config == NULL)
    return TRUE;
  if (!fdnix_config_require (config, fdnix_http_settings, G_STRFUNC, error))
    return FALSE;
  read_options (options, config);
  return TRUE;
}

/**
 * fdnix_http_options_clear:
 * @options: options; their strings are freed
 */
void
fdnix_http_options_clear (FdnixHttpOptions *options)
{
  g_clear_pointer (&options->ca_file, g_free);
  g_clear_pointer (&options->user_agent, g_free);
}

/**
 * fdnix_http_header_free:
 * @header: (transfer full) (nullable): a header
 */
void
fdnix_http_header_free (FdnixHttpHeader *header)
{
  if (header == NULL)
    return;
  g_free (header->name);
  g_free (header->value);
  g_free (header);
}

/**
 * fdnix_http_header_new:
 * @name: header name
 * @value: header value
 *
 * Returns: (transfer full): a name/value pair (also used for query
 *   parameters by the signer).
 */
FdnixHttpHeader *
fdnix_http_header_new (const gchar *name, const gchar *value)
{
  FdnixHttpHeader *header = g_new0 (FdnixHttpHeader, 1);

  header->name = g_strdup (name);
  header->value = g_strdup (value);
  return header;
}

/**
 * fdnix_http_request_new:
 * @method: HTTP method
 * @url: absolute http:// or https:// URL
 *
 * Returns: (transfer full): a request with no headers and no body.
 */
FdnixHttpRequest *
fdnix_http_request_new (const gchar *method, const gchar *url)
{
  FdnixHttpRequest *request = g_atomic_rc_box_new0 (FdnixHttpRequest);

  request->method = g_strdup (method);
  request->url = g_strdup (url);
  request->headers = g_ptr_array_new_with_free_func ((GDestroyNotify) fdnix_http_header_free);
  return request;
}

/**
 * fdnix_http_request_ref:
 * @request: a request
 *
 * Returns: (transfer full): @request
 */
FdnixHttpRequest *
fdnix_http_request_ref (FdnixHttpRequest *request)
{
  return g_atomic_rc_box_acquire (request);
}

static void
request_clear (FdnixHttpRequest *request)
{
  g_free (request->method);
  g_free (request->url);
  g_ptr_array_unref (request->headers);
  g_clear_pointer (&request->body, g_bytes_unref);
}

/**
 * fdnix_http_request_unref:
 * @request: (transfer full) (nullable): a request
 */
void
fdnix_http_request_unref (FdnixHttpRequest *request)
{
  if (request != NULL)
    g_atomic_rc_box_release_full (request, (GDestroyNotify) request_clear);
}

/**
 * fdnix_http_request_add_header:
 * @request: a request
 * @name: header name
 * @value: header value (no CR or LF)
 *
 * Adds a header, keeping any of the same name.
 */
void
fdnix_http_request_add_header (FdnixHttpRequest *request, const gchar *name, const gchar *value)
{
  g_ptr_array_add (request->headers, fdnix_http_header_new (name, value));
}

/**
 * fdnix_http_request_set_header:
 * @request: a request
 * @name: header name (case-insensitive)
 * @value: (nullable): header value; NULL removes the header
 */
void
fdnix_http_request_set_header (FdnixHttpRequest *request, const gchar *name, const gchar *value)
{
  for (guint i = request->headers->len; i > 0; i--)
    {
      FdnixHttpHeader *h = request->headers->pdata[i - 1];
      if (g_ascii_strcasecmp (h->name, name) == 0)
        g_ptr_array_remove_index (request->headers, i - 1);
    }
  if (value != NULL)
    fdnix_http_request_add_header (request, name, value);
}

/**
 * fdnix_http_request_get_header:
 * @request: a request
 * @name: header name (case-insensitive)
 *
 * Returns: (nullable) (transfer none): the first value of @name.
 */
const gchar *
fdnix_http_request_get_header (FdnixHttpRequest *request, const gchar *name)
{
  for (guint i = 0; i < request->headers->len; i++)
    {
      FdnixHttpHeader *h = request->headers->pdata[i];
      if (g_ascii_strcasecmp (h->name, name) == 0)
        return h->value;
    }
  return NULL;
}

/**
 * fdnix_http_request_set_body:
 * @request: a request
 * @body: (nullable): the body, referenced (not copied)
 */
void
fdnix_http_request_set_body (FdnixHttpRequest *request, GBytes *body)
{
  g_clear_pointer (&request->body, g_bytes_unref);
  request->body = body != NULL ? g_bytes_ref (body) : NULL;
}

/**
 * fdnix_http_request_set_body_text:
 * @request: a request
 * @content_type: (nullable): Content-Type to send with it
 * @text: the body
 * @length: bytes of @text, or -1 if NUL-terminated
 *
 * Copies @text as the body.
 */
void
fdnix_http_request_set_body_text (FdnixHttpRequest *request, const gchar *content_type,
                                  const gchar *text, gssize length)
{
  g_autoptr(GBytes) body = g_bytes_new (text, length < 0 ? strlen (text) : (gsize) length);

  fdnix_http_request_set_body (request, body);
  if (content_type != NULL)
    fdnix_http_request_set_header (request, "Content-Type", content_type);
}

/**
 * fdnix_http_request_set_write_func:
 * @request: a request
 * @func: (nullable): receives the 2xx body as it arrives
 * @user_data: passed to @func
 */
void
fdnix_http_request_set_write_func (FdnixHttpRequest *request, FdnixHttpWriteFunc func,
                                   gpointer user_data)
{
  request->write_func = func;
  request->write_data = user_data;
}

/**
 * fdnix_http_url_describe:
 * @url: an absolute URL
 *
 * Returns: (transfer full): @url for messages: "scheme://host[:port]/path",
 *   without user information (a password in the URL) and without the query
 *   string (presigned URLs carry signatures and tokens there).
 */
gchar *
fdnix_http_url_describe (const gchar *url)
{
  const gchar *scheme_end = strstr (url, "://");
  const gchar *authority = scheme_end != NULL ? scheme_end + 3 : url;
  const gchar *path = authority + strcspn (authority, "/?#");
  const gchar *end = path + strcspn (path, "?#");
  const gchar *at = NULL;

  for (const gchar *p = authority; p < path; p++)
    if (*p == '@')
      at = p;
  if (at != NULL)
    return g_strdup_printf ("%.*s%.*s", (int) (authority - url), url, (int) (end - at - 1), at + 1);
  return g_strndup (url, end - url);
}

/**
 * fdnix_http_request_describe:
 * @request: a request
 *
 * Returns: (transfer full): "METHOD url" for messages, the URL as
 *   fdnix_http_url_describe() shows it.
 */
gchar *
fdnix_http_request_describe (FdnixHttpRequest *request)
{
  g_autofree gchar *url = fdnix_http_url_describe (request->url);

  return g_strdup_printf ("%s %s", request->method, url);
}

/**
 * fdnix_http_response_free:
 * @response: (transfer full) (nullable): a response
 */
void
fdnix_http_response_free (FdnixHttpResponse *response)
{
  if (response == NULL)
    return;
  g_clear_pointer (&response->headers, g_ptr_array_unref);
  g_clear_pointer (&response->body, g_bytes_unref);
  g_free (response);
}

/**
 * fdnix_http_response_get_header:
 * @response: a response
 * @name: header name (case-insensitive)
 *
 * Returns: (nullable) (transfer none): the last value received for @name.
 */
const gchar *
fdnix_http_response_get_header (FdnixHttpResponse *response, const gchar *name)
{
  for (guint i = response->headers->len; i > 0; i--)
    {
      FdnixHttpHeader *h = response->headers->pdata[i - 1];
      if (g_ascii_strcasecmp (h->name, name) == 0)
        return h->value;
    }
  return NULL;
}

/**
 * fdnix_http_response_get_text:
 * @response: a response
 * @out_length: (out) (optional): body length
 *
 * Returns: (transfer none): the collected body, NUL-terminated (the
 *   collector always adds a NUL after the last byte).
 */
const gchar *
fdnix_http_response_get_text (FdnixHttpResponse *response, gsize *out_length)
{
  gsize length = 0;
  const gchar *data = response->body != NULL ? g_bytes_get_data (response->body, &length) : NULL;

  if (out_length != NULL)
    *out_length = length;
  return data != NULL ? data : "";
}

/**
 * fdnix_http_response_get_retry_after_ms:
 * @response: a response
 *
 * Reads Retry-After, in delay-seconds or HTTP-date form (libcurl parses
 * it: CURLINFO_RETRY_AFTER).
 *
 * Returns: the delay the server asked for in milliseconds, or -1.
 */
gint64
fdnix_http_response_get_retry_after_ms (FdnixHttpResponse *response)
{
  return response->retry_after > 0 ? response->retry_after * 1000 : -1;
}

/**
 * fdnix_http_parse_date:
 * @text: (nullable): an HTTP-date, "Wed, 21 Oct 2015 07:28:00 GMT"
 * @out_unix: (out): Unix seconds
 *
 * Reads the date with curl_getdate(), which takes the three forms HTTP
 * allows (RFC 1123, RFC 850 and asctime).
 *
 * Returns: FALSE when @text is not a date.
 */
gboolean
fdnix_http_parse_date (const gchar *text, gint64 *out_unix)
{
  time_t when;

  if (text == NULL || *text == '\0')
    return FALSE;
  when = curl_getdate (text, NULL);
  if (when == (time_t) -1)
    return FALSE;
  *out_unix = (gint64) when;
  return TRUE;
}

/**
 * fdnix_http_status_set_error:
 * @error: return location for the error
 * @status: an HTTP status that is not 2xx
 * @context: (nullable): what was being done
 * @detail: (nullable): the server's explanation, if any
 *
 * Classifies a status the way every HTTP caller should: 429 throttled,
 * 408 timeout, 5xx server (all retryable); 401/403 auth, 404/410 not
 * found, other 4xx rejected, anything else failed (never retried).
 *
 * Returns: whether the status is retryable.
 */
gboolean
fdnix_http_status_set_error (GError **error, guint status, const gchar *context, const gchar *detail)
{
  FdnixErrorCode code;
  g_autofree gchar *what = NULL;

  if (status == 429)
    code = FDNIX_ERROR_THROTTLED;
  else if (status == 408)
    code = FDNIX_ERROR_TIMEOUT;
  else if (status >= 500 && status <= 599)
    code = FDNIX_ERROR_SERVER;
  else if (status == 401 || status == 403)
    code = FDNIX_ERROR_AUTH;
  else if (status == 404 || status == 410)
    code = FDNIX_ERROR_NOT_FOUND;
  else if (status >= 400 && status <= 499)
    code = FDNIX_ERROR_REJECTED;
  else
    code = FDNIX_ERROR_FAILED;
  what = detail != NULL && *detail != '\0' ? g_strdup_printf ("HTTP %u: %s", status, detail)
                                           : g_strdup_printf ("HTTP %u", status);
  if (context != NULL)
    g_set_error (error, FDNIX_ERROR, code, "%s: %s", context, what);
  else
    g_set_error_literal (error, FDNIX_ERROR, code, what);
  return code == FDNIX_ERROR_THROTTLED || code == FDNIX_ERROR_TIMEOUT || code == FDNIX_ERROR_SERVER;
}

/**
 * fdnix_http_server_message:
 * @text: (nullable): what a server said (an error message, a body)
 * @length: bytes of @text, or -1 if NUL-terminated
 *
 * Makes a server's words fit for one error line: valid UTF-8, control
 * characters and line breaks as spaces, surrounding space trimmed, cut at
 * FDNIX_HTTP_MAX_MESSAGE characters ("..." marks the cut).  Secrets are
 * redacted before the cut (fdnix_log_redact()), so that a cut never leaves
 * half a credential the log writer's redactor could not recognise.
 *
 * Returns: (transfer full) (nullable): the message, NULL when empty.
 */
gchar *
fdnix_http_server_message (const gchar *text, gssize length)
{
  g_autofree gchar *raw = NULL;
  g_autofree gchar *valid = NULL;
  GString *out;
  const gchar *p;
  guint chars = 0;

  if (text == NULL)
    return NULL;
  if (length < 0)
    length = strlen (text);
  /* Look at a little more than will be kept: the rest cannot matter. */
  raw = g_utf8_make_valid (text, MIN ((gsize) length, MAX_MESSAGE_INPUT));
  valid = fdnix_log_redact (raw);
  out = g_string_new (NULL);
  for (p = valid; *p != '\0' && chars < FDNIX_HTTP_MAX_MESSAGE; p = g_utf8_next_char (p), chars++)
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_iscntrl (c) || c == 0x2028 || c == 0x2029)
        g_string_append_c (out, ' ');
      else
        g_string_append_unichar (out, c);
    }
  g_strstrip (out->str);
  g_string_set_size (out, strlen (out->str));
  if (*p != '\0' || (gsize) length > MAX_MESSAGE_INPUT)
    g_string_append (out, "...");
  if (out->len == 0)
    {
      g_string_free (out, TRUE);
      return NULL;
    }
  return g_string_free (out, FALSE);
}

/**
 * fdnix_http_response_check:
 * @response: a response
 * @context: (nullable): what was being done, for the message
 * @error: return location for the error
 *
 * Returns: TRUE for a 2xx status; otherwise FALSE with an error as
 *   fdnix_http_status_set_error() classifies it, quoting the start of a
 *   textual body.
 */
gboolean
fdnix_http_response_check (FdnixHttpResponse *response, const gchar *context, GError **error)
{
  gsize length;
  const gchar *text;
  g_autofree gchar *detail = NULL;

  if (response->status >= 200 && response->status <= 299)
    return TRUE;
  text = fdnix_http_response_get_text (response, &length);
  if (length > 0 && g_utf8_validate (text, MIN (length, 200), NULL))
    detail = fdnix_http_server_message (text, MIN (length, 200));
  fdnix_http_status_set_error (error, response->status, context, detail);
  return FALSE;
}
