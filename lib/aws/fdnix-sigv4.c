/* fdnix-sigv4.c: canonical request, string to sign, signature. */
#include "config.h"

#include <string.h>
#include <time.h>
#include <gnutls/crypto.h>

#include "aws/fdnix-sigv4.h"
#include "core/fdnix-error.h"
#include "core/fdnix-hash.h"
#include "net/fdnix-http.h"

#define ALGORITHM "AWS4-HMAC-SHA256"

/**
 * fdnix_sigv4_uri_encode:
 * @text: bytes to encode
 * @length: bytes of @text, or -1 if NUL-terminated
 * @keep_slash: leave '/' as is (paths) instead of encoding it (query)
 *
 * Encodes as SigV4 requires: every byte but A-Z a-z 0-9 - _ . ~ becomes
 * %XX with upper-case hex; a space is %20, never '+'.
 *
 * Returns: (transfer full): the encoded text.
 */
gchar *
fdnix_sigv4_uri_encode (const gchar *text, gssize length, gboolean keep_slash)
{
  static const gchar hex[] = "0123456789ABCDEF";
  gsize n = length < 0 ? strlen (text) : (gsize) length;
  GString *out = g_string_sized_new (n + 16);

  for (gsize i = 0; i < n; i++)
    {
      guchar c = text[i];
      if (g_ascii_isalnum (c) || c == '-' || c == '_' || c == '.' || c == '~' ||
          (keep_slash && c == '/'))
        g_string_append_c (out, c);
      else
        {
          g_string_append_c (out, '%');
          g_string_append_c (out, hex[c >> 4]);
          g_string_append_c (out, hex[c & 0xf]);
        }
    }
  return g_string_free (out, FALSE);
}

/**
 * fdnix_sigv4_normalize_path:
 * @path: a decoded path
 *
 * Removes "." and ".." segments and empty segments (RFC 3986 5.2.4, plus
 * the collapsing of "//" that SigV4 does), keeping a trailing slash.
 *
 * Returns: (transfer full): the normalized path, at least "/".
 */
gchar *
fdnix_sigv4_normalize_path (const gchar *path)
{
  g_auto(GStrv) parts = g_strsplit (path, "/", -1);
  g_autoptr(GPtrArray) kept = g_ptr_array_new ();
  gsize len = strlen (path);
  gboolean trailing = len > 0 && path[len - 1] == '/';
  GString *out = g_string_new (NULL);

  for (guint i = 0; parts[i] != NULL; i++)
    {
      if (*parts[i] == '\0' || g_str_equal (parts[i], "."))
        continue;
      if (g_str_equal (parts[i], ".."))
        {
          if (kept->len > 0)
            g_ptr_array_remove_index (kept, kept->len - 1);
          continue;
        }
      g_ptr_array_add (kept, parts[i]);
    }
  for (guint i = 0; i < kept->len; i++)
    {
      g_string_append_c (out, '/');
      g_string_append (out, kept->pdata[i]);
    }
  if (out->len == 0 || trailing)
    g_string_append_c (out, '/');
  return g_string_free (out, FALSE);
}

/**
 * fdnix_sigv4_format_date:
 * @timestamp: Unix seconds
 *
 * Returns: (transfer full): ISO 8601 basic format, "20150830T123600Z".
 */
