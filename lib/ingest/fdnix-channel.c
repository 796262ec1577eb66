/* fdnix-channel.c: download, decode and parse a channel as one stream.
 *
 * The official channels publish every package's metadata as
 * packages.json.br (~30 MB brotli, ~300 MB of JSON).  It is fetched over
 * HTTPS only (verification always on; http:// is refused), within
 * [http] download-timeout, and each piece is brotli-decoded and
 * handed to the parser as it arrives: no temporary file, no whole document
 * in memory.  A download that fails before any byte was used is retried
 * with back-off; one that fails later fails the run (the parser cannot
 * un-see data, and the next run starts over).
 */
#include "config.h"

#include <string.h>

#include "core/fdnix-error.h"
#include "ingest/fdnix-channel.h"
#include "net/fdnix-http.h"
#include "net/fdnix-retry.h"

struct _FdnixChannel {
  gchar            *url;
  FdnixHttpOptions  http_options;
  FdnixRetryOptions retry_options;
};

typedef struct {
  FdnixDecoder *decoder;
  guint64      *position;
} Download;

/**
 * fdnix_channel_url:
 * @name_or_url: a channel name ("nixos-unstable") or a URL
 * @base_url: where channels live ("https://channels.nixos.org")
 *
 * Returns: (transfer full): the URL of the channel's packages.json.br.
 */
gchar *
fdnix_channel_url (const gchar *name_or_url, const gchar *base_url)
{
  g_autofree gchar *base = NULL;

  if (strstr (name_or_url, "://") != NULL)
    return g_strdup (name_or_url);
  base = g_strdup (base_url);
  while (g_str_has_suffix (base, "/"))
    base[strlen (base) - 1] = '\0';
  return g_strdup_printf ("%s/%s/packages.json.br", base, name_or_url);
}

/**
 * fdnix_channel_new:
 * @url: the document's URL
 * @config: (nullable): [http] and [retry] settings
 * @error: return location for a usage error
 *
 * Returns: (transfer full) (nullable): a channel download.
 */
FdnixChannel *
fdnix_channel_new (const gchar *url, FdnixConfig *config, GError **error)
{
  g_autoptr(FdnixChannel) self = g_new0 (FdnixChannel, 1);

  /* The channel is documented as fetched over verified TLS; plain HTTP
   * would let anyone on the path rewrite the package set.  No exception
   * for loopback: the tests serve it over HTTPS with their own CA. */
  if (g_ascii_strncasecmp (url, "https://", 8) != 0)
    {
      g_autofree gchar *shown = fdnix_http_url_describe (url);
      g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_USAGE,
                   "channel URL %s is not https:// (channels are only downloaded over "
                   "verified TLS; check --channel and [input] channel-base-url)", shown);
      return NULL;
    }
  self->url = g_strdup (url);
  fdnix_http_options_init (&self->http_options);
  fdnix_retry_options_init (&self->retry_options);
  if (!fdnix_http_options_load (&self->http_options, config, error) ||
      !fdnix_retry_options_load (&self->retry_options, config, error))
    return NULL;
  /* A 30 MB download on a slow line needs longer than an API call. */
  self->http_options.timeout = self->http_options.download_timeout;
  return g_steal_pointer (&self);
}

/**
 * fdnix_channel_free:
 * @self: (transfer full) (nullable): a channel download
 */
void
fdnix_channel_free (FdnixChannel *self)
{
  if (self == NULL)
    return;
  fdnix_http_options_clear (&self->http_options);
  g_free (self->url);
  g_free (self);
}

static gboolean
on_body (const guint8 *data, gsize length, gpointer user_data, GError **error)
{
  Download *download = user_data;

  *download->position += length;
  return fdnix_decoder_feed (download->decoder, (const gchar *) data, length, error);
}

/**
 * fdnix_channel_download:
 * @self: a channel download
 * @func: (scope call): receives the decoded JSON, piece by piece
 * @user_data: for @func
 * @position: (inout): counts the compressed bytes received
 * @error: return location for an error naming the URL
 *
 * Returns: TRUE when the whole document arrived and decoded.
 */
gboolean
fdnix_channel_download (FdnixChannel *self, FdnixChunkFunc func, gpointer user_data,
                        guint64 *position, GError **error)
{
  g_autoptr(FdnixHttpClient) client = fdnix_http_client_new (&self->http_options);
  g_autoptr(FdnixRetryPolicy) policy = fdnix_retry_policy_new (&self->retry_options, "channel");
  g_autoptr(FdnixHttpRequest) request = fdnix_http_request_new ("GET", self->url);
  g_autoptr(FdnixHttpResponse) response = NULL;
  g_autoptr(FdnixDecoder) decoder = fdnix_decoder_new (fdnix_compression_for_name (self->url),
                                                       self->url, func, user_data);
  g_autofree gchar *shown = fdnix_http_url_describe (self->url);
  g_autofree gchar *operation = g_strdup_printf ("download %s", shown);
  Download download = { decoder, position };

  fdnix_http_request_set_write_func (request, on_body, &download);
  if (!fdnix_retry_http_send (policy, client, request, operation, &response, error))
    return FALSE;
  if (!fdnix_decoder_finish (decoder, error))
    return FALSE;
  g_info ("downloaded %s: %" G_GUINT64_FORMAT " bytes in %.1f s", shown,
          response->body_length, response->seconds);
  return TRUE;
}
