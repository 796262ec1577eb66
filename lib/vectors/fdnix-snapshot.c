/* fdnix-snapshot.c: verify, compact, index, clean up. */
#include "config.h"

#include <string.h>

#include "core/fdnix-cancel.h"
#include "core/fdnix-error.h"
#include "core/fdnix-hash.h"
#include "core/fdnix-record.h"
#include "core/fdnix-summary.h"
#include "vectors/fdnix-crash-point.h"
#include "vectors/fdnix-snapshot.h"
#include "vectors/fdnix-vector-index.h"

typedef enum {
  FILE_EXACT,    /* holds exactly the records pointing to it */
  FILE_COMPACT,  /* to be rewritten */
  FILE_MISSING,  /* gone or unreadable: its records lose their vectors */
} FileStateKind;

typedef struct {
  gchar              *key;
  FdnixIdsDigest      records;  /* ids of the records pointing here */
  FdnixBatchFileInfo *info;     /* what the file holds; NULL if unknown */
  FileStateKind       kind;
  GHashTable         *live;     /* name → FdnixVectorOwner, for FILE_COMPACT;
                                   an entry moved into the sink leaves */
} FileState;

static void
file_state_free (FileState *fs)
{
  g_free (fs->key);
  fdnix_batch_file_info_free (fs->info);
  if (fs->live != NULL)
    g_hash_table_unref (fs->live);
  g_free (fs);
}

typedef struct {
  FdnixStore       *store;
  FdnixObjects     *objects;
  const FdnixEmbedderInfo *embedder;
  FdnixBatchSink   *sink;
  const gchar      *model;
  guint             dimension;
  guint             vectors_per_file;
  guint64           keep_superseded;  /* seconds; 0: delete at once */
  FdnixVectorIndex *published; /* the index found in the objects, or NULL */
  FdnixVectorIndex *previous;  /* the same when usable (this model), or NULL */
  FdnixSnapshotResult *result;
  const FdnixFloor *floor;     /* or NULL: no floor */
  const FdnixBundleBuilder *bundle; /* or NULL: no search bundle */
  guint64           published_vectors; /* vectors the current index lists (any model) */
  guint64           embedded;  /* records embedded with the model (pass A): what
                                  the index will list once lost ones are redone */
  GHashTable       *stored;    /* key → size of the batch files under vectors/ */
  GHashTable       *files;     /* key → FileState */
} Step;

static gboolean
unmark_record (Step *step, FdnixRecord *record, GError **error)
{
  return fdnix_batch_sink_unmark (step->sink, record->package_name, record->version,
                                  record->embed_text_hash, error);
}

/* Pass A: per file, the digest of the records pointing to it. */
static gboolean
on_count (FdnixRecord *record, gpointer user_data, GError **error)
{
  Step *step = user_data;
  FileState *fs;

  if (!fdnix_cancel_check (error))
    return FALSE;
  step->embedded++;
  if (record->vector_file == NULL || !fdnix_vector_key_is_batch (record->vector_file))
    {
      /* hasEmbedding without a file (the original pipeline's records): the
       * vector cannot be found, so it is made again */
      return unmark_record (step, record, error);
    }
  fs = g_hash_table_lookup (step->files, record->vector_file);
  if (fs == NULL)
    {
      fs = g_new0 (FileState, 1);
      fs->key = g_strdup (record->vector_file);
      g_hash_table_insert (step->files, fs->key, fs);
    }
  fdnix_ids_digest_add (&fs->records, record->package_name, record->version);
  return TRUE;
}

/* The package floor, for an index that would list @listed vectors: checked
 * once the records are counted, before anything is written, and again on
 * the index itself. */
static gboolean
check_floor (Step *step, guint64 listed, GError **error)
{
  if (step->floor == NULL || fdnix_floor_check (step->floor, step->published_vectors, listed, error))
    return TRUE;
  g_prefix_error (error, "the new index would list %" G_GUINT64_FORMAT " vectors, but %s lists %"
                  G_GUINT64_FORMAT ": index not written, no batch file deleted: ",
                  listed, FDNIX_VECTOR_INDEX_KEY, step->published_vectors);
  return FALSE;
}

