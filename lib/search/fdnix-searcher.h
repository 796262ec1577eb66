/* fdnix-searcher.h: queries in, ranked packages out.
 *
 * A searcher owns the loaded index and the embedder; each query is
 * embedded as a query (Cohere's input_type search_query), then ranked by
 * fdnix_search_rank().  Service embedders go through a FdnixEmbedPool of
 * one request in flight, so throttling and 5xx are retried with backoff
 * like fdnix-embed's requests; the offline embedder is called directly.
 */
#pragma once

#include "core/fdnix-config.h"
#include "embed/fdnix-embedder.h"
#include "search/fdnix-search-index.h"
#include "search/fdnix-search-rank.h"

G_BEGIN_DECLS

extern const FdnixSetting fdnix_search_settings[];

typedef struct _FdnixSearcher FdnixSearcher;

gboolean       fdnix_search_options_from_config (FdnixConfig         *config,
                                                 FdnixEmbedder       *embedder,
                                                 FdnixSearchOptions  *out_options,
                                                 GError             **error);
FdnixSearcher *fdnix_searcher_new        (FdnixSearchIndex         *index,
                                          FdnixEmbedder            *embedder,
                                          guint                     max_attempts);
void           fdnix_searcher_free       (FdnixSearcher            *self);
const FdnixSearchIndex *fdnix_searcher_get_index (FdnixSearcher    *self);
gboolean       fdnix_searcher_embed      (FdnixSearcher            *self,
                                          const gchar * const      *queries,
                                          guint                     n_queries,
                                          gfloat                   *out_vectors,
                                          GError                  **error);
GArray        *fdnix_searcher_search     (FdnixSearcher            *self,
                                          const gchar              *query,
                                          const FdnixSearchOptions *options,
                                          GError                  **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdnixSearcher, fdnix_searcher_free)

G_END_DECLS
