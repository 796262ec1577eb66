/* fdnix-curl.c: libcurl initialisation and CURLcode → GError. */
#include "config.h"

#include "core/fdnix-error.h"
#include "net/fdnix-curl.h"

static gsize curl_initialised;

/**
 * fdnix_curl_global_init:
 *
 * Initialises libcurl once per process.  Called by every HTTP client
 * constructor, so callers never need to; safe from any thread.
 */
void
fdnix_curl_global_init (void)
{
  if (g_once_init_enter (&curl_initialised))
    {
      /* Failure here means libcurl cannot work at all (no memory, broken
       * TLS library); nothing sensible can be done without it. */
      if (curl_global_init (CURL_GLOBAL_DEFAULT) != CURLE_OK)
        g_error ("libcurl failed to initialise");
      g_once_init_leave (&curl_initialised, 1);
    }
}

/**
 * fdnix_curl_code_is_retryable:
 * @code: a transfer's result
 *
 * Returns: whether the same request may succeed when sent again: dropped or
 *   refused connections, name lookups, timeouts and interrupted transfers.
 *   Certificate failures and malformed URLs are never retryable.
 */
gboolean
fdnix_curl_code_is_retryable (CURLcode code)
{
  switch (code)
    {
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
    case CURLE_PARTIAL_FILE:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_WEIRD_SERVER_REPLY:
    case CURLE_AGAIN:
    case CURLE_HTTP3:
    case CURLE_QUIC_CONNECT_ERROR:
      return TRUE;
    default:
      return FALSE;
    }
}

static FdnixErrorCode
code_for (CURLcode code)
{
  switch (code)
    {
    case CURLE_OPERATION_TIMEDOUT:
      return FDNIX_ERROR_TIMEOUT;
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
      return FDNIX_ERROR_USAGE;
    case CURLE_BAD_CONTENT_ENCODING:
      return FDNIX_ERROR_INVALID_DATA;
    case CURLE_ABORTED_BY_CALLBACK:
      return FDNIX_ERROR_CANCELLED;
    case CURLE_WRITE_ERROR:
    case CURLE_READ_ERROR:
      return FDNIX_ERROR_IO;
    default:
      return fdnix_curl_code_is_retryable (code) ? FDNIX_ERROR_NETWORK : FDNIX_ERROR_FAILED;
    }
}

/**
 * fdnix_curl_set_error:
 * @error: return location for the error
 * @code: a failed transfer's result (not CURLE_OK)
 * @detail: (nullable): curl's error buffer for the transfer, if filled
 * @context: (nullable): what was being done ("GET https://…")
 *
 * Converts a curl failure into FDNIX_ERROR: NETWORK or TIMEOUT for
 * conditions worth retrying, USAGE for a bad URL, FAILED for the rest (TLS
 * verification failures among them: they need a fix, not another try).
 *
 * Returns: whether the failure is retryable (the same answer as
 *   fdnix_error_is_retryable() gives for the error set).
 */
gboolean
fdnix_curl_set_error (GError **error, CURLcode code, const gchar *detail, const gchar *context)
{
  const gchar *what = detail != NULL && *detail != '\0' ? detail : curl_easy_strerror (code);
  FdnixErrorCode fcode = code_for (code);
  const gchar *hint = "";

  if (code == CURLE_PEER_FAILED_VERIFICATION || code == CURLE_SSL_CACERT_BADFILE)
    hint = " (TLS verification is always on; set CURL_CA_BUNDLE or SSL_CERT_FILE "
           "to a CA bundle that signs the server's certificate)";
  if (context != NULL)
    g_set_error (error, FDNIX_ERROR, fcode, "%s: %s%s", context, what, hint);
  else
    g_set_error (error, FDNIX_ERROR, fcode, "%s%s", what, hint);
  return fdnix_curl_code_is_retryable (code);
}

/**
 * fdnix_curl_default_ca_file:
 *
 * Returns: (nullable) (transfer none): the CA bundle named by
 *   CURL_CA_BUNDLE or SSL_CERT_FILE (as the curl tool and OpenSSL read
 *   them), or NULL for libcurl's built-in default.
 */
const gchar *
fdnix_curl_default_ca_file (void)
{
  const gchar *names[] = { "CURL_CA_BUNDLE", "SSL_CERT_FILE" };

  for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
    {
      const gchar *value = g_getenv (names[i]);
      if (value != NULL && *value != '\0')
        return value;
    }
  return NULL;
}
