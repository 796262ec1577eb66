/* fdnix-aws-credentials.c: credentials and the SDK-order provider chain. */
#include "config.h"

#include <string.h>
#include <json-glib/json-glib.h>

#include "aws/fdnix-aws-credentials.h"
#include "aws/fdnix-aws-profile.h"
#include "core/fdnix-json-untrusted.h"
#include "core/fdnix-error.h"
#include "core/fdnix-log.h"
#include "net/fdnix-http.h"
#include "net/fdnix-retry.h"

/* Refresh temporary credentials this long before they expire, so a
 * request signed now is not refused mid-flight. */
#define REFRESH_MARGIN_S (10 * 60)

#define ECS_HOST "http://169.254.170.2"
#define IMDS_DEFAULT "http://169.254.169.254"

typedef enum {
  SOURCE_NONE = -1,
  SOURCE_ENV,
  SOURCE_PROFILE,
  SOURCE_CONTAINER,
  SOURCE_IMDS,
  N_SOURCES
} Source;

/* a g_atomic_rc_box */
struct _FdnixAwsCredentialsProvider {
  GMutex               mutex;
  gchar               *profile;    /* (nullable) explicit profile */
  FdnixAwsCredentials *cached;
  Source               chosen;
  gboolean             is_static;
};

/**
 * fdnix_aws_credentials_new:
 * @access_key_id: the key id
 * @secret_access_key: the secret
 * @session_token: (nullable): the session token of temporary credentials
 * @expiration: Unix seconds they expire at, or 0
 * @source: where they came from (for messages)
 *
 * Registers the secrets with the log redactor.
 *
 * Returns: (transfer full): credentials
 */
FdnixAwsCredentials *
fdnix_aws_credentials_new (const gchar *access_key_id, const gchar *secret_access_key,
                           const gchar *session_token, gint64 expiration, const gchar *source)
{
  FdnixAwsCredentials *self = g_atomic_rc_box_new0 (FdnixAwsCredentials);

  self->access_key_id = g_strdup (access_key_id);
  self->secret_access_key = g_strdup (secret_access_key);
  self->session_token = session_token != NULL && *session_token != '\0' ? g_strdup (session_token) : NULL;
  self->expiration = expiration;
  self->source = g_strdup (source);
  fdnix_log_add_secret (access_key_id);
  fdnix_log_add_secret (secret_access_key);
  fdnix_log_add_secret (self->session_token);
  return self;
}

/**
 * fdnix_aws_credentials_ref:
 * @self: credentials
 *
 * Returns: (transfer full): @self
 */
FdnixAwsCredentials *
fdnix_aws_credentials_ref (FdnixAwsCredentials *self)
{
  return g_atomic_rc_box_acquire (self);
}

static void
credentials_clear (FdnixAwsCredentials *self)
{
  if (self->secret_access_key != NULL)
    memset (self->secret_access_key, 0, strlen (self->secret_access_key));
  g_free (self->access_key_id);
  g_free (self->secret_access_key);
  g_free (self->session_token);
  g_free (self->source);
}

/**
 * fdnix_aws_credentials_unref:
 * @self: (transfer full) (nullable): credentials
 */
void
fdnix_aws_credentials_unref (FdnixAwsCredentials *self)
{
  if (self != NULL)
    g_atomic_rc_box_release_full (self, (GDestroyNotify) credentials_clear);
}

/**
 * fdnix_aws_parse_iso8601:
 * @text: "2026-11-29T14:00:00Z" and the like
 * @out_unix: (out): Unix seconds
 *
 * Returns: FALSE when @text is not an ISO 8601 time with a zone.
 */
gboolean
fdnix_aws_parse_iso8601 (const gchar *text, gint64 *out_unix)
{
  g_autoptr(GDateTime) t = text != NULL ? g_date_time_new_from_iso8601 (text, NULL) : NULL;

  if (t == NULL)
    return FALSE;
  *out_unix = g_date_time_to_unix (t);
  return TRUE;
}

/**
 * fdnix_aws_credentials_provider_new_chain:
 * @profile: (nullable): profile to use; NULL for AWS_PROFILE, else "default"
 *
 * Returns: (transfer full): a provider that resolves credentials on first
 *   use, in the SDKs' order.
 */
