/* fdnix-sigv4.h: AWS Signature Version 4 (HMAC-SHA256 on GnuTLS).
 *
 * Signs a request described by its parts (method, host, decoded path,
 * decoded query parameters, the headers to sign and the payload) and
 * returns everything the sender needs: the encoded path and query to put
 * on the wire and the headers to add (X-Amz-Date, X-Amz-Security-Token,
 * X-Amz-Content-SHA256, Authorization).  The intermediate canonical
 * request and string to sign are returned as well, for tests and for
 * debugging a 403.
 *
 * Flags select the per-service rules: every service but S3 normalizes the
 * path and encodes it twice (FDNIX_SIGV4_SERVICE_FLAGS); S3 does neither
 * and signs the payload hash in x-amz-content-sha256, or the literal
 * UNSIGNED-PAYLOAD (FDNIX_SIGV4_S3_FLAGS).
 */
#pragma once

#include <glib.h>

#include "aws/fdnix-aws-credentials.h"

G_BEGIN_DECLS

typedef enum {
  FDNIX_SIGV4_NORMALIZE_PATH     = 1 << 0,  /* remove dot segments and empty segments */
  FDNIX_SIGV4_DOUBLE_ENCODE      = 1 << 1,  /* canonical path = encode(encoded path) */
  FDNIX_SIGV4_CONTENT_SHA256     = 1 << 2,  /* add and sign x-amz-content-sha256 */
  FDNIX_SIGV4_UNSIGNED_PAYLOAD   = 1 << 3,  /* payload hash "UNSIGNED-PAYLOAD" */
  FDNIX_SIGV4_OMIT_SESSION_TOKEN = 1 << 4,  /* add the token after signing */
} FdnixSigv4Flags;

#define FDNIX_SIGV4_SERVICE_FLAGS (FDNIX_SIGV4_NORMALIZE_PATH | FDNIX_SIGV4_DOUBLE_ENCODE)
#define FDNIX_SIGV4_S3_FLAGS      (FDNIX_SIGV4_CONTENT_SHA256)

#define FDNIX_SIGV4_UNSIGNED_PAYLOAD_HASH "UNSIGNED-PAYLOAD"

typedef struct {
  const gchar     *method;
  const gchar     *host;            /* the Host header as sent: "name[:port]" */
  const gchar     *path;            /* decoded: "/model/x:0/invoke" */
  const GPtrArray *query;           /* (nullable) FdnixHttpHeader name/value, decoded */
  const GPtrArray *headers;         /* (nullable) FdnixHttpHeader to sign besides Host */
  gconstpointer    payload;         /* (nullable) body, hashed unless payload_hash */
  gsize            payload_length;
  const gchar     *payload_hash;    /* (nullable) hex SHA-256 computed by the caller */
  const gchar     *region;
  const gchar     *service;         /* signing name: "dynamodb", "s3", "bedrock" */
  gint64           timestamp;       /* Unix seconds */
  guint            flags;           /* FdnixSigv4Flags */
  guint            expires;         /* presigning: seconds the URL is valid */
} FdnixSigv4Request;

typedef struct {
  gchar     *amz_date;           /* "20150830T123600Z" */
  gchar     *canonical_request;
  gchar     *string_to_sign;
  gchar     *signature;          /* hex */
  gchar     *authorization;      /* header signing: the Authorization value */
  gchar     *path;               /* the path to send, encoded once */
  gchar     *query;              /* the query to send (presigned: with the signature) */
  gchar     *payload_hash;
  GPtrArray *headers;            /* FdnixHttpHeader the sender must add */
} FdnixSigv4Result;

gboolean  fdnix_sigv4_sign        (const FdnixSigv4Request   *request,
                                   const FdnixAwsCredentials *credentials,
                                   FdnixSigv4Result          *out_result,
                                   GError                   **error);
gboolean  fdnix_sigv4_presign     (const FdnixSigv4Request   *request,
                                   const FdnixAwsCredentials *credentials,
                                   FdnixSigv4Result          *out_result,
                                   GError                   **error);
void      fdnix_sigv4_result_clear (FdnixSigv4Result         *result);
gchar    *fdnix_sigv4_uri_encode  (const gchar               *text,
                                   gssize                     length,
                                   gboolean                   keep_slash);
gchar    *fdnix_sigv4_normalize_path (const gchar            *path);
gchar    *fdnix_sigv4_format_date (gint64                     timestamp);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (FdnixSigv4Result, fdnix_sigv4_result_clear)

G_END_DECLS
