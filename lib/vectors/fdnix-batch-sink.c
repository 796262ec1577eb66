/* fdnix-batch-sink.c: write, store, then mark. */
#include "config.h"

#include "core/fdnix-error.h"
#include "core/fdnix-summary.h"
#include "vectors/fdnix-batch-sink.h"
#include "vectors/fdnix-crash-point.h"
#include "vectors/fdnix-vector-index.h"

/* Marks go to the store in slices: one SQLite transaction or a handful of
 * DynamoDB requests each. */
#define MARK_CHUNK 250

/**
 * fdnix_vector_owner_new:
 * @package_name: attribute path
 * @version: version
 * @embed_text_hash: (nullable): the hash of the text the vector is of
 *
 * Returns: (transfer full): a copy of the three.
 */
FdnixVectorOwner *
fdnix_vector_owner_new (const gchar *package_name, const gchar *version, const gchar *embed_text_hash)
{
  FdnixVectorOwner *owner = g_new (FdnixVectorOwner, 1);

  owner->package_name = g_strdup (package_name);
  owner->version = g_strdup (version);
  owner->embed_text_hash = g_strdup (embed_text_hash);
  return owner;
}

/**
 * fdnix_vector_owner_free:
 * @owner: (transfer full) (nullable): an owner
 */
void
fdnix_vector_owner_free (FdnixVectorOwner *owner)
{
  if (owner == NULL)
    return;
  g_free (owner->package_name);
  g_free (owner->version);
  g_free (owner->embed_text_hash);
  g_free (owner);
}

struct _FdnixBatchSink {
  FdnixStore            *store;
  FdnixObjects          *objects;
  gchar                 *run_id;
  gchar                 *model;
  guint                  dimension;
  guint                  vectors_per_file;
  guint                  sequence;
  FdnixVectorFileWriter *writer;
  GPtrArray             *updates;   /* FdnixEmbeddingUpdate for the open file */
  GPtrArray             *unmarks;   /* FdnixEmbeddingUpdate, hasEmbedding=false */
  GPtrArray             *files;     /* FdnixBatchFileInfo written, in order */
  GHashTable            *by_key;    /* key → FdnixBatchFileInfo (in files) */
  guint64                vectors;
  guint64                unapplied;
  guint64                unmarked;
};

/**
 * fdnix_batch_sink_new:
 * @store: where records are marked (a reference is kept)
 * @objects: where files go (a reference is kept)
 * @run_id: names the files: vectors/batch_<run_id>_<seq>.json.gz
 * @model: the embedding model recorded on marked records
 * @dimension: vector length
 * @vectors_per_file: entries per file, at least 1
 *
 * Returns: (transfer full): a sink.
 */
FdnixBatchSink *
fdnix_batch_sink_new (FdnixStore *store, FdnixObjects *objects, const gchar *run_id,
                      const gchar *model, guint dimension, guint vectors_per_file)
{
  FdnixBatchSink *self = g_new0 (FdnixBatchSink, 1);

  self->store = g_object_ref (store);
  self->objects = g_object_ref (objects);
  self->run_id = g_strdup (run_id);
  self->model = g_strdup (model);
  self->dimension = dimension;
  self->vectors_per_file = MAX (1, vectors_per_file);
  self->updates = g_ptr_array_new_with_free_func ((GDestroyNotify) fdnix_embedding_update_free);
  self->unmarks = g_ptr_array_new_with_free_func ((GDestroyNotify) fdnix_embedding_update_free);
  self->files = g_ptr_array_new_with_free_func ((GDestroyNotify) fdnix_batch_file_info_free);
  self->by_key = g_hash_table_new (g_str_hash, g_str_equal);
  return self;
}

/**
 * fdnix_batch_sink_free:
 * @self: (transfer full) (nullable): a sink; anything not flushed is dropped
 */
void
fdnix_batch_sink_free (FdnixBatchSink *self)
{
  if (self == NULL)
    return;
  g_object_unref (self->store);
  g_object_unref (self->objects);
  g_free (self->run_id);
  g_free (self->model);
  fdnix_vector_file_writer_free (self->writer);
  g_ptr_array_unref (self->updates);
  g_ptr_array_unref (self->unmarks);
  g_hash_table_unref (self->by_key);
  g_ptr_array_unref (self->files);
  g_free (self);
}

