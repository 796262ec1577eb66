/* fdnix-search-rank.c: name matches, keyword and vector ranks fused, the
 * best N. */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "search/fdnix-search-rank.h"

/* Typo distances are computed for names up to this length; longer names
 * are not what people mistype in a search box. */
#define MAX_FUZZY_LENGTH 64
#define MAX_VARIANTS 2
#define FAST_LOWER(c) ((c) >= 'A' && (c) <= 'Z' ? (gchar) ((c) + ('a' - 'A')) : (c))

struct _FdnixSearchQuery {
  gchar *text;                       /* lower case, single spaces, trimmed */
  gchar *variants[MAX_VARIANTS];     /* forms compared with names */
  gsize  lengths[MAX_VARIANTS];
  guint  n_variants;
  guint8 buckets[MAX_VARIANTS][32];  /* letters of each variant, by (byte & 31) */
  FdnixKeywordQuery *keywords;       /* the text's stemmed terms */
};

/**
 * fdnix_search_query_new:
 * @text: what the user typed
 *
 * Returns: (transfer full): the query, normalized for name matching.
 */
FdnixSearchQuery *
fdnix_search_query_new (const gchar *text)
{
  FdnixSearchQuery *query = g_new0 (FdnixSearchQuery, 1);
  GString *clean = g_string_new (NULL);
  gboolean space = FALSE;

  for (const gchar *p = text; *p != '\0'; p++)
    {
      if (g_ascii_isspace (*p))
        {
          space = clean->len > 0;
          continue;
        }
      if (space)
        g_string_append_c (clean, ' ');
      space = FALSE;
      g_string_append_c (clean, g_ascii_tolower (*p));
    }
  query->text = g_string_free (clean, FALSE);
  /* names hold no spaces: "android studio" may mean android-studio or
   * androidstudio */
  if (strchr (query->text, ' ') != NULL)
    {
      query->variants[0] = g_strdelimit (g_strdup (query->text), " ", '-');
      query->variants[1] = g_strdup (query->text);
      {
        gchar *w = query->variants[1];
        for (const gchar *r = query->text; *r != '\0'; r++)
          if (*r != ' ')
            *w++ = *r;
        *w = '\0';
      }
      query->n_variants = 2;
    }
  else if (*query->text != '\0')
    {
      query->variants[0] = g_strdup (query->text);
      query->n_variants = 1;
    }
  for (guint i = 0; i < query->n_variants; i++)
    {
      query->lengths[i] = strlen (query->variants[i]);
      /* only variants of at most MAX_FUZZY_LENGTH bytes are compared, so
       * no bucket passes 64 */
      if (query->lengths[i] <= MAX_FUZZY_LENGTH)
        for (gsize k = 0; k < query->lengths[i]; k++)
          query->buckets[i][(guchar) query->variants[i][k] & 31]++;
    }
  query->keywords = fdnix_keyword_query_new (query->text);
  return query;
}

/**
 * fdnix_search_query_free:
 * @query: (transfer full) (nullable): a query
 */
void
fdnix_search_query_free (FdnixSearchQuery *query)
{
  if (query == NULL)
    return;
  g_free (query->text);
  for (guint i = 0; i < MAX_VARIANTS; i++)
    g_free (query->variants[i]);
  fdnix_keyword_query_free (query->keywords);
  g_free (query);
}

/**
 * fdnix_search_query_get_text:
 * @query: a query
 *
 * Returns: (transfer none): the normalized text.
 */
const gchar *
fdnix_search_query_get_text (const FdnixSearchQuery *query)
{
  return query->text;
}

