/* check-package-reader: whole documents through splitter, parser and
 * normalizer: shapes, half-written entries, damage, chunking, limits. */
#include "config.h"

#include <string.h>

#include "core/fdnix-config.h"
#include "core/fdnix-error.h"
#include "ingest/fdnix-package-reader.h"
#include "fdnix-test.h"

/* Warnings are part of the contract (skipped entries name their attribute
 * path), so the suite records them. */
static GString *warnings;

static GLogWriterOutput
record_warnings (GLogLevelFlags level, const GLogField *fields, gsize n_fields, gpointer user_data)
{
  for (gsize i = 0; i < n_fields; i++)
    if (strcmp (fields[i].key, "MESSAGE") == 0 && (level & G_LOG_LEVEL_WARNING) != 0)
      g_string_append_printf (warnings, "%s\n", (const gchar *) fields[i].value);
  return G_LOG_WRITER_HANDLED;
}

typedef struct {
  GString *transcript;
  guint    stop_after;   /* fail on this record (1-based), 0: never */
  guint    seen;
} Collect;

static gboolean
collect_record (FdnixRecord *record, gpointer user_data, GError **error)
{
  Collect *c = user_data;

  if (++c->seen == c->stop_after)
    {
      g_set_error_literal (error, FDNIX_ERROR, FDNIX_ERROR_IO, "the store is full");
      return FALSE;
    }
  fdnix_record_append_json (record, c->transcript);
  g_string_append_c (c->transcript, '\n');
  return TRUE;
}

typedef struct {
  gboolean          ok;
  gchar            *error;
  gchar            *records;     /* JSON lines */
  FdnixReaderCounts counts;
  gboolean          wrapper;
} Outcome;

static void
outcome_clear (Outcome *o)
{
  g_free (o->error);
  g_free (o->records);
}

/* Reads @doc in chunks of @chunk bytes (0: random sizes from @seed). */
static void
read_doc (const gchar *doc, gsize length, gsize chunk, guint32 seed, const gchar *root,
          gsize max_entry, Outcome *out)
{
  g_autoptr(GString) transcript = g_string_new (NULL);
  Collect collect = { transcript, 0, 0 };
  FdnixNormalizeOptions options = { root, 0 };
  g_autoptr(FdnixPackageReader) reader = fdnix_package_reader_new (&options, collect_record, &collect);
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  g_autoptr(GError) error = NULL;
  gsize offset = 0;
  gboolean ok = TRUE;

  fdnix_package_reader_set_max_entry_size (reader, max_entry);
  while (ok && offset < length)
    {
      gsize n = chunk > 0 ? chunk : (gsize) g_rand_int_range (rand, 1, 300);
      n = MIN (n, length - offset);
      ok = fdnix_package_reader_feed (reader, doc + offset, n, &error);
      offset += n;
    }
  if (ok)
    ok = fdnix_package_reader_finish (reader, &error);
  if (ok)
    ck_assert_uint_eq (fdnix_package_reader_get_offset (reader), length);
  out->ok = ok;
  out->error = ok ? NULL : g_strdup (error->message);
  if (!ok)
    ck_assert (error->domain == FDNIX_ERROR);
  out->records = g_string_free (g_steal_pointer (&transcript), FALSE);
  fdnix_package_reader_get_counts (reader, &out->counts);
  out->wrapper = fdnix_package_reader_is_wrapper (reader);
}

static gboolean
outcome_equal (const Outcome *a, const Outcome *b)
{
  return a->ok == b->ok && g_strcmp0 (a->error, b->error) == 0 &&
         strcmp (a->records, b->records) == 0 &&
         memcmp (&a->counts, &b->counts, sizeof a->counts) == 0 && a->wrapper == b->wrapper;
}

/* Reads @doc whole, then in 1-byte, 7-byte and random chunks: every run
 * must give the same result. */
static void
read_all_ways (const gchar *doc, gsize length, const gchar *root, Outcome *out)
{
  static const gsize chunks[] = { 1, 7, 4096 };

  read_doc (doc, length, G_MAXSIZE, 0, root, 0, out);
  for (gsize i = 0; i < G_N_ELEMENTS (chunks) + 5; i++)
    {
      Outcome other = { 0, };
      if (i < G_N_ELEMENTS (chunks))
        read_doc (doc, length, chunks[i], 0, root, 0, &other);
      else
        read_doc (doc, length, 0, (guint32) i, root, 0, &other);
      ck_assert_msg (outcome_equal (out, &other), "chunking %zu changed the result:\n%s\n%s\nvs\n%s\n%s", i,
                     out->records, out->error ? out->error : "ok",
                     other.records, other.error ? other.error : "ok");
      outcome_clear (&other);
    }
}

