/* check-search-rank: the in-memory index, name matching, scores and order,
 * and the table and JSON output. */
#include "config.h"

#include <math.h>
#include <string.h>
#include <json-glib/json-glib.h>

#include "search/fdnix-search-index.h"
#include "search/fdnix-search-output.h"
#include "search/fdnix-search-rank.h"
#include "fdnix-test.h"

#define DIM 4

/* A small package set.  Vectors are axis-aligned so cosines are easy to
 * reason about: the query vector picks which packages are "similar". */
static const struct {
  const gchar *name;
  const gchar *pname;
  const gchar *main_program;
  const gchar *description;
  gfloat       vector[DIM];  /* all zero: no vector */
} packages[] = {
  { "ripgrep", "ripgrep", "rg", "Fast line-oriented search tool", { 0.2f, 1, 0, 0 } },
  { "emacsPackages.rg", "emacs-rg", NULL, NULL, { 1, 0.1f, 0, 0 } },
  { "ripgrep-all", "ripgrep-all", "rga", "Ripgrep, but also search in PDFs", { 0, 1, 0.2f, 0 } },
  { "gnumake", "gnumake", "make", "Tool to control the generation of files", { 0, 0, 1, 0 } },
  { "vimPlugins.nvim-treesitter-parsers.make", "vimplugin-make", NULL, "Tree-sitter grammar for make", { 0, 0, 1, 0.1f } },
  { "firefox", "firefox", "firefox", "Web browser", { 0, 0, 0, 1 } },
  { "firefox-mobile", "firefox", "firefox", "Web browser for phones", { 0, 0, 0.1f, 1 } },
  { "python313Packages.requests", "python3.13-requests", NULL, "HTTP library for Python", { 0.5f, 0.5f, 0.5f, 0.5f } },
  { "python314Packages.requests", "python3.14-requests", NULL, "HTTP library for Python", { 0.5f, 0.5f, 0.5f, 0.5f } },
  { "android-studio", "android-studio", "android-studio", "Official IDE for Android", { 0, 0, 0, 0 } },
  { "ranger", "ranger", "ranger", "File manager with minimalistic curses interface", { 0.9f, 0, 0, 0.1f } },
  { "nnn", "nnn", "nnn", "Small ncurses-based file browser", { 0.8f, 0, 0.1f, 0 } },
  { "lf", "lf", "lf", "Terminal file manager", { 0.7f, 0.1f, 0, 0 } },
};

static FdnixSearchIndex *
make_index (void)
{
  g_autoptr(FdnixSearchIndex) index = fdnix_search_index_new ();
  g_autoptr(GError) error = NULL;

  /* added in reverse, so sealing has something to sort */
  for (gint i = G_N_ELEMENTS (packages) - 1; i >= 0; i--)
    ck_assert_msg (fdnix_search_index_add (index, packages[i].name, "1.0", packages[i].pname,
                                           packages[i].main_program, packages[i].description, &error),
                   "%s", error != NULL ? error->message : "");
  ck_assert_uint_eq (fdnix_search_index_seal (index, DIM), 0);
  for (guint i = 0; i < G_N_ELEMENTS (packages); i++)
    {
      gint entry = fdnix_search_index_find (index, packages[i].name);
      gboolean any = FALSE;

      ck_assert_int_ge (entry, 0);
      for (guint k = 0; k < DIM; k++)
        any |= packages[i].vector[k] != 0;
      if (any)
        ck_assert (fdnix_search_index_set_vector (index, (guint) entry, packages[i].vector));
    }
  return g_steal_pointer (&index);
}

/* Ranks @query against the package set; returns the attribute paths. */
/* The fusion weights rank() uses: hybrid unless a test says otherwise. */
static gfloat keyword_weight = 1, vector_weight = 1;

static GPtrArray *
rank (const gchar *query, const gfloat *vector, guint limit, gfloat min_score, GArray **out_hits)
{
  g_autoptr(FdnixSearchIndex) index = make_index ();
  g_autoptr(FdnixSearchQuery) q = fdnix_search_query_new (query);
  FdnixSearchOptions options = { limit, min_score, keyword_weight, vector_weight };
  g_autoptr(GArray) hits = fdnix_search_rank (index, q, vector, &options);
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < hits->len; i++)
    {
      const FdnixSearchHit *hit = &g_array_index (hits, FdnixSearchHit, i);
      const FdnixSearchEntry *e = fdnix_search_index_get_entry (index, hit->entry);

      g_ptr_array_add (names, g_strdup (fdnix_search_entry_name (index, e)));
      if (i > 0)
        ck_assert (g_array_index (hits, FdnixSearchHit, i - 1).score >= hit->score);
    }
  if (out_hits != NULL)
    *out_hits = g_steal_pointer (&hits);
  return names;
}

