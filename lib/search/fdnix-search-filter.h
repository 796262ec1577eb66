/* fdnix-search-filter.h: which packages a search may show.
 *
 * A filter narrows results by license (free, unfree, or a license id: the
 * SPDX id or nixpkgs' short name, without case), by platform (a package
 * that names no platforms runs anywhere), by package set (an attribute
 * path prefix such as python313Packages), and leaves out broken packages
 * unless asked for them.  The search index keeps each package's license
 * ids and platforms as space-separated words for this.
 */
#pragma once

#include <glib.h>

#include "search/fdnix-search-index.h"

G_BEGIN_DECLS

typedef struct {
  const gchar *license;          /* (nullable) "free", "unfree" or an id */
  const gchar *platform;         /* (nullable) "aarch64-darwin" */
  const gchar *set;              /* (nullable) attribute path prefix, without the dot */
  gboolean     include_broken;
} FdnixSearchFilter;

gchar    *fdnix_search_license_words  (const gchar             *license_json);
gchar    *fdnix_search_platform_words (const gchar             *platforms_json);
gboolean  fdnix_search_filter_matches (const FdnixSearchFilter *filter,
                                       const FdnixSearchIndex  *index,
                                       const FdnixSearchEntry  *entry);
gboolean  fdnix_search_has_word       (const gchar             *words,
                                       const gchar             *word);

G_END_DECLS
