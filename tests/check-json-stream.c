/* check-json-stream: the entry value parser and the top-level splitter. */
#include "config.h"

#include <string.h>

#include "core/fdnix-error.h"
#include "ingest/fdnix-json-stream.h"
#include "core/fdnix-json-value.h"
#include "fdnix-test.h"

/* ------------------------------------------------------------ value parser */

/* A canonical rendering of a tree: strings with their bytes hex-escaped
 * outside printable ASCII, so a test can compare decoded bytes exactly. */
static void
render (GString *out, const FdnixJsonValue *v)
{
  switch (v->type)
    {
    case FDNIX_JSON_NULL:
      g_string_append (out, "null");
      break;
    case FDNIX_JSON_BOOLEAN:
      g_string_append (out, v->boolean ? "true" : "false");
      break;
    case FDNIX_JSON_NUMBER:
      g_string_append_printf (out, "#%.*s", (int) v->length, v->text);
      break;
    case FDNIX_JSON_STRING:
      g_string_append_c (out, '<');
      for (gsize i = 0; i < v->length; i++)
        {
          guchar c = v->text[i];
          if (c >= 0x20 && c < 0x7f && c != '<' && c != '>' && c != '%')
            g_string_append_c (out, c);
          else
            g_string_append_printf (out, "%%%02x", c);
        }
      g_string_append (out, v->repaired ? ">!" : ">");
      break;
    case FDNIX_JSON_ARRAY:
    case FDNIX_JSON_OBJECT:
      g_string_append_c (out, v->type == FDNIX_JSON_ARRAY ? '[' : '{');
      for (const FdnixJsonValue *c = v->children; c != NULL; c = c->next)
        {
          if (c != v->children)
            g_string_append_c (out, ',');
          if (v->type == FDNIX_JSON_OBJECT)
            g_string_append_printf (out, "%.*s=", (int) c->name_length, c->name);
          render (out, c);
        }
      g_string_append_c (out, v->type == FDNIX_JSON_ARRAY ? ']' : '}');
      break;
    default:
      ck_abort_msg ("bad type");
    }
}

typedef struct {
  const gchar *input;
  const gchar *expected;  /* rendering, or NULL when the parse must fail */
  gssize       error_pos; /* when failing: the byte reported, or -1 to skip */
} ValueCase;

static const ValueCase value_cases[] = {
  /* escapes */
  { "\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\"", "<a\"b\\c/d%08%0c%0a%0d%09>", 0 },
  { "\"caf\\u00e9\"", "<caf%c3%a9>", 0 },
  { "\"\\u20AC\"", "<%e2%82%ac>", 0 },
  { "\"\\ud83d\\udc1f fish\"", "<%f0%9f%90%9f fish>", 0 },
  { "\"\\ud800\"", "<%ef%bf%bd>!", 0 },
  { "\"\\udc00x\"", "<%ef%bf%bdx>!", 0 },
  { "\"\\ud800\\u0041\"", "<%ef%bf%bdA>!", 0 },
  { "\"\\ud800\\ud800\\udc00\"", "<%ef%bf%bd%f0%90%80%80>!", 0 },
  { "\"nul\\u0000byte\"", "<nul%00byte>", 0 },
  { "\"raw \xff\xfe bytes pass\"", "<raw %ff%fe bytes pass>", 0 },
  { "\"\"", "<>", 0 },
  { "\"\\x\"", NULL, 1 },
  { "\"\\u12\"", NULL, 1 },
  { "\"\\u12g4\"", NULL, 1 },
  { "\"abc", NULL, 4 },
  { "\"a\\", NULL, 3 },
  { "\"a\nb\"", NULL, 2 },
  { "\"tab\tinside\"", NULL, 4 },
  /* numbers */
  { "0", "#0", 0 },
  { "-0", "#-0", 0 },
  { "-12.5e+3", "#-12.5e+3", 0 },
  { "1E5", "#1E5", 0 },
  { "123456789012345678901234567890", "#123456789012345678901234567890", 0 },
  { "01", NULL, 1 },
  { "-", NULL, 1 },
  { "1.", NULL, 2 },
  { ".5", NULL, 0 },
  { "1e", NULL, 2 },
  { "1e+", NULL, 3 },
  { "+1", NULL, 0 },
  { "0x10", NULL, 1 },
  /* literals */
  { " true ", "true", 0 },
  { "false", "false", 0 },
  { "null", "null", 0 },
  { "tru", NULL, 0 },
  { "nul", NULL, 0 },
  { "True", NULL, 0 },
  { "nullx", NULL, 4 },
  /* containers */
  { "{\"a\":[1,{\"b\":null}],\"c\":{},\"d\":[]}", "{a=[#1,{b=null}],c={},d=[]}", 0 },
  { " { \"k\" : [ 1 , 2 ] } \n", "{k=[#1,#2]}", 0 },
  { "{\"n\\u0061me\":1}", "{name=#1}", 0 },
  { "{\"a\" 1}", NULL, 5 },
  { "{\"a\":1,}", NULL, 7 },
  { "{\"a\":1 \"b\":2}", NULL, 7 },
  { "[1,]", NULL, 3 },
  { "[1 2]", NULL, 3 },
  { "{,}", NULL, 1 },
  { "{1:2}", NULL, 1 },
  { "[}", NULL, 1 },
  { "{]", NULL, 1 },
  { "{\"a\":1", NULL, 6 },
  { "{} x", NULL, 3 },
  { "", NULL, 0 },
  { "   ", NULL, 3 },
  /* the half-written pattern is a syntax error unless asked for */
  { "{\"meta\":{\"available\": }}", NULL, 22 },
};