/* Applies @updates in slices; counts those the store refused because the
 * record changed meanwhile (or vanished). */
static gboolean
apply (FdnixBatchSink *self, GPtrArray *updates, guint64 *out_applied, GError **error)
{
  guint64 total = 0;

  for (guint start = 0; start < updates->len; start += MARK_CHUNK)
    {
      g_autoptr(GPtrArray) slice = g_ptr_array_new ();
      guint64 applied = 0;

      for (guint i = start; i < MIN (updates->len, start + MARK_CHUNK); i++)
        g_ptr_array_add (slice, updates->pdata[i]);
      if (start > 0)
        fdnix_crash_point ("between-marks");
      if (!fdnix_store_set_embeddings (self->store, slice, &applied, error))
        {
          g_prefix_error (error, "recording embeddings in %s: ", fdnix_store_describe (self->store));
          return FALSE;
        }
      total += applied;
    }
  *out_applied = total;
  return TRUE;
}

static gboolean
flush_file (FdnixBatchSink *self, GError **error)
{
  g_autofree gchar *key = NULL;
  g_autoptr(GBytes) bytes = NULL;
  FdnixBatchFileInfo *info = NULL;
  guint64 applied = 0;
  guint count;

  if (self->writer == NULL)
    return TRUE;
  count = fdnix_vector_file_writer_get_count (self->writer);
  key = fdnix_vector_batch_key (self->run_id, self->sequence++);
  bytes = fdnix_vector_file_writer_finish (self->writer, key, &info);
  g_clear_pointer (&self->writer, fdnix_vector_file_writer_free);

  /* the file first, whole and durable ... */
  if (!fdnix_objects_put (self->objects, key, bytes, error))
    {
      /* its records stay unmarked: the next run embeds them again */
      fdnix_batch_file_info_free (info);
      g_ptr_array_set_size (self->updates, 0);
      return FALSE;
    }
  g_ptr_array_add (self->files, info);
  g_hash_table_insert (self->by_key, info->key, info);
  fdnix_count ("files_written", 1);
  fdnix_crash_point ("after-put");
  /* ... then the records that point to it */
  for (guint i = 0; i < self->updates->len; i++)
    {
      FdnixEmbeddingUpdate *u = self->updates->pdata[i];
      u->vector_file = g_strdup (key);
    }
  if (!apply (self, self->updates, &applied, error))
    return FALSE;
  fdnix_crash_point ("after-mark");
  if (applied != count)
    {
      /* Records changed under us: the file has entries no record points
       * to.  Forget its digest so the index step checks it. */
      g_warning ("%s: %" G_GUINT64_FORMAT " of %u records changed while being embedded",
                 key, count - applied, count);
      self->unapplied += count - applied;
      g_clear_pointer (&info->ids_digest, g_free);
    }
  g_debug ("stored %s (%u vectors, %" G_GUINT64_FORMAT " bytes)", key, count, info->size);
  g_ptr_array_set_size (self->updates, 0);
  return TRUE;
}

/**
 * fdnix_batch_sink_add:
 * @self: a sink
 * @package_name: attribute path
 * @version: the record's version (the id is "<package_name>#<version>")
 * @embed_text_hash: the record's embedding-text hash: the mark is applied
 *   only if the record still has it
 * @vector: (array): dimension floats
 * @error: return location for an error
 *
 * Adds an entry; a full file is stored and its records marked.
 *
 * Returns: TRUE on success.
 */
gboolean
fdnix_batch_sink_add (FdnixBatchSink *self, const gchar *package_name, const gchar *version,
                      const gchar *embed_text_hash, const gfloat *vector, GError **error)
{
  FdnixEmbeddingUpdate *u = g_new0 (FdnixEmbeddingUpdate, 1);

  if (self->writer == NULL)
    self->writer = fdnix_vector_file_writer_new (self->dimension);
  fdnix_vector_file_writer_add (self->writer, package_name, version, vector);
  u->package_name = g_strdup (package_name);
  u->version = g_strdup (version);
  u->embed_text_hash = g_strdup (embed_text_hash);
  u->has_embedding = TRUE;
  u->embedding_model = g_strdup (self->model);
  g_ptr_array_add (self->updates, u);
  self->vectors++;
  if (fdnix_vector_file_writer_get_count (self->writer) >= self->vectors_per_file)
    return flush_file (self, error);
  return TRUE;
}

