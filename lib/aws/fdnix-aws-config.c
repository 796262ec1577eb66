/* fdnix-aws-config.c: service descriptions, region and endpoint resolution. */
#include "config.h"

#include <string.h>

#include "aws/fdnix-aws-actions.h"
#include "aws/fdnix-aws-config.h"
#include "aws/fdnix-aws-profile.h"
#include "aws/fdnix-sigv4.h"
#include "core/fdnix-error.h"

const FdnixSetting fdnix_aws_settings[] = {
  { "aws.region", FDNIX_SETTING_STRING, NULL, "AWS_REGION", "region", 0, "REGION",
    "AWS region (else AWS_DEFAULT_REGION, else the profile's region)" },
  { "aws.profile", FDNIX_SETTING_STRING, NULL, "AWS_PROFILE", "profile", 0, "NAME",
    "Profile of ~/.aws/credentials and ~/.aws/config (default: default)" },
  { "aws.endpoint-url", FDNIX_SETTING_STRING, NULL, "AWS_ENDPOINT_URL", "endpoint-url", 0, "URL",
    "Send AWS requests to URL instead of the AWS endpoint (DynamoDB Local, MinIO, ...)" },
  FDNIX_SETTING_END
};

const FdnixAwsService fdnix_aws_service_dynamodb = {
  "dynamodb", "dynamodb", "DYNAMODB", "DynamoDB", "dynamodb", "dynamodb", FDNIX_SIGV4_SERVICE_FLAGS
};

const FdnixAwsService fdnix_aws_service_s3 = {
  "s3", "s3", "S3", "S3", "s3", "s3", FDNIX_SIGV4_S3_FLAGS
};

const FdnixAwsService fdnix_aws_service_bedrock_runtime = {
  "bedrock", "bedrock-runtime", "BEDROCK_RUNTIME", "Bedrock", "bedrock", "bedrock",
  FDNIX_SIGV4_SERVICE_FLAGS
};

#define LIST_ACTION(action, programs, why) action,
static const gchar *const listed_actions[] = { FDNIX_AWS_ACTIONS (LIST_ACTION) NULL };
#undef LIST_ACTION

/**
 * fdnix_aws_action_is_listed:
 * @action: "service:Action"
 *
 * Returns: whether @action is in FDNIX_AWS_ACTIONS.
 */
gboolean
fdnix_aws_action_is_listed (const gchar *action)
{
  return g_strv_contains (listed_actions, action);
}

static const gchar *
env (const gchar *name)
{
  const gchar *value = g_getenv (name);

  return value != NULL && *value != '\0' ? value : NULL;
}

/* A NULL configuration is the environment and the profile alone; any
 * other has [aws] registered (fdnix_aws_resolve_region() checks first). */
static gboolean
has_setting (FdnixConfig *config, const gchar *key)
{
  return config != NULL && fdnix_config_is_set (config, key);
}

/**
 * fdnix_aws_profile_get_chosen:
 * @config: (nullable): a configuration with fdnix_aws_settings registered
 *
 * The profile somebody named: --profile, [aws] profile or AWS_PROFILE.  Only
 * such a profile must exist; without one the SDKs read "default" if it is
 * there and otherwise go on to the container endpoint and instance metadata,
 * which is how a Fargate task or an EC2 role gets its credentials.
 *
 * Returns: (transfer full) (nullable): the chosen profile, or NULL.
 */
gchar *
fdnix_aws_profile_get_chosen (FdnixConfig *config)
{
  if (has_setting (config, "aws.profile"))
    return g_strdup (fdnix_config_get_string (config, "aws.profile"));
  return g_strdup (env ("AWS_PROFILE"));
}

/**
 * fdnix_aws_profile_get:
 * @config: (nullable): a configuration with fdnix_aws_settings registered
 *
 * Returns: (transfer full): the profile to read settings from: the chosen
 *   one (fdnix_aws_profile_get_chosen()) or "default".
 */
gchar *
fdnix_aws_profile_get (FdnixConfig *config)
{
  gchar *chosen = fdnix_aws_profile_get_chosen (config);

  return chosen != NULL ? chosen : g_strdup ("default");
}

static gchar *
profile_value (FdnixConfig *config, const gchar *key)
{
  g_autofree gchar *profile = fdnix_aws_profile_get (config);
  g_autoptr(GHashTable) values = fdnix_aws_profile_load (profile, NULL, NULL);

  return values != NULL ? g_strdup (g_hash_table_lookup (values, key)) : NULL;
}

static gboolean
endpoint_overridden (FdnixConfig *config)
{
  return has_setting (config, "aws.endpoint-url") || env ("AWS_ENDPOINT_URL") != NULL ||
         env ("AWS_ENDPOINT_URL_DYNAMODB") != NULL || env ("AWS_ENDPOINT_URL_S3") != NULL ||
         env ("AWS_ENDPOINT_URL_BEDROCK_RUNTIME") != NULL;
}

