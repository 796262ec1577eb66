/* check-aws: AWS error parsing, the signed client's retries against a
 * scripted server, DynamoDB attribute values, the BatchWriteItem writer
 * with UnprocessedItems, and the paged Scan. */
#include "config.h"

#include <string.h>
#include <zlib.h>

#include "aws/fdnix-aws-actions.h"
#include "aws/fdnix-aws-client.h"
#include "aws/fdnix-aws-error.h"
#include "aws/fdnix-dynamodb.h"
#include "core/fdnix-error.h"
#include "core/fdnix-log.h"
#include "core/fdnix-summary.h"
#include "store/fdnix-dynamodb-item.h"
#include "fdnix-test-httpd.h"
#include "fdnix-test.h"

static const struct {
  guint          status;
  const gchar   *header;
  const gchar   *body;
  const gchar   *code;
  const gchar   *message;
  FdnixErrorCode kind;
} error_cases[] = {
  { 400, NULL, "{\"__type\":\"com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException\","
               "\"message\":\"slow down\"}",
    "ProvisionedThroughputExceededException", "slow down", FDNIX_ERROR_THROTTLED },
  { 400, NULL, "{\"__type\":\"com.amazon.coral.validate#ValidationException\",\"Message\":\"bad key\"}",
    "ValidationException", "bad key", FDNIX_ERROR_REJECTED },
  { 400, NULL, "{\"__type\":\"com.amazonaws.dynamodb.v20120810#ResourceNotFoundException\","
               "\"message\":\"Requested resource not found\"}",
    "ResourceNotFoundException", "Requested resource not found", FDNIX_ERROR_NOT_FOUND },
  { 400, NULL, "{\"__type\":\"com.amazon.coral.service#UnrecognizedClientException\",\"message\":\"bad token\"}",
    "UnrecognizedClientException", "bad token", FDNIX_ERROR_AUTH },
  { 403, NULL, "{\"__type\":\"com.amazon.coral.service#InvalidSignatureException\",\"message\":\"x\"}",
    "InvalidSignatureException", "x", FDNIX_ERROR_AUTH },
  { 429, "ThrottlingException:http://internal.amazon.com/coral/com.amazon.bedrock/",
    "{\"message\":\"Too many requests\"}", "ThrottlingException", "Too many requests", FDNIX_ERROR_THROTTLED },
  { 503, NULL, "<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>",
    "SlowDown", "Please reduce your request rate.", FDNIX_ERROR_THROTTLED },
  { 500, NULL, "{\"__type\":\"com.amazonaws.dynamodb.v20120810#InternalServerError\",\"message\":\"oops\"}",
    "InternalServerError", "oops", FDNIX_ERROR_SERVER },
  { 502, NULL, "<html>bad gateway</html>", "HTTP 502", "", FDNIX_ERROR_SERVER },
  { 503, NULL, "", "HTTP 503", "", FDNIX_ERROR_SERVER },
  { 404, NULL, "<?xml version=\"1.0\"?><Error><Code>NoSuchKey</Code><Message>gone</Message></Error>",
    "NoSuchKey", "gone", FDNIX_ERROR_NOT_FOUND },
  { 424, NULL, "{\"message\":\"model error\"}", "HTTP 424", "model error", FDNIX_ERROR_REJECTED },
  { 408, NULL, "{\"__type\":\"RequestTimeoutException\",\"message\":\"t\"}",
    "RequestTimeoutException", "t", FDNIX_ERROR_TIMEOUT },
};

/* Codes and messages come out of JSON (message or Message), XML and the
 * x-amzn-ErrorType header, and classify into retry decisions. */
START_TEST (test_error_parse)
{
  g_autofree gchar *code = NULL;
  g_autofree gchar *message = NULL;

  fdnix_aws_error_parse (error_cases[_i].status, error_cases[_i].header, error_cases[_i].body,
                         strlen (error_cases[_i].body), &code, &message);
  ck_assert_str_eq (code, error_cases[_i].code);
  ck_assert_str_eq (message, error_cases[_i].message);
  ck_assert_int_eq (fdnix_aws_error_classify (error_cases[_i].status, code), error_cases[_i].kind);
}
END_TEST

/* ------------------------------------------------------------ client */

static FdnixAwsClient *
client_for (FdnixTestHttpd *server, const FdnixAwsService *service, const gchar *token)
{
  g_autoptr(FdnixAwsCredentials) creds =
    fdnix_aws_credentials_new ("AKIDCHECKAWS00000000", "checkAwsSecretKey000000000000000000000", token, 0,
                               "test");
  g_autoptr(FdnixAwsCredentialsProvider) provider = fdnix_aws_credentials_provider_new_static (creds);
  FdnixRetryOptions o;
  g_autoptr(FdnixRetryPolicy) retry = NULL;

  fdnix_retry_options_init (&o);
  o.base_delay_ms = 5;
  o.throttle_base_delay_ms = 20;
  o.max_backoff_ms = 100;
  o.max_attempts = 3;
  retry = fdnix_retry_policy_new (&o, "check");
  return fdnix_aws_client_new_full (service, "eu-west-1", fdnix_test_httpd_get_url (server), provider,
                                    NULL, retry);
}

