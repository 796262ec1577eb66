/* check-sigv4: the signer against the AWS SigV4 test suite and our own
 * botocore-derived vectors.
 *
 * Every case is a directory in the suite's layout: context.json (key,
 * region, service, time, flags), request.txt (the request before signing)
 * and, per variant, the expected canonical request, string to sign and
 * signature (header-*.txt for Authorization signing, query-*.txt for
 * presigning).  Cases come from tests/data/aws/sigv4 (always) and from the
 * directory named by $FDNIX_SIGV4_SUITE (AWS's own suite; skipped when
 * unset).
 */
#include "config.h"

#include <string.h>
#include <json-glib/json-glib.h>

#include "aws/fdnix-sigv4.h"
#include "core/fdnix-error.h"
#include "core/fdnix-hash.h"
#include "net/fdnix-http.h"
#include "fdnix-test.h"

static GPtrArray *cases;  /* case directories */

typedef struct {
  gchar     *method;
  gchar     *host;
  gchar     *path;
  GPtrArray *query;
  GPtrArray *headers;
  GBytes    *body;
} ParsedRequest;

static void
parsed_request_clear (ParsedRequest *r)
{
  g_free (r->method);
  g_free (r->host);
  g_free (r->path);
  g_ptr_array_unref (r->query);
  g_ptr_array_unref (r->headers);
  g_bytes_unref (r->body);
}

static gchar *
read_file (const gchar *dir, const gchar *name, gboolean required)
{
  g_autofree gchar *path = g_build_filename (dir, name, NULL);
  gchar *contents = NULL;

  if (!g_file_get_contents (path, &contents, NULL, NULL) && required)
    ck_abort_msg ("cannot read %s", path);
  return contents;
}

static gchar *
percent_decode (const gchar *text)
{
  gchar *decoded = g_uri_unescape_string (text, NULL);

  return decoded != NULL ? decoded : g_strdup (text);
}

/* request.txt: "METHOD URI HTTP/1.1", headers (folded lines continue the
 * previous one), a blank line, the body.  The URI may hold spaces. */
static void
parse_request (const gchar *text, ParsedRequest *out)
{
  const gchar *body_start = strstr (text, "\n\n");
  g_autofree gchar *head = body_start != NULL ? g_strndup (text, body_start - text) : g_strdup (text);
  g_auto(GStrv) lines = g_strsplit (head, "\n", -1);
  const gchar *first = lines[0];
  const gchar *sp1 = strchr (first, ' ');
  const gchar *sp2 = strrchr (first, ' ');
  g_autofree gchar *target = g_strndup (sp1 + 1, sp2 - sp1 - 1);
  gchar *q = strchr (target, '?');
  FdnixHttpHeader *last = NULL;

  memset (out, 0, sizeof *out);
  out->method = g_strndup (first, sp1 - first);
  out->query = g_ptr_array_new_with_free_func ((GDestroyNotify) fdnix_http_header_free);
  out->headers = g_ptr_array_new_with_free_func ((GDestroyNotify) fdnix_http_header_free);
  if (q != NULL)
    {
      g_auto(GStrv) pairs = NULL;
      *q = '\0';
      pairs = g_strsplit (q + 1, "&", -1);
      for (guint i = 0; pairs[i] != NULL; i++)
        {
          gchar *eq = strchr (pairs[i], '=');
          g_autofree gchar *key = NULL;
          g_autofree gchar *value = NULL;
          if (*pairs[i] == '\0')
            continue;
          if (eq != NULL)
            *eq = '\0';
          key = percent_decode (pairs[i]);
          value = percent_decode (eq != NULL ? eq + 1 : "");
          g_ptr_array_add (out->query, fdnix_http_header_new (key, value));
        }
    }
  out->path = percent_decode (target);
  for (guint i = 1; lines[i] != NULL; i++)
    {
      gchar *line = lines[i];
      gchar *colon;
      if (*line == '\0')
        continue;
      if ((*line == ' ' || *line == '\t') && last != NULL)
        {
          gchar *joined = g_strconcat (last->value, "\n", line, NULL);
          g_free (last->value);
          last->value = joined;
          continue;
        }
      colon = strchr (line, ':');
      ck_assert_msg (colon != NULL, "bad header line: %s", line);
      *colon = '\0';
      if (g_ascii_strcasecmp (line, "Host") == 0)
        {
          out->host = g_strdup (colon + 1);
          last = NULL;
          continue;
        }
      last = fdnix_http_header_new (line, colon + 1);
      g_ptr_array_add (out->headers, last);
    }
  out->body = body_start != NULL ? g_bytes_new (body_start + 2, strlen (body_start + 2))
                                 : g_bytes_new (NULL, 0);
}

static gboolean
member_bool (JsonObject *o, const gchar *name)
{
  return json_object_has_member (o, name) && json_object_get_boolean_member (o, name);
}

static gint64
parse_time (const gchar *text)
{
  g_autoptr(GDateTime) t = g_date_time_new_from_iso8601 (text, NULL);

  ck_assert_msg (t != NULL, "bad timestamp %s", text);
  return g_date_time_to_unix (t);
}