START_TEST (test_value_parse)
{
  const ValueCase *c = &value_cases[_i];
  g_autoptr(FdnixJsonParser) parser = fdnix_json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) out = g_string_new (NULL);
  const FdnixJsonValue *root;

  root = fdnix_json_parser_parse (parser, c->input, strlen (c->input), FDNIX_JSON_PARSE_DEFAULT, &error);
  if (c->expected == NULL)
    {
      ck_assert_msg (root == NULL, "case %d (%s) should fail", _i, c->input);
      ck_assert (g_error_matches (error, FDNIX_ERROR, FDNIX_ERROR_INVALID_DATA));
      if (c->error_pos >= 0)
        ck_assert_msg (fdnix_json_parser_get_error_position (parser) == (gsize) c->error_pos,
                       "case %d (%s): error at %zu, expected %zd (%s)", _i, c->input,
                       fdnix_json_parser_get_error_position (parser), c->error_pos, error->message);
      return;
    }
  ck_assert_msg (root != NULL, "case %d (%s): %s", _i, c->input, error != NULL ? error->message : "");
  render (out, root);
  ck_assert_str_eq (out->str, c->expected);
}
END_TEST

/* Nesting is refused past the limit rather than recursing without end. */
START_TEST (test_value_depth)
{
  g_autoptr(FdnixJsonParser) parser = fdnix_json_parser_new ();
  g_autoptr(GString) doc = g_string_new (NULL);
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < FDNIX_JSON_MAX_DEPTH; i++)
    g_string_append_c (doc, '[');
  for (guint i = 0; i < FDNIX_JSON_MAX_DEPTH; i++)
    g_string_append_c (doc, ']');
  ck_assert (fdnix_json_parser_parse (parser, doc->str, doc->len, 0, NULL) != NULL);
  g_string_prepend_c (doc, '[');
  g_string_append_c (doc, ']');
  ck_assert (fdnix_json_parser_parse (parser, doc->str, doc->len, 0, &error) == NULL);
  ck_assert_msg (strstr (error->message, "nesting too deep") != NULL, "%s", error->message);
}
END_TEST

typedef struct {
  const gchar *input;
  gboolean     ok;
  const gchar *root_member;  /* member of the root holding the missing value */
  guint        depth;
  gsize        position;
} HalfCase;

