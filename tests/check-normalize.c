/* check-normalize: every odd shape of nix-env's JSON, one row per case. */
#include "config.h"

#include <string.h>

#include "core/fdnix-error.h"
#include "ingest/fdnix-normalize.h"
#include "fdnix-test.h"

typedef enum {
  F_INVALID,          /* expected: a substring of the error */
  F_VERSION,
  F_PNAME,
  F_DESCRIPTION,
  F_LONG_DESCRIPTION,
  F_HOMEPAGE,
  F_LICENSE,
  F_MAINTAINERS,
  F_PLATFORMS,
  F_MAIN_PROGRAM,
  F_POSITION,
  F_FLAGS,            /* "available broken insecure unfree unsupported" as 0/1 */
  F_REPAIRED,         /* the repaired-UTF-8 count */
} Field;

typedef struct {
  const gchar *what;
  const gchar *attr;      /* NULL: "pkgs.example" */
  const gchar *json;      /* the entry */
  Field        field;
  const gchar *expected;  /* NULL: the field is NULL */
} Case;

#define LIC_MIT "{\"deprecated\":false,\"free\":true,\"fullName\":\"MIT License\",\"licenseType\":\"simple\"," \
                "\"redistributable\":true,\"shortName\":\"mit\",\"spdxId\":\"MIT\",\"url\":\"https://spdx.org/licenses/MIT.html\"}"
#define LIC_MIT_OUT "\"shortName\":\"mit\",\"fullName\":\"MIT License\",\"spdxId\":\"MIT\"," \
                    "\"url\":\"https://spdx.org/licenses/MIT.html\",\"free\":true,\"redistributable\":true,\"deprecated\":false"

