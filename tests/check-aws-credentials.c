/* check-aws-credentials: the credentials chain in SDK order (environment,
 * shared files, credential_process, container endpoint, IMDSv2), refresh
 * of temporary credentials, redaction, region and endpoint resolution. */
#include "config.h"

#include <string.h>

#include "aws/fdnix-aws-client.h"
#include "aws/fdnix-aws-config.h"
#include "aws/fdnix-aws-credentials.h"
#include "aws/fdnix-aws-profile.h"
#include "core/fdnix-error.h"
#include "core/fdnix-log.h"
#include "fdnix-test-httpd.h"
#include "fdnix-test.h"

static gchar *home;

static const gchar *const aws_vars[] = {
  "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE",
  "AWS_SHARED_CREDENTIALS_FILE", "AWS_CONFIG_FILE", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
  "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_AUTHORIZATION_TOKEN",
  "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", "AWS_EC2_METADATA_SERVICE_ENDPOINT", "AWS_REGION",
  "AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_DYNAMODB", "AWS_ENDPOINT_URL_S3",
  "AWS_ENDPOINT_URL_BEDROCK_RUNTIME", NULL
};

static void
setup (void)
{
  g_autofree gchar *aws = NULL;

  for (guint i = 0; aws_vars[i] != NULL; i++)
    g_unsetenv (aws_vars[i]);
  g_setenv ("AWS_EC2_METADATA_DISABLED", "true", TRUE);
  home = fdnix_test_mkdtemp ();
  g_setenv ("HOME", home, TRUE);
  aws = g_build_filename (home, ".aws", NULL);
  g_mkdir_with_parents (aws, 0700);
}

static void
teardown (void)
{
  fdnix_test_rmtree (home);
  g_clear_pointer (&home, g_free);
}

static void
write_home (const gchar *name, const gchar *text)
{
  g_autofree gchar *path = g_build_filename (home, ".aws", name, NULL);

  ck_assert (g_file_set_contents (path, text, -1, NULL));
}

static FdnixAwsCredentials *
resolve (const gchar *profile, GError **error)
{
  g_autoptr(FdnixAwsCredentialsProvider) chain = fdnix_aws_credentials_provider_new_chain (profile);

  return fdnix_aws_credentials_provider_get (chain, error);
}

/* Environment first; the secrets are registered for redaction at once. */
START_TEST (test_env)
{
  g_autoptr(FdnixAwsCredentials) c = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree gchar *redacted = NULL;

  write_home ("credentials", "[default]\naws_access_key_id = AKIDFILE\naws_secret_access_key = filesecret\n");
  g_setenv ("AWS_ACCESS_KEY_ID", "AKIDENVIRONMENT00001", TRUE);
  g_setenv ("AWS_SECRET_ACCESS_KEY", "envSecretKeyThatMustNeverBeLogged", TRUE);
  g_setenv ("AWS_SESSION_TOKEN", "envSessionTokenThatMustNeverBeLogged", TRUE);
  c = resolve (NULL, &error);
  ck_assert_ptr_nonnull (c);
  ck_assert_str_eq (c->access_key_id, "AKIDENVIRONMENT00001");
  ck_assert_str_eq (c->session_token, "envSessionTokenThatMustNeverBeLogged");
  ck_assert_str_eq (c->source, "environment");
  redacted = fdnix_log_redact ("key envSecretKeyThatMustNeverBeLogged token envSessionTokenThatMustNeverBeLogged");
  ck_assert_str_eq (redacted, "key [REDACTED] token [REDACTED]");

  /* half a key pair is a configuration error, not a reason to look further */
  g_unsetenv ("AWS_SECRET_ACCESS_KEY");
  g_clear_pointer (&c, fdnix_aws_credentials_unref);
  c = resolve (NULL, &error);
  ck_assert_ptr_null (c);
  ck_assert (g_error_matches (error, FDNIX_ERROR, FDNIX_ERROR_AUTH));
  ck_assert_msg (strstr (error->message, "AWS_SECRET_ACCESS_KEY is not set") != NULL, "%s", error->message);
}
END_TEST