FdnixAwsCredentialsProvider *
fdnix_aws_credentials_provider_new_chain (const gchar *profile)
{
  FdnixAwsCredentialsProvider *self = g_atomic_rc_box_new0 (FdnixAwsCredentialsProvider);

  g_mutex_init (&self->mutex);
  self->profile = g_strdup (profile);
  self->chosen = SOURCE_NONE;
  return self;
}

/**
 * fdnix_aws_credentials_provider_new_static:
 * @credentials: fixed credentials (referenced)
 *
 * Returns: (transfer full): a provider that always answers @credentials.
 */
FdnixAwsCredentialsProvider *
fdnix_aws_credentials_provider_new_static (FdnixAwsCredentials *credentials)
{
  FdnixAwsCredentialsProvider *self = fdnix_aws_credentials_provider_new_chain (NULL);

  self->cached = fdnix_aws_credentials_ref (credentials);
  self->is_static = TRUE;
  return self;
}

/**
 * fdnix_aws_credentials_provider_ref:
 * @self: a provider
 *
 * Returns: (transfer full): @self
 */
FdnixAwsCredentialsProvider *
fdnix_aws_credentials_provider_ref (FdnixAwsCredentialsProvider *self)
{
  return g_atomic_rc_box_acquire (self);
}

static void
provider_clear (FdnixAwsCredentialsProvider *self)
{
  g_clear_pointer (&self->cached, fdnix_aws_credentials_unref);
  g_mutex_clear (&self->mutex);
  g_free (self->profile);
}

/**
 * fdnix_aws_credentials_provider_unref:
 * @self: (transfer full) (nullable): a provider
 */
void
fdnix_aws_credentials_provider_unref (FdnixAwsCredentialsProvider *self)
{
  if (self != NULL)
    g_atomic_rc_box_release_full (self, (GDestroyNotify) provider_clear);
}

static const gchar *
env (const gchar *name)
{
  const gchar *value = g_getenv (name);

  return value != NULL && *value != '\0' ? value : NULL;
}

/* Each source returns TRUE with *out NULL when it does not apply, TRUE
 * with credentials, or FALSE when it applies but fails (the chain stops
 * there, as in the SDKs: a broken configuration is not skipped). */

static gboolean
from_env (FdnixAwsCredentialsProvider *self, FdnixAwsCredentials **out, GError **error)
{
  const gchar *id = env ("AWS_ACCESS_KEY_ID");
  const gchar *secret = env ("AWS_SECRET_ACCESS_KEY");

  if (id == NULL && secret == NULL)
    return TRUE;
  if (id == NULL || secret == NULL)
    {
      g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_AUTH,
                   "AWS credentials in the environment are incomplete: %s is not set",
                   id == NULL ? "AWS_ACCESS_KEY_ID" : "AWS_SECRET_ACCESS_KEY");
      return FALSE;
    }
  *out = fdnix_aws_credentials_new (id, secret, env ("AWS_SESSION_TOKEN"), 0, "environment");
  return TRUE;
}

static const gchar *
profile_name (FdnixAwsCredentialsProvider *self)
{
  if (self->profile != NULL)
    return self->profile;
  return env ("AWS_PROFILE") != NULL ? env ("AWS_PROFILE") : "default";
}

static FdnixAwsCredentials *
parse_credentials_json (const gchar *text, const gchar *token_member, const gchar *source,
                        GError **error)
{
  g_autoptr(JsonObject) o = NULL;
  const gchar *id, *secret, *token, *expiration;
  gint64 expires = 0;

  /* The parser's own message could quote the secret: say only what failed. */
  o = fdnix_json_parse_untrusted_object (text, text != NULL ? strlen (text) : 0, "credentials", NULL);
  if (o == NULL)
    {
      g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_AUTH, "%s: credentials are not a JSON object", source);
      return NULL;
    }
  id = json_object_get_string_member_with_default (o, "AccessKeyId", NULL);
  secret = json_object_get_string_member_with_default (o, "SecretAccessKey", NULL);
  token = json_object_get_string_member_with_default (o, token_member, NULL);
  expiration = json_object_get_string_member_with_default (o, "Expiration", NULL);
  /* Register before anything can fail and quote the document. */
  fdnix_log_add_secret (secret);
  fdnix_log_add_secret (token);
  if (id == NULL || secret == NULL)
    {
      g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_AUTH,
                   "%s: answer lacks AccessKeyId or SecretAccessKey", source);
      return NULL;
    }
  if (expiration != NULL && !fdnix_aws_parse_iso8601 (expiration, &expires))
    {
      g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_AUTH, "%s: bad Expiration '%s'", source, expiration);
      return NULL;
    }
  return fdnix_aws_credentials_new (id, secret, token, expires, source);
}

