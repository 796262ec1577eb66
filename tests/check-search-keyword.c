/* check-search-keyword: terms (stop words, stems, position words) and
 * BM25F scores and orders computed by hand on small fixtures. */
#include "config.h"

#include <math.h>
#include <string.h>

#include "search/fdnix-keyword-index.h"
#include "search/fdnix-search-terms.h"
#include "fdnix-test.h"

static void
join_term (const gchar *term, gsize length, gpointer *slot, gpointer user_data)
{
  GString *out = user_data;

  /* the slot is the word's: what was left there comes back */
  if (*slot != NULL)
    ck_assert_str_eq (*slot, term);
  *slot = (gpointer) term;

  ck_assert_uint_eq (strlen (term), length);
  if (out->len > 0)
    g_string_append_c (out, ' ');
  g_string_append (out, term);
}

typedef struct {
  const gchar *text;
  const gchar *terms;
} TermCase;

static const TermCase term_cases[] = {
  { "Terminal multiplexer", "termin multiplex" },
  { "A tool for formatting shell scripts", "tool format shell script" },
  { "formats FORMATTED Formatting", "format format format" },
  { "Encryption: encrypts files", "encrypt encrypt file" },
  { "python313Packages.requests", "python313packag request" },
  { "ripgrep-all rg_2", "ripgrep rg 2" },
  /* bytes of UTF-8 sequences are letters; only ASCII is lowered */
  { "Éditeur naïve", "Éditeur naïv" },
  { "the of and", "" },
  { "", "" },
  { "  --  ", "" },
  /* words longer than FDNIX_SEARCH_TERM_MAX are junk */
  { "sha256 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef x", "sha256 x" },
};

START_TEST (test_terms)
{
  const TermCase *c = &term_cases[_i];
  g_autoptr(FdnixTermizer) termizer = fdnix_termizer_new ();
  g_autoptr(GString) out = g_string_new (NULL);

  fdnix_termizer_split (termizer, c->text, join_term, out);
  ck_assert_str_eq (out->str, c->terms);
  /* the second time comes from the cache, and must be the same */
  g_string_truncate (out, 0);
  fdnix_termizer_split (termizer, c->text, join_term, out);
  ck_assert_str_eq (out->str, c->terms);
}
END_TEST

typedef struct {
  const gchar *position;
  const gchar *words;
} PositionCase;

static const PositionCase position_cases[] = {
  { "pkgs/development/compilers/gcc/default.nix:42", "development compilers" },
  { "pkgs/applications/networking/irc/irssi/default.nix:10", "applications networking irc" },
  { "pkgs/by-name/go/gopls/package.nix:21", "" },
  { "pkgs/tools/misc/tmux/default.nix:5", "tools" },
  { "default.nix:1", "" },
  { NULL, "" },
};

START_TEST (test_position_words)
{
  const PositionCase *c = &position_cases[_i];
  g_autofree gchar *words = fdnix_search_position_words (c->position);

  ck_assert_str_eq (words, c->words);
}
END_TEST

static void
add (FdnixKeywordIndex *index, const gchar *name, const gchar *description, const gchar *long_description,
     const gchar *category)
{
  const gchar *fields[FDNIX_KEYWORD_N_FIELDS] = { name, description, long_description, category };

  fdnix_keyword_index_add (index, fields);
}

static GArray *
search (FdnixKeywordIndex *index, const gchar *text)
{
  g_autoptr(FdnixKeywordQuery) query = fdnix_keyword_query_new (text);

  return fdnix_keyword_index_search (index, query);
}

/* Two documents, one term, every step of BM25F by hand:
 *   N = 2, df(alpha) = 1: idf = ln (1 + 1.5 / 1.5) = ln 2
 *   description lengths 1 and 2: average 1.5
 *   doc 0: tf~ = 2.0 × 1 / (1 − 0.75 + 0.75 × 1 / 1.5) = 2 / 0.75 = 8/3
 *   score = ln 2 × (8/3) / (1.2 + 8/3) = ln 2 × 80 / 116 */
START_TEST (test_bm25f_by_hand)
{
  g_autoptr(FdnixKeywordIndex) index = fdnix_keyword_index_new ();
  g_autoptr(GArray) hits = NULL;

  add (index, NULL, "alpha", NULL, NULL);
  add (index, NULL, "beta beta", NULL, NULL);
  fdnix_keyword_index_seal (index, NULL, 0);
  ck_assert_uint_eq (fdnix_keyword_index_get_n_docs (index), 2);
  ck_assert_uint_eq (fdnix_keyword_index_get_n_terms (index), 2);
  hits = search (index, "Alpha");
  ck_assert_uint_eq (hits->len, 1);
  ck_assert_uint_eq (g_array_index (hits, FdnixKeywordHit, 0).doc, 0);
  ck_assert_double_eq_tol (g_array_index (hits, FdnixKeywordHit, 0).score, log (2.0) * 80.0 / 116.0, 1e-6);
}
END_TEST

/* The name field outweighs the description: the same word once in a
 * name (weight 3, b 0.5) scores above once in a description. */
