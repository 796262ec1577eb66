/* embed-verify.c: check a snapshot (index + files) against the store. */
#include "config.h"

#include <string.h>

#include "core/fdnix-error.h"
#include "core/fdnix-hash.h"
#include "core/fdnix-record.h"
#include "search/fdnix-search-bundle.h"
#include "vectors/fdnix-vector-file.h"
#include "vectors/fdnix-vector-index.h"
#include "embed-verify.h"

#define MAX_MESSAGES 20

typedef struct {
  FdnixRecord *record;
  gboolean     found;
} Entry;

static void
entry_free (Entry *entry)
{
  fdnix_record_free (entry->record);
  g_free (entry);
}

static void
problem (EmbedVerifyReport *report, const gchar *format, ...) G_GNUC_PRINTF (2, 3);

static void
problem (EmbedVerifyReport *report, const gchar *format, ...)
{
  va_list args;

  report->problems++;
  if (report->problems > MAX_MESSAGES)
    return;
  va_start (args, format);
  g_string_append_vprintf (report->messages, format, args);
  va_end (args);
  g_string_append_c (report->messages, '\n');
}

static gboolean
collect (FdnixRecord *record, gpointer user_data, GError **error)
{
  GHashTable *records = user_data;
  Entry *entry = g_new0 (Entry, 1);

  entry->record = fdnix_record_copy (record);
  g_hash_table_insert (records, entry->record->package_name, entry);
  return TRUE;
}

static gint
compare_strings (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const gchar * const *) a, *(const gchar * const *) b);
}

static gchar *
digest_lines (GPtrArray *lines)
{
  g_autoptr(FdnixSha256) sha = fdnix_sha256_new ();

  g_ptr_array_sort (lines, compare_strings);
  for (guint i = 0; i < lines->len; i++)
    {
      fdnix_sha256_update (sha, lines->pdata[i], strlen (lines->pdata[i]));
      fdnix_sha256_update (sha, "\n", 1);
    }
  return fdnix_sha256_free_to_hex (g_steal_pointer (&sha));
}

/* The vectors the embedder makes now for the records of a file's entries. */
static gfloat *
expected_vectors (FdnixEmbedder *embedder, FdnixVectorBatch *batch, GHashTable *records, GError **error)
{
  guint dim = fdnix_embedder_get_dimension (embedder);
  guint max_batch = fdnix_embedder_get_max_batch (embedder);
  guint max_chars = fdnix_embedder_get_max_chars (embedder);
  g_autofree gfloat *out = g_new0 (gfloat, (gsize) batch->count * dim);

  for (guint start = 0; start < batch->count; start += max_batch)
    {
      g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
      guint n = MIN (max_batch, batch->count - start);

      for (guint i = start; i < start + n; i++)
        {
          Entry *entry = g_hash_table_lookup (records, batch->package_names->pdata[i]);
          g_autofree gchar *text = entry != NULL ? fdnix_record_embedding_text (entry->record) : g_strdup ("");
          g_ptr_array_add (texts, fdnix_embed_text_cap (text, max_chars));
        }
      /* a test server may throttle the checker too: retry a little */
      for (guint attempt = 1; ; attempt++)
        {
          g_autoptr(GError) local_error = NULL;

          if (fdnix_embedder_embed (embedder, (const gchar * const *) texts->pdata, n,
                                    FDNIX_INPUT_DOCUMENT, out + (gsize) start * dim, NULL, &local_error))
            break;
          if (!fdnix_error_is_retryable (local_error) || attempt >= 20)
            {
              g_propagate_error (error, g_steal_pointer (&local_error));
              return NULL;
            }
          g_usleep (20000 * attempt);
        }
    }
  return g_steal_pointer (&out);
}