static gboolean
from_process (const gchar *profile, const gchar *command, FdnixAwsCredentials **out, GError **error)
{
  g_autofree gchar *standard_output = NULL;
  g_autofree gchar *source = g_strdup_printf ("credential_process of profile %s", profile);
  g_autoptr(GError) local_error = NULL;
  gint status = 0;

  if (!g_spawn_command_line_sync (command, &standard_output, NULL, &status, &local_error) ||
      !g_spawn_check_exit_status (status, &local_error))
    {
      g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_AUTH, "%s: %s", source, local_error->message);
      return FALSE;
    }
  *out = parse_credentials_json (standard_output, "SessionToken", source, error);
  return *out != NULL;
}

static gboolean
from_profile (FdnixAwsCredentialsProvider *self, FdnixAwsCredentials **out, GError **error)
{
  const gchar *name = profile_name (self);
  gboolean explicit = self->profile != NULL || env ("AWS_PROFILE") != NULL;
  gboolean found = FALSE;
  g_autoptr(GHashTable) values = fdnix_aws_profile_load (name, &found, error);
  const gchar *id, *secret, *process;
  g_autofree gchar *source = NULL;

  if (values == NULL)
    return FALSE;
  if (!found)
    {
      g_autofree gchar *credentials = NULL;
      g_autofree gchar *config = NULL;
      if (!explicit)
        return TRUE;
      credentials = fdnix_aws_profile_credentials_path ();
      config = fdnix_aws_profile_config_path ();
      g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_AUTH, "AWS profile '%s' is not in %s or %s",
                   name, credentials, config);
      return FALSE;
    }
  id = g_hash_table_lookup (values, "aws_access_key_id");
  secret = g_hash_table_lookup (values, "aws_secret_access_key");
  process = g_hash_table_lookup (values, "credential_process");
  if (id != NULL && secret != NULL)
    {
      source = g_strdup_printf ("profile %s", name);
      *out = fdnix_aws_credentials_new (id, secret, g_hash_table_lookup (values, "aws_session_token"),
                                        0, source);
      return TRUE;
    }
  if (process != NULL)
    return from_process (name, process, out, error);
  if (g_hash_table_contains (values, "role_arn") || g_hash_table_contains (values, "sso_session") ||
      g_hash_table_contains (values, "sso_start_url"))
    {
      g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_AUTH,
                   "AWS profile '%s' uses role_arn or SSO, which fdnix does not resolve; use "
                   "credential_process (e.g. aws configure export-credentials) or export "
                   "AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY", name);
      return FALSE;
    }
  /* A profile with only settings (region) supplies no credentials. */
  return TRUE;
}

static FdnixHttpClient *
metadata_client (void)
{
  FdnixHttpOptions options;
  FdnixHttpClient *client;

  /* Metadata endpoints are local: a second is plenty, and a host that is
   * not on EC2 must not stall every run. */
  fdnix_http_options_init (&options);
  options.connect_timeout = 1;
  options.timeout = 5;
  options.max_body = 64 * 1024;
  client = fdnix_http_client_new (&options);
  fdnix_http_options_clear (&options);
  return client;
}

static FdnixRetryPolicy *
metadata_retry (void)
{
  FdnixRetryOptions options;

  fdnix_retry_options_init (&options);
  options.max_attempts = 3;
  options.base_delay_ms = 100;
  options.max_backoff_ms = 1000;
  return fdnix_retry_policy_new (&options, "credentials");
}

static gboolean
loopback_or_container_host (const gchar *url)
{
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  const gchar *host;

  if (uri == NULL)
    return FALSE;
  if (g_strcmp0 (g_uri_get_scheme (uri), "https") == 0)
    return TRUE;
  host = g_uri_get_host (uri);
  return host != NULL &&
         (g_str_has_prefix (host, "127.") || g_str_equal (host, "localhost") ||
          g_str_equal (host, "::1") || g_str_equal (host, "169.254.170.2") ||
          g_str_equal (host, "169.254.170.23") || g_str_equal (host, "fd00:ec2::23"));
}

