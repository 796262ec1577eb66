/* fdnix-aws-error.c: parsing and classifying AWS error responses. */
#include "config.h"

#include <string.h>
#include <json-glib/json-glib.h>

#include "aws/fdnix-aws-error.h"
#include "core/fdnix-json-untrusted.h"
#include "net/fdnix-http.h"

/* Codes the SDKs treat as throttling (botocore's standard mode list plus
 * DynamoDB's and S3's own). */
static const gchar *const throttling_codes[] = {
  "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
  "TooManyRequestsException", "ProvisionedThroughputExceededException",
  "TransactionInProgressException", "RequestLimitExceeded", "BandwidthLimitExceeded",
  "LimitExceededException", "RequestThrottled", "SlowDown", "PriorRequestNotComplete",
  "EC2ThrottledException", NULL
};

static const gchar *const transient_codes[] = {
  "InternalError", "InternalFailure", "InternalServerError", "InternalServerException",
  "ServiceUnavailable", "ServiceUnavailableException", "RequestTimeout", "RequestTimeoutException",
  "ModelNotReadyException", NULL
};

static const gchar *const auth_codes[] = {
  "UnrecognizedClientException", "InvalidSignatureException", "SignatureDoesNotMatch",
  "AccessDeniedException", "AccessDenied", "ExpiredToken", "ExpiredTokenException",
  "InvalidClientTokenId", "MissingAuthenticationToken", "MissingAuthenticationTokenException",
  "IncompleteSignature", "IncompleteSignatureException", "InvalidAccessKeyId",
  "RequestExpired", "RequestTimeTooSkewed", "InvalidToken", "UnauthorizedException", NULL
};

static const gchar *const not_found_codes[] = {
  "ResourceNotFoundException", "NoSuchKey", "NoSuchBucket", "NotFound", NULL
};

/* "com.amazonaws.dynamodb.v20120810#ThrottlingException" and
 * "ValidationException:http://internal.amazon.com/..." → the bare code. */
static gchar *
bare_code (const gchar *raw)
{
  const gchar *hash = strrchr (raw, '#');
  const gchar *start = hash != NULL ? hash + 1 : raw;
  const gchar *colon = strchr (start, ':');

  return g_strstrip (colon != NULL ? g_strndup (start, colon - start) : g_strdup (start));
}

static gchar *
xml_element (const gchar *body, const gchar *name)
{
  g_autofree gchar *open = g_strdup_printf ("<%s>", name);
  g_autofree gchar *close = g_strdup_printf ("</%s>", name);
  const gchar *start = strstr (body, open);
  const gchar *end;

  if (start == NULL)
    return NULL;
  start += strlen (open);
  end = strstr (start, close);
  return end != NULL ? g_strndup (start, end - start) : NULL;
}

/**
 * fdnix_aws_error_parse:
 * @status: HTTP status
 * @error_type_header: (nullable): the x-amzn-ErrorType header
 * @body: (nullable): the response body
 * @length: bytes of @body
 * @out_code: (out) (transfer full): the error code, or "HTTP <status>"
 * @out_message: (out) (transfer full): the message, possibly empty
 *
 * Reads a JSON error (depth-checked: fdnix_json_parse_untrusted()) or an
 * XML one (S3: a linear search for <Code> and <Message>, no recursion).
 * The message is cut and cleaned for one error line
 * (fdnix_http_server_message()).
 */