static gchar *
crc_of (const gchar *body)
{
  return g_strdup_printf ("%lu", crc32 (crc32 (0L, Z_NULL, 0), (const Bytef *) body, strlen (body)));
}

/* Throttling, 5xx, a dropped connection and a damaged body are retried;
 * each attempt is signed afresh; retries are counted. */
START_TEST (test_client_retries)
{
  g_autoptr(FdnixTestHttpd) server = fdnix_test_httpd_new ();
  g_autoptr(FdnixAwsClient) client = client_for (server, &fdnix_aws_service_dynamodb, "TOKEN/1");
  g_autoptr(FdnixSummary) summary = fdnix_summary_new ("test");
  g_autoptr(JsonNode) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree gchar *good_crc = crc_of ("{\"Table\":{\"TableStatus\":\"ACTIVE\"}}");
  g_autofree gchar *crc_header = g_strdup_printf ("x-amz-crc32: %s\r\n", good_crc);
  FdnixTestReply throttled = { 400, "x-amz-retry-after: 30\r\n",
                               "{\"__type\":\"#ThrottlingException\",\"message\":\"Rate exceeded\"}", 0, FALSE, 0 };
  FdnixTestReply unavailable = { 503, NULL, "", 0, FALSE, 0 };
  FdnixTestReply dropped = { 0, NULL, NULL, 0, TRUE, 0 };
  FdnixTestReply damaged = { 200, "x-amz-crc32: 12345\r\n", "{\"Table\":{\"TableStatus\":\"ACTIVE\"}}", 0, FALSE, 0 };
  FdnixTestReply good = { 200, crc_header, "{\"Table\":{\"TableStatus\":\"ACTIVE\"}}", 0, FALSE, 0 };
  FdnixTestRequest *first, *last;
  gint64 start = g_get_monotonic_time ();

  fdnix_summary_set_default (summary);
  fdnix_test_httpd_push (server, &throttled);
  fdnix_test_httpd_push (server, &unavailable);
  fdnix_test_httpd_push (server, &damaged);
  fdnix_test_httpd_push (server, &dropped);
  fdnix_test_httpd_push (server, &good);
  /* three failures use up the 3 attempts of the first call */
  ck_assert (!fdnix_dynamodb_call (client, "DescribeTable", "{\"TableName\":\"t\"}", NULL, &result, NULL, &error));
  ck_assert_msg (g_str_has_prefix (error->message, "DynamoDB DescribeTable: gave up after 3 attempts"),
                 "%s", error->message);
  ck_assert_msg (strstr (error->message, "x-amz-crc32 12345 does not match") != NULL, "%s", error->message);
  ck_assert (g_error_matches (error, FDNIX_ERROR, FDNIX_ERROR_NETWORK));
  /* x-amz-retry-after: 30 ms was a floor for the first delay */
  ck_assert_int_ge (g_get_monotonic_time () - start, 30000);
  g_clear_error (&error);
  /* the dropped connection is retried (by us, or by curl itself when the
   * dead connection was a reused one), then the good answer arrives */
  ck_assert_msg (fdnix_dynamodb_call (client, "DescribeTable", "{\"TableName\":\"t\"}", NULL, &result, NULL,
                                      &error), "%s", error != NULL ? error->message : "");
  ck_assert_int_ge (fdnix_summary_get (summary, "retries.check"), 2);
  ck_assert_int_le (fdnix_summary_get (summary, "retries.check"), 3);
  ck_assert_uint_eq (fdnix_test_httpd_get_n_requests (server), 5);

  first = fdnix_test_httpd_get_request (server, 0);
  last = fdnix_test_httpd_get_request (server, fdnix_test_httpd_get_n_requests (server) - 1);
  ck_assert_str_eq (g_hash_table_lookup (first->headers, "x-amz-target"), "DynamoDB_20120810.DescribeTable");
  ck_assert_str_eq (g_hash_table_lookup (first->headers, "content-type"), "application/x-amz-json-1.0");
  ck_assert_str_eq (g_hash_table_lookup (first->headers, "x-amz-security-token"), "TOKEN/1");
  ck_assert (g_str_has_prefix (g_hash_table_lookup (last->headers, "authorization"),
                               "AWS4-HMAC-SHA256 Credential=AKIDCHECKAWS00000000/"));
  ck_assert (strstr (g_hash_table_lookup (last->headers, "authorization"),
                     "/eu-west-1/dynamodb/aws4_request, SignedHeaders=content-type;host;x-amz-date;"
                     "x-amz-security-token;x-amz-target, Signature=") != NULL);
  fdnix_summary_set_default (NULL);
}
END_TEST