/* Shared files: the credentials file wins over the config file; the config
 * file names profiles "[profile x]"; comments and sub-properties are
 * skipped; an explicit profile that does not exist is an error. */
START_TEST (test_shared_files)
{
  g_autoptr(FdnixAwsCredentials) c = NULL;
  g_autoptr(GError) error = NULL;

  write_home ("credentials",
              "# comment\n[default]\naws_access_key_id=AKIDDEFAULT\naws_secret_access_key = defsecret ; note\n"
              "\n[work]\naws_access_key_id = AKIDWORK\naws_secret_access_key = worksecret\n");
  write_home ("config",
              "[default]\nregion = eu-west-3\n[profile work]\nregion=ap-south-1\n"
              "aws_access_key_id = AKIDCONFIGIGNORED\ns3 =\n  max_concurrent_requests = 20\n"
              "[profile cfgonly]\naws_access_key_id = AKIDCFG\naws_secret_access_key = cfgsecret\n"
              "aws_session_token = cfgtoken\n"
              "[profile assume]\nrole_arn = arn:aws:iam::1:role/x\nsource_profile = default\n");
  c = resolve (NULL, &error);
  ck_assert_msg (c != NULL, "%s", error != NULL ? error->message : "");
  ck_assert_str_eq (c->access_key_id, "AKIDDEFAULT");
  ck_assert_str_eq (c->secret_access_key, "defsecret");
  ck_assert_str_eq (c->source, "profile default");
  g_clear_pointer (&c, fdnix_aws_credentials_unref);

  g_setenv ("AWS_PROFILE", "work", TRUE);
  c = resolve (NULL, &error);
  ck_assert_str_eq (c->access_key_id, "AKIDWORK");
  g_clear_pointer (&c, fdnix_aws_credentials_unref);
  g_unsetenv ("AWS_PROFILE");

  c = resolve ("cfgonly", &error);
  ck_assert_str_eq (c->access_key_id, "AKIDCFG");
  ck_assert_str_eq (c->session_token, "cfgtoken");
  g_clear_pointer (&c, fdnix_aws_credentials_unref);

  c = resolve ("assume", &error);
  ck_assert_ptr_null (c);
  ck_assert_msg (strstr (error->message, "role_arn") != NULL, "%s", error->message);
  g_clear_error (&error);

  c = resolve ("nonesuch", &error);
  ck_assert_ptr_null (c);
  ck_assert_msg (strstr (error->message, "profile 'nonesuch' is not in") != NULL, "%s", error->message);
  g_clear_error (&error);

  /* other file locations */
  {
    g_autofree gchar *alt = g_build_filename (home, "alt-credentials", NULL);
    ck_assert (g_file_set_contents (alt, "[default]\naws_access_key_id=AKIDALT\naws_secret_access_key=alt\n",
                                    -1, NULL));
    g_setenv ("AWS_SHARED_CREDENTIALS_FILE", alt, TRUE);
    c = resolve (NULL, &error);
    ck_assert_str_eq (c->access_key_id, "AKIDALT");
  }
}
END_TEST

/* credential_process: a command that prints the credentials. */
START_TEST (test_credential_process)
{
  g_autoptr(FdnixAwsCredentials) c = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree gchar *script = g_build_filename (home, "creds.sh", NULL);
  g_autofree gchar *config = NULL;

  ck_assert (g_file_set_contents (script,
                                  "#!/bin/sh\necho '{\"Version\":1,\"AccessKeyId\":\"AKIDPROCESS\","
                                  "\"SecretAccessKey\":\"procsecret\",\"SessionToken\":\"proctoken\","
                                  "\"Expiration\":\"2099-01-01T00:00:00Z\"}'\n", -1, NULL));
  g_chmod (script, 0700);
  config = g_strdup_printf ("[profile proc]\ncredential_process = %s\n", script);
  write_home ("config", config);
  c = resolve ("proc", &error);
  ck_assert_msg (c != NULL, "%s", error != NULL ? error->message : "");
  ck_assert_str_eq (c->access_key_id, "AKIDPROCESS");
  ck_assert_str_eq (c->session_token, "proctoken");
  ck_assert_int_eq (c->expiration, 4070908800);
}
END_TEST