/* The alignment itself, once the bounds let @b through. */
static guint
align (const gchar *a, gsize a_length, const gchar *b, gsize b_length, guint max)
{
  guint rows[3][MAX_FUZZY_LENGTH + 1];
  guint *prev2 = rows[0], *prev = rows[1], *cur = rows[2];
  gchar lb[MAX_FUZZY_LENGTH];

  for (gsize i = 0; i < b_length; i++)
    lb[i] = FAST_LOWER (b[i]);
  for (gsize j = 0; j <= b_length; j++)
    prev[j] = (guint) j;
  for (gsize i = 1; i <= a_length; i++)
    {
      guint row_min;
      guint *t;

      cur[0] = (guint) i;
      row_min = cur[0];
      for (gsize j = 1; j <= b_length; j++)
        {
          guint cost = a[i - 1] == lb[j - 1] ? 0 : 1;
          guint v = MIN (prev[j] + 1, cur[j - 1] + 1);

          v = MIN (v, prev[j - 1] + cost);
          if (i > 1 && j > 1 && a[i - 1] == lb[j - 2] && a[i - 2] == lb[j - 1])
            v = MIN (v, prev2[j - 2] + 1);
          cur[j] = v;
          row_min = MIN (row_min, v);
        }
      if (row_min > max)
        return max + 1;
      t = prev2;
      prev2 = prev;
      prev = cur;
      cur = t;
    }
  return MIN (prev[b_length], max + 1);
}

/* Most names share too few letters with the query to be near it: each
 * edit moves at most one letter in or out of the bag (a swap none), so
 * the letters in excess on either side bound the distance from below.
 * Counting in 32 buckets keeps the bound (merged buckets only hide
 * differences).  @a_buckets holds @a's letters; @b's are taken from it one
 * by one, those it lacks are the surplus (which may stop the pass early),
 * those left over the deficit. */
static guint
distance_with_buckets (const gchar *a, gsize a_length, const guint8 *a_buckets, const gchar *b,
                       gsize b_length, guint max)
{
  guint8 left[32];
  guint surplus = 0, matched = 0;

  if (a_length > MAX_FUZZY_LENGTH || b_length > MAX_FUZZY_LENGTH)
    return max + 1;
  if ((a_length > b_length ? a_length - b_length : b_length - a_length) > max)
    return max + 1;
  memcpy (left, a_buckets, sizeof left);
  for (gsize i = 0; i < b_length; i++)
    {
      guint bucket = (guchar) FAST_LOWER (b[i]) & 31;

      if (left[bucket] > 0)
        {
          left[bucket]--;
          matched++;
        }
      else if (++surplus > max)
        return max + 1;
    }
  if (a_length - matched > max)
    return max + 1;
  return align (a, a_length, b, b_length, max);
}

/**
 * fdnix_search_distance:
 * @a: a lower-case string
 * @a_length: its length
 * @b: a string (compared without ASCII case)
 * @b_length: its length
 * @max: the largest distance of interest
 *
 * The optimal string alignment distance: insertions, deletions,
 * substitutions and swaps of neighbours ("pyhton") count one each.
 *
 * Returns: the distance, or @max + 1 when it is larger than @max.
 */
guint
fdnix_search_distance (const gchar *a, gsize a_length, const gchar *b, gsize b_length, guint max)
{
  guint8 buckets[32] = { 0 };

  if (a_length > MAX_FUZZY_LENGTH)
    return max + 1;
  for (gsize i = 0; i < a_length; i++)
    buckets[(guchar) a[i] & 31]++;
  return distance_with_buckets (a, a_length, buckets, b, b_length, max);
}

/**
 * fdnix_search_match_name:
 * @query: a query
 * @name: a name of a package (attribute path, its last segment, pname or
 *   main program)
 * @whole_path: whether @name is the whole attribute path (an exact match
 *   is then FDNIX_MATCH_EXACT_PATH, and typos count only when it has no
 *   dot)
 * @out_kind: (out): how @name matched
 * @out_distance: (out): typos, for FDNIX_MATCH_FUZZY
 *
 * Returns: the name score (0 for no match).
 */