/* Pass B: the records of files to compact; unmark those of lost files. */
static gboolean
on_collect (FdnixRecord *record, gpointer user_data, GError **error)
{
  Step *step = user_data;
  FileState *fs;
  FdnixVectorOwner *live;

  if (!fdnix_cancel_check (error))
    return FALSE;
  if (record->vector_file == NULL)
    return TRUE;
  fs = g_hash_table_lookup (step->files, record->vector_file);
  if (fs == NULL || fs->kind == FILE_EXACT)
    return TRUE;
  if (fs->kind == FILE_MISSING)
    return unmark_record (step, record, error);
  live = fdnix_vector_owner_new (record->package_name, record->version, record->embed_text_hash);
  if (fs->live == NULL)
    fs->live = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) fdnix_vector_owner_free);
  g_hash_table_replace (fs->live, live->package_name, live);
  return TRUE;
}

static gint
compare_keys (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const gchar * const *) a, *(const gchar * const *) b);
}

/* The files' keys in order: runs are deterministic. */
static GPtrArray *
sorted_keys (GHashTable *table)
{
  GPtrArray *keys = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, table);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (keys, key);
  g_ptr_array_sort (keys, compare_keys);
  return keys;
}

/* The batch files and search bundles in the objects, with their sizes. */
static gboolean
list_stored (Step *step, GError **error)
{
  g_autoptr(GPtrArray) list = fdnix_objects_list (step->objects, FDNIX_VECTOR_PREFIX, error);
  g_autoptr(GPtrArray) bundles = list != NULL ? fdnix_objects_list (step->objects, FDNIX_BUNDLE_PREFIX, error)
                                              : NULL;

  if (bundles == NULL)
    return FALSE;
  g_ptr_array_extend_and_steal (list, g_steal_pointer (&bundles));
  step->stored = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  for (guint i = 0; i < list->len; i++)
    {
      FdnixObjectInfo *info = list->pdata[i];
      guint64 *size;

      if (!fdnix_vector_key_is_snapshot_file (info->key))
        continue;
      size = g_new (guint64, 1);
      *size = info->size;
      g_hash_table_insert (step->stored, g_strdup (info->key), size);
    }
  return TRUE;
}

/* A missing or unreadable index is no reason to stop (every file is then
 * read instead); a failure to reach the objects is. */
static gboolean
read_previous_index (Step *step, GError **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GBytes) bytes = fdnix_objects_get_capped (step->objects, FDNIX_VECTOR_INDEX_KEY,
                                                      FDNIX_VECTOR_INDEX_MAX_TEXT, &local_error);
  g_autoptr(FdnixVectorIndex) index = NULL;

  if (bytes == NULL)
    {
      if (g_error_matches (local_error, FDNIX_ERROR, FDNIX_ERROR_NOT_FOUND))
        return TRUE;
      if (g_error_matches (local_error, FDNIX_ERROR, FDNIX_ERROR_INVALID_DATA))
        {
          g_warning ("ignoring the previous index: %s", local_error->message);
          return TRUE;
        }
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  index = fdnix_vector_index_parse (bytes, &local_error);
  if (index == NULL)
    {
      g_warning ("ignoring the previous index (every file is read and checked instead): %s",
                 local_error->message);
      return TRUE;
    }
  step->published = g_steal_pointer (&index);
  return TRUE;
}

/* A file that is gone, too large, or not a regular file is lost (its
 * packages are embedded again); any other failure (the network) stops. */
static gboolean
unusable_object (const GError *error)
{
  return g_error_matches (error, FDNIX_ERROR, FDNIX_ERROR_NOT_FOUND) ||
         g_error_matches (error, FDNIX_ERROR, FDNIX_ERROR_INVALID_DATA) ||
         g_error_matches (error, FDNIX_ERROR, FDNIX_ERROR_IO);
}

/* The count an ids digest ("<count>:<hex>") was made from. */
static gboolean
digest_count (const gchar *digest, guint64 *out_count)
{
  gchar *end = NULL;

  if (digest == NULL || !g_ascii_isdigit (digest[0]))
    return FALSE;
  *out_count = g_ascii_strtoull (digest, &end, 10);
  return end != NULL && *end == ':';
}