#define NAME(names, i) ((const gchar *) (names)->pdata[i])

/* ---- the index */

START_TEST (test_index_compact)
{
  g_autoptr(FdnixSearchIndex) index = make_index ();
  const gfloat *vectors = fdnix_search_index_get_vectors (index);
  gint entry;
  const FdnixSearchEntry *e;
  gfloat norm = 0;

  ck_assert_uint_eq (fdnix_search_index_get_count (index), G_N_ELEMENTS (packages));
  ck_assert_uint_eq (fdnix_search_index_get_n_vectors (index), G_N_ELEMENTS (packages) - 1);
  /* sorted by attribute path */
  for (guint i = 1; i < fdnix_search_index_get_count (index); i++)
    ck_assert_int_lt (strcmp (fdnix_search_entry_name (index, fdnix_search_index_get_entry (index, i - 1)),
                              fdnix_search_entry_name (index, fdnix_search_index_get_entry (index, i))), 0);
  ck_assert_int_eq (fdnix_search_index_find (index, "no-such-package"), -1);
  entry = fdnix_search_index_find (index, "python313Packages.requests");
  e = fdnix_search_index_get_entry (index, entry);
  ck_assert_str_eq (fdnix_search_entry_name (index, e) + e->last_segment, "requests");
  ck_assert_uint_eq (e->depth, 1);
  ck_assert_str_eq (fdnix_search_entry_main_program (index, e), "");
  /* rows are stored normalized, one block */
  for (guint k = 0; k < DIM; k++)
    norm += vectors[entry * DIM + k] * vectors[entry * DIM + k];
  ck_assert_float_eq_tol (norm, 1.0f, 1e-5f);
  /* a package without vector keeps a zero row */
  entry = fdnix_search_index_find (index, "android-studio");
  ck_assert (!fdnix_search_index_get_entry (index, entry)->has_vector);
  for (guint k = 0; k < DIM; k++)
    ck_assert (vectors[entry * DIM + k] == 0);
  /* a second vector for an entry is refused */
  ck_assert (!fdnix_search_index_set_vector (index, fdnix_search_index_find (index, "ripgrep"),
                                             packages[0].vector));
  ck_assert_uint_lt (fdnix_search_index_get_memory_size (index), 4096);
}
END_TEST

START_TEST (test_index_repeated_names)
{
  g_autoptr(FdnixSearchIndex) index = fdnix_search_index_new ();
  g_autoptr(GError) error = NULL;

  ck_assert (fdnix_search_index_add (index, "b", "1", NULL, NULL, "first", &error));
  ck_assert (fdnix_search_index_add (index, "a", "1", NULL, NULL, "line\nbreak", &error));
  ck_assert (fdnix_search_index_add (index, "b", "2", NULL, NULL, "second", &error));
  ck_assert (!fdnix_search_index_add (index, "", "1", NULL, NULL, NULL, &error));
  ck_assert_uint_eq (fdnix_search_index_seal (index, 0), 1);
  ck_assert_uint_eq (fdnix_search_index_get_count (index), 2);
  ck_assert_str_eq (fdnix_search_entry_description (index, fdnix_search_index_get_entry (index, 1)), "first");
  /* control characters never reach a table row */
  ck_assert_str_eq (fdnix_search_entry_description (index, fdnix_search_index_get_entry (index, 0)), "line break");
  ck_assert (fdnix_search_index_get_vectors (index) == NULL);
}
END_TEST

/* ---- typo distance */

static const struct {
  const gchar *a, *b;
  guint        max, expected;
} distance_cases[] = {
  { "firefix", "firefox", 2, 1 },
  { "pyhton", "python", 2, 1 },          /* a swap counts one */
  { "tmxu", "tmux", 1, 1 },
  { "thunderbrid", "Thunderbird", 2, 1 }, /* case does not count */
  { "libreofice", "libreoffice", 2, 1 },
  { "kubctl", "kubectl", 1, 1 },
  { "ripgrep", "ripgrep", 1, 0 },
  { "abcdef", "ghijkl", 2, 3 },           /* more than max: max + 1 */
  { "make", "gnumake", 2, 3 },            /* lengths too far apart */
  { "chromum", "chromium", 1, 1 },
  { "vsocde", "vscode", 2, 1 },
};