gfloat
fdnix_search_match_name (const FdnixSearchQuery *query, const gchar *name, gboolean whole_path,
                         FdnixMatchKind *out_kind, guint *out_distance)
{
  gsize m = strlen (name);
  gfloat best = 0;

  *out_kind = FDNIX_MATCH_NONE;
  *out_distance = 0;
  if (m == 0)
    return 0;
  for (guint v = 0; v < query->n_variants; v++)
    {
      const gchar *q = query->variants[v];
      gsize n = query->lengths[v];

      if (m == n && g_ascii_strcasecmp (name, q) == 0)
        {
          *out_kind = whole_path ? FDNIX_MATCH_EXACT_PATH : FDNIX_MATCH_EXACT_NAME;
          *out_distance = 0;
          return whole_path ? FDNIX_SEARCH_EXACT_PATH_SCORE : FDNIX_SEARCH_EXACT_NAME_SCORE;
        }
      /* the first letter first: most names differ there */
      if (n >= 2 && m > n && FAST_LOWER (name[0]) == q[0] && g_ascii_strncasecmp (name, q, n) == 0)
        {
          gfloat score = FDNIX_SEARCH_PREFIX_SCORE * (gfloat) n / (gfloat) m;

          if (score > best)
            {
              best = score;
              *out_kind = FDNIX_MATCH_PREFIX;
            }
        }
      if (n >= 4 && (!whole_path || strchr (name, '.') == NULL))
        {
          guint max = n >= 8 ? 2 : 1;
          guint d = distance_with_buckets (q, n, query->buckets[v], name, m, max);

          if (d >= 1 && d <= max && FDNIX_SEARCH_FUZZY_SCORE / (gfloat) d > best)
            {
              best = FDNIX_SEARCH_FUZZY_SCORE / (gfloat) d;
              *out_kind = FDNIX_MATCH_FUZZY;
              *out_distance = d;
            }
        }
    }
  return best;
}

static void
try_field (const FdnixSearchQuery *query, const gchar *name, gboolean whole_path,
           FdnixMatchField field, FdnixSearchHit *hit)
{
  FdnixMatchKind kind;
  guint distance;
  gfloat score;

  if (*name == '\0' || hit->kind == FDNIX_MATCH_EXACT_PATH)
    return;
  score = fdnix_search_match_name (query, name, whole_path, &kind, &distance);
  /* a package set's member named like the query ("emacsPackages.rg") is
   * less likely meant than a package whose own name or program it is */
  if (kind == FDNIX_MATCH_EXACT_NAME && field == FDNIX_FIELD_ATTRIBUTE_NAME)
    score = FDNIX_SEARCH_EXACT_SEGMENT_SCORE;
  /* near misses: "firefix" means the package firefox more than one that
   * merely builds a program called firefox (firefox-mobile) */
  if (kind < FDNIX_MATCH_EXACT_NAME && (field == FDNIX_FIELD_PNAME || field == FDNIX_FIELD_MAIN_PROGRAM))
    score *= FDNIX_SEARCH_OTHER_FIELD_WEIGHT;
  if (score > hit->name_score)
    {
      hit->name_score = score;
      hit->kind = kind;
      hit->field = field;
      hit->distance = distance;
    }
}

/**
 * fdnix_search_match_entry:
 * @query: a query
 * @index: an index
 * @entry: one of its entries
 * @hit: (out caller-allocates): set to the entry's best name match (score
 *   and cosine left 0)
 */
void
fdnix_search_match_entry (const FdnixSearchQuery *query, const FdnixSearchIndex *index,
                          guint entry, FdnixSearchHit *hit)
{
  const FdnixSearchEntry *e = fdnix_search_index_get_entry (index, entry);
  const gchar *path = fdnix_search_entry_name (index, e);

  memset (hit, 0, sizeof *hit);
  hit->entry = entry;
  if (query->n_variants == 0)
    return;
  try_field (query, path, TRUE, FDNIX_FIELD_ATTRIBUTE_PATH, hit);
  if (e->last_segment > 0)
    try_field (query, path + e->last_segment, FALSE, FDNIX_FIELD_ATTRIBUTE_NAME, hit);
  try_field (query, fdnix_search_entry_pname (index, e), FALSE, FDNIX_FIELD_PNAME, hit);
  try_field (query, fdnix_search_entry_main_program (index, e), FALSE, FDNIX_FIELD_MAIN_PROGRAM, hit);
}

/**
 * fdnix_search_dot:
 * @a: (array): n floats
 * @b: (array): n floats
 * @n: length
 *
 * Returns: the dot product (the cosine, for unit vectors).
 */