void
fdnix_aws_error_parse (guint status, const gchar *error_type_header, const gchar *body, gsize length,
                       gchar **out_code, gchar **out_message)
{
  g_autofree gchar *code = NULL;
  g_autofree gchar *message = NULL;
  g_autofree gchar *text = body != NULL ? g_strndup (body, length) : g_strdup ("");

  g_strstrip (text);
  if (*text == '{')
    {
      /* An error body is untrusted: depth-checked before json-glib sees it. */
      g_autoptr(JsonObject) o = fdnix_json_parse_untrusted_object (text, strlen (text), "error body", NULL);
      if (o != NULL)
        {
          const gchar *names[] = { "__type", "code", "Code" };
          const gchar *messages[] = { "message", "Message", "errorMessage" };
          for (gsize i = 0; i < G_N_ELEMENTS (names) && code == NULL; i++)
            {
              const gchar *v = json_object_get_string_member_with_default (o, names[i], NULL);
              if (v != NULL && *v != '\0')
                code = bare_code (v);
            }
          for (gsize i = 0; i < G_N_ELEMENTS (messages) && message == NULL; i++)
            {
              const gchar *v = json_object_get_string_member_with_default (o, messages[i], NULL);
              if (v != NULL)
                message = fdnix_http_server_message (v, -1);
            }
        }
    }
  else if (*text == '<')
    {
      g_autofree gchar *raw = xml_element (text, "Code");
      if (raw != NULL)
        code = bare_code (raw);
      g_autofree gchar *raw_message = xml_element (text, "Message");
      message = fdnix_http_server_message (raw_message, -1);
    }
  if (error_type_header != NULL && *error_type_header != '\0')
    {
      /* the header is authoritative where present (restJson services) */
      g_free (code);
      code = bare_code (error_type_header);
    }
  if (code == NULL || *code == '\0')
    {
      g_free (code);
      code = g_strdup_printf ("HTTP %u", status);
      if (message == NULL && *text != '\0' && *text != '<' && *text != '{')
        message = fdnix_http_server_message (text, MIN (strlen (text), 200));
    }
  if (strlen (code) > 100)
    {
      /* a code is a short identifier; anything longer is noise */
      g_autofree gchar *long_code = g_steal_pointer (&code);
      code = fdnix_http_server_message (long_code, 100);
      if (code == NULL)
        code = g_strdup_printf ("HTTP %u", status);
    }
  *out_code = g_steal_pointer (&code);
  *out_message = message != NULL ? g_steal_pointer (&message) : g_strdup ("");
}

/**
 * fdnix_aws_error_is_throttling:
 * @code: (nullable): an AWS error code
 *
 * Returns: whether @code asks the client to slow down.
 */
gboolean
fdnix_aws_error_is_throttling (const gchar *code)
{
  return code != NULL && g_strv_contains (throttling_codes, code);
}

/**
 * fdnix_aws_error_is_clock_skew:
 * @code: (nullable): an AWS error code
 * @message: (nullable): its message
 *
 * Returns: whether the request was refused because our clock is off.
 */
gboolean
fdnix_aws_error_is_clock_skew (const gchar *code, const gchar *message)
{
  if (code == NULL)
    return FALSE;
  if (g_str_equal (code, "RequestTimeTooSkewed") || g_str_equal (code, "RequestExpired") ||
      g_str_equal (code, "RequestInTheFuture"))
    return TRUE;
  return (g_str_equal (code, "InvalidSignatureException") || g_str_equal (code, "SignatureDoesNotMatch")) &&
         message != NULL && strstr (message, "Signature expired") != NULL;
}

/**
 * fdnix_aws_error_is_expired_token:
 * @code: (nullable): an AWS error code
 *
 * Returns: whether temporary credentials expired (fetch new ones, retry).
 */
gboolean
fdnix_aws_error_is_expired_token (const gchar *code)
{
  return g_strcmp0 (code, "ExpiredToken") == 0 || g_strcmp0 (code, "ExpiredTokenException") == 0;
}

/**
 * fdnix_aws_error_classify:
 * @status: HTTP status
 * @code: (nullable): the parsed error code
 *
 * Returns: THROTTLED, SERVER or TIMEOUT (retryable), AUTH, NOT_FOUND or
 *   REJECTED (not retryable).
 */
FdnixErrorCode
fdnix_aws_error_classify (guint status, const gchar *code)
{
  if (fdnix_aws_error_is_throttling (code) || status == 429)
    return FDNIX_ERROR_THROTTLED;
  if (code != NULL && g_strv_contains (transient_codes, code))
    return strstr (code, "Timeout") != NULL ? FDNIX_ERROR_TIMEOUT : FDNIX_ERROR_SERVER;
  if (status >= 500)
    return FDNIX_ERROR_SERVER;
  if (code != NULL && g_strv_contains (auth_codes, code))
    return FDNIX_ERROR_AUTH;
  if (code != NULL && g_strv_contains (not_found_codes, code))
    return FDNIX_ERROR_NOT_FOUND;
  if (status == 401 || status == 403)
    return FDNIX_ERROR_AUTH;
  if (status == 404)
    return FDNIX_ERROR_NOT_FOUND;
  if (status == 408)
    return FDNIX_ERROR_TIMEOUT;
  return FDNIX_ERROR_REJECTED;
}
