/* embed-tool: test helper for the fdnix-embed integration scripts.
 *
 *   embed-tool load FILE     sync records (JSON lines, the documented record
 *                            form) into the configured store, as
 *                            fdnix-metadata would; vanished ones deleted
 *   embed-tool verify        check the snapshot against the store
 *                            (embed-verify.h); prints a JSON report; exit 1
 *                            on any problem.  --no-vectors skips recomputing
 *                            every vector.
 *
 * It reads the same settings as fdnix-embed (environment, --data-dir, S3,
 * Bedrock, ...), so the scripts point both at the same place.
 */
#include "config.h"

#include <stdio.h>

#include "core/fdnix-error.h"
#include "core/fdnix-json.h"
#include "core/fdnix-program.h"
#include "embed/fdnix-embed-run.h"
#include "embed/fdnix-embedder-factory.h"
#include "vectors/fdnix-objects.h"
#include "ingest/fdnix-sync.h"
#include "store/fdnix-store-factory.h"
#include "embed-verify.h"

static gboolean no_vectors;

static gboolean
load (FdnixStore *store, const gchar *path, GError **error)
{
  g_autoptr(GIOChannel) channel = g_io_channel_new_file (path, "r", error);
  FdnixSyncOptions options = { 0 };
  g_autoptr(FdnixSync) sync = fdnix_sync_new (store, &options);
  gchar *line = NULL;
  gsize length = 0;
  GIOStatus status;

  if (channel == NULL || !fdnix_sync_begin (sync, error))
    return FALSE;
  while ((status = g_io_channel_read_line (channel, &line, &length, NULL, error)) == G_IO_STATUS_NORMAL)
    {
      g_autofree gchar *text = line;
      g_autoptr(FdnixRecord) record = NULL;

      g_strstrip (text);
      if (*text == '\0')
        continue;
      record = fdnix_record_from_json (text, -1, error);
      if (record == NULL)
        return FALSE;
      /* the sync decides what the embedding fields become */
      record->has_embedding = FALSE;
      g_clear_pointer (&record->embedding_model, g_free);
      g_clear_pointer (&record->vector_file, g_free);
      fdnix_record_compute_hashes (record);
      if (!fdnix_sync_record (record, sync, error))
        return FALSE;
    }
  if (status == G_IO_STATUS_ERROR || !fdnix_sync_commit (sync, error))
    return FALSE;
  {
    const FdnixSyncStats *stats = fdnix_sync_get_stats (sync);
    g_print ("{\"added\":%" G_GUINT64_FORMAT ",\"updated\":%" G_GUINT64_FORMAT ",\"deleted\":%"
             G_GUINT64_FORMAT ",\"embeddings_kept\":%" G_GUINT64_FORMAT "}\n",
             stats->added, stats->updated, stats->deleted, stats->embeddings_kept);
  }
  return TRUE;
}

static gboolean
verify (FdnixConfig *config, FdnixStore *store, GError **error)
{
  g_autoptr(FdnixEmbedder) embedder = fdnix_embedder_new_from_config (config, error);
  g_autoptr(FdnixObjects) objects = NULL;
  EmbedVerifyReport report;
  g_autoptr(GString) out = g_string_new ("{");

  if (embedder == NULL)
    return FALSE;
  objects = fdnix_objects_new_from_config (config, error);
  if (objects == NULL || !embed_verify (store, objects, embedder, !no_vectors, &report, error))
    return FALSE;
  fdnix_json_member_int (out, "records", (gint64) report.records);
  fdnix_json_member_int (out, "vectors", (gint64) report.vectors);
  fdnix_json_member_int (out, "files", (gint64) report.files);
  fdnix_json_member_int (out, "superseded", (gint64) report.superseded);
  fdnix_json_member_int (out, "problems", (gint64) report.problems);
  fdnix_json_member_string (out, "snapshot_digest", report.snapshot_digest);
  fdnix_json_member_string (out, "store_digest", report.store_digest);
  g_string_append_c (out, '}');
  g_print ("%s\n", out->str);
  if (report.problems > 0)
    {
      g_printerr ("%s", report.messages->str);
      g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_FAILED, "%" G_GUINT64_FORMAT " problems in the snapshot",
                   report.problems);
      embed_verify_clear (&report);
      return FALSE;
    }
  embed_verify_clear (&report);
  return TRUE;
}

int
main (int argc, char **argv)
{
  g_autoptr(FdnixProgram) program = fdnix_program_new ("embed-tool", "load FILE | verify",
                                                       "Test helper for fdnix-embed.");
  const GOptionEntry entries[] = {
    { "no-vectors", 0, 0, G_OPTION_ARG_NONE, &no_vectors, "verify: do not recompute vectors", NULL },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(FdnixStore) store = NULL;
  FdnixConfig *config;
  gint status;

  fdnix_program_add_entries (program, entries);
  fdnix_program_add_settings (program, fdnix_embed_run_settings, TRUE);
  fdnix_embed_add_settings (program);
  status = fdnix_program_parse (program, &argc, &argv);
  if (status != FDNIX_PROGRAM_CONTINUE)
    return status;
  config = fdnix_program_get_config (program);
  if (argc < 2 || (g_strcmp0 (argv[1], "load") == 0 && argc != 3) ||
      (g_strcmp0 (argv[1], "load") != 0 && g_strcmp0 (argv[1], "verify") != 0))
    return fdnix_program_usage_error (program, "expected 'load FILE' or 'verify'");
  store = fdnix_store_new_from_config (config, g_strcmp0 (argv[1], "load") == 0 ? FDNIX_STORE_CREATE : FDNIX_STORE_READ_ONLY, &error);
  if (store != NULL)
    {
      if (g_strcmp0 (argv[1], "load") == 0)
        load (store, argv[2], &error);
      else
        verify (config, store, &error);
    }
  return fdnix_program_finish (program, error);
}