gfloat
fdnix_search_dot (const gfloat *a, const gfloat *b, guint n)
{
  guint i = 0;
  gfloat sum = 0;

#if defined(__GNUC__) || defined(__clang__)
  /* Four-float vectors in four independent sums: GCC at -O2 does not
   * vectorize a float reduction by itself (it may not reorder the sums),
   * and this loop is most of a query's time. */
  {
    typedef gfloat v4sf __attribute__ ((vector_size (16)));
    v4sf s0 = { 0 }, s1 = { 0 }, s2 = { 0 }, s3 = { 0 }, x[4], y[4];

    for (; i + 16 <= n; i += 16)
      {
        memcpy (x, a + i, sizeof x);
        memcpy (y, b + i, sizeof y);
        s0 += x[0] * y[0];
        s1 += x[1] * y[1];
        s2 += x[2] * y[2];
        s3 += x[3] * y[3];
      }
    s0 = (s0 + s1) + (s2 + s3);
    sum = (s0[0] + s0[1]) + (s0[2] + s0[3]);
  }
#endif
  for (; i < n; i++)
    sum += a[i] * b[i];
  return sum;
}

/**
 * fdnix_search_relevance:
 * @keyword_rank: 1-based keyword rank, 0 for none
 * @vector_rank: 1-based vector rank, 0 for none
 * @options: the fusion weights
 *
 * Returns: the fused relevance, 1 for first in every weighted list, 0 for
 *   in none (see fdnix-search-rank.h).
 */
gfloat
fdnix_search_relevance (guint keyword_rank, guint vector_rank, const FdnixSearchOptions *options)
{
  gfloat wk = options->keyword_weight, wv = options->vector_weight;
  gfloat sum = 0;

  /* options left at zero mean the plain hybrid */
  if (wk <= 0 && wv <= 0)
    wk = wv = 1;
  if (keyword_rank > 0 && wk > 0)
    sum += wk / (FDNIX_SEARCH_RRF_K + keyword_rank);
  if (vector_rank > 0 && wv > 0)
    sum += wv / (FDNIX_SEARCH_RRF_K + vector_rank);
  return sum * (FDNIX_SEARCH_RRF_K + 1) / (MAX (wk, 0) + MAX (wv, 0));
}

/**
 * fdnix_search_score:
 * @hit: a hit with its name match and relevance set
 * @entry: its entry
 *
 * Returns: the hit's score (see fdnix-search-rank.h).
 */
gfloat
fdnix_search_score (const FdnixSearchHit *hit, const FdnixSearchEntry *entry)
{
  gfloat score = hit->name_score;

  /* for an exact name, relevance only orders packages of that name */
  score += hit->kind >= FDNIX_MATCH_EXACT_NAME ? FDNIX_SEARCH_EXACT_COSINE_WEIGHT * hit->relevance
                                               : hit->relevance;
  /* the user typed the whole path: nothing to prefer */
  if (hit->kind != FDNIX_MATCH_EXACT_PATH)
    score -= FDNIX_SEARCH_DEPTH_PENALTY * MIN (entry->depth, 2);
  if (entry->flags & (FDNIX_SEARCH_ENTRY_BROKEN | FDNIX_SEARCH_ENTRY_INSECURE))
    score -= FDNIX_SEARCH_UNSOUND_PENALTY;
  /* among packages the query's words fit, the ones more people look after */
  if (hit->relevance > 0)
    score += FDNIX_SEARCH_MAINTAINER_PRIOR * MIN (entry->maintainers, FDNIX_SEARCH_MAINTAINER_CAP) /
             FDNIX_SEARCH_MAINTAINER_CAP;
  return score;
}

/* Whether @a ranks before @b. */
static gboolean
better (const FdnixSearchIndex *index, const FdnixSearchHit *a, const FdnixSearchHit *b)
{
  const FdnixSearchEntry *ea, *eb;
  gsize la, lb;

  if (a->score != b->score)
    return a->score > b->score;
  ea = fdnix_search_index_get_entry (index, a->entry);
  eb = fdnix_search_index_get_entry (index, b->entry);
  if (ea->depth != eb->depth)
    return ea->depth < eb->depth;
  la = strlen (fdnix_search_entry_name (index, ea));
  lb = strlen (fdnix_search_entry_name (index, eb));
  if (la != lb)
    return la < lb;
  return strcmp (fdnix_search_entry_name (index, ea), fdnix_search_entry_name (index, eb)) < 0;
}