/* Validation and auth errors are not retried; an accepted error code is
 * an answer, not a failure. */
START_TEST (test_client_no_retry)
{
  static const gchar *const accept[] = { "ConditionalCheckFailedException", NULL };
  g_autoptr(FdnixTestHttpd) server = fdnix_test_httpd_new ();
  g_autoptr(FdnixAwsClient) client = client_for (server, &fdnix_aws_service_dynamodb, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree gchar *code = NULL;
  FdnixTestReply invalid = { 400, NULL, "{\"__type\":\"#ValidationException\",\"Message\":\"bad\"}", 0, FALSE, 0 };
  FdnixTestReply denied = { 400, NULL, "{\"__type\":\"#AccessDeniedException\",\"Message\":\"no\"}", 0, FALSE, 0 };
  FdnixTestReply conditional = { 400, NULL, "{\"__type\":\"#ConditionalCheckFailedException\",\"message\":\"c\"}",
                                 0, FALSE, 0 };

  fdnix_test_httpd_push (server, &invalid);
  fdnix_test_httpd_push (server, &denied);
  fdnix_test_httpd_push (server, &conditional);
  ck_assert (!fdnix_dynamodb_call (client, "BatchWriteItem", "{}", NULL, NULL, NULL, &error));
  ck_assert_str_eq (error->message, "DynamoDB BatchWriteItem: ValidationException: bad (HTTP 400)");
  ck_assert (g_error_matches (error, FDNIX_ERROR, FDNIX_ERROR_REJECTED));
  g_clear_error (&error);
  ck_assert (!fdnix_dynamodb_call (client, "Scan", "{}", NULL, NULL, NULL, &error));
  ck_assert (g_error_matches (error, FDNIX_ERROR, FDNIX_ERROR_AUTH));
  g_clear_error (&error);
  ck_assert (fdnix_dynamodb_call (client, "UpdateItem", "{}", accept, NULL, &code, &error));
  ck_assert_str_eq (code, "ConditionalCheckFailedException");
  ck_assert_uint_eq (fdnix_test_httpd_get_n_requests (server), 3);
}
END_TEST

/* A refusal for clock skew is retried once with the server's clock. */
START_TEST (test_client_clock_skew)
{
  g_autoptr(FdnixTestHttpd) server = fdnix_test_httpd_new ();
  g_autoptr(FdnixAwsClient) client = client_for (server, &fdnix_aws_service_dynamodb, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) later = g_date_time_add_hours (now, 2);
  g_autofree gchar *date = g_date_time_format (later, "Date: %a, %d %b %Y %H:%M:%S GMT\r\n");
  g_autofree gchar *expected = g_date_time_format (later, "%Y%m%dT%H");
  FdnixTestReply skew = { 400, date, "{\"__type\":\"#InvalidSignatureException\","
                                     "\"message\":\"Signature expired: 20260101T000000Z is now earlier than ...\"}",
                          0, FALSE, 0 };
  FdnixTestRequest *retried;

  fdnix_test_httpd_push (server, &skew);
  ck_assert_msg (fdnix_dynamodb_call (client, "Scan", "{}", NULL, NULL, NULL, &error), "%s",
                 error != NULL ? error->message : "");
  retried = fdnix_test_httpd_get_request (server, 1);
  ck_assert (g_str_has_prefix (g_hash_table_lookup (retried->headers, "x-amz-date"), expected));
}
END_TEST

/* S3 requests carry x-amz-content-sha256; a missing credential is a clear
 * error from the event loop, not a crash or a hang. */
START_TEST (test_client_s3_and_no_credentials)
{
  g_autoptr(FdnixTestHttpd) server = fdnix_test_httpd_new ();
  g_autoptr(FdnixAwsClient) client = client_for (server, &fdnix_aws_service_s3, NULL);
  g_autoptr(FdnixAwsResponse) response = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = g_bytes_new_static ("abc", 3);
  FdnixAwsRequest request = { 0 };
  FdnixTestRequest *seen;

  request.operation = "PutObject";
  request.method = "PUT";
  request.path = "/bucket/vectors/a b.json.gz";
  request.body = body;
  ck_assert (fdnix_aws_client_call (client, &request, &response, &error));
  seen = fdnix_test_httpd_get_request (server, 0);
  ck_assert_str_eq (seen->path, "/bucket/vectors/a%20b.json.gz");
  ck_assert_str_eq (g_hash_table_lookup (seen->headers, "x-amz-content-sha256"),
                    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  ck_assert (fdnix_aws_action_is_listed ("s3:PutObject"));
  ck_assert (!fdnix_aws_action_is_listed ("s3:DeleteBucket"));

  {
    g_setenv ("AWS_ACCESS_KEY_ID", "AKIDONLY", TRUE);
    g_unsetenv ("AWS_SECRET_ACCESS_KEY");
    g_autoptr(FdnixAwsCredentialsProvider) chain = fdnix_aws_credentials_provider_new_chain (NULL);
    g_autoptr(FdnixAwsClient) broken = fdnix_aws_client_new_full (&fdnix_aws_service_dynamodb, "us-east-1",
                                                                  fdnix_test_httpd_get_url (server), chain,
                                                                  NULL, NULL);
    ck_assert (!fdnix_dynamodb_call (broken, "Scan", "{}", NULL, NULL, NULL, &error));
    ck_assert (g_error_matches (error, FDNIX_ERROR, FDNIX_ERROR_AUTH));
    ck_assert_msg (strstr (error->message, "AWS_SECRET_ACCESS_KEY is not set") != NULL, "%s", error->message);
    g_unsetenv ("AWS_ACCESS_KEY_ID");
  }
}
END_TEST

/* DescribeTable is refused with a long retry hint (its retry waits on a
 * timer); Scan is answered late (its transfer is running). */
static void
slow_handler (const FdnixTestRequest *request, FdnixTestReply *reply, gpointer user_data)
{
  const gchar *target = g_hash_table_lookup (request->headers, "x-amz-target");

  if (g_strcmp0 (target, "DynamoDB_20120810.DescribeTable") == 0)
    {
      reply->status = 503;
      reply->headers = "x-amz-retry-after: 5000\r\n";
      reply->body = "";
    }
  else
    {
      reply->status = 200;
      reply->body = "{}";
      reply->delay_ms = 1500;
    }
}

static void
count_done (FdnixAwsClient *client, FdnixAwsResponse *response, const GError *error, gpointer user_data)
{
  (*(guint *) user_data)++;
  fdnix_aws_response_free (response);
}

static void
set_flag (FdnixHttpClient *http, gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
}

static void
note_freed (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
}

/* A client freed with calls in flight (one waiting to retry, one whose
 * transfer runs) drops them: their callbacks are not called and what they
 * hold is freed (the request body they share is, here; the sanitizer build
 * checks the rest).  A client made like another shares its endpoint and
 * policy, not its connections. */
START_TEST (test_client_free_in_flight)
{
  g_autoptr(FdnixTestHttpd) server = fdnix_test_httpd_new ();
  FdnixAwsClient *client = client_for (server, &fdnix_aws_service_dynamodb, NULL);
  FdnixAwsClient *twin = fdnix_aws_client_new_like (client);
  gboolean body_freed = FALSE;
  GBytes *body = g_bytes_new_with_free_func ("{}", 2, note_freed, &body_freed);
  g_autoptr(GPtrArray) headers = g_ptr_array_new_with_free_func ((GDestroyNotify) fdnix_http_header_free);
  FdnixAwsRequest request = { 0 };
  gboolean stop = FALSE;
  guint done = 0;
  gint64 start;

  fdnix_test_httpd_set_handler (server, slow_handler, NULL);
  ck_assert_str_eq (fdnix_aws_client_get_endpoint (twin), fdnix_aws_client_get_endpoint (client));
  ck_assert_str_eq (fdnix_aws_client_get_region (twin), "eu-west-1");
  ck_assert (fdnix_aws_client_get_retry (twin) == fdnix_aws_client_get_retry (client));
  ck_assert (fdnix_aws_client_get_http (twin) != fdnix_aws_client_get_http (client));
  g_ptr_array_add (headers, fdnix_http_header_new ("X-Amz-Target", "DynamoDB_20120810.DescribeTable"));
  request.operation = "DescribeTable";
  request.headers = headers;
  request.body = body;
  fdnix_aws_client_submit (client, &request, count_done, &done);
  fdnix_aws_client_submit (twin, &request, count_done, &done);
  g_ptr_array_set_size (headers, 0);
  g_ptr_array_add (headers, fdnix_http_header_new ("X-Amz-Target", "DynamoDB_20120810.Scan"));
  request.operation = "Scan";
  fdnix_aws_client_submit (client, &request, count_done, &done);
  fdnix_aws_client_submit (client, &request, count_done, &done);
  g_bytes_unref (body);  /* the calls hold it now */
  ck_assert_uint_eq (fdnix_aws_client_get_in_flight (client), 3);
  /* long enough for the 503 to arrive and its retry to be scheduled */
  fdnix_http_client_add_timer (fdnix_aws_client_get_http (client), 400, set_flag, &stop);
  ck_assert (fdnix_aws_client_run (client, &stop, NULL));
  ck_assert_uint_eq (done, 0);
  ck_assert_uint_eq (fdnix_aws_client_get_in_flight (client), 3);
  ck_assert_uint_ge (fdnix_test_httpd_get_n_requests (server), 2);
  start = g_get_monotonic_time ();
  fdnix_aws_client_free (client);
  ck_assert (!body_freed);  /* the twin's call still holds it */
  fdnix_aws_client_free (twin);
  ck_assert_int_lt (g_get_monotonic_time () - start, G_USEC_PER_SEC);
  ck_assert_uint_eq (done, 0);
  ck_assert (body_freed);
}
END_TEST

/* An endpoint that never answered is given up on after a few attempts
 * (a wrong URL should not wait out fifteen back-offs). */
START_TEST (test_client_unreachable)
{
  g_autoptr(FdnixAwsCredentials) creds = fdnix_aws_credentials_new ("AKIDX", "secretx", NULL, 0, "test");
  g_autoptr(FdnixAwsCredentialsProvider) provider = fdnix_aws_credentials_provider_new_static (creds);
  g_autoptr(FdnixAwsClient) client = fdnix_aws_client_new_full (&fdnix_aws_service_dynamodb, "us-east-1",
                                                                "http://127.0.0.1:1", provider, NULL, NULL);
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();

  ck_assert (!fdnix_dynamodb_call (client, "Scan", "{}", NULL, NULL, NULL, &error));
  ck_assert (g_error_matches (error, FDNIX_ERROR, FDNIX_ERROR_NETWORK));
  ck_assert_msg (g_str_has_prefix (error->message, "DynamoDB Scan: cannot reach http://127.0.0.1:1 (3 attempts"),
                 "%s", error->message);
  ck_assert_int_lt (g_get_monotonic_time () - start, 5 * G_USEC_PER_SEC);
}
END_TEST

/* --------------------------------------------------- attribute values */

/* JSON → AttributeValue → JSON keeps every value; null members of an
 * item are left out. */
START_TEST (test_attribute_values)
{
  const gchar *json = "{\"s\":\"caf\\u00e9\",\"n\":12345,\"d\":1.5,\"t\":true,\"f\":false,\"z\":null,"
                      "\"l\":[\"a\",1,null,{\"k\":\"v\"}],\"m\":{\"x\":[],\"y\":{}},\"e\":\"\"}";
  g_autoptr(JsonNode) in = json_from_string (json, NULL);
  g_autoptr(GString) item = g_string_new (NULL);
  g_autoptr(JsonNode) parsed = NULL;
  g_autoptr(JsonObject) back = NULL;
  g_autoptr(JsonNode) back_node = NULL;

  fdnix_dynamodb_append_item (item, json_node_get_object (in));
  ck_assert (strstr (item->str, "\"z\"") == NULL);
  ck_assert (strstr (item->str, "\"n\":{\"N\":\"12345\"}") != NULL);
  ck_assert (strstr (item->str, "\"l\":{\"L\":[{\"S\":\"a\"},{\"N\":\"1\"},{\"NULL\":true},{\"M\":{\"k\":{\"S\":\"v\"}}}]}") != NULL);
  parsed = json_from_string (item->str, NULL);
  back = fdnix_dynamodb_item_to_object (json_node_get_object (parsed));
  json_object_remove_member (json_node_get_object (in), "z");
  back_node = json_node_init_object (json_node_alloc (), back);
  ck_assert_msg (json_node_equal (in, back_node), "%s", item->str);
}
END_TEST

static const gchar *const item_texts[] = {
  "{\"a\":\"x \\\" \\u00e9 \\n\",\"n\":-12.5,\"z\":null,\"l\":[1,[],{},null,[true,false]],"
  "\"m\":{\"k\":null,\"e\":\"\"}}",
  " { \"spaced\" : [ 1 , 2 ] , \"t\" : true } ",
  "{}",
};

/* An item written from a parsed object is the one written from its text
 * (spaces, escapes and nesting included). */
START_TEST (test_item_from_text)
{
  g_autoptr(JsonNode) in = json_from_string (item_texts[_i], NULL);
  g_autoptr(GString) slow = g_string_new (NULL);
  g_autoptr(GString) fast = g_string_new (NULL);
  g_autoptr(JsonNode) slow_node = NULL;
  g_autoptr(JsonNode) fast_node = NULL;

  ck_assert_ptr_nonnull (in);
  fdnix_dynamodb_append_item (slow, json_node_get_object (in));
  ck_assert (fdnix_dynamodb_append_item_from_json (fast, item_texts[_i], -1, NULL));
  slow_node = json_from_string (slow->str, NULL);
  fast_node = json_from_string (fast->str, NULL);
  ck_assert_msg (fast_node != NULL, "not JSON: %s", fast->str);
  ck_assert_msg (json_node_equal (slow_node, fast_node), "%s\n%s", slow->str, fast->str);
}
END_TEST

static const gchar *const bad_texts[] = { "", "[1]", "{\"a\":}", "{\"a\":1", "{\"a\":\"open}", "{\"a\":1} x", "{\"a\":nul}" };

START_TEST (test_item_from_bad_text)
{
  g_autoptr(GString) out = g_string_new ("keep");
  g_autoptr(GError) error = NULL;

  ck_assert (!fdnix_dynamodb_append_item_from_json (out, bad_texts[_i], -1, &error));
  ck_assert_str_eq (out->str, "keep");
  ck_assert (g_error_matches (error, FDNIX_ERROR, FDNIX_ERROR_INVALID_DATA));
}
END_TEST

/* Shrinking for the 400 KB limit cuts at a character boundary. */
START_TEST (test_item_shrink)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(FdnixRecord) r = fdnix_record_new ();
  g_autofree gchar *json = NULL;
  g_autoptr(GError) error = NULL;
  gboolean shrunk = FALSE;

  r->package_name = g_strdup ("big");
  r->version = g_strdup ("1");
  for (guint i = 0; i < 20000; i++)
    g_string_append (text, "\xe2\x82\xac\"x");  /* a 3-byte character and an escaped quote */
  r->long_description = g_strdup (text->str);
  fdnix_record_compute_hashes (r);
  json = fdnix_record_to_json (r);
  ck_assert (fdnix_dynamodb_item_append_put (out, json, 200 * 1024, &shrunk, &error));
  ck_assert (!shrunk);
  g_string_truncate (out, 0);
  ck_assert (fdnix_dynamodb_item_append_put (out, json, 50 * 1024, &shrunk, &error));
  ck_assert (shrunk);
  ck_assert_uint_le (out->len, 50 * 1024);
  ck_assert (g_utf8_validate (out->str, -1, NULL));
  ck_assert (strstr (out->str, "truncated by fdnix") != NULL);
  g_string_truncate (out, 0);
  ck_assert (!fdnix_dynamodb_item_append_put (out, json, 100, &shrunk, &error));
  ck_assert_msg (strstr (error->message, "big: the item is") != NULL, "%s", error->message);
}
END_TEST

/* ------------------------------------------------ writer and scan */

typedef struct {
  guint calls;
  guint items_seen;
} BatchServer;

/* Leaves the last write request of the first two calls unprocessed. */
static void
batch_handler (const FdnixTestRequest *request, FdnixTestReply *reply, gpointer user_data)
{
  BatchServer *bs = user_data;
  g_autoptr(JsonNode) root = json_from_string (g_bytes_get_data (request->body, NULL), NULL);
  JsonArray *writes = json_object_get_array_member (
    json_object_get_object_member (json_node_get_object (root), "RequestItems"), "tbl");
  guint n = json_array_get_length (writes);
  static gchar *answers[64];
  guint call = __atomic_fetch_add (&bs->calls, 1, __ATOMIC_SEQ_CST);

  __atomic_fetch_add (&bs->items_seen, n, __ATOMIC_SEQ_CST);
  reply->status = 200;
  reply->delay_ms = 50;  /* long enough for the calls to overlap */
  if (call < 2 && n > 1)
    {
      g_autoptr(JsonNode) last = json_node_copy (json_array_get_element (writes, n - 1));
      g_autofree gchar *text = json_to_string (last, FALSE);
      answers[call] = g_strdup_printf ("{\"UnprocessedItems\":{\"tbl\":[%s]}}", text);
      reply->body = answers[call];
    }
  else
    reply->body = "{\"UnprocessedItems\":{}}";
}

typedef struct {
  guint next;
  guint total;
} Numbers;

static gboolean
next_number (gpointer user_data, gchar **out_request, GError **error)
{
  Numbers *n = user_data;

  *out_request = n->next < n->total
                   ? g_strdup_printf ("{\"PutRequest\":{\"Item\":{\"k\":{\"S\":\"%u\"}}}}", n->next++)
                   : NULL;
  return TRUE;
}

/* 100 requests go out as 4 calls of 25, several in flight; leftovers come
 * back and are resubmitted until everything is applied. */
START_TEST (test_writer_unprocessed)
{
  g_autoptr(FdnixTestHttpd) server = fdnix_test_httpd_new ();
  g_autoptr(FdnixAwsClient) client = client_for (server, &fdnix_aws_service_dynamodb, NULL);
  BatchServer bs = { 0, 0 };
  Numbers numbers = { 0, 100 };
  FdnixDynamodbWriteStats stats = { 0 };
  g_autoptr(GError) error = NULL;

  fdnix_test_httpd_set_handler (server, batch_handler, &bs);
  FdnixDynamodbWriteOptions options = { 4, FALSE, 100, NULL };

  ck_assert_msg (fdnix_dynamodb_write (client, "tbl", &options, next_number, &numbers, &stats, &error),
                 "%s", error != NULL ? error->message : "");
  ck_assert_uint_eq (stats.items, 100);
  ck_assert_uint_eq (stats.unprocessed, 2);
  ck_assert_uint_eq (stats.calls, 6);
  ck_assert_uint_eq (bs.items_seen, 102);
  ck_assert_uint_ge (fdnix_test_httpd_get_max_concurrent (server), 2);
}
END_TEST

static void
always_unprocessed (const FdnixTestRequest *request, FdnixTestReply *reply, gpointer user_data)
{
  reply->status = 200;
  reply->body = "{\"UnprocessedItems\":{\"tbl\":[{\"PutRequest\":{\"Item\":{\"k\":{\"S\":\"0\"}}}}]}}";
}

/* Leftovers that never go through end the run, with a clear message. */
START_TEST (test_writer_gives_up)
{
  g_autoptr(FdnixTestHttpd) server = fdnix_test_httpd_new ();
  g_autoptr(FdnixAwsClient) client = client_for (server, &fdnix_aws_service_dynamodb, NULL);
  Numbers numbers = { 0, 1 };
  g_autoptr(GError) error = NULL;

  fdnix_test_httpd_set_handler (server, always_unprocessed, NULL);
  FdnixDynamodbWriteOptions options = { 4, TRUE, 1, NULL };

  ck_assert (!fdnix_dynamodb_write (client, "tbl", &options, next_number, &numbers, NULL, &error));
  ck_assert_msg (strstr (error->message, "still unprocessed after 2 resubmissions") != NULL, "%s",
                 error->message);
  ck_assert_uint_eq (fdnix_test_httpd_get_n_requests (server), 3);
}
END_TEST

static GMutex serial_lock;

/* One call at a time, as a single-threaded emulator serves them. */
static void
serial_server (const FdnixTestRequest *request, FdnixTestReply *reply, gpointer user_data)
{
  g_mutex_lock (&serial_lock);
  g_usleep (3000);
  g_mutex_unlock (&serial_lock);
  reply->status = 200;
  reply->body = "{\"UnprocessedItems\":{}}";
}

/* Every call takes as long, however many are in flight (DynamoDB). */
static void
parallel_server (const FdnixTestRequest *request, FdnixTestReply *reply, gpointer user_data)
{
  g_usleep (20000);
  reply->status = 200;
  reply->body = "{\"UnprocessedItems\":{}}";
}

/* The adaptive window stays small before a server that queues calls and
 * grows to the maximum before one that serves them in parallel. */
START_TEST (test_writer_adaptive)
{
  FdnixDynamodbWriteOptions options = { 16, TRUE, 0, NULL };
  gint64 start = g_get_monotonic_time ();

  {
    g_autoptr(FdnixTestHttpd) server = fdnix_test_httpd_new ();
    g_autoptr(FdnixAwsClient) client = client_for (server, &fdnix_aws_service_dynamodb, NULL);
    Numbers numbers = { 0, 25 * 150 };
    FdnixDynamodbWriteStats stats = { 0 };
    fdnix_test_httpd_set_handler (server, serial_server, NULL);
    ck_assert (fdnix_dynamodb_write (client, "tbl", &options, next_number, &numbers, &stats, NULL));
    ck_assert_uint_eq (stats.items, 25 * 150);
    ck_assert_msg (stats.in_flight <= 11, "serial server: %.0f in flight", stats.in_flight);
  }
  {
    g_autoptr(FdnixTestHttpd) server = fdnix_test_httpd_new ();
    g_autoptr(FdnixAwsClient) client = client_for (server, &fdnix_aws_service_dynamodb, NULL);
    Numbers numbers = { 0, 25 * 200 };
    FdnixDynamodbWriteStats stats = { 0 };
    fdnix_test_httpd_set_handler (server, parallel_server, NULL);
    ck_assert (fdnix_dynamodb_write (client, "tbl", &options, next_number, &numbers, &stats, NULL));
    ck_assert_msg (stats.in_flight >= 12, "parallel server: %.0f in flight", stats.in_flight);
    ck_assert_uint_ge (fdnix_test_httpd_get_max_concurrent (server), 12);
  }
  fprintf (stderr, "# adaptive writer test: %.1f s\n", (g_get_monotonic_time () - start) / 1e6);
}
END_TEST

static void
paged_scan (const FdnixTestRequest *request, FdnixTestReply *reply, gpointer user_data)
{
  const gchar *body = g_bytes_get_data (request->body, NULL);

  reply->status = 200;
  /* segment 0 has two pages, segment 1 one */
  if (strstr (body, "\"Segment\":1") != NULL)
    reply->body = "{\"Items\":[{\"k\":{\"S\":\"c\"}}],\"Count\":1}";
  else if (strstr (body, "ExclusiveStartKey") == NULL)
    reply->body = "{\"Items\":[{\"k\":{\"S\":\"a\"}}],\"Count\":1,\"LastEvaluatedKey\":{\"k\":{\"S\":\"a\"}}}";
  else
    reply->body = "{\"Items\":[{\"k\":{\"S\":\"b\"}}],\"Count\":1}";
}

static gboolean
collect_keys (JsonArray *items, guint64 count, gpointer user_data, GError **error)
{
  GString *keys = user_data;

  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *k = json_object_get_object_member (json_array_get_object_element (items, i), "k");
      g_string_append (keys, json_object_get_string_member (k, "S"));
    }
  return TRUE;
}