/* Attribute paths of the records, space separated. */
static gchar *
record_names (const gchar *records)
{
  g_auto(GStrv) lines = g_strsplit (records, "\n", -1);
  g_autoptr(GString) names = g_string_new (NULL);

  for (gsize i = 0; lines[i] != NULL && *lines[i] != '\0'; i++)
    {
      g_autoptr(FdnixRecord) r = fdnix_record_from_json (lines[i], -1, NULL);
      ck_assert (r != NULL);
      g_string_append_printf (names, "%s%s", names->len > 0 ? " " : "", r->package_name);
    }
  return g_string_free (g_steal_pointer (&names), FALSE);
}

static FdnixRecord *
find_record (const gchar *records, const gchar *name)
{
  g_auto(GStrv) lines = g_strsplit (records, "\n", -1);

  for (gsize i = 0; lines[i] != NULL && *lines[i] != '\0'; i++)
    {
      FdnixRecord *r = fdnix_record_from_json (lines[i], -1, NULL);
      if (g_strcmp0 (r->package_name, name) == 0)
        return r;
      fdnix_record_free (r);
    }
  ck_abort_msg ("no record %s", name);
  return NULL;
}

typedef struct {
  const gchar *fixture;
  const gchar *names;        /* records, in order */
  guint64      entries;
  guint64      half_written;
  guint64      invalid;
  guint64      repaired;
  gboolean     wrapper;
  const gchar *warnings;     /* a substring of the warnings, or NULL */
} FixtureCase;

static const FixtureCase fixture_cases[] = {
  { "ingest/raw-nix-2.8.json", "hello python3Packages.foo-bar appimage-run fishPlugins.git-abbr",
    6, 2, 0, 0, FALSE, "skipping \"bruijn\": nix left the entry half-written" },
  { "ingest/channel-v2.json", "hello zlib jq", 3, 0, 0, 0, TRUE, NULL },
  { "ingest/channel-v2-sorted.json", "hello jq zlib", 3, 0, 0, 0, TRUE, NULL },
  { "ingest/channel-v2-meta-first.json", "meta outputs zlib", 3, 0, 0, 0, TRUE, NULL },
  { "ingest/named-packages.json", "aaa packages version", 3, 0, 0, 0, FALSE, NULL },
  { "ingest/named-packages-sorted.json", "aaa packages version", 3, 0, 0, 0, FALSE, NULL },
  { "ingest/empty.json", "", 0, 0, 0, 0, FALSE, NULL },
  { "ingest/invalid-utf8.json", "bad-utf8 good", 3, 0, 1, 2, FALSE,
    "skipping \"bad\xef\xbf\xbdname\" (byte offset 269): attribute path is not valid UTF-8" },
};

START_TEST (test_fixture)
{
  const FixtureCase *c = &fixture_cases[_i];
  gsize length = 0;
  g_autofree gchar *doc = fdnix_test_read_data (c->fixture, &length);
  g_autofree gchar *names = NULL;
  Outcome out = { 0, };

  g_string_truncate (warnings, 0);
  read_all_ways (doc, length, "/build/nixpkgs", &out);
  ck_assert_msg (out.ok, "%s: %s", c->fixture, out.error);
  names = record_names (out.records);
  ck_assert_str_eq (names, c->names);
  ck_assert_uint_eq (out.counts.entries, c->entries);
  ck_assert_uint_eq (out.counts.skipped_half_written, c->half_written);
  ck_assert_uint_eq (out.counts.skipped_invalid, c->invalid);
  ck_assert_uint_eq (out.counts.repaired_utf8, c->repaired);
  ck_assert_uint_eq (out.counts.records, out.counts.entries - c->half_written - c->invalid);
  ck_assert_int_eq (out.wrapper, c->wrapper);
  if (c->warnings != NULL)
    ck_assert_msg (strstr (warnings->str, c->warnings) != NULL, "warnings:\n%s", warnings->str);
  outcome_clear (&out);
}
END_TEST

/* Field values survive the whole path, and both channel layouts give the
 * same records (so the same hashes) as key order does not matter. */