START_TEST (test_distance)
{
  const gchar *a = distance_cases[_i].a, *b = distance_cases[_i].b;

  ck_assert_uint_eq (fdnix_search_distance (a, strlen (a), b, strlen (b), distance_cases[_i].max),
                     distance_cases[_i].expected);
}
END_TEST

/* ---- name matching */

static const struct {
  const gchar   *query;
  const gchar   *name;
  gboolean       whole_path;
  FdnixMatchKind kind;
} match_cases[] = {
  { "rg", "rg", FALSE, FDNIX_MATCH_EXACT_NAME },
  { "RG", "rg", FALSE, FDNIX_MATCH_EXACT_NAME },
  { "ripgrep", "ripgrep", TRUE, FDNIX_MATCH_EXACT_PATH },
  { "rip", "ripgrep", TRUE, FDNIX_MATCH_PREFIX },
  { "firefix", "firefox", FALSE, FDNIX_MATCH_FUZZY },
  { "firefix", "firefox", TRUE, FDNIX_MATCH_FUZZY },
  { "requestz", "python313Packages.requests", TRUE, FDNIX_MATCH_NONE },  /* no typos on dotted paths */
  { "android studio", "android-studio", TRUE, FDNIX_MATCH_EXACT_PATH },
  { "  Android   Studio ", "androidstudio", FALSE, FDNIX_MATCH_EXACT_NAME },
  { "x", "xterm", FALSE, FDNIX_MATCH_NONE },                            /* one letter is no prefix */
  { "vim", "vin", FALSE, FDNIX_MATCH_NONE },                            /* short: no typos */
  { "file manager", "ranger", FALSE, FDNIX_MATCH_NONE },
};

START_TEST (test_match_name)
{
  g_autoptr(FdnixSearchQuery) q = fdnix_search_query_new (match_cases[_i].query);
  FdnixMatchKind kind;
  guint distance;
  gfloat score = fdnix_search_match_name (q, match_cases[_i].name, match_cases[_i].whole_path, &kind, &distance);

  ck_assert_msg (kind == match_cases[_i].kind, "'%s' vs '%s': %s", match_cases[_i].query,
                 match_cases[_i].name, fdnix_match_kind_to_string (kind));
  ck_assert (kind == FDNIX_MATCH_NONE ? score == 0 : score > 0);
}
END_TEST

START_TEST (test_prefix_score_grows_with_coverage)
{
  g_autoptr(FdnixSearchQuery) short_q = fdnix_search_query_new ("rip");
  g_autoptr(FdnixSearchQuery) long_q = fdnix_search_query_new ("ripg");
  FdnixMatchKind kind;
  guint distance;
  gfloat a = fdnix_search_match_name (short_q, "ripgrep", FALSE, &kind, &distance);
  gfloat b = fdnix_search_match_name (long_q, "ripgrep", FALSE, &kind, &distance);
  gfloat c = fdnix_search_match_name (short_q, "ripgrep-all", FALSE, &kind, &distance);

  ck_assert_float_gt (b, a);
  ck_assert_float_gt (a, c);
  ck_assert_float_le (b, FDNIX_SEARCH_PREFIX_SCORE);
}
END_TEST

/* ---- ranking */

START_TEST (test_exact_main_program_first)
{
  /* the query vector favours emacsPackages.rg, whose attribute ends in rg:
   * ripgrep, whose program is rg, still comes first */
  const gfloat v[DIM] = { 1, 0, 0, 0 };
  g_autoptr(GPtrArray) names = rank ("rg", v, 5, 0.1f, NULL);

  ck_assert_uint_ge (names->len, 3);
  ck_assert_str_eq (NAME (names, 0), "ripgrep");
  ck_assert_str_eq (NAME (names, 1), "emacsPackages.rg");
}
END_TEST

