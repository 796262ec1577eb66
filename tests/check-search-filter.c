/* check-search-filter: license and platform words from records, which
 * entries a filter lets through, and which attribute paths are one group. */
#include "config.h"

#include <string.h>

#include "core/fdnix-record.h"
#include "search/fdnix-search-filter.h"
#include "search/fdnix-search-group.h"
#include "search/fdnix-search-index.h"
#include "fdnix-test.h"

typedef struct {
  const gchar *json;
  const gchar *words;
} WordsCase;

static const WordsCase license_cases[] = {
  { "{\"type\":\"object\",\"shortName\":\"mit\",\"fullName\":\"MIT License\",\"spdxId\":\"MIT\",\"free\":true}", "MIT mit" },
  { "{\"type\":\"array\",\"licenses\":[{\"shortName\":\"asl20\",\"spdxId\":\"Apache-2.0\"},{\"shortName\":\"mit\",\"spdxId\":\"MIT\"}]}",
    "Apache-2.0 MIT asl20 mit" },
  { "{\"type\":\"object\",\"shortName\":\"unfree\",\"fullName\":\"Unfree\",\"free\":false}", "unfree" },
  { "{\"type\":\"string\",\"value\":\"GPL\"}", "" },
  { NULL, "" },
};

START_TEST (test_license_words)
{
  g_autofree gchar *words = fdnix_search_license_words (license_cases[_i].json);

  ck_assert_str_eq (words, license_cases[_i].words);
}
END_TEST

static const WordsCase platform_cases[] = {
  { "[\"x86_64-linux\",\"aarch64-darwin\"]", "x86_64-linux aarch64-darwin" },
  { "[ \"x86_64-linux\" ]", "x86_64-linux" },
  { "[]", "" },
  { NULL, "" },
};

START_TEST (test_platform_words)
{
  g_autofree gchar *words = fdnix_search_platform_words (platform_cases[_i].json);

  ck_assert_str_eq (words, platform_cases[_i].words);
}
END_TEST

START_TEST (test_has_word)
{
  ck_assert (fdnix_search_has_word ("MIT mit", "mit"));
  ck_assert (fdnix_search_has_word ("Apache-2.0 MIT", "apache-2.0"));
  ck_assert (!fdnix_search_has_word ("Apache-2.0 MIT", "Apache"));
  ck_assert (!fdnix_search_has_word ("x86_64-linux", "x86_64"));
  ck_assert (!fdnix_search_has_word ("", "mit"));
}
END_TEST

static const struct {
  const gchar *name;
  const gchar *license;
  const gchar *platforms;
  gboolean     unfree, broken;
} packages[] = {
  { "ripgrep", "{\"shortName\":\"mit\",\"spdxId\":\"MIT\"}", "[\"x86_64-linux\",\"aarch64-darwin\"]", FALSE, FALSE },
  { "zoom-us", "{\"shortName\":\"unfree\"}", "[\"x86_64-linux\"]", TRUE, FALSE },
  { "python313Packages.requests", "{\"shortName\":\"asl20\",\"spdxId\":\"Apache-2.0\"}", "[]", FALSE, FALSE },
  { "python313PackagesExtra.x", "{\"spdxId\":\"MIT\"}", "[]", FALSE, FALSE },
  { "oldtool", "{\"spdxId\":\"MIT\"}", "[\"x86_64-linux\"]", FALSE, TRUE },
};

typedef struct {
  FdnixSearchFilter filter;
  const gchar      *shown;   /* the names that pass, space-separated, in index order */
} FilterCase;

static const FilterCase filter_cases[] = {
  { { NULL, NULL, NULL, FALSE }, "python313Packages.requests python313PackagesExtra.x ripgrep zoom-us" },
  { { NULL, NULL, NULL, TRUE }, "oldtool python313Packages.requests python313PackagesExtra.x ripgrep zoom-us" },
  { { "free", NULL, NULL, FALSE }, "python313Packages.requests python313PackagesExtra.x ripgrep" },
  { { "unfree", NULL, NULL, FALSE }, "zoom-us" },
  { { "mit", NULL, NULL, TRUE }, "oldtool python313PackagesExtra.x ripgrep" },
  { { "Apache-2.0", NULL, NULL, FALSE }, "python313Packages.requests" },
  /* no platforms named: anywhere */
  { { NULL, "aarch64-darwin", NULL, FALSE }, "python313Packages.requests python313PackagesExtra.x ripgrep" },
  /* a set is a whole attribute path segment */
  { { NULL, NULL, "python313Packages", FALSE }, "python313Packages.requests" },
  { { "mit", "x86_64-linux", NULL, FALSE }, "python313PackagesExtra.x ripgrep" },
};

