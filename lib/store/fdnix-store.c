/* fdnix-store.c: FdnixStore interface dispatch and shared helpers. */
#include "config.h"

#include "core/fdnix-hash.h"
#include "store/fdnix-store.h"

G_DEFINE_INTERFACE (FdnixStore, fdnix_store, G_TYPE_OBJECT)

static void
fdnix_store_default_init (FdnixStoreInterface *iface)
{
}

/**
 * fdnix_stored_state_free:
 * @state: (transfer full) (nullable): a stored state
 */
void
fdnix_stored_state_free (FdnixStoredState *state)
{
  if (state == NULL)
    return;
  g_free (state->package_name);
  g_free (state->version);
  g_free (state->content_hash);
  g_free (state->embed_text_hash);
  g_free (state->embedding_model);
  g_free (state->vector_file);
  g_free (state->last_updated);
  g_free (state);
}

/**
 * fdnix_embedding_update_free:
 * @update: (transfer full) (nullable): an embedding update
 */
void
fdnix_embedding_update_free (FdnixEmbeddingUpdate *update)
{
  if (update == NULL)
    return;
  g_free (update->package_name);
  g_free (update->version);
  g_free (update->embed_text_hash);
  g_free (update->embedding_model);
  g_free (update->vector_file);
  g_free (update);
}

/**
 * fdnix_scan_options_match:
 * @options: scan options
 * @record: a record
 *
 * The scan filter in C, for back ends that cannot filter server-side (and
 * to check those that do).
 *
 * Returns: whether @record belongs in a scan with @options.
 */
gboolean
fdnix_scan_options_match (const FdnixScanOptions *options, const FdnixRecord *record)
{
  if (options->shard_count > 1 &&
      fdnix_shard_of (record->package_name, options->shard_count) != options->shard_index)
    return FALSE;
  switch (options->filter)
    {
    case FDNIX_SCAN_NEEDS_EMBEDDING:
      return !record->has_embedding || g_strcmp0 (record->embedding_model, options->model) != 0;
    case FDNIX_SCAN_EMBEDDED:
      return record->has_embedding && g_strcmp0 (record->embedding_model, options->model) == 0;
    case FDNIX_SCAN_ALL:
    default:
      return TRUE;
    }
}

#define IFACE(self) FDNIX_STORE_GET_IFACE (self)

/**
 * fdnix_store_describe:
 * @self: a store
 *
 * Returns: (transfer none): a short human description ("SQLite /path",
 *   "DynamoDB table fdnix-packages") for logs.
 */
const gchar *
fdnix_store_describe (FdnixStore *self)
{
  return IFACE (self)->describe (self);
}

/**
 * fdnix_store_count:
 * @self: a store
 * @out_count: (out): number of records stored (committed state)
 * @error: return location for an error
 *
 * Returns: TRUE on success.
 */
gboolean
fdnix_store_count (FdnixStore *self, guint64 *out_count, GError **error)
{
  return IFACE (self)->count (self, out_count, error);
}

/**
 * fdnix_store_begin_sync:
 * @self: a store
 * @error: return location for an error
 *
 * Starts a sync.  Only one sync runs on a store object at a time.
 *
 * Returns: TRUE on success.
 */
gboolean
fdnix_store_begin_sync (FdnixStore *self, GError **error)
{
  return IFACE (self)->begin_sync (self, error);
}

/**
 * fdnix_store_lookup:
 * @self: a store in a sync
 * @package_name: attribute path
 * @out_state: (out) (transfer full) (nullable): the stored state, NULL when
 *   the package is not stored
 * @error: return location for an error
 *
 * Returns: TRUE on success (whether or not the package exists).
 */
gboolean
fdnix_store_lookup (FdnixStore *self, const gchar *package_name,
                    FdnixStoredState **out_state, GError **error)
{
  return IFACE (self)->lookup (self, package_name, out_state, error);
}

/**
 * fdnix_store_stage_put:
 * @self: a store in a sync
 * @record: the new or changed record, complete with hashes and lastUpdated
 * @previous: (nullable): its stored state (a different version is replaced)
 * @error: return location for an error
 *
 * Stages a write and marks the record's key as seen.  Nothing is visible
 * to readers before fdnix_store_commit_sync().
 *
 * Returns: TRUE on success.
 */
gboolean
fdnix_store_stage_put (FdnixStore *self, const FdnixRecord *record,
                       const FdnixStoredState *previous, GError **error)
{
  return IFACE (self)->stage_put (self, record, previous, error);
}

/**
 * fdnix_store_mark_seen:
 * @self: a store in a sync
 * @package_name: an unchanged package's attribute path
 * @version: its version
 * @error: return location for an error
 *
 * Records that an unchanged package is still in nixpkgs, so that commit
 * does not delete it.
 *
 * Returns: TRUE on success.
 */
gboolean
fdnix_store_mark_seen (FdnixStore *self, const gchar *package_name,
                       const gchar *version, GError **error)
{
  return IFACE (self)->mark_seen (self, package_name, version, error);
}

/**
 * fdnix_store_commit_sync:
 * @self: a store in a sync
 * @delete_unseen: whether keys not seen in this sync are deleted (only
 *   after a complete, valid run above the package floor)
 * @out_counts: (out) (optional): what was written
 * @error: return location for an error
 *
 * Applies the staged writes (and deletes).  On failure the sync is over;
 * what was applied depends on the back end, and a rerun converges.
 *
 * Returns: TRUE on success.
 */
gboolean
fdnix_store_commit_sync (FdnixStore *self, gboolean delete_unseen,
                         FdnixCommitCounts *out_counts, GError **error)
{
  FdnixCommitCounts counts = { 0 };
  gboolean ok = IFACE (self)->commit_sync (self, delete_unseen, &counts, error);

  if (out_counts != NULL)
    *out_counts = counts;
  return ok;
}

/**
 * fdnix_store_abort_sync:
 * @self: a store in a sync
 *
 * Drops everything staged: the store stays as it was before begin_sync.
 */
void
fdnix_store_abort_sync (FdnixStore *self)
{
  IFACE (self)->abort_sync (self);
}

/**
 * fdnix_store_scan:
 * @self: a store (not in a sync)
 * @options: filter and shard
 * @func: (scope call): called for each matching record
 * @user_data: for @func
 * @error: return location for an error
 *
 * Visits matching records in pages, never holding the whole table.  @func
 * may call fdnix_store_set_embeddings() on the same store.
 *
 * Returns: TRUE when every record was visited.
 */
gboolean
fdnix_store_scan (FdnixStore *self, const FdnixScanOptions *options,
                  FdnixRecordFunc func, gpointer user_data, GError **error)
{
  return IFACE (self)->scan (self, options, func, user_data, error);
}

/**
 * fdnix_store_set_embeddings:
 * @self: a store
 * @updates: (element-type FdnixEmbeddingUpdate): what to record
 * @out_applied: (out) (optional): updates applied (a record whose text
 *   changed since it was embedded is left alone)
 * @error: return location for an error
 *
 * Returns: TRUE on success.
 */
gboolean
fdnix_store_set_embeddings (FdnixStore *self, GPtrArray *updates,
                            guint64 *out_applied, GError **error)
{
  guint64 applied = 0;
  gboolean ok = IFACE (self)->set_embeddings (self, updates, &applied, error);

  if (out_applied != NULL)
    *out_applied = applied;
  return ok;
}