START_TEST (test_exact_path_beats_everything)
{
  /* cosine 0 for firefox, 1 for ranger: the exact path still wins */
  const gfloat v[DIM] = { 1, 0, 0, 0 };
  g_autoptr(GArray) hits = NULL;
  g_autoptr(GPtrArray) names = rank ("Firefox", v, 5, 0.1f, &hits);

  ck_assert_str_eq (NAME (names, 0), "firefox");
  ck_assert (g_array_index (hits, FdnixSearchHit, 0).kind == FDNIX_MATCH_EXACT_PATH);
  /* same pname: exact name, second */
  ck_assert_str_eq (NAME (names, 1), "firefox-mobile");
  ck_assert (g_array_index (hits, FdnixSearchHit, 1).kind == FDNIX_MATCH_EXACT_NAME);
  ck_assert (g_array_index (hits, FdnixSearchHit, 1).field == FDNIX_FIELD_PNAME);
  /* then the similar packages */
  ck_assert_str_eq (NAME (names, 2), "ranger");
}
END_TEST

START_TEST (test_exact_name_before_nested_segment)
{
  const gfloat v[DIM] = { 0, 0, 1, 0 };
  g_autoptr(GPtrArray) names = rank ("make", v, 3, 0.1f, NULL);

  ck_assert_str_eq (NAME (names, 0), "gnumake");
  ck_assert_str_eq (NAME (names, 1), "vimPlugins.nvim-treesitter-parsers.make");
}
END_TEST

START_TEST (test_segment_exact_for_package_sets)
{
  g_autoptr(GArray) hits = NULL;
  g_autoptr(GPtrArray) names = rank ("requests", NULL, 3, 0.1f, &hits);

  ck_assert_uint_eq (names->len, 1);
  ck_assert_str_eq (NAME (names, 0), "python313Packages.requests");
  ck_assert (g_array_index (hits, FdnixSearchHit, 0).field == FDNIX_FIELD_ATTRIBUTE_NAME);
}
END_TEST

START_TEST (test_prefix_boost)
{
  /* ripgrep-all is more similar, but "ripgr" is a prefix of ripgrep's name
   * (and of ripgrep-all's, covering less of it) */
  const gfloat v[DIM] = { 0, 1, 0.3f, 0 };
  g_autoptr(GArray) hits = NULL;
  g_autoptr(GPtrArray) names = rank ("ripgr", v, 3, 0.1f, &hits);

  ck_assert_str_eq (NAME (names, 0), "ripgrep");
  ck_assert (g_array_index (hits, FdnixSearchHit, 0).kind == FDNIX_MATCH_PREFIX);
  ck_assert_str_eq (NAME (names, 1), "ripgrep-all");
}
END_TEST

START_TEST (test_cosine_order)
{
  /* vectors alone, no name matches: the cosine order (emacsPackages.rg,
   * ranger, nnn, lf), except that emacsPackages.rg's 0.1 for depth costs
   * more than the few ranks between them: 1 - 0.2 < 61 / 66 */
  const gfloat v[DIM] = { 3, 0, 0, 0 };  /* any length: normalized */
  g_autoptr(GArray) hits = NULL;
  g_autoptr(GPtrArray) names = NULL;

  keyword_weight = -1;
  names = rank ("terminal file manager", v, 5, 0.1f, &hits);
  keyword_weight = 1;
  ck_assert_uint_eq (names->len, 5);
  ck_assert_str_eq (NAME (names, 0), "ranger");
  ck_assert_str_eq (NAME (names, 1), "nnn");
  ck_assert_str_eq (NAME (names, 2), "lf");
  /* ranks, not cosines, are fused: ripgrep's cosine 0.2 is the sixth */
  ck_assert_str_eq (NAME (names, 3), "ripgrep");
  ck_assert_str_eq (NAME (names, 4), "emacsPackages.rg");
  ck_assert (g_array_index (hits, FdnixSearchHit, 0).kind == FDNIX_MATCH_NONE);
  ck_assert_float_eq_tol (g_array_index (hits, FdnixSearchHit, 0).cosine, 0.9f / sqrtf (0.82f), 1e-4f);
  /* vector rank 2 alone: relevance 61 / 62 */
  ck_assert_uint_eq (g_array_index (hits, FdnixSearchHit, 0).vector_rank, 2);
  ck_assert_uint_eq (g_array_index (hits, FdnixSearchHit, 0).keyword_rank, 0);
  ck_assert_float_eq_tol (g_array_index (hits, FdnixSearchHit, 0).score, 61.0f / 62.0f, 1e-5f);
  ck_assert_float_eq_tol (g_array_index (hits, FdnixSearchHit, 4).score, 1.0f - 0.2f, 1e-5f);
}
END_TEST