START_TEST (test_fixture_fields)
{
  gsize length = 0;
  g_autofree gchar *raw = fdnix_test_read_data ("ingest/raw-nix-2.8.json", &length);
  g_autofree gchar *ch = NULL;
  g_autofree gchar *sorted = NULL;
  g_autoptr(FdnixRecord) hello = NULL;
  g_autoptr(FdnixRecord) foo = NULL;
  g_autoptr(FdnixRecord) appimage = NULL;
  g_autoptr(FdnixRecord) fish = NULL;
  g_autoptr(FdnixRecord) ch_jq = NULL;
  g_autoptr(FdnixRecord) sorted_jq = NULL;
  Outcome a = { 0, };
  Outcome b = { 0, };

  read_doc (raw, length, 1000, 0, "/build/nixpkgs", 0, &a);
  hello = find_record (a.records, "hello");
  ck_assert_str_eq (hello->version, "2.12.1");
  ck_assert_str_eq (hello->position, "pkgs/by-name/he/hello/package.nix:47");
  ck_assert_str_eq (hello->long_description,
                    "GNU Hello is a program that prints \"Hello, world!\" when you run it.\nIt is fully customizable.");
  ck_assert_str_eq (hello->main_program, "hello");
  ck_assert (strstr (hello->license_json, "\"spdxId\":\"GPL-3.0-or-later\"") != NULL);
  ck_assert (strstr (hello->maintainers_json, "{\"name\":\"No GitHub\",\"email\":\"nobody@example.org\"}") != NULL);
  foo = find_record (a.records, "python3Packages.foo-bar");
  ck_assert_str_eq (foo->description, "Foo bar with spaces around");
  ck_assert_str_eq (foo->homepage, "https://foo.example.org");
  ck_assert_str_eq (foo->platforms_json, "[\"x86_64-linux\",\"cpu.bits=64,kernel.name=linux\"]");
  ck_assert_str_eq (foo->position, "pkgs/development/python-modules/foo-bar/default.nix:12");
  ck_assert (!foo->available && foo->broken && foo->insecure && foo->unfree && foo->unsupported);
  appimage = find_record (a.records, "appimage-run");
  ck_assert_str_eq (appimage->version, "unknown");
  ck_assert (appimage->license_json == NULL && appimage->description == NULL && appimage->position == NULL);
  fish = find_record (a.records, "fishPlugins.git-abbr");
  ck_assert_str_eq (fish->description,
                    "Abbreviations for git for the fish shell \xf0\x9f\x90\x9f, caf\xc3\xa9 and \xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e");
  ck_assert_str_eq (fish->maintainers_json, "[{\"name\":\"Jane Doe\"}]");
  ck_assert_str_eq (fish->license_json, "{\"type\":\"string\",\"value\":\"mit\"}");
  outcome_clear (&a);

  ch = fdnix_test_read_data ("ingest/channel-v2.json", &length);
  read_doc (ch, length, 0, 3, NULL, 0, &a);
  sorted = fdnix_test_read_data ("ingest/channel-v2-sorted.json", &length);
  read_doc (sorted, length, 0, 4, NULL, 0, &b);
  ch_jq = find_record (a.records, "jq");
  sorted_jq = find_record (b.records, "jq");
  ck_assert_str_eq (ch_jq->content_hash, sorted_jq->content_hash);
  ck_assert_str_eq (ch_jq->main_program, "jq");
  outcome_clear (&a);
  outcome_clear (&b);
}
END_TEST

/* Without a root, absolute positions still become relative. */
START_TEST (test_positions_without_root)
{
  gsize length = 0;
  g_autofree gchar *raw = fdnix_test_read_data ("ingest/raw-nix-2.8.json", &length);
  g_autoptr(FdnixRecord) hello = NULL;
  Outcome a = { 0, };

  read_doc (raw, length, G_MAXSIZE, 0, NULL, 0, &a);
  hello = find_record (a.records, "hello");
  ck_assert_str_eq (hello->position, "pkgs/by-name/he/hello/package.nix:47");
  outcome_clear (&a);
}
END_TEST

typedef struct {
  const gchar *what;
  const gchar *doc;
  const gchar *names;     /* records on success */
  guint64      half_written;
  const gchar *error;     /* NULL: must succeed; else the exact message */
} DocCase;

#define OK_ENTRY "{\"name\":\"ok-1\",\"version\":\"1\",\"meta\":{\"available\":true}}"

