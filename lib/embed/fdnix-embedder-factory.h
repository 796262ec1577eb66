/* fdnix-embedder-factory.h: the one place that picks an embedder.
 *
 * The offline embedder is the default; BEDROCK_MODEL_ID selects Bedrock,
 * an OpenAI-compatible base URL that server (embed.embedder names one
 * outright).
 */
#pragma once

#include "core/fdnix-config.h"
#include "core/fdnix-program.h"
#include "embed/fdnix-embedder.h"

G_BEGIN_DECLS

extern const FdnixSetting fdnix_embedder_settings[];

FdnixEmbedder *fdnix_embedder_new_from_config (FdnixConfig  *config,
                                               GError      **error);
void           fdnix_embed_add_settings       (FdnixProgram *program);

G_END_DECLS
