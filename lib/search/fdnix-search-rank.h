/* fdnix-search-rank.h: how fdnix-search orders packages for a query.
 *
 * Two signals say how well a package's text fits the query: its BM25F
 * keyword score (fdnix-keyword-index.h) and the cosine of its vector to
 * the query's.  Each ranks the packages; the ranks are fused by reciprocal
 * rank fusion (Cormack et al. 2009), each list counting up to its
 * FDNIX_SEARCH_FUSION_DEPTH best:
 *
 *   relevance = (wk / (60 + keyword rank) + wv / (60 + vector rank))
 *               × 61 / (wk + wv)                  (1 for first in both)
 *
 * with wk = 1 and wv = 1 for a semantic embedder (Bedrock, OpenAI-compatible)
 * but 0 for the built-in offline one: its vectors are lexical, and on the
 * tuning queries they only blurred what the keywords found (search.fusion
 * and search.vector-weight change this).  Ranks, not scores, are fused, so
 * a model's cosine scale does not matter.  A package's score is its best
 * name match plus its relevance, plus a prior for being looked after, less
 * a little for depth and for being broken or insecure:
 *
 *   exact attribute path            4        the query is the attribute path
 *   exact pname or main program     3        ("rg" is ripgrep's program)
 *   exact last attribute segment    2.5      ("requests" for
 *                                             python313Packages.requests)
 *   prefix                          0.5 × the share of the name covered
 *   one or two typos                0.8 / typos (queries of 4 letters or
 *                                             more; two typos from 8)
 *   a prefix or typo on pname or main program counts 0.75 of that
 *
 *   + relevance (× 0.5 after an exact name: it only orders packages of one
 *     name)
 *   + 0.3 × min (maintainers, 4) / 4 when the relevance is not 0: nixpkgs
 *     has no download counts, and the software many people maintain is
 *     the software many people use (irssi over a one-person IRC client)
 *   - 0.2 per dot of the attribute path, for at most 2 dots (package-set members
 *     such as emacsPackages.rg come after top-level packages), except for
 *     an exact attribute path
 *   - 0.3 for a broken or insecure package
 *
 * Names compare without case, and a query of several words also matches
 * with its spaces as '-' or removed ("android studio" is android-studio).
 * The tiers do not overlap: an exact attribute path always ranks first,
 * then exact names, then everything else by relevance.  Ties go to
 * shallower attribute paths, then shorter ones, then by name.  The versions
 * and package-set copies of one package come once, at the rank of the best
 * of them (fdnix-search-group.h).  The weights were set on the tuning half
 * of bench/relevance (see its README).
 */
#pragma once

#include <glib.h>

#include "search/fdnix-keyword-index.h"
#include "search/fdnix-search-filter.h"
#include "search/fdnix-search-index.h"

G_BEGIN_DECLS

#define FDNIX_SEARCH_EXACT_PATH_SCORE    4.0f
#define FDNIX_SEARCH_EXACT_NAME_SCORE    3.0f
#define FDNIX_SEARCH_EXACT_SEGMENT_SCORE 2.5f
#define FDNIX_SEARCH_PREFIX_SCORE        0.5f
#define FDNIX_SEARCH_FUZZY_SCORE         0.8f
#define FDNIX_SEARCH_EXACT_COSINE_WEIGHT 0.5f
#define FDNIX_SEARCH_DEPTH_PENALTY       0.2f
#define FDNIX_SEARCH_OTHER_FIELD_WEIGHT  0.75f
#define FDNIX_SEARCH_RRF_K               60
#define FDNIX_SEARCH_FUSION_DEPTH        200
#define FDNIX_SEARCH_UNSOUND_PENALTY     0.3f
#define FDNIX_SEARCH_MAINTAINER_PRIOR    0.3f
#define FDNIX_SEARCH_MAINTAINER_CAP      4

typedef enum {
  FDNIX_MATCH_NONE,
  FDNIX_MATCH_FUZZY,
  FDNIX_MATCH_PREFIX,
  FDNIX_MATCH_EXACT_NAME,
  FDNIX_MATCH_EXACT_PATH,
} FdnixMatchKind;

typedef enum {
  FDNIX_FIELD_NONE,
  FDNIX_FIELD_ATTRIBUTE_PATH,
  FDNIX_FIELD_ATTRIBUTE_NAME,  /* the attribute path's last segment */
  FDNIX_FIELD_PNAME,
  FDNIX_FIELD_MAIN_PROGRAM,
} FdnixMatchField;

typedef struct {
  guint           entry;
  gfloat          score;
  gfloat          cosine;      /* as computed, may be negative */
  gfloat          keyword;     /* BM25F × coverage, 0 without a query term */
  guint           keyword_rank;  /* 1-based among keyword matches; 0: beyond the fusion depth */
  guint           vector_rank;   /* 1-based by cosine; 0: beyond the fusion depth */
  gfloat          relevance;   /* the fused ranks, 0 to 1 */
  gfloat          name_score;
  FdnixMatchKind  kind;
  FdnixMatchField field;
  guint           distance;    /* typos, for FDNIX_MATCH_FUZZY */
} FdnixSearchHit;

typedef struct {
  guint  limit;           /* results at most (at least 1) */
  gfloat min_score;       /* results below are not shown */
  gfloat keyword_weight;  /* in the fusion; both 0 means 1 and 1 */
  gfloat vector_weight;
  FdnixSearchFilter filter;  /* which packages may be shown */
  /* When the vectors do not vote (vector weight 0, the offline embedder's
   * default), skip ranking them: a pass over every vector, half of a
   * query.  Hits keep their cosine; vector_rank stays 0.  fdnix-search
   * sets it unless --explain shows the ranks. */
  gboolean skip_idle_vector_ranks;
} FdnixSearchOptions;

typedef struct _FdnixSearchQuery FdnixSearchQuery;

FdnixSearchQuery *fdnix_search_query_new      (const gchar            *text);
void              fdnix_search_query_free     (FdnixSearchQuery       *query);
const gchar      *fdnix_search_query_get_text (const FdnixSearchQuery *query);
gfloat            fdnix_search_match_name     (const FdnixSearchQuery *query,
                                               const gchar            *name,
                                               gboolean                whole_path,
                                               FdnixMatchKind         *out_kind,
                                               guint                  *out_distance);
void              fdnix_search_match_entry    (const FdnixSearchQuery *query,
                                               const FdnixSearchIndex *index,
                                               guint                   entry,
                                               FdnixSearchHit         *hit);
guint             fdnix_search_distance       (const gchar            *a,
                                               gsize                   a_length,
                                               const gchar            *b,
                                               gsize                   b_length,
                                               guint                   max);
gfloat            fdnix_search_dot            (const gfloat           *a,
                                               const gfloat           *b,
                                               guint                   n);
gfloat            fdnix_search_relevance      (guint                   keyword_rank,
                                               guint                   vector_rank,
                                               const FdnixSearchOptions *options);
gfloat            fdnix_search_score          (const FdnixSearchHit   *hit,
                                               const FdnixSearchEntry *entry);
GArray           *fdnix_search_rank           (const FdnixSearchIndex *index,
                                               const FdnixSearchQuery *query,
                                               const gfloat           *query_vector,
                                               const FdnixSearchOptions *options);
const gchar      *fdnix_match_kind_to_string  (FdnixMatchKind          kind);
const gchar      *fdnix_match_field_to_string (FdnixMatchField         field);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdnixSearchQuery, fdnix_search_query_free)

G_END_DECLS
