/* check-embed-remote: what the Bedrock and OpenAI-compatible embedders send
 * and how they read answers (every response shape, errors), and S3 listing.
 * The wire itself is tested against test servers (tests/test-embed-*.sh). */
#include "config.h"

#include <math.h>
#include <string.h>
#include <json-glib/json-glib.h>

#include "aws/fdnix-aws-error.h"
#include "core/fdnix-error.h"
#include "embed/fdnix-embedder-bedrock.h"
#include "embed/fdnix-embedder-openai.h"
#include "vectors/fdnix-objects-s3.h"
#include "fdnix-test.h"

static JsonObject *
parse_object (const gchar *json, JsonParser **out_parser)
{
  JsonParser *parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  ck_assert_msg (json_parser_load_from_data (parser, json, -1, &error), "%s: %s", json,
                 error != NULL ? error->message : "");
  *out_parser = parser;
  return json_node_get_object (json_parser_get_root (parser));
}

/* ---- Bedrock requests */

START_TEST (test_cohere_request)
{
  const gchar *texts[] = { "Package: jq\nDescription: JSON \"processor\"", "caf\xc3\xa9" };
  g_autofree gchar *body = fdnix_bedrock_request_body (FDNIX_BEDROCK_COHERE, texts, 2, FDNIX_INPUT_DOCUMENT, 1024);
  g_autofree gchar *query = fdnix_bedrock_request_body (FDNIX_BEDROCK_COHERE, texts, 1, FDNIX_INPUT_QUERY, 1024);
  g_autoptr(JsonParser) p1 = NULL;
  g_autoptr(JsonParser) p2 = NULL;
  JsonObject *o = parse_object (body, &p1);
  JsonArray *list = json_object_get_array_member (o, "texts");

  ck_assert_uint_eq (json_array_get_length (list), 2);
  ck_assert_str_eq (json_array_get_string_element (list, 0), texts[0]);
  ck_assert_str_eq (json_array_get_string_element (list, 1), texts[1]);
  ck_assert_str_eq (json_object_get_string_member (o, "input_type"), "search_document");
  ck_assert_str_eq (json_object_get_string_member (o, "truncate"), "END");
  ck_assert (!json_object_has_member (o, "dimensions"));
  o = parse_object (query, &p2);
  ck_assert_str_eq (json_object_get_string_member (o, "input_type"), "search_query");
}
END_TEST

START_TEST (test_titan_request)
{
  const gchar *texts[] = { "Package: ripgrep" };
  g_autofree gchar *body = fdnix_bedrock_request_body (FDNIX_BEDROCK_TITAN, texts, 1, FDNIX_INPUT_DOCUMENT, 512);
  g_autoptr(JsonParser) p = NULL;
  JsonObject *o = parse_object (body, &p);

  ck_assert_str_eq (json_object_get_string_member (o, "inputText"), "Package: ripgrep");
  ck_assert_int_eq (json_object_get_int_member (o, "dimensions"), 512);
  ck_assert (json_object_get_boolean_member (o, "normalize"));
  ck_assert (!json_object_has_member (o, "texts"));
}
END_TEST

static const struct {
  const gchar *model;
  guint        requested;
  gboolean     ok;
  FdnixBedrockFamily family;
  guint        dimension;
} models[] = {
  { "cohere.embed-english-v3", 0, TRUE, FDNIX_BEDROCK_COHERE, 1024 },
  { "cohere.embed-multilingual-v3", 1024, TRUE, FDNIX_BEDROCK_COHERE, 1024 },
  { "us.cohere.embed-english-v3", 0, TRUE, FDNIX_BEDROCK_COHERE, 1024 },
  { "cohere.embed-english-v3", 256, FALSE, 0, 0 },
  { "amazon.titan-embed-text-v2:0", 0, TRUE, FDNIX_BEDROCK_TITAN, 1024 },
  { "amazon.titan-embed-text-v2:0", 256, TRUE, FDNIX_BEDROCK_TITAN, 256 },
  { "amazon.titan-embed-text-v2:0", 300, FALSE, 0, 0 },
  { "anthropic.claude-v2", 0, FALSE, 0, 0 },
};

START_TEST (test_bedrock_models)
{
  FdnixBedrockFamily family = 99;
  guint dimension = 0;
  g_autoptr(GError) error = NULL;
  gboolean ok = fdnix_bedrock_model_info (models[_i].model, models[_i].requested, &family, &dimension, &error);

  ck_assert_int_eq (ok, models[_i].ok);
  if (ok)
    {
      ck_assert_int_eq (family, models[_i].family);
      ck_assert_uint_eq (dimension, models[_i].dimension);
    }
  else
    ck_assert (g_error_matches (error, FDNIX_ERROR, FDNIX_ERROR_USAGE));
}
END_TEST

