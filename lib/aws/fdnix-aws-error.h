/* fdnix-aws-error.h: AWS error responses.
 *
 * Reads the error code and message of the JSON protocols (DynamoDB's
 * "__type" with "message" or "Message", Bedrock's x-amzn-ErrorType header)
 * and of S3's XML, and classifies them into FDNIX_ERROR codes: throttling
 * (retried with the throttling back-off), transient server errors
 * (retried), credentials/signature problems, missing resources, and
 * validation errors (never retried).
 */
#pragma once

#include <glib.h>

#include "core/fdnix-error.h"

G_BEGIN_DECLS

void           fdnix_aws_error_parse          (guint        status,
                                               const gchar *error_type_header,
                                               const gchar *body,
                                               gsize        length,
                                               gchar      **out_code,
                                               gchar      **out_message);
FdnixErrorCode fdnix_aws_error_classify       (guint        status,
                                               const gchar *code);
gboolean       fdnix_aws_error_is_throttling  (const gchar *code);
gboolean       fdnix_aws_error_is_clock_skew  (const gchar *code,
                                               const gchar *message);
gboolean       fdnix_aws_error_is_expired_token (const gchar *code);

G_END_DECLS
