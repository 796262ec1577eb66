/* fdnix-embedder.c: FdnixEmbedder dispatch and text helpers. */
#include "config.h"

#include <math.h>
#include <string.h>

#include "embed/fdnix-embedder.h"

G_DEFINE_INTERFACE (FdnixEmbedder, fdnix_embedder, G_TYPE_OBJECT)

static void
fdnix_embedder_default_init (FdnixEmbedderInterface *iface)
{
}

#define IFACE(self) FDNIX_EMBEDDER_GET_IFACE (self)

/**
 * fdnix_embedder_get_info:
 * @self: an embedder
 *
 * Returns: (transfer none): what the embedder makes (service, model id,
 *   dimension) and its request limits; fixed for its lifetime.
 */
const FdnixEmbedderInfo *
fdnix_embedder_get_info (FdnixEmbedder *self)
{
  return IFACE (self)->get_info (self);
}

/**
 * fdnix_embedder_get_model:
 * @self: an embedder
 *
 * Returns: (transfer none): the model id (FdnixEmbedderInfo.model).
 */
const gchar *
fdnix_embedder_get_model (FdnixEmbedder *self)
{
  return fdnix_embedder_get_info (self)->model;
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
  return fdnix_embedder_get_info (self)->service;
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
  return fdnix_embedder_get_info (self)->dimension;
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
  return fdnix_embedder_get_info (self)->max_batch;
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
  return fdnix_embedder_get_info (self)->max_chars;
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
  /* a service that does not count tokens (and the offline embedder):
   * the estimate, so token caps hold for every back end */
  if (ok && cost.tokens == 0)
    for (guint i = 0; i < n_texts; i++)
      cost.tokens += fdnix_embed_estimate_tokens (texts[i]);
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
