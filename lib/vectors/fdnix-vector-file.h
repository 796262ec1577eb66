/* fdnix-vector-file.h: vector batch files (vectors/batch_<run>_<seq>.json.gz).
 *
 * The format is the original pipeline's:
 *   {"vectors":[{"id":"<packageName>#<version>","vector":[...],
 *                "metadata":{"packageName":...,"version":...}}, ...],
 *    "count":N,"dimension":D}
 * gzip'd deterministically.  Numbers are written with 9 significant digits
 * at most (fewer when shorter text reads back to the same float32), so a
 * vector read back and written again is byte-identical.
 *
 * A file is written whole in memory (bounded by the vectors-per-file
 * setting) and read whole into one float block; nothing here ever holds
 * more than one file.  A file read may come from anyone who can write to
 * the bucket: its text is capped at FDNIX_VECTOR_FILE_MAX_TEXT, its
 * vectors at FDNIX_VECTOR_MAX_DIMENSION numbers and
 * FDNIX_VECTOR_FILE_MAX_VECTORS entries (fdnix-vector-index.h), checked
 * while reading, so memory stays below a few times the text cap.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* the most JSON text a stored batch file may inflate to (fdnix-embed(1)):
 * 1000 vectors of 8192 numbers at 12 characters each is 98 MB */
#define FDNIX_VECTOR_FILE_MAX_TEXT (128 * 1024 * 1024)

/* An order-independent digest of a set of ids: two files (or a file and
 * the records pointing to it) hold the same ids exactly when their digests
 * and counts agree (up to a 2^-128 chance). */
typedef struct {
  guint64 count;
  guint64 sum_hi;
  guint64 sum_lo;
} FdnixIdsDigest;

void   fdnix_ids_digest_add       (FdnixIdsDigest       *digest,
                                   const gchar          *package_name,
                                   const gchar          *version);
void   fdnix_ids_digest_add_id    (FdnixIdsDigest       *digest,
                                   const gchar          *id);
gchar *fdnix_ids_digest_to_string (const FdnixIdsDigest *digest);
gchar *fdnix_vector_id            (const gchar          *package_name,
                                   const gchar          *version);

/* What the index says about a file. */
typedef struct {
  gchar   *key;
  guint64  vector_count;
  guint    dimension;
  guint64  size;         /* compressed bytes, as stored */
  gchar   *sha256;       /* of the stored (compressed) bytes */
  gchar   *ids_digest;   /* fdnix_ids_digest_to_string(); NULL if unknown */
} FdnixBatchFileInfo;

FdnixBatchFileInfo *fdnix_batch_file_info_new  (const gchar              *key);
FdnixBatchFileInfo *fdnix_batch_file_info_copy (const FdnixBatchFileInfo *info);
void                fdnix_batch_file_info_free (FdnixBatchFileInfo       *info);

/* Writing */
typedef struct _FdnixVectorFileWriter FdnixVectorFileWriter;

FdnixVectorFileWriter *fdnix_vector_file_writer_new       (guint                  dimension);
void                   fdnix_vector_file_writer_add       (FdnixVectorFileWriter *self,
                                                           const gchar           *package_name,
                                                           const gchar           *version,
                                                           const gfloat          *vector);
guint                  fdnix_vector_file_writer_get_count (FdnixVectorFileWriter *self);
GBytes                *fdnix_vector_file_writer_finish    (FdnixVectorFileWriter *self,
                                                           const gchar           *key,
                                                           FdnixBatchFileInfo   **out_info);
void                   fdnix_vector_file_writer_free      (FdnixVectorFileWriter *self);

/* Reading */
typedef struct {
  guint       count;
  guint       dimension;
  GPtrArray  *ids;            /* gchar*, as written */
  GPtrArray  *package_names;  /* gchar*, from metadata (or the id) */
  GPtrArray  *versions;       /* gchar*, from metadata (or the id) */
  gfloat     *vectors;        /* count × dimension */
} FdnixVectorBatch;

FdnixVectorBatch *fdnix_vector_batch_parse (const gchar       *json,
                                            gsize              length,
                                            GError           **error);
FdnixVectorBatch *fdnix_vector_batch_load  (GBytes            *stored,
                                            const gchar       *key,
                                            FdnixBatchFileInfo **out_info,
                                            GError           **error);
void              fdnix_vector_batch_free  (FdnixVectorBatch  *batch);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdnixBatchFileInfo, fdnix_batch_file_info_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdnixVectorFileWriter, fdnix_vector_file_writer_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdnixVectorBatch, fdnix_vector_batch_free)

G_END_DECLS