START_TEST (test_field_weights)
{
  g_autoptr(FdnixKeywordIndex) index = fdnix_keyword_index_new ();
  g_autoptr(GArray) hits = NULL;

  add (index, "viewer", "shows things", NULL, NULL);   /* 0: in the name */
  add (index, "thing", "an image viewer", NULL, NULL); /* 1: in the description */
  add (index, "other", "other things", "viewer viewer viewer viewer", NULL); /* 2: long description */
  add (index, "x", "unrelated", NULL, NULL);
  fdnix_keyword_index_seal (index, NULL, 0);
  hits = search (index, "viewer");
  ck_assert_uint_eq (hits->len, 3);
  ck_assert_uint_eq (g_array_index (hits, FdnixKeywordHit, 0).doc, 0);
  ck_assert_uint_eq (g_array_index (hits, FdnixKeywordHit, 1).doc, 1);
  ck_assert_uint_eq (g_array_index (hits, FdnixKeywordHit, 2).doc, 2);
}
END_TEST

/* Covering every query word beats repeating one (the tmux case),
 * and stemming joins "multiplexes" and "multiplexer". */
START_TEST (test_coverage)
{
  g_autoptr(FdnixKeywordIndex) index = fdnix_keyword_index_new ();
  g_autoptr(GArray) hits = NULL;

  add (index, "tmux", "Terminal multiplexer", NULL, "tools");                              /* 0 */
  add (index, "terminal-colors", "Terminal terminal terminal colors for the terminal", NULL, NULL); /* 1 */
  add (index, "screen", "A window manager that multiplexes a physical terminal", NULL, "tools"); /* 2 */
  add (index, "foo", "unrelated", NULL, NULL);                                              /* 3 */
  fdnix_keyword_index_seal (index, NULL, 0);
  hits = search (index, "terminal multiplexer");
  ck_assert_uint_eq (hits->len, 3);
  ck_assert_uint_eq (g_array_index (hits, FdnixKeywordHit, 0).doc, 0);
  ck_assert_uint_eq (g_array_index (hits, FdnixKeywordHit, 0).matched, 2);
  ck_assert_uint_eq (g_array_index (hits, FdnixKeywordHit, 1).doc, 2);
  ck_assert_uint_eq (g_array_index (hits, FdnixKeywordHit, 1).matched, 2);
  ck_assert_uint_eq (g_array_index (hits, FdnixKeywordHit, 2).doc, 1);
  ck_assert_uint_eq (g_array_index (hits, FdnixKeywordHit, 2).matched, 1);
  /* a quarter of the coverage: (1/2)² */
  ck_assert (g_array_index (hits, FdnixKeywordHit, 2).score < g_array_index (hits, FdnixKeywordHit, 1).score);
  /* a query word no package has does not count against coverage */
  {
    g_autoptr(GArray) more = search (index, "terminal multiplexer zzzunknown");
    ck_assert_uint_eq (more->len, 3);
    ck_assert_double_eq_tol (g_array_index (more, FdnixKeywordHit, 0).score,
                             g_array_index (hits, FdnixKeywordHit, 0).score, 1e-6);
  }
}
END_TEST

/* Sealing renumbers and drops documents as the search index does. */
START_TEST (test_renumber)
{
  g_autoptr(FdnixKeywordIndex) index = fdnix_keyword_index_new ();
  g_autoptr(GArray) hits = NULL;
  const gint new_ids[] = { 1, -1, 0 };

  add (index, "zeta", "the json tool", NULL, NULL);
  add (index, "alpha", "another json tool", NULL, NULL);
  add (index, "beta", "json json", NULL, NULL);
  fdnix_keyword_index_seal (index, new_ids, 2);
  ck_assert_uint_eq (fdnix_keyword_index_get_n_docs (index), 2);
  hits = search (index, "json");
  ck_assert_uint_eq (hits->len, 2);
  /* beta (now 0) says json twice in a short description */
  ck_assert_uint_eq (g_array_index (hits, FdnixKeywordHit, 0).doc, 0);
  ck_assert_uint_eq (g_array_index (hits, FdnixKeywordHit, 1).doc, 1);
  g_array_unref (hits);
  hits = search (index, "another");
  ck_assert_uint_eq (hits->len, 0);
}
END_TEST

START_TEST (test_empty)
{
  g_autoptr(FdnixKeywordIndex) index = fdnix_keyword_index_new ();
  g_autoptr(GArray) hits = NULL;

  fdnix_keyword_index_seal (index, NULL, 0);
  hits = search (index, "anything");
  ck_assert_uint_eq (hits->len, 0);
}
END_TEST

static Suite *
keyword_suite (void)
{
  Suite *s = suite_create ("search-keyword");
  TCase *tc = tcase_create ("search-keyword");

  tcase_add_loop_test (tc, test_terms, 0, G_N_ELEMENTS (term_cases));
  tcase_add_loop_test (tc, test_position_words, 0, G_N_ELEMENTS (position_cases));
  tcase_add_test (tc, test_bm25f_by_hand);
  tcase_add_test (tc, test_field_weights);
  tcase_add_test (tc, test_coverage);
  tcase_add_test (tc, test_renumber);
  tcase_add_test (tc, test_empty);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  return fdnix_test_run (keyword_suite ());
}
