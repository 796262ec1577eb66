/* fdnix-metadata-run.c: the read → sync → commit-or-abort flow of
 * fdnix-metadata, and its JSON-lines alternative. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "core/fdnix-error.h"
#include "core/fdnix-floor.h"
#include "core/fdnix-progress.h"
#include "ingest/fdnix-metadata-run.h"
#include "ingest/fdnix-package-reader.h"
#include "ingest/fdnix-source.h"
#include "ingest/fdnix-sync.h"
#include "store/fdnix-store-factory.h"

/* Where normalized records go: the sync, or a JSON-lines file. */
typedef struct {
  const gchar        *output;          /* the file's name, for messages */
  FILE               *out;
  GString            *line;
  FdnixPackageReader *reader;
  FdnixSource        *source;
  FdnixProgress      *progress;
  gboolean            output_failed;   /* the error is ours, not the input's */
} Pipeline;

static const gchar *
output_name (const gchar *output)
{
  return g_strcmp0 (output, "-") == 0 ? "standard output" : output;
}

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
                   output_name (p->output), g_strerror (errno));
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
open_output (const gchar *output, gchar **out_tmp_path, FILE **out_file, GError **error)
{
  g_autofree gchar *tmp = NULL;
  mode_t mask;
  gint fd;

  if (g_strcmp0 (output, "-") == 0)
    {
      *out_file = stdout;
      return TRUE;
    }
  if (g_file_test (output, G_FILE_TEST_EXISTS) && !g_file_test (output, G_FILE_TEST_IS_REGULAR))
    {
      /* A device or pipe is written in place: renaming over /dev/null
       * would replace the device with a file. */
      *out_file = fopen (output, "w");
      if (*out_file == NULL)
        {
          g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_IO, "%s: %s", output, g_strerror (errno));
          return FALSE;
        }
      return TRUE;
    }
  tmp = g_strdup_printf ("%s.XXXXXX", output);
  fd = g_mkstemp (tmp);
  /* mkstemp makes the file 0600; the output gets the mode any new file
   * gets (the umask is read by setting it, then put back) */
  mask = umask (0);
  umask (mask);
  if (fd < 0 || fchmod (fd, 0666 & ~mask) != 0 || (*out_file = fdopen (fd, "w")) == NULL)
    {
      g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_IO, "%s: %s", output, g_strerror (errno));
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
close_output (const gchar *output, FILE *file, const gchar *tmp_path, gboolean ok, GError **error)
{
  if (file == stdout)
    return ok;
  if (fclose (file) != 0 && ok)
    {
      g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_IO, "%s: write error: %s", output, g_strerror (errno));
      ok = FALSE;
    }
  if (tmp_path == NULL)
    return ok;
  if (ok && g_rename (tmp_path, output) != 0)
    {
      g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_IO, "%s: %s", output, g_strerror (errno));
      ok = FALSE;
    }
  if (!ok)
    g_unlink (tmp_path);
  return ok;
}

static void
report_commit (FdnixStore *store, const FdnixSyncStats *s, gboolean dry_run)
{
  g_message ("%s: %" G_GUINT64_FORMAT " packages read, %" G_GUINT64_FORMAT " written (%"
             G_GUINT64_FORMAT " new, %" G_GUINT64_FORMAT " changed), %" G_GUINT64_FORMAT
             " deleted, %" G_GUINT64_FORMAT " unchanged%s", fdnix_store_describe (store),
             s->received, s->written, s->added, s->updated, s->deleted, s->unchanged,
             dry_run ? " (dry run)" : "");
}

/**
 * fdnix_metadata_run:
 * @config: a configuration with the source, reader, sync and store settings
 * @options: the output file or dry run
 * @summary: receives the counts and phases
 * @error: return location for an error
 *
 * Reads the configured source and either brings the store in step with it
 * (committing only when the whole reading succeeded) or writes the records
 * as JSON lines to @options->output.
 *
 * Returns: TRUE when the run completed.
 */
gboolean
fdnix_metadata_run (FdnixConfig *config, const FdnixMetadataRunOptions *options,
                    FdnixSummary *summary, GError **error)
{
  g_autoptr(FdnixSource) source = NULL;
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

  /* the tables read here; the store, the channel download and the AWS
   * clients check their own */
  if (!fdnix_config_require (config, fdnix_source_settings, G_STRFUNC, error) ||
      !fdnix_config_require (config, fdnix_package_reader_settings, G_STRFUNC, error) ||
      !fdnix_config_require (config, fdnix_floor_settings, G_STRFUNC, error))
    return FALSE;
  source = fdnix_source_new_from_config (config, error);
  if (source == NULL)
    return FALSE;
  fdnix_summary_set_info (summary, "source", fdnix_source_describe (source));
  root = fdnix_source_get_nixpkgs_root (source);

  if (options->output != NULL)
    {
      if (!open_output (options->output, &tmp_path, &p.out, error))
        return FALSE;
      p.output = options->output;
      p.line = line;
      reader = fdnix_package_reader_new_from_config (config, root, write_record, &p);
    }
  else
    {
      /* a dry run changes nothing, so it creates no table either */
      store = fdnix_store_new_from_config (config, options->dry_run ? FDNIX_STORE_EXISTING : FDNIX_STORE_CREATE,
                                           error);
      if (store == NULL)
        return FALSE;
      fdnix_summary_set_info (summary, "store", fdnix_store_describe (store));
      fdnix_sync_options_from_config (config, &sync_options);
      sync_options.dry_run = options->dry_run;
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
    return close_output (options->output, p.out, tmp_path, ok, ok ? error : NULL);
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
    report_commit (store, fdnix_sync_get_stats (sync), options->dry_run);
  return ok;
}