typedef struct {
  guint       calls;
  const gchar *expiration;
  gboolean    fail;
} Ecs;

static void
ecs_handler (const FdnixTestRequest *request, FdnixTestReply *reply, gpointer user_data)
{
  Ecs *ecs = user_data;
  static gchar body[512];

  ecs->calls++;
  if (ecs->fail || g_strcmp0 (g_hash_table_lookup (request->headers, "authorization"), "Bearer ecs-token") != 0)
    {
      reply->status = ecs->fail ? 500 : 401;
      reply->body = "no";
      return;
    }
  g_snprintf (body, sizeof body,
              "{\"AccessKeyId\":\"ASIAECS%u\",\"SecretAccessKey\":\"ecssecret\",\"Token\":\"ecstoken\","
              "\"Expiration\":\"%s\",\"RoleArn\":\"arn:aws:iam::1:role/task\"}", ecs->calls, ecs->expiration);
  reply->status = 200;
  reply->body = body;
}

/* The container endpoint (what a Fargate task uses), with its token; a
 * short-lived answer is fetched again before it expires, and a failed
 * refresh keeps the old credentials while they are valid. */
START_TEST (test_container_endpoint)
{
  g_autoptr(FdnixTestHttpd) server = fdnix_test_httpd_new ();
  g_autofree gchar *url = g_strconcat (fdnix_test_httpd_get_url (server), "/v2/credentials/abc", NULL);
  g_autofree gchar *token_file = g_build_filename (home, "token", NULL);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) soon = g_date_time_add_minutes (now, 5);
  g_autofree gchar *expiration = g_date_time_format_iso8601 (soon);
  g_autoptr(FdnixAwsCredentialsProvider) chain = fdnix_aws_credentials_provider_new_chain (NULL);
  g_autoptr(GError) error = NULL;
  Ecs ecs = { 0, expiration, FALSE };

  fdnix_test_httpd_set_handler (server, ecs_handler, &ecs);
  ck_assert (g_file_set_contents (token_file, "Bearer ecs-token\n", -1, NULL));
  g_setenv ("AWS_CONTAINER_CREDENTIALS_FULL_URI", url, TRUE);
  g_setenv ("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", token_file, TRUE);
  {
    g_autoptr(FdnixAwsCredentials) c = fdnix_aws_credentials_provider_get (chain, &error);
    ck_assert_msg (c != NULL, "%s", error != NULL ? error->message : "");
    ck_assert_str_eq (c->access_key_id, "ASIAECS1");
    ck_assert_str_eq (c->source, "container credentials endpoint");
  }
  {
    /* expires within the refresh margin: fetched again */
    g_autoptr(FdnixAwsCredentials) c = fdnix_aws_credentials_provider_get (chain, &error);
    ck_assert_str_eq (c->access_key_id, "ASIAECS2");
  }
  {
    g_autoptr(FdnixAwsCredentials) c = NULL;
    ecs.fail = TRUE;
    c = fdnix_aws_credentials_provider_get (chain, &error);
    ck_assert_msg (c != NULL, "%s", error != NULL ? error->message : "");
    ck_assert_str_eq (c->access_key_id, "ASIAECS2");
  }
  /* a plain-http endpoint elsewhere than loopback is refused */
  g_setenv ("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://example.com/creds", TRUE);
  {
    g_autoptr(FdnixAwsCredentials) c = resolve (NULL, &error);
    ck_assert_ptr_null (c);
    ck_assert_msg (strstr (error->message, "loopback") != NULL, "%s", error->message);
  }
}
END_TEST

