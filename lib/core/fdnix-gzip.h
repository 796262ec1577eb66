/* fdnix-gzip.h: the one gzip deflater and inflater.
 *
 * Writing (vector files, the index): output carries no time stamp, name or
 * OS byte, so equal content gives equal bytes (and equal sha256 in the
 * index) on every machine.
 *
 * Reading: FdnixGzipReader inflates a stream pushed in chunks of any size
 * and pushes the text on, one window at a time, so a 300 MB document never
 * sits in memory (ingest); a cap on the output refuses a gzip bomb as it
 * expands (fdnix_gzip_decompress(), for files from a bucket).  Concatenated
 * members (pigz, `cat a.gz b.gz`) read as one stream.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The next stage: return FALSE with @error set to stop the source. */
typedef gboolean (*FdnixChunkFunc) (const gchar *data,
                                    gsize        length,
                                    gpointer     user_data,
                                    GError     **error);

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

typedef struct _FdnixGzipReader FdnixGzipReader;

FdnixGzipReader *fdnix_gzip_reader_new    (const gchar     *what,
                                           guint64          max_size,
                                           FdnixChunkFunc   func,
                                           gpointer         user_data);
gboolean         fdnix_gzip_reader_feed   (FdnixGzipReader *self,
                                           const void      *data,
                                           gsize            length,
                                           GError         **error);
gboolean         fdnix_gzip_reader_finish (FdnixGzipReader *self,
                                           GError         **error);
void             fdnix_gzip_reader_free   (FdnixGzipReader *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdnixGzipWriter, fdnix_gzip_writer_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdnixGzipReader, fdnix_gzip_reader_free)

G_END_DECLS