static const DocCase doc_cases[] = {
  /* the nix 2.8 pattern, as nix prints it and in variants */
  { "half-written compact", "{\"a\":{\"name\":\"a-1\",\"meta\":{\"available\":}},\"ok\":" OK_ENTRY "}", "ok", 1, NULL },
  { "half-written first and last", "{\"a\":{\"meta\":{\"available\": \n}},\"ok\":" OK_ENTRY ",\"z\":{\"meta\":{\"available\": }}}",
    "ok", 2, NULL },
  { "half-written in a nested meta value", "{\"a\":{\"meta\":{\"available\":true,\"license\":{\"free\": }}},\"ok\":" OK_ENTRY "}",
    "ok", 1, NULL },
  { "half-written in a meta list", "{\"a\":{\"meta\":{\"platforms\":[\"x86_64-linux\", \n ]}},\"ok\":" OK_ENTRY "}",
    "ok", 1, NULL },
  { "half-written in the wrapper", "{\"version\":2,\"packages\":{\"a\":{\"meta\":{\"available\": }},\"ok\":" OK_ENTRY "}}",
    "ok", 1, NULL },
  /* look-alikes that are damage */
  { "missing value outside meta", "{\"ok\":" OK_ENTRY ",\"a\":{\"name\": },\"b\":" OK_ENTRY "}", NULL, 0,
    "invalid JSON at byte offset 75 in the entry \"a\": a value is missing" },
  { "missing meta value", "{\"a\":{\"meta\": }}", NULL, 0,
    "invalid JSON at byte offset 14 in the entry \"a\": a value is missing" },
  { "missing value in outputs", "{\"a\":{\"outputs\":{\"out\": }}}", NULL, 0,
    "invalid JSON at byte offset 24 in the entry \"a\": a value is missing" },
  { "data after the missing value", "{\"a\":{\"meta\":{\"available\": ,\"x\":1}}}", NULL, 0,
    "invalid JSON at byte offset 27 in the entry \"a\": unexpected character" },
  { "members after the half-written meta", "{\"a\":{\"meta\":{\"available\": },\"name\":\"a\"}}", NULL, 0,
    "invalid JSON at byte offset 28 in the entry \"a\": data after a half-written value" },
  { "wrong closer", "{\"a\":{\"meta\":{\"available\": ]}}", NULL, 0,
    "invalid JSON at byte offset 27 in the entry \"a\": unexpected character" },
  /* other damage names the byte and the entry */
  { "trailing comma in an entry", "{\"ok\":" OK_ENTRY ",\"a\":{\"name\":\"x\",}}", NULL, 0,
    "invalid JSON at byte offset 78 in the entry \"a\": expected a member name" },
  { "bad literal", "{\"a\":{\"meta\":{\"broken\":nope}}}", NULL, 0,
    "invalid JSON at byte offset 23 in the entry \"a\": invalid literal" },
  { "bad top-level scalar", "{\"version\":2x,\"a\":{}}", NULL, 0,
    "invalid JSON at byte offset 12 in the entry \"version\": unexpected data after the value" },
  { "mismatched brackets", "{\"a\":{\"x\":[1}]}", NULL, 0,
    "invalid JSON at byte offset 12 in the entry \"a\": expected ',' or ']'" },
  { "garbage between entries", "{\"ok\":" OK_ENTRY " garbage }", NULL, 0,
    "invalid JSON at byte offset 62: expected ',' or '}' after a value" },
  { "truncated", "{\"ok\":" OK_ENTRY ",\"a\":{\"name\":\"x\"", NULL, 0,
    "truncated document: it ends at byte offset 77 inside the value of \"a\"" },
  { "not an object", "[" OK_ENTRY "]", NULL, 0, "invalid JSON at byte offset 0: the document is not a JSON object" },
  { "a number", "42", NULL, 0, "invalid JSON at byte offset 0: the document is not a JSON object" },
  { "empty input", "", NULL, 0, "empty document: no JSON object" },
  /* non-object members are not packages */
  { "non-object members", "{\"v\":2,\"l\":[1,{}],\"s\":\"x\",\"n\":null,\"ok\":" OK_ENTRY "}", "ok", 0, NULL },
  { "entry without name", "{\"pkgs.x\":{}}", "pkgs.x", 0, NULL },
};