static const Case cases[] = {
  /* attribute path: the key is checked, never repaired */
  { "empty attribute path", "", "{}", F_INVALID, "empty attribute path" },
  { "attribute path with a control", "a\x01" "b", "{}", F_INVALID, "control character" },
  { "attribute path not UTF-8", "caf\xc3", "{}", F_INVALID, "not valid UTF-8" },
  { "entry not an object", NULL, "[1]", F_INVALID, "not a JSON object" },
  { "attribute path with plus", "emacsPackages.term+key-intercept",
    "{\"version\":\"1\"}", F_PNAME, "term+key-intercept" },

  /* version: a key, so never empty */
  { "version", NULL, "{\"version\":\"2.12.1\"}", F_VERSION, "2.12.1" },
  { "version empty", NULL, "{\"version\":\"\"}", F_VERSION, "unknown" },
  { "version missing", NULL, "{}", F_VERSION, "unknown" },
  { "version not a string", NULL, "{\"version\":2}", F_VERSION, "unknown" },
  { "version with a control", NULL, "{\"version\":\"1.0\\u0007\"}", F_VERSION, "1.0" },
  { "version only controls", NULL, "{\"version\":\"\\u0000\"}", F_VERSION, "unknown" },

  /* pname */
  { "pname given", NULL, "{\"pname\":\"hello\",\"name\":\"other-1\",\"version\":\"1\"}", F_PNAME, "hello" },
  { "pname from name minus version", NULL, "{\"name\":\"foo-bar-1.2\",\"version\":\"1.2\"}", F_PNAME, "foo-bar" },
  { "pname empty falls back to name", NULL, "{\"pname\":\" \",\"name\":\"foo-1.2\",\"version\":\"1.2\"}", F_PNAME, "foo" },
  { "pname from name without version", NULL, "{\"name\":\"catalog-json-schema\",\"version\":\"\"}",
    F_PNAME, "catalog-json-schema" },
  { "pname from name like parseDrvName", NULL, "{\"name\":\"hello-2.0-rc1\",\"version\":\"3\"}", F_PNAME, "hello" },
  { "pname from the last attribute", "python3Packages.requests", "{}", F_PNAME, "requests" },
  { "pname from a one-segment path", "zlib", "{\"name\":\"\"}", F_PNAME, "zlib" },

  /* description, longDescription, mainProgram */
  { "description missing", NULL, "{\"meta\":{}}", F_DESCRIPTION, NULL },
  { "description trimmed", NULL, "{\"meta\":{\"description\":\"  Foo bar\\n \"}}", F_DESCRIPTION, "Foo bar" },
  { "description empty", NULL, "{\"meta\":{\"description\":\"\"}}", F_DESCRIPTION, NULL },
  { "description blank", NULL, "{\"meta\":{\"description\":\" \\t\\n\"}}", F_DESCRIPTION, NULL },
  { "description not a string", NULL, "{\"meta\":{\"description\":12}}", F_DESCRIPTION, NULL },
  { "description emoji escapes", NULL, "{\"meta\":{\"description\":\"fish \\ud83d\\udc1f\"}}",
    F_DESCRIPTION, "fish \xf0\x9f\x90\x9f" },
  { "description raw UTF-8", NULL, "{\"meta\":{\"description\":\"caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac\"}}",
    F_DESCRIPTION, "caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac" },
  { "description controls removed", NULL, "{\"meta\":{\"description\":\"a\\u0000b\\u001bc\\rd\\te\\nf\"}}",
    F_DESCRIPTION, "abcd\te\nf" },
  { "description invalid UTF-8 repaired", NULL, "{\"meta\":{\"description\":\"caf\xc3 \xff!\"}}",
    F_DESCRIPTION, "caf\xef\xbf\xbd \xef\xbf\xbd!" },
  { "description overlong UTF-8", NULL, "{\"meta\":{\"description\":\"\xc0\xaf\"}}",
    F_DESCRIPTION, "\xef\xbf\xbd\xef\xbf\xbd" },
  { "description UTF-8 surrogate", NULL, "{\"meta\":{\"description\":\"\xed\xa0\x80x\"}}",
    F_DESCRIPTION, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbdx" },
  { "description lone surrogate escape", NULL, "{\"meta\":{\"description\":\"\\ud800x\"}}",
    F_DESCRIPTION, "\xef\xbf\xbdx" },
  { "repairs counted per string", NULL,
    "{\"meta\":{\"description\":\"\xff\xff\",\"homepage\":\"\\udc00\",\"mainProgram\":\"ok\"}}", F_REPAIRED, "2" },
  { "nothing to repair", NULL, "{\"meta\":{\"description\":\"caf\xc3\xa9\"}}", F_REPAIRED, "0" },
  { "longDescription kept", NULL, "{\"meta\":{\"longDescription\":\"Line one.\\nLine two.\\n\"}}",
    F_LONG_DESCRIPTION, "Line one.\nLine two." },
  { "mainProgram", NULL, "{\"meta\":{\"mainProgram\":\"hello\"}}", F_MAIN_PROGRAM, "hello" },
  { "mainProgram missing", NULL, "{\"meta\":{}}", F_MAIN_PROGRAM, NULL },
  { "meta not an object", NULL, "{\"meta\":\"x\"}", F_FLAGS, "1 0 0 0 0" },

  /* homepage */
  { "homepage string", NULL, "{\"meta\":{\"homepage\":\"https://a.org\"}}", F_HOMEPAGE, "https://a.org" },
  { "homepage list", NULL, "{\"meta\":{\"homepage\":[\"https://a.org\",\"https://b.org\"]}}",
    F_HOMEPAGE, "https://a.org" },
  { "homepage list, first not a string", NULL, "{\"meta\":{\"homepage\":[null,\"\",\"https://b.org\"]}}",
    F_HOMEPAGE, "https://b.org" },
  { "homepage empty list", NULL, "{\"meta\":{\"homepage\":[]}}", F_HOMEPAGE, NULL },
  { "homepage object", NULL, "{\"meta\":{\"homepage\":{\"url\":\"x\"}}}", F_HOMEPAGE, NULL },

  /* license */
  { "license string", NULL, "{\"meta\":{\"license\":\"lgpl-3.0-or-later\"}}",
    F_LICENSE, "{\"type\":\"string\",\"value\":\"lgpl-3.0-or-later\"}" },
  { "license object", NULL, "{\"meta\":{\"license\":" LIC_MIT "}}", F_LICENSE, "{\"type\":\"object\"," LIC_MIT_OUT "}" },
  { "license object, other key order", NULL,
    "{\"meta\":{\"license\":{\"url\":\"https://spdx.org/licenses/MIT.html\",\"spdxId\":\"MIT\",\"shortName\":\"mit\","
    "\"redistributable\":true,\"licenseType\":\"simple\",\"fullName\":\"MIT License\",\"free\":true,\"deprecated\":false}}}",
    F_LICENSE, "{\"type\":\"object\"," LIC_MIT_OUT "}" },
  { "license object without spdxId", NULL,
    "{\"meta\":{\"license\":{\"free\":false,\"fullName\":\"Unfree\",\"shortName\":\"unfree\",\"redistributable\":false}}}",
    F_LICENSE, "{\"type\":\"object\",\"shortName\":\"unfree\",\"fullName\":\"Unfree\",\"free\":false,\"redistributable\":false}" },
  { "license object, wrong member types dropped", NULL,
    "{\"meta\":{\"license\":{\"spdxId\":7,\"free\":\"yes\",\"shortName\":\"x\"}}}",
    F_LICENSE, "{\"type\":\"object\",\"shortName\":\"x\"}" },
  { "license list of object and string", NULL, "{\"meta\":{\"license\":[" LIC_MIT ",\"bsd3\"]}}",
    F_LICENSE, "{\"type\":\"array\",\"licenses\":[{" LIC_MIT_OUT "},{\"shortName\":\"bsd3\"}]}" },
  { "license list, junk items dropped", NULL, "{\"meta\":{\"license\":[null,1,\"gpl2\"]}}",
    F_LICENSE, "{\"type\":\"array\",\"licenses\":[{\"shortName\":\"gpl2\"}]}" },
  { "license empty list", NULL, "{\"meta\":{\"license\":[]}}", F_LICENSE, NULL },
  { "license list of junk", NULL, "{\"meta\":{\"license\":[null,true]}}", F_LICENSE, NULL },
  { "license null", NULL, "{\"meta\":{\"license\":null}}", F_LICENSE, NULL },
  { "license missing", NULL, "{\"meta\":{}}", F_LICENSE, NULL },
  { "license empty string", NULL, "{\"meta\":{\"license\":\"\"}}", F_LICENSE, NULL },
  { "license number", NULL, "{\"meta\":{\"license\":3}}", F_LICENSE, NULL },
  { "license compound", NULL,
    "{\"meta\":{\"license\":{\"licenseType\":\"compound\",\"operator\":\"OR\",\"licenses\":[" LIC_MIT ",\"asl20\"]}}}",
    F_LICENSE, "{\"type\":\"array\",\"operator\":\"OR\",\"licenses\":[{" LIC_MIT_OUT "},{\"shortName\":\"asl20\"}]}" },
  { "license with licenses member", NULL,
    "{\"meta\":{\"license\":{\"operator\":\"AND\",\"licenses\":[{\"spdxId\":\"MIT\"},{\"spdxId\":\"Zlib\"}]}}}",
    F_LICENSE, "{\"type\":\"array\",\"operator\":\"AND\",\"licenses\":[{\"spdxId\":\"MIT\"},{\"spdxId\":\"Zlib\"}]}" },
  { "license compound nested", NULL,
    "{\"meta\":{\"license\":{\"operator\":\"AND\",\"licenses\":[{\"operator\":\"OR\",\"licenses\":[\"a\",\"b\"]},\"c\"]}}}",
    F_LICENSE, "{\"type\":\"array\",\"operator\":\"AND\",\"licenses\":[{\"operator\":\"OR\",\"licenses\":"
    "[{\"shortName\":\"a\"},{\"shortName\":\"b\"}]},{\"shortName\":\"c\"}]}" },
  { "license with escapes", NULL, "{\"meta\":{\"license\":{\"fullName\":\"BSD 3-clause \\\"New\\\"\"}}}",
    F_LICENSE, "{\"type\":\"object\",\"fullName\":\"BSD 3-clause \\\"New\\\"\"}" },

  /* maintainers */
  { "maintainers full", NULL,
    "{\"meta\":{\"maintainers\":[{\"email\":\"e@x.org\",\"github\":\"edolstra\",\"githubId\":1148549,"
    "\"matrix\":\"@e:x.org\",\"name\":\"Eelco Dolstra\",\"keys\":[]}]}}",
    F_MAINTAINERS, "[{\"name\":\"Eelco Dolstra\",\"email\":\"e@x.org\",\"github\":\"edolstra\",\"githubId\":1148549}]" },
  { "maintainers without github", NULL, "{\"meta\":{\"maintainers\":[{\"email\":\"a@b.c\",\"name\":\"A\"}]}}",
    F_MAINTAINERS, "[{\"name\":\"A\",\"email\":\"a@b.c\"}]" },
  { "maintainers without email", NULL, "{\"meta\":{\"maintainers\":[{\"github\":\"g\",\"githubId\":5,\"name\":\"G\"}]}}",
    F_MAINTAINERS, "[{\"name\":\"G\",\"github\":\"g\",\"githubId\":5}]" },
  { "maintainers string item", NULL, "{\"meta\":{\"maintainers\":[\" Jane Doe \"]}}",
    F_MAINTAINERS, "[{\"name\":\"Jane Doe\"}]" },
  { "maintainers item without names dropped", NULL,
    "{\"meta\":{\"maintainers\":[{\"githubId\":1},{\"name\":\"\"},null,3,\"\",{\"name\":\"k\"}]}}",
    F_MAINTAINERS, "[{\"name\":\"k\"}]" },
  { "maintainers bad githubId", NULL,
    "{\"meta\":{\"maintainers\":[{\"github\":\"a\",\"githubId\":\"12\"},{\"github\":\"b\",\"githubId\":1.5},"
    "{\"github\":\"c\",\"githubId\":-3}]}}",
    F_MAINTAINERS, "[{\"github\":\"a\"},{\"github\":\"b\"},{\"github\":\"c\",\"githubId\":-3}]" },
  { "maintainers empty", NULL, "{\"meta\":{\"maintainers\":[]}}", F_MAINTAINERS, "[]" },
  { "maintainers not a list", NULL, "{\"meta\":{\"maintainers\":\"someone\"}}", F_MAINTAINERS, "[]" },
  { "maintainers missing", NULL, "{\"meta\":{}}", F_MAINTAINERS, "[]" },

  /* platforms */
  { "platforms strings", NULL, "{\"meta\":{\"platforms\":[\"x86_64-linux\",\"aarch64-darwin\"]}}",
    F_PLATFORMS, "[\"x86_64-linux\",\"aarch64-darwin\"]" },
  { "platforms pattern", NULL, "{\"meta\":{\"platforms\":[{\"kernel\":{\"name\":\"linux\"},\"cpu\":{\"bits\":64}}]}}",
    F_PLATFORMS, "[\"cpu.bits=64,kernel.name=linux\"]" },
  { "platforms mixed", NULL, "{\"meta\":{\"platforms\":[\"i686-linux\",{\"kernel\":{\"name\":\"darwin\"}},7,null]}}",
    F_PLATFORMS, "[\"i686-linux\",\"kernel.name=darwin\"]" },
  { "platforms pattern with empty parts", NULL,
    "{\"meta\":{\"platforms\":[{\"isStatic\":true,\"parsed\":{}},{}]}}", F_PLATFORMS, "[\"isStatic=true\"]" },
  { "platforms pattern with list and null", NULL,
    "{\"meta\":{\"platforms\":[{\"a\":[\"x\",2],\"b\":null}]}}", F_PLATFORMS, "[\"a.0=x,a.1=2,b=null\"]" },
  { "platforms missing", NULL, "{\"meta\":{}}", F_PLATFORMS, "[]" },
  { "platforms null", NULL, "{\"meta\":{\"platforms\":null}}", F_PLATFORMS, "[]" },

  /* position */
  { "position relative", NULL, "{\"meta\":{\"position\":\"pkgs/by-name/he/hello/package.nix:47\"}}",
    F_POSITION, "pkgs/by-name/he/hello/package.nix:47" },
  { "position under the nixpkgs root", NULL,
    "{\"meta\":{\"position\":\"/build/nixpkgs/pkgs/by-name/he/hello/package.nix:47\"}}",
    F_POSITION, "pkgs/by-name/he/hello/package.nix:47" },
  { "position in the store", NULL,
    "{\"meta\":{\"position\":\"/nix/store/0c4rcxkf7jmmhxwqv8z7dvsb1hz3sdjv-source/pkgs/top-level/all-packages.nix:9\"}}",
    F_POSITION, "pkgs/top-level/all-packages.nix:9" },
  { "position under an unknown root", NULL, "{\"meta\":{\"position\":\"/home/me/src/nixpkgs/nixos/modules/x.nix:3\"}}",
    F_POSITION, "nixos/modules/x.nix:3" },
  { "position without a known component", NULL, "{\"meta\":{\"position\":\"/tmp/foo.nix:1\"}}",
    F_POSITION, "/tmp/foo.nix:1" },
  { "position missing", NULL, "{\"meta\":{}}", F_POSITION, NULL },

  /* flags */
  { "flags default", NULL, "{\"meta\":{}}", F_FLAGS, "1 0 0 0 0" },
  { "flags no meta", NULL, "{}", F_FLAGS, "1 0 0 0 0" },
  { "flags all set", NULL,
    "{\"meta\":{\"available\":false,\"broken\":true,\"insecure\":true,\"unfree\":true,\"unsupported\":true}}",
    F_FLAGS, "0 1 1 1 1" },
  { "flags not booleans", NULL, "{\"meta\":{\"available\":\"false\",\"broken\":1,\"unfree\":null}}",
    F_FLAGS, "1 0 0 0 0" },
};

static gchar *
field_value (const FdnixRecord *r, Field field, const FdnixNormalizeCounts *counts)
{
  switch (field)
    {
    case F_VERSION: return g_strdup (r->version);
    case F_PNAME: return g_strdup (r->pname);
    case F_DESCRIPTION: return g_strdup (r->description);
    case F_LONG_DESCRIPTION: return g_strdup (r->long_description);
    case F_HOMEPAGE: return g_strdup (r->homepage);
    case F_LICENSE: return g_strdup (r->license_json);
    case F_MAINTAINERS: return g_strdup (r->maintainers_json);
    case F_PLATFORMS: return g_strdup (r->platforms_json);
    case F_MAIN_PROGRAM: return g_strdup (r->main_program);
    case F_POSITION: return g_strdup (r->position);
    case F_FLAGS:
      return g_strdup_printf ("%d %d %d %d %d", r->available, r->broken, r->insecure, r->unfree,
                              r->unsupported);
    case F_REPAIRED:
      return g_strdup_printf ("%" G_GUINT64_FORMAT, counts->repaired_utf8);
    case F_INVALID:
    default:
      ck_abort_msg ("bad field");
      return NULL;
    }
}

START_TEST (test_normalize_case)
{
  const Case *c = &cases[_i];
  FdnixNormalizeOptions options = { "/build/nixpkgs", 0 };
  FdnixNormalizeCounts counts = { 0, 0 };
  g_autoptr(FdnixRecord) record = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree gchar *value = NULL;

  record = fdnix_normalize_package_json (&options, c->attr != NULL ? c->attr : "pkgs.example",
                                         c->json, -1, &counts, &error);
  if (c->field == F_INVALID)
    {
      ck_assert_msg (record == NULL, "%s: should be invalid", c->what);
      ck_assert (g_error_matches (error, FDNIX_ERROR, FDNIX_ERROR_INVALID_DATA));
      ck_assert_msg (strstr (error->message, c->expected) != NULL, "%s: %s", c->what, error->message);
      return;
    }
  ck_assert_msg (record != NULL, "%s: %s", c->what, error != NULL ? error->message : "");
  /* whatever the case, the record is complete and hashed */
  ck_assert (record->version != NULL && *record->version != '\0');
  ck_assert (record->pname != NULL && *record->pname != '\0');
  ck_assert (record->maintainers_json != NULL && record->platforms_json != NULL);
  ck_assert_uint_eq (strlen (record->content_hash), FDNIX_RECORD_HASH_LEN);
  ck_assert_uint_eq (strlen (record->embed_text_hash), FDNIX_RECORD_HASH_LEN);
  value = field_value (record, c->field, &counts);
  if (c->expected == NULL)
    ck_assert_msg (value == NULL, "%s: expected NULL, got '%s'", c->what, value);
  else
    ck_assert_msg (g_strcmp0 (value, c->expected) == 0, "%s:\n got '%s'\nwant '%s'", c->what, value, c->expected);
}
END_TEST

/* Long descriptions are cut on a character boundary, marked and counted;
 * the result never exceeds the cap. */
START_TEST (test_long_description_cap)
{
  static const gsize caps[] = { 0, 64, 100, 101, 102, 1000 };
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GString) json = g_string_new (NULL);

  /* 3-byte characters, so most cut points fall inside one */
  for (guint i = 0; i < 10000; i++)
    g_string_append (text, i % 10 == 9 ? " " : "\xe6\x97\xa5");
  g_string_printf (json, "{\"meta\":{\"longDescription\":\"%s\"}}", text->str);
  for (gsize i = 0; i < G_N_ELEMENTS (caps); i++)
    {
      FdnixNormalizeOptions options = { NULL, caps[i] };
      FdnixNormalizeCounts counts = { 0, 0 };
      g_autoptr(FdnixRecord) r = fdnix_normalize_package_json (&options, "a", json->str, -1, &counts, NULL);
      gsize cap = caps[i] == 0 ? FDNIX_NORMALIZE_DEFAULT_MAX_LONG_DESCRIPTION : caps[i];
      gsize length;

      ck_assert (r != NULL);
      length = strlen (r->long_description);
      ck_assert_msg (length <= cap && length > cap - 8, "cap %zu: length %zu", cap, length);
      ck_assert (g_utf8_validate (r->long_description, -1, NULL));
      ck_assert (g_str_has_suffix (r->long_description, FDNIX_NORMALIZE_TRUNCATED_MARKER));
      ck_assert (g_str_has_prefix (r->long_description, "\xe6\x97\xa5"));
      ck_assert_uint_eq (counts.capped_long_descriptions, 1);
    }
  /* tiny caps are raised to the minimum */
  {
    FdnixNormalizeOptions options = { NULL, 5 };
    FdnixNormalizeCounts counts = { 0, 0 };
    g_autoptr(FdnixRecord) r = fdnix_normalize_package_json (&options, "a", json->str, -1, &counts, NULL);
    ck_assert_uint_le (strlen (r->long_description), FDNIX_NORMALIZE_MIN_LONG_DESCRIPTION);
    ck_assert_uint_gt (strlen (r->long_description), strlen (FDNIX_NORMALIZE_TRUNCATED_MARKER));
  }
  /* at the cap exactly: kept whole */
  {
    FdnixNormalizeOptions options = { NULL, 64 };
    FdnixNormalizeCounts counts = { 0, 0 };
    g_autofree gchar *exact = g_strnfill (64, 'x');
    g_autofree gchar *doc = g_strdup_printf ("{\"meta\":{\"longDescription\":\"%s\"}}", exact);
    g_autoptr(FdnixRecord) r = fdnix_normalize_package_json (&options, "a", doc, -1, &counts, NULL);
    ck_assert_str_eq (r->long_description, exact);
    ck_assert_uint_eq (counts.capped_long_descriptions, 0);
  }
}
END_TEST