static void
imds_handler (const FdnixTestRequest *request, FdnixTestReply *reply, gpointer user_data)
{
  const gchar *token = g_hash_table_lookup (request->headers, "x-aws-ec2-metadata-token");

  reply->status = 200;
  if (g_str_equal (request->method, "PUT") && g_str_equal (request->path, "/latest/api/token"))
    reply->body = g_hash_table_contains (request->headers, "x-aws-ec2-metadata-token-ttl-seconds")
                    ? "imds-session-token" : "";
  else if (g_strcmp0 (token, "imds-session-token") != 0)
    reply->status = 401, reply->body = "";
  else if (g_str_equal (request->path, "/latest/meta-data/iam/security-credentials/"))
    reply->body = "fdnix-role\n";
  else if (g_str_equal (request->path, "/latest/meta-data/iam/security-credentials/fdnix-role"))
    reply->body = "{\"Code\":\"Success\",\"AccessKeyId\":\"ASIAIMDS\",\"SecretAccessKey\":\"imdssecret\","
                  "\"Token\":\"imdstoken\",\"Expiration\":\"2099-01-01T00:00:00Z\"}";
  else
    reply->status = 404, reply->body = "";
}

/* IMDSv2: token first, then the role, then its credentials. */
START_TEST (test_imds)
{
  g_autoptr(FdnixTestHttpd) server = fdnix_test_httpd_new ();
  g_autoptr(FdnixAwsCredentials) c = NULL;
  g_autoptr(GError) error = NULL;

  fdnix_test_httpd_set_handler (server, imds_handler, NULL);
  g_setenv ("AWS_EC2_METADATA_SERVICE_ENDPOINT", fdnix_test_httpd_get_url (server), TRUE);
  c = resolve (NULL, &error);
  ck_assert_ptr_null (c);  /* disabled, as in every test */
  ck_assert_msg (strstr (error->message, "no AWS credentials found") != NULL, "%s", error->message);
  ck_assert_uint_eq (fdnix_test_httpd_get_n_requests (server), 0);
  g_clear_error (&error);

  g_setenv ("AWS_EC2_METADATA_DISABLED", "false", TRUE);
  c = resolve (NULL, &error);
  g_setenv ("AWS_EC2_METADATA_DISABLED", "true", TRUE);
  ck_assert_msg (c != NULL, "%s", error != NULL ? error->message : "");
  ck_assert_str_eq (c->access_key_id, "ASIAIMDS");
  ck_assert_str_eq (c->source, "instance metadata role fdnix-role");
  ck_assert_uint_eq (fdnix_test_httpd_get_n_requests (server), 3);
}
END_TEST

/* The chain as the programs build it from their configuration
 * (fdnix_aws_credentials_provider_new_for_config), over the combinations a
 * deployment meets: a Fargate task has no ~/.aws and a container endpoint,
 * an EC2 instance has a role behind IMDS, a laptop has files.  Only a
 * profile somebody named has to exist. */
typedef enum {
  FILES_NONE,
  FILES_DEFAULT,          /* credentials with [default] keys */
  FILES_OTHER_ONLY,       /* credentials and config, but no default profile */
} Files;

typedef enum {
  CONTAINER_NONE,
  CONTAINER_FULL_TOKEN_FILE,   /* Fargate's FULL_URI with a token file */
  CONTAINER_FULL_TOKEN,        /* FULL_URI with the token in the environment */
  CONTAINER_FULL_NO_TOKEN,     /* FULL_URI, the endpoint wants no token */
  CONTAINER_FULL_MISSING_TOKEN,/* FULL_URI, the endpoint wants a token we lack */
} Container;

typedef struct {
  const gchar *name;
  Files        files;
  const gchar *aws_profile;     /* AWS_PROFILE */
  const gchar *cli_profile;     /* --profile */
  Container    container;
  gboolean     imds;
  const gchar *key_id;          /* expected, or NULL for an error */
  const gchar *message;         /* part of the expected error */
} ChainCase;

