/* fuzz-vectors: libFuzzer target over what fdnix-search and fdnix-embed
 * read from a bucket: the index (fdnix_vector_index_parse) and batch files
 * (fdnix_vector_batch_parse, and fdnix_vector_batch_load for gzip input).
 *
 * Every input goes to both readers.  What they accept must keep the
 * promises the rest of fdnix relies on, or the target aborts and libFuzzer
 * keeps the input:
 *   - the index: within the FDNIX_VECTOR_* caps, no key twice (listed or
 *     superseded), total_vectors the sum of the counts, and written out
 *     and read back it is the same snapshot;
 *   - a batch file: count and dimension within the caps, one id, name and
 *     version per vector, and written out and read back it holds the same
 *     names, versions and (finite) numbers.
 */
#include "config.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "embed/fdnix-vector-file.h"
#include "embed/fdnix-vector-index.h"

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static GLogWriterOutput
drop_logs (GLogLevelFlags level, const GLogField *fields, gsize n_fields, gpointer user_data)
{
  return G_LOG_WRITER_HANDLED;
}

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  g_log_set_writer_func (drop_logs, NULL, NULL);
  return 0;
}

static void
check_index (const FdnixVectorIndex *index)
{
  g_autoptr(GHashTable) keys = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GBytes) written = NULL;
  g_autoptr(FdnixVectorIndex) back = NULL;
  guint64 total = 0;

  if (index->files->len > FDNIX_VECTOR_INDEX_MAX_FILES || index->superseded->len > FDNIX_VECTOR_INDEX_MAX_FILES ||
      index->dimension > FDNIX_VECTOR_MAX_DIMENSION)
    abort ();
  for (guint i = 0; i < index->files->len; i++)
    {
      const FdnixBatchFileInfo *info = index->files->pdata[i];

      if (!fdnix_vector_key_is_batch (info->key) || !g_hash_table_add (keys, info->key) ||
          info->vector_count > FDNIX_VECTOR_FILE_MAX_VECTORS || info->dimension > FDNIX_VECTOR_MAX_DIMENSION ||
          fdnix_vector_index_lookup (index, info->key) != info)
        abort ();
      total += info->vector_count;
    }
  for (guint i = 0; i < index->superseded->len; i++)
    if (!g_hash_table_add (keys, ((FdnixSupersededFile *) index->superseded->pdata[i])->key))
      abort ();
  if (total != index->total_vectors)
    abort ();
  /* what embed writes from it, search must read back as the same snapshot */
  written = fdnix_vector_index_serialize (index);
  back = fdnix_vector_index_parse (written, NULL);
  if (back == NULL || !fdnix_vector_index_same_files (index, back) ||
      back->superseded->len != index->superseded->len)
    abort ();
}

static void
check_batch (const FdnixVectorBatch *batch)
{
  g_autoptr(FdnixVectorFileWriter) writer = NULL;
  g_autoptr(GBytes) written = NULL;
  g_autoptr(FdnixVectorBatch) back = NULL;
  g_autoptr(FdnixBatchFileInfo) info = NULL;

  if (batch->count > FDNIX_VECTOR_FILE_MAX_VECTORS || batch->dimension > FDNIX_VECTOR_MAX_DIMENSION ||
      batch->ids->len != batch->count || batch->package_names->len != batch->count ||
      batch->versions->len != batch->count || (batch->count > 0 && batch->dimension == 0))
    abort ();
  if (batch->count == 0)
    return;
  writer = fdnix_vector_file_writer_new (batch->dimension);
  for (guint i = 0; i < batch->count; i++)
    fdnix_vector_file_writer_add (writer, batch->package_names->pdata[i], batch->versions->pdata[i],
                                  batch->vectors + (gsize) i * batch->dimension);
  written = fdnix_vector_file_writer_finish (writer, "vectors/batch_f_00000.json.gz", &info);
  back = fdnix_vector_batch_load (written, "vectors/batch_f_00000.json.gz", NULL, NULL);
  if (back == NULL || back->count != batch->count || back->dimension != batch->dimension ||
      info->vector_count != batch->count)
    abort ();
  for (guint i = 0; i < batch->count; i++)
    {
      if (strcmp (back->package_names->pdata[i], batch->package_names->pdata[i]) != 0 ||
          strcmp (back->versions->pdata[i], batch->versions->pdata[i]) != 0)
        abort ();
      for (guint d = 0; d < batch->dimension; d++)
        {
          gfloat a = batch->vectors[(gsize) i * batch->dimension + d];
          gfloat b = back->vectors[(gsize) i * batch->dimension + d];

          /* NaN and infinities are written as 0 (no embedder makes them) */
          if (isfinite (a) ? a != b : b != 0)
            abort ();
        }
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr(GBytes) bytes = g_bytes_new (data, size);
  g_autoptr(FdnixVectorIndex) index = fdnix_vector_index_parse (bytes, NULL);
  g_autoptr(FdnixVectorBatch) batch = NULL;
  g_autofree gchar *text = g_strndup ((const gchar *) data, size);

  if (index != NULL)
    check_index (index);
  if (size >= 2 && data[0] == 0x1f && data[1] == 0x8b)
    batch = fdnix_vector_batch_load (bytes, "vectors/batch_f_00000.json.gz", NULL, NULL);
  else
    /* NUL-terminated, as fdnix_gzip_decompress() hands text over */
    batch = fdnix_vector_batch_parse (text, size, NULL);
  if (batch != NULL)
    check_batch (batch);
  return 0;
}
