/* check-search-bundle: the search bundle's container (lib/vectors/
 * fdnix-bundle-file) and contents (lib/search/fdnix-search-bundle): a
 * round trip answers exactly like the index it was made from, the same
 * packages in any order give the same bytes, every malformed bundle of a
 * table of cases is refused with its reason, and random damage is either
 * refused or harmless (run under ASan to make "harmless" mean something). */
#include "config.h"

#include <string.h>

#include "core/fdnix-error.h"
#include "search/fdnix-search-bundle.h"
#include "search/fdnix-search-rank.h"
#include "vectors/fdnix-bundle-file.h"
#include "fdnix-test.h"

typedef struct {
  const gchar *name;
  const gchar *version;
  const gchar *pname;
  const gchar *main_program;
  const gchar *description;
} Package;

static const Package packages[] = {
  { "ripgrep", "15.1.0", "ripgrep", "rg", "Utility that combines the usability of ag with the raw speed of grep" },
  { "emacsPackages.rg", "2.3.0", "rg", NULL, "A search tool based on ripgrep" },
  { "tmux", "3.5a", "tmux", "tmux", "Terminal multiplexer" },
  { "zellij", "0.42.2", "zellij", "zellij", "Terminal workspace with batteries included" },
  { "python313Packages.requests", "2.32.3", "requests", NULL, "HTTP library for Python" },
  { "python312Packages.requests", "2.32.3", "requests", NULL, "HTTP library for Python" },
  { "irssi", "1.4.5", "irssi", "irssi", "Terminal based IRC client" },
  { "weechat", "4.6.3", "weechat", "weechat", "Fast, light and extensible chat client" },
  { "firefox", "139.0", "firefox", "firefox", "Web browser built from Firefox source tree" },
  { "gnupg", "2.4.7", "gnupg", "gpg", "Modern release of the GNU Privacy Guard, encrypt files" },
  { "age", "1.2.1", "age", "age", "Modern encryption tool with small explicit keys" },
  { "shfmt", "3.11.0", "shfmt", "shfmt", "Shell parser and formatter" },
  { "a.b.c.deep", "1", NULL, NULL, NULL },
};

static const gchar *queries[] = { "rg", "terminal multiplexer", "irc client", "encrypt files",
                                  "python requests", "format shell scripts", "nothing-matches" };

/* An index of the packages in the given order (or reversed). */
static FdnixSearchIndex *
make_index (gboolean reversed)
{
  g_autoptr(FdnixSearchIndex) index = fdnix_search_index_new ();
  g_autoptr(GError) error = NULL;
  guint n = G_N_ELEMENTS (packages);

  for (guint i = 0; i < n; i++)
    {
      const Package *p = &packages[reversed ? n - 1 - i : i];

      ck_assert_msg (fdnix_search_index_add (index, p->name, p->version, p->pname, p->main_program,
                                             p->description, &error), "%s", error ? error->message : "");
    }
  fdnix_search_index_seal (index, 0);
  return g_steal_pointer (&index);
}

static GBytes *
make_bundle (void)
{
  g_autoptr(FdnixSearchIndex) index = make_index (FALSE);

  return fdnix_search_index_to_bundle (index);
}

/* Every keyword hit of every query, as text (scores bit for bit). */
static gchar *
describe_hits (const FdnixSearchIndex *index)
{
  GString *out = g_string_new (NULL);

  for (guint q = 0; q < G_N_ELEMENTS (queries); q++)
    {
      g_autoptr(FdnixKeywordQuery) query = fdnix_keyword_query_new (queries[q]);
      g_autoptr(GArray) hits = fdnix_keyword_index_search (fdnix_search_index_get_keywords (index), query);
      g_autoptr(FdnixSearchQuery) ranked = fdnix_search_query_new (queries[q]);
      FdnixSearchOptions options = { 0 };
      g_autoptr(GArray) results = NULL;

      g_string_append_printf (out, "%s:", queries[q]);
      for (guint i = 0; i < hits->len; i++)
        {
          const FdnixKeywordHit *hit = &g_array_index (hits, FdnixKeywordHit, i);

          g_string_append_printf (out, " %u/%a/%u", hit->doc, (gdouble) hit->score, hit->matched);
        }
      options.limit = 5;
      results = fdnix_search_rank (index, ranked, NULL, &options);
      for (guint i = 0; i < results->len; i++)
        g_string_append_printf (out, " %s", fdnix_search_entry_name (index, fdnix_search_index_get_entry (
                                  index, g_array_index (results, FdnixSearchHit, i).entry)));
      g_string_append_c (out, '\n');
    }
  return g_string_free (out, FALSE);
}