static const HalfCase half_cases[] = {
  { "{\"meta\":{\"available\": \n    }\n  }", TRUE, "meta", 1, 27 },
  { "{\"meta\":{\"available\":}}", TRUE, "meta", 1, 21 },
  { "{\"meta\":{\"a\":true,\"license\":{\"free\": }}}", TRUE, "meta", 2, 37 },
  { "{\"meta\":{\"platforms\":[\"x\", ]}}", TRUE, "meta", 2, 27 },
  { "{\"name\": }", TRUE, "name", 0, 9 },
  { "{\"meta\":{\"a\":[{\"b\": }]}}", TRUE, "meta", 3, 20 },
  /* after the missing value only closers may follow */
  { "{\"meta\":{\"available\": , \"x\":1}}", FALSE, NULL, 0, 0 },
  { "{\"meta\":{\"available\": }, \"x\":1}", FALSE, NULL, 0, 0 },
  { "{\"meta\":{\"available\": ]}", FALSE, NULL, 0, 0 },
  { "{\"meta\":[1, }]}", FALSE, NULL, 0, 0 },
  { "{\"meta\":{\"available\": }", FALSE, NULL, 0, 0 },
  { "{\"meta\":{\"available\": }}}", FALSE, NULL, 0, 0 },
  /* a complete document is not half-written */
  { "{\"meta\":{\"available\":true}}", TRUE, NULL, 0, 0 },
};

START_TEST (test_value_half_written)
{
  const HalfCase *c = &half_cases[_i];
  g_autoptr(FdnixJsonParser) parser = fdnix_json_parser_new ();
  g_autoptr(GError) error = NULL;
  const FdnixJsonValue *root;
  const gchar *member = NULL;
  gsize position = 0;
  guint depth = 0;
  gboolean half;

  root = fdnix_json_parser_parse (parser, c->input, strlen (c->input), FDNIX_JSON_PARSE_HALF_WRITTEN, &error);
  if (!c->ok)
    {
      ck_assert_msg (root == NULL, "case %d should fail", _i);
      return;
    }
  ck_assert_msg (root != NULL, "case %d: %s", _i, error != NULL ? error->message : "");
  half = fdnix_json_parser_get_half_written (parser, &position, &member, &depth);
  ck_assert_int_eq (half, c->root_member != NULL);
  if (!half)
    return;
  ck_assert_str_eq (member, c->root_member);
  ck_assert_uint_eq (depth, c->depth);
  ck_assert_uint_eq (position, c->position);
}
END_TEST

START_TEST (test_value_accessors)
{
  g_autoptr(FdnixJsonParser) parser = fdnix_json_parser_new ();
  const gchar *doc = "{\"a\":1,\"b\":\"x\",\"a\":2,\"big\":9223372036854775807,"
                     "\"min\":-9223372036854775808,\"over\":9223372036854775808,"
                     "\"frac\":1.0,\"exp\":1e3,\"str\":\"5\"}";
  const FdnixJsonValue *root = fdnix_json_parser_parse (parser, doc, strlen (doc), 0, NULL);
  gint64 value = 0;

  ck_assert (root != NULL);
  /* a repeated name: the last one wins, as in most readers */
  ck_assert (fdnix_json_value_get_int64 (fdnix_json_object_get (root, "a"), &value));
  ck_assert_int_eq (value, 2);
  ck_assert (fdnix_json_value_is_string (fdnix_json_object_get (root, "b")));
  ck_assert (fdnix_json_object_get (root, "missing") == NULL);
  ck_assert (fdnix_json_object_get (fdnix_json_object_get (root, "b"), "x") == NULL);
  ck_assert (fdnix_json_value_get_int64 (fdnix_json_object_get (root, "big"), &value));
  ck_assert (value == G_MAXINT64);
  ck_assert (fdnix_json_value_get_int64 (fdnix_json_object_get (root, "min"), &value));
  ck_assert (value == G_MININT64);
  ck_assert (!fdnix_json_value_get_int64 (fdnix_json_object_get (root, "over"), &value));
  ck_assert (!fdnix_json_value_get_int64 (fdnix_json_object_get (root, "frac"), &value));
  ck_assert (!fdnix_json_value_get_int64 (fdnix_json_object_get (root, "exp"), &value));
  ck_assert (!fdnix_json_value_get_int64 (fdnix_json_object_get (root, "str"), &value));
  ck_assert_uint_eq (root->length, 9);
}
END_TEST