/* A min-heap on "better": the root is the worst hit kept. */
static void
sift_down (const FdnixSearchIndex *index, FdnixSearchHit *heap, guint n, guint i)
{
  for (;;)
    {
      guint worst = i, l = 2 * i + 1, r = 2 * i + 2;
      FdnixSearchHit t;

      if (l < n && better (index, &heap[worst], &heap[l]))
        worst = l;
      if (r < n && better (index, &heap[worst], &heap[r]))
        worst = r;
      if (worst == i)
        return;
      t = heap[i];
      heap[i] = heap[worst];
      heap[worst] = t;
      i = worst;
    }
}

static void
sift_up (const FdnixSearchIndex *index, FdnixSearchHit *heap, guint i)
{
  while (i > 0)
    {
      guint parent = (i - 1) / 2;
      FdnixSearchHit t;

      if (!better (index, &heap[parent], &heap[i]))
        return;
      t = heap[i];
      heap[i] = heap[parent];
      heap[parent] = t;
      i = parent;
    }
}

typedef struct {
  gfloat cosine;
  guint  entry;
} Scored;

/* Best first; ties to the lower entry, so ranks do not depend on qsort. */
static int
compare_scored (const void *a, const void *b)
{
  const Scored *x = a, *y = b;

  if (x->cosine != y->cosine)
    return x->cosine > y->cosine ? -1 : 1;
  return x->entry < y->entry ? -1 : x->entry > y->entry;
}

/* A min-heap on compare_scored: the root is the worst of the best kept. */
static void
scored_sift_down (Scored *heap, guint n, guint i)
{
  for (;;)
    {
      guint worst = i, l = 2 * i + 1, r = 2 * i + 2;
      Scored t;

      if (l < n && compare_scored (&heap[worst], &heap[l]) < 0)
        worst = l;
      if (r < n && compare_scored (&heap[worst], &heap[r]) < 0)
        worst = r;
      if (worst == i)
        return;
      t = heap[i];
      heap[i] = heap[worst];
      heap[worst] = t;
      i = worst;
    }
}

static void
scored_sift_up (Scored *heap, guint i)
{
  while (i > 0)
    {
      guint parent = (i - 1) / 2;
      Scored t;

      if (compare_scored (&heap[parent], &heap[i]) >= 0)
        return;
      t = heap[i];
      heap[i] = heap[parent];
      heap[parent] = t;
      i = parent;
    }
}

static gfloat *
unit_query_vector (const gfloat *query_vector, guint dimension)
{
  gdouble sum = 0;
  gfloat *unit;

  for (guint i = 0; i < dimension; i++)
    sum += (gdouble) query_vector[i] * query_vector[i];
  if (!(sum > 0) || !isfinite (sum))
    return NULL;
  unit = g_new (gfloat, dimension);
  for (guint i = 0; i < dimension; i++)
    unit[i] = (gfloat) (query_vector[i] / sqrt (sum));
  return unit;
}

/* Every entry's cosine, and the vector ranks of the best
 * FDNIX_SEARCH_FUSION_DEPTH: kept in a heap of that size as the cosines
 * come (sorting every positive cosine cost a fifth of a query), then
 * sorted.  The order is total (ties by entry), so the ranks are those of
 * a full sort. */
