/* fdnix-vector-file.c: batch file writing and reading. */
#include "config.h"

#include <string.h>

#include "core/fdnix-error.h"
#include "core/fdnix-float.h"
#include "core/fdnix-hash.h"
#include "core/fdnix-json.h"
#include "core/fdnix-gzip.h"
#include "core/fdnix-json-cursor.h"
#include "vectors/fdnix-vector-file.h"
#include "vectors/fdnix-vector-index.h"

#define FLUSH_AT (64 * 1024)

/**
 * fdnix_vector_id:
 * @package_name: attribute path
 * @version: version
 *
 * Returns: (transfer full): the vector id, "<packageName>#<version>".
 */
gchar *
fdnix_vector_id (const gchar *package_name, const gchar *version)
{
  return g_strconcat (package_name, "#", version, NULL);
}

/**
 * fdnix_ids_digest_add:
 * @digest: a digest (zero-initialised to start)
 * @package_name: attribute path
 * @version: version
 *
 * Adds the id "<packageName>#<version>" to the set.
 */
void
fdnix_ids_digest_add (FdnixIdsDigest *digest, const gchar *package_name, const gchar *version)
{
  g_autofree gchar *id = fdnix_vector_id (package_name, version);

  fdnix_ids_digest_add_id (digest, id);
}

/**
 * fdnix_ids_digest_add_id:
 * @digest: a digest (zero-initialised to start)
 * @id: a vector id as stored
 *
 * Adds @id to the set.
 */
void
fdnix_ids_digest_add_id (FdnixIdsDigest *digest, const gchar *id)
{
  guint8 hash[FDNIX_SHA256_LEN];
  guint64 hi = 0, lo = 0;

  fdnix_sha256 (id, strlen (id), hash);
  for (gint i = 0; i < 8; i++)
    {
      hi = (hi << 8) | hash[i];
      lo = (lo << 8) | hash[8 + i];
    }
  /* a 128-bit sum: order-independent, and a repeated id does not cancel */
  digest->sum_lo += lo;
  digest->sum_hi += hi + (digest->sum_lo < lo ? 1 : 0);
  digest->count++;
}

/**
 * fdnix_ids_digest_to_string:
 * @digest: a digest
 *
 * Returns: (transfer full): "<count>:<32 hex digits>".
 */
gchar *
fdnix_ids_digest_to_string (const FdnixIdsDigest *digest)
{
  return g_strdup_printf ("%" G_GUINT64_FORMAT ":%016" G_GINT64_MODIFIER "x%016" G_GINT64_MODIFIER "x",
                          digest->count, digest->sum_hi, digest->sum_lo);
}

/**
 * fdnix_batch_file_info_new:
 * @key: object key
 *
 * Returns: (transfer full): an empty description of a file.
 */
FdnixBatchFileInfo *
fdnix_batch_file_info_new (const gchar *key)
{
  FdnixBatchFileInfo *info = g_new0 (FdnixBatchFileInfo, 1);

  info->key = g_strdup (key);
  return info;
}

/**
 * fdnix_batch_file_info_copy:
 * @info: a file description
 *
 * Returns: (transfer full): a copy.
 */
FdnixBatchFileInfo *
fdnix_batch_file_info_copy (const FdnixBatchFileInfo *info)
{
  FdnixBatchFileInfo *copy = g_new0 (FdnixBatchFileInfo, 1);

  *copy = *info;
  copy->key = g_strdup (info->key);
  copy->sha256 = g_strdup (info->sha256);
  copy->ids_digest = g_strdup (info->ids_digest);
  return copy;
}

/**
 * fdnix_batch_file_info_free:
 * @info: (transfer full) (nullable): a file description
 */
void
fdnix_batch_file_info_free (FdnixBatchFileInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->key);
  g_free (info->sha256);
  g_free (info->ids_digest);
  g_free (info);
}

struct _FdnixVectorFileWriter {
  FdnixGzipWriter *gzip;
  GString         *buffer;
  guint            dimension;
  guint            count;
  FdnixIdsDigest   digest;
};

/**
 * fdnix_vector_file_writer_new:
 * @dimension: length of every vector
 *
 * Returns: (transfer full): a writer for one batch file.
 */
