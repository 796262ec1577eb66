/* fdnix-embedder-response.h: reading a service's embeddings answer.
 *
 * Bedrock and OpenAI-compatible servers answer with one JSON object whose
 * members differ but whose checks are the same: a well-formed object and
 * nothing after it, as many vectors as texts, each of the expected length
 * with finite numbers, L2-normalized, and the tokens the service counted.
 * fdnix_embed_parse_response() walks the object and makes those checks;
 * each back end only reads the members it knows.
 */
#pragma once

#include "core/fdnix-json-cursor.h"

G_BEGIN_DECLS

/* What a response parser knows while it reads. */
typedef struct {
  guint    n_texts;    /* texts sent: the vectors expected */
  guint    count;      /* vectors read so far */
  gint64   tokens;     /* tokens the service counted; 0 if it did not say */
  gpointer user_data;  /* the back end's own */
} FdnixEmbedResponse;

/* Reads the value of @member (or skips it) at @c; FALSE with @error set on
 * a bad value. */
typedef gboolean (*FdnixEmbedMemberFunc) (FdnixJsonCursor    *c,
                                          const gchar        *member,
                                          FdnixEmbedResponse *response,
                                          GError            **error);

gboolean fdnix_embed_parse_response (const gchar          *what,
                                     const gchar          *body,
                                     gsize                 length,
                                     FdnixEmbedResponse   *response,
                                     FdnixEmbedMemberFunc  func,
                                     guint64              *out_tokens,
                                     GError              **error);
gboolean fdnix_embed_read_vector    (FdnixJsonCursor      *c,
                                     gfloat               *out,
                                     guint                 dimension,
                                     guint                 capacity,
                                     guint                *out_length,
                                     GError              **error);

G_END_DECLS
