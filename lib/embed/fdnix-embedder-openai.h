/* fdnix-embedder-openai.h: any server speaking OpenAI's /v1/embeddings.
 *
 * OpenAI itself, Ollama, llama.cpp's server, vLLM, Hugging Face TEI:
 *   POST <base-url>/embeddings
 *   {"model": M, "input": [texts...], "encoding_format": "float"
 *    [, "dimensions": D]}
 *   → {"data": [{"index": i, "embedding": [...]}, ...],
 *      "usage": {"prompt_tokens": N, ...}}
 * with "Authorization: Bearer <key>" when an API key is set (the key is
 * a secret: it never reaches a log line).  When no dimension is
 * configured, one probe request at start-up learns it.  Errors are read
 * from {"error": {"message": ...}}, {"error": "..."} or {"message": ...}.
 */
#pragma once

#include "core/fdnix-config.h"
#include "embed/fdnix-embedder.h"

G_BEGIN_DECLS

#define FDNIX_TYPE_EMBEDDER_OPENAI (fdnix_embedder_openai_get_type ())
G_DECLARE_FINAL_TYPE (FdnixEmbedderOpenai, fdnix_embedder_openai, FDNIX, EMBEDDER_OPENAI, GObject)

#define FDNIX_OPENAI_MAX_DIMENSION 16384

extern const FdnixSetting fdnix_openai_settings[];

FdnixEmbedder *fdnix_embedder_openai_new      (FdnixConfig          *config,
                                               GError              **error);
gchar         *fdnix_openai_request_body      (const gchar          *model,
                                               const gchar * const  *texts,
                                               guint                 n_texts,
                                               guint                 dimensions);
gboolean       fdnix_openai_parse_response    (const gchar          *body,
                                               gsize                 length,
                                               guint                 n_texts,
                                               guint                *inout_dimension,
                                               gfloat               *out_vectors,
                                               guint64              *out_tokens,
                                               GError              **error);
gchar         *fdnix_openai_error_message     (const gchar          *body,
                                               gsize                 length);

G_END_DECLS