static gboolean
check_file (FdnixObjects *objects, FdnixEmbedder *embedder, gboolean check_vectors,
            const FdnixBatchFileInfo *listed, GHashTable *records, GHashTable *ids,
            GPtrArray *lines, EmbedVerifyReport *report, GError **error)
{
  g_autoptr(GBytes) bytes = fdnix_objects_get (objects, listed->key, error);
  g_autoptr(FdnixVectorBatch) batch = NULL;
  g_autoptr(FdnixBatchFileInfo) info = NULL;
  g_autofree gfloat *expected = NULL;
  const gchar *model = fdnix_embedder_get_model (embedder);
  guint dim = fdnix_embedder_get_dimension (embedder);

  if (bytes == NULL)
    return FALSE;
  batch = fdnix_vector_batch_load (bytes, listed->key, &info, error);
  if (batch == NULL)
    return FALSE;
  if (g_strcmp0 (info->sha256, listed->sha256) != 0 || info->size != listed->size)
    problem (report, "%s: sha256/size differ from the index", listed->key);
  if (info->vector_count != listed->vector_count || info->dimension != listed->dimension)
    problem (report, "%s: count/dimension differ from the index", listed->key);
  if (listed->ids_digest != NULL && g_strcmp0 (info->ids_digest, listed->ids_digest) != 0)
    problem (report, "%s: ids digest differs from the index", listed->key);
  if (batch->dimension != dim)
    problem (report, "%s: dimension %u, the embedder's is %u", listed->key, batch->dimension, dim);
  if (check_vectors && batch->dimension == dim)
    {
      expected = expected_vectors (embedder, batch, records, error);
      if (expected == NULL)
        return FALSE;
    }
  report->files++;
  for (guint i = 0; i < batch->count; i++)
    {
      const gchar *id = batch->ids->pdata[i];
      const gchar *name = batch->package_names->pdata[i];
      Entry *entry = g_hash_table_lookup (records, name);
      const gfloat *vector = batch->vectors + (gsize) i * batch->dimension;
      g_autofree gchar *current = NULL;
      g_autofree gchar *vector_hash = NULL;

      report->vectors++;
      if (!g_hash_table_add (ids, g_strdup (id)))
        problem (report, "%s: id %s appears more than once", listed->key, id);
      if (entry == NULL)
        {
          problem (report, "%s: %s has no record (deleted package)", listed->key, id);
          continue;
        }
      current = fdnix_vector_id (entry->record->package_name, entry->record->version);
      if (g_strcmp0 (current, id) != 0)
        problem (report, "%s: stale id %s (current %s)", listed->key, id, current);
      if (!entry->record->has_embedding || g_strcmp0 (entry->record->embedding_model, model) != 0)
        problem (report, "%s: %s is listed but its record is not marked embedded with %s",
                 listed->key, id, model);
      if (g_strcmp0 (entry->record->vector_file, listed->key) != 0)
        problem (report, "%s: %s's record points to %s", listed->key, id,
                 entry->record->vector_file != NULL ? entry->record->vector_file : "(none)");
      if (expected != NULL && memcmp (vector, expected + (gsize) i * dim, dim * sizeof (gfloat)) != 0)
        problem (report, "%s: %s's vector is not the one of its current text", listed->key, id);
      if (entry->found)
        problem (report, "%s: %s found twice", listed->key, name);
      entry->found = TRUE;
      vector_hash = fdnix_sha256_hex (vector, (gsize) batch->dimension * sizeof (gfloat));
      g_ptr_array_add (lines, g_strdup_printf ("%s\t%s", id, vector_hash));
    }
  return TRUE;
}

/* The search bundle: there, the bytes the index says, readable, and one
 * entry per package of the table with its current version.  Its sha256
 * joins the snapshot digest (the same table gives the same bundle). */
