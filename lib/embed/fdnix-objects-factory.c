/* fdnix-objects-factory.c: settings and choice of the object back end.
 *
 * A directory under the data directory is the default; the seed's
 * S3_BUCKET selects S3 (or an S3-compatible server with an endpoint).
 */
#include "config.h"

#include "core/fdnix-error.h"
#include "core/fdnix-program.h"
#include "embed/fdnix-objects-dir.h"
#include "embed/fdnix-objects.h"

const FdnixSetting fdnix_objects_settings[] = {
  { "objects.directory", FDNIX_SETTING_PATH, NULL, "FDNIX_VECTOR_DIR", "vector-dir", 0, "DIR",
    "Directory for vector files and the index (default: the data directory)" },
  FDNIX_SETTING_END
};

/**
 * fdnix_objects_new_from_config:
 * @config: a configuration with fdnix_objects_settings and the common
 *   settings registered
 * @error: return location for an error
 *
 * Returns: (transfer full) (nullable): the configured object store.
 */
FdnixObjects *
fdnix_objects_new_from_config (FdnixConfig *config, GError **error)
{
  g_autofree gchar *dir = NULL;

  if (fdnix_config_is_set (config, "objects.directory"))
    dir = fdnix_config_get_path (config, "objects.directory");
  else
    dir = fdnix_config_get_data_dir (config);
  return fdnix_objects_dir_new (dir);
}
