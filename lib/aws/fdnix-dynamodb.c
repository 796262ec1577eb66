/* fdnix-dynamodb.c: DynamoDB calls, attribute values, tables. */
#include "config.h"

#include <string.h>

#include "aws/fdnix-dynamodb.h"
#include "core/fdnix-cancel.h"
#include "core/fdnix-error.h"
#include "core/fdnix-json-untrusted.h"
#include "core/fdnix-json.h"

#define TARGET_PREFIX "DynamoDB_20120810."
#define CONTENT_TYPE "application/x-amz-json-1.0"

static GPtrArray *
protocol_headers (const gchar *operation)
{
  GPtrArray *headers = g_ptr_array_new_with_free_func ((GDestroyNotify) fdnix_http_header_free);
  g_autofree gchar *target = g_strconcat (TARGET_PREFIX, operation, NULL);

  g_ptr_array_add (headers, fdnix_http_header_new ("Content-Type", CONTENT_TYPE));
  g_ptr_array_add (headers, fdnix_http_header_new ("X-Amz-Target", target));
  return headers;
}

/* Every DynamoDB call is a POST of a JSON document to "/", its operation
 * named in a header; a response whose body fails its x-amz-crc32 is retried. */
static FdnixAwsRequest
dynamodb_request (const gchar *operation, GPtrArray *headers, GBytes *body,
                  const gchar *const *accept_errors)
{
  FdnixAwsRequest request = { 0 };

  request.operation = operation;
  request.method = "POST";
  request.path = "/";
  request.headers = headers;
  request.body = body;
  request.check_crc32 = TRUE;
  request.accept_errors = accept_errors;
  return request;
}

/**
 * fdnix_dynamodb_submit:
 * @client: a DynamoDB client
 * @operation: "BatchWriteItem", "Scan", ...
 * @body: the JSON request
 * @accept_errors: (nullable): error codes to deliver as responses
 * @done: called with the outcome (see fdnix_aws_client_submit())
 * @user_data: passed to @done
 */
void
fdnix_dynamodb_submit (FdnixAwsClient *client, const gchar *operation, GBytes *body,
                       const gchar *const *accept_errors, FdnixAwsDoneFunc done, gpointer user_data)
{
  g_autoptr(GPtrArray) headers = protocol_headers (operation);
  FdnixAwsRequest request = dynamodb_request (operation, headers, body, accept_errors);

  fdnix_aws_client_submit (client, &request, done, user_data);
}

/**
 * fdnix_dynamodb_parse_response:
 * @response: a DynamoDB response
 * @operation: for the message
 * @error: return location for FDNIX_ERROR_INVALID_DATA
 *
 * Returns: (transfer full) (nullable): the JSON document of the response.
 */
JsonNode *
fdnix_dynamodb_parse_response (FdnixAwsResponse *response, const gchar *operation, GError **error)
{
  g_autofree gchar *what = g_strdup_printf ("the DynamoDB %s response", operation);
  gsize length = 0;
  const gchar *text = response->body != NULL ? g_bytes_get_data (response->body, &length) : NULL;
  g_autoptr(JsonNode) root = NULL;

  if (text == NULL || length == 0)
    text = "{}", length = 2;
  root = fdnix_json_parse_untrusted (text, length, what, error);
  if (root == NULL)
    return NULL;
  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_INVALID_DATA, "%s is not a JSON object", what);
      return NULL;
    }
  return g_steal_pointer (&root);
}

/**
 * fdnix_dynamodb_call:
 * @client: a DynamoDB client
 * @operation: "DescribeTable", ...
 * @body: the JSON request
 * @accept_errors: (nullable): error codes that are an answer, not a failure
 * @out_result: (out) (transfer full) (optional): the JSON response (for an
 *   accepted error, its error document)
 * @out_error_code: (out) (transfer full) (optional): the accepted error
 *   code, or NULL on success
 * @error: return location for the final error
 *
 * One call with retries, waiting for it.
 *
 * Returns: FALSE when the call failed.
 */