/* ---- Bedrock responses */

#define DIM 3

static const struct {
  FdnixBedrockFamily family;
  guint              n;
  const gchar       *body;
  gboolean           ok;
  guint64            tokens;
} responses[] = {
  /* Cohere: embeddings as a list of lists */
  { FDNIX_BEDROCK_COHERE, 2,
    "{\"id\":\"x\",\"texts\":[\"a\",\"b\"],\"embeddings\":[[3,0,4],[0,1,0]],\"response_type\":\"embeddings_floats\"}",
    TRUE, 0 },
  /* Cohere: typed embeddings, floats among others, members in any order */
  { FDNIX_BEDROCK_COHERE, 2,
    "{\"response_type\":\"embeddings_by_type\",\"embeddings\":{\"int8\":[[1,2,3],[4,5,6]],"
    "\"float\":[[3.0,0.0,4.0],[0.0,1e0,0.0]]},\"texts\":[\"a\",\"b\"]}",
    TRUE, 0 },
  /* Cohere: a top-level embeddings_by_type */
  { FDNIX_BEDROCK_COHERE, 2,
    "{\"embeddings_by_type\":{\"float\":[[3,0,4],[0,1,0]]}}", TRUE, 0 },
  /* Titan: one embedding and a token count */
  { FDNIX_BEDROCK_TITAN, 1,
    "{\"embedding\":[3,0,4],\"inputTextTokenCount\":7,\"embeddingsByType\":{\"float\":[3,0,4]}}", TRUE, 7 },
  { FDNIX_BEDROCK_TITAN, 1, "{\"embeddingsByType\":{\"float\":[3,0,4]}}", TRUE, 0 },
  /* wrong: too few, too many, wrong length, not numbers, not JSON */
  { FDNIX_BEDROCK_COHERE, 2, "{\"embeddings\":[[3,0,4]]}", FALSE, 0 },
  { FDNIX_BEDROCK_COHERE, 1, "{\"embeddings\":[[3,0,4],[0,1,0]]}", FALSE, 0 },
  { FDNIX_BEDROCK_COHERE, 1, "{\"embeddings\":[[3,0,4,5]]}", FALSE, 0 },
  { FDNIX_BEDROCK_COHERE, 1, "{\"embeddings\":[[\"3\",0,4]]}", FALSE, 0 },
  { FDNIX_BEDROCK_COHERE, 1, "{\"embeddings\":{\"int8\":[[3,0,4]]}}", FALSE, 0 },
  { FDNIX_BEDROCK_TITAN, 1, "{\"message\":\"nope\"}", FALSE, 0 },
  { FDNIX_BEDROCK_TITAN, 1, "<html>", FALSE, 0 },
  /* one object and nothing after it */
  { FDNIX_BEDROCK_TITAN, 1, "{\"embedding\":[3,0,4]} {}", FALSE, 0 },
  { FDNIX_BEDROCK_TITAN, 1, "{\"embedding\":[3,0,4]", FALSE, 0 },
};

START_TEST (test_bedrock_responses)
{
  gfloat v[2 * DIM] = { 0 };
  guint64 tokens = 99;
  g_autoptr(GError) error = NULL;
  gboolean ok = fdnix_bedrock_parse_response (responses[_i].family, responses[_i].body,
                                              strlen (responses[_i].body), responses[_i].n, DIM,
                                              v, &tokens, &error);

  ck_assert_msg (ok == responses[_i].ok, "%s: %s", responses[_i].body, error != NULL ? error->message : "ok");
  if (!ok)
    {
      ck_assert (g_error_matches (error, FDNIX_ERROR, FDNIX_ERROR_INVALID_DATA));
      ck_assert_msg (g_str_has_prefix (error->message, "Bedrock response: "), "%s", error->message);
      return;
    }
  /* normalized: (3,0,4) → (0.6,0,0.8) */
  ck_assert (fabsf (v[0] - 0.6f) < 1e-6 && v[1] == 0 && fabsf (v[2] - 0.8f) < 1e-6);
  if (responses[_i].n == 2)
    ck_assert (v[3] == 0 && v[4] == 1 && v[5] == 0);
  ck_assert_uint_eq (tokens, responses[_i].tokens);
}
END_TEST

/* ---- OpenAI-compatible */