/* A parser is reused for every entry: an entry needing many arena blocks
 * must not leave garbage for the next, nor keep its memory. */
START_TEST (test_value_arena_reuse)
{
  g_autoptr(FdnixJsonParser) parser = fdnix_json_parser_new ();
  g_autoptr(GString) big = g_string_new ("[");
  g_autoptr(GString) out = g_string_new (NULL);
  const FdnixJsonValue *root;

  for (guint i = 0; i < 100000; i++)
    g_string_append_printf (big, "%s\"\\u00e9%u\"", i > 0 ? "," : "", i);
  g_string_append_c (big, ']');
  root = fdnix_json_parser_parse (parser, big->str, big->len, 0, NULL);
  ck_assert (root != NULL);
  ck_assert_uint_eq (root->length, 100000);
  root = fdnix_json_parser_parse (parser, "{\"x\":\"\\u0041\"}", 14, 0, NULL);
  ck_assert (root != NULL);
  render (out, root);
  ck_assert_str_eq (out->str, "{x=<A>}");
}
END_TEST

/* ------------------------------------------------------------- splitter */

typedef struct {
  GString *transcript;
  guint    fail_at;     /* fail on this member (1-based), 0: never */
  guint    seen;
} Collect;

static gboolean
collect_member (const FdnixJsonMember *m, gpointer user_data, GError **error)
{
  Collect *c = user_data;

  c->seen++;
  if (c->fail_at == c->seen)
    {
      g_set_error_literal (error, FDNIX_ERROR, FDNIX_ERROR_IO, "stop here");
      return FALSE;
    }
  g_string_append_printf (c->transcript, "%.*s%s@%" G_GUINT64_FORMAT "=%.*s\n",
                          (int) m->name_length, m->name, m->name_repaired ? "!" : "",
                          m->value_offset, (int) m->value_length, m->value);
  return TRUE;
}

/* Splits @doc fed in chunks of @chunk bytes (0: random sizes from @seed)
 * and returns members, outcome and wrapper flag as one string. */
static gchar *
split (const gchar *doc, gsize length, gsize chunk, guint32 seed, gsize max_value)
{
  g_autoptr(GString) transcript = g_string_new (NULL);
  Collect collect = { transcript, 0, 0 };
  g_autoptr(FdnixJsonStream) stream = fdnix_json_stream_new (collect_member, &collect);
  g_autoptr(GError) error = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  gboolean ok = TRUE;
  gsize offset = 0;

  fdnix_json_stream_set_max_value (stream, max_value);
  while (ok && offset < length)
    {
      gsize n = chunk > 0 ? chunk : (gsize) g_rand_int_range (rand, 1, 40);
      n = MIN (n, length - offset);
      ok = fdnix_json_stream_feed (stream, doc + offset, n, &error);
      offset += n;
    }
  if (ok)
    ok = fdnix_json_stream_finish (stream, &error);
  if (ok)
    {
      ck_assert_uint_eq (fdnix_json_stream_get_offset (stream), length);
      g_string_append (transcript, "ok");
    }
  else
    {
      ck_assert (g_error_matches (error, FDNIX_ERROR, FDNIX_ERROR_INVALID_DATA));
      g_string_append_printf (transcript, "error: %s", error->message);
    }
  if (fdnix_json_stream_is_wrapper (stream))
    g_string_append (transcript, " (wrapper)");
  return g_string_free (g_steal_pointer (&transcript), FALSE);
}

typedef struct {
  const gchar *doc;
  const gchar *expected;
  gsize        max_value;   /* 0: default */
} SplitCase;