static gboolean
flush_unmarks (FdnixBatchSink *self, GError **error)
{
  guint64 applied = 0;

  if (self->unmarks->len == 0)
    return TRUE;
  if (!apply (self, self->unmarks, &applied, error))
    return FALSE;
  self->unmarked += applied;
  fdnix_count ("records_unmarked", (gint64) applied);
  g_ptr_array_set_size (self->unmarks, 0);
  return TRUE;
}

/**
 * fdnix_batch_sink_unmark:
 * @self: a sink
 * @package_name: attribute path
 * @version: the record's version
 * @embed_text_hash: the record's embedding-text hash
 * @error: return location for an error
 *
 * Records that a package's vector is lost (hasEmbedding=false, no model,
 * no file), so the next embedding pass embeds it again.
 *
 * Returns: TRUE on success.
 */
gboolean
fdnix_batch_sink_unmark (FdnixBatchSink *self, const gchar *package_name, const gchar *version,
                         const gchar *embed_text_hash, GError **error)
{
  FdnixEmbeddingUpdate *u = g_new0 (FdnixEmbeddingUpdate, 1);

  u->package_name = g_strdup (package_name);
  u->version = g_strdup (version);
  u->embed_text_hash = g_strdup (embed_text_hash);
  u->has_embedding = FALSE;
  g_ptr_array_add (self->unmarks, u);
  if (self->unmarks->len >= MARK_CHUNK)
    return flush_unmarks (self, error);
  return TRUE;
}

/**
 * fdnix_batch_sink_flush:
 * @self: a sink
 * @error: return location for an error
 *
 * Stores the open file, if any, marks its records and applies pending
 * unmarks.
 *
 * Returns: TRUE on success.
 */
gboolean
fdnix_batch_sink_flush (FdnixBatchSink *self, GError **error)
{
  return flush_file (self, error) && flush_unmarks (self, error);
}

/**
 * fdnix_batch_sink_lookup:
 * @self: a sink
 * @key: a batch file key
 *
 * Returns: (transfer none) (nullable): the file, if this sink wrote it;
 *   its ids_digest is NULL when some marks were refused.
 */
const FdnixBatchFileInfo *
fdnix_batch_sink_lookup (FdnixBatchSink *self, const gchar *key)
{
  return g_hash_table_lookup (self->by_key, key);
}

/**
 * fdnix_batch_sink_get_mark:
 * @self: a sink
 *
 * Returns: a position for fdnix_batch_sink_files_since().
 */
guint
fdnix_batch_sink_get_mark (FdnixBatchSink *self)
{
  return self->files->len;
}

/**
 * fdnix_batch_sink_files_since:
 * @self: a sink
 * @mark: from fdnix_batch_sink_get_mark()
 *
 * Returns: (transfer container) (element-type FdnixBatchFileInfo): the
 *   files stored since @mark (owned by the sink).
 */
GPtrArray *
fdnix_batch_sink_files_since (FdnixBatchSink *self, guint mark)
{
  GPtrArray *files = g_ptr_array_new ();

  for (guint i = mark; i < self->files->len; i++)
    g_ptr_array_add (files, self->files->pdata[i]);
  return files;
}

/**
 * fdnix_batch_sink_get_vectors:
 * @self: a sink
 *
 * Returns: entries added so far.
 */
guint64
fdnix_batch_sink_get_vectors (FdnixBatchSink *self)
{
  return self->vectors;
}

/**
 * fdnix_batch_sink_get_unapplied:
 * @self: a sink
 *
 * Returns: marks the store refused (records that changed meanwhile).
 */
guint64
fdnix_batch_sink_get_unapplied (FdnixBatchSink *self)
{
  return self->unapplied;
}

/**
 * fdnix_batch_sink_get_unmarked:
 * @self: a sink
 *
 * Returns: records unmarked so far.
 */
guint64
fdnix_batch_sink_get_unmarked (FdnixBatchSink *self)
{
  return self->unmarked;
}