gboolean
fdnix_dynamodb_call (FdnixAwsClient *client, const gchar *operation, const gchar *body,
                     const gchar *const *accept_errors, JsonNode **out_result,
                     gchar **out_error_code, GError **error)
{
  g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));
  g_autoptr(GPtrArray) headers = protocol_headers (operation);
  FdnixAwsRequest request = dynamodb_request (operation, headers, bytes, accept_errors);
  g_autoptr(FdnixAwsResponse) response = NULL;

  if (!fdnix_aws_client_call (client, &request, &response, error))
    return FALSE;
  if (out_error_code != NULL)
    *out_error_code = g_strdup (response->error_code);
  if (out_result != NULL)
    {
      *out_result = fdnix_dynamodb_parse_response (response, operation, error);
      if (*out_result == NULL)
        return FALSE;
    }
  return TRUE;
}

/**
 * fdnix_dynamodb_append_item:
 * @out: where to write
 * @object: a plain JSON object
 *
 * Writes @object as a DynamoDB item (a map of attribute values), leaving
 * out null members: an absent attribute is DynamoDB's null.  The object
 * goes through its JSON text, so that one converter
 * (fdnix_dynamodb_append_item_from_json()) writes every item.
 */
void
fdnix_dynamodb_append_item (GString *out, JsonObject *object)
{
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), object);
  g_autofree gchar *text = json_to_string (node, FALSE);
  gboolean ok = fdnix_dynamodb_append_item_from_json (out, text, -1, NULL);

  /* json-glib writes an object as valid JSON: the converter cannot refuse it */
  g_warn_if_fail (ok);
}

/**
 * fdnix_dynamodb_append_key:
 * @out: where to write
 * @hash_name: partition key attribute
 * @hash_value: its (string) value
 * @range_name: (nullable): sort key attribute
 * @range_value: (nullable): its (string) value
 *
 * Writes a Key map of string keys.
 */
void
fdnix_dynamodb_append_key (GString *out, const gchar *hash_name, const gchar *hash_value,
                           const gchar *range_name, const gchar *range_value)
{
  g_string_append_c (out, '{');
  fdnix_json_append_string (out, hash_name);
  g_string_append (out, ":{\"S\":");
  fdnix_json_append_string (out, hash_value);
  g_string_append_c (out, '}');
  if (range_name != NULL)
    {
      g_string_append_c (out, ',');
      fdnix_json_append_string (out, range_name);
      g_string_append (out, ":{\"S\":");
      fdnix_json_append_string (out, range_value);
      g_string_append_c (out, '}');
    }
  g_string_append_c (out, '}');
}

/* A single pass from JSON text to AttributeValue text, without building a
 * tree: strings keep their escapes (valid in both), numbers become N
 * strings.  Returns the position after the value, or NULL on bad input. */
static const gchar *
convert_value (const gchar *p, const gchar *end, GString *out, guint depth);

static const gchar *
skip_ws (const gchar *p, const gchar *end)
{
  while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
    p++;
  return p;
}

/* Copies a string token (quotes included); returns the position after it. */
static const gchar *
copy_string (const gchar *p, const gchar *end, GString *out)
{
  const gchar *start = p++;

  while (p < end && *p != '"')
    {
      if (*p == '\\')
        p++;
      p++;
    }
  if (p >= end)
    return NULL;
  p++;
  g_string_append_len (out, start, p - start);
  return p;
}