static gboolean
check_bundle (FdnixObjects *objects, const FdnixBundleInfo *info, GHashTable *records, GPtrArray *lines,
              EmbedVerifyReport *report, GError **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(FdnixSearchIndex) index = NULL;
  g_autofree gchar *sha256 = NULL;

  if (info == NULL)
    {
      g_ptr_array_add (lines, g_strdup ("search-bundle\tnone"));
      return TRUE;
    }
  g_ptr_array_add (lines, g_strdup_printf ("search-bundle\t%s", info->sha256));
  bytes = fdnix_objects_get (objects, info->key, &local_error);
  if (bytes == NULL)
    {
      if (!g_error_matches (local_error, FDNIX_ERROR, FDNIX_ERROR_NOT_FOUND))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      problem (report, "%s: listed but missing", info->key);
      return TRUE;
    }
  sha256 = fdnix_sha256_hex (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  if (g_bytes_get_size (bytes) != info->size || g_strcmp0 (sha256, info->sha256) != 0)
    problem (report, "%s: sha256/size differ from the index", info->key);
  index = fdnix_search_index_new_from_bundle (bytes, 0, &local_error);
  if (index == NULL)
    {
      problem (report, "%s: %s", info->key, local_error->message);
      return TRUE;
    }
  if (fdnix_search_index_get_count (index) != g_hash_table_size (records) ||
      info->packages != g_hash_table_size (records))
    problem (report, "%s: %u packages (index: %" G_GUINT64_FORMAT "), the table has %u", info->key,
             fdnix_search_index_get_count (index), info->packages, g_hash_table_size (records));
  for (guint i = 0; i < fdnix_search_index_get_count (index); i++)
    {
      const FdnixSearchEntry *e = fdnix_search_index_get_entry (index, i);
      Entry *entry = g_hash_table_lookup (records, fdnix_search_entry_name (index, e));

      if (entry == NULL || g_strcmp0 (entry->record->version, fdnix_search_entry_version (index, e)) != 0)
        problem (report, "%s: %s#%s is not in the table", info->key, fdnix_search_entry_name (index, e),
                 fdnix_search_entry_version (index, e));
    }
  return TRUE;
}

/**
 * embed_verify:
 * @store: the package table
 * @objects: the vector files and index
 * @embedder: the embedder of the snapshot
 * @check_vectors: also recompute every vector from its record's text
 * @out_report: (out caller-allocates): findings; clear with embed_verify_clear()
 * @error: return location for an error (only when something cannot be read)
 *
 * Returns: TRUE when the check ran; the verdict is @out_report->problems.
 */
gboolean
embed_verify (FdnixStore *store, FdnixObjects *objects, FdnixEmbedder *embedder,
              gboolean check_vectors, EmbedVerifyReport *out_report, GError **error)
{
  g_autoptr(GHashTable) records = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) entry_free);
  g_autoptr(GHashTable) ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) listed = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) superseded = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) store_lines = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GBytes) index_bytes = NULL;
  g_autoptr(FdnixVectorIndex) index = NULL;
  g_autoptr(GPtrArray) stored = NULL;
  FdnixScanOptions all = { FDNIX_SCAN_ALL, NULL, 0, 0 };
  EmbedVerifyReport *report = out_report;
  const gchar *model = fdnix_embedder_get_model (embedder);
  GHashTableIter iter;
  gpointer value;

  memset (report, 0, sizeof *report);
  report->messages = g_string_new (NULL);
  if (!fdnix_store_scan (store, &all, collect, records, error))
    return FALSE;
  report->records = g_hash_table_size (records);

  index_bytes = fdnix_objects_get (objects, FDNIX_VECTOR_INDEX_KEY, error);
  if (index_bytes == NULL)
    return FALSE;
  index = fdnix_vector_index_parse (index_bytes, error);
  if (index == NULL)
    return FALSE;
  if (g_strcmp0 (index->model, model) != 0)
    problem (report, "index model %s, embedder model %s", index->model, model);
  if (index->dimension != fdnix_embedder_get_dimension (embedder))
    problem (report, "index dimension %u", index->dimension);
  for (guint i = 0; i < index->files->len; i++)
    {
      const FdnixBatchFileInfo *info = index->files->pdata[i];

      g_hash_table_add (listed, info->key);
      if (!check_file (objects, embedder, check_vectors, info, records, ids, lines, report, error))
        return FALSE;
    }
  if (!check_bundle (objects, index->bundle, records, lines, report, error))
    return FALSE;
  if (index->bundle != NULL)
    g_hash_table_add (listed, index->bundle->key);
  if (index->total_vectors != report->vectors)
    problem (report, "index says %" G_GUINT64_FORMAT " vectors, files hold %" G_GUINT64_FORMAT,
             index->total_vectors, report->vectors);

  g_hash_table_iter_init (&iter, records);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Entry *entry = value;
      FdnixRecord *r = entry->record;

      if (!entry->found)
        problem (report, "%s#%s has no vector in the snapshot (hasEmbedding %d, file %s)",
                 r->package_name, r->version, r->has_embedding,
                 r->vector_file != NULL ? r->vector_file : "(none)");
      g_ptr_array_add (store_lines, g_strdup_printf ("%s\t%s\t%d\t%s\t%s", r->package_name, r->version,
                                                     r->has_embedding, r->embedding_model, r->embed_text_hash));
    }

  stored = fdnix_objects_list (objects, FDNIX_VECTOR_PREFIX, error);
  if (stored == NULL)
    return FALSE;
  {
    g_autoptr(GPtrArray) bundles = fdnix_objects_list (objects, FDNIX_BUNDLE_PREFIX, error);

    if (bundles == NULL)
      return FALSE;
    g_ptr_array_extend_and_steal (stored, g_steal_pointer (&bundles));
  }
  /* a file the index does not list may only be one it keeps for readers
   * of the index before (superseded_files); a later run deletes it */
  for (guint i = 0; i < index->superseded->len; i++)
    g_hash_table_add (superseded, ((FdnixSupersededFile *) index->superseded->pdata[i])->key);
  for (guint i = 0; i < stored->len; i++)
    {
      const FdnixObjectInfo *info = stored->pdata[i];

      if (g_hash_table_contains (listed, info->key))
        continue;
      if (g_hash_table_contains (superseded, info->key))
        report->superseded++;
      else
        problem (report, "%s is stored but neither listed nor superseded", info->key);
    }
  report->snapshot_digest = digest_lines (lines);
  report->store_digest = digest_lines (store_lines);
  return TRUE;
}

/**
 * embed_verify_clear:
 * @report: a report filled by embed_verify()
 */
void
embed_verify_clear (EmbedVerifyReport *report)
{
  g_free (report->snapshot_digest);
  g_free (report->store_digest);
  if (report->messages != NULL)
    g_string_free (report->messages, TRUE);
  memset (report, 0, sizeof *report);
}