static void
rank_vectors (const FdnixSearchIndex *index, const gfloat *unit, gfloat *cosines, guint16 *ranks)
{
  guint count = fdnix_search_index_get_count (index);
  guint dimension = fdnix_search_index_get_dimension (index);
  const gfloat *vectors = fdnix_search_index_get_vectors (index);
  Scored heap[FDNIX_SEARCH_FUSION_DEPTH];
  guint n = 0;

  for (guint i = 0; i < count; i++)
    {
      Scored candidate;

      cosines[i] = fdnix_search_dot (unit, vectors + (gsize) i * dimension, dimension);
      if (!(cosines[i] > 0) || !fdnix_search_index_get_entry (index, i)->has_vector)
        continue;
      candidate = (Scored) { cosines[i], i };
      if (n < FDNIX_SEARCH_FUSION_DEPTH)
        {
          heap[n] = candidate;
          scored_sift_up (heap, n);
          n++;
        }
      else if (compare_scored (&candidate, &heap[0]) < 0)
        {
          heap[0] = candidate;
          scored_sift_down (heap, n, 0);
        }
    }
  qsort (heap, n, sizeof (Scored), compare_scored);
  for (guint r = 0; r < n; r++)
    ranks[heap[r].entry] = (guint16) (r + 1);
}

static void
rank_keywords (const FdnixSearchIndex *index, const FdnixSearchQuery *query, gfloat *scores,
               guint16 *ranks)
{
  g_autoptr(GArray) hits = fdnix_keyword_index_search (fdnix_search_index_get_keywords (index),
                                                       query->keywords);

  for (guint r = 0; r < hits->len; r++)
    {
      const FdnixKeywordHit *hit = &g_array_index (hits, FdnixKeywordHit, r);

      scores[hit->doc] = hit->score;
      if (r < FDNIX_SEARCH_FUSION_DEPTH)
        ranks[hit->doc] = (guint16) (r + 1);
    }
}

/* Whether the vector ranks count in fdnix_search_relevance(): a positive
 * weight, or both weights left at zero (the plain hybrid). */
static gboolean
vectors_vote (const FdnixSearchOptions *fusion)
{
  return fusion->vector_weight > 0 || (fusion->keyword_weight <= 0 && fusion->vector_weight <= 0);
}

/* Keeps the first (best) hit of each group, at most @limit of them. */
static GArray *
keep_best_of_groups (const FdnixSearchIndex *index, GArray *hits, guint limit)
{
  const FdnixSearchGroups *groups = fdnix_search_index_get_groups (index);
  g_autoptr(GHashTable) seen = g_hash_table_new (NULL, NULL);
  guint kept = 0;

  for (guint i = 0; i < hits->len && kept < limit; i++)
    {
      const FdnixSearchHit *hit = &g_array_index (hits, FdnixSearchHit, i);
      guint group = fdnix_search_groups_get_group (groups, hit->entry);

      if (!g_hash_table_add (seen, GUINT_TO_POINTER (group + 1)))
        continue;
      g_array_index (hits, FdnixSearchHit, kept++) = *hit;
    }
  g_array_set_size (hits, kept);
  return hits;
}

/**
 * fdnix_search_rank:
 * @index: a sealed index
 * @query: the query
 * @query_vector: (nullable) (array): the query's embedding (dimension
 *   floats; any length), or NULL to rank by names and keywords alone
 * @options: limit, floor, fusion weights and filter (the keyword and
 *   vector ranks are among all packages, the results only those it lets
 *   through)
 *
 * Returns: (transfer full) (element-type FdnixSearchHit): the best hits,
 *   best first, one per group (fdnix-search-group.h); empty when nothing
 *   scores above the floor.
 */