static gboolean
from_container (FdnixAwsCredentialsProvider *self, FdnixAwsCredentials **out, GError **error)
{
  const gchar *relative = env ("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
  const gchar *full = env ("AWS_CONTAINER_CREDENTIALS_FULL_URI");
  const gchar *token_file = env ("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
  g_autofree gchar *url = NULL;
  g_autofree gchar *token = NULL;
  g_autoptr(FdnixHttpClient) client = NULL;
  g_autoptr(FdnixRetryPolicy) policy = NULL;
  g_autoptr(FdnixHttpRequest) request = NULL;
  g_autoptr(FdnixHttpResponse) response = NULL;

  if (relative != NULL)
    url = g_strconcat (ECS_HOST, relative, NULL);
  else if (full != NULL)
    {
      if (!loopback_or_container_host (full))
        {
          g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_AUTH,
                       "AWS_CONTAINER_CREDENTIALS_FULL_URI must be https or a loopback/container "
                       "host, not %s", full);
          return FALSE;
        }
      url = g_strdup (full);
    }
  else
    return TRUE;

  if (token_file != NULL)
    {
      g_autoptr(GError) local_error = NULL;
      if (!g_file_get_contents (token_file, &token, NULL, &local_error))
        {
          g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_AUTH,
                       "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: %s", local_error->message);
          return FALSE;
        }
      g_strstrip (token);
    }
  else
    token = g_strdup (env ("AWS_CONTAINER_AUTHORIZATION_TOKEN"));
  fdnix_log_add_secret (token);

  client = metadata_client ();
  policy = metadata_retry ();
  request = fdnix_http_request_new ("GET", url);
  fdnix_http_request_add_header (request, "Accept", "application/json");
  if (token != NULL && *token != '\0')
    fdnix_http_request_add_header (request, "Authorization", token);
  if (!fdnix_retry_http_send (policy, client, request, "container credentials endpoint", &response, error))
    return FALSE;
  *out = parse_credentials_json (fdnix_http_response_get_text (response, NULL), "Token",
                                 "container credentials endpoint", error);
  return *out != NULL;
}

static gboolean
from_imds (FdnixAwsCredentialsProvider *self, FdnixAwsCredentials **out, GError **error)
{
  const gchar *disabled = env ("AWS_EC2_METADATA_DISABLED");
  const gchar *endpoint = env ("AWS_EC2_METADATA_SERVICE_ENDPOINT");
  g_autofree gchar *base = NULL;
  g_autofree gchar *url = NULL;
  g_autofree gchar *token = NULL;
  g_autofree gchar *role = NULL;
  g_autoptr(FdnixHttpClient) client = NULL;
  g_autoptr(FdnixHttpResponse) response = NULL;
  g_autoptr(GError) local_error = NULL;

  if (disabled != NULL && g_ascii_strcasecmp (disabled, "true") == 0)
    return TRUE;
  base = g_strdup (endpoint != NULL ? endpoint : IMDS_DEFAULT);
  while (g_str_has_suffix (base, "/"))
    base[strlen (base) - 1] = '\0';
  client = metadata_client ();

  /* IMDSv2: a session token first.  No answer at all means this is not an
   * EC2 instance, which ends the chain without an error of its own. */
  {
    g_autoptr(FdnixHttpRequest) request = NULL;
    url = g_strconcat (base, "/latest/api/token", NULL);
    request = fdnix_http_request_new ("PUT", url);
    fdnix_http_request_add_header (request, "X-aws-ec2-metadata-token-ttl-seconds", "21600");
    if (!fdnix_http_client_send (client, request, &response, &local_error))
      {
        g_debug ("instance metadata not reachable: %s", local_error->message);
        return TRUE;
      }
    if (!fdnix_http_response_check (response, "instance metadata token", error))
      return FALSE;
    token = g_strstrip (g_strdup (fdnix_http_response_get_text (response, NULL)));
    fdnix_log_add_secret (token);
    g_clear_pointer (&response, fdnix_http_response_free);
  }
  {
    g_autoptr(FdnixHttpRequest) request = NULL;
    g_free (url);
    url = g_strconcat (base, "/latest/meta-data/iam/security-credentials/", NULL);
    request = fdnix_http_request_new ("GET", url);
    fdnix_http_request_add_header (request, "X-aws-ec2-metadata-token", token);
    if (!fdnix_http_client_send (client, request, &response, error))
      return FALSE;
    if (response->status == 404)
      return TRUE;  /* an instance without a role */
    if (!fdnix_http_response_check (response, "instance metadata role", error))
      return FALSE;
    role = g_strdup (fdnix_http_response_get_text (response, NULL));
    g_strstrip (role);
    if (strchr (role, '\n') != NULL)
      *strchr (role, '\n') = '\0';
    g_clear_pointer (&response, fdnix_http_response_free);
  }
  {
    g_autoptr(FdnixHttpRequest) request = NULL;
    g_autofree gchar *source = g_strdup_printf ("instance metadata role %s", role);
    g_free (url);
    url = g_strconcat (base, "/latest/meta-data/iam/security-credentials/", role, NULL);
    request = fdnix_http_request_new ("GET", url);
    fdnix_http_request_add_header (request, "X-aws-ec2-metadata-token", token);
    if (!fdnix_http_client_send (client, request, &response, error) ||
        !fdnix_http_response_check (response, "instance metadata credentials", error))
      return FALSE;
    *out = parse_credentials_json (fdnix_http_response_get_text (response, NULL), "Token", source, error);
    return *out != NULL;
  }
}