/* Whether @bytes are the file @entry describes.  The proof is a sha256
 * of the bytes themselves, not the store's ETag: an ETag is an MD5 only
 * for single-part uploads without KMS encryption, S3-compatible servers
 * differ, a directory has none, and the index records sha256 (which
 * fdnix-search checks too).  One GET per listed file and run is the cost;
 * the files are few (packages / vectors-per-file). */
static gboolean
entry_matches (const FdnixBatchFileInfo *entry, GBytes *bytes, guint dimension, gchar **out_why)
{
  g_autofree gchar *sha256 = NULL;
  guint64 count = 0;

  if (g_bytes_get_size (bytes) != entry->size)
    {
      *out_why = g_strdup_printf ("%" G_GSIZE_FORMAT " bytes, the entry says %" G_GUINT64_FORMAT,
                                  g_bytes_get_size (bytes), entry->size);
      return FALSE;
    }
  sha256 = fdnix_sha256_hex (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  if (g_ascii_strcasecmp (sha256, entry->sha256) != 0)
    {
      *out_why = g_strdup_printf ("sha256 %s, the entry says %s", sha256, entry->sha256);
      return FALSE;
    }
  /* the entry itself must be coherent: its count is its digest's */
  if (!digest_count (entry->ids_digest, &count) || count != entry->vector_count)
    {
      *out_why = g_strdup_printf ("the entry's vector_count %" G_GUINT64_FORMAT " is not its ids "
                                  "digest's", entry->vector_count);
      return FALSE;
    }
  if (entry->vector_count > 0 && entry->dimension != dimension)
    {
      *out_why = g_strdup_printf ("the entry's dimension %u is not the index's %u", entry->dimension,
                                  dimension);
      return FALSE;
    }
  return TRUE;
}

static void
repaired (Step *step, FileState *fs, const gchar *why)
{
  g_warning ("%s does not match its entry in the previous index (%s): repairing it, its %"
             G_GUINT64_FORMAT " package(s) will be embedded again", fs->key, why, fs->records.count);
  fs->kind = FILE_MISSING;
  step->result->files_repaired++;
  fdnix_count ("files_repaired", 1);
}

/* What a file holds: from this process's writes, the previous index
 * (after checking the file against it), or the file itself.  FALSE only
 * on errors worth stopping for (network). */
static gboolean
describe_file (Step *step, FileState *fs, GError **error)
{
  const FdnixBatchFileInfo *known = fdnix_batch_sink_lookup (step->sink, fs->key);
  const FdnixBatchFileInfo *entry = NULL;
  const guint64 *stored_size = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(FdnixVectorBatch) batch = NULL;
  g_autoptr(GError) local_error = NULL;

  stored_size = g_hash_table_lookup (step->stored, fs->key);
  if (stored_size == NULL)
    {
      g_warning ("%s is gone: %" G_GUINT64_FORMAT " package(s) will be embedded again",
                 fs->key, fs->records.count);
      fs->kind = FILE_MISSING;
      return TRUE;
    }
  /* this process wrote it: its description is first-hand */
  if (known != NULL && known->ids_digest != NULL && known->sha256 != NULL && known->size == *stored_size)
    {
      fs->info = fdnix_batch_file_info_copy (known);
      return TRUE;
    }
  /* A previous index entry is carried forward only once the object is
   * proven to be what it describes; one that does not match is repaired
   * (its packages embedded again), never published again. */
  if (known == NULL && step->previous != NULL)
    entry = fdnix_vector_index_lookup (step->previous, fs->key);
  if (entry != NULL && (entry->ids_digest == NULL || entry->sha256 == NULL))
    entry = NULL;  /* another writer's entry: read the file as if unlisted */
  if (entry != NULL && entry->size != *stored_size)
    {
      g_autofree gchar *why = g_strdup_printf ("%" G_GUINT64_FORMAT " bytes, the entry says %"
                                               G_GUINT64_FORMAT, *stored_size, entry->size);
      repaired (step, fs, why);
      return TRUE;
    }
  bytes = fdnix_objects_get (step->objects, fs->key, &local_error);
  if (bytes == NULL && !unusable_object (local_error))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (bytes != NULL && entry != NULL)
    {
      g_autofree gchar *why = NULL;

      if (!entry_matches (entry, bytes, step->dimension, &why))
        repaired (step, fs, why);
      else
        fs->info = fdnix_batch_file_info_copy (entry);
      return TRUE;
    }
  if (bytes != NULL)
    batch = fdnix_vector_batch_load (bytes, fs->key, &fs->info, &local_error);
  if (batch == NULL)
    {
      g_warning ("%s cannot be used (%s): %" G_GUINT64_FORMAT " package(s) will be embedded again",
                 fs->key, local_error->message, fs->records.count);
      fs->kind = FILE_MISSING;
    }
  return TRUE;
}

static gboolean
classify (Step *step, GError **error)
{
  g_autoptr(GPtrArray) keys = sorted_keys (step->files);
  g_autoptr(GPtrArray) underfull = g_ptr_array_new ();

  for (guint i = 0; i < keys->len; i++)
    {
      FileState *fs = g_hash_table_lookup (step->files, keys->pdata[i]);
      g_autofree gchar *expected = fdnix_ids_digest_to_string (&fs->records);

      if (!describe_file (step, fs, error))
        return FALSE;
      if (fs->kind == FILE_MISSING)
        continue;
      if (g_strcmp0 (fs->info->ids_digest, expected) != 0 || fs->info->dimension != step->dimension)
        {
          g_debug ("%s differs from its records (%s, expected %s)", fs->key,
                   fs->info->ids_digest, expected);
          fs->kind = FILE_COMPACT;
        }
      else if (fs->info->vector_count * 2 < step->vectors_per_file)
        g_ptr_array_add (underfull, fs);
    }
  /* Small files (shard tails, nightly increments) are merged, so the
   * number of files stays near packages / vectors-per-file. */
  if (underfull->len >= 2)
    for (guint i = 0; i < underfull->len; i++)
      ((FileState *) underfull->pdata[i])->kind = FILE_COMPACT;
  return TRUE;
}

static gboolean
any_file (Step *step, FileStateKind kind)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, step->files);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (((FileState *) value)->kind == kind)
      return TRUE;
  return FALSE;
}

