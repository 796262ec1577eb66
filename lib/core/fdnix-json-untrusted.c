/* fdnix-json-untrusted.c: depth-checked JSON parsing for outside input. */
#include "config.h"

#include "core/fdnix-error.h"
#include "core/fdnix-json-lex.h"
#include "core/fdnix-json-untrusted.h"

/**
 * fdnix_json_check_depth:
 * @data: JSON text (need not be valid)
 * @length: bytes of @data
 * @max_depth: the deepest nesting of arrays and objects allowed
 * @out_position: (out) (optional): where the limit was passed
 *
 * Counts brackets outside strings; it does not validate, so that the parser
 * that follows reports syntax errors in its own words.
 *
 * Returns: FALSE when @data nests deeper than @max_depth.
 */
gboolean
fdnix_json_check_depth (const gchar *data, gsize length, guint max_depth, gsize *out_position)
{
  const guchar *start = (const guchar *) data;
  const guchar *end;
  const guchar *p;
  guint depth = 0;

  if (length == 0)
    return TRUE;
  end = start + length;
  for (p = fdnix_bytes_skip_to_structural (start, end); p < end;
       p = fdnix_bytes_skip_to_structural (p, end))
    {
      guchar c = *p++;

      if (c == '"')
        p = fdnix_json_lex_skip_string (p, end);
      else if (c == '[' || c == '{')
        {
          if (++depth > max_depth)
            {
              if (out_position != NULL)
                *out_position = (p - 1) - start;
              return FALSE;
            }
        }
      else if (depth > 0)
        depth--;
    }
  return TRUE;
}

/**
 * fdnix_json_parse_untrusted:
 * @data: JSON text from a server or an object store
 * @length: bytes of @data
 * @what: what it is, for messages ("the index s3://b/k", "the Bedrock response")
 * @error: return location for FDNIX_ERROR_INVALID_DATA
 *
 * Returns: (transfer full) (nullable): the root, or NULL when @data is not
 *   JSON or nests deeper than FDNIX_JSON_UNTRUSTED_MAX_DEPTH.
 */
JsonNode *
fdnix_json_parse_untrusted (const gchar *data, gsize length, const gchar *what, GError **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) local_error = NULL;
  gsize position = 0;

  if (data == NULL || length == 0)
    {
      g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_INVALID_DATA, "%s is empty, not JSON", what);
      return NULL;
    }
  if (!fdnix_json_check_depth (data, length, FDNIX_JSON_UNTRUSTED_MAX_DEPTH, &position))
    {
      g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_INVALID_DATA,
                   "%s nests deeper than %u levels (at byte %" G_GSIZE_FORMAT ")", what,
                   FDNIX_JSON_UNTRUSTED_MAX_DEPTH, position);
      return NULL;
    }
  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, data, (gssize) length, &local_error))
    {
      g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_INVALID_DATA, "%s is not valid JSON: %s", what,
                   local_error->message);
      return NULL;
    }
  if (json_parser_get_root (parser) == NULL)
    {
      g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_INVALID_DATA, "%s holds no JSON value", what);
      return NULL;
    }
  return json_parser_steal_root (parser);
}

/**
 * fdnix_json_parse_untrusted_object:
 * @data: JSON text from a server or an object store
 * @length: bytes of @data
 * @what: what it is, for messages
 * @error: return location for FDNIX_ERROR_INVALID_DATA
 *
 * Like fdnix_json_parse_untrusted(), for documents that must be an object.
 *
 * Returns: (transfer full) (nullable): the object
 */
JsonObject *
fdnix_json_parse_untrusted_object (const gchar *data, gsize length, const gchar *what, GError **error)
{
  g_autoptr(JsonNode) root = fdnix_json_parse_untrusted (data, length, what, error);

  if (root == NULL)
    return NULL;
  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_INVALID_DATA, "%s is JSON but not an object", what);
      return NULL;
    }
  return json_object_ref (json_node_get_object (root));
}