/* Keywords and vectors fused by rank.  Vector ranks: emacsPackages.rg 1,
 * ranger 2, nnn 3, lf 4.  Keyword ranks: lf 1 (all three words), ranger 2
 * ("file manager"), then nnn and gnumake ("file", 3 and 4).  Relevance is
 * 61/2 × (1/(60 + keyword rank) + 1/(60 + vector rank)):
 *   ranger  1/62 + 1/62 = 0.03226
 *   lf      1/61 + 1/64 = 0.03202
 *   nnn     1/63 or 1/64 + 1/63
 *   gnumake 1/63 or 1/64 alone: 0.48 at most, above emacsPackages.rg's
 *           1/61 alone (0.5) less 0.1 for depth */
START_TEST (test_fusion_order)
{
  const gfloat v[DIM] = { 3, 0, 0, 0 };
  g_autoptr(GArray) hits = NULL;
  g_autoptr(GPtrArray) names = rank ("terminal file manager", v, 4, 0.1f, &hits);

  ck_assert_uint_eq (names->len, 4);
  ck_assert_str_eq (NAME (names, 0), "ranger");
  ck_assert_str_eq (NAME (names, 1), "lf");
  ck_assert_str_eq (NAME (names, 2), "nnn");
  ck_assert_str_eq (NAME (names, 3), "gnumake");
  ck_assert_uint_eq (g_array_index (hits, FdnixSearchHit, 1).keyword_rank, 1);
  ck_assert_uint_eq (g_array_index (hits, FdnixSearchHit, 1).vector_rank, 4);
  ck_assert_float_eq_tol (g_array_index (hits, FdnixSearchHit, 0).relevance,
                          (1.0f / 62 + 1.0f / 62) * 61 / 2, 1e-5f);
  ck_assert_float_eq_tol (g_array_index (hits, FdnixSearchHit, 1).relevance,
                          (1.0f / 61 + 1.0f / 64) * 61 / 2, 1e-5f);
}
END_TEST

/* skip_idle_vector_ranks: when the vectors do not vote (weight 0), the
 * same hits in the same order with the same scores and cosines, only the
 * vector ranks left 0; when they vote, it changes nothing. */
typedef struct {
  const gchar *query;
  gfloat       vector_weight;
  gboolean     ranks_kept;
} IdleCase;

static const IdleCase idle_cases[] = {
  { "terminal file manager", 0, FALSE },
  { "rg", 0, FALSE },
  { "terminal file manager", 1, TRUE },
  { "make", 0.5f, TRUE },
};

START_TEST (test_skip_idle_vector_ranks)
{
  const IdleCase *c = &idle_cases[_i];
  const gfloat v[DIM] = { 3, 1, 0.5f, 0 };
  g_autoptr(FdnixSearchIndex) index = make_index ();
  g_autoptr(FdnixSearchQuery) q = fdnix_search_query_new (c->query);
  FdnixSearchOptions options = { 10, 0.01f, 1, c->vector_weight };
  g_autoptr(GArray) full = fdnix_search_rank (index, q, v, &options);
  g_autoptr(GArray) lean = NULL;
  guint ranked = 0;

  options.skip_idle_vector_ranks = TRUE;
  lean = fdnix_search_rank (index, q, v, &options);
  ck_assert_uint_gt (full->len, 0);
  ck_assert_uint_eq (lean->len, full->len);
  for (guint i = 0; i < full->len; i++)
    {
      const FdnixSearchHit *a = &g_array_index (full, FdnixSearchHit, i);
      const FdnixSearchHit *b = &g_array_index (lean, FdnixSearchHit, i);

      ck_assert_uint_eq (a->entry, b->entry);
      ck_assert (a->score == b->score);
      ck_assert (a->cosine == b->cosine);
      ck_assert_uint_eq (b->vector_rank, c->ranks_kept ? a->vector_rank : 0);
      ranked += a->vector_rank > 0;
    }
  /* the case means something: there were ranks to keep or drop */
  ck_assert_uint_gt (ranked, 0);
}
END_TEST

/* The vector ranks are those of a full sort by cosine (ties to the lower
 * entry), with more packages than the fusion depth: the kept heap must
 * evict correctly.  Ties are made on purpose (repeated vectors). */
typedef struct {
  gfloat cosine;
  guint  entry;
} RefScored;

static int
compare_ref (const void *a, const void *b)
{
  const RefScored *x = a, *y = b;

  if (x->cosine != y->cosine)
    return x->cosine > y->cosine ? -1 : 1;
  return x->entry < y->entry ? -1 : x->entry > y->entry;
}