FdnixVectorFileWriter *
fdnix_vector_file_writer_new (guint dimension)
{
  FdnixVectorFileWriter *self = g_new0 (FdnixVectorFileWriter, 1);

  self->gzip = fdnix_gzip_writer_new_async ();
  self->buffer = g_string_sized_new (FLUSH_AT + 16 * 1024);
  self->dimension = dimension;
  g_string_append (self->buffer, "{\"vectors\":[");
  return self;
}

static void
flush (FdnixVectorFileWriter *self)
{
  fdnix_gzip_writer_write (self->gzip, self->buffer->str, self->buffer->len);
  g_string_truncate (self->buffer, 0);
}

/**
 * fdnix_vector_file_writer_add:
 * @self: a writer
 * @package_name: attribute path
 * @version: version
 * @vector: (array): dimension floats
 *
 * Appends one entry with id "<package_name>#<version>".
 */
void
fdnix_vector_file_writer_add (FdnixVectorFileWriter *self, const gchar *package_name,
                              const gchar *version, const gfloat *vector)
{
  g_autofree gchar *id = fdnix_vector_id (package_name, version);
  GString *out = self->buffer;

  if (self->count > 0)
    g_string_append_c (out, ',');
  g_string_append (out, "{\"id\":");
  fdnix_json_append_string (out, id);
  g_string_append (out, ",\"vector\":[");
  for (guint i = 0; i < self->dimension; i++)
    {
      if (i > 0)
        g_string_append_c (out, ',');
      fdnix_float_append (out, vector[i]);
    }
  g_string_append (out, "],\"metadata\":{\"packageName\":");
  fdnix_json_append_string (out, package_name);
  g_string_append (out, ",\"version\":");
  fdnix_json_append_string (out, version);
  g_string_append (out, "}}");
  fdnix_ids_digest_add (&self->digest, package_name, version);
  self->count++;
  if (out->len >= FLUSH_AT)
    flush (self);
}

/**
 * fdnix_vector_file_writer_get_count:
 * @self: a writer
 *
 * Returns: entries added so far.
 */
guint
fdnix_vector_file_writer_get_count (FdnixVectorFileWriter *self)
{
  return self->count;
}

/**
 * fdnix_vector_file_writer_finish:
 * @self: a writer; only fdnix_vector_file_writer_free() may follow
 * @key: the object key the file will be stored under
 * @out_info: (out) (transfer full) (optional): the file's index entry
 *
 * Returns: (transfer full): the gzip'd file.
 */