START_TEST (test_document)
{
  const DocCase *c = &doc_cases[_i];
  Outcome out = { 0, };

  g_string_truncate (warnings, 0);
  read_all_ways (c->doc, strlen (c->doc), NULL, &out);
  if (c->error != NULL)
    {
      ck_assert_msg (!out.ok, "%s: should fail", c->what);
      ck_assert_msg (strcmp (out.error, c->error) == 0, "%s:\n got %s\nwant %s", c->what, out.error, c->error);
    }
  else
    {
      g_autofree gchar *names = NULL;
      ck_assert_msg (out.ok, "%s: %s", c->what, out.error);
      names = record_names (out.records);
      ck_assert_str_eq (names, c->names);
      ck_assert_uint_eq (out.counts.skipped_half_written, c->half_written);
      if (c->half_written > 0)
        ck_assert (strstr (warnings->str, "skipping \"a\": nix left the entry half-written") != NULL);
    }
  outcome_clear (&out);
}
END_TEST

/* Inputs the fuzzer found (fuzz/fuzz-ingest.c): each reads the same way
 * whatever the chunking, and never crashes. */
START_TEST (test_fuzz_inputs)
{
  static const struct {
    const gchar *fixture;
    const gchar *error;
  } inputs[] = {
    /* whitespace before the value that decides "packages" was lost */
    { "ingest/fuzz-01-ws-before-decision.json",
      "invalid JSON at byte offset 301 in the entry \"packages\": a value is missing" },
    /* an empty member name was decoded from a NULL buffer */
    { "ingest/fuzz-02-empty-name.json",
      "invalid JSON at byte offset 3: expected ':' after a member name" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (inputs); i++)
    {
      gsize length = 0;
      g_autofree gchar *doc = fdnix_test_read_data (inputs[i].fixture, &length);
      Outcome out = { 0, };

      read_all_ways (doc, length, NULL, &out);
      ck_assert_msg (g_strcmp0 (out.error, inputs[i].error) == 0, "%s: %s", inputs[i].fixture, out.error);
      outcome_clear (&out);
    }
}
END_TEST

/* Cutting a real-looking document anywhere fails the run, naming the
 * offset; what came before the cut was read as in the whole run. */
START_TEST (test_truncation_everywhere)
{
  gsize length = 0;
  g_autofree gchar *doc = fdnix_test_read_data ("ingest/raw-nix-2.8.json", &length);
  Outcome whole = { 0, };

  read_doc (doc, length, G_MAXSIZE, 0, NULL, 0, &whole);
  ck_assert (whole.ok);
  while (length > 0 && g_ascii_isspace (doc[length - 1]))
    length--;
  for (gsize cut = 0; cut < length; cut += 1 + cut % 13)
    {
      Outcome out = { 0, };

      read_doc (doc, cut, 1 + cut % 11, 0, NULL, 0, &out);
      ck_assert_msg (!out.ok, "cut at %zu succeeded", cut);
      ck_assert_msg (strstr (out.error, "byte offset") != NULL || strstr (out.error, "empty document") != NULL,
                     "cut at %zu: %s", cut, out.error);
      ck_assert_msg (g_str_has_prefix (whole.records, out.records), "cut at %zu", cut);
      outcome_clear (&out);
    }
  outcome_clear (&whole);
}
END_TEST

/* An entry over the limit stops the run, naming the entry and where it
 * starts; a big entry under the limit is read. */
START_TEST (test_huge_entry)
{
  g_autoptr(GString) doc = g_string_new ("{\"ok\":" OK_ENTRY ",\"big\":{\"name\":\"big-1\",\"meta\":{\"longDescription\":\"");
  Outcome out = { 0, };
  g_autoptr(FdnixRecord) big = NULL;

  for (guint i = 0; i < 3 * 1024 * 1024; i++)
    g_string_append_c (doc, "abcdefgh "[i % 9]);
  g_string_append (doc, "\"}}}");
  read_doc (doc->str, doc->len, 65536, 0, NULL, 1024 * 1024, &out);
  ck_assert (!out.ok);
  ck_assert_str_eq (out.error, "the value of \"big\" at byte offset 68 is larger than 1048576 bytes");
  outcome_clear (&out);
  read_doc (doc->str, doc->len, 65536, 0, NULL, 0, &out);
  ck_assert_msg (out.ok, "%s", out.error);
  ck_assert_uint_eq (out.counts.capped_long_descriptions, 1);
  big = find_record (out.records, "big");
  ck_assert_uint_le (strlen (big->long_description), FDNIX_NORMALIZE_DEFAULT_MAX_LONG_DESCRIPTION);
  outcome_clear (&out);
}
END_TEST

/* The record function's error stops the run and comes back unchanged. */
START_TEST (test_callback_error)
{
  const gchar *doc = "{\"a\":" OK_ENTRY ",\"b\":" OK_ENTRY ",\"c\":" OK_ENTRY "}";
  g_autoptr(GString) transcript = g_string_new (NULL);
  Collect collect = { transcript, 2, 0 };
  g_autoptr(FdnixPackageReader) reader = fdnix_package_reader_new (NULL, collect_record, &collect);
  g_autoptr(GError) error = NULL;
  FdnixReaderCounts counts;

  ck_assert (!fdnix_package_reader_feed (reader, doc, strlen (doc), &error));
  ck_assert (g_error_matches (error, FDNIX_ERROR, FDNIX_ERROR_IO));
  ck_assert_str_eq (error->message, "the store is full");
  fdnix_package_reader_get_counts (reader, &counts);
  ck_assert_uint_eq (counts.records, 2);
  g_clear_error (&error);
  ck_assert (!fdnix_package_reader_finish (reader, &error));
}
END_TEST

START_TEST (test_settings)
{
  g_autoptr(FdnixConfig) config = fdnix_config_new ();
  g_autoptr(GString) transcript = g_string_new (NULL);
  Collect collect = { transcript, 0, 0 };
  g_autoptr(FdnixPackageReader) reader = NULL;
  g_autoptr(FdnixRecord) r = NULL;
  g_autofree gchar *text = g_strnfill (500, 'x');
  g_autofree gchar *doc = g_strdup_printf ("{\"a\":{\"meta\":{\"longDescription\":\"%s\","
                                           "\"position\":\"/srv/tree/x/a.nix:1\"}}}", text);
  FdnixReaderCounts counts;

  fdnix_config_register (config, fdnix_package_reader_settings);
  ck_assert (fdnix_config_set (config, "ingest.max-long-description", "100", FDNIX_SOURCE_CLI, NULL));
  reader = fdnix_package_reader_new_from_config (config, "/srv/tree", collect_record, &collect);
  ck_assert (fdnix_package_reader_feed (reader, doc, strlen (doc), NULL));
  ck_assert (fdnix_package_reader_finish (reader, NULL));
  fdnix_package_reader_get_counts (reader, &counts);
  ck_assert_uint_eq (counts.capped_long_descriptions, 1);
  r = find_record (transcript->str, "a");
  ck_assert_uint_le (strlen (r->long_description), 100);
  ck_assert_str_eq (r->position, "x/a.nix:1");

  g_clear_pointer (&reader, fdnix_package_reader_free);
  ck_assert (fdnix_config_set (config, "ingest.max-entry-size", "100", FDNIX_SOURCE_CLI, NULL));
  reader = fdnix_package_reader_new_from_config (config, NULL, collect_record, &collect);
  ck_assert (!fdnix_package_reader_feed (reader, doc, strlen (doc), NULL));
  g_clear_pointer (&reader, fdnix_package_reader_free);
  /* no limit below 1 byte: 0 and negative sizes are refused when set */
  ck_assert (!fdnix_config_set (config, "ingest.max-entry-size", "0", FDNIX_SOURCE_CLI, NULL));
  ck_assert (!fdnix_config_set (config, "ingest.max-entry-size", "-5", FDNIX_SOURCE_CLI, NULL));
  ck_assert (!fdnix_config_set (config, "ingest.max-long-description", "63", FDNIX_SOURCE_CLI, NULL));
}
END_TEST

static Suite *
package_reader_suite (void)
{
  Suite *s = suite_create ("package-reader");
  TCase *tc = tcase_create ("package-reader");

  tcase_set_timeout (tc, 300);
  tcase_add_loop_test (tc, test_fixture, 0, G_N_ELEMENTS (fixture_cases));
  tcase_add_test (tc, test_fixture_fields);
  tcase_add_test (tc, test_positions_without_root);
  tcase_add_loop_test (tc, test_document, 0, G_N_ELEMENTS (doc_cases));
  tcase_add_test (tc, test_fuzz_inputs);
  tcase_add_test (tc, test_truncation_everywhere);
  tcase_add_test (tc, test_huge_entry);
  tcase_add_test (tc, test_callback_error);
  tcase_add_test (tc, test_settings);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  warnings = g_string_new (NULL);
  g_log_set_writer_func (record_warnings, NULL, NULL);
  return fdnix_test_run (package_reader_suite ());
}