static gboolean
unmark_live (Step *step, FileState *fs, GError **error)
{
  GHashTableIter iter;
  gpointer value;

  if (fs->live == NULL)
    return TRUE;
  g_hash_table_iter_init (&iter, fs->live);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      FdnixVectorOwner *live = value;

      if (!fdnix_batch_sink_unmark (step->sink, live->package_name, live->version, live->embed_text_hash,
                                    error))
        return FALSE;
    }
  return TRUE;
}

/* Moves a file's live entries (with their current ids) into the sink. */
static gboolean
compact_file (Step *step, FileState *fs, FdnixSnapshotResult *result, GError **error)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(FdnixVectorBatch) batch = NULL;
  g_autoptr(GError) local_error = NULL;
  guint moved = 0;

  bytes = fdnix_objects_get (step->objects, fs->key, &local_error);
  if (bytes == NULL && !unusable_object (local_error))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (bytes != NULL)
    batch = fdnix_vector_batch_load (bytes, fs->key, NULL, &local_error);
  if (batch == NULL)
    {
      g_warning ("cannot compact %s: %s", fs->key, local_error->message);
      return unmark_live (step, fs, error);
    }
  fdnix_crash_point ("compact-read");
  for (guint i = 0; fs->live != NULL && i < batch->count; i++)
    {
      FdnixVectorOwner *live = g_hash_table_lookup (fs->live, batch->package_names->pdata[i]);

      if (live == NULL || batch->dimension != step->dimension)
        continue;
      if (!fdnix_batch_sink_add (step->sink, live->package_name, live->version, live->embed_text_hash,
                                 batch->vectors + (gsize) i * batch->dimension, error))
        return FALSE;
      /* taken: a second entry of the name is neither moved nor unmarked */
      g_hash_table_remove (fs->live, batch->package_names->pdata[i]);
      moved++;
    }
  g_debug ("compacted %s: %u of %u entries kept", fs->key, moved, batch->count);
  result->files_compacted++;
  result->vectors_moved += moved;
  fdnix_count ("files_compacted", 1);
  fdnix_count ("vectors_moved", moved);
  /* records pointing here whose entry is not here: lost */
  return unmark_live (step, fs, error);
}

/* An ISO 8601 time in seconds since the epoch; @fallback when unreadable. */
static gint64
parse_time (const gchar *text, gint64 fallback)
{
  g_autoptr(GDateTime) time = text != NULL ? g_date_time_new_from_iso8601 (text, NULL) : NULL;

  return time != NULL ? g_date_time_to_unix (time) : fallback;
}