static const SplitCase split_cases[] = {
  { "{}", "ok", 0 },
  { " \n{ }\n ", "ok", 0 },
  { "\xef\xbb\xbf{\"a\":{}}", "a@8={}\nok", 0 },
  { "{\"a\":{\"x\":1}, \"b\": [1, 2] ,\"c\":\"s\",\"d\":12,\"e\":true,\"f\":null}",
    "a@5={\"x\":1}\nb@19=[1, 2]\nc@31=\"s\"\nd@39=12\ne@46=true\nf@55=null\nok", 0 },
  /* brackets and quotes inside strings do not count */
  { "{\"a\":{\"s\":\"}{][\\\"\\\\\"},\"b\":{}}", "a@5={\"s\":\"}{][\\\"\\\\\"}\nb@26={}\nok", 0 },
  { "{\"a\\u0062\":{},\"\\ud800\":{}}", "ab@11={}\n\xef\xbf\xbd!@23={}\nok", 0 },
  /* the channel wrapper, in both key orders */
  { "{\"version\":2,\"packages\":{\"p1\":{\"name\":\"x\"},\"p2\":{}}}",
    "version@11=2\np1@30={\"name\":\"x\"}\np2@48={}\nok (wrapper)", 0 },
  { "{\"packages\":{\"p1\":{\"name\":\"x\"}},\"version\":2}",
    "p1@18={\"name\":\"x\"}\nversion@42=2\nok (wrapper)", 0 },
  { "{\"packages\":{}}", "ok (wrapper)", 0 },
  { "{\"packages\": { } , \"version\" : 2 }", "version@31=2\nok (wrapper)", 0 },
  /* packages named like package fields come first, then the rest streams */
  { "{\"packages\":{\"meta\":{\"a\":1},\"outputs\":{},\"zlib\":{}}}",
    "meta@20={\"a\":1}\noutputs@38={}\nzlib@48={}\nok (wrapper)", 0 },
  { "{\"packages\":{\"meta\":{\"a\":1},\"outputs\":{}}}", "meta@20={\"a\":1}\noutputs@38={}\nok (wrapper)", 0 },
  /* a package whose attribute path is "packages", nix order and sorted */
  { "{\"packages\":{\"name\":\"packages-1\",\"meta\":{}},\"b\":{}}",
    "packages@12={\"name\":\"packages-1\",\"meta\":{}}\nb@48={}\nok", 0 },
  { "{\"packages\":{\"meta\":{\"x\":[1]},\"outputs\":{\"out\":null},\"name\":\"p\"}}",
    "packages@12={\"meta\":{\"x\":[1]},\"outputs\":{\"out\":null},\"name\":\"p\"}\nok", 0 },
  { "{\"packages\": {\n  \"meta\": {},\n  \"name\" : \"p\" }\n}",
    "packages@13={\n  \"meta\": {},\n  \"name\" : \"p\" }\nok", 0 },
  { "{\"packages\":5}", "packages@12=5\nok", 0 },
  /* broken outer structure */
  { "[]", "error: invalid JSON at byte offset 0: the document is not a JSON object", 0 },
  { "\"x\"", "error: invalid JSON at byte offset 0: the document is not a JSON object", 0 },
  { "", "error: empty document: no JSON object", 0 },
  { "  \n", "error: empty document: no JSON object", 0 },
  { "\xef\xbb{}", "error: invalid JSON at byte offset 2: the document is not a JSON object", 0 },
  { "{\"a\":1,}", "a@5=1\nerror: invalid JSON at byte offset 7: expected a member name", 0 },
  { "{,}", "error: invalid JSON at byte offset 1: expected a member name", 0 },
  { "{\"a\" 1}", "error: invalid JSON at byte offset 5: expected ':' after a member name", 0 },
  { "{\"a\":}", "error: invalid JSON at byte offset 5: expected a value", 0 },
  { "{\"a\":{} \"b\":{}}", "a@5={}\nerror: invalid JSON at byte offset 8: expected ',' or '}' after a value", 0 },
  { "{\"a\":{}} x", "a@5={}\nerror: invalid JSON at byte offset 9: data after the end of the document", 0 },
  { "{\"a\":{}}{}", "a@5={}\nerror: invalid JSON at byte offset 8: data after the end of the document", 0 },
  { "{\"a\\x\":{}}", "error: invalid JSON at byte offset 3: invalid member name", 0 },
  { "{\"a\nb\":{}}", "error: invalid JSON at byte offset 3: invalid member name", 0 },
  { "{\"a\":{\"b\":1}", "a@5={\"b\":1}\nerror: truncated document: it ends at byte offset 12", 0 },
  { "{\"a\":{\"b\":", "error: truncated document: it ends at byte offset 10 inside the value of \"a\"", 0 },
  { "{\"a\":12", "error: truncated document: it ends at byte offset 7 inside the value of \"a\"", 0 },
  { "{\"a\"", "error: truncated document: it ends at byte offset 4 inside the value of \"a\"", 0 },
  { "{\"packages\":{\"p\":{}", "p@17={}\nerror: truncated document: it ends at byte offset 19 inside \"packages\" (wrapper)", 0 },
  { "{\"packages\":{\"meta\":{}", "error: truncated document: it ends at byte offset 22 inside \"packages\"", 0 },
  /* size limits name the value and where it starts */
  { "{\"a\":{\"x\":\"0123456789abcdef\"}}",
    "error: the value of \"a\" at byte offset 5 is larger than 16 bytes", 16 },
  { "{\"a\":{\"x\":\"0123\"},\"b\":[0,1,2,3,4,5,6,7,8]}",
    "a@5={\"x\":\"0123\"}\nerror: the value of \"b\" at byte offset 22 is larger than 16 bytes", 16 },
  { "{\"packages\":{\"meta\":{\"a\":\"0123456789\"}}}",
    "error: the value of \"packages\" at byte offset 12 is larger than 16 bytes", 16 },
  { "{\"0123456789abcdefg\":1}", "error: the member name at byte offset 1 is longer than 16 bytes", 16 },
};