static const gchar *
convert_members (const gchar *p, const gchar *end, GString *out, guint depth, gboolean drop_nulls)
{
  gboolean first = TRUE;

  p = skip_ws (p + 1, end);
  if (p < end && *p == '}')
    return p + 1;
  while (p < end)
    {
      gsize mark = out->len;
      const gchar *value;

      if (*p != '"')
        return NULL;
      if (!first)
        g_string_append_c (out, ',');
      if ((p = copy_string (p, end, out)) == NULL)
        return NULL;
      p = skip_ws (p, end);
      if (p >= end || *p != ':')
        return NULL;
      g_string_append_c (out, ':');
      value = skip_ws (p + 1, end);
      if (drop_nulls && end - value >= 4 && memcmp (value, "null", 4) == 0)
        {
          g_string_truncate (out, mark);
          p = value + 4;
        }
      else
        {
          if ((p = convert_value (value, end, out, depth + 1)) == NULL)
            return NULL;
          first = FALSE;
        }
      p = skip_ws (p, end);
      if (p < end && *p == ',')
        {
          p = skip_ws (p + 1, end);
          continue;
        }
      if (p < end && *p == '}')
        return p + 1;
      return NULL;
    }
  return NULL;
}

static const gchar *
convert_value (const gchar *p, const gchar *end, GString *out, guint depth)
{
  if (depth > 64 || (p = skip_ws (p, end)) >= end)
    return NULL;
  switch (*p)
    {
    case '"':
      g_string_append (out, "{\"S\":");
      p = copy_string (p, end, out);
      g_string_append_c (out, '}');
      return p;
    case '{':
      g_string_append (out, "{\"M\":{");
      p = convert_members (p, end, out, depth, FALSE);
      g_string_append (out, "}}");
      return p;
    case '[':
      g_string_append (out, "{\"L\":[");
      p = skip_ws (p + 1, end);
      if (p < end && *p == ']')
        p++;
      else
        for (gboolean first = TRUE; p != NULL; first = FALSE)
          {
            if (!first)
              g_string_append_c (out, ',');
            if ((p = convert_value (p, end, out, depth + 1)) == NULL)
              return NULL;
            p = skip_ws (p, end);
            if (p < end && *p == ',')
              {
                p++;
                continue;
              }
            if (p < end && *p == ']')
              {
                p++;
                break;
              }
            return NULL;
          }
      g_string_append (out, "]}");
      return p;
    case 't':
      if (end - p < 4 || memcmp (p, "true", 4) != 0)
        return NULL;
      g_string_append (out, "{\"BOOL\":true}");
      return p + 4;
    case 'f':
      if (end - p < 5 || memcmp (p, "false", 5) != 0)
        return NULL;
      g_string_append (out, "{\"BOOL\":false}");
      return p + 5;
    case 'n':
      if (end - p < 4 || memcmp (p, "null", 4) != 0)
        return NULL;
      g_string_append (out, "{\"NULL\":true}");
      return p + 4;
    default:
      {
        const gchar *start = p;
        while (p < end && (g_ascii_isdigit (*p) || *p == '-' || *p == '+' || *p == '.' || *p == 'e' || *p == 'E'))
          p++;
        if (p == start)
          return NULL;
        g_string_append (out, "{\"N\":\"");
        g_string_append_len (out, start, p - start);
        g_string_append (out, "\"}");
        return p;
      }
    }
}

/**
 * fdnix_dynamodb_append_item_from_json:
 * @out: where to write
 * @json: a JSON object as text
 * @length: bytes of @json, or -1 if NUL-terminated
 * @error: return location for FDNIX_ERROR_INVALID_DATA
 *
 * Writes the text of a JSON object as a DynamoDB item (null members left
 * out), in one pass without building a tree: the bulk writer's hot path,
 * several times faster than parsing.
 * The input is trusted to be valid JSON (it is checked only enough not to
 * read out of bounds).
 *
 * Returns: FALSE when @json is not an object.
 */
gboolean
fdnix_dynamodb_append_item_from_json (GString *out, const gchar *json, gssize length, GError **error)
{
  const gchar *end = json + (length < 0 ? strlen (json) : (gsize) length);
  const gchar *p = skip_ws (json, end);
  gsize start = out->len;

  if (p < end && *p == '{')
    {
      g_string_append_c (out, '{');
      p = convert_members (p, end, out, 0, TRUE);
      g_string_append_c (out, '}');
      if (p != NULL && skip_ws (p, end) == end)
        return TRUE;
    }
  g_string_truncate (out, start);
  g_set_error_literal (error, FDNIX_ERROR, FDNIX_ERROR_INVALID_DATA, "not a JSON object");
  return FALSE;
}