static const ChainCase chain_cases[] = {
  { "fargate: no files, container endpoint", FILES_NONE, NULL, NULL, CONTAINER_FULL_TOKEN_FILE, FALSE, "ASIAECS1", NULL },
  { "fargate: token in the environment", FILES_NONE, NULL, NULL, CONTAINER_FULL_TOKEN, FALSE, "ASIAECS1", NULL },
  { "container endpoint without a token", FILES_NONE, NULL, NULL, CONTAINER_FULL_NO_TOKEN, FALSE, "ASIAECS1", NULL },
  { "container endpoint refuses a missing token", FILES_NONE, NULL, NULL, CONTAINER_FULL_MISSING_TOKEN, FALSE, NULL, "401" },
  { "files without default fall through to the container", FILES_OTHER_ONLY, NULL, NULL, CONTAINER_FULL_TOKEN_FILE, FALSE, "ASIAECS1", NULL },
  { "a default profile comes before the container", FILES_DEFAULT, NULL, NULL, CONTAINER_FULL_TOKEN_FILE, FALSE, "AKIDDEFAULT", NULL },
  { "ec2: no files, instance metadata", FILES_NONE, NULL, NULL, CONTAINER_NONE, TRUE, "ASIAIMDS", NULL },
  { "ec2: files without default, instance metadata", FILES_OTHER_ONLY, NULL, NULL, CONTAINER_NONE, TRUE, "ASIAIMDS", NULL },
  { "the container comes before instance metadata", FILES_NONE, NULL, NULL, CONTAINER_FULL_TOKEN_FILE, TRUE, "ASIAECS1", NULL },
  { "AWS_PROFILE names a profile that exists", FILES_OTHER_ONLY, "other", NULL, CONTAINER_FULL_TOKEN_FILE, FALSE, "AKIDOTHER", NULL },
  { "AWS_PROFILE names a missing profile", FILES_OTHER_ONLY, "missing", NULL, CONTAINER_FULL_TOKEN_FILE, TRUE, NULL, "AWS profile 'missing' is not in" },
  { "AWS_PROFILE names a profile, no files at all", FILES_NONE, "missing", NULL, CONTAINER_FULL_TOKEN_FILE, FALSE, NULL, "AWS profile 'missing' is not in" },
  { "--profile names a missing profile", FILES_DEFAULT, NULL, "missing", CONTAINER_NONE, FALSE, NULL, "AWS profile 'missing' is not in" },
  { "--profile wins over AWS_PROFILE", FILES_OTHER_ONLY, "missing", "other", CONTAINER_NONE, FALSE, "AKIDOTHER", NULL },
  { "nothing anywhere", FILES_NONE, NULL, NULL, CONTAINER_NONE, FALSE, NULL, "no AWS credentials found" },
  { "files without default and nothing else", FILES_OTHER_ONLY, NULL, NULL, CONTAINER_NONE, FALSE, NULL, "no AWS credentials found" },
};

static void
chain_ecs_handler (const FdnixTestRequest *request, FdnixTestReply *reply, gpointer user_data)
{
  gboolean want_token = GPOINTER_TO_INT (user_data);
  const gchar *auth = g_hash_table_lookup (request->headers, "authorization");

  if (g_str_has_prefix (request->path, "/latest/"))
    {
      imds_handler (request, reply, NULL);
      return;
    }
  if (want_token && g_strcmp0 (auth, "Bearer ecs-token") != 0)
    {
      reply->status = 401;
      reply->body = "no";
      return;
    }
  reply->status = 200;
  reply->body = "{\"AccessKeyId\":\"ASIAECS1\",\"SecretAccessKey\":\"ecssecret\",\"Token\":\"ecstoken\","
                "\"Expiration\":\"2099-01-01T00:00:00Z\"}";
}