/**
 * fdnix_aws_resolve_region:
 * @config: (nullable): configuration with fdnix_aws_settings registered
 * @out_region: (out) (transfer full): the region
 * @error: return location for FDNIX_ERROR_USAGE
 *
 * Returns: FALSE when no region is configured anywhere (or, a bug, when
 *   @config lacks fdnix_aws_settings).
 */
gboolean
fdnix_aws_resolve_region (FdnixConfig *config, gchar **out_region, GError **error)
{
  g_autofree gchar *from_profile = NULL;

  if (config != NULL && !fdnix_config_require (config, fdnix_aws_settings, G_STRFUNC, error))
    return FALSE;
  if (has_setting (config, "aws.region"))
    *out_region = g_strdup (fdnix_config_get_string (config, "aws.region"));
  else if (env ("AWS_REGION") != NULL)
    *out_region = g_strdup (env ("AWS_REGION"));
  else if (env ("AWS_DEFAULT_REGION") != NULL)
    *out_region = g_strdup (env ("AWS_DEFAULT_REGION"));
  else if ((from_profile = profile_value (config, "region")) != NULL)
    *out_region = g_steal_pointer (&from_profile);
  else if (endpoint_overridden (config))
    *out_region = g_strdup ("us-east-1");
  else
    {
      g_set_error_literal (error, FDNIX_ERROR, FDNIX_ERROR_USAGE,
                           "no AWS region: set AWS_REGION (or AWS_DEFAULT_REGION, [aws] region, "
                           "or region in the AWS profile)");
      return FALSE;
    }
  for (const gchar *p = *out_region; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '-')
      {
        g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_USAGE, "bad AWS region '%s'", *out_region);
        g_clear_pointer (out_region, g_free);
        return FALSE;
      }
  return TRUE;
}

static gboolean
check_url (const gchar *url, const gchar *origin, gchar **out_url, GError **error)
{
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  gchar *copy;

  if (uri == NULL || g_uri_get_host (uri) == NULL ||
      (g_strcmp0 (g_uri_get_scheme (uri), "http") != 0 && g_strcmp0 (g_uri_get_scheme (uri), "https") != 0) ||
      g_uri_get_query (uri) != NULL)
    {
      g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_USAGE,
                   "%s: '%s' is not an http:// or https:// URL without a query", origin, url);
      return FALSE;
    }
  copy = g_strdup (url);
  while (g_str_has_suffix (copy, "/"))
    copy[strlen (copy) - 1] = '\0';
  *out_url = copy;
  return TRUE;
}

/**
 * fdnix_aws_resolve_endpoint:
 * @config: (nullable): configuration with fdnix_aws_settings registered
 * @service: the service
 * @region: the resolved region
 * @out_url: (out) (transfer full): base URL without a trailing slash
 * @error: return location for FDNIX_ERROR_USAGE
 *
 * Returns: FALSE when an override is not a usable URL.
 */
gboolean
fdnix_aws_resolve_endpoint (FdnixConfig *config, const FdnixAwsService *service, const gchar *region,
                            gchar **out_url, GError **error)
{
  g_autofree gchar *service_env = g_strconcat ("AWS_ENDPOINT_URL_", service->env_suffix, NULL);
  g_autofree gchar *from_profile = NULL;

  if (config != NULL && !fdnix_config_require (config, fdnix_aws_settings, G_STRFUNC, error))
    return FALSE;
  if (has_setting (config, "aws.endpoint-url") &&
      fdnix_config_get_source (config, "aws.endpoint-url") == FDNIX_SOURCE_CLI)
    return check_url (fdnix_config_get_string (config, "aws.endpoint-url"), "--endpoint-url", out_url, error);
  if (env (service_env) != NULL)
    return check_url (env (service_env), service_env, out_url, error);
  if (has_setting (config, "aws.endpoint-url"))
    {
      g_autofree gchar *origin = fdnix_config_describe_source (config, "aws.endpoint-url");
      return check_url (fdnix_config_get_string (config, "aws.endpoint-url"), origin, out_url, error);
    }
  if (env ("AWS_ENDPOINT_URL") != NULL)
    return check_url (env ("AWS_ENDPOINT_URL"), "AWS_ENDPOINT_URL", out_url, error);
  if ((from_profile = profile_value (config, "endpoint_url")) != NULL)
    return check_url (from_profile, "endpoint_url in the AWS profile", out_url, error);
  *out_url = g_strdup_printf ("https://%s.%s.%s", service->endpoint_prefix, region,
                              g_str_has_prefix (region, "cn-") ? "amazonaws.com.cn" : "amazonaws.com");
  return TRUE;
}
