/* fdnix-metadata: nixpkgs metadata into the package table.
 *
 * source (nix-env, file, channel) → decoder → package reader (stream
 * parser + normalizer) → sync (diff against the store) → commit.
 * Everything here is wiring; the parts live in lib/.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "core/fdnix-error.h"
#include "core/fdnix-floor.h"
#include "core/fdnix-program.h"
#include "core/fdnix-progress.h"
#include "ingest/fdnix-package-reader.h"
#include "ingest/fdnix-source.h"
#include "ingest/fdnix-sync.h"
#include "store/fdnix-store-factory.h"

static gchar *opt_output;
static gboolean opt_dry_run;

static const GOptionEntry metadata_entries[] = {
  { "output", 'o', 0, G_OPTION_ARG_FILENAME, &opt_output,
    "Write the normalized records as JSON lines to FILE (- for standard output) instead of storing them", "FILE" },
  { "dry-run", 'n', 0, G_OPTION_ARG_NONE, &opt_dry_run,
    "Read and compare with the store, report what would change, write nothing", NULL },
  { NULL }
};

static const gchar description[] =
  "Reads nix-env -qaP --json --meta output (by running nix-env on a nixpkgs tree,\n"
  "or from a file or standard input), normalizes every package and brings the\n"
  "package table in step: unchanged packages are not written, vanished ones are\n"
  "deleted only after a complete run above the package floor.\n"
  "\n"
  "The table is an SQLite file under the data directory unless DYNAMODB_TABLE\n"
  "is set.  Exit status: 0 done, 1 failed, 2 usage error.\n"
  "See fdnix-metadata(1) and fdnix.conf(5).";

/* Where normalized records go: the sync, or a JSON-lines file. */
typedef struct {
  FdnixSync          *sync;
  FILE               *out;
  GString            *line;
  FdnixPackageReader *reader;
  FdnixSource        *source;
  FdnixProgress      *progress;
  gboolean            output_failed;  /* the error is ours, not the input's */
} Pipeline;

static gboolean
write_record (FdnixRecord *record, gpointer user_data, GError **error)
{
  Pipeline *p = user_data;

  g_string_truncate (p->line, 0);
  fdnix_record_append_json (record, p->line);
  g_string_append_c (p->line, '\n');
  if (fwrite (p->line->str, 1, p->line->len, p->out) != p->line->len)
    {
      g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_IO, "%s: write error: %s",
                   g_strcmp0 (opt_output, "-") == 0 ? "standard output" : opt_output,
                   g_strerror (errno));
      p->output_failed = TRUE;
      return FALSE;
    }
  return TRUE;
}

static gboolean
feed_reader (const gchar *data, gsize length, gpointer user_data, GError **error)
{
  Pipeline *p = user_data;
  FdnixReaderCounts counts;
  guint64 position, total;

  if (!fdnix_package_reader_feed (p->reader, data, length, error))
    return FALSE;
  fdnix_package_reader_get_counts (p->reader, &counts);
  fdnix_source_get_position (p->source, &position, &total);
  fdnix_progress_set_total (p->progress, total);
  fdnix_progress_update (p->progress, position, counts.records);
  return TRUE;
}

static void
count_reader (FdnixSummary *summary, FdnixPackageReader *reader)
{
  FdnixReaderCounts c;

  fdnix_package_reader_get_counts (reader, &c);
  fdnix_summary_add (summary, "entries", (gint64) c.entries);
  fdnix_summary_add (summary, "records", (gint64) c.records);
  fdnix_summary_add (summary, "skipped_invalid", (gint64) c.skipped_invalid);
  fdnix_summary_add (summary, "skipped_half_written", (gint64) c.skipped_half_written);
  fdnix_summary_add (summary, "repaired_utf8", (gint64) c.repaired_utf8);
  fdnix_summary_add (summary, "capped_long_descriptions", (gint64) c.capped_long_descriptions);
  fdnix_summary_add (summary, "bytes_read", (gint64) fdnix_package_reader_get_offset (reader));
}

