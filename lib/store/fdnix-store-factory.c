/* fdnix-store-factory.c: settings and choice of the store back end.
 *
 * The embedded SQLite file is the default, so a laptop needs no cloud
 * account; the seed's DYNAMODB_TABLE selects DynamoDB, as in the original
 * containers.
 */
#include "config.h"

#include "aws/fdnix-aws-config.h"
#include "core/fdnix-error.h"
#include "core/fdnix-program.h"
#include "net/fdnix-http.h"
#include "net/fdnix-retry.h"
#include "store/fdnix-dynamodb-store.h"
#include "store/fdnix-sqlite-store.h"
#include "store/fdnix-store-factory.h"

const FdnixSetting fdnix_store_settings[] = {
  { "store.path", FDNIX_SETTING_PATH, NULL, "FDNIX_DATABASE", "database", 'd', "FILE",
    "SQLite package table (default: DATA_DIR/fdnix.sqlite)" },
  FDNIX_SETTING_END
};

static gchar *
sqlite_path (FdnixConfig *config)
{
  g_autofree gchar *data_dir = NULL;

  if (fdnix_config_is_set (config, "store.path"))
    return fdnix_config_get_path (config, "store.path");
  data_dir = fdnix_config_get_data_dir (config);
  return g_build_filename (data_dir, "fdnix.sqlite", NULL);
}

/* An ECS task (AWS_EXECUTION_ENV is set by its agent) that falls back to
 * the embedded table writes a file that vanishes with the task: that is a
 * task definition without DYNAMODB_TABLE, never what was meant.  A table
 * or data directory named on purpose is kept. */
static gboolean
check_not_a_lost_default (FdnixConfig *config, GError **error)
{
  const gchar *execution = g_getenv ("AWS_EXECUTION_ENV");

  if (execution == NULL || !g_str_has_prefix (execution, "AWS_ECS") ||
      fdnix_config_is_set (config, "store.path") || fdnix_config_is_set (config, "general.data-dir"))
    return TRUE;
  g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_USAGE,
               "running as an ECS task (AWS_EXECUTION_ENV=%s) with no DYNAMODB_TABLE: the embedded "
               "SQLite table would be lost with the task; set DYNAMODB_TABLE in the task definition "
               "(or FDNIX_DATABASE or FDNIX_DATA_DIR to keep a file on a volume)", execution);
  return FALSE;
}

/**
 * fdnix_store_add_settings:
 * @program: a program that opens the package table
 *
 * Registers, as options, every setting fdnix_store_new_from_config() reads:
 * the SQLite file, the DynamoDB table, and the AWS, HTTP and retry
 * settings behind it.
 */
void
fdnix_store_add_settings (FdnixProgram *program)
{
  fdnix_program_add_settings (program, fdnix_store_settings, TRUE);
  fdnix_program_add_settings (program, fdnix_dynamodb_store_settings, TRUE);
  fdnix_program_add_settings (program, fdnix_aws_settings, TRUE);
  fdnix_program_add_settings (program, fdnix_http_settings, TRUE);
  fdnix_program_add_settings (program, fdnix_retry_settings, TRUE);
}

/**
 * fdnix_store_new_from_config:
 * @config: a configuration with fdnix_store_settings and the common settings
 *   (and, for DynamoDB, fdnix_dynamodb_store_settings, fdnix_aws_settings,
 *   fdnix_http_settings and fdnix_retry_settings)
 * @access: FDNIX_STORE_CREATE for fdnix-metadata only; the other programs
 *   fail on a missing table (FDNIX_ERROR_NOT_FOUND) rather than create one
 * @error: return location for an error
 *
 * Returns: (transfer full) (nullable): the configured store, opened.
 */
FdnixStore *
fdnix_store_new_from_config (FdnixConfig *config, FdnixStoreAccess access, GError **error)
{
  g_autofree gchar *path = NULL;
  gboolean dynamodb = FALSE;

  if (!fdnix_config_require (config, fdnix_store_settings, G_STRFUNC, error) ||
      !fdnix_dynamodb_store_is_configured (config, &dynamodb, error))
    return NULL;
  /* dynamodb.table (DYNAMODB_TABLE) selects DynamoDB, as in the original */
  if (dynamodb)
    return FDNIX_STORE (fdnix_dynamodb_store_new (config, access, error));
  if (!check_not_a_lost_default (config, error))
    return NULL;
  path = sqlite_path (config);

  return FDNIX_STORE (fdnix_sqlite_store_open_with_access (path, access, error));
}