static void
check_variant (const gchar *dir, const gchar *variant, const FdnixSigv4Request *request,
               const FdnixAwsCredentials *creds)
{
  g_autofree gchar *name = g_strdup_printf ("%s-canonical-request.txt", variant);
  g_autofree gchar *creq = read_file (dir, name, FALSE);
  g_autofree gchar *sts = NULL;
  g_autofree gchar *sig = NULL;
  g_autofree gchar *signed_request = NULL;
  g_auto(FdnixSigv4Result) result = { 0 };
  g_autoptr(GError) error = NULL;
  gboolean presign = g_str_equal (variant, "query");

  if (creq == NULL)
    return;  /* our own vectors have no presigned variant */
  g_free (name);
  name = g_strdup_printf ("%s-string-to-sign.txt", variant);
  sts = read_file (dir, name, TRUE);
  g_free (name);
  name = g_strdup_printf ("%s-signature.txt", variant);
  sig = read_file (dir, name, TRUE);
  g_strstrip (sig);
  g_free (name);
  name = g_strdup_printf ("%s-signed-request.txt", variant);
  signed_request = read_file (dir, name, FALSE);

  if (presign)
    ck_assert (fdnix_sigv4_presign (request, creds, &result, &error));
  else
    ck_assert (fdnix_sigv4_sign (request, creds, &result, &error));
  ck_assert_msg (g_str_equal (result.canonical_request, creq),
                 "%s (%s): canonical request\n--- expected\n%s\n--- got\n%s", dir, variant, creq,
                 result.canonical_request);
  ck_assert_msg (g_str_equal (result.string_to_sign, sts), "%s (%s): string to sign\n%s\n--- got\n%s",
                 dir, variant, sts, result.string_to_sign);
  ck_assert_msg (g_str_equal (result.signature, sig), "%s (%s): signature %s, expected %s", dir,
                 variant, result.signature, sig);
  if (signed_request != NULL && !presign)
    {
      g_autofree gchar *line = g_strdup_printf ("Authorization:%s\n", result.authorization);
      ck_assert_msg (strstr (signed_request, line) != NULL, "%s: Authorization %s", dir,
                     result.authorization);
    }
  if (signed_request != NULL && presign)
    {
      g_autofree gchar *needle = g_strdup_printf ("X-Amz-Signature=%s", result.signature);
      ck_assert_msg (strstr (result.query, needle) != NULL, "%s: query %s", dir, result.query);
    }
}

START_TEST (test_sigv4_case)
{
  const gchar *dir = cases->pdata[_i];
  g_autofree gchar *context_text = read_file (dir, "context.json", TRUE);
  g_autofree gchar *request_text = read_file (dir, "request.txt", TRUE);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(FdnixAwsCredentials) creds = NULL;
  JsonObject *context, *c;
  ParsedRequest parsed;
  FdnixSigv4Request request = { 0 };

  ck_assert (json_parser_load_from_data (parser, context_text, -1, NULL));
  context = json_node_get_object (json_parser_get_root (parser));
  c = json_object_get_object_member (context, "credentials");
  creds = fdnix_aws_credentials_new (json_object_get_string_member (c, "access_key_id"),
                                     json_object_get_string_member (c, "secret_access_key"),
                                     json_object_has_member (c, "token")
                                       ? json_object_get_string_member (c, "token") : NULL,
                                     0, "test");
  parse_request (request_text, &parsed);
  request.method = parsed.method;
  request.host = parsed.host;
  request.path = parsed.path;
  request.query = parsed.query;
  request.headers = parsed.headers;
  request.payload = g_bytes_get_data (parsed.body, &request.payload_length);
  request.region = json_object_get_string_member (context, "region");
  request.service = json_object_get_string_member (context, "service");
  request.timestamp = parse_time (json_object_get_string_member (context, "timestamp"));
  request.expires = json_object_get_int_member (context, "expiration_in_seconds");
  if (member_bool (context, "normalize"))
    request.flags |= FDNIX_SIGV4_NORMALIZE_PATH;
  if (member_bool (context, "double_encode"))
    request.flags |= FDNIX_SIGV4_DOUBLE_ENCODE;
  if (member_bool (context, "omit_session_token"))
    request.flags |= FDNIX_SIGV4_OMIT_SESSION_TOKEN;
  if (member_bool (context, "unsigned_payload"))
    request.flags |= FDNIX_SIGV4_UNSIGNED_PAYLOAD;

  /* sign_body adds x-amz-content-sha256 to header signing only */
  if (member_bool (context, "sign_body"))
    request.flags |= FDNIX_SIGV4_CONTENT_SHA256;
  check_variant (dir, "header", &request, creds);
  request.flags &= ~FDNIX_SIGV4_CONTENT_SHA256;
  check_variant (dir, "query", &request, creds);
  parsed_request_clear (&parsed);
}
END_TEST

/* What the DynamoDB client sends: the token goes out with the request and
 * nothing secret is in the canonical request but the token itself. */