GBytes *
fdnix_vector_file_writer_finish (FdnixVectorFileWriter *self, const gchar *key,
                                 FdnixBatchFileInfo **out_info)
{
  g_autoptr(GBytes) bytes = NULL;

  g_string_append_printf (self->buffer, "],\"count\":%u,\"dimension\":%u}", self->count, self->dimension);
  flush (self);
  bytes = fdnix_gzip_writer_finish (self->gzip);
  if (out_info != NULL)
    {
      FdnixBatchFileInfo *info = fdnix_batch_file_info_new (key);

      info->vector_count = self->count;
      info->dimension = self->dimension;
      info->size = g_bytes_get_size (bytes);
      info->sha256 = fdnix_sha256_hex (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
      info->ids_digest = fdnix_ids_digest_to_string (&self->digest);
      *out_info = info;
    }
  return g_steal_pointer (&bytes);
}

/**
 * fdnix_vector_file_writer_free:
 * @self: (transfer full) (nullable): a writer
 */
void
fdnix_vector_file_writer_free (FdnixVectorFileWriter *self)
{
  if (self == NULL)
    return;
  fdnix_gzip_writer_free (self->gzip);
  g_string_free (self->buffer, TRUE);
  g_free (self);
}

/**
 * fdnix_vector_batch_free:
 * @batch: (transfer full) (nullable): a parsed file
 */
void
fdnix_vector_batch_free (FdnixVectorBatch *batch)
{
  if (batch == NULL)
    return;
  g_ptr_array_unref (batch->ids);
  g_ptr_array_unref (batch->package_names);
  g_ptr_array_unref (batch->versions);
  g_free (batch->vectors);
  g_free (batch);
}

static gboolean
parse_entry (FdnixJsonCursor *c, FdnixVectorBatch *batch, GArray *floats, GError **error)
{
  g_autofree gchar *id = NULL;
  g_autofree gchar *name = NULL;
  g_autofree gchar *version = NULL;
  guint n_floats = 0;
  gboolean have_vector = FALSE;
  gchar *key = NULL;

  if (!fdnix_json_cursor_begin_object (c, error))
    return FALSE;
  while (fdnix_json_cursor_next_member (c, &key, error))
    {
      g_autofree gchar *member = key;

      if (g_strcmp0 (member, "id") == 0)
        {
          g_clear_pointer (&id, g_free);
          if (!fdnix_json_cursor_string (c, &id, error))
            return FALSE;
        }
      else if (g_strcmp0 (member, "vector") == 0)
        {
          const gchar *number;
          gsize length;

          if (!fdnix_json_cursor_begin_array (c, error))
            return FALSE;
          while (fdnix_json_cursor_next_element (c, error))
            {
              gfloat value;

              if (n_floats >= FDNIX_VECTOR_MAX_DIMENSION)
                return fdnix_json_cursor_fail (c, "a vector longer than " G_STRINGIFY (FDNIX_VECTOR_MAX_DIMENSION)
                                               " numbers", error);
              if (!fdnix_json_cursor_number (c, &number, &length, error))
                return FALSE;
              value = fdnix_float_parse (number, length);
              g_array_append_val (floats, value);
              n_floats++;
            }
          if (c->failed)
            return FALSE;
          have_vector = TRUE;
        }
      else if (g_strcmp0 (member, "metadata") == 0)
        {
          gchar *meta_key = NULL;

          if (!fdnix_json_cursor_begin_object (c, error))
            return FALSE;
          while (fdnix_json_cursor_next_member (c, &meta_key, error))
            {
              g_autofree gchar *meta_member = meta_key;
              gchar **target = g_strcmp0 (meta_member, "packageName") == 0 ? &name :
                               g_strcmp0 (meta_member, "version") == 0 ? &version : NULL;

              if (target != NULL && fdnix_json_cursor_peek (c) == '"')
                {
                  g_clear_pointer (target, g_free);
                  if (!fdnix_json_cursor_string (c, target, error))
                    return FALSE;
                }
              else if (!fdnix_json_cursor_skip (c, error))
                return FALSE;
            }
          if (c->failed)
            return FALSE;
        }
      else if (!fdnix_json_cursor_skip (c, error))
        return FALSE;
    }
  if (c->failed)
    return FALSE;

  if (id == NULL || !have_vector)
    return fdnix_json_cursor_fail (c, "vector entry without id or vector", error);
  if (batch->count == 0)
    batch->dimension = n_floats;
  if (n_floats != batch->dimension || n_floats == 0)
    return fdnix_json_cursor_fail (c, "vectors of different lengths", error);
  /* Files of other writers may lack metadata: the id then tells. */
  if (name == NULL || version == NULL)
    {
      const gchar *hash = strrchr (id, '#');

      if (hash == NULL)
        return fdnix_json_cursor_fail (c, "vector id without '#' and no metadata", error);
      if (name == NULL)
        name = g_strndup (id, hash - id);
      if (version == NULL)
        version = g_strdup (hash + 1);
    }
  g_ptr_array_add (batch->ids, g_steal_pointer (&id));
  g_ptr_array_add (batch->package_names, g_steal_pointer (&name));
  g_ptr_array_add (batch->versions, g_steal_pointer (&version));
  batch->count++;
  return TRUE;
}

/**
 * fdnix_vector_batch_parse:
 * @json: a batch file's text
 * @length: its length
 * @error: return location for FDNIX_ERROR_INVALID_DATA
 *
 * Reads every entry and checks "count" and "dimension" against them.
 *
 * Returns: (transfer full): the entries, or NULL.
 */
FdnixVectorBatch *
fdnix_vector_batch_parse (const gchar *json, gsize length, GError **error)
{
  g_autoptr(FdnixVectorBatch) batch = g_new0 (FdnixVectorBatch, 1);
  g_autoptr(GArray) floats = g_array_new (FALSE, FALSE, sizeof (gfloat));
  FdnixJsonCursor cursor;
  FdnixJsonCursor *c = &cursor;
  gint64 declared_count = -1;
  gint64 declared_dimension = -1;
  gboolean have_vectors = FALSE;
  gchar *key = NULL;

  batch->ids = g_ptr_array_new_with_free_func (g_free);
  batch->package_names = g_ptr_array_new_with_free_func (g_free);
  batch->versions = g_ptr_array_new_with_free_func (g_free);
  fdnix_json_cursor_init (c, json, length);
  if (!fdnix_json_cursor_begin_object (c, error))
    return NULL;
  while (fdnix_json_cursor_next_member (c, &key, error))
    {
      g_autofree gchar *member = key;

      if (g_strcmp0 (member, "vectors") == 0)
        {
          if (!fdnix_json_cursor_begin_array (c, error))
            return NULL;
          while (fdnix_json_cursor_next_element (c, error))
            {
              if (batch->count >= FDNIX_VECTOR_FILE_MAX_VECTORS)
                {
                  fdnix_json_cursor_fail (c, "more than " G_STRINGIFY (FDNIX_VECTOR_FILE_MAX_VECTORS)
                                          " vectors", error);
                  return NULL;
                }
              if (!parse_entry (c, batch, floats, error))
                return NULL;
            }
          if (c->failed)
            return NULL;
          have_vectors = TRUE;
        }
      else if (g_strcmp0 (member, "count") == 0)
        {
          if (!fdnix_json_cursor_int (c, &declared_count, error))
            return NULL;
        }
      else if (g_strcmp0 (member, "dimension") == 0)
        {
          if (!fdnix_json_cursor_int (c, &declared_dimension, error))
            return NULL;
        }
      else if (!fdnix_json_cursor_skip (c, error))
        return NULL;
    }
  if (c->failed || !fdnix_json_cursor_end (c, error))
    return NULL;
  if (!have_vectors)
    {
      g_set_error_literal (error, FDNIX_ERROR, FDNIX_ERROR_INVALID_DATA, "no \"vectors\" array");
      return NULL;
    }
  if (declared_count >= 0 && declared_count != (gint64) batch->count)
    {
      g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_INVALID_DATA,
                   "\"count\" is %" G_GINT64_FORMAT " but the file holds %u vectors",
                   declared_count, batch->count);
      return NULL;
    }
  if (declared_dimension >= 0 && batch->count > 0 && declared_dimension != (gint64) batch->dimension)
    {
      g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_INVALID_DATA,
                   "\"dimension\" is %" G_GINT64_FORMAT " but vectors have %u numbers",
                   declared_dimension, batch->dimension);
      return NULL;
    }
  if (batch->count == 0 && declared_dimension > 0 && declared_dimension <= FDNIX_VECTOR_MAX_DIMENSION)
    batch->dimension = (guint) declared_dimension;
  batch->vectors = (gfloat *) g_array_free (g_steal_pointer (&floats), FALSE);
  return g_steal_pointer (&batch);
}

