/* fdnix-embed-pass.h: embed every record that needs it.
 *
 * Scans the store for records without a vector of the current model (in
 * one shard, or all), builds and caps their texts, sends them through the
 * pool in batches and hands the vectors, in scan order, to the batch sink,
 * which stores files and marks records.  Memory holds the jobs in flight
 * and one open file, whatever the size of the table.
 */
#pragma once

#include "vectors/fdnix-batch-sink.h"
#include "embed/fdnix-embed-pool.h"
#include "store/fdnix-store.h"

G_BEGIN_DECLS

typedef struct {
  guint batch_size;    /* texts per request: 1 to the embedder's max */
  guint max_pending;   /* jobs submitted and not yet written */
  guint shard_index;
  guint shard_count;   /* 0 or 1: no sharding */
} FdnixEmbedPassOptions;

gboolean fdnix_embed_pass (FdnixStore                  *store,
                           FdnixEmbedder               *embedder,
                           FdnixEmbedPool              *pool,
                           FdnixBatchSink              *sink,
                           const FdnixEmbedPassOptions *options,
                           guint64                     *out_embedded,
                           GError                     **error);

G_END_DECLS
