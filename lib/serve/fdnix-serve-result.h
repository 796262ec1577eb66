/* fdnix-serve-result.h: one package as fdnix-search --serve shows it, and
 * the API's JSON.
 *
 * A result points into a snapshot's strings (it lives no longer than the
 * reference to the snapshot that made it), so that the JSON and the page
 * are made from one view of a package, and the escaping of each can be
 * tested without an index.
 */
#pragma once

#include <glib.h>

#include "search/fdnix-search-index.h"
#include "search/fdnix-search-rank.h"
#include "serve/fdnix-serve-params.h"

G_BEGIN_DECLS

#define FDNIX_SERVE_MAX_ALTERNATIVES 20

typedef struct {
  const gchar    *attribute_path;
  const gchar    *version;
  const gchar    *pname;          /* "" for none, like the other texts */
  const gchar    *main_program;
  const gchar    *description;
  const gchar    *homepage;
  const gchar    *position;
  const gchar    *licenses;       /* space-separated ids */
  const gchar    *platforms;      /* space-separated; "" for any */
  const gchar    *alternatives[FDNIX_SERVE_MAX_ALTERNATIVES];
  guint           n_alternatives;
  guint           more_alternatives;  /* beyond those listed */
  gboolean        broken;
  gboolean        unfree;
  gboolean        insecure;
  gboolean        has_vector;
  gboolean        has_hit;        /* FALSE for a package looked up by name */
  FdnixSearchHit  hit;
  const gchar    *matched;        /* the name that matched, or NULL */
  gchar          *explain;        /* (nullable) owned: the score in one line */
} FdnixServeResult;

GStrv fdnix_serve_unique_words      (const gchar            *words);
void fdnix_serve_result_init        (FdnixServeResult       *result,
                                     const FdnixSearchIndex *index,
                                     guint                   entry,
                                     const FdnixSearchHit   *hit,
                                     gboolean                explain);
void fdnix_serve_result_clear       (FdnixServeResult       *result);
void fdnix_serve_append_result_json (GString                *out,
                                     const FdnixServeResult *result,
                                     gboolean                explain);
void fdnix_serve_append_search_json (GString                *out,
                                     const FdnixServeParams *params,
                                     const FdnixServeResult *results,
                                     guint                   n_results,
                                     gboolean                more,
                                     gboolean                cached,
                                     gdouble                 took_ms,
                                     const gchar            *run_id);
void fdnix_serve_append_error_json  (GString                *out,
                                     guint                   status,
                                     const gchar            *message);

G_END_DECLS
