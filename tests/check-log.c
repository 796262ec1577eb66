/* check-log: the redactor every log line, error line and summary passes
 * through.  A server may echo a credential in any encoding (an S3 error
 * quoting our Authorization header, a presigned URL's query): each row is
 * such an echo, with what must disappear and what must stay readable. */
#include "config.h"

#include <string.h>

#include "core/fdnix-log.h"
#include "fdnix-test.h"

/* Registered the way the credentials chain and the OpenAI embedder do. */
#define SECRET_KEY "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
#define SESSION_TOKEN "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQD+test/token=="
#define API_KEY "sk-fdnix-test-0123456789abcdef"

typedef struct {
  const gchar *text;
  const gchar *gone[3];    /* substrings that must not survive */
  const gchar *kept;       /* (nullable) a substring that must */
} RedactCase;

static const RedactCase redact_cases[] = {
  /* registered secrets, in every encoding */
  { "secret " SECRET_KEY " here", { SECRET_KEY }, "secret [REDACTED] here" },
  { "token=IQoJb3JpZ2luX2VjEJr%2F%2F%2F%2F%2F%2F%2F%2F%2F%2FwEaCXVzLWVhc3QtMSJHMEUCIQD%2Btest%2Ftoken%3D%3D&x=1",
    { "IQoJb3JpZ2luX2VjEJr%2F", "%2Btest" }, "&x=1" },
  { "token=IQoJb3JpZ2luX2VjEJr%2f%2f%2f%2f%2f%2f%2f%2f%2f%2fwEaCXVzLWVhc3QtMSJHMEUCIQD%2btest%2ftoken%3d%3d end",
    { "IQoJb3JpZ2luX2VjEJr%2f", "%2btest" }, " end" },
  { "{\"key\":\"wJalrXUtnFEMI\\/K7MDENG+bPxRfiCYEXAMPLEKEY\"}", { "K7MDENG+bPxRfiCYEXAMPLEKEY" }, "{\"key\":\"[REDACTED]\"}" },
  { "b64 d0phbHJYVXRuRkVNSS9LN01ERU5HK2JQeFJmaUNZRVhBTVBMRUtFWQ== end", { "d0phbHJYVXRuRkVNSS9LN01ERU5HK2JQeFJmaUNZRVhBTVBMRUtFWQ" }, " end" },
  { "Incorrect API key provided: " API_KEY, { API_KEY }, "Incorrect API key provided" },
  /* unregistered credentials, recognised by their names */
  { "https://b.s3.amazonaws.com/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDOTHER%2F20260101%2Fus-east-1%2Fs3%2Faws4_request"
    "&X-Amz-Signature=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef&X-Amz-Security-Token=FwoGZX%2BIvYXdz%3D%3D",
    { "AKIDOTHER", "0123456789abcdef", "FwoGZX" }, "X-Amz-Algorithm=AWS4-HMAC-SHA256" },
  { "<Message>Authorization: AWS4-HMAC-SHA256 Credential=AKIDOTHER/20260101/us-east-1/s3/aws4_request, "
    "SignedHeaders=host;x-amz-date, Signature=fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210</Message>",
    { "AKIDOTHER", "fedcba9876543210" }, "SignedHeaders=host;x-amz-date" },
  { "{\"headers\":{\"Authorization\":\"Bearer sk-live-abcdefghijklmnopqrstuvwxyz\"}}", { "sk-live-abcdefghijklmnop" }, "\"headers\"" },
  { "echo: x-amz-security-token: FwoGZXIvYXdzEOtherTokenValue123", { "FwoGZXIvYXdzEOtherTokenValue123" }, "echo: x-amz-security-token: " },
  { "authorization=Basic dXNlcjpwYXNzd29yZA==", { "dXNlcjpwYXNzd29yZA" }, NULL },
  { "proxy said Bearer abcdefghijklmnopqrstuvwxyz012345", { "abcdefghijklmnopqrstuvwxyz012345" }, "proxy said" },
  /* ordinary messages stay as they are */
  { "SignatureDoesNotMatch: The request signature we calculated does not match the signature you provided",
    { NULL }, "SignatureDoesNotMatch: The request signature we calculated does not match the signature you provided" },
  { "no credentials: set AWS_ACCESS_KEY_ID", { NULL }, "no credentials: set AWS_ACCESS_KEY_ID" },
  { "Basic authentication failed; the security token included in the request is invalid", { NULL },
    "Basic authentication failed; the security token included in the request is invalid" },
};

START_TEST (test_redact)
{
  const RedactCase *c = &redact_cases[_i];
  g_autofree gchar *out = NULL;

  fdnix_log_add_secret (SECRET_KEY);
  fdnix_log_add_secret (SESSION_TOKEN);
  fdnix_log_add_secret (API_KEY);
  out = fdnix_log_redact (c->text);
  for (guint i = 0; i < G_N_ELEMENTS (c->gone) && c->gone[i] != NULL; i++)
    ck_assert_msg (strstr (out, c->gone[i]) == NULL, "'%s' survived in: %s", c->gone[i], out);
  if (c->kept != NULL)
    ck_assert_msg (strstr (out, c->kept) != NULL, "'%s' lost in: %s", c->kept, out);
  if (c->gone[0] != NULL)
    ck_assert_msg (strstr (out, "[REDACTED]") != NULL, "nothing marked in: %s", out);
  else
    ck_assert_str_eq (out, c->text);
}
END_TEST

/* The error line itself goes through the redactor, and stays one line. */
START_TEST (test_error_line)
{
  g_autofree gchar *path = g_build_filename (g_get_tmp_dir (), "fdnix-check-log-XXXXXX", NULL);
  gint fd = g_mkstemp (path);
  FILE *file = fdopen (fd, "w+");
  g_autofree gchar *contents = NULL;

  fdnix_log_init ("check-log", FDNIX_LOG_FORMAT_TEXT, 0);
  fdnix_log_set_stream (file);
  fdnix_log_add_secret (SESSION_TOKEN);
  fdnix_log_error_line ("S3 GetObject: AccessDenied: token IQoJb3JpZ2luX2VjEJr%2F%2F%2F%2F%2F%2F%2F%2F%2F%2FwEaCXVzLWVhc3QtMSJHMEUCIQD%2Btest%2Ftoken%3D%3D "
                        "Signature=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
                        "\nwarning: a second line from a subprocess");
  fdnix_log_set_stream (NULL);
  fclose (file);
  ck_assert (g_file_get_contents (path, &contents, NULL, NULL));
  g_unlink (path);
  ck_assert_msg (strstr (contents, "%2Btest") == NULL && strstr (contents, "0123456789abcdef") == NULL, "%s", contents);
  ck_assert_msg (g_str_has_prefix (contents, "check-log: error: S3 GetObject"), "%s", contents);
  /* one line: the only line break is the one that ends it */
  ck_assert_msg (strchr (contents, '\n') == contents + strlen (contents) - 1, "%s", contents);
}
END_TEST

static Suite *
log_suite (void)
{
  Suite *s = suite_create ("log");
  TCase *tc = tcase_create ("redact");

  tcase_add_loop_test (tc, test_redact, 0, G_N_ELEMENTS (redact_cases));
  tcase_add_test (tc, test_error_line);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  return fdnix_test_run (log_suite ());
}
