/* fdnix-embedder-bedrock.h: Amazon Bedrock InvokeModel embeddings.
 *
 * Two model families:
 *   - Cohere embed v3 (cohere.embed-english-v3, -multilingual-v3, light):
 *     up to 96 texts of at most 2048 characters per request,
 *     {"texts", "input_type": "search_document"|"search_query",
 *      "truncate": "END"}; the answer's "embeddings" is a list of vectors,
 *     or {"float": [...]} when typed embeddings are returned (both read);
 *   - Titan text embeddings v2 (amazon.titan-embed-text-v2:0): one text
 *     per request, {"inputText", "dimensions", "normalize": true}.
 * Requests are signed (SigV4, service "bedrock") by lib/aws and sent to
 * bedrock-runtime.<region>.amazonaws.com or the endpoint override.  Each
 * fdnix_embedder_embed() call is a single attempt: the embed pool retries
 * and slows down on throttling.
 */
#pragma once

#include "core/fdnix-config.h"
#include "embed/fdnix-embedder.h"

G_BEGIN_DECLS

typedef enum {
  FDNIX_BEDROCK_COHERE,
  FDNIX_BEDROCK_TITAN,
} FdnixBedrockFamily;

#define FDNIX_COHERE_MAX_TEXTS 96
#define FDNIX_COHERE_MAX_CHARS 2048
#define FDNIX_TITAN_MAX_CHARS 50000

#define FDNIX_TYPE_EMBEDDER_BEDROCK (fdnix_embedder_bedrock_get_type ())
G_DECLARE_FINAL_TYPE (FdnixEmbedderBedrock, fdnix_embedder_bedrock, FDNIX, EMBEDDER_BEDROCK, GObject)

extern const FdnixSetting fdnix_bedrock_settings[];

FdnixEmbedder *fdnix_embedder_bedrock_new      (FdnixConfig          *config,
                                                GError              **error);
gboolean       fdnix_bedrock_model_info        (const gchar          *model_id,
                                                guint                 requested_dimension,
                                                FdnixBedrockFamily   *out_family,
                                                guint                *out_dimension,
                                                GError              **error);
gchar         *fdnix_bedrock_request_body      (FdnixBedrockFamily    family,
                                                const gchar * const  *texts,
                                                guint                 n_texts,
                                                FdnixInputType        input_type,
                                                guint                 dimension);
gboolean       fdnix_bedrock_parse_response    (FdnixBedrockFamily    family,
                                                const gchar          *body,
                                                gsize                 length,
                                                guint                 n_texts,
                                                guint                 dimension,
                                                gfloat               *out_vectors,
                                                guint64              *out_tokens,
                                                GError              **error);

G_END_DECLS
