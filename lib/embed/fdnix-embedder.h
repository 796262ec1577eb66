/* fdnix-embedder.h: texts in, vectors out, whoever computes them.
 *
 * One call to fdnix_embedder_embed() is one request to the service (the
 * offline embedder computes locally), for at most get_max_batch() texts of
 * at most get_max_chars() characters each; callers cap texts with
 * fdnix_embed_text_cap().  The call makes a single attempt: retries,
 * backoff, rate adaptation and caps live in FdnixEmbedPool, which sees
 * every throttle and so can slow down.  Implementations must be safe to
 * call from several threads at once: the pool keeps several requests in
 * flight.
 *
 * Back ends: the built-in offline embedder (default), Bedrock (Cohere embed
 * v3, Titan text v2) and OpenAI-compatible servers.
 * fdnix_embedder_new_from_config() in fdnix-embedder-factory.c is the one
 * place that picks one.
 */
#pragma once

#include <glib-object.h>

#include "core/fdnix-config.h"
#include "core/fdnix-program.h"
#include "core/fdnix-json-cursor.h"

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

  const gchar *(*get_model)     (FdnixEmbedder        *self);
  const gchar *(*get_service)   (FdnixEmbedder        *self);
  guint        (*get_dimension) (FdnixEmbedder        *self);
  guint        (*get_max_batch) (FdnixEmbedder        *self);
  guint        (*get_max_chars) (FdnixEmbedder        *self);
  gboolean     (*embed)         (FdnixEmbedder        *self,
                                 const gchar * const  *texts,
                                 guint                 n_texts,
                                 FdnixInputType        input_type,
                                 gfloat               *out_vectors,
                                 FdnixEmbedCost       *out_cost,
                                 GError              **error);
};

extern const FdnixSetting fdnix_embedder_settings[];

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
FdnixEmbedder *fdnix_embedder_new_from_config (FdnixConfig        *config,
                                               GError            **error);
void           fdnix_embed_add_settings     (FdnixProgram         *program);

gchar         *fdnix_embed_text_cap         (const gchar          *text,
                                             guint                 max_chars);
guint64        fdnix_embed_estimate_tokens  (const gchar          *text);
void           fdnix_vector_normalize       (gfloat               *vector,
                                             guint                 dimension);
gboolean       fdnix_embed_read_vector      (FdnixJsonCursor      *c,
                                             gfloat               *out,
                                             guint                 dimension,
                                             guint                 capacity,
                                             guint                *out_length,
                                             GError              **error);

G_END_DECLS