/* Segments page independently until LastEvaluatedKey runs out. */
START_TEST (test_scan_paging)
{
  g_autoptr(FdnixTestHttpd) server = fdnix_test_httpd_new ();
  g_autoptr(FdnixAwsClient) client = client_for (server, &fdnix_aws_service_dynamodb, NULL);
  FdnixDynamodbScanOptions options = { "tbl", 2, "#k", NULL, "{\"#k\":\"k\"}", NULL, FALSE, 0 };
  g_autoptr(GString) keys = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  FdnixTestRequest *second_page = NULL;

  fdnix_test_httpd_set_handler (server, paged_scan, NULL);
  ck_assert (fdnix_dynamodb_scan (client, &options, collect_keys, keys, &error));
  ck_assert_uint_eq (keys->len, 3);
  ck_assert (strchr (keys->str, 'a') && strchr (keys->str, 'b') && strchr (keys->str, 'c'));
  ck_assert_uint_eq (fdnix_test_httpd_get_n_requests (server), 3);
  for (guint i = 0; i < 3; i++)
    {
      FdnixTestRequest *r = fdnix_test_httpd_get_request (server, i);
      if (strstr (g_bytes_get_data (r->body, NULL), "ExclusiveStartKey") != NULL)
        second_page = r;
    }
  ck_assert_ptr_nonnull (second_page);
  ck_assert (strstr (g_bytes_get_data (second_page->body, NULL),
                     "\"ExclusiveStartKey\":{\"k\":{\"S\":\"a\"}}") != NULL);
}
END_TEST

