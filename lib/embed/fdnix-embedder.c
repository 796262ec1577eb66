/* fdnix-embedder.c: FdnixEmbedder dispatch and text helpers. */
#include "config.h"

#include <math.h>
#include <string.h>

#include "core/fdnix-error.h"
#include "core/fdnix-float.h"
#include "embed/fdnix-embedder.h"

G_DEFINE_INTERFACE (FdnixEmbedder, fdnix_embedder, G_TYPE_OBJECT)

static void
fdnix_embedder_default_init (FdnixEmbedderInterface *iface)
{
}

#define IFACE(self) FDNIX_EMBEDDER_GET_IFACE (self)

/**
 * fdnix_embedder_get_model:
 * @self: an embedder
 *
 * The identifier of the vector space: two embedders with the same model id
 * produce comparable vectors.  It is stored on each record and in the index,
 * so changing it (another model, another dimension) re-embeds everything.
 *
 * Returns: (transfer none): the model id.
 */
const gchar *
fdnix_embedder_get_model (FdnixEmbedder *self)
{
  return IFACE (self)->get_model (self);
}

/**
 * fdnix_embedder_get_service:
 * @self: an embedder
 *
 * Returns: (transfer none): a short service name for counters and logs
 *   ("offline", "bedrock", "openai").
 */
const gchar *
fdnix_embedder_get_service (FdnixEmbedder *self)
{
  return IFACE (self)->get_service (self);
}

/**
 * fdnix_embedder_get_dimension:
 * @self: an embedder
 *
 * Returns: the length of every vector.
 */
guint
fdnix_embedder_get_dimension (FdnixEmbedder *self)
{
  return IFACE (self)->get_dimension (self);
}

/**
 * fdnix_embedder_get_max_batch:
 * @self: an embedder
 *
 * Returns: the most texts one fdnix_embedder_embed() call takes.
 */
guint
fdnix_embedder_get_max_batch (FdnixEmbedder *self)
{
  return IFACE (self)->get_max_batch (self);
}

/**
 * fdnix_embedder_get_max_chars:
 * @self: an embedder
 *
 * Returns: the longest text (in characters) the model accepts.
 */
guint
fdnix_embedder_get_max_chars (FdnixEmbedder *self)
{
  return IFACE (self)->get_max_chars (self);
}

/**
 * fdnix_embedder_embed:
 * @self: an embedder
 * @texts: (array length=n_texts): texts, each within get_max_chars()
 * @n_texts: number of texts, 1 to get_max_batch()
 * @input_type: documents or a query
 * @out_vectors: (out caller-allocates): room for @n_texts × dimension
 *   floats, filled with L2-normalized vectors in the order of @texts
 * @out_cost: (out) (optional): requests and tokens spent
 * @error: return location for an error; FDNIX_ERROR_THROTTLED,
 *   FDNIX_ERROR_SERVER and FDNIX_ERROR_NETWORK may be retried
 *
 * Makes one attempt.  Safe to call from several threads at once.
 *
 * Returns: TRUE when every vector was filled.
 */
gboolean
fdnix_embedder_embed (FdnixEmbedder *self, const gchar * const *texts, guint n_texts,
                      FdnixInputType input_type, gfloat *out_vectors,
                      FdnixEmbedCost *out_cost, GError **error)
{
  FdnixEmbedCost cost = { 0 };
  gboolean ok;

  g_return_val_if_fail (n_texts > 0 && n_texts <= fdnix_embedder_get_max_batch (self), FALSE);
  ok = IFACE (self)->embed (self, texts, n_texts, input_type, out_vectors, &cost, error);
  if (out_cost != NULL)
    *out_cost = cost;
  return ok;
}

/**
 * fdnix_embed_text_cap:
 * @text: UTF-8 text
 * @max_chars: the model's limit in characters (0: no limit)
 *
 * Cuts @text to at most @max_chars characters, at a character boundary,
 * and at a space when one is near the end, so no half word reaches the
 * model.  Deterministic: the same text always gives the same cut.
 *
 * Returns: (transfer full): the capped text.
 */
gchar *
fdnix_embed_text_cap (const gchar *text, guint max_chars)
{
  const gchar *end;
  const gchar *cut;

  if (max_chars == 0 || g_utf8_strlen (text, -1) <= (glong) max_chars)
    return g_strdup (text);
  end = g_utf8_offset_to_pointer (text, max_chars);
  /* Look back at most 32 bytes for a space; a text without one is cut hard. */
  for (cut = end; cut > text && end - cut < 32; cut--)
    if (g_ascii_isspace (cut[-1]))
      break;
  if (cut == text || end - cut >= 32)
    cut = end;
  while (cut > text && g_ascii_isspace (cut[-1]))
    cut--;
  return g_strndup (text, cut - text);
}

/**
 * fdnix_embed_estimate_tokens:
 * @text: UTF-8 text
 *
 * A service-independent token estimate (4 characters a token, the rule the
 * Bedrock documentation gives), used to enforce a token cap before a
 * request is sent.
 *
 * Returns: the estimated number of tokens, at least 1.
 */
guint64
fdnix_embed_estimate_tokens (const gchar *text)
{
  guint64 chars = (guint64) g_utf8_strlen (text, -1);

  return MAX (1, (chars + 3) / 4);
}

/**
 * fdnix_vector_normalize:
 * @vector: (array length=dimension): a vector, scaled in place
 * @dimension: its length
 *
 * Scales @vector to unit L2 norm (a vector within 1e-4 of it is left as
 * it is); a zero vector stays zero.  Negative zeros become zeros.
 */
void
fdnix_vector_normalize (gfloat *vector, guint dimension)
{
  gdouble sum = 0;

  for (guint i = 0; i < dimension; i++)
    sum += (gdouble) vector[i] * vector[i];
  /* Already unit length (what services return): keep the numbers as the
   * service sent them; rescaling by 1.00000x would only lengthen every
   * number written. */
  sum = sum > 0 && fabs (sum - 1.0) > 2e-4 ? 1.0 / sqrt (sum) : 1.0;
  for (guint i = 0; i < dimension; i++)
    {
      vector[i] = (gfloat) (vector[i] * sum);
      /* -0 is written as 0: make it 0, so a vector read back is the same bits */
      if (vector[i] == 0)
        vector[i] = 0;
    }
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