START_TEST (test_chain_as_configured)
{
  const ChainCase *c = &chain_cases[_i];
  gboolean want_token = c->container != CONTAINER_FULL_NO_TOKEN;
  g_autoptr(FdnixTestHttpd) server = fdnix_test_httpd_new ();
  g_autofree gchar *url = g_strconcat (fdnix_test_httpd_get_url (server), "/v2/credentials/task", NULL);
  g_autofree gchar *token_file = g_build_filename (home, "token", NULL);
  g_autoptr(FdnixConfig) config = fdnix_config_new ();
  g_autoptr(FdnixAwsCredentialsProvider) chain = NULL;
  g_autoptr(FdnixAwsCredentials) credentials = NULL;
  g_autoptr(GError) error = NULL;

  fdnix_test_httpd_set_handler (server, chain_ecs_handler, GINT_TO_POINTER (want_token));
  if (c->files == FILES_DEFAULT)
    write_home ("credentials", "[default]\naws_access_key_id = AKIDDEFAULT\naws_secret_access_key = s1\n"
                               "[other]\naws_access_key_id = AKIDOTHER\naws_secret_access_key = s2\n");
  else if (c->files == FILES_OTHER_ONLY)
    {
      write_home ("credentials", "[other]\naws_access_key_id = AKIDOTHER\naws_secret_access_key = s2\n");
      write_home ("config", "[profile other]\nregion = eu-west-1\n");
    }
  if (c->aws_profile != NULL)
    g_setenv ("AWS_PROFILE", c->aws_profile, TRUE);
  if (c->container != CONTAINER_NONE)
    g_setenv ("AWS_CONTAINER_CREDENTIALS_FULL_URI", url, TRUE);
  if (c->container == CONTAINER_FULL_TOKEN_FILE)
    {
      ck_assert (g_file_set_contents (token_file, "Bearer ecs-token\n", -1, NULL));
      g_setenv ("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", token_file, TRUE);
    }
  else if (c->container == CONTAINER_FULL_TOKEN)
    g_setenv ("AWS_CONTAINER_AUTHORIZATION_TOKEN", "Bearer ecs-token", TRUE);
  if (c->imds)
    {
      g_setenv ("AWS_EC2_METADATA_DISABLED", "false", TRUE);
      g_setenv ("AWS_EC2_METADATA_SERVICE_ENDPOINT", fdnix_test_httpd_get_url (server), TRUE);
    }

  fdnix_config_register (config, fdnix_aws_settings);
  ck_assert (fdnix_config_load_env (config, NULL));
  if (c->cli_profile != NULL)
    ck_assert (fdnix_config_set (config, "aws.profile", c->cli_profile, FDNIX_SOURCE_CLI, NULL));
  chain = fdnix_aws_credentials_provider_new_for_config (config);
  credentials = fdnix_aws_credentials_provider_get (chain, &error);
  if (c->key_id != NULL)
    {
      ck_assert_msg (credentials != NULL, "%s: %s", c->name, error != NULL ? error->message : "");
      ck_assert_str_eq (credentials->access_key_id, c->key_id);
    }
  else
    {
      ck_assert_msg (credentials == NULL, "%s: got %s", c->name,
                     credentials != NULL ? credentials->access_key_id : "");
      ck_assert_msg (strstr (error->message, c->message) != NULL, "%s: %s", c->name, error->message);
      ck_assert (g_error_matches (error, FDNIX_ERROR, FDNIX_ERROR_AUTH));
    }
}
END_TEST

static FdnixConfig *
aws_config (void)
{
  FdnixConfig *config = fdnix_config_new ();

  fdnix_config_register (config, fdnix_aws_settings);
  ck_assert (fdnix_config_load_env (config, NULL));
  return config;
}

/* Region: AWS_REGION, AWS_DEFAULT_REGION, the profile, us-east-1 for a
 * local endpoint, else a clear error. */
START_TEST (test_region)
{
  g_autoptr(GError) error = NULL;
  gchar *region = NULL;

  write_home ("config", "[default]\nregion = eu-north-1\n");
  {
    g_autoptr(FdnixConfig) config = aws_config ();
    ck_assert (fdnix_aws_resolve_region (config, &region, &error));
    ck_assert_str_eq (region, "eu-north-1");
    g_clear_pointer (&region, g_free);
  }
  g_setenv ("AWS_DEFAULT_REGION", "ca-central-1", TRUE);
  {
    g_autoptr(FdnixConfig) config = aws_config ();
    ck_assert (fdnix_aws_resolve_region (config, &region, &error));
    ck_assert_str_eq (region, "ca-central-1");
    g_clear_pointer (&region, g_free);
  }
  g_setenv ("AWS_REGION", "sa-east-1", TRUE);
  {
    g_autoptr(FdnixConfig) config = aws_config ();
    ck_assert (fdnix_aws_resolve_region (config, &region, &error));
    ck_assert_str_eq (region, "sa-east-1");
    g_clear_pointer (&region, g_free);
  }
  g_unsetenv ("AWS_REGION");
  g_unsetenv ("AWS_DEFAULT_REGION");
  write_home ("config", "");
  {
    g_autoptr(FdnixConfig) config = aws_config ();
    ck_assert (!fdnix_aws_resolve_region (config, &region, &error));
    ck_assert (g_error_matches (error, FDNIX_ERROR, FDNIX_ERROR_USAGE));
    ck_assert_msg (strstr (error->message, "AWS_REGION") != NULL, "%s", error->message);
    g_clear_error (&error);
  }
  g_setenv ("AWS_ENDPOINT_URL_DYNAMODB", "http://127.0.0.1:8000", TRUE);
  {
    g_autoptr(FdnixConfig) config = aws_config ();
    ck_assert (fdnix_aws_resolve_region (config, &region, &error));
    ck_assert_str_eq (region, "us-east-1");
    g_clear_pointer (&region, g_free);
  }
}
END_TEST