static JsonNode *
number_node (const gchar *text)
{
  gchar *end = NULL;
  gint64 i;

  if (text == NULL)
    return json_node_init_null (json_node_alloc ());
  i = g_ascii_strtoll (text, &end, 10);
  if (end != text && *end == '\0')
    return json_node_init_int (json_node_alloc (), i);
  return json_node_init_double (json_node_alloc (), g_ascii_strtod (text, NULL));
}

/**
 * fdnix_dynamodb_value_to_json:
 * @value: a DynamoDB AttributeValue
 *
 * Returns: (transfer full): the plain JSON value (S → string, N → number,
 *   BOOL, NULL, L/SS/NS → array, M → object; B stays base64 text).
 */
JsonNode *
fdnix_dynamodb_value_to_json (JsonNode *value)
{
  JsonObject *o;
  JsonObjectIter iter;
  const gchar *type;
  JsonNode *inner;

  if (value == NULL || !JSON_NODE_HOLDS_OBJECT (value))
    return json_node_init_null (json_node_alloc ());
  o = json_node_get_object (value);
  json_object_iter_init (&iter, o);
  if (!json_object_iter_next (&iter, &type, &inner))
    return json_node_init_null (json_node_alloc ());
  if (g_str_equal (type, "S") || g_str_equal (type, "B"))
    return json_node_init_string (json_node_alloc (), json_node_get_string (inner));
  if (g_str_equal (type, "N"))
    return number_node (json_node_get_string (inner));
  if (g_str_equal (type, "BOOL"))
    return json_node_init_boolean (json_node_alloc (), json_node_get_boolean (inner));
  if (g_str_equal (type, "M") && JSON_NODE_HOLDS_OBJECT (inner))
    {
      JsonObject *m = fdnix_dynamodb_item_to_object (json_node_get_object (inner));
      JsonNode *node = json_node_init_object (json_node_alloc (), m);
      json_object_unref (m);
      return node;
    }
  if ((g_str_equal (type, "L") || g_str_equal (type, "SS") || g_str_equal (type, "NS") ||
       g_str_equal (type, "BS")) && JSON_NODE_HOLDS_ARRAY (inner))
    {
      JsonArray *in = json_node_get_array (inner);
      JsonArray *array = json_array_sized_new (json_array_get_length (in));
      JsonNode *node;
      for (guint i = 0; i < json_array_get_length (in); i++)
        {
          JsonNode *element = json_array_get_element (in, i);
          if (g_str_equal (type, "L"))
            json_array_add_element (array, fdnix_dynamodb_value_to_json (element));
          else if (g_str_equal (type, "NS"))
            json_array_add_element (array, number_node (json_node_get_string (element)));
          else
            json_array_add_element (array, json_node_copy (element));
        }
      node = json_node_init_array (json_node_alloc (), array);
      json_array_unref (array);
      return node;
    }
  return json_node_init_null (json_node_alloc ());
}

/**
 * fdnix_dynamodb_item_to_object:
 * @item: a DynamoDB item (name → AttributeValue)
 *
 * Returns: (transfer full): the plain JSON object.
 */
JsonObject *
fdnix_dynamodb_item_to_object (JsonObject *item)
{
  JsonObject *object = json_object_new ();
  JsonObjectIter iter;
  const gchar *name;
  JsonNode *value;

  json_object_iter_init (&iter, item);
  while (json_object_iter_next (&iter, &name, &value))
    json_object_set_member (object, name, fdnix_dynamodb_value_to_json (value));
  return object;
}

/**
 * fdnix_dynamodb_describe_table:
 * @client: a DynamoDB client
 * @table: the table name
 * @out_table: (out) (transfer full) (nullable): the TableDescription, or
 *   NULL when the table does not exist
 * @error: return location for an error
 *
 * Returns: FALSE when the call failed.
 */