typedef gboolean (*SourceFunc) (FdnixAwsCredentialsProvider *, FdnixAwsCredentials **, GError **);

static const SourceFunc sources[N_SOURCES] = { from_env, from_profile, from_container, from_imds };

static gboolean
usable (FdnixAwsCredentials *c, gint64 now, gint64 margin)
{
  return c != NULL && (c->expiration == 0 || now < c->expiration - margin);
}

/**
 * fdnix_aws_credentials_provider_get:
 * @self: a provider
 * @error: return location for FDNIX_ERROR_AUTH
 *
 * Returns cached credentials, resolving or refreshing them first when
 * needed.  When a refresh fails but the old credentials have not expired
 * yet, they are returned with a warning.
 *
 * Returns: (transfer full) (nullable): credentials
 */
FdnixAwsCredentials *
fdnix_aws_credentials_provider_get (FdnixAwsCredentialsProvider *self, GError **error)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  FdnixAwsCredentials *result = NULL;
  g_autoptr(GError) local_error = NULL;

  g_mutex_lock (&self->mutex);
  if (self->is_static || usable (self->cached, now, REFRESH_MARGIN_S))
    {
      result = self->cached != NULL ? fdnix_aws_credentials_ref (self->cached) : NULL;
      g_mutex_unlock (&self->mutex);
      if (result == NULL)
        g_set_error_literal (error, FDNIX_ERROR, FDNIX_ERROR_AUTH, "no AWS credentials");
      return result;
    }
  if (self->chosen != SOURCE_NONE)
    {
      if (sources[self->chosen] (self, &result, &local_error) && result == NULL)
        g_set_error_literal (&local_error, FDNIX_ERROR, FDNIX_ERROR_AUTH,
                             "the credentials source no longer answers");
    }
  else
    {
      for (gint i = 0; i < N_SOURCES && result == NULL && local_error == NULL; i++)
        if (sources[i] (self, &result, &local_error) && result != NULL)
          self->chosen = i;
      if (result == NULL && local_error == NULL)
        g_set_error (&local_error, FDNIX_ERROR, FDNIX_ERROR_AUTH,
                     "no AWS credentials found (looked in the environment, profile '%s' of the "
                     "shared files, the container endpoint and instance metadata)",
                     profile_name (self));
    }
  if (result != NULL)
    {
      g_clear_pointer (&self->cached, fdnix_aws_credentials_unref);
      self->cached = fdnix_aws_credentials_ref (result);
      g_info ("AWS credentials from %s", result->source);
    }
  else if (usable (self->cached, now, 0))
    {
      g_warning ("refreshing AWS credentials failed, using the current ones until they expire: %s",
                 local_error->message);
      result = fdnix_aws_credentials_ref (self->cached);
    }
  else
    g_propagate_error (error, g_steal_pointer (&local_error));
  g_mutex_unlock (&self->mutex);
  return result;
}

/**
 * fdnix_aws_credentials_provider_invalidate:
 * @self: a provider
 *
 * Forgets cached temporary credentials (after a service said they
 * expired), so the next get() fetches new ones from the same source.
 */
void
fdnix_aws_credentials_provider_invalidate (FdnixAwsCredentialsProvider *self)
{
  g_mutex_lock (&self->mutex);
  if (!self->is_static && self->cached != NULL && self->cached->expiration != 0)
    g_clear_pointer (&self->cached, fdnix_aws_credentials_unref);
  g_mutex_unlock (&self->mutex);
}
