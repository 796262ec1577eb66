/* fdnix-keyword-index-private.h: the keyword index's insides, for the
 * modules that store and load it (fdnix-search-bundle.c). */
#pragma once

#include "search/fdnix-keyword-index.h"
#include "search/fdnix-search-terms.h"

G_BEGIN_DECLS

/* A document's frequencies of one term, per field (saturated at 255:
 * BM25 saturates long before that). */
typedef struct {
  guint32 doc;
  guint8  tf[FDNIX_KEYWORD_N_FIELDS];
} Posting;

typedef struct {
  guint32 start;   /* into postings */
  guint32 count;   /* documents that have the term */
} Term;

struct _FdnixKeywordIndex {
  /* while building */
  FdnixTermizer *termizer;
  GHashTable    *term_ids;      /* stem → id + 1 */
  GPtrArray     *term_names;    /* id → stem (the key above) */
  GPtrArray     *term_lists;    /* id → GArray of Posting, by document */
  GArray        *lengths;       /* guint16[N_FIELDS] per document */
  guint          n_docs;
  /* sealed */
  gboolean       sealed;
  GHashTable    *terms;         /* term → Term* (into term_table) */
  Term          *term_table;
  Posting       *postings;
  gsize          n_postings;
  gfloat         average[FDNIX_KEYWORD_N_FIELDS];
  /* loaded from a search bundle: the term names (the keys of terms) and,
   * when postings_borrowed, the postings are its bytes */
  GBytes        *backing;
  gboolean       postings_borrowed;
};

G_END_DECLS
