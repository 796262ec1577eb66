/* fdnix-embed: embeddings for the package table, as vector files + index. */
#include "config.h"

#include "core/fdnix-error.h"
#include "core/fdnix-floor.h"
#include "core/fdnix-program.h"
#include "embed/fdnix-embed-run.h"
#include "embed/fdnix-embedder-factory.h"
#include "net/fdnix-retry.h"
#include "search/fdnix-search-bundle.h"
#include "vectors/fdnix-objects.h"
#include "store/fdnix-store-factory.h"

static const gchar description[] =
  "Embeds every package of the table that has no vector for the current model\n"
  "(new packages, changed descriptions, another model), writes the vectors as\n"
  "vectors/batch_<run>_<seq>.json.gz and the search bundle (display fields and\n"
  "keyword index) as search-bundle/bundle_<hash>.bin, and then\n"
  "vector-index/index.json.gz, so that the index lists every live package\n"
  "exactly once.  A rerun with nothing changed embeds and writes nothing.\n"
  "\n"
  "Defaults: the SQLite table and a directory under the data directory, and the\n"
  "built-in offline embedder.  DYNAMODB_TABLE, S3_BUCKET and BEDROCK_MODEL_ID\n"
  "select DynamoDB, S3 and Bedrock.  See fdnix-embed(1) and fdnix.conf(5).\n"
  "\n"
  "Exit status: 0 done, 1 failed, 2 usage error.";

static gboolean
run (FdnixProgram *program, GError **error)
{
  FdnixConfig *config = fdnix_program_get_config (program);
  FdnixEmbedRunOptions options = { 0 };
  g_autoptr(FdnixEmbedder) embedder = NULL;
  g_autoptr(FdnixObjects) objects = NULL;
  g_autoptr(FdnixStore) store = NULL;

  if (!fdnix_embed_run_options_from_config (config, &options, error))
    return FALSE;
  /* the search side builds the bundle published with the vectors */
  options.bundle.build = fdnix_search_bundle_build;
  embedder = fdnix_embedder_new_from_config (config, error);
  if (embedder == NULL)
    return FALSE;
  /* the table first: a mistyped path fails before anything is touched */
  store = fdnix_store_new_from_config (config, FDNIX_STORE_EXISTING, error);
  if (store == NULL)
    return FALSE;
  objects = fdnix_objects_new_from_config (config, error);
  if (objects == NULL)
    return FALSE;
  return fdnix_embed_run (store, objects, embedder, &options, error);
}

int
main (int argc, char **argv)
{
  g_autoptr(FdnixProgram) program = fdnix_program_new ("fdnix-embed", NULL,
                                                       "Embed the fdnix package table into vector files.");
  g_autoptr(GError) error = NULL;
  gint status;

  fdnix_program_set_description (program, description);
  fdnix_program_add_settings (program, fdnix_embed_run_settings, TRUE);
  fdnix_program_add_settings (program, fdnix_floor_settings, TRUE);
  fdnix_embed_add_settings (program);
  /* the embedding requests' back-off (fdnix_embed_add_settings() has it
   * for the AWS clients already: a key is registered once) */
  fdnix_program_add_settings (program, fdnix_retry_settings, TRUE);
  status = fdnix_program_parse (program, &argc, &argv);
  if (status != FDNIX_PROGRAM_CONTINUE)
    return status;
  if (argc > 1)
    return fdnix_program_usage_error (program, "unexpected argument '%s'", argv[1]);
  run (program, &error);
  return fdnix_program_finish (program, error);
}
