/* fdnix-decoder.h: push decompression (gzip, brotli) in front of the parser.
 *
 * Sources push compressed bytes in whatever chunks they get; the decoder
 * pushes decompressed bytes on to the next stage.  Nothing is buffered
 * beyond one output window, so a 300 MB document never sits in memory.
 * gzip is core's FdnixGzipReader (the inflater vector files use too);
 * brotli is read here.
 */
#pragma once

#include <glib.h>

#include "core/fdnix-gzip.h"

G_BEGIN_DECLS

typedef enum {
  FDNIX_COMPRESSION_AUTO,    /* gzip if the data starts with its magic, else none */
  FDNIX_COMPRESSION_NONE,
  FDNIX_COMPRESSION_GZIP,
  FDNIX_COMPRESSION_BROTLI,  /* brotli has no magic: chosen by name or transport */
} FdnixCompression;

typedef struct _FdnixDecoder FdnixDecoder;

FdnixDecoder     *fdnix_decoder_new       (FdnixCompression compression,
                                           const gchar     *what,
                                           FdnixChunkFunc   func,
                                           gpointer         user_data);
void              fdnix_decoder_free      (FdnixDecoder    *self);
gboolean          fdnix_decoder_feed      (FdnixDecoder    *self,
                                           const gchar     *data,
                                           gsize            length,
                                           GError         **error);
gboolean          fdnix_decoder_finish    (FdnixDecoder    *self,
                                           GError         **error);
FdnixCompression  fdnix_decoder_get_compression (FdnixDecoder *self);
FdnixCompression  fdnix_compression_for_name    (const gchar  *name);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdnixDecoder, fdnix_decoder_free)

G_END_DECLS