/* Which stored batch files the new index must name as superseded: those
 * the published index listed and the new one does not (since now), and
 * those it already named whose grace has not run out.  Everything else
 * that is not listed is deleted by clean_up(). */
static void
plan_superseded (Step *step, FdnixVectorIndex *index)
{
  g_autoptr(GHashTable) listed = g_hash_table_new (g_str_hash, g_str_equal);
  gint64 now = parse_time (index->created_at, g_get_real_time () / G_USEC_PER_SEC);

  if (step->published == NULL || step->keep_superseded == 0)
    return;
  for (guint i = 0; i < index->files->len; i++)
    g_hash_table_add (listed, ((FdnixBatchFileInfo *) index->files->pdata[i])->key);
  if (index->bundle != NULL)
    g_hash_table_add (listed, index->bundle->key);
  /* the previous bundle is kept like the previous files */
  if (step->published->bundle != NULL && !g_hash_table_contains (listed, step->published->bundle->key) &&
      g_hash_table_contains (step->stored, step->published->bundle->key))
    fdnix_vector_index_add_superseded (index, step->published->bundle->key, index->created_at);
  for (guint i = 0; i < step->published->files->len; i++)
    {
      const gchar *key = ((FdnixBatchFileInfo *) step->published->files->pdata[i])->key;

      if (!g_hash_table_contains (listed, key) && g_hash_table_contains (step->stored, key))
        fdnix_vector_index_add_superseded (index, key, index->created_at);
    }
  for (guint i = 0; i < step->published->superseded->len; i++)
    {
      const FdnixSupersededFile *file = step->published->superseded->pdata[i];
      /* unreadable: expired (a file no index lists must not stay for ever);
       * in the future (another clock): from now */
      gint64 since = MIN (parse_time (file->since, 0), now);

      if (g_hash_table_contains (listed, file->key) || !g_hash_table_contains (step->stored, file->key) ||
          now - since >= (gint64) step->keep_superseded ||
          index->superseded->len >= FDNIX_VECTOR_INDEX_MAX_FILES)
        continue;
      fdnix_vector_index_add_superseded (index, file->key, since == now ? index->created_at : file->since);
    }
}

static gboolean
write_index (Step *step, guint sink_mark, const gchar *run_id, FdnixSnapshotResult *result,
             FdnixVectorIndex **out_index, GError **error)
{
  g_autoptr(FdnixVectorIndex) index = fdnix_vector_index_new ();
  g_autoptr(GPtrArray) written = fdnix_batch_sink_files_since (step->sink, sink_mark);
  g_autoptr(GPtrArray) keys = sorted_keys (step->files);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GBytes) bundle_bytes = NULL;

  if (!fdnix_bundle_build (step->bundle, step->store, &index->bundle, &bundle_bytes, error))
    return FALSE;
  for (guint i = 0; i < keys->len; i++)
    {
      FileState *fs = g_hash_table_lookup (step->files, keys->pdata[i]);
      if (fs->kind == FILE_EXACT)
        fdnix_vector_index_add_file (index, fdnix_batch_file_info_copy (fs->info));
    }
  for (guint i = 0; i < written->len; i++)
    fdnix_vector_index_add_file (index, fdnix_batch_file_info_copy (written->pdata[i]));
  index->created_at = fdnix_now_iso8601 ();
  index->dimension = step->dimension;
  index->model = g_strdup (step->model);
  index->embedder = g_strdup (step->embedder->service);
  index->run_id = g_strdup (run_id);
  plan_superseded (step, index);
  fdnix_vector_index_finish (index);
  result->files_listed = index->files->len;
  result->total_vectors = index->total_vectors;
  result->files_superseded = index->superseded->len;
  result->bundle_size = index->bundle != NULL ? index->bundle->size : 0;
  /* returning here also skips the clean-up: every file stays */
  if (!check_floor (step, index->total_vectors, error) ||
      !fdnix_vector_index_check_limits (index, error))
    return FALSE;

  /* the bundle before the index that lists it, like a batch file; even
   * when the index is up to date (it may have been deleted or changed) */
  if (index->bundle != NULL)
    {
      const guint64 *stored_size = g_hash_table_lookup (step->stored, index->bundle->key);

      if (!fdnix_bundle_publish (step->objects, index->bundle, bundle_bytes,
                                 stored_size != NULL && *stored_size == index->bundle->size,
                                 &result->bundle_written, error))
        return FALSE;
    }
  if (step->previous != NULL && fdnix_vector_index_same_files (index, step->previous))
    g_info ("the index is up to date (%u files, %" G_GUINT64_FORMAT " vectors)",
            index->files->len, index->total_vectors);
  else
    {
      bytes = fdnix_vector_index_serialize (index);
      if (!fdnix_objects_put (step->objects, FDNIX_VECTOR_INDEX_KEY, bytes, error))
        return FALSE;
      result->index_written = TRUE;
      fdnix_count ("index_written", 1);
      g_message ("wrote %s: %u files, %" G_GUINT64_FORMAT " vectors (%u superseded files kept for "
                 "readers of the previous index)", FDNIX_VECTOR_INDEX_KEY, index->files->len,
                 index->total_vectors, index->superseded->len);
      fdnix_crash_point ("index-written");
    }
  *out_index = g_steal_pointer (&index);
  return TRUE;
}