START_TEST (test_sigv4_added_headers)
{
  g_autoptr(FdnixAwsCredentials) creds =
    fdnix_aws_credentials_new ("AKIDEXAMPLE", "secret/KEY", "TOKEN+1", 0, "test");
  FdnixSigv4Request request = { 0 };
  g_auto(FdnixSigv4Result) result = { 0 };
  gboolean has_token = FALSE, has_date = FALSE, has_auth = FALSE, has_sha = FALSE;

  request.method = "PUT";
  request.host = "s3.amazonaws.com";
  request.path = "/bucket/a key:1";
  request.region = "us-east-1";
  request.service = "s3";
  request.timestamp = 1440938160;
  request.flags = FDNIX_SIGV4_S3_FLAGS;
  request.payload = "abc";
  request.payload_length = 3;
  ck_assert (fdnix_sigv4_sign (&request, creds, &result, NULL));
  ck_assert_str_eq (result.amz_date, "20150830T123600Z");
  ck_assert_str_eq (result.path, "/bucket/a%20key%3A1");
  ck_assert_str_eq (result.payload_hash,
                    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  for (guint i = 0; i < result.headers->len; i++)
    {
      FdnixHttpHeader *h = result.headers->pdata[i];
      has_token |= g_str_equal (h->name, "X-Amz-Security-Token") && g_str_equal (h->value, "TOKEN+1");
      has_date |= g_str_equal (h->name, "X-Amz-Date");
      has_sha |= g_str_equal (h->name, "X-Amz-Content-SHA256");
      has_auth |= g_str_equal (h->name, "Authorization");
    }
  ck_assert (has_token && has_date && has_auth && has_sha);
  ck_assert (strstr (result.authorization, "SignedHeaders=host;x-amz-content-sha256;x-amz-date;"
                                           "x-amz-security-token,") != NULL);
  ck_assert (strstr (result.canonical_request, "secret") == NULL);
  /* S3 paths are neither normalized nor encoded twice */
  ck_assert (strstr (result.canonical_request, "\n/bucket/a%20key%3A1\n") != NULL);
}
END_TEST

static const struct {
  const gchar *in;
  const gchar *path;
  const gchar *query;
} encode_cases[] = {
  { "abcXYZ019-_.~", "abcXYZ019-_.~", "abcXYZ019-_.~" },
  { "a b+c", "a%20b%2Bc", "a%20b%2Bc" },
  { "/x/y", "/x/y", "%2Fx%2Fy" },
  { "caf\xc3\xa9", "caf%C3%A9", "caf%C3%A9" },
  { "=&?#%", "%3D%26%3F%23%25", "%3D%26%3F%23%25" },
};

START_TEST (test_sigv4_uri_encode)
{
  g_autofree gchar *path = fdnix_sigv4_uri_encode (encode_cases[_i].in, -1, TRUE);
  g_autofree gchar *query = fdnix_sigv4_uri_encode (encode_cases[_i].in, -1, FALSE);

  ck_assert_str_eq (path, encode_cases[_i].path);
  ck_assert_str_eq (query, encode_cases[_i].query);
}
END_TEST

static void
add_cases_from (const gchar *root)
{
  g_autoptr(GDir) dir = g_dir_open (root, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const gchar *name;

  if (dir == NULL)
    return;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree gchar *path = g_build_filename (root, name, "context.json", NULL);
      if (g_file_test (path, G_FILE_TEST_EXISTS))
        g_ptr_array_add (names, g_strdup (name));
    }
  g_ptr_array_sort (names, (GCompareFunc) g_strcmp0);
  for (guint i = 0; i < names->len; i++)
    g_ptr_array_add (cases, g_build_filename (root, names->pdata[i], NULL));
}

static Suite *
sigv4_suite (void)
{
  Suite *s = suite_create ("sigv4");
  TCase *tc = tcase_create ("sigv4");
  g_autofree gchar *own = fdnix_test_data_path ("aws/sigv4");
  const gchar *suite_dir = g_getenv ("FDNIX_SIGV4_SUITE");
  guint own_cases;

  cases = g_ptr_array_new_with_free_func (g_free);
  add_cases_from (own);
  own_cases = cases->len;
  if (own_cases == 0)
    {
      fprintf (stderr, "no SigV4 vectors in %s\n", own);
      exit (EXIT_FAILURE);
    }
  if (suite_dir != NULL && *suite_dir != '\0')
    {
      add_cases_from (suite_dir);
      if (cases->len == own_cases)
        {
          fprintf (stderr, "FDNIX_SIGV4_SUITE=%s holds no cases\n", suite_dir);
          exit (EXIT_FAILURE);
        }
      fprintf (stderr, "# SigV4: %u own cases, %u from %s\n", own_cases, cases->len - own_cases,
               suite_dir);
    }
  else
    fprintf (stderr, "# SigV4: %u own cases; set FDNIX_SIGV4_SUITE for AWS's suite\n", own_cases);
  tcase_add_loop_test (tc, test_sigv4_case, 0, cases->len);
  tcase_add_test (tc, test_sigv4_added_headers);
  tcase_add_loop_test (tc, test_sigv4_uri_encode, 0, G_N_ELEMENTS (encode_cases));
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  return fdnix_test_run (sigv4_suite ());
}