gchar *
fdnix_sigv4_format_date (gint64 timestamp)
{
  time_t t = (time_t) timestamp;
  struct tm tm;
  gchar buf[32];

  gmtime_r (&t, &tm);
  strftime (buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return g_strdup (buf);
}

static void
hmac (const void *key, gsize key_length, const gchar *data, guint8 out[FDNIX_SHA256_LEN])
{
  if (gnutls_hmac_fast (GNUTLS_MAC_SHA256, key, key_length, data, strlen (data), out) < 0)
    g_error ("GnuTLS cannot compute HMAC-SHA256");
}

typedef struct {
  gchar *name;   /* lower-case */
  GString *value;
} CanonHeader;

static void
canon_header_free (gpointer data)
{
  CanonHeader *h = data;

  g_free (h->name);
  g_string_free (h->value, TRUE);
  g_free (h);
}

static gint
canon_header_compare (gconstpointer a, gconstpointer b)
{
  const CanonHeader *ha = *(const CanonHeader **) a, *hb = *(const CanonHeader **) b;

  return strcmp (ha->name, hb->name);
}

/* Trim, and collapse runs of whitespace (folded lines included) to one space. */
static void
append_trimmed (GString *out, const gchar *value)
{
  gboolean pending_space = FALSE;
  gboolean started = FALSE;

  for (const gchar *p = value; *p != '\0'; p++)
    {
      if (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
        {
          pending_space = started;
          continue;
        }
      if (pending_space)
        g_string_append_c (out, ' ');
      pending_space = FALSE;
      started = TRUE;
      g_string_append_c (out, *p);
    }
}

static void
add_canon_header (GPtrArray *headers, const gchar *name, const gchar *value)
{
  g_autofree gchar *lower = g_ascii_strdown (name, -1);

  g_strstrip (lower);
  for (guint i = 0; i < headers->len; i++)
    {
      CanonHeader *h = headers->pdata[i];
      if (g_str_equal (h->name, lower))
        {
          g_string_append_c (h->value, ',');
          append_trimmed (h->value, value);
          return;
        }
    }
  {
    CanonHeader *h = g_new0 (CanonHeader, 1);
    h->name = g_steal_pointer (&lower);
    h->value = g_string_new (NULL);
    append_trimmed (h->value, value);
    g_ptr_array_add (headers, h);
  }
}

typedef struct {
  gchar *key;
  gchar *value;
} QueryPair;

static void
query_pair_free (gpointer data)
{
  QueryPair *q = data;

  g_free (q->key);
  g_free (q->value);
  g_free (q);
}

static gint
query_pair_compare (gconstpointer a, gconstpointer b)
{
  const QueryPair *qa = *(const QueryPair **) a, *qb = *(const QueryPair **) b;
  gint c = strcmp (qa->key, qb->key);

  return c != 0 ? c : strcmp (qa->value, qb->value);
}

static void
add_query (GPtrArray *pairs, const gchar *key, const gchar *value)
{
  QueryPair *q = g_new0 (QueryPair, 1);

  q->key = fdnix_sigv4_uri_encode (key, -1, FALSE);
  q->value = fdnix_sigv4_uri_encode (value != NULL ? value : "", -1, FALSE);
  g_ptr_array_add (pairs, q);
}

static gchar *
join_query (GPtrArray *pairs)
{
  GString *out = g_string_new (NULL);

  g_ptr_array_sort (pairs, query_pair_compare);
  for (guint i = 0; i < pairs->len; i++)
    {
      QueryPair *q = pairs->pdata[i];
      if (i > 0)
        g_string_append_c (out, '&');
      g_string_append_printf (out, "%s=%s", q->key, q->value);
    }
  return g_string_free (out, FALSE);
}

static gboolean
check_request (const FdnixSigv4Request *r, const FdnixAwsCredentials *c, GError **error)
{
  if (c == NULL || c->access_key_id == NULL || c->secret_access_key == NULL)
    {
      g_set_error_literal (error, FDNIX_ERROR, FDNIX_ERROR_AUTH, "SigV4: no credentials to sign with");
      return FALSE;
    }
  if (r->method == NULL || r->host == NULL || r->region == NULL || r->service == NULL)
    {
      g_set_error_literal (error, FDNIX_ERROR, FDNIX_ERROR_FAILED,
                           "SigV4: method, host, region and service are required");
      return FALSE;
    }
  return TRUE;
}

/* The shared core of header signing and presigning. */
static void
compute (const FdnixSigv4Request *r, const FdnixAwsCredentials *c, gboolean presign,
         FdnixSigv4Result *out)
{
  g_autoptr(GPtrArray) headers = g_ptr_array_new_with_free_func (canon_header_free);
  g_autoptr(GPtrArray) pairs = g_ptr_array_new_with_free_func (query_pair_free);
  g_autoptr(GString) creq = g_string_sized_new (512);
  g_autoptr(GString) signed_names = g_string_new (NULL);
  g_autofree gchar *canonical_path = NULL;
  g_autofree gchar *normalized = NULL;
  g_autofree gchar *canonical_query = NULL;
  g_autofree gchar *creq_hash = NULL;
  g_autofree gchar *scope = NULL;
  g_autofree gchar *date = NULL;
  g_autofree gchar *key_text = NULL;
  const gchar *path = r->path != NULL && *r->path != '\0' ? r->path : "/";
  gboolean sign_token = c->session_token != NULL && !(r->flags & FDNIX_SIGV4_OMIT_SESSION_TOKEN);
  guint8 k1[FDNIX_SHA256_LEN], k2[FDNIX_SHA256_LEN], k3[FDNIX_SHA256_LEN], k4[FDNIX_SHA256_LEN];
  guint8 sig[FDNIX_SHA256_LEN];
  gchar sig_hex[FDNIX_SHA256_HEX_LEN + 1];

  memset (out, 0, sizeof *out);
  out->headers = g_ptr_array_new_with_free_func ((GDestroyNotify) fdnix_http_header_free);
  out->amz_date = fdnix_sigv4_format_date (r->timestamp);
  date = g_strndup (out->amz_date, 8);
  scope = g_strdup_printf ("%s/%s/%s/aws4_request", date, r->region, r->service);

  /* payload */
  if (r->flags & FDNIX_SIGV4_UNSIGNED_PAYLOAD)
    out->payload_hash = g_strdup (FDNIX_SIGV4_UNSIGNED_PAYLOAD_HASH);
  else if (r->payload_hash != NULL)
    out->payload_hash = g_strdup (r->payload_hash);
  else
    out->payload_hash = fdnix_sha256_hex (r->payload != NULL ? r->payload : "", r->payload_length);

  /* path */
  normalized = (r->flags & FDNIX_SIGV4_NORMALIZE_PATH) ? fdnix_sigv4_normalize_path (path)
                                                        : g_strdup (path);
  out->path = fdnix_sigv4_uri_encode (path, -1, TRUE);
  canonical_path = fdnix_sigv4_uri_encode (normalized, -1, TRUE);
  if (r->flags & FDNIX_SIGV4_DOUBLE_ENCODE)
    {
      gchar *twice = fdnix_sigv4_uri_encode (canonical_path, -1, TRUE);
      g_free (canonical_path);
      canonical_path = twice;
    }

  /* headers */
  add_canon_header (headers, "host", r->host);
  for (guint i = 0; r->headers != NULL && i < r->headers->len; i++)
    {
      const FdnixHttpHeader *h = r->headers->pdata[i];
      add_canon_header (headers, h->name, h->value);
    }
  if (!presign)
    {
      add_canon_header (headers, "x-amz-date", out->amz_date);
      g_ptr_array_add (out->headers, fdnix_http_header_new ("X-Amz-Date", out->amz_date));
      if (r->flags & FDNIX_SIGV4_CONTENT_SHA256)
        {
          add_canon_header (headers, "x-amz-content-sha256", out->payload_hash);
          g_ptr_array_add (out->headers, fdnix_http_header_new ("X-Amz-Content-SHA256", out->payload_hash));
        }
      if (c->session_token != NULL)
        {
          if (sign_token)
            add_canon_header (headers, "x-amz-security-token", c->session_token);
          g_ptr_array_add (out->headers, fdnix_http_header_new ("X-Amz-Security-Token", c->session_token));
        }
    }
  g_ptr_array_sort (headers, canon_header_compare);
  for (guint i = 0; i < headers->len; i++)
    {
      CanonHeader *h = headers->pdata[i];
      if (i > 0)
        g_string_append_c (signed_names, ';');
      g_string_append (signed_names, h->name);
    }

  /* query */
  for (guint i = 0; r->query != NULL && i < r->query->len; i++)
    {
      const FdnixHttpHeader *q = r->query->pdata[i];
      add_query (pairs, q->name, q->value);
    }
  if (presign)
    {
      g_autofree gchar *credential = g_strdup_printf ("%s/%s", c->access_key_id, scope);
      g_autofree gchar *expires = g_strdup_printf ("%u", r->expires > 0 ? r->expires : 3600);
      add_query (pairs, "X-Amz-Algorithm", ALGORITHM);
      add_query (pairs, "X-Amz-Credential", credential);
      add_query (pairs, "X-Amz-Date", out->amz_date);
      add_query (pairs, "X-Amz-Expires", expires);
      add_query (pairs, "X-Amz-SignedHeaders", signed_names->str);
      if (sign_token)
        add_query (pairs, "X-Amz-Security-Token", c->session_token);
    }
  canonical_query = join_query (pairs);

  /* canonical request */
  g_string_append_printf (creq, "%s\n%s\n%s\n", r->method, canonical_path, canonical_query);
  for (guint i = 0; i < headers->len; i++)
    {
      CanonHeader *h = headers->pdata[i];
      g_string_append_printf (creq, "%s:%s\n", h->name, h->value->str);
    }
  g_string_append_printf (creq, "\n%s\n%s", signed_names->str, out->payload_hash);
  out->canonical_request = g_strdup (creq->str);

  creq_hash = fdnix_sha256_hex (creq->str, creq->len);
  out->string_to_sign = g_strdup_printf (ALGORITHM "\n%s\n%s\n%s", out->amz_date, scope, creq_hash);

  key_text = g_strconcat ("AWS4", c->secret_access_key, NULL);
  hmac (key_text, strlen (key_text), date, k1);
  hmac (k1, sizeof k1, r->region, k2);
  hmac (k2, sizeof k2, r->service, k3);
  hmac (k3, sizeof k3, "aws4_request", k4);
  hmac (k4, sizeof k4, out->string_to_sign, sig);
  memset (key_text, 0, strlen (key_text));
  fdnix_hex_encode (sig, sizeof sig, sig_hex);
  /* Signatures are not registered with the log redactor (one per request
   * would make every log line slower); instead nothing logs them: requests
   * are described without headers or query (fdnix_http_request_describe). */
  out->signature = g_strdup (sig_hex);

  if (presign)
    {
      out->query = g_strdup_printf ("%s&X-Amz-Signature=%s", canonical_query, out->signature);
      if (c->session_token != NULL && !sign_token)
        {
          g_autofree gchar *token = fdnix_sigv4_uri_encode (c->session_token, -1, FALSE);
          gchar *with_token = g_strdup_printf ("%s&X-Amz-Security-Token=%s", out->query, token);
          g_free (out->query);
          out->query = with_token;
        }
    }
  else
    {
      out->query = g_steal_pointer (&canonical_query);
      out->authorization = g_strdup_printf (ALGORITHM " Credential=%s/%s, SignedHeaders=%s, Signature=%s",
                                            c->access_key_id, scope, signed_names->str, out->signature);
      g_ptr_array_add (out->headers, fdnix_http_header_new ("Authorization", out->authorization));
    }
}

/**
 * fdnix_sigv4_sign:
 * @request: what to sign
 * @credentials: the key to sign with
 * @out_result: (out caller-allocates): filled on success; clear with
 *   fdnix_sigv4_result_clear()
 * @error: return location for an error
 *
 * Signs with an Authorization header.  Send result->path (and
 * "?" result->query when not empty), the request's own headers, and
 * result->headers.
 *
 * Returns: FALSE when credentials or required fields are missing.
 */
gboolean
fdnix_sigv4_sign (const FdnixSigv4Request *request, const FdnixAwsCredentials *credentials,
                  FdnixSigv4Result *out_result, GError **error)
{
  if (!check_request (request, credentials, error))
    return FALSE;
  compute (request, credentials, FALSE, out_result);
  return TRUE;
}

/**
 * fdnix_sigv4_presign:
 * @request: what to sign; request->expires sets the lifetime (default 3600)
 * @credentials: the key to sign with
 * @out_result: (out caller-allocates): filled on success
 * @error: return location for an error
 *
 * Signs in the query string (a presigned URL): result->query carries the
 * X-Amz-* parameters and the signature; no headers are added.
 *
 * Returns: FALSE when credentials or required fields are missing.
 */
gboolean
fdnix_sigv4_presign (const FdnixSigv4Request *request, const FdnixAwsCredentials *credentials,
                     FdnixSigv4Result *out_result, GError **error)
{
  if (!check_request (request, credentials, error))
    return FALSE;
  compute (request, credentials, TRUE, out_result);
  return TRUE;
}

/**
 * fdnix_sigv4_result_clear:
 * @result: a result; its fields are freed and zeroed
 */
void
fdnix_sigv4_result_clear (FdnixSigv4Result *result)
{
  g_clear_pointer (&result->amz_date, g_free);
  g_clear_pointer (&result->canonical_request, g_free);
  g_clear_pointer (&result->string_to_sign, g_free);
  g_clear_pointer (&result->signature, g_free);
  g_clear_pointer (&result->authorization, g_free);
  g_clear_pointer (&result->path, g_free);
  g_clear_pointer (&result->query, g_free);
  g_clear_pointer (&result->payload_hash, g_free);
  g_clear_pointer (&result->headers, g_ptr_array_unref);
}