static void
count_sync (FdnixSummary *summary, const FdnixSyncStats *s)
{
  fdnix_summary_add (summary, "stored_before", (gint64) s->stored_before);
  fdnix_summary_add (summary, "unchanged", (gint64) s->unchanged);
  fdnix_summary_add (summary, "added", (gint64) s->added);
  fdnix_summary_add (summary, "updated", (gint64) s->updated);
  fdnix_summary_add (summary, "embeddings_kept", (gint64) s->embeddings_kept);
  fdnix_summary_add (summary, "written", (gint64) s->written);
  fdnix_summary_add (summary, "deleted", (gint64) s->deleted);
}

/* JSON lines go to a temporary file renamed into place at the end, so a
 * failed run never leaves a half-written output behind. */
static gboolean
open_output (gchar **out_tmp_path, FILE **out_file, GError **error)
{
  g_autofree gchar *tmp = NULL;
  mode_t mask;
  gint fd;

  if (g_strcmp0 (opt_output, "-") == 0)
    {
      *out_file = stdout;
      return TRUE;
    }
  if (g_file_test (opt_output, G_FILE_TEST_EXISTS) && !g_file_test (opt_output, G_FILE_TEST_IS_REGULAR))
    {
      /* A device or pipe is written in place: renaming over /dev/null
       * would replace the device with a file. */
      *out_file = fopen (opt_output, "w");
      if (*out_file == NULL)
        {
          g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_IO, "%s: %s", opt_output, g_strerror (errno));
          return FALSE;
        }
      return TRUE;
    }
  tmp = g_strdup_printf ("%s.XXXXXX", opt_output);
  fd = g_mkstemp (tmp);
  /* mkstemp makes the file 0600; the output gets the mode any new file
   * gets (the umask is read by setting it, then put back) */
  mask = umask (0);
  umask (mask);
  if (fd < 0 || fchmod (fd, 0666 & ~mask) != 0 || (*out_file = fdopen (fd, "w")) == NULL)
    {
      g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_IO, "%s: %s", opt_output, g_strerror (errno));
      if (fd >= 0)
        {
          close (fd);
          g_unlink (tmp);
        }
      return FALSE;
    }
  *out_tmp_path = g_steal_pointer (&tmp);
  return TRUE;
}

static gboolean
close_output (FILE *file, const gchar *tmp_path, gboolean ok, GError **error)
{
  if (file == stdout)
    return ok;
  if (tmp_path == NULL)
    {
      if (fclose (file) != 0 && ok)
        {
          g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_IO, "%s: write error: %s",
                       opt_output, g_strerror (errno));
          return FALSE;
        }
      return ok;
    }
  if (fclose (file) != 0 && ok)
    {
      g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_IO, "%s: write error: %s",
                   opt_output, g_strerror (errno));
      ok = FALSE;
    }
  if (ok && g_rename (tmp_path, opt_output) != 0)
    {
      g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_IO, "%s: %s", opt_output, g_strerror (errno));
      ok = FALSE;
    }
  if (!ok)
    g_unlink (tmp_path);
  return ok;
}

