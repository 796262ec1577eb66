/* fdnix-aws-config.h: services, region and endpoints.
 *
 * Region: [aws] region (AWS_REGION, --region), else AWS_DEFAULT_REGION,
 * else the profile's "region", else us-east-1 when an endpoint override is
 * set (local servers ignore it), else an error.
 *
 * Endpoint, as the SDKs resolve it: --endpoint-url, else
 * AWS_ENDPOINT_URL_<SERVICE> (e.g. AWS_ENDPOINT_URL_DYNAMODB), else
 * [aws] endpoint-url (AWS_ENDPOINT_URL), else the profile's
 * "endpoint_url", else https://<prefix>.<region>.amazonaws.com.
 */
#pragma once

#include <glib.h>

#include "core/fdnix-config.h"

G_BEGIN_DECLS

extern const FdnixSetting fdnix_aws_settings[];

typedef struct {
  const gchar *signing_name;     /* SigV4 service: "dynamodb", "s3", "bedrock" */
  const gchar *endpoint_prefix;  /* host prefix: "dynamodb", "s3", "bedrock-runtime" */
  const gchar *env_suffix;       /* AWS_ENDPOINT_URL_<this> */
  const gchar *display_name;     /* "DynamoDB" in messages */
  const gchar *counter;          /* "retries.<this>" in the run summary */
  const gchar *iam_prefix;       /* "dynamodb:", "s3:", "bedrock:" actions */
  guint        sigv4_flags;      /* FdnixSigv4Flags */
} FdnixAwsService;

extern const FdnixAwsService fdnix_aws_service_dynamodb;
extern const FdnixAwsService fdnix_aws_service_s3;
extern const FdnixAwsService fdnix_aws_service_bedrock_runtime;

gboolean fdnix_aws_resolve_region   (FdnixConfig           *config,
                                     gchar                **out_region,
                                     GError               **error);
gboolean fdnix_aws_resolve_endpoint (FdnixConfig           *config,
                                     const FdnixAwsService *service,
                                     const gchar           *region,
                                     gchar                **out_url,
                                     GError               **error);
gchar   *fdnix_aws_profile_get      (FdnixConfig           *config);
gchar   *fdnix_aws_profile_get_chosen (FdnixConfig         *config);

G_END_DECLS