START_TEST (test_filter)
{
  const FilterCase *c = &filter_cases[_i];
  g_autoptr(FdnixSearchIndex) index = fdnix_search_index_new ();
  g_autoptr(GString) shown = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (packages); i++)
    {
      g_autoptr(FdnixRecord) r = fdnix_record_new ();
      g_autoptr(GError) error = NULL;

      r->package_name = g_strdup (packages[i].name);
      r->version = g_strdup ("1");
      r->license_json = g_strdup (packages[i].license);
      g_free (r->platforms_json);  /* a new record says "[]" */
      r->platforms_json = g_strdup (packages[i].platforms);
      r->unfree = packages[i].unfree;
      r->broken = packages[i].broken;
      ck_assert_msg (fdnix_search_index_add_record (index, r, &error), "%s", error != NULL ? error->message : "");
    }
  fdnix_search_index_seal (index, 0);
  for (guint i = 0; i < fdnix_search_index_get_count (index); i++)
    {
      const FdnixSearchEntry *e = fdnix_search_index_get_entry (index, i);

      if (!fdnix_search_filter_matches (&c->filter, index, e))
        continue;
      if (shown->len > 0)
        g_string_append_c (shown, ' ');
      g_string_append (shown, fdnix_search_entry_name (index, e));
    }
  ck_assert_str_eq (shown->str, c->shown);
}
END_TEST

typedef struct {
  const gchar *path;
  const gchar *key;
} KeyCase;

static const KeyCase key_cases[] = {
  { "jq", "jq" },
  { "python313Packages.jq", "pythonPackages.jq" },
  { "python314Packages.jq", "pythonPackages.jq" },
  { "postgresql_14", "postgresql" },
  { "postgresql", "postgresql" },
  { "linuxPackages_6_1.nvidia_x11", "linuxPackages.nvidia_x11" },
  { "haskell.packages.ghc984.pandoc", "haskell.packages.ghc.pandoc" },
  /* digits inside a name are the name's */
  { "x264", "x264" },
  { "x265", "x265" },
  { "k3s", "k3s" },
  { "python3", "python3" },
  { "gcc13", "gcc13" },
  { "openssl_3_0", "openssl" },
  { "_1", "_1" },
};

START_TEST (test_group_key)
{
  g_autofree gchar *key = fdnix_search_group_key (key_cases[_i].path);

  ck_assert_str_eq (key, key_cases[_i].key);
}
END_TEST

START_TEST (test_groups)
{
  const gchar *paths[] = { "jq", "postgresql", "postgresql_14", "python313Packages.jq", "python314Packages.jq", "x264" };
  g_autoptr(FdnixSearchGroups) groups = fdnix_search_groups_new (paths, G_N_ELEMENTS (paths));
  const guint32 *members;
  guint n;

  ck_assert_uint_ne (fdnix_search_groups_get_group (groups, 0), fdnix_search_groups_get_group (groups, 3));
  ck_assert_uint_eq (fdnix_search_groups_get_group (groups, 1), fdnix_search_groups_get_group (groups, 2));
  ck_assert_uint_eq (fdnix_search_groups_get_group (groups, 3), fdnix_search_groups_get_group (groups, 4));
  members = fdnix_search_groups_get_members (groups, fdnix_search_groups_get_group (groups, 4), &n);
  ck_assert_uint_eq (n, 2);
  ck_assert_uint_eq (members[0], 3);
  ck_assert_uint_eq (members[1], 4);
  members = fdnix_search_groups_get_members (groups, fdnix_search_groups_get_group (groups, 5), &n);
  ck_assert_uint_eq (n, 1);
  ck_assert_uint_eq (members[0], 5);
}
END_TEST

static Suite *
filter_suite (void)
{
  Suite *s = suite_create ("search-filter");
  TCase *tc = tcase_create ("search-filter");

  tcase_add_loop_test (tc, test_license_words, 0, G_N_ELEMENTS (license_cases));
  tcase_add_loop_test (tc, test_platform_words, 0, G_N_ELEMENTS (platform_cases));
  tcase_add_test (tc, test_has_word);
  tcase_add_loop_test (tc, test_filter, 0, G_N_ELEMENTS (filter_cases));
  tcase_add_loop_test (tc, test_group_key, 0, G_N_ELEMENTS (key_cases));
  tcase_add_test (tc, test_groups);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  return fdnix_test_run (filter_suite ());
}
