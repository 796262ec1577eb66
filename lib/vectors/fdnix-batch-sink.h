/* fdnix-batch-sink.h: vectors into batch files, then records marked.
 *
 * The order is the crash-safety argument: a file is stored completely
 * (atomic put) before any record points to it, so a record with
 * hasEmbedding=true always has its vector in the file it names.  A crash
 * after the put and before the marks leaves an unreferenced file, which the
 * next index step deletes; a crash among the marks leaves a file with
 * entries no record points to, which the index step compacts.
 *
 * Records whose vector is lost are unmarked through the sink too
 * (hasEmbedding=false), so they are embedded again.
 *
 * The sink remembers every file it wrote (with the digest of its ids) so
 * the index step of the same process need not read them back.
 */
#pragma once

#include "vectors/fdnix-objects.h"
#include "vectors/fdnix-vector-file.h"
#include "store/fdnix-store.h"

G_BEGIN_DECLS

/* Which record a vector belongs to: what the sink stores a vector under
 * and marks, or unmarks.  The embed pass keeps one per text in flight, the
 * index step one per live entry of a file it compacts. */
typedef struct {
  gchar *package_name;
  gchar *version;
  gchar *embed_text_hash;
} FdnixVectorOwner;

FdnixVectorOwner *fdnix_vector_owner_new  (const gchar      *package_name,
                                           const gchar      *version,
                                           const gchar      *embed_text_hash);
void              fdnix_vector_owner_free (FdnixVectorOwner *owner);

typedef struct _FdnixBatchSink FdnixBatchSink;

FdnixBatchSink *fdnix_batch_sink_new        (FdnixStore      *store,
                                             FdnixObjects    *objects,
                                             const gchar     *run_id,
                                             const gchar     *model,
                                             guint            dimension,
                                             guint            vectors_per_file);
gboolean        fdnix_batch_sink_add        (FdnixBatchSink  *self,
                                             const gchar     *package_name,
                                             const gchar     *version,
                                             const gchar     *embed_text_hash,
                                             const gfloat    *vector,
                                             GError         **error);
gboolean        fdnix_batch_sink_unmark     (FdnixBatchSink  *self,
                                             const gchar     *package_name,
                                             const gchar     *version,
                                             const gchar     *embed_text_hash,
                                             GError         **error);
gboolean        fdnix_batch_sink_flush      (FdnixBatchSink  *self,
                                             GError         **error);
const FdnixBatchFileInfo *fdnix_batch_sink_lookup (FdnixBatchSink *self,
                                                   const gchar    *key);
GPtrArray      *fdnix_batch_sink_files_since (FdnixBatchSink *self,
                                              guint           mark);
guint           fdnix_batch_sink_get_mark   (FdnixBatchSink  *self);
guint64         fdnix_batch_sink_get_vectors (FdnixBatchSink *self);
guint64         fdnix_batch_sink_get_unapplied (FdnixBatchSink *self);
guint64         fdnix_batch_sink_get_unmarked  (FdnixBatchSink *self);
void            fdnix_batch_sink_free       (FdnixBatchSink  *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdnixVectorOwner, fdnix_vector_owner_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdnixBatchSink, fdnix_batch_sink_free)

G_END_DECLS
