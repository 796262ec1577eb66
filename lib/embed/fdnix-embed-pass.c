/* fdnix-embed-pass.c: scan → texts → pool → sink. */
#include "config.h"

#include "core/fdnix-cancel.h"
#include "core/fdnix-error.h"
#include "core/fdnix-progress.h"
#include "core/fdnix-record.h"
#include "core/fdnix-summary.h"
#include "embed/fdnix-embed-pass.h"

typedef struct {
  FdnixEmbedder               *embedder;
  FdnixEmbedPool              *pool;
  FdnixBatchSink              *sink;
  const FdnixEmbedPassOptions *options;
  guint                        dimension;
  guint                        max_chars;
  FdnixEmbedJob               *job;      /* being filled */
  guint64                      embedded;
  guint64                      scanned;
  FdnixProgress               *progress;
} Pass;

static GPtrArray *
job_items (FdnixEmbedJob *job)
{
  return job->user_data;
}

/* Waits for the oldest job and writes its vectors. */
static gboolean
drain_one (Pass *pass, GError **error)
{
  g_autoptr(FdnixEmbedJob) job = fdnix_embed_pool_next (pass->pool);
  GPtrArray *items;

  if (job == NULL)
    return TRUE;
  if (job->error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&job->error));
      return FALSE;
    }
  items = job_items (job);
  for (guint i = 0; i < items->len; i++)
    {
      FdnixVectorOwner *item = items->pdata[i];

      if (!fdnix_batch_sink_add (pass->sink, item->package_name, item->version,
                                 item->embed_text_hash,
                                 job->vectors + (gsize) i * pass->dimension, error))
        return FALSE;
    }
  pass->embedded += items->len;
  fdnix_count ("embedded", items->len);
  fdnix_progress_update (pass->progress, pass->embedded, pass->embedded);
  return TRUE;
}

static gboolean
submit_job (Pass *pass, GError **error)
{
  if (pass->job == NULL)
    return TRUE;
  fdnix_embed_pool_submit (pass->pool, g_steal_pointer (&pass->job));
  while (fdnix_embed_pool_pending (pass->pool) > pass->options->max_pending)
    if (!drain_one (pass, error))
      return FALSE;
  return TRUE;
}

static gboolean
on_record (FdnixRecord *record, gpointer user_data, GError **error)
{
  Pass *pass = user_data;
  g_autofree gchar *text = NULL;
  FdnixVectorOwner *item;

  if (!fdnix_cancel_check (error))
    return FALSE;
  pass->scanned++;
  text = fdnix_record_embedding_text (record);
  /* which record the text came from */
  item = fdnix_vector_owner_new (record->package_name, record->version, record->embed_text_hash);
  if (item->embed_text_hash == NULL)
    {
      /* a record from an older writer: the store's guard needs the hash */
      g_autoptr(FdnixRecord) copy = fdnix_record_copy (record);
      fdnix_record_compute_hashes (copy);
      item->embed_text_hash = g_steal_pointer (&copy->embed_text_hash);
    }
  if (pass->job == NULL)
    pass->job = fdnix_embed_job_new (g_ptr_array_new_with_free_func ((GDestroyNotify) fdnix_vector_owner_free),
                                     (GDestroyNotify) g_ptr_array_unref);
  g_ptr_array_add (pass->job->texts, fdnix_embed_text_cap (text, pass->max_chars));
  g_ptr_array_add (job_items (pass->job), item);
  if (pass->job->texts->len >= pass->options->batch_size)
    return submit_job (pass, error);
  return TRUE;
}

/**
 * fdnix_embed_pass:
 * @store: the package table
 * @embedder: the embedder (model, dimension, limits)
 * @pool: a pool running @embedder
 * @sink: where vectors go
 * @options: batch size, queue depth, shard
 * @out_embedded: (out) (optional): packages embedded and recorded
 * @error: return location for an error
 *
 * On failure, vectors already computed are still stored and recorded
 * (they are good), so a rerun continues where this one stopped.
 *
 * Returns: TRUE when every record that needed a vector has one.
 */
gboolean
fdnix_embed_pass (FdnixStore *store, FdnixEmbedder *embedder, FdnixEmbedPool *pool,
                  FdnixBatchSink *sink, const FdnixEmbedPassOptions *options,
                  guint64 *out_embedded, GError **error)
{
  Pass pass = { 0 };
  FdnixScanOptions scan = { 0 };
  g_autoptr(GError) local_error = NULL;
  g_autoptr(FdnixProgress) progress = fdnix_progress_new ("embedding", "packages", 0);
  gboolean ok;

  pass.embedder = embedder;
  pass.pool = pool;
  pass.sink = sink;
  pass.options = options;
  pass.dimension = fdnix_embedder_get_dimension (embedder);
  pass.max_chars = fdnix_embedder_get_max_chars (embedder);
  pass.progress = progress;
  scan.filter = FDNIX_SCAN_NEEDS_EMBEDDING;
  scan.model = fdnix_embedder_get_model (embedder);
  scan.shard_index = options->shard_index;
  scan.shard_count = options->shard_count;

  ok = fdnix_store_scan (store, &scan, on_record, &pass, &local_error) &&
       submit_job (&pass, &local_error);
  /* Drain what is in flight: finished vectors are worth keeping even when
   * the run failed (a failed job stops the rest, see drain_one). */
  while (fdnix_embed_pool_pending (pool) > 0)
    {
      g_autoptr(GError) drain_error = NULL;

      if (!drain_one (&pass, &drain_error) && local_error == NULL)
        local_error = g_steal_pointer (&drain_error);
    }
  g_clear_pointer (&pass.job, fdnix_embed_job_free);
  if (!fdnix_batch_sink_flush (sink, local_error == NULL ? &local_error : NULL))
    ok = FALSE;
  fdnix_progress_finish (progress);
  if (out_embedded != NULL)
    *out_embedded = pass.embedded;
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  return ok;
}