START_TEST (test_vector_ranks_beyond_depth)
{
  const guint n = 3 * FDNIX_SEARCH_FUSION_DEPTH + 17;
  g_autoptr(FdnixSearchIndex) index = fdnix_search_index_new ();
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  g_autoptr(FdnixSearchQuery) q = fdnix_search_query_new ("zzzz");
  g_autofree RefScored *ref = g_new (RefScored, n);
  g_autofree guint *expected = g_new0 (guint, n);
  const gfloat v[DIM] = { 1, 0.5f, 0.25f, 0.125f };
  gfloat unit[DIM];
  gfloat norm = 0;
  FdnixSearchOptions options = { n, -1000, -1, 1 };
  g_autoptr(GArray) hits = NULL;
  guint m = 0, checked = 0;

  for (guint i = 0; i < n; i++)
    {
      g_autofree gchar *name = g_strdup_printf ("pkg%05u", i);

      ck_assert (fdnix_search_index_add (index, name, "1", NULL, NULL, NULL, NULL));
    }
  fdnix_search_index_seal (index, DIM);
  for (guint i = 0; i < n; i++)
    {
      gfloat w[DIM];

      /* every fifth repeats a vector: equal cosines */
      for (guint k = 0; k < DIM; k++)
        w[k] = i % 5 == 0 ? 0.5f : (gfloat) g_rand_double_range (rand, -1, 1);
      if (i % 7 != 3)  /* some have no vector */
        fdnix_search_index_set_vector (index, i, w);
    }
  for (guint k = 0; k < DIM; k++)
    norm += v[k] * v[k];
  for (guint k = 0; k < DIM; k++)
    unit[k] = (gfloat) (v[k] / sqrt (norm));
  for (guint i = 0; i < n; i++)
    {
      gfloat cosine = fdnix_search_dot (unit, fdnix_search_index_get_vectors (index) + (gsize) i * DIM, DIM);

      if (cosine > 0 && fdnix_search_index_get_entry (index, i)->has_vector)
        ref[m++] = (RefScored) { cosine, i };
    }
  qsort (ref, m, sizeof (RefScored), compare_ref);
  ck_assert_uint_gt (m, FDNIX_SEARCH_FUSION_DEPTH);
  for (guint r = 0; r < FDNIX_SEARCH_FUSION_DEPTH; r++)
    expected[ref[r].entry] = r + 1;
  hits = fdnix_search_rank (index, q, v, &options);
  for (guint i = 0; i < hits->len; i++)
    {
      const FdnixSearchHit *hit = &g_array_index (hits, FdnixSearchHit, i);

      ck_assert_uint_eq (hit->vector_rank, expected[hit->entry]);
      checked += hit->vector_rank > 0;
    }
  ck_assert_uint_eq (checked, FDNIX_SEARCH_FUSION_DEPTH);
}
END_TEST

/* Without a query vector, keywords alone rank, and their first makes a
 * relevance of 1: android-studio has no vector, its description says IDE. */
START_TEST (test_keyword_only)
{
  g_autoptr(GArray) hits = NULL;
  g_autoptr(GPtrArray) names = rank ("ide", NULL, 3, 0.1f, &hits);

  ck_assert_uint_ge (names->len, 1);
  ck_assert_str_eq (NAME (names, 0), "android-studio");
  ck_assert_uint_eq (g_array_index (hits, FdnixSearchHit, 0).keyword_rank, 1);
  ck_assert_uint_eq (g_array_index (hits, FdnixSearchHit, 0).vector_rank, 0);
  ck_assert_float_eq_tol (g_array_index (hits, FdnixSearchHit, 0).score, 1.0f, 1e-5f);
}
END_TEST

START_TEST (test_typo)
{
  /* by name alone: the typo on the attribute path beats the same typo on
   * firefox-mobile's pname */
  g_autoptr(GArray) hits = NULL;
  g_autoptr(GPtrArray) names = rank ("firefix", NULL, 3, 0.1f, &hits);

  ck_assert_str_eq (NAME (names, 0), "firefox");
  ck_assert (g_array_index (hits, FdnixSearchHit, 0).kind == FDNIX_MATCH_FUZZY);
  ck_assert_uint_eq (g_array_index (hits, FdnixSearchHit, 0).distance, 1);
  ck_assert_str_eq (NAME (names, 1), "firefox-mobile");
  ck_assert_float_gt (g_array_index (hits, FdnixSearchHit, 0).score,
                      g_array_index (hits, FdnixSearchHit, 1).score);
}
END_TEST