START_TEST (test_openai_request)
{
  const gchar *texts[] = { "one", "two" };
  g_autofree gchar *body = fdnix_openai_request_body ("nomic-embed-text", texts, 2, 0);
  g_autofree gchar *sized = fdnix_openai_request_body ("text-embedding-3-small", texts, 1, 256);
  g_autoptr(JsonParser) p1 = NULL;
  g_autoptr(JsonParser) p2 = NULL;
  JsonObject *o = parse_object (body, &p1);

  ck_assert_str_eq (json_object_get_string_member (o, "model"), "nomic-embed-text");
  ck_assert_uint_eq (json_array_get_length (json_object_get_array_member (o, "input")), 2);
  ck_assert_str_eq (json_object_get_string_member (o, "encoding_format"), "float");
  ck_assert (!json_object_has_member (o, "dimensions"));
  o = parse_object (sized, &p2);
  ck_assert_int_eq (json_object_get_int_member (o, "dimensions"), 256);
}
END_TEST

START_TEST (test_openai_responses)
{
  /* items out of order are placed by "index"; usage counted */
  const gchar *body = "{\"object\":\"list\",\"data\":[{\"object\":\"embedding\",\"index\":1,\"embedding\":[0,2,0]},"
                      "{\"embedding\":[3,0,4],\"index\":0}],\"model\":\"m\",\"usage\":{\"prompt_tokens\":5,\"total_tokens\":5}}";
  const gchar *no_usage = "{\"data\":[{\"index\":0,\"embedding\":[1,0,0,0,0]}],\"usage\":null}";
  const gchar *bad[] = {
    "{\"data\":[{\"index\":0,\"embedding\":[3,0,4]}]}",                               /* one missing */
    "{\"data\":[{\"index\":0,\"embedding\":[3,0,4]},{\"index\":0,\"embedding\":[3,0,4]}]}", /* twice */
    "{\"data\":[{\"index\":5,\"embedding\":[3,0,4]},{\"index\":0,\"embedding\":[3,0,4]}]}", /* out of range */
    "{\"data\":[{\"index\":0,\"embedding\":[3,0]},{\"index\":1,\"embedding\":[3,0,4]}]}",   /* short */
    "{\"data\":[{\"index\":0,\"embedding\":[3,0,4]},{\"index\":1,\"embedding\":[3,0,4]}]}x", /* trailing */
    "[]",                                                                                  /* not an object */
    NULL,
  };
  gfloat v[2 * DIM];
  g_autofree gfloat *learn = g_new0 (gfloat, FDNIX_OPENAI_MAX_DIMENSION);
  guint dim = DIM;
  guint64 tokens = 0;
  g_autoptr(GError) error = NULL;

  ck_assert_msg (fdnix_openai_parse_response (body, strlen (body), 2, &dim, v, &tokens, &error), "%s",
                 error != NULL ? error->message : "");
  ck_assert (fabsf (v[0] - 0.6f) < 1e-6 && fabsf (v[2] - 0.8f) < 1e-6);
  ck_assert (v[3] == 0 && v[4] == 1 && v[5] == 0);
  ck_assert_uint_eq (tokens, 5);

  dim = 0;
  ck_assert (fdnix_openai_parse_response (no_usage, strlen (no_usage), 1, &dim, learn, &tokens, &error));
  ck_assert_uint_eq (dim, 5);
  ck_assert_uint_eq (tokens, 0);

  for (guint i = 0; bad[i] != NULL; i++)
    {
      dim = DIM;
      ck_assert_msg (!fdnix_openai_parse_response (bad[i], strlen (bad[i]), 2, &dim, v, NULL, &error), "%s", bad[i]);
      ck_assert (g_error_matches (error, FDNIX_ERROR, FDNIX_ERROR_INVALID_DATA));
      ck_assert_msg (g_str_has_prefix (error->message, "embeddings response: "), "%s", error->message);
      g_clear_error (&error);
    }
}
END_TEST

static const struct {
  const gchar *body;
  const gchar *message;
} openai_errors[] = {
  { "{\"error\":{\"message\":\"model not found\",\"type\":\"invalid_request_error\"}}", "model not found" },
  { "{\"error\":\"model 'x' not found, try pulling it first\"}", "model 'x' not found, try pulling it first" },
  { "{\"message\":\"Too many requests\"}", "Too many requests" },
  { "{\"Message\":\"Capitalised\"}", "Capitalised" },
  { "{\"detail\":\"Not Found\"}", "Not Found" },
  { "Bad Gateway", NULL },
  /* a server's words are cleaned for one line */
  { "{\"error\":{\"message\":\"line one\\nline two\\t \"}}", "line one line two" },
  { "{\"error\":[{\"message\":\"not where messages are\"}]}", NULL },
};

START_TEST (test_openai_errors)
{
  g_autofree gchar *message = fdnix_openai_error_message (openai_errors[_i].body, strlen (openai_errors[_i].body));

  ck_assert_pstr_eq (message, openai_errors[_i].message);
}
END_TEST

/* An error body nested 200,000 deep (json-glib would recurse once per
 * level and overflow the stack) is refused, by the OpenAI and the AWS
 * readers alike; a long message is cut for the error line. */