/**
 * fdnix_vector_batch_load:
 * @stored: a batch file as stored (gzip'd)
 * @key: its object key (for the info and messages)
 * @out_info: (out) (transfer full) (optional): its index entry, with the
 *   size and sha256 of @stored and the digest of its ids
 * @error: return location for an error
 *
 * Returns: (transfer full): the entries, or NULL.
 */
FdnixVectorBatch *
fdnix_vector_batch_load (GBytes *stored, const gchar *key, FdnixBatchFileInfo **out_info,
                         GError **error)
{
  g_autoptr(GBytes) text = fdnix_gzip_decompress (stored, FDNIX_VECTOR_FILE_MAX_TEXT, error);
  g_autoptr(FdnixVectorBatch) batch = NULL;

  if (text == NULL)
    {
      g_prefix_error (error, "%s: ", key);
      return NULL;
    }
  batch = fdnix_vector_batch_parse (g_bytes_get_data (text, NULL), g_bytes_get_size (text), error);
  if (batch == NULL)
    {
      g_prefix_error (error, "%s: ", key);
      return NULL;
    }
  if (out_info != NULL)
    {
      FdnixBatchFileInfo *info = fdnix_batch_file_info_new (key);
      FdnixIdsDigest digest = { 0 };

      for (guint i = 0; i < batch->count; i++)
        fdnix_ids_digest_add_id (&digest, batch->ids->pdata[i]);
      info->vector_count = batch->count;
      info->dimension = batch->dimension;
      info->size = g_bytes_get_size (stored);
      info->sha256 = fdnix_sha256_hex (g_bytes_get_data (stored, NULL), g_bytes_get_size (stored));
      info->ids_digest = fdnix_ids_digest_to_string (&digest);
      *out_info = info;
    }
  return g_steal_pointer (&batch);
}
