/* fdnix-embedder.h: texts in, vectors out, whoever computes them.
 *
 * One call to fdnix_embedder_embed() is one request to the service (the
 * offline embedder computes locally), for at most max_batch texts of at
 * most max_chars characters each (the embedder's FdnixEmbedderInfo);
 * callers cap texts with fdnix_embed_text_cap().  The call makes a single
 * attempt: retries, backoff, rate adaptation and caps live in
 * FdnixEmbedPool, which sees every throttle and so can slow down.
 * Implementations must be safe to call from several threads at once: the
 * pool keeps several requests in flight.
 *
 * Back ends: the built-in offline embedder (default), Bedrock (Cohere embed
 * v3, Titan text v2) and OpenAI-compatible servers.  Each fills its
 * FdnixEmbedderInfo once, when made; fdnix-embedder-factory.h picks one,
 * fdnix-embedder-response.h reads a service's answer.
 */
#pragma once

#include <glib-object.h>

#include "core/fdnix-embedder-info.h"

G_BEGIN_DECLS

typedef enum {
  FDNIX_INPUT_DOCUMENT,  /* a package text, stored for search */
  FDNIX_INPUT_QUERY,     /* a search query (Cohere's search_query) */
} FdnixInputType;

/* What one call cost, for caps and the run summary. */
typedef struct {
  guint   requests;        /* requests sent (0 for the offline embedder) */
  guint64 tokens;          /* tokens the service reported, else an estimate */
  guint   retry_after_ms;  /* the service's hint on a throttled answer */
} FdnixEmbedCost;

#define FDNIX_TYPE_EMBEDDER (fdnix_embedder_get_type ())
G_DECLARE_INTERFACE (FdnixEmbedder, fdnix_embedder, FDNIX, EMBEDDER, GObject)

struct _FdnixEmbedderInterface {
  GTypeInterface parent_iface;

  const FdnixEmbedderInfo *(*get_info) (FdnixEmbedder        *self);
  /* tokens: those the service counted, or 0 to have them estimated */
  gboolean                 (*embed)    (FdnixEmbedder        *self,
                                        const gchar * const  *texts,
                                        guint                 n_texts,
                                        FdnixInputType        input_type,
                                        gfloat               *out_vectors,
                                        FdnixEmbedCost       *out_cost,
                                        GError              **error);
};

const FdnixEmbedderInfo *fdnix_embedder_get_info (FdnixEmbedder *self);
const gchar   *fdnix_embedder_get_model     (FdnixEmbedder        *self);
const gchar   *fdnix_embedder_get_service   (FdnixEmbedder        *self);
guint          fdnix_embedder_get_dimension (FdnixEmbedder        *self);
guint          fdnix_embedder_get_max_batch (FdnixEmbedder        *self);
guint          fdnix_embedder_get_max_chars (FdnixEmbedder        *self);
gboolean       fdnix_embedder_embed         (FdnixEmbedder        *self,
                                             const gchar * const  *texts,
                                             guint                 n_texts,
                                             FdnixInputType        input_type,
                                             gfloat               *out_vectors,
                                             FdnixEmbedCost       *out_cost,
                                             GError              **error);

gchar         *fdnix_embed_text_cap         (const gchar          *text,
                                             guint                 max_chars);
guint64        fdnix_embed_estimate_tokens  (const gchar          *text);
void           fdnix_vector_normalize       (gfloat               *vector,
                                             guint                 dimension);

G_END_DECLS
