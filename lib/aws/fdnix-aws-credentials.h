/* fdnix-aws-credentials.h: AWS credentials and the provider chain.
 *
 * The chain looks where the AWS SDKs look, in their order, and sticks to
 * the first source that answers:
 *
 * 1. environment: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN;
 * 2. shared files: profile AWS_PROFILE (or [aws] profile, or "default") in
 *    AWS_SHARED_CREDENTIALS_FILE (~/.aws/credentials), then in
 *    AWS_CONFIG_FILE (~/.aws/config, sections "[profile NAME]");
 * 3. the ECS container endpoint: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI
 *    (on http://169.254.170.2) or AWS_CONTAINER_CREDENTIALS_FULL_URI, with
 *    AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE / _TOKEN as Authorization;
 * 4. EC2 instance metadata, IMDSv2 only (token PUT, then the role's
 *    credentials) at AWS_EC2_METADATA_SERVICE_ENDPOINT
 *    (http://169.254.169.254), unless AWS_EC2_METADATA_DISABLED=true.
 *
 * Temporary credentials (container, instance) are refreshed ten minutes
 * before they expire.  Every secret is registered with
 * fdnix_log_add_secret() as soon as it is read.  A provider is thread-safe.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  gchar  *access_key_id;
  gchar  *secret_access_key;
  gchar  *session_token;   /* (nullable) */
  gint64  expiration;      /* Unix seconds; 0: does not expire */
  gchar  *source;          /* where they came from, for messages */
} FdnixAwsCredentials;  /* a g_atomic_rc_box: fdnix_aws_credentials_ref/unref */

typedef struct _FdnixAwsCredentialsProvider FdnixAwsCredentialsProvider;

FdnixAwsCredentials *fdnix_aws_credentials_new   (const gchar         *access_key_id,
                                                  const gchar         *secret_access_key,
                                                  const gchar         *session_token,
                                                  gint64               expiration,
                                                  const gchar         *source);
FdnixAwsCredentials *fdnix_aws_credentials_ref   (FdnixAwsCredentials *self);
void                 fdnix_aws_credentials_unref (FdnixAwsCredentials *self);

FdnixAwsCredentialsProvider *fdnix_aws_credentials_provider_new_chain  (const gchar *profile);
FdnixAwsCredentialsProvider *fdnix_aws_credentials_provider_new_static (FdnixAwsCredentials *credentials);
FdnixAwsCredentialsProvider *fdnix_aws_credentials_provider_ref   (FdnixAwsCredentialsProvider *self);
void                 fdnix_aws_credentials_provider_unref         (FdnixAwsCredentialsProvider *self);
FdnixAwsCredentials *fdnix_aws_credentials_provider_get           (FdnixAwsCredentialsProvider *self,
                                                                   GError                     **error);
void                 fdnix_aws_credentials_provider_invalidate    (FdnixAwsCredentialsProvider *self);

gboolean             fdnix_aws_parse_iso8601     (const gchar         *text,
                                                  gint64              *out_unix);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdnixAwsCredentials, fdnix_aws_credentials_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdnixAwsCredentialsProvider, fdnix_aws_credentials_provider_unref)

G_END_DECLS
