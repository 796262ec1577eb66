/* fuzz-ingest: libFuzzer target over the package reader and the normalizer.
 *
 * Each input is read as a whole document three times: in one chunk, one
 * byte at a time, and in chunks of input-derived sizes.  All three runs
 * must agree exactly (records, counts, error message), every record must
 * serialize to valid UTF-8 JSON that parses back, and its keys must be
 * non-empty.  The input is also normalized as a single entry.  Any
 * disagreement aborts, so libFuzzer keeps the input.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/fdnix-json-value.h"
#include "ingest/fdnix-normalize.h"
#include "ingest/fdnix-package-reader.h"

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

static FdnixJsonParser *check_parser;

static gboolean
on_record (FdnixRecord *record, gpointer user_data, GError **error)
{
  GString *out = user_data;
  gsize start = out->len;

  if (record->package_name == NULL || *record->package_name == '\0' ||
      record->version == NULL || *record->version == '\0' ||
      record->content_hash == NULL || record->embed_text_hash == NULL)
    abort ();
  fdnix_record_append_json (record, out);
  if (!g_utf8_validate_len (out->str + start, out->len - start, NULL))
    abort ();
  if (fdnix_json_parser_parse (check_parser, out->str + start, out->len - start,
                               FDNIX_JSON_PARSE_DEFAULT, NULL) == NULL)
    abort ();
  g_string_append_c (out, '\n');
  return TRUE;
}

/* Reads the document in chunks given by @next_chunk; returns a transcript
 * of everything observable. */
static gchar *
run (const guint8 *data, gsize size, guint mode)
{
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(FdnixPackageReader) reader = NULL;
  FdnixNormalizeOptions options = { "/build/nixpkgs", 256 };
  FdnixReaderCounts counts;
  guint32 state = 2166136261u;
  gsize offset = 0;
  gboolean ok = TRUE;

  for (gsize i = 0; i < size; i++)
    state = (state ^ data[i]) * 16777619u;
  reader = fdnix_package_reader_new (&options, on_record, out);
  /* small enough that the fuzzer can reach it */
  fdnix_package_reader_set_max_entry_size (reader, 2048);
  while (ok && offset < size)
    {
      gsize chunk = size - offset;
      if (mode == 1)
        chunk = 1;
      else if (mode == 2)
        {
          state ^= state << 13;
          state ^= state >> 17;
          state ^= state << 5;
          chunk = MIN (chunk, 1 + state % 97);
        }
      ok = fdnix_package_reader_feed (reader, (const gchar *) data + offset, chunk, &error);
      offset += chunk;
    }
  if (ok)
    ok = fdnix_package_reader_finish (reader, &error);
  fdnix_package_reader_get_counts (reader, &counts);
  g_string_append_printf (out, "%d %s %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT
                          " %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT " %d\n",
                          ok, ok ? "" : error->message, counts.entries, counts.records,
                          counts.skipped_invalid, counts.skipped_half_written, counts.repaired_utf8,
                          counts.capped_long_descriptions, fdnix_package_reader_is_wrapper (reader));
  /* on success every entry is accounted for */
  if (ok && counts.entries != counts.records + counts.skipped_invalid + counts.skipped_half_written)
    abort ();
  return g_string_free (g_steal_pointer (&out), FALSE);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autofree gchar *whole = NULL;
  g_autofree gchar *bytes = NULL;
  g_autofree gchar *random = NULL;
  g_autoptr(FdnixRecord) record = NULL;
  FdnixNormalizeCounts counts = { 0, 0 };

  if (check_parser == NULL)
    check_parser = fdnix_json_parser_new ();
  whole = run (data, size, 0);
  bytes = run (data, size, 1);
  random = run (data, size, 2);
  if (strcmp (whole, bytes) != 0 || strcmp (whole, random) != 0)
    abort ();

  /* the normalizer on its own, with the input as one entry */
  record = fdnix_normalize_package_json (NULL, "fuzz.entry", (const gchar *) data, size, &counts, NULL);
  if (record != NULL)
    {
      g_autofree gchar *json = fdnix_record_to_json (record);
      if (!g_utf8_validate (json, -1, NULL))
        abort ();
    }
  return 0;
}