/* Key order and layout do not change the record: nix versions differ. */
START_TEST (test_key_order_same_hash)
{
  const gchar *a = "{\"name\":\"hello-2.12.1\",\"pname\":\"hello\",\"version\":\"2.12.1\",\"meta\":{"
                   "\"description\":\"Hi\",\"license\":" LIC_MIT ",\"maintainers\":[{\"name\":\"E\",\"github\":\"e\"}],"
                   "\"platforms\":[{\"kernel\":{\"name\":\"linux\"},\"cpu\":{\"bits\":64}}],"
                   "\"position\":\"/build/nixpkgs/pkgs/a.nix:1\"}}";
  const gchar *b = "{\n  \"meta\": {\n    \"platforms\": [{\"cpu\": {\"bits\": 64}, \"kernel\": {\"name\": \"linux\"}}],\n"
                   "    \"position\": \"/nix/store/0c4rcxkf7jmmhxwqv8z7dvsb1hz3sdjv-source/pkgs/a.nix:1\",\n"
                   "    \"maintainers\": [{\"github\": \"e\", \"name\": \"E\"}],\n"
                   "    \"license\": {\"url\":\"https://spdx.org/licenses/MIT.html\",\"spdxId\":\"MIT\",\"shortName\":\"mit\","
                   "\"redistributable\":true,\"licenseType\":\"simple\",\"fullName\":\"MIT License\",\"free\":true,"
                   "\"deprecated\":false},\n    \"description\": \"Hi\"\n  },\n"
                   "  \"version\": \"2.12.1\", \"pname\": \"hello\", \"name\": \"hello-2.12.1\"\n}";
  FdnixNormalizeOptions options = { "/build/nixpkgs", 0 };
  FdnixNormalizeCounts counts = { 0, 0 };
  g_autoptr(FdnixRecord) ra = fdnix_normalize_package_json (&options, "hello", a, -1, &counts, NULL);
  g_autoptr(FdnixRecord) rb = fdnix_normalize_package_json (&options, "hello", b, -1, &counts, NULL);

  ck_assert (ra != NULL && rb != NULL);
  ck_assert_str_eq (ra->content_hash, rb->content_hash);
  ck_assert_str_eq (ra->embed_text_hash, rb->embed_text_hash);
  ck_assert (fdnix_record_same_content (ra, rb));
}
END_TEST

