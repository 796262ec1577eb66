/* fdnix-gzip.h: deterministic gzip for vector files and the index.
 *
 * Output carries no time stamp, name or OS byte, so equal content gives
 * equal bytes (and equal sha256 in the index) on every machine.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _FdnixGzipWriter FdnixGzipWriter;

FdnixGzipWriter *fdnix_gzip_writer_new    (void);
FdnixGzipWriter *fdnix_gzip_writer_new_async (void);
void             fdnix_gzip_writer_write  (FdnixGzipWriter *self,
                                           const void      *data,
                                           gsize            length);
gsize            fdnix_gzip_writer_get_input_size (FdnixGzipWriter *self);
GBytes          *fdnix_gzip_writer_finish (FdnixGzipWriter *self);
void             fdnix_gzip_writer_free   (FdnixGzipWriter *self);

GBytes          *fdnix_gzip_compress      (const void      *data,
                                           gsize            length);
GBytes          *fdnix_gzip_decompress    (GBytes          *compressed,
                                           gsize            max_size,
                                           GError         **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdnixGzipWriter, fdnix_gzip_writer_free)

G_END_DECLS
