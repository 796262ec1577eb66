/* fdnix-sync.c: the incremental diff between an evaluation and a store. */
#include "config.h"

#include "core/fdnix-cancel.h"
#include "core/fdnix-error.h"
#include "core/fdnix-floor.h"
#include "core/fdnix-summary.h"
#include "ingest/fdnix-sync.h"

struct _FdnixSync {
  FdnixStore      *store;
  FdnixSyncOptions options;
  FdnixSyncStats   stats;
  gchar           *now;       /* lastUpdated for every record written by this run */
  gboolean         active;
};

/**
 * fdnix_sync_options_from_config:
 * @config: a configuration with fdnix_floor_settings
 * @out_options: (out caller-allocates): the options
 */
void
fdnix_sync_options_from_config (FdnixConfig *config, FdnixSyncOptions *out_options)
{
  FdnixFloor floor;

  fdnix_floor_from_config (config, &floor);
  out_options->min_ratio = floor.min_ratio;
  out_options->min_packages = floor.min_packages;
  out_options->allow_shrink = floor.allow_shrink;
  out_options->dry_run = FALSE;
}

static FdnixFloor
options_floor (const FdnixSyncOptions *options)
{
  FdnixFloor floor = { options->min_ratio, options->min_packages, options->allow_shrink };

  return floor;
}

/**
 * fdnix_sync_floor:
 * @options: sync options
 * @stored: packages in the store before the run
 *
 * Returns: the fewest packages a run must read to be trusted.
 */
guint64
fdnix_sync_floor (const FdnixSyncOptions *options, guint64 stored)
{
  FdnixFloor floor = options_floor (options);

  return fdnix_floor_minimum (&floor, stored);
}

/**
 * fdnix_sync_new:
 * @store: the store to bring in step (referenced)
 * @options: floors and dry-run
 *
 * Returns: (transfer full): a sync, not yet begun.
 */
FdnixSync *
fdnix_sync_new (FdnixStore *store, const FdnixSyncOptions *options)
{
  FdnixSync *self = g_new0 (FdnixSync, 1);

  self->store = g_object_ref (store);
  self->options = *options;
  self->now = fdnix_now_iso8601 ();
  return self;
}

/**
 * fdnix_sync_free:
 * @self: (transfer full) (nullable): a sync; an active one is aborted
 */
void
fdnix_sync_free (FdnixSync *self)
{
  if (self == NULL)
    return;
  fdnix_sync_abort (self);
  g_object_unref (self->store);
  g_free (self->now);
  g_free (self);
}

/**
 * fdnix_sync_begin:
 * @self: a sync
 * @error: return location for an error
 *
 * Counts what the store holds (for the floor) and starts the store's sync.
 *
 * Returns: TRUE on success.
 */
gboolean
fdnix_sync_begin (FdnixSync *self, GError **error)
{
  if (!fdnix_store_count (self->store, &self->stats.stored_before, error) ||
      !fdnix_store_begin_sync (self->store, error))
    return FALSE;
  self->active = TRUE;
  g_info ("%s holds %" G_GUINT64_FORMAT " packages", fdnix_store_describe (self->store),
          self->stats.stored_before);
  return TRUE;
}

/* A changed record keeps its vector when the text it was embedded from is
 * the same: only its bookkeeping moves over. */
static void
carry_embedding (FdnixRecord *record, const FdnixStoredState *previous, FdnixSyncStats *stats)
{
  if (previous == NULL || !previous->has_embedding ||
      g_strcmp0 (previous->embed_text_hash, record->embed_text_hash) != 0)
    return;
  record->has_embedding = TRUE;
  g_free (record->embedding_model);
  record->embedding_model = g_strdup (previous->embedding_model);
  g_free (record->vector_file);
  record->vector_file = g_strdup (previous->vector_file);
  stats->embeddings_kept++;
}

