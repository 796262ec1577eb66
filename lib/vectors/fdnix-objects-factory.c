/* fdnix-objects-factory.c: settings and choice of the object back end.
 *
 * A directory under the data directory is the default; the seed's
 * S3_BUCKET selects S3 (or an S3-compatible server with an endpoint).
 */
#include "config.h"

#include "core/fdnix-error.h"
#include "core/fdnix-program.h"
#include "vectors/fdnix-objects-dir.h"
#include "vectors/fdnix-objects-s3.h"
#include "vectors/fdnix-objects.h"

const FdnixSetting fdnix_objects_settings[] = {
  { "objects.directory", FDNIX_SETTING_PATH, NULL, "FDNIX_VECTOR_DIR", "vector-dir", 0, "DIR",
    "Directory for vector files and the index (default: the data directory)" },
  { "s3.bucket", FDNIX_SETTING_STRING, NULL, "S3_BUCKET", "s3-bucket", 0, "BUCKET",
    "Store vector files and the index in this S3 bucket instead of a directory" },
  { "s3.prefix", FDNIX_SETTING_STRING, NULL, "S3_PREFIX", "s3-prefix", 0, "PREFIX",
    "Key prefix in the bucket (default: none: vectors/ and vector-index/ at the top)" },
  { "s3.path-style", FDNIX_SETTING_BOOL, "false", "FDNIX_S3_PATH_STYLE", NULL, 0, NULL,
    "Address the bucket in the URL path even on AWS (always so with an endpoint override)" },
  FDNIX_SETTING_END
};

/**
 * fdnix_objects_new_from_config:
 * @config: a configuration with fdnix_objects_settings, the common settings
 *   and (for S3) the AWS, HTTP and retry settings registered
 * @error: return location for an error
 *
 * Returns: (transfer full) (nullable): the configured object store.
 */
FdnixObjects *
fdnix_objects_new_from_config (FdnixConfig *config, GError **error)
{
  g_autofree gchar *dir = NULL;

  if (!fdnix_config_require (config, fdnix_objects_settings, G_STRFUNC, error))
    return NULL;
  if (fdnix_config_is_set (config, "s3.bucket"))
    return fdnix_objects_s3_new (config, fdnix_config_get_string (config, "s3.bucket"),
                                 fdnix_config_get_string (config, "s3.prefix"),
                                 fdnix_config_get_bool (config, "s3.path-style"), error);
  if (fdnix_config_is_set (config, "objects.directory"))
    dir = fdnix_config_get_path (config, "objects.directory");
  else
    dir = fdnix_config_get_data_dir (config);
  return fdnix_objects_dir_new (dir);
}
