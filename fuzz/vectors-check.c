/* vectors-check.c: the promises of the index and batch file readers,
 * checked on any input (fuzz/fuzz-vectors, and check-vectors on the
 * inputs the fuzzer once found). */
#include "config.h"

#include <math.h>
#include <string.h>

#include "vectors/fdnix-vector-file.h"
#include "vectors/fdnix-vector-index.h"
#include "vectors-check.h"

static const gchar *
check_index (const FdnixVectorIndex *index)
{
  g_autoptr(GHashTable) keys = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GBytes) written = NULL;
  g_autoptr(FdnixVectorIndex) back = NULL;
  guint64 total = 0;

  if (index->files->len > FDNIX_VECTOR_INDEX_MAX_FILES || index->superseded->len > FDNIX_VECTOR_INDEX_MAX_FILES ||
      index->dimension > FDNIX_VECTOR_MAX_DIMENSION)
    return "the index is beyond the caps";
  for (guint i = 0; i < index->files->len; i++)
    {
      const FdnixBatchFileInfo *info = index->files->pdata[i];

      if (!fdnix_vector_key_is_batch (info->key) || !g_hash_table_add (keys, info->key) ||
          info->vector_count > FDNIX_VECTOR_FILE_MAX_VECTORS || info->dimension > FDNIX_VECTOR_MAX_DIMENSION ||
          fdnix_vector_index_lookup (index, info->key) != info)
        return "a listed file breaks a promise (key, caps, lookup)";
      total += info->vector_count;
    }
  for (guint i = 0; i < index->superseded->len; i++)
    if (!g_hash_table_add (keys, ((FdnixSupersededFile *) index->superseded->pdata[i])->key))
      return "a key is listed twice";
  if (total != index->total_vectors)
    return "total_vectors is not the sum";
  /* what embed writes from it, search must read back as the same snapshot */
  written = fdnix_vector_index_serialize (index);
  back = fdnix_vector_index_parse (written, NULL);
  if (back == NULL || !fdnix_vector_index_same_files (index, back) ||
      back->superseded->len != index->superseded->len)
    return "the index does not read back as itself";
  return NULL;
}

static const gchar *
check_batch (const FdnixVectorBatch *batch)
{
  g_autoptr(FdnixVectorFileWriter) writer = NULL;
  g_autoptr(GBytes) written = NULL;
  g_autoptr(FdnixVectorBatch) back = NULL;
  g_autoptr(FdnixBatchFileInfo) info = NULL;

  if (batch->count > FDNIX_VECTOR_FILE_MAX_VECTORS || batch->dimension > FDNIX_VECTOR_MAX_DIMENSION ||
      batch->ids->len != batch->count || batch->package_names->len != batch->count ||
      batch->versions->len != batch->count || (batch->count > 0 && batch->dimension == 0))
    return "the batch is beyond the caps or its arrays disagree";
  if (batch->count == 0)
    return NULL;
  writer = fdnix_vector_file_writer_new (batch->dimension);
  for (guint i = 0; i < batch->count; i++)
    fdnix_vector_file_writer_add (writer, batch->package_names->pdata[i], batch->versions->pdata[i],
                                  batch->vectors + (gsize) i * batch->dimension);
  written = fdnix_vector_file_writer_finish (writer, "vectors/batch_f_00000.json.gz", &info);
  back = fdnix_vector_batch_load (written, "vectors/batch_f_00000.json.gz", NULL, NULL);
  if (back == NULL || back->count != batch->count || back->dimension != batch->dimension ||
      info->vector_count != batch->count)
    return "the batch does not read back";
  for (guint i = 0; i < batch->count; i++)
    {
      if (strcmp (back->package_names->pdata[i], batch->package_names->pdata[i]) != 0 ||
          strcmp (back->versions->pdata[i], batch->versions->pdata[i]) != 0)
        return "a name or version does not read back";
      for (guint d = 0; d < batch->dimension; d++)
        {
          gfloat a = batch->vectors[(gsize) i * batch->dimension + d];
          gfloat b = back->vectors[(gsize) i * batch->dimension + d];

          /* NaN and infinities are written as 0 (no embedder makes them) */
          if (isfinite (a) ? a != b : b != 0)
            return "a number does not read back";
        }
    }
  return NULL;
}

/**
 * vectors_check_input:
 * @data: any bytes (an index or a batch file, plain or gzip'd, or junk)
 * @size: their length
 *
 * Feeds @data to the index reader and the batch file reader; whatever
 * they accept must be within the caps, coherent, and read back as itself
 * once written.
 *
 * Returns: NULL when every promise holds, else the one broken.
 */
const gchar *
vectors_check_input (const guint8 *data, gsize size)
{
  g_autoptr(GBytes) bytes = g_bytes_new (data, size);
  g_autoptr(FdnixVectorIndex) index = fdnix_vector_index_parse (bytes, NULL);
  g_autoptr(FdnixVectorBatch) batch = NULL;
  g_autofree gchar *text = g_strndup ((const gchar *) data, size);
  const gchar *broken = index != NULL ? check_index (index) : NULL;

  if (broken != NULL)
    return broken;
  if (size >= 2 && data[0] == 0x1f && data[1] == 0x8b)
    batch = fdnix_vector_batch_load (bytes, "vectors/batch_f_00000.json.gz", NULL, NULL);
  else
    /* NUL-terminated, as fdnix_gzip_decompress() hands text over */
    batch = fdnix_vector_batch_parse (text, size, NULL);
  return batch != NULL ? check_batch (batch) : NULL;
}