START_TEST (test_hostile_error_bodies)
{
  const gsize depth = 200000;
  g_autoptr(GString) deep = g_string_new ("{\"message\":\"x\",\"error\":{\"message\":");
  g_autofree gchar *long_message = NULL;
  g_autofree gchar *long_body = NULL;
  g_autofree gchar *message = NULL;
  g_autofree gchar *code = NULL;
  g_autofree gchar *aws_message = NULL;

  for (gsize i = 0; i < depth; i++)
    g_string_append_c (deep, '[');
  for (gsize i = 0; i < depth; i++)
    g_string_append_c (deep, ']');
  g_string_append (deep, "}}");
  ck_assert_ptr_null (fdnix_openai_error_message (deep->str, deep->len));
  fdnix_aws_error_parse (500, NULL, deep->str, deep->len, &code, &aws_message);
  ck_assert_str_eq (code, "HTTP 500");

  long_message = g_strnfill (5000, 'm');
  long_body = g_strdup_printf ("{\"error\":{\"message\":\"%s\"}}", long_message);
  message = fdnix_openai_error_message (long_body, strlen (long_body));
  ck_assert_uint_le (strlen (message), 300 + 3);
  ck_assert (g_str_has_suffix (message, "..."));
  g_clear_pointer (&code, g_free);
  g_clear_pointer (&aws_message, g_free);
  fdnix_aws_error_parse (400, NULL, long_body + 9, strlen (long_body) - 10, &code, &aws_message);
  ck_assert_uint_le (strlen (aws_message), 300 + 3);
}
END_TEST

/* ---- S3 listing */

START_TEST (test_s3_list)
{
  const gchar *page1 =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Name>b</Name>"
    "<Prefix>vectors/</Prefix><KeyCount>2</KeyCount><MaxKeys>1000</MaxKeys><Delimiter>/</Delimiter>"
    "<IsTruncated>true</IsTruncated><NextContinuationToken>tok&amp;1</NextContinuationToken>"
    "<Contents><Key>vectors/batch_a_00000.json.gz</Key><LastModified>2026-11-29T02:00:00.000Z</LastModified>"
    "<ETag>&quot;x&quot;</ETag><Size>1234</Size><StorageClass>STANDARD</StorageClass></Contents>"
    "<Contents><Key>vectors/batch_a_00001.json.gz</Key><Size>99</Size><Owner><ID>o</ID></Owner></Contents>"
    "<CommonPrefixes><Prefix>vectors/sub/</Prefix></CommonPrefixes></ListBucketResult>";
  const gchar *page2 =
    "<ListBucketResult><IsTruncated>false</IsTruncated></ListBucketResult>";
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) fdnix_object_info_free);
  g_autofree gchar *token = NULL;
  g_autofree gchar *token2 = NULL;
  gboolean truncated = FALSE;
  g_autoptr(GError) error = NULL;

  ck_assert_msg (fdnix_s3_parse_list (page1, strlen (page1), list, &truncated, &token, &error), "%s",
                 error != NULL ? error->message : "");
  ck_assert (truncated);
  ck_assert_str_eq (token, "tok&1");
  ck_assert_uint_eq (list->len, 2);
  ck_assert_str_eq (((FdnixObjectInfo *) list->pdata[0])->key, "vectors/batch_a_00000.json.gz");
  ck_assert_uint_eq (((FdnixObjectInfo *) list->pdata[0])->size, 1234);
  ck_assert_uint_eq (((FdnixObjectInfo *) list->pdata[1])->size, 99);
  ck_assert (fdnix_s3_parse_list (page2, strlen (page2), list, &truncated, &token2, &error));
  ck_assert (!truncated);
  ck_assert (token2 == NULL);
  ck_assert (!fdnix_s3_parse_list ("<a><b></a>", 10, list, &truncated, &token2, &error));
  ck_assert (g_error_matches (error, FDNIX_ERROR, FDNIX_ERROR_INVALID_DATA));
}
END_TEST

static Suite *
embed_remote_suite (void)
{
  Suite *s = suite_create ("embed-remote");
  TCase *tc = tcase_create ("remote");

  tcase_add_test (tc, test_cohere_request);
  tcase_add_test (tc, test_titan_request);
  tcase_add_loop_test (tc, test_bedrock_models, 0, G_N_ELEMENTS (models));
  tcase_add_loop_test (tc, test_bedrock_responses, 0, G_N_ELEMENTS (responses));
  tcase_add_test (tc, test_openai_request);
  tcase_add_test (tc, test_openai_responses);
  tcase_add_loop_test (tc, test_openai_errors, 0, G_N_ELEMENTS (openai_errors));
  tcase_add_test (tc, test_s3_list);
  tcase_add_test (tc, test_hostile_error_bodies);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  return fdnix_test_run (embed_remote_suite ());
}