gboolean
fdnix_dynamodb_describe_table (FdnixAwsClient *client, const gchar *table, JsonObject **out_table,
                               GError **error)
{
  static const gchar *const accept[] = { "ResourceNotFoundException", NULL };
  g_autoptr(GString) body = g_string_new ("{");
  g_autoptr(JsonNode) result = NULL;
  g_autofree gchar *code = NULL;
  JsonObject *root;

  fdnix_json_member_string (body, "TableName", table);
  g_string_append_c (body, '}');
  if (!fdnix_dynamodb_call (client, "DescribeTable", body->str, accept, &result, &code, error))
    return FALSE;
  *out_table = NULL;
  if (code != NULL)
    return TRUE;
  root = json_node_get_object (result);
  if (json_object_has_member (root, "Table") &&
      JSON_NODE_HOLDS_OBJECT (json_object_get_member (root, "Table")))
    *out_table = json_object_ref (json_object_get_object_member (root, "Table"));
  return TRUE;
}

/**
 * fdnix_dynamodb_create_table:
 * @client: a DynamoDB client
 * @table: the table name
 * @hash_key: partition key attribute (type S)
 * @range_key: (nullable): sort key attribute (type S)
 * @timeout_s: how long to wait for ACTIVE
 * @error: return location for an error
 *
 * Creates an on-demand (PAY_PER_REQUEST) table unless it exists, then waits
 * until it is ACTIVE.
 *
 * Returns: FALSE when creation failed or the table did not become active.
 */
gboolean
fdnix_dynamodb_create_table (FdnixAwsClient *client, const gchar *table, const gchar *hash_key,
                             const gchar *range_key, guint timeout_s, GError **error)
{
  static const gchar *const accept[] = { "ResourceInUseException", NULL };
  g_autoptr(GString) body = g_string_new ("{");
  g_autofree gchar *code = NULL;
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_s * G_USEC_PER_SEC;

  fdnix_json_member_string (body, "TableName", table);
  fdnix_json_member (body, "AttributeDefinitions");
  g_string_append_printf (body, "[{\"AttributeName\":");
  fdnix_json_append_string (body, hash_key);
  g_string_append (body, ",\"AttributeType\":\"S\"}");
  if (range_key != NULL)
    {
      g_string_append (body, ",{\"AttributeName\":");
      fdnix_json_append_string (body, range_key);
      g_string_append (body, ",\"AttributeType\":\"S\"}");
    }
  g_string_append (body, "]");
  fdnix_json_member (body, "KeySchema");
  g_string_append (body, "[{\"AttributeName\":");
  fdnix_json_append_string (body, hash_key);
  g_string_append (body, ",\"KeyType\":\"HASH\"}");
  if (range_key != NULL)
    {
      g_string_append (body, ",{\"AttributeName\":");
      fdnix_json_append_string (body, range_key);
      g_string_append (body, ",\"KeyType\":\"RANGE\"}");
    }
  g_string_append (body, "]");
  fdnix_json_member_string (body, "BillingMode", "PAY_PER_REQUEST");
  g_string_append_c (body, '}');
  if (!fdnix_dynamodb_call (client, "CreateTable", body->str, accept, NULL, &code, error))
    return FALSE;
  if (code == NULL)
    g_message ("DynamoDB table %s created (on-demand capacity)", table);
  for (;;)
    {
      g_autoptr(JsonObject) description = NULL;
      const gchar *status;

      if (!fdnix_dynamodb_describe_table (client, table, &description, error))
        return FALSE;
      status = description != NULL
                 ? json_object_get_string_member_with_default (description, "TableStatus", "")
                 : "";
      if (g_str_equal (status, "ACTIVE"))
        return TRUE;
      if (g_get_monotonic_time () > deadline)
        {
          g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_TIMEOUT,
                       "DynamoDB table %s is not ACTIVE after %u s (status %s)", table, timeout_s,
                       *status != '\0' ? status : "unknown");
          return FALSE;
        }
      if (!fdnix_cancel_sleep (250, error))
        return FALSE;
    }
}
