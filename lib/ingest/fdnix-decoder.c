/* fdnix-decoder.c: gzip (core's inflater) and brotli streaming decoders. */
#include "config.h"

#include <string.h>
#include <brotli/decode.h>

#include "core/fdnix-error.h"
#include "ingest/fdnix-decoder.h"

#define OUT_WINDOW (256 * 1024)

struct _FdnixDecoder {
  FdnixCompression      compression;
  gchar                *what;        /* for messages: file name or URL */
  FdnixChunkFunc        func;
  gpointer              user_data;
  FdnixGzipReader      *gzip;
  BrotliDecoderState   *brotli;
  BrotliDecoderResult   brotli_result;
  guchar               *window;      /* brotli's output */
  guint64               compressed_in;
};

/**
 * fdnix_compression_for_name:
 * @name: (nullable): a file name or URL
 *
 * Returns: BROTLI for a ".br" name, AUTO otherwise (gzip is recognised by
 *   its magic bytes).
 */
FdnixCompression
fdnix_compression_for_name (const gchar *name)
{
  g_autofree gchar *base = NULL;

  if (name == NULL)
    return FDNIX_COMPRESSION_AUTO;
  base = g_strndup (name, strcspn (name, "?#"));
  return g_str_has_suffix (base, ".br") ? FDNIX_COMPRESSION_BROTLI : FDNIX_COMPRESSION_AUTO;
}

/**
 * fdnix_decoder_new:
 * @compression: the format, or AUTO
 * @what: name of the input, for error messages
 * @func: (scope notified): receives decompressed bytes
 * @user_data: for @func
 *
 * Returns: (transfer full): a decoder.
 */
FdnixDecoder *
fdnix_decoder_new (FdnixCompression compression, const gchar *what,
                   FdnixChunkFunc func, gpointer user_data)
{
  FdnixDecoder *self = g_new0 (FdnixDecoder, 1);

  self->compression = compression;
  self->what = g_strdup (what);
  self->func = func;
  self->user_data = user_data;
  self->brotli_result = BROTLI_DECODER_RESULT_NEEDS_MORE_INPUT;
  return self;
}

/**
 * fdnix_decoder_free:
 * @self: (transfer full) (nullable): a decoder
 */
void
fdnix_decoder_free (FdnixDecoder *self)
{
  if (self == NULL)
    return;
  fdnix_gzip_reader_free (self->gzip);
  if (self->brotli != NULL)
    BrotliDecoderDestroyInstance (self->brotli);
  g_free (self->window);
  g_free (self->what);
  g_free (self);
}

/**
 * fdnix_decoder_get_compression:
 * @self: a decoder
 *
 * Returns: the format in use (AUTO until the first bytes were seen).
 */
FdnixCompression
fdnix_decoder_get_compression (FdnixDecoder *self)
{
  return self->compression;
}

static gboolean
corrupt (FdnixDecoder *self, const gchar *format, const gchar *detail, GError **error)
{
  g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_INVALID_DATA,
               "%s: %s data is corrupt near compressed byte %" G_GUINT64_FORMAT ": %s",
               self->what, format, self->compressed_in, detail);
  return FALSE;
}

static gboolean
feed_gzip (FdnixDecoder *self, const gchar *data, gsize length, GError **error)
{
  /* no cap on the output: it streams on, memory does not grow with it */
  if (self->gzip == NULL)
    self->gzip = fdnix_gzip_reader_new (self->what, G_MAXUINT64, self->func, self->user_data);
  return fdnix_gzip_reader_feed (self->gzip, data, length, error);
}

static gboolean
feed_brotli (FdnixDecoder *self, const gchar *data, gsize length, GError **error)
{
  const uint8_t *next_in = (const uint8_t *) data;
  size_t avail_in = length;

  if (self->brotli == NULL)
    {
      self->brotli = BrotliDecoderCreateInstance (NULL, NULL, NULL);
      self->window = g_malloc (OUT_WINDOW);
    }
  for (;;)
    {
      uint8_t *next_out = self->window;
      size_t avail_out = OUT_WINDOW;
      gsize produced;

      self->brotli_result = BrotliDecoderDecompressStream (self->brotli, &avail_in, &next_in,
                                                           &avail_out, &next_out, NULL);
      if (self->brotli_result == BROTLI_DECODER_RESULT_ERROR)
        return corrupt (self, "brotli",
                        BrotliDecoderErrorString (BrotliDecoderGetErrorCode (self->brotli)), error);
      produced = OUT_WINDOW - avail_out;
      if (produced > 0 && !self->func ((const gchar *) self->window, produced, self->user_data, error))
        return FALSE;
      if (self->brotli_result == BROTLI_DECODER_RESULT_NEEDS_MORE_INPUT)
        return TRUE;
      if (self->brotli_result == BROTLI_DECODER_RESULT_SUCCESS)
        {
          if (avail_in > 0)
            return corrupt (self, "brotli", "data after the end of the stream", error);
          return TRUE;
        }
      /* NEEDS_MORE_OUTPUT: loop with a fresh window */
    }
}

/**
 * fdnix_decoder_feed:
 * @self: a decoder
 * @data: compressed (or plain) bytes
 * @length: number of bytes
 * @error: return location for an error
 *
 * Returns: TRUE on success; FALSE on corrupt data or when the next stage
 *   failed (its error is passed on).
 */
gboolean
fdnix_decoder_feed (FdnixDecoder *self, const gchar *data, gsize length, GError **error)
{
  gboolean ok;

  if (length == 0)
    return TRUE;
  if (self->compression == FDNIX_COMPRESSION_AUTO)
    {
      /* A gzip magic split across the first two chunks is not worth
       * handling: sources read at least a few KB at a time. */
      self->compression = length >= 2 && (guchar) data[0] == 0x1f && (guchar) data[1] == 0x8b
                            ? FDNIX_COMPRESSION_GZIP : FDNIX_COMPRESSION_NONE;
    }
  switch (self->compression)
    {
    case FDNIX_COMPRESSION_GZIP:
      ok = feed_gzip (self, data, length, error);
      break;
    case FDNIX_COMPRESSION_BROTLI:
      ok = feed_brotli (self, data, length, error);
      break;
    case FDNIX_COMPRESSION_NONE:
    default:
      ok = self->func (data, length, self->user_data, error);
      break;
    }
  self->compressed_in += length;
  return ok;
}

/**
 * fdnix_decoder_finish:
 * @self: a decoder
 * @error: return location for an error
 *
 * Returns: FALSE when the compressed stream ended before its end marker
 *   (a truncated download or file).
 */
gboolean
fdnix_decoder_finish (FdnixDecoder *self, GError **error)
{
  if (self->compression == FDNIX_COMPRESSION_GZIP && self->gzip != NULL)
    return fdnix_gzip_reader_finish (self->gzip, error);
  if (self->compression == FDNIX_COMPRESSION_BROTLI &&
      self->brotli_result != BROTLI_DECODER_RESULT_SUCCESS)
    return corrupt (self, "brotli", "the stream ends early (truncated?)", error);
  return TRUE;
}