START_TEST (test_limit_and_floor)
{
  const gfloat v[DIM] = { 1, 1, 1, 1 };
  g_autoptr(GPtrArray) all = rank ("zzz", v, 100, 0.0001f, NULL);
  g_autoptr(GPtrArray) two = rank ("zzz", v, 2, 0.0001f, NULL);
  g_autoptr(GPtrArray) none = rank ("zzz", v, 100, 9.0f, NULL);
  g_autoptr(GPtrArray) nothing = rank ("zzz", NULL, 100, 0.0001f, NULL);

  /* every package with a vector, none without (android-studio), and the
   * two python requests once */
  ck_assert_uint_eq (all->len, G_N_ELEMENTS (packages) - 2);
  ck_assert_uint_eq (two->len, 2);
  ck_assert_str_eq (NAME (two, 0), NAME (all, 0));
  ck_assert_str_eq (NAME (two, 1), NAME (all, 1));
  ck_assert_uint_eq (none->len, 0);
  ck_assert_uint_eq (nothing->len, 0);
}
END_TEST

START_TEST (test_name_only_without_vector)
{
  /* android-studio has no vector: found by name all the same */
  g_autoptr(GPtrArray) names = rank ("android studio", NULL, 3, 0.1f, NULL);

  ck_assert_uint_ge (names->len, 1);
  ck_assert_str_eq (NAME (names, 0), "android-studio");
}
END_TEST

START_TEST (test_dot)
{
  gfloat a[37], b[37];
  gdouble expected = 0;

  for (guint i = 0; i < 37; i++)
    {
      a[i] = (gfloat) i / 10;
      b[i] = 1.0f - (gfloat) i / 40;
      expected += (gdouble) a[i] * b[i];
    }
  ck_assert_float_eq_tol (fdnix_search_dot (a, b, 37), (gfloat) expected, 1e-3f);
  ck_assert_float_eq (fdnix_search_dot (a, b, 0), 0.0f);
}
END_TEST

/* ---- output */

START_TEST (test_json_output)
{
  g_autoptr(FdnixSearchIndex) index = make_index ();
  g_autoptr(FdnixSearchQuery) q = fdnix_search_query_new ("rg");
  FdnixSearchOptions options = { 3, 0.1f };
  const gfloat v[DIM] = { 0, 1, 0, 0 };
  g_autoptr(GArray) hits = fdnix_search_rank (index, q, v, &options);
  g_autoptr(GString) out = g_string_new (NULL);
  g_auto(GStrv) lines = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *o, *explain;

  for (guint i = 0; i < hits->len; i++)
    fdnix_search_append_json (out, index, "rg", i + 1, &g_array_index (hits, FdnixSearchHit, i), i == 0);
  lines = g_strsplit (out->str, "\n", -1);
  ck_assert_uint_eq (g_strv_length (lines), hits->len + 1);
  ck_assert_msg (json_parser_load_from_data (parser, lines[0], -1, &error), "%s", lines[0]);
  o = json_node_get_object (json_parser_get_root (parser));
  ck_assert_str_eq (json_object_get_string_member (o, "query"), "rg");
  ck_assert_int_eq (json_object_get_int_member (o, "rank"), 1);
  ck_assert_str_eq (json_object_get_string_member (o, "packageName"), "ripgrep");
  ck_assert_str_eq (json_object_get_string_member (o, "version"), "1.0");
  ck_assert_str_eq (json_object_get_string_member (o, "mainProgram"), "rg");
  ck_assert_str_eq (json_object_get_string_member (o, "match"), "exact-name");
  ck_assert_float_gt (json_object_get_double_member (o, "score"), 3.0);
  explain = json_object_get_object_member (o, "explain");
  ck_assert_str_eq (json_object_get_string_member (explain, "field"), "mainProgram");
  ck_assert_str_eq (json_object_get_string_member (explain, "matched"), "rg");
  ck_assert (json_object_get_boolean_member (explain, "hasVector"));
  ck_assert (strstr (json_object_get_string_member (explain, "text"), "exact main program \"rg\"") != NULL);
  /* the second line has no explain, and null for what the package lacks */
  ck_assert (json_parser_load_from_data (parser, lines[1], -1, &error));
  o = json_node_get_object (json_parser_get_root (parser));
  ck_assert_str_eq (json_object_get_string_member (o, "packageName"), "emacsPackages.rg");
  ck_assert (json_object_get_null_member (o, "description"));
  ck_assert (!json_object_has_member (o, "explain"));
}
END_TEST

