/* fdnix-keyword-index.h: BM25F keyword relevance over package fields.
 *
 * Each package is a document of four fields: its names (attribute path,
 * pname, main program), its description, its long description and the
 * category words of its source position.  A query's terms
 * (fdnix-search-terms.h) score a package by BM25F (Robertson & Zaragoza):
 * per term, the field frequencies are length-normalized and weighted into
 * one pseudo-frequency tf~ that saturates:
 *
 *   tf~   = Σ_field weight_f × tf_f / (1 − b_f + b_f × length_f / average_f)
 *   score = Σ_term idf(term) × tf~ / (k1 + tf~),
 *   idf   = ln (1 + (N − df + 0.5) / (df + 0.5))
 *
 * and the sum is multiplied by (matched / terms)², the share of the query's
 * known terms the package has, squared, so that a package covering every
 * word of "terminal multiplexer" beats one that repeats "terminal".
 *
 * Building: add every document (ids 0, 1, ... in order), then seal, which
 * may renumber documents (the search index sorts its entries).  A sealed
 * index is read-only and may be searched from several threads.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  FDNIX_KEYWORD_NAME,
  FDNIX_KEYWORD_DESCRIPTION,
  FDNIX_KEYWORD_LONG_DESCRIPTION,
  FDNIX_KEYWORD_CATEGORY,
  FDNIX_KEYWORD_N_FIELDS
} FdnixKeywordField;

/* Names are short and say most; a long description says a lot about
 * everything, so its words count for less. */
#define FDNIX_KEYWORD_K1 1.2f
#define FDNIX_KEYWORD_WEIGHTS { 3.0f, 2.0f, 0.5f, 1.0f }
#define FDNIX_KEYWORD_B       { 0.5f, 0.75f, 0.75f, 0.3f }

typedef struct {
  guint  doc;
  gfloat score;      /* BM25F × coverage */
  guint  matched;    /* query terms the document has */
} FdnixKeywordHit;

typedef struct _FdnixKeywordIndex FdnixKeywordIndex;
typedef struct _FdnixKeywordQuery FdnixKeywordQuery;

FdnixKeywordIndex *fdnix_keyword_index_new        (void);
void               fdnix_keyword_index_free       (FdnixKeywordIndex       *self);
guint              fdnix_keyword_index_add        (FdnixKeywordIndex       *self,
                                                   const gchar * const     *fields);
void               fdnix_keyword_index_seal       (FdnixKeywordIndex       *self,
                                                   const gint              *new_ids,
                                                   guint                    n_new);
guint              fdnix_keyword_index_get_n_docs (const FdnixKeywordIndex *self);
guint              fdnix_keyword_index_get_n_terms (const FdnixKeywordIndex *self);
gsize              fdnix_keyword_index_get_memory_size (const FdnixKeywordIndex *self);

FdnixKeywordQuery *fdnix_keyword_query_new        (const gchar             *text);
void               fdnix_keyword_query_free       (FdnixKeywordQuery       *query);
guint              fdnix_keyword_query_get_n_terms (const FdnixKeywordQuery *query);
const gchar       *fdnix_keyword_query_get_term   (const FdnixKeywordQuery *query,
                                                   guint                    i);

GArray            *fdnix_keyword_index_search     (const FdnixKeywordIndex *self,
                                                   const FdnixKeywordQuery *query);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdnixKeywordIndex, fdnix_keyword_index_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdnixKeywordQuery, fdnix_keyword_query_free)

G_END_DECLS