static gchar *
describe_entries (const FdnixSearchIndex *index)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < fdnix_search_index_get_count (index); i++)
    {
      const FdnixSearchEntry *e = fdnix_search_index_get_entry (index, i);

      g_string_append_printf (out, "%s|%s|%s|%s|%s|%s|%s|%u|%u|%u|%u\n", fdnix_search_entry_name (index, e),
                              fdnix_search_entry_version (index, e), fdnix_search_entry_pname (index, e),
                              fdnix_search_entry_main_program (index, e), fdnix_search_entry_description (index, e),
                              fdnix_search_entry_licenses (index, e), fdnix_search_entry_platforms (index, e),
                              e->last_segment, e->depth, e->flags, e->maintainers);
    }
  return g_string_free (out, FALSE);
}

/* What fdnix-search --serve shows beside the search fields, the homepage
 * and the source position, comes back from a bundle unchanged. */
START_TEST (test_round_trip_details)
{
  g_autoptr(FdnixSearchIndex) index = fdnix_search_index_new ();
  g_autoptr(FdnixSearchIndex) loaded = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  static const gchar *const details[][3] = {
    { "ripgrep", "https://github.com/BurntSushi/ripgrep", "pkgs/by-name/ri/ripgrep/package.nix:95" },
    { "tmux", "https://tmux.github.io/", "pkgs/by-name/tm/tmux/package.nix:104" },
    { "zz-none", NULL, NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (details); i++)
    {
      g_autoptr(FdnixRecord) r = fdnix_record_new ();

      r->package_name = g_strdup (details[i][0]);
      r->version = g_strdup ("1");
      r->homepage = g_strdup (details[i][1]);
      r->position = g_strdup (details[i][2]);
      ck_assert_msg (fdnix_search_index_add_record (index, r, &error), "%s", error ? error->message : "");
    }
  fdnix_search_index_seal (index, 0);
  bytes = fdnix_search_index_to_bundle (index);
  loaded = fdnix_search_index_new_from_bundle (bytes, 4, &error);
  ck_assert_msg (loaded != NULL, "%s", error ? error->message : "");
  for (guint i = 0; i < G_N_ELEMENTS (details); i++)
    {
      const FdnixSearchEntry *e = fdnix_search_index_get_entry (loaded, fdnix_search_index_find (loaded, details[i][0]));

      ck_assert_str_eq (fdnix_search_entry_homepage (loaded, e), details[i][1] ? details[i][1] : "");
      ck_assert_str_eq (fdnix_search_entry_position (loaded, e), details[i][2] ? details[i][2] : "");
    }
}
END_TEST

START_TEST (test_round_trip)
{
  g_autoptr(FdnixSearchIndex) index = make_index (FALSE);
  g_autoptr(GBytes) bytes = fdnix_search_index_to_bundle (index);
  g_autoptr(GError) error = NULL;
  g_autoptr(FdnixSearchIndex) loaded = fdnix_search_index_new_from_bundle (bytes, 4, &error);
  g_autofree gchar *entries = NULL, *loaded_entries = NULL, *hits = NULL, *loaded_hits = NULL;

  ck_assert_msg (loaded != NULL, "%s", error ? error->message : "");
  ck_assert_uint_eq (fdnix_search_index_get_count (loaded), G_N_ELEMENTS (packages));
  ck_assert_uint_eq (fdnix_search_index_get_dimension (loaded), 4);
  ck_assert_uint_eq (fdnix_search_index_get_n_vectors (loaded), 0);
  ck_assert_uint_eq (fdnix_keyword_index_get_n_terms (fdnix_search_index_get_keywords (loaded)),
                     fdnix_keyword_index_get_n_terms (fdnix_search_index_get_keywords (index)));
  entries = describe_entries (index);
  loaded_entries = describe_entries (loaded);
  ck_assert_str_eq (loaded_entries, entries);
  hits = describe_hits (index);
  loaded_hits = describe_hits (loaded);
  ck_assert_str_eq (loaded_hits, hits);
  /* the loaded index is a sealed one: lookups and vectors work */
  ck_assert_int_eq (fdnix_search_index_find (loaded, "tmux"), fdnix_search_index_find (index, "tmux"));
  ck_assert_int_eq (fdnix_search_index_find (loaded, "nope"), -1);
  {
    const gfloat v[4] = { 1, 0, 0, 0 };

    ck_assert (fdnix_search_index_set_vector (loaded, 0, v));
    ck_assert (!fdnix_search_index_set_vector (loaded, 0, v));
  }
  /* the groups are made again: both python requests are one package */
  ck_assert_uint_eq (fdnix_search_groups_get_group (fdnix_search_index_get_groups (loaded),
                                                    (guint) fdnix_search_index_find (loaded, "python312Packages.requests")),
                     fdnix_search_groups_get_group (fdnix_search_index_get_groups (loaded),
                                                    (guint) fdnix_search_index_find (loaded, "python313Packages.requests")));
}
END_TEST

START_TEST (test_deterministic)
{
  g_autoptr(FdnixSearchIndex) a = make_index (FALSE);
  g_autoptr(FdnixSearchIndex) b = make_index (TRUE);
  g_autoptr(GBytes) x = fdnix_search_index_to_bundle (a);
  g_autoptr(GBytes) y = fdnix_search_index_to_bundle (b);

  ck_assert (g_bytes_equal (x, y));
}
END_TEST

START_TEST (test_empty_index)
{
  g_autoptr(FdnixSearchIndex) index = fdnix_search_index_new ();
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(FdnixSearchIndex) loaded = NULL;

  fdnix_search_index_seal (index, 0);
  bytes = fdnix_search_index_to_bundle (index);
  loaded = fdnix_search_index_new_from_bundle (bytes, 0, &error);
  ck_assert_msg (loaded != NULL, "%s", error ? error->message : "");
  ck_assert_uint_eq (fdnix_search_index_get_count (loaded), 0);
}
END_TEST

/* Where section @id starts, and where its table entry is. */
static gsize
section_at (const guint8 *data, guint32 id, gsize *out_entry)
{
  guint32 n;

  memcpy (&n, data + 12, 4);
  n = GUINT32_FROM_LE (n);
  for (guint i = 0; i < n; i++)
    {
      const guint8 *entry = data + 24 + 24 * i;
      guint32 sid;
      guint64 offset;

      memcpy (&sid, entry, 4);
      memcpy (&offset, entry + 8, 8);
      if (GUINT32_FROM_LE (sid) == id)
        {
          if (out_entry != NULL)
            *out_entry = 24 + 24 * i;
          return (gsize) GUINT64_FROM_LE (offset);
        }
    }
  ck_abort_msg ("no section %u", id);
  return 0;
}

static void
poke_u32 (guint8 *at, guint32 value)
{
  value = GUINT32_TO_LE (value);
  memcpy (at, &value, 4);
}

static void
poke_u64 (guint8 *at, guint64 value)
{
  value = GUINT64_TO_LE (value);
  memcpy (at, &value, 8);
}

typedef enum {
  BREAK_EMPTY, BREAK_MAGIC, BREAK_TRUNCATE, BREAK_VERSION, BREAK_SECTIONS, BREAK_MISALIGN,
  BREAK_OUTSIDE, BREAK_TWICE, BREAK_MISSING, BREAK_ENTRY_COUNT, BREAK_STRINGS_END,
  BREAK_TEXT_OFFSET, BREAK_ORDER, BREAK_SEGMENT, BREAK_TERM_RANGE, BREAK_POSTING_DOC,
  BREAK_POSTING_ORDER, BREAK_TERM_NAMES, BREAK_AVERAGE, BREAK_TOO_MANY,
} Break;

typedef struct {
  Break        how;
  const gchar *message;
} BreakCase;

static const BreakCase break_cases[] = {
  { BREAK_EMPTY, "no FDNXBNDL header" },
  { BREAK_MAGIC, "no FDNXBNDL header" },
  { BREAK_TRUNCATE, "the header says" },
  { BREAK_VERSION, "format 2, this fdnix-search reads format 1: upgrade" },
  { BREAK_SECTIONS, "sections, more than 32" },
  { BREAK_MISALIGN, "section 2 lies outside the file" },
  { BREAK_OUTSIDE, "section 6 lies outside the file" },
  { BREAK_TWICE, "section 2 appears twice" },
  { BREAK_MISSING, "no section 7" },
  { BREAK_ENTRY_COUNT, "section 3 holds" },
  { BREAK_STRINGS_END, "do not start and end with NUL" },
  { BREAK_TEXT_OFFSET, "a text offset past the strings" },
  { BREAK_ORDER, "not in strict order" },
  { BREAK_SEGMENT, "the last segment is not after a dot" },
  { BREAK_TERM_RANGE, "postings past the end" },
  { BREAK_POSTING_DOC, "a posting out of range or out of order" },
  { BREAK_POSTING_ORDER, "a posting out of range or out of order" },
  { BREAK_TERM_NAMES, "more term names than terms" },
  { BREAK_AVERAGE, "average field length" },
  { BREAK_TOO_MANY, "2000001 packages, more than the 2000000 allowed" },
};

START_TEST (test_refused)
{
  const BreakCase *c = &break_cases[_i];
  g_autoptr(GBytes) good = make_bundle ();
  gsize size = g_bytes_get_size (good);
  g_autofree guint8 *data = g_bytes_unref_to_data (g_bytes_ref (good), &size);
  g_autoptr(GBytes) bad = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(FdnixSearchIndex) loaded = NULL;
  gsize entry = 0, at;

  switch (c->how)
    {
    case BREAK_EMPTY:
      size = 0;
      break;
    case BREAK_MAGIC:
      data[0] = 'X';
      break;
    case BREAK_TRUNCATE:
      size--;
      break;
    case BREAK_VERSION:
      poke_u32 (data + 8, 2);
      break;
    case BREAK_SECTIONS:
      poke_u32 (data + 12, 33);
      break;
    case BREAK_MISALIGN:
      at = section_at (data, 2, &entry);
      poke_u64 (data + entry + 8, at + 1);
      break;
    case BREAK_OUTSIDE:
      section_at (data, 6, &entry);
      poke_u64 (data + entry + 16, size);
      break;
    case BREAK_TWICE:
      section_at (data, 3, &entry);
      poke_u32 (data + entry, 2);
      break;
    case BREAK_MISSING:
      section_at (data, 7, &entry);
      poke_u32 (data + entry, 99);
      break;
    case BREAK_ENTRY_COUNT:
      at = section_at (data, 1, NULL);
      poke_u32 (data + at, G_N_ELEMENTS (packages) + 1);
      break;
    case BREAK_STRINGS_END:
      {
        gsize meta = section_at (data, 1, NULL);
        guint64 length;

        memcpy (&length, data + meta + 16, 8);
        at = section_at (data, 2, NULL);
        data[at + GUINT64_FROM_LE (length) - 1] = 'x';
      }
      break;
    case BREAK_TEXT_OFFSET:
      at = section_at (data, 3, NULL);
      poke_u32 (data + at + 4, 1000000);  /* the first package's version */
      break;
    case BREAK_ORDER:
      {
        guint8 second[44];

        /* the second and third packages trade places */
        at = section_at (data, 3, NULL);
        memcpy (second, data + at + 44, 44);
        memcpy (data + at + 44, data + at + 88, 44);
        memcpy (data + at + 88, second, 44);
      }
      break;
    case BREAK_SEGMENT:
      at = section_at (data, 3, NULL);
      data[at + 36] = 3;  /* "a.b.c.deep" sorts first: "a.b" does not end in a dot */
      data[at + 37] = 0;
      break;
    case BREAK_TERM_RANGE:
      at = section_at (data, 5, NULL);
      poke_u32 (data + at + 4, 1000000);
      break;
    case BREAK_POSTING_DOC:
      at = section_at (data, 6, NULL);
      poke_u32 (data + at, G_N_ELEMENTS (packages));
      break;
    case BREAK_POSTING_ORDER:
      {
        /* a term with two postings or more: its second becomes its first */
        gsize terms = section_at (data, 5, NULL);
        gsize postings = section_at (data, 6, NULL);

        for (guint t = 0; ; t++)
          {
            guint32 start, count;

            memcpy (&start, data + terms + 8 * t, 4);
            memcpy (&count, data + terms + 8 * t + 4, 4);
            if (GUINT32_FROM_LE (count) < 2)
              continue;
            memcpy (data + postings + 8 * (GUINT32_FROM_LE (start) + 1),
                    data + postings + 8 * GUINT32_FROM_LE (start), 4);
            break;
          }
      }
      break;
    case BREAK_TERM_NAMES:
      at = section_at (data, 1, NULL);
      poke_u32 (data + at + 4, 1);  /* one term, many names */
      section_at (data, 5, &entry);
      poke_u64 (data + entry + 16, 8);
      break;
    case BREAK_TOO_MANY:
      at = section_at (data, 1, NULL);
      poke_u32 (data + at, FDNIX_SEARCH_BUNDLE_MAX_PACKAGES + 1);
      break;
    case BREAK_AVERAGE:
      at = section_at (data, 1, NULL);
      poke_u32 (data + at + 24, 0x7fc00000);  /* NaN */
      break;
    }
  bad = g_bytes_new (data, size);
  loaded = fdnix_search_index_new_from_bundle (bad, 0, &error);
  ck_assert_msg (loaded == NULL, "case %u was accepted", _i);
  ck_assert (g_error_matches (error, FDNIX_ERROR, FDNIX_ERROR_INVALID_DATA));
  ck_assert_msg (strstr (error->message, c->message) != NULL, "case %u: %s", _i, error->message);
}
END_TEST

/* Random damage: refused, or loaded and usable without reading out of
 * bounds (AddressSanitizer in CI). */
START_TEST (test_random_damage)
{
  g_autoptr(GBytes) good = make_bundle ();
  gsize size = g_bytes_get_size (good);
  g_autoptr(GRand) rand = g_rand_new_with_seed (20261203);
  guint refused = 0, loaded_count = 0;

  for (guint round = 0; round < 3000; round++)
    {
      g_autofree guint8 *data = g_bytes_unref_to_data (g_bytes_ref (good), &size);
      gsize length = size;
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(FdnixSearchIndex) loaded = NULL;

      for (guint k = 0; k < 1 + round % 3; k++)
        data[g_rand_int_range (rand, 0, (gint32) size)] = (guint8) g_rand_int (rand);
      if (round % 5 == 0)
        length = (gsize) g_rand_int_range (rand, 0, (gint32) size);
      bytes = g_bytes_new (data, length);
      loaded = fdnix_search_index_new_from_bundle (bytes, 2, &error);
      if (loaded == NULL)
        {
          ck_assert (g_error_matches (error, FDNIX_ERROR, FDNIX_ERROR_INVALID_DATA));
          refused++;
          continue;
        }
      loaded_count++;
      g_free (describe_entries (loaded));
      g_free (describe_hits (loaded));
    }
  /* both outcomes happen: damage in texts loads, damage in counts does not */
  ck_assert_uint_gt (refused, 100);
  ck_assert_uint_gt (loaded_count, 10);
}
END_TEST

START_TEST (test_keys)
{
  g_autofree gchar *key = fdnix_bundle_key ("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");

  ck_assert_str_eq (key, "search-bundle/bundle_0123456789abcdef.bin");
  ck_assert (fdnix_bundle_key_is_valid (key));
  ck_assert (!fdnix_bundle_key_is_valid ("search-bundle/bundle_0123456789abcdeg.bin"));
  ck_assert (!fdnix_bundle_key_is_valid ("search-bundle/bundle_0123456789abcdef0.bin"));
  ck_assert (!fdnix_bundle_key_is_valid ("search-bundle/../bundle_0123456789abcdef.bin"));
  ck_assert (!fdnix_bundle_key_is_valid ("vectors/batch_x_00000.json.gz"));
}
END_TEST

static Suite *
bundle_suite (void)
{
  Suite *s = suite_create ("search-bundle");
  TCase *tc = tcase_create ("search-bundle");

  tcase_set_timeout (tc, 120);
  tcase_add_test (tc, test_round_trip);
  tcase_add_test (tc, test_round_trip_details);
  tcase_add_test (tc, test_deterministic);
  tcase_add_test (tc, test_empty_index);
  tcase_add_loop_test (tc, test_refused, 0, G_N_ELEMENTS (break_cases));
  tcase_add_test (tc, test_random_damage);
  tcase_add_test (tc, test_keys);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  return fdnix_test_run (bundle_suite ());
}