typedef struct {
  const gchar *position;
  const gchar *root;
  const gchar *expected;
} PositionCase;

static const PositionCase position_cases[] = {
  { "/build/nixpkgs/pkgs/a.nix:1", "/build/nixpkgs", "pkgs/a.nix:1" },
  { "/build/nixpkgs/pkgs/a.nix:1", "/build/nixpkgs/", "pkgs/a.nix:1" },
  { "/build/nixpkgs/default.nix:3", "/build/nixpkgs", "default.nix:3" },
  /* the root is stripped at a component boundary only */
  { "/build/nixpkgs2/pkgs/a.nix:1", "/build/nixpkgs", "pkgs/a.nix:1" },
  { "/build/nixpkgs2/x/a.nix:1", "/build/nixpkgs", "/build/nixpkgs2/x/a.nix:1" },
  { "/nix/store/0c4rcxkf7jmmhxwqv8z7dvsb1hz3sdjv-source/lib/trivial.nix:5", NULL, "lib/trivial.nix:5" },
  { "/nix/store/0c4rcxkf7jmmhxwqv8z7dvsb1hz3sdjv-nixpkgs-src/default.nix:1", NULL, "default.nix:1" },
  /* not a store hash (e is not in nix's base32): the component rule applies */
  { "/nix/store/ec4rcxkf7jmmhxwqv8z7dvsb1hz3sdjv-source/pkgs/a.nix:1", NULL, "pkgs/a.nix:1" },
  { "/home/u/nixpkgs/maintainers/scripts/x.nix:2", NULL, "maintainers/scripts/x.nix:2" },
  { "/srv/nixpkgs/pkgs/development/lib/a.nix:2", NULL, "pkgs/development/lib/a.nix:2" },
  { "/srv/nixpkgs/lib/pkgs/a.nix:2", NULL, "lib/pkgs/a.nix:2" },
  { "/srv/x.nix:2", NULL, "/srv/x.nix:2" },
  { "pkgs/a.nix:1", "/build/nixpkgs", "pkgs/a.nix:1" },
  { "", NULL, "" },
};