static void
stuck_scan (const FdnixTestRequest *request, FdnixTestReply *reply, gpointer user_data)
{
  reply->status = 200;
  reply->body = "{\"Items\":[],\"Count\":0,\"LastEvaluatedKey\":{\"k\":{\"S\":\"same\"}}}";
}

/* A server that keeps answering the same key cannot make a scan loop. */
START_TEST (test_scan_stuck)
{
  g_autoptr(FdnixTestHttpd) server = fdnix_test_httpd_new ();
  g_autoptr(FdnixAwsClient) client = client_for (server, &fdnix_aws_service_dynamodb, NULL);
  FdnixDynamodbScanOptions options = { "tbl", 1, NULL, NULL, NULL, NULL, FALSE, 0 };
  g_autoptr(GString) keys = g_string_new (NULL);
  g_autoptr(GError) error = NULL;

  fdnix_test_httpd_set_handler (server, stuck_scan, NULL);
  ck_assert (!fdnix_dynamodb_scan (client, &options, collect_keys, keys, &error));
  ck_assert_msg (strstr (error->message, "returned its start key") != NULL, "%s", error->message);
  ck_assert_uint_eq (fdnix_test_httpd_get_n_requests (server), 2);
}
END_TEST

static Suite *
aws_suite (void)
{
  Suite *s = suite_create ("aws");
  TCase *tc = tcase_create ("aws");

  tcase_set_timeout (tc, 60);

  tcase_add_loop_test (tc, test_error_parse, 0, G_N_ELEMENTS (error_cases));
  tcase_add_test (tc, test_client_retries);
  tcase_add_test (tc, test_client_no_retry);
  tcase_add_test (tc, test_client_clock_skew);
  tcase_add_test (tc, test_client_s3_and_no_credentials);
  tcase_add_test (tc, test_client_unreachable);
  tcase_add_test (tc, test_client_free_in_flight);
  tcase_add_test (tc, test_attribute_values);
  tcase_add_loop_test (tc, test_item_from_text, 0, G_N_ELEMENTS (item_texts));
  tcase_add_loop_test (tc, test_item_from_bad_text, 0, G_N_ELEMENTS (bad_texts));
  tcase_add_test (tc, test_item_shrink);
  tcase_add_test (tc, test_writer_unprocessed);
  tcase_add_test (tc, test_writer_gives_up);
  tcase_add_test (tc, test_writer_adaptive);
  tcase_add_test (tc, test_scan_paging);
  tcase_add_test (tc, test_scan_stuck);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  g_setenv ("AWS_EC2_METADATA_DISABLED", "true", TRUE);
  g_unsetenv ("AWS_ACCESS_KEY_ID");
  g_unsetenv ("AWS_SECRET_ACCESS_KEY");
  g_unsetenv ("AWS_PROFILE");
  g_setenv ("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials", TRUE);
  g_setenv ("AWS_CONFIG_FILE", "/nonexistent/config", TRUE);
  return fdnix_test_run (aws_suite ());
}