START_TEST (test_split)
{
  const SplitCase *c = &split_cases[_i];
  gsize length = strlen (c->doc);
  static const gsize chunks[] = { 1, 2, 3, 7, 64, G_MAXSIZE };

  for (gsize i = 0; i < G_N_ELEMENTS (chunks); i++)
    {
      g_autofree gchar *got = split (c->doc, length, chunks[i], 0, c->max_value);
      ck_assert_msg (strcmp (got, c->expected) == 0, "case %d, chunk %zu:\n%s\nexpected:\n%s",
                     _i, chunks[i], got, c->expected);
    }
  for (guint32 seed = 1; seed <= 20; seed++)
    {
      g_autofree gchar *got = split (c->doc, length, 0, seed, c->max_value);
      ck_assert_msg (strcmp (got, c->expected) == 0, "case %d, seed %u:\n%s", _i, seed, got);
    }
}
END_TEST

/* Every fixture splits the same way whatever the chunking, and cutting a
 * valid document anywhere is an error that names a byte offset. */
START_TEST (test_split_fixtures_and_truncation)
{
  static const gchar *const fixtures[] = {
    "ingest/channel-v2.json", "ingest/channel-v2-sorted.json", "ingest/named-packages.json",
    "ingest/raw-nix-2.8.json",
  };

  for (gsize f = 0; f < G_N_ELEMENTS (fixtures); f++)
    {
      gsize length = 0;
      g_autofree gchar *doc = fdnix_test_read_data (fixtures[f], &length);
      g_autofree gchar *whole = split (doc, length, G_MAXSIZE, 0, 0);

      ck_assert_msg (g_str_has_suffix (whole, "ok") || g_str_has_suffix (whole, "(wrapper)"),
                     "%s: %s", fixtures[f], whole);
      for (gsize chunk = 1; chunk <= 9; chunk++)
        {
          g_autofree gchar *got = split (doc, length, chunk, 0, 0);
          ck_assert_msg (strcmp (got, whole) == 0, "%s chunk %zu", fixtures[f], chunk);
        }
      /* the closing brace and anything after it is the last cut point */
      for (gsize cut = 0; cut < length && doc[cut] != '\0'; cut++)
        {
          g_autofree gchar *got = NULL;
          gboolean rest_is_space = TRUE;

          for (gsize k = cut; k < length; k++)
            rest_is_space = rest_is_space && g_ascii_isspace (doc[k]);
          if (rest_is_space)
            break;
          got = split (doc, cut, 1 + cut % 5, 0, 0);
          ck_assert_msg (strstr (got, "error: ") != NULL, "%s cut at %zu: %s", fixtures[f], cut, got);
          ck_assert_msg (strstr (got, "byte offset") != NULL || strstr (got, "empty document") != NULL,
                         "%s cut at %zu: %s", fixtures[f], cut, got);
          /* what was handed over before the cut is a prefix of the whole run */
          ck_assert (strncmp (got, whole, strstr (got, "error: ") - got) == 0);
        }
    }
}
END_TEST

