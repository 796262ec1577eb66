/* fdnix-ingest-dump: run the package reader over a document, for the scale
 * check and the benchmark.
 *
 *   fdnix-ingest-dump [--chunk N] [--records] [--skipped] [--root DIR] [FILE|-]
 *
 * Reads FILE (plain or gzip) or standard input in chunks of N bytes (default
 * 65536) and prints one JSON line of counts, CPU seconds and peak RSS to
 * standard output; --records first prints each record's JSON form, and
 * --skipped each skipped attribute path (one per line, from the warnings).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <zlib.h>

#include "core/fdnix-error.h"
#include "ingest/fdnix-package-reader.h"

static gboolean opt_records;
static gboolean opt_skipped;

static gboolean
on_record (FdnixRecord *record, gpointer user_data, GError **error)
{
  GString *line = user_data;

  if (!opt_records)
    return TRUE;
  g_string_truncate (line, 0);
  fdnix_record_append_json (record, line);
  g_string_append_c (line, '\n');
  if (fwrite (line->str, 1, line->len, stdout) != line->len)
    {
      g_set_error_literal (error, FDNIX_ERROR, FDNIX_ERROR_IO, "cannot write to standard output");
      return FALSE;
    }
  return TRUE;
}

/* Warnings name skipped entries; --skipped turns them into a plain list. */
static GLogWriterOutput
log_writer (GLogLevelFlags level, const GLogField *fields, gsize n_fields, gpointer user_data)
{
  for (gsize i = 0; i < n_fields; i++)
    {
      const gchar *message = fields[i].value;
      const gchar *start;
      const gchar *end;

      if (strcmp (fields[i].key, "MESSAGE") != 0)
        continue;
      if (opt_skipped && g_str_has_prefix (message, "skipping \"") &&
          (start = message + strlen ("skipping \"")) != NULL &&
          (end = strchr (start, '"')) != NULL)
        printf ("skipped %.*s\n", (int) (end - start), start);
      else if (level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING))
        fprintf (stderr, "warning: %s\n", message);
    }
  return G_LOG_WRITER_HANDLED;
}

int
main (int argc, char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new ("[FILE|-]");
  g_autoptr(GError) error = NULL;
  g_autoptr(FdnixPackageReader) reader = NULL;
  g_autoptr(GString) line = g_string_new (NULL);
  g_autofree gchar *buffer = NULL;
  g_autofree gchar *root = NULL;
  gint chunk = 65536;
  const gchar *path = "-";
  FdnixNormalizeOptions options = { NULL, 0 };
  FdnixReaderCounts counts;
  struct rusage usage;
  gzFile in;
  gboolean ok = TRUE;
  GOptionEntry entries[] = {
    { "chunk", 0, 0, G_OPTION_ARG_INT, &chunk, "Bytes per feed", "N" },
    { "records", 0, 0, G_OPTION_ARG_NONE, &opt_records, "Print each record as a JSON line", NULL },
    { "skipped", 0, 0, G_OPTION_ARG_NONE, &opt_skipped, "Print each skipped attribute path", NULL },
    { "root", 0, 0, G_OPTION_ARG_FILENAME, &root, "nixpkgs root stripped from positions", "DIR" },
    { NULL }
  };

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || chunk < 1 || argc > 2)
    {
      fprintf (stderr, "usage: %s [--chunk N] [--records] [--skipped] [FILE|-]\n", g_get_prgname ());
      return 2;
    }
  if (argc == 2)
    path = argv[1];
  g_log_set_writer_func (log_writer, NULL, NULL);
  in = strcmp (path, "-") == 0 ? gzdopen (0, "rb") : gzopen (path, "rb");
  if (in == NULL)
    {
      fprintf (stderr, "error: cannot open %s\n", path);
      return 1;
    }
  gzbuffer (in, 256 * 1024);
  options.nixpkgs_root = root;
  reader = fdnix_package_reader_new (&options, on_record, line);
  buffer = g_malloc (chunk);
  for (;;)
    {
      int n = gzread (in, buffer, chunk);
      if (n < 0)
        {
          g_set_error_literal (&error, FDNIX_ERROR, FDNIX_ERROR_IO, "read error");
          ok = FALSE;
          break;
        }
      if (n == 0)
        break;
      if (!fdnix_package_reader_feed (reader, buffer, n, &error))
        {
          ok = FALSE;
          break;
        }
    }
  gzclose (in);
  if (ok)
    ok = fdnix_package_reader_finish (reader, &error);
  fdnix_package_reader_get_counts (reader, &counts);
  getrusage (RUSAGE_SELF, &usage);
  printf ("{\"ok\":%s,\"bytes\":%" G_GUINT64_FORMAT ",\"entries\":%" G_GUINT64_FORMAT
          ",\"records\":%" G_GUINT64_FORMAT ",\"skipped_invalid\":%" G_GUINT64_FORMAT
          ",\"skipped_half_written\":%" G_GUINT64_FORMAT ",\"repaired_utf8\":%" G_GUINT64_FORMAT
          ",\"capped_long_descriptions\":%" G_GUINT64_FORMAT ",\"wrapper\":%s"
          ",\"cpu_s\":%.3f,\"max_rss_kb\":%ld}\n",
          ok ? "true" : "false", fdnix_package_reader_get_offset (reader), counts.entries,
          counts.records, counts.skipped_invalid, counts.skipped_half_written,
          counts.repaired_utf8, counts.capped_long_descriptions,
          fdnix_package_reader_is_wrapper (reader) ? "true" : "false",
          usage.ru_utime.tv_sec + usage.ru_stime.tv_sec +
          (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6,
          usage.ru_maxrss);
  if (!ok)
    {
      fprintf (stderr, "error: %s\n", error->message);
      return 1;
    }
  return 0;
}
