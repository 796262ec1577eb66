/* fdnix-search-output.h: results as a table or as JSON lines.
 *
 * The table is for people: attribute path, version, score, description
 * (cut to the terminal's width when there is one).  JSON lines are for
 * programs: one object per result, members named as in the package record
 * (fdnix-search(1) documents them).  --explain adds how each score was
 * made: the name match (kind, field, the name matched, its points) and
 * the cosine.
 */
#pragma once

#include <glib.h>

#include "search/fdnix-search-index.h"
#include "search/fdnix-search-rank.h"

G_BEGIN_DECLS

gchar *fdnix_search_explain_text  (const FdnixSearchIndex *index,
                                   const FdnixSearchHit   *hit);
void   fdnix_search_append_json   (GString                *out,
                                   const FdnixSearchIndex *index,
                                   const gchar            *query,
                                   guint                   rank,
                                   const FdnixSearchHit   *hit,
                                   gboolean                explain);
void   fdnix_search_append_table  (GString                *out,
                                   const FdnixSearchIndex *index,
                                   GArray                 *hits,
                                   gboolean                explain,
                                   guint                   width);

const gchar *fdnix_search_hit_matched_name (const FdnixSearchIndex *index, const FdnixSearchHit *hit);
guint        fdnix_search_terminal_width   (void);

G_END_DECLS
