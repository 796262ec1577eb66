/* fuzz-vectors: libFuzzer target over what fdnix-search and fdnix-embed
 * read from a bucket: the index (fdnix_vector_index_parse) and batch files
 * (fdnix_vector_batch_parse, and fdnix_vector_batch_load for gzip input).
 *
 * Every input goes to both readers.  What they accept must keep the
 * promises the rest of fdnix relies on (vectors-check.c), or the target
 * aborts and libFuzzer keeps the input:
 *   - the index: within the FDNIX_VECTOR_* caps, no key twice (listed or
 *     superseded), total_vectors the sum of the counts, and written out
 *     and read back it is the same snapshot;
 *   - a batch file: count and dimension within the caps, one id, name and
 *     version per vector, and written out and read back it holds the same
 *     names, versions and (finite) numbers.
 * Inputs that once broke a promise live in tests/data/vectors-fuzz, which
 * check-vectors runs through the same checks.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "vectors-check.h"

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

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  const gchar *broken = vectors_check_input (data, size);

  if (broken != NULL)
    {
      fprintf (stderr, "fuzz-vectors: %s\n", broken);
      abort ();
    }
  return 0;
}