/* Deletes the batch files the index neither lists nor keeps as
 * superseded: files whose grace ran out, compacted files this run never
 * published, orphans of interrupted runs. */
static gboolean
clean_up (Step *step, const FdnixVectorIndex *index, FdnixSnapshotResult *result, GError **error)
{
  g_autoptr(GPtrArray) list = fdnix_objects_list (step->objects, FDNIX_VECTOR_PREFIX, error);
  g_autoptr(GPtrArray) bundles = list != NULL ? fdnix_objects_list (step->objects, FDNIX_BUNDLE_PREFIX, error)
                                              : NULL;
  g_autoptr(GHashTable) keep = g_hash_table_new (g_str_hash, g_str_equal);

  if (bundles == NULL)
    return FALSE;
  g_ptr_array_extend_and_steal (list, g_steal_pointer (&bundles));
  for (guint i = 0; i < index->files->len; i++)
    g_hash_table_add (keep, ((FdnixBatchFileInfo *) index->files->pdata[i])->key);
  if (index->bundle != NULL)
    g_hash_table_add (keep, index->bundle->key);
  for (guint i = 0; i < index->superseded->len; i++)
    g_hash_table_add (keep, ((FdnixSupersededFile *) index->superseded->pdata[i])->key);
  for (guint i = 0; i < list->len; i++)
    {
      FdnixObjectInfo *info = list->pdata[i];

      if (!fdnix_vector_key_is_snapshot_file (info->key) || g_hash_table_contains (keep, info->key))
        continue;
      if (!fdnix_objects_delete (step->objects, info->key, error))
        return FALSE;
      result->files_deleted++;
      fdnix_count ("files_deleted", 1);
      g_debug ("deleted %s", info->key);
      fdnix_crash_point ("mid-cleanup");
    }
  return fdnix_objects_clean_partial (step->objects, FDNIX_VECTOR_PREFIX, error) &&
         fdnix_objects_clean_partial (step->objects, FDNIX_BUNDLE_PREFIX, error) &&
         fdnix_objects_clean_partial (step->objects, FDNIX_VECTOR_INDEX_KEY, error);
}