GArray *
fdnix_search_rank (const FdnixSearchIndex *index, const FdnixSearchQuery *query,
                   const gfloat *query_vector, const FdnixSearchOptions *options)
{
  /* more candidates than results: the versions of one package collapse
   * into one result (fdnix-search-group.h) */
  guint limit = MAX (options->limit, 1) * 8 + 16;
  guint count = fdnix_search_index_get_count (index);
  guint dimension = fdnix_search_index_get_dimension (index);
  g_autofree gfloat *unit = NULL;
  g_autofree gfloat *cosines = g_new0 (gfloat, MAX (count, 1));
  g_autofree gfloat *keyword_scores = g_new0 (gfloat, MAX (count, 1));
  g_autofree guint16 *vector_ranks = g_new0 (guint16, MAX (count, 1));
  g_autofree guint16 *keyword_ranks = g_new0 (guint16, MAX (count, 1));
  g_autofree FdnixSearchHit *heap = g_new (FdnixSearchHit, limit);
  guint n = 0;
  gboolean late_cosines = FALSE;
  GArray *out;

  FdnixSearchOptions fusion = *options;

  if (query_vector != NULL && fdnix_search_index_get_vectors (index) != NULL && dimension > 0)
    unit = unit_query_vector (query_vector, dimension);
  /* without a query vector the keyword list is all there is: it alone
   * makes a relevance of 1 */
  if (unit == NULL)
    fusion.vector_weight = -1;
  /* cosines are shown by --explain even when they do not count */
  if (unit != NULL && (vectors_vote (&fusion) || !options->skip_idle_vector_ranks))
    rank_vectors (index, unit, cosines, vector_ranks);
  else if (unit != NULL)
    late_cosines = TRUE;
  if (fusion.keyword_weight > 0 || fusion.vector_weight <= 0)
    rank_keywords (index, query, keyword_scores, keyword_ranks);
  for (guint i = 0; i < count; i++)
    {
      const FdnixSearchEntry *entry = fdnix_search_index_get_entry (index, i);
      FdnixSearchHit hit;

      if (!fdnix_search_filter_matches (&options->filter, index, entry))
        continue;
      fdnix_search_match_entry (query, index, i, &hit);
      hit.cosine = cosines[i];
      hit.keyword = keyword_scores[i];
      hit.keyword_rank = keyword_ranks[i];
      hit.vector_rank = vector_ranks[i];
      hit.relevance = fdnix_search_relevance (hit.keyword_rank, hit.vector_rank, &fusion);
      hit.score = fdnix_search_score (&hit, entry);
      if (hit.score <= 0 || hit.score < options->min_score)
        continue;
      if (n < limit)
        {
          heap[n] = hit;
          sift_up (index, heap, n);
          n++;
        }
      else if (better (index, &hit, &heap[0]))
        {
          heap[0] = hit;
          sift_down (index, heap, n, 0);
        }
    }
  /* pop worst first into the back of the result */
  out = g_array_sized_new (FALSE, FALSE, sizeof (FdnixSearchHit), n);
  g_array_set_size (out, n);
  while (n > 0)
    {
      g_array_index (out, FdnixSearchHit, n - 1) = heap[0];
      heap[0] = heap[n - 1];
      n--;
      sift_down (index, heap, n, 0);
    }
  out = keep_best_of_groups (index, out, MAX (options->limit, 1));
  /* the vectors did not vote and were not ranked: the results' cosines */
  for (guint i = 0; late_cosines && i < out->len; i++)
    {
      FdnixSearchHit *hit = &g_array_index (out, FdnixSearchHit, i);

      hit->cosine = fdnix_search_dot (unit, fdnix_search_index_get_vectors (index) + (gsize) hit->entry * dimension,
                                      dimension);
    }
  return out;
}

/**
 * fdnix_match_kind_to_string:
 * @kind: a match kind
 *
 * Returns: its name in --json output ("exact-path", "exact-name",
 *   "prefix", "typo" or "none").
 */
const gchar *
fdnix_match_kind_to_string (FdnixMatchKind kind)
{
  switch (kind)
    {
    case FDNIX_MATCH_EXACT_PATH:
      return "exact-path";
    case FDNIX_MATCH_EXACT_NAME:
      return "exact-name";
    case FDNIX_MATCH_PREFIX:
      return "prefix";
    case FDNIX_MATCH_FUZZY:
      return "typo";
    case FDNIX_MATCH_NONE:
    default:
      return "none";
    }
}

/**
 * fdnix_match_field_to_string:
 * @field: a matched field
 *
 * Returns: the record member it is ("packageName", "attributeName",
 *   "pname", "mainProgram"), or NULL for none.
 */
const gchar *
fdnix_match_field_to_string (FdnixMatchField field)
{
  switch (field)
    {
    case FDNIX_FIELD_ATTRIBUTE_PATH:
      return "packageName";
    case FDNIX_FIELD_ATTRIBUTE_NAME:
      return "attributeName";
    case FDNIX_FIELD_PNAME:
      return "pname";
    case FDNIX_FIELD_MAIN_PROGRAM:
      return "mainProgram";
    case FDNIX_FIELD_NONE:
    default:
      return NULL;
    }
}
