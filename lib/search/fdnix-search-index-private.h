/* fdnix-search-index-private.h: the search index's insides, for the
 * modules that store and load it (fdnix-search-bundle.c). */
#pragma once

#include "search/fdnix-search-index.h"

G_BEGIN_DECLS

struct _FdnixSearchIndex {
  GArray  *entries;     /* FdnixSearchEntry */
  gchar   *chunk;       /* NUL-terminated strings; offset 0 is "" */
  gsize    chunk_len;
  gsize    chunk_alloc;
  guint    dimension;   /* 0 until sealed */
  gboolean sealed;
  gfloat  *vectors;     /* count × dimension, zero rows for packages without one */
  guint    n_vectors;
  FdnixKeywordIndex *keywords;  /* one document per entry added, renumbered at seal */
  GHashTable        *shared;    /* while building: text → offset, for texts many share */
  FdnixSearchGroups *groups;    /* made at seal */
  GBytes            *backing;   /* loaded from a search bundle: chunk is in it */
};

G_END_DECLS
