/* fdnix-embedder-response.c: the checks every embeddings answer gets. */
#include "config.h"

#include <math.h>

#include "core/fdnix-error.h"
#include "core/fdnix-float.h"
#include "embed/fdnix-embedder.h"
#include "embed/fdnix-embedder-response.h"

/**
 * fdnix_embed_parse_response:
 * @what: what the body is, put before every error ("Bedrock response")
 * @body: the response body
 * @length: its length
 * @response: (inout): n_texts and user_data set; count and tokens zero
 * @func: reads one member of the top-level object, counting the vectors
 *   it fills in @response->count and tokens in @response->tokens
 * @out_tokens: (out) (optional): tokens the service counted, 0 if it did not say
 * @error: return location for FDNIX_ERROR_INVALID_DATA
 *
 * Walks the one JSON object of the body, member by member, then checks
 * that nothing follows it and that every text got a vector.
 *
 * Returns: TRUE when every vector was read.
 */
gboolean
fdnix_embed_parse_response (const gchar *what, const gchar *body, gsize length,
                            FdnixEmbedResponse *response, FdnixEmbedMemberFunc func,
                            guint64 *out_tokens, GError **error)
{
  FdnixJsonCursor c;
  gchar *key = NULL;

  fdnix_json_cursor_init (&c, body, length);
  if (!fdnix_json_cursor_begin_object (&c, error))
    {
      g_prefix_error (error, "%s: ", what);
      return FALSE;
    }
  while (fdnix_json_cursor_next_member (&c, &key, error))
    {
      g_autofree gchar *member = key;

      if (!func (&c, member, response, error))
        {
          g_prefix_error (error, "%s: ", what);
          return FALSE;
        }
    }
  if (c.failed || !fdnix_json_cursor_end (&c, error))
    {
      g_prefix_error (error, "%s: ", what);
      return FALSE;
    }
  if (response->count != response->n_texts)
    {
      g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_INVALID_DATA,
                   "%s: %u embeddings for %u texts", what, response->count, response->n_texts);
      return FALSE;
    }
  if (out_tokens != NULL)
    *out_tokens = (guint64) MAX (response->tokens, 0);
  return TRUE;
}

/**
 * fdnix_embed_read_vector:
 * @c: a cursor before a JSON array of numbers
 * @out: (out caller-allocates): room for @dimension floats
 * @dimension: the length the array must have; 0 accepts any length up to
 *   @capacity and reports it in @out_length
 * @capacity: room in @out
 * @out_length: (out) (optional): the array's length
 * @error: return location for FDNIX_ERROR_INVALID_DATA
 *
 * Reads an embedding from a service's response, L2-normalized (services
 * differ on whether they normalize; cosine search wants unit vectors).
 *
 * Returns: TRUE on success.
 */
gboolean
fdnix_embed_read_vector (FdnixJsonCursor *c, gfloat *out, guint dimension, guint capacity,
                         guint *out_length, GError **error)
{
  guint n = 0;

  if (!fdnix_json_cursor_begin_array (c, error))
    return FALSE;
  while (fdnix_json_cursor_next_element (c, error))
    {
      const gchar *text;
      gsize length;
      gfloat value;

      if (!fdnix_json_cursor_number (c, &text, &length, error))
        return FALSE;
      if (n >= (dimension > 0 ? dimension : capacity))
        return fdnix_json_cursor_fail (c, "embedding longer than expected", error);
      value = fdnix_float_parse (text, length);
      if (!isfinite (value))
        return fdnix_json_cursor_fail (c, "embedding with a non-finite number", error);
      out[n++] = value;
    }
  if (c->failed)
    return FALSE;
  if (n == 0 || (dimension > 0 && n != dimension))
    {
      g_autofree gchar *message = g_strdup_printf ("embedding of length %u, expected %u", n, dimension);
      return fdnix_json_cursor_fail (c, message, error);
    }
  fdnix_vector_normalize (out, n);
  if (out_length != NULL)
    *out_length = n;
  return TRUE;
}
