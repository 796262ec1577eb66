/* fdnix-aws-client.h: signed AWS requests with retries.
 *
 * One FdnixAwsClient per service (DynamoDB, S3, Bedrock runtime), built
 * from the configuration by fdnix_aws_client_new_for_service(): it owns an
 * HTTP client and shares the process's credentials provider and a retry
 * policy.
 * Each request is signed afresh for every attempt (new time, refreshed
 * credentials), and an error response is parsed and classified
 * (fdnix-aws-error.h): throttling, 5xx, dropped connections, timeouts and
 * CRC32 mismatches are retried under the policy, honouring
 * x-amz-retry-after / Retry-After; validation and auth errors are not.  A
 * request refused for clock skew is retried once with the server's clock;
 * one refused for an expired token once with fresh credentials.  The final
 * error names the service, the operation, the attempts and the last cause,
 * e.g. "DynamoDB BatchWriteItem: gave up after 10 attempts (...):
 * ThrottlingException: Rate of requests exceeds the allowed throughput
 * (HTTP 400)".
 *
 * Use fdnix_aws_client_call() for one request, or
 * fdnix_aws_client_submit() + fdnix_aws_client_run() to keep many in
 * flight (retries wait on timers, so back-off of one request does not
 * hold up the others).  A client is used by one thread at a time.
 */
#pragma once

#include <glib.h>

#include "aws/fdnix-aws-config.h"
#include "aws/fdnix-aws-credentials.h"
#include "core/fdnix-config.h"
#include "net/fdnix-http.h"
#include "net/fdnix-retry.h"

G_BEGIN_DECLS

typedef struct {
  const gchar        *operation;      /* "BatchWriteItem", for messages */
  const gchar        *action;         /* (nullable) IAM action; default "<iam_prefix>:<operation>" */
  const gchar        *method;         /* "POST" */
  const gchar        *path;           /* decoded; NULL means "/" */
  const GPtrArray    *query;          /* (nullable) FdnixHttpHeader name/value, decoded */
  const GPtrArray    *headers;        /* (nullable) FdnixHttpHeader, all signed */
  GBytes             *body;           /* (nullable) */
  gboolean            check_crc32;    /* verify x-amz-crc32 (DynamoDB) */
  const gchar *const *accept_errors;  /* (nullable) error codes returned as a response */
  guint               flags;          /* extra FdnixSigv4Flags (e.g. UNSIGNED_PAYLOAD) */
  gsize               max_body;       /* largest valid answer in bytes; 0: the HTTP client's */
} FdnixAwsRequest;

typedef struct {
  guint      status;
  GPtrArray *headers;        /* FdnixHttpHeader, lower-case names */
  GBytes    *body;
  gchar     *error_code;     /* set for a response in accept_errors */
  gchar     *error_message;
  guint      attempts;
} FdnixAwsResponse;

typedef struct _FdnixAwsClient FdnixAwsClient;

/* @response is NULL exactly when @error is set. */
typedef void (*FdnixAwsDoneFunc) (FdnixAwsClient   *client,
                                  FdnixAwsResponse *response,
                                  const GError     *error,
                                  gpointer          user_data);

FdnixAwsClient   *fdnix_aws_client_new_for_service (FdnixConfig              *config,
                                                 const FdnixAwsService       *service,
                                                 const gchar                 *endpoint,
                                                 FdnixRetryPolicy            *retry,
                                                 GError                     **error);
FdnixAwsClient   *fdnix_aws_client_new_full     (const FdnixAwsService       *service,
                                                 const gchar                 *region,
                                                 const gchar                 *endpoint,
                                                 FdnixAwsCredentialsProvider *credentials,
                                                 const FdnixHttpOptions      *http_options,
                                                 FdnixRetryPolicy            *retry);
FdnixAwsClient   *fdnix_aws_client_new_like     (FdnixAwsClient              *model);
void              fdnix_aws_client_free         (FdnixAwsClient              *self);
void              fdnix_aws_client_submit       (FdnixAwsClient              *self,
                                                 const FdnixAwsRequest       *request,
                                                 FdnixAwsDoneFunc             done,
                                                 gpointer                     user_data);
gboolean          fdnix_aws_client_run          (FdnixAwsClient              *self,
                                                 const gboolean              *stop,
                                                 GError                     **error);
gboolean          fdnix_aws_client_call         (FdnixAwsClient              *self,
                                                 const FdnixAwsRequest       *request,
                                                 FdnixAwsResponse           **out_response,
                                                 GError                     **error);
FdnixHttpClient  *fdnix_aws_client_get_http     (FdnixAwsClient              *self);
FdnixRetryPolicy *fdnix_aws_client_get_retry    (FdnixAwsClient              *self);
const gchar      *fdnix_aws_client_get_endpoint (FdnixAwsClient              *self);
const gchar      *fdnix_aws_client_get_region   (FdnixAwsClient              *self);
const FdnixAwsService *fdnix_aws_client_get_service (FdnixAwsClient          *self);
guint             fdnix_aws_client_get_in_flight (FdnixAwsClient             *self);
FdnixAwsCredentialsProvider *fdnix_aws_credentials_provider_new_for_config (FdnixConfig *config);
FdnixAwsCredentialsProvider *fdnix_aws_credentials_provider_get_default (FdnixConfig *config);

void              fdnix_aws_response_free       (FdnixAwsResponse            *response);
const gchar      *fdnix_aws_response_get_header (FdnixAwsResponse            *response,
                                                 const gchar                 *name);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdnixAwsClient, fdnix_aws_client_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdnixAwsResponse, fdnix_aws_response_free)

G_END_DECLS