static gboolean
run_step (Step *step, const gchar *run_id, FdnixSnapshotResult *result, GError **error)
{
  FdnixScanOptions scan = { 0 };
  g_autoptr(FdnixVectorIndex) index = NULL;
  guint64 unmarked_before = fdnix_batch_sink_get_unmarked (step->sink);
  guint64 unapplied_before = fdnix_batch_sink_get_unapplied (step->sink);
  guint sink_mark;

  scan.filter = FDNIX_SCAN_EMBEDDED;
  scan.model = step->model;
  if (!list_stored (step, error) ||
      !fdnix_store_scan (step->store, &scan, on_count, step, error) ||
      !check_floor (step, step->embedded, error) ||
      !fdnix_batch_sink_flush (step->sink, error) ||
      !classify (step, error))
    return FALSE;
  sink_mark = fdnix_batch_sink_get_mark (step->sink);
  if (any_file (step, FILE_COMPACT) || any_file (step, FILE_MISSING))
    {
      g_autoptr(GPtrArray) keys = NULL;

      if (!fdnix_store_scan (step->store, &scan, on_collect, step, error))
        return FALSE;
      keys = sorted_keys (step->files);
      for (guint i = 0; i < keys->len; i++)
        {
          FileState *fs = g_hash_table_lookup (step->files, keys->pdata[i]);

          if (fs->kind != FILE_COMPACT)
            continue;
          if (!compact_file (step, fs, result, error))
            return FALSE;
          g_clear_pointer (&fs->live, g_hash_table_unref);
        }
    }
  if (!fdnix_batch_sink_flush (step->sink, error))
    return FALSE;

  result->records_unmarked = fdnix_batch_sink_get_unmarked (step->sink) - unmarked_before;
  if (result->records_unmarked > 0 || fdnix_batch_sink_get_unapplied (step->sink) > unapplied_before)
    {
      g_message ("%" G_GUINT64_FORMAT " package(s) lost their vectors; the index waits for them",
                 result->records_unmarked);
      return TRUE;
    }
  if (!write_index (step, sink_mark, run_id, result, &index, error) ||
      !clean_up (step, index, result, error))
    return FALSE;
  result->converged = TRUE;
  return TRUE;
}

/**
 * fdnix_snapshot_update:
 * @store: the package table
 * @objects: where the vector files and the index are
 * @embedder: the current embedder (service, model and dimension)
 * @sink: the run's sink (compacted entries go there; it knows the files
 *   this process wrote)
 * @run_id: recorded in the index
 * @vectors_per_file: the file size to aim for
 * @keep_superseded: seconds a batch file the index stops listing is kept
 *   for readers of the index before (deleted by the first run after
 *   that); 0 deletes it at once
 * @floor: (nullable): the package floor: an index listing fewer vectors
 *   than it allows for the current index's count is neither written nor
 *   followed by any deletion (FDNIX_ERROR_UNSAFE)
 * @bundle: (nullable): builds the search bundle the index lists (NULL or
 *   no function: the index lists none)
 * @out_result: (out caller-allocates): what happened
 * @error: return location for an error
 *
 * Brings the files and the index in line with the store.  When records
 * had to be unmarked (their vectors are lost) or a mark was refused, no
 * index is written and @out_result->converged is FALSE: embed, then call
 * this again.
 *
 * Returns: TRUE on success (converged or not).
 */
gboolean
fdnix_snapshot_update (FdnixStore *store, FdnixObjects *objects, const FdnixEmbedderInfo *embedder,
                       FdnixBatchSink *sink, const gchar *run_id, guint vectors_per_file,
                       guint64 keep_superseded, const FdnixFloor *floor, const FdnixBundleBuilder *bundle,
                       FdnixSnapshotResult *out_result, GError **error)
{
  Step step = { 0 };
  FdnixSnapshotResult result = { 0 };
  gboolean ok;

  step.store = store;
  step.objects = objects;
  step.embedder = embedder;
  step.sink = sink;
  step.model = embedder->model;
  step.dimension = embedder->dimension;
  step.vectors_per_file = MAX (1, vectors_per_file);
  step.floor = floor;
  step.bundle = bundle;
  step.keep_superseded = keep_superseded;
  step.result = &result;
  step.files = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) file_state_free);

  if (!read_previous_index (&step, error))
    {
      g_hash_table_unref (step.files);
      *out_result = result;
      return FALSE;
    }
  /* counted before a model change discards the index: a new model must
   * still cover as many packages */
  step.published_vectors = step.published != NULL ? step.published->total_vectors : 0;
  /* another model's index still counts for what it listed (its readers
   * get their grace), but none of its files is carried forward */
  step.previous = step.published;
  if (step.published != NULL &&
      (g_strcmp0 (step.published->model, step.model) != 0 || step.published->dimension != step.dimension))
    {
      g_message ("the previous index is for %s: every file will be replaced",
                 step.published->model != NULL ? step.published->model : "another model");
      step.previous = NULL;
    }
  ok = run_step (&step, run_id, &result, error);
  g_hash_table_unref (step.files);
  if (step.stored != NULL)
    g_hash_table_unref (step.stored);
  fdnix_vector_index_free (step.published);
  *out_result = result;
  return ok;
}