/* Endpoint: --endpoint-url, then the service's variable, then
 * AWS_ENDPOINT_URL, then AWS's own. */
START_TEST (test_endpoint)
{
  g_autoptr(GError) error = NULL;
  gchar *url = NULL;

  {
    g_autoptr(FdnixConfig) config = aws_config ();
    ck_assert (fdnix_aws_resolve_endpoint (config, &fdnix_aws_service_dynamodb, "eu-west-1", &url, &error));
    ck_assert_str_eq (url, "https://dynamodb.eu-west-1.amazonaws.com");
    g_clear_pointer (&url, g_free);
    ck_assert (fdnix_aws_resolve_endpoint (config, &fdnix_aws_service_bedrock_runtime, "cn-north-1", &url, &error));
    ck_assert_str_eq (url, "https://bedrock-runtime.cn-north-1.amazonaws.com.cn");
    g_clear_pointer (&url, g_free);
  }
  g_setenv ("AWS_ENDPOINT_URL", "http://localhost:4566/", TRUE);
  g_setenv ("AWS_ENDPOINT_URL_DYNAMODB", "http://127.0.0.1:8000", TRUE);
  {
    g_autoptr(FdnixConfig) config = aws_config ();
    ck_assert (fdnix_aws_resolve_endpoint (config, &fdnix_aws_service_dynamodb, "eu-west-1", &url, &error));
    ck_assert_str_eq (url, "http://127.0.0.1:8000");
    g_clear_pointer (&url, g_free);
    ck_assert (fdnix_aws_resolve_endpoint (config, &fdnix_aws_service_s3, "eu-west-1", &url, &error));
    ck_assert_str_eq (url, "http://localhost:4566");
    g_clear_pointer (&url, g_free);
    ck_assert (fdnix_config_set (config, "aws.endpoint-url", "http://127.0.0.1:9999", FDNIX_SOURCE_CLI, NULL));
    ck_assert (fdnix_aws_resolve_endpoint (config, &fdnix_aws_service_dynamodb, "eu-west-1", &url, &error));
    ck_assert_str_eq (url, "http://127.0.0.1:9999");
    g_clear_pointer (&url, g_free);
    ck_assert (fdnix_config_set (config, "aws.endpoint-url", "ftp://nope", FDNIX_SOURCE_CLI, NULL));
    ck_assert (!fdnix_aws_resolve_endpoint (config, &fdnix_aws_service_dynamodb, "eu-west-1", &url, &error));
    ck_assert (g_error_matches (error, FDNIX_ERROR, FDNIX_ERROR_USAGE));
    ck_assert_msg (strstr (error->message, "--endpoint-url") != NULL, "%s", error->message);
  }
}
END_TEST

static Suite *
credentials_suite (void)
{
  Suite *s = suite_create ("aws-credentials");
  TCase *tc = tcase_create ("credentials");

  tcase_add_checked_fixture (tc, setup, teardown);
  tcase_add_test (tc, test_env);
  tcase_add_test (tc, test_shared_files);
  tcase_add_test (tc, test_credential_process);
  tcase_add_test (tc, test_container_endpoint);
  tcase_add_test (tc, test_imds);
  tcase_add_loop_test (tc, test_chain_as_configured, 0, G_N_ELEMENTS (chain_cases));
  tcase_add_test (tc, test_region);
  tcase_add_test (tc, test_endpoint);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  return fdnix_test_run (credentials_suite ());
}