START_TEST (test_position)
{
  const PositionCase *c = &position_cases[_i];
  g_autofree gchar *got = fdnix_normalize_position (c->position, c->root);

  ck_assert_str_eq (got, c->expected);
}
END_TEST

START_TEST (test_normalize_text)
{
  gboolean repaired = FALSE;
  g_autofree gchar *a = fdnix_normalize_text ("plain text, long enough for a word", 34, &repaired);
  g_autofree gchar *b = NULL;
  g_autofree gchar *c = NULL;

  ck_assert_str_eq (a, "plain text, long enough for a word");
  ck_assert (!repaired);
  b = fdnix_normalize_text ("x\0y\x7f\xf4\x90\x80\x80z", 9, &repaired);
  /* NUL dropped, DEL kept, a code point above U+10FFFF replaced byte by byte */
  ck_assert_str_eq (b, "xy\x7f\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbdz");
  ck_assert (repaired);
  c = fdnix_normalize_text ("\xf0\x9f\x90\x9f\xe2\x82", 6, &repaired);
  ck_assert_str_eq (c, "\xf0\x9f\x90\x9f\xef\xbf\xbd\xef\xbf\xbd");
}
END_TEST

START_TEST (test_attr_path_limits)
{
  g_autofree gchar *ok = g_strnfill (FDNIX_NORMALIZE_MAX_KEY_LENGTH, 'a');
  g_autofree gchar *long_path = g_strnfill (FDNIX_NORMALIZE_MAX_KEY_LENGTH + 1, 'a');
  g_autofree gchar *long_version = g_strdup_printf ("{\"version\":\"%s\"}", long_path);
  g_autofree gchar *max_version = g_strdup_printf ("{\"version\":\"%s\"}", ok);
  FdnixNormalizeCounts counts = { 0, 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(FdnixRecord) r = NULL;

  ck_assert (fdnix_normalize_check_attr_path (ok, strlen (ok), NULL));
  ck_assert (!fdnix_normalize_check_attr_path (long_path, strlen (long_path), &error));
  ck_assert (strstr (error->message, "longer than 1024") != NULL);
  g_clear_error (&error);
  ck_assert (!fdnix_normalize_check_attr_path ("a\x7f", 2, NULL));
  r = fdnix_normalize_package_json (NULL, "a", long_version, -1, &counts, &error);
  ck_assert (r == NULL);
  ck_assert (strstr (error->message, "version longer than 1024") != NULL);
  r = fdnix_normalize_package_json (NULL, "a", max_version, -1, &counts, NULL);
  ck_assert (r != NULL);
  ck_assert_str_eq (r->version, ok);
}
END_TEST

static Suite *
normalize_suite (void)
{
  Suite *s = suite_create ("normalize");
  TCase *tc = tcase_create ("normalize");

  tcase_add_loop_test (tc, test_normalize_case, 0, G_N_ELEMENTS (cases));
  tcase_add_test (tc, test_long_description_cap);
  tcase_add_test (tc, test_key_order_same_hash);
  tcase_add_loop_test (tc, test_position, 0, G_N_ELEMENTS (position_cases));
  tcase_add_test (tc, test_normalize_text);
  tcase_add_test (tc, test_attr_path_limits);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  return fdnix_test_run (normalize_suite ());
}