/**
 * fdnix_sync_record:
 * @record: a normalized record with hashes (modified: lastUpdated and the
 *   embedding fields are set)
 * @self: (type FdnixSync): a begun sync; a #FdnixPackageFunc user_data
 * @error: return location for an error
 *
 * Diffs one record against the store and stages what must change.
 *
 * Returns: TRUE on success.
 */
gboolean
fdnix_sync_record (FdnixRecord *record, gpointer user_data, GError **error)
{
  FdnixSync *self = user_data;
  g_autoptr(FdnixStoredState) previous = NULL;

  if (!fdnix_cancel_check (error))
    return FALSE;
  self->stats.received++;
  if (!fdnix_store_lookup (self->store, record->package_name, &previous, error))
    return FALSE;

  if (previous != NULL && g_strcmp0 (previous->version, record->version) == 0 &&
      g_strcmp0 (previous->content_hash, record->content_hash) == 0)
    {
      self->stats.unchanged++;
      return fdnix_store_mark_seen (self->store, record->package_name, record->version, error);
    }

  if (previous == NULL)
    self->stats.added++;
  else
    self->stats.updated++;
  carry_embedding (record, previous, &self->stats);
  g_free (record->last_updated);
  record->last_updated = g_strdup (self->now);
  g_debug ("%s %s (%s)", previous == NULL ? "new" : "changed", record->package_name, record->version);
  return fdnix_store_stage_put (self->store, record, previous, error);
}

/**
 * fdnix_sync_commit:
 * @self: a begun sync whose input was read completely
 * @error: return location for an error
 *
 * Commits when the run is trustworthy: at or above the package floor.
 * Below it, or on a dry run, everything staged is dropped (a dry run still
 * succeeds; the floor fails with FDNIX_ERROR_UNSAFE).
 *
 * Returns: TRUE on success.
 */
gboolean
fdnix_sync_commit (FdnixSync *self, GError **error)
{
  FdnixFloor floor = options_floor (&self->options);
  FdnixCommitCounts counts = { 0 };
  guint64 changes = self->stats.added + self->stats.updated;

  g_return_val_if_fail (self->active, FALSE);
  if (!fdnix_floor_check (&floor, self->stats.stored_before, self->stats.received, error))
    {
      fdnix_sync_abort (self);
      g_prefix_error (error, "only %" G_GUINT64_FORMAT " packages read, but %s holds %"
                      G_GUINT64_FORMAT ": nothing written or deleted: ",
                      self->stats.received, fdnix_store_describe (self->store),
                      self->stats.stored_before);
      return FALSE;
    }
  if (self->options.dry_run)
    {
      /* Every stored package this run saw was either unchanged or updated,
       * so the rest is what a real run would delete. */
      guint64 seen_stored = self->stats.unchanged + self->stats.updated;
      guint64 would_delete = self->stats.stored_before > seen_stored
                               ? self->stats.stored_before - seen_stored : 0;

      g_message ("dry run: would write %" G_GUINT64_FORMAT " and delete %" G_GUINT64_FORMAT
                 " packages; nothing changed", changes, would_delete);
      fdnix_sync_abort (self);
      return TRUE;
    }
  if (!fdnix_store_commit_sync (self->store, TRUE, &counts, error))
    {
      self->active = FALSE;
      return FALSE;
    }
  self->active = FALSE;
  self->stats.deleted = counts.deletes;
  self->stats.written = changes;
  return TRUE;
}

/**
 * fdnix_sync_abort:
 * @self: a sync
 *
 * Drops everything staged; the store stays as before.  Safe to call twice.
 */
void
fdnix_sync_abort (FdnixSync *self)
{
  if (!self->active)
    return;
  fdnix_store_abort_sync (self->store);
  self->active = FALSE;
}

/**
 * fdnix_sync_get_stats:
 * @self: a sync
 *
 * Returns: (transfer none): what the sync saw and did so far.
 */
const FdnixSyncStats *
fdnix_sync_get_stats (FdnixSync *self)
{
  return &self->stats;
}
