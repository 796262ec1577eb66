/* fdnix-dynamodb-item.c: record ⇄ item, with shrinking for the size limit. */
#include "config.h"

#include <string.h>

#include "aws/fdnix-dynamodb.h"
#include "core/fdnix-error.h"
#include "core/fdnix-json.h"
#include "store/fdnix-dynamodb-item.h"

/* Cuts @field of @object so the item shrinks by at least @excess bytes.
 * Returns FALSE when the field is absent or too short to help. */
static gboolean
cut_field (JsonObject *object, const gchar *field, gsize excess)
{
  const gchar *text = json_object_get_string_member_with_default (object, field, NULL);
  gsize length, keep;
  const gchar *end;
  g_autofree gchar *cut = NULL;

  if (text == NULL)
    return FALSE;
  length = strlen (text);
  /* JSON escaping can double a byte; cut twice the excess to be sure */
  if (length <= 2 * excess + strlen (FDNIX_DYNAMODB_TRUNCATION_MARKER))
    keep = 0;
  else
    keep = length - 2 * excess - strlen (FDNIX_DYNAMODB_TRUNCATION_MARKER);
  end = text + keep;
  while (end > text && (((guchar) *end) & 0xc0) == 0x80)
    end--;
  cut = g_strdup_printf ("%.*s%s", (int) (end - text), text, FDNIX_DYNAMODB_TRUNCATION_MARKER);
  json_object_set_string_member (object, field, cut);
  return TRUE;
}

static void
append_put (GString *out, JsonObject *object)
{
  g_string_append (out, "{\"PutRequest\":{\"Item\":");
  fdnix_dynamodb_append_item (out, object);
  g_string_append (out, "}}");
}

/**
 * fdnix_dynamodb_item_append_put:
 * @out: where to append a {"PutRequest":{"Item":...}} write request
 * @record_json: a record in its JSON form
 * @budget: largest item text allowed (its DynamoDB size is smaller)
 * @out_shrunk: (out) (optional): whether a description was cut
 * @error: return location for an error
 *
 * Returns: FALSE when @record_json is not a record, or the item is too
 *   large even without its descriptions.
 */
gboolean
fdnix_dynamodb_item_append_put (GString *out, const gchar *record_json, gsize budget,
                                gboolean *out_shrunk, GError **error)
{
  /* mutable: shrinking edits the parsed object */
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local_error = NULL;
  JsonObject *object;
  gsize start = out->len;
  const gchar *fields[] = { "longDescription", "description" };

  if (out_shrunk != NULL)
    *out_shrunk = FALSE;
  /* the fast path: almost every record fits */
  g_string_append (out, "{\"PutRequest\":{\"Item\":");
  if (fdnix_dynamodb_append_item_from_json (out, record_json, -1, NULL))
    {
      g_string_append (out, "}}");
      if (out->len - start <= budget)
        return TRUE;
    }
  g_string_truncate (out, start);
  if (!json_parser_load_from_data (parser, record_json, -1, &local_error) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_INVALID_DATA, "staged record: %s",
                   local_error != NULL ? local_error->message : "not an object");
      return FALSE;
    }
  object = json_node_get_object (json_parser_get_root (parser));
  append_put (out, object);
  for (gsize i = 0; i < G_N_ELEMENTS (fields) && out->len - start > budget; i++)
    {
      gsize excess = out->len - start - budget;
      if (!cut_field (object, fields[i], excess))
        continue;
      g_string_truncate (out, start);
      append_put (out, object);
      if (out_shrunk != NULL)
        *out_shrunk = TRUE;
    }
  if (out->len - start > budget)
    {
      g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_INVALID_DATA,
                   "%s: the item is %" G_GSIZE_FORMAT " bytes even with its descriptions cut; "
                   "DynamoDB's limit is 400 KB",
                   json_object_get_string_member_with_default (object, "packageName", "?"),
                   out->len - start);
      g_string_truncate (out, start);
      return FALSE;
    }
  return TRUE;
}

/**
 * fdnix_dynamodb_item_to_record:
 * @item: a DynamoDB item (attribute name → AttributeValue)
 * @error: return location for an error
 *
 * Returns: (transfer full) (nullable): the record, hashes as stored.
 */
FdnixRecord *
fdnix_dynamodb_item_to_record (JsonObject *item, GError **error)
{
  g_autoptr(JsonObject) plain = fdnix_dynamodb_item_to_object (item);
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), plain);
  g_autofree gchar *json = json_to_string (node, FALSE);

  return fdnix_record_from_json (json, -1, error);
}

/**
 * fdnix_dynamodb_item_embedding_update:
 * @table: the table
 * @u: the embedding note
 *
 * Returns: (transfer full): an UpdateItem request that sets hasEmbedding,
 *   embeddingModel and vectorFile, on the condition that the item still
 *   has the embedding text hash the vector was computed from.
 */
GBytes *
fdnix_dynamodb_item_embedding_update (const gchar *table, const FdnixEmbeddingUpdate *u)
{
  g_autoptr(GString) body = g_string_new ("{");
  GString *values = g_string_new ("{");

  fdnix_json_member_string (body, "TableName", table);
  fdnix_json_member (body, "Key");
  fdnix_dynamodb_append_key (body, "packageName", u->package_name, "version", u->version);
  g_string_append (values, "\":h\":");
  g_string_append (values, u->has_embedding ? "{\"BOOL\":true}" : "{\"BOOL\":false}");
  if (u->embedding_model != NULL && u->vector_file != NULL)
    {
      fdnix_json_member_string (body, "UpdateExpression", "SET #he = :h, #em = :m, #vf = :f");
      g_string_append (values, ",\":m\":{\"S\":");
      fdnix_json_append_string (values, u->embedding_model);
      g_string_append (values, "},\":f\":{\"S\":");
      fdnix_json_append_string (values, u->vector_file);
      g_string_append (values, "}");
    }
  else if (u->embedding_model != NULL)
    {
      fdnix_json_member_string (body, "UpdateExpression", "SET #he = :h, #em = :m REMOVE #vf");
      g_string_append (values, ",\":m\":{\"S\":");
      fdnix_json_append_string (values, u->embedding_model);
      g_string_append (values, "}");
    }
  else
    fdnix_json_member_string (body, "UpdateExpression", "SET #he = :h REMOVE #em, #vf");
  /* a record whose text changed since it was embedded is not marked */
  if (u->embed_text_hash != NULL)
    {
      fdnix_json_member_string (body, "ConditionExpression", "#th = :th");
      g_string_append (values, ",\":th\":{\"S\":");
      fdnix_json_append_string (values, u->embed_text_hash);
      g_string_append (values, "}");
    }
  else
    fdnix_json_member_string (body, "ConditionExpression", "attribute_exists(#pn)");
  g_string_append_c (values, '}');
  fdnix_json_member (body, "ExpressionAttributeNames");
  g_string_append (body, "{\"#he\":\"hasEmbedding\",\"#em\":\"embeddingModel\","
                         "\"#vf\":\"vectorFile\"");
  g_string_append (body, u->embed_text_hash != NULL ? ",\"#th\":\"embeddingTextHash\"}"
                                                    : ",\"#pn\":\"packageName\"}");
  fdnix_json_member (body, "ExpressionAttributeValues");
  g_string_append (body, values->str);
  g_string_free (values, TRUE);
  g_string_append_c (body, '}');
  return g_string_free_to_bytes (g_steal_pointer (&body));
}

