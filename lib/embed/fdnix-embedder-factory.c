/* fdnix-embedder-factory.c: settings and choice of the embedder.
 *
 * The offline embedder is the default, so a laptop needs no account and no
 * download; the seed's BEDROCK_MODEL_ID selects Bedrock, as in the original
 * containers; an OpenAI-compatible server is chosen by name (or by giving
 * its base URL).
 */
#include "config.h"

#include <string.h>

#include "core/fdnix-error.h"
#include "embed/fdnix-embedder-bedrock.h"
#include "embed/fdnix-embedder-factory.h"
#include "embed/fdnix-embedder-offline.h"
#include "embed/fdnix-embedder-openai.h"
#include "vectors/fdnix-objects.h"
#include "store/fdnix-store-factory.h"

const FdnixSetting fdnix_embedder_settings[] = {
  { "embed.embedder", FDNIX_SETTING_STRING, "auto", "FDNIX_EMBEDDER", "embedder", 0, "NAME",
    "offline, bedrock, openai or auto (bedrock when BEDROCK_MODEL_ID is set, openai when "
    "a base URL is, else offline)" },
  { "embed.dimension", FDNIX_SETTING_INT, "0", "FDNIX_EMBED_DIMENSION", "dimension", 0, "N",
    "Vector length (0: the model's default; offline 256, Titan 1024)",
    FDNIX_RANGE (0, 65536) },
  { "offline.idf-file", FDNIX_SETTING_PATH, NULL, "FDNIX_IDF_FILE", NULL, 0, NULL,
    "The offline embedder's weights (default: PKGDATADIR/fdnix-offline-idf.tsv.gz)" },
  FDNIX_SETTING_END
};

static FdnixEmbedder *
new_offline (FdnixConfig *config, GError **error)
{
  g_autofree gchar *path = NULL;
  gint64 dimension = fdnix_config_get_int (config, "embed.dimension");

  if (fdnix_config_is_set (config, "offline.idf-file"))
    path = fdnix_config_get_path (config, "offline.idf-file");
  else
    path = fdnix_embedder_offline_default_idf_path ();
  return fdnix_embedder_offline_new (path, dimension > 0 ? (guint) dimension
                                                         : FDNIX_OFFLINE_DEFAULT_DIMENSION, error);
}

/**
 * fdnix_embedder_new_from_config:
 * @config: a configuration with fdnix_embedder_settings, fdnix_bedrock_settings,
 *   fdnix_openai_settings and the AWS, HTTP and retry settings registered
 * @error: return location for an error (FDNIX_ERROR_USAGE for bad
 *   settings)
 *
 * Returns: (transfer full) (nullable): the configured embedder.
 */
FdnixEmbedder *
fdnix_embedder_new_from_config (FdnixConfig *config, GError **error)
{
  const gchar *name;

  /* every back end's table: "auto" looks at two of them */
  if (!fdnix_config_require (config, fdnix_embedder_settings, G_STRFUNC, error) ||
      !fdnix_config_require (config, fdnix_bedrock_settings, G_STRFUNC, error) ||
      !fdnix_config_require (config, fdnix_openai_settings, G_STRFUNC, error))
    return NULL;
  name = fdnix_config_get_string (config, "embed.embedder");
  if (name == NULL || g_strcmp0 (name, "auto") == 0)
    {
      /* the original containers chose Bedrock by BEDROCK_MODEL_ID alone */
      if (fdnix_config_is_set (config, "bedrock.model-id"))
        name = "bedrock";
      else if (fdnix_config_is_set (config, "openai.base-url"))
        name = "openai";
      else
        name = "offline";
    }
  if (g_strcmp0 (name, "offline") == 0)
    return new_offline (config, error);
  if (g_strcmp0 (name, "bedrock") == 0)
    return fdnix_embedder_bedrock_new (config, error);
  if (g_strcmp0 (name, "openai") == 0)
    return fdnix_embedder_openai_new (config, error);
  {
    g_autofree gchar *origin = fdnix_config_describe_source (config, "embed.embedder");
    g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_USAGE,
                 "%s: unknown embedder '%s' (offline, bedrock, openai or auto)", origin, name);
  }
  return NULL;
}

/**
 * fdnix_embed_add_settings:
 * @program: a program that reads or writes the vector files
 *
 * Registers, as options, what every such program reads: the package
 * table (fdnix_store_add_settings()), the objects back end and the
 * embedder with its services.
 */
void
fdnix_embed_add_settings (FdnixProgram *program)
{
  fdnix_store_add_settings (program);
  fdnix_program_add_settings (program, fdnix_objects_settings, TRUE);
  fdnix_program_add_settings (program, fdnix_embedder_settings, TRUE);
  fdnix_program_add_settings (program, fdnix_bedrock_settings, TRUE);
  fdnix_program_add_settings (program, fdnix_openai_settings, TRUE);
}
