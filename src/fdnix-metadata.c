/* fdnix-metadata: nixpkgs metadata into the package table.
 *
 * Options and wiring only: the run is fdnix_metadata_run() in lib/ingest.
 */
#include "config.h"

#include "core/fdnix-floor.h"
#include "core/fdnix-program.h"
#include "ingest/fdnix-metadata-run.h"
#include "ingest/fdnix-package-reader.h"
#include "ingest/fdnix-source.h"
#include "ingest/fdnix-sync.h"
#include "net/fdnix-http.h"
#include "net/fdnix-retry.h"
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
  /* the channel download's, whichever store is chosen (the store's
   * registration has them too: a key is registered once) */
  fdnix_program_add_settings (program, fdnix_http_settings, TRUE);
  fdnix_program_add_settings (program, fdnix_retry_settings, TRUE);
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

  {
    FdnixMetadataRunOptions options = { opt_output, opt_dry_run };

    fdnix_metadata_run (fdnix_program_get_config (program), &options,
                        fdnix_program_get_summary (program), &error);
  }
  return fdnix_program_finish (program, error);
}