START_TEST (test_table_output)
{
  g_autoptr(FdnixSearchIndex) index = make_index ();
  g_autoptr(FdnixSearchQuery) q = fdnix_search_query_new ("file manager");
  FdnixSearchOptions options = { 3, 0.1f };
  const gfloat v[DIM] = { 1, 0, 0, 0 };
  g_autoptr(GArray) hits = fdnix_search_rank (index, q, v, &options);
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(GString) cut = g_string_new (NULL);
  g_auto(GStrv) lines = NULL;

  fdnix_search_append_table (out, index, hits, TRUE, 0);
  lines = g_strsplit (out->str, "\n", -1);
  ck_assert (g_str_has_prefix (lines[0], "ATTRIBUTE PATH"));
  ck_assert (strstr (lines[0], "VERSION") != NULL && strstr (lines[0], "SCORE") != NULL &&
             strstr (lines[0], "DESCRIPTION") != NULL);
  ck_assert (g_str_has_prefix (lines[1], "ranger "));
  ck_assert (strstr (lines[1], "File manager with minimalistic curses interface") != NULL);
  /* --explain: a line under each row */
  ck_assert (g_str_has_prefix (lines[2], "    no name match"));
  ck_assert (strstr (lines[2], "cosine") != NULL);
  /* a width cuts descriptions */
  fdnix_search_append_table (cut, index, hits, FALSE, 60);
  g_strfreev (lines);
  lines = g_strsplit (cut->str, "\n", -1);
  ck_assert_int_le (g_utf8_strlen (lines[1], -1), 60);
  ck_assert (g_str_has_suffix (lines[1], "…"));
}
END_TEST

/* Package-set copies of one package are one result: the best of them,
 * at its rank, and the next result is another package. */
START_TEST (test_grouped)
{
  g_autoptr(GArray) hits = NULL;
  g_autoptr(GPtrArray) names = rank ("http library", NULL, 3, 0.1f, &hits);

  ck_assert_uint_ge (names->len, 1);
  ck_assert_str_eq (NAME (names, 0), "python313Packages.requests");
  for (guint i = 1; i < names->len; i++)
    ck_assert_str_ne (NAME (names, i), "python314Packages.requests");
}
END_TEST

static Suite *
search_rank_suite (void)
{
  Suite *s = suite_create ("search-rank");
  TCase *tc = tcase_create ("index");

  tcase_add_test (tc, test_index_compact);
  tcase_add_test (tc, test_index_repeated_names);
  suite_add_tcase (s, tc);

  tc = tcase_create ("match");
  tcase_add_loop_test (tc, test_distance, 0, G_N_ELEMENTS (distance_cases));
  tcase_add_loop_test (tc, test_match_name, 0, G_N_ELEMENTS (match_cases));
  tcase_add_test (tc, test_prefix_score_grows_with_coverage);
  suite_add_tcase (s, tc);

  tc = tcase_create ("rank");
  tcase_add_test (tc, test_exact_main_program_first);
  tcase_add_test (tc, test_exact_path_beats_everything);
  tcase_add_test (tc, test_exact_name_before_nested_segment);
  tcase_add_test (tc, test_segment_exact_for_package_sets);
  tcase_add_test (tc, test_prefix_boost);
  tcase_add_test (tc, test_cosine_order);
  tcase_add_test (tc, test_fusion_order);
  tcase_add_test (tc, test_keyword_only);
  tcase_add_test (tc, test_vector_ranks_beyond_depth);
  tcase_add_loop_test (tc, test_skip_idle_vector_ranks, 0, G_N_ELEMENTS (idle_cases));
  tcase_add_test (tc, test_grouped);
  tcase_add_test (tc, test_typo);
  tcase_add_test (tc, test_limit_and_floor);
  tcase_add_test (tc, test_name_only_without_vector);
  tcase_add_test (tc, test_dot);
  suite_add_tcase (s, tc);

  tc = tcase_create ("output");
  tcase_add_test (tc, test_json_output);
  tcase_add_test (tc, test_table_output);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  return fdnix_test_run (search_rank_suite ());
}