/* The member function stops the stream with its own error. */
START_TEST (test_split_callback_error)
{
  g_autoptr(GString) transcript = g_string_new (NULL);
  Collect collect = { transcript, 2, 0 };
  g_autoptr(FdnixJsonStream) stream = fdnix_json_stream_new (collect_member, &collect);
  g_autoptr(GError) error = NULL;
  const gchar *doc = "{\"a\":{},\"b\":{},\"c\":{}}";

  ck_assert (!fdnix_json_stream_feed (stream, doc, strlen (doc), &error));
  ck_assert (g_error_matches (error, FDNIX_ERROR, FDNIX_ERROR_IO));
  ck_assert_str_eq (transcript->str, "a@5={}\n");
  g_clear_error (&error);
  ck_assert (!fdnix_json_stream_feed (stream, "}", 1, &error));
  ck_assert (error != NULL);
  g_clear_error (&error);
  ck_assert (!fdnix_json_stream_finish (stream, &error));
}
END_TEST

/* A large entry streams through in pieces and comes out whole. */
START_TEST (test_split_huge_entry)
{
  g_autoptr(GString) doc = g_string_new ("{\"big\":{\"d\":\"");
  gsize payload = 3 * 1024 * 1024;
  g_autofree gchar *got = NULL;

  for (gsize i = 0; i < payload; i++)
    g_string_append_c (doc, 'a' + i % 26);
  g_string_append (doc, "\"},\"small\":{}}");
  got = split (doc->str, doc->len, 65536, 0, 0);
  ck_assert (g_str_has_prefix (got, "big@7={\"d\":\"abc"));
  ck_assert (g_str_has_suffix (got, "\"}\nsmall@3145752={}\nok"));
  g_free (got);
  got = split (doc->str, doc->len, 65536, 0, 1024 * 1024);
  ck_assert_str_eq (got, "error: the value of \"big\" at byte offset 7 is larger than 1048576 bytes");
}
END_TEST

static Suite *
json_stream_suite (void)
{
  Suite *s = suite_create ("json-stream");
  TCase *tc = tcase_create ("json-stream");

  tcase_set_timeout (tc, 120);
  tcase_add_loop_test (tc, test_value_parse, 0, G_N_ELEMENTS (value_cases));
  tcase_add_test (tc, test_value_depth);
  tcase_add_loop_test (tc, test_value_half_written, 0, G_N_ELEMENTS (half_cases));
  tcase_add_test (tc, test_value_accessors);
  tcase_add_test (tc, test_value_arena_reuse);
  tcase_add_loop_test (tc, test_split, 0, G_N_ELEMENTS (split_cases));
  tcase_add_test (tc, test_split_fixtures_and_truncation);
  tcase_add_test (tc, test_split_callback_error);
  tcase_add_test (tc, test_split_huge_entry);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  return fdnix_test_run (json_stream_suite ());
}