static gboolean
run (FdnixConfig *config, FdnixSummary *summary, GError **error)
{
  g_autoptr(FdnixSource) source = fdnix_source_new_from_config (config, error);
  g_autoptr(FdnixStore) store = NULL;
  g_autoptr(FdnixSync) sync = NULL;
  g_autoptr(FdnixPackageReader) reader = NULL;
  g_autoptr(FdnixProgress) progress = NULL;
  g_autoptr(GString) line = g_string_sized_new (4096);
  g_autofree gchar *tmp_path = NULL;
  FdnixSyncOptions sync_options;
  const gchar *root;
  Pipeline p = { 0 };
  gboolean ok;

  if (source == NULL)
    return FALSE;
  fdnix_summary_set_info (summary, "source", fdnix_source_describe (source));
  root = fdnix_source_get_nixpkgs_root (source);

  if (opt_output != NULL)
    {
      if (!open_output (&tmp_path, &p.out, error))
        return FALSE;
      p.line = line;
      reader = fdnix_package_reader_new_from_config (config, root, write_record, &p);
    }
  else
    {
      /* a dry run changes nothing, so it creates no table either */
      store = fdnix_store_new_from_config (config, opt_dry_run ? FDNIX_STORE_EXISTING : FDNIX_STORE_CREATE,
                                           error);
      if (store == NULL)
        return FALSE;
      fdnix_summary_set_info (summary, "store", fdnix_store_describe (store));
      fdnix_sync_options_from_config (config, &sync_options);
      sync_options.dry_run = opt_dry_run;
      sync = fdnix_sync_new (store, &sync_options);
      if (!fdnix_sync_begin (sync, error))
        return FALSE;
      reader = fdnix_package_reader_new_from_config (config, root, fdnix_sync_record, sync);
    }

  g_info ("reading %s", fdnix_source_describe (source));
  progress = fdnix_progress_new ("reading", "packages", 0);
  p.reader = reader;
  p.source = source;
  p.progress = progress;
  fdnix_summary_phase_begin (summary, "read");
  ok = fdnix_source_run (source, feed_reader, &p, error) &&
       fdnix_package_reader_finish (reader, error);
  fdnix_summary_phase_end (summary, "read");
  fdnix_progress_finish (progress);
  count_reader (summary, reader);
  if (!ok && !p.output_failed)
    g_prefix_error (error, "%s: ", fdnix_source_describe (source));

  if (p.out != NULL)
    return close_output (p.out, tmp_path, ok, ok ? error : NULL);
  if (!ok)
    {
      /* Nothing of a bad run reaches the store. */
      fdnix_sync_abort (sync);
      count_sync (summary, fdnix_sync_get_stats (sync));
      return FALSE;
    }

  fdnix_summary_phase_begin (summary, "commit");
  ok = fdnix_sync_commit (sync, error);
  fdnix_summary_phase_end (summary, "commit");
  count_sync (summary, fdnix_sync_get_stats (sync));
  if (ok)
    {
      const FdnixSyncStats *s = fdnix_sync_get_stats (sync);
      g_message ("%s: %" G_GUINT64_FORMAT " packages read, %" G_GUINT64_FORMAT " written (%"
                 G_GUINT64_FORMAT " new, %" G_GUINT64_FORMAT " changed), %" G_GUINT64_FORMAT
                 " deleted, %" G_GUINT64_FORMAT " unchanged%s", fdnix_store_describe (store),
                 s->received, s->written, s->added, s->updated, s->deleted, s->unchanged,
                 opt_dry_run ? " (dry run)" : "");
    }
  return ok;
}

int
main (int argc, char **argv)
{
  g_autoptr(FdnixProgram) program = fdnix_program_new ("fdnix-metadata", NULL,
                                                       "Turn nixpkgs metadata into the fdnix package table.");
  g_autoptr(GError) error = NULL;
  gint status;

  fdnix_program_add_settings (program, fdnix_source_settings, TRUE);
  fdnix_program_add_settings (program, fdnix_package_reader_settings, TRUE);
  fdnix_program_add_settings (program, fdnix_floor_settings, TRUE);
  fdnix_store_add_settings (program);
  fdnix_program_add_entries (program, metadata_entries);
  fdnix_program_set_description (program, description);

  status = fdnix_program_parse (program, &argc, &argv);
  if (status != FDNIX_PROGRAM_CONTINUE)
    return status;
  if (argc > 1)
    return fdnix_program_usage_error (program, "unexpected argument '%s'", argv[1]);
  if (opt_output != NULL && opt_dry_run)
    return fdnix_program_usage_error (program, "--output and --dry-run do not go together");
  if (g_strcmp0 (opt_output, "-") == 0 &&
      g_strcmp0 (fdnix_config_get_string (fdnix_program_get_config (program), "general.summary-json"), "-") == 0)
    return fdnix_program_usage_error (program, "--output - and --summary-json - both want standard output");

  run (fdnix_program_get_config (program), fdnix_program_get_summary (program), &error);
  return fdnix_program_finish (program, error);
}
