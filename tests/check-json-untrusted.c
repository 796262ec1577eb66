/* check-json-untrusted: outside JSON is depth-checked before json-glib
 * recurses into it, and every failure names what was read. */
#include "config.h"

#include <string.h>

#include "core/fdnix-error.h"
#include "core/fdnix-json-untrusted.h"
#include "fdnix-test.h"

typedef struct {
  const gchar *text;
  guint        max_depth;
  gboolean     ok;
  gsize        position;   /* where the limit was passed, when !ok */
} DepthCase;

static const DepthCase depth_cases[] = {
  { "{}", 1, TRUE, 0 },
  { "[[]]", 1, FALSE, 1 },
  { "[[]]", 2, TRUE, 0 },
  { "{\"a\":[{\"b\":1}]}", 3, TRUE, 0 },
  { "{\"a\":[{\"b\":1}]}", 2, FALSE, 6 },
  /* brackets inside strings, escaped quotes included, do not count */
  { "[\"[[[[{{{{\"]", 1, TRUE, 0 },
  { "[\"\\\"[[[[\"]", 1, TRUE, 0 },
  { "[\"\\\\\",[[]]]", 2, FALSE, 7 },
  /* closing brackets bring the depth down again */
  { "[[],[],[]]", 2, TRUE, 0 },
  /* unbalanced text is not this check's business: the parser reports it */
  { "]]]][", 1, TRUE, 0 },
  { "\"\\", 1, TRUE, 0 },
};

START_TEST (test_depth)
{
  const DepthCase *c = &depth_cases[_i];
  gsize position = 0;

  ck_assert_int_eq (fdnix_json_check_depth (c->text, strlen (c->text), c->max_depth, &position), c->ok);
  if (!c->ok)
    ck_assert_uint_eq (position, c->position);
}
END_TEST

/* A document nested far beyond the stack's reach fails cleanly. */
START_TEST (test_deep_document)
{
  const gsize levels = 200000;
  g_autoptr(GString) text = g_string_sized_new (2 * levels + 16);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;

  g_string_append (text, "{\"error\":");
  for (gsize i = 0; i < levels; i++)
    g_string_append_c (text, '[');
  for (gsize i = 0; i < levels; i++)
    g_string_append_c (text, ']');
  g_string_append_c (text, '}');
  root = fdnix_json_parse_untrusted (text->str, text->len, "the error body", &error);
  ck_assert_ptr_null (root);
  ck_assert (g_error_matches (error, FDNIX_ERROR, FDNIX_ERROR_INVALID_DATA));
  ck_assert_msg (g_str_has_prefix (error->message, "the error body nests deeper than 64 levels"),
                 "%s", error->message);
}
END_TEST

typedef struct {
  const gchar *text;
  gboolean     object;       /* parse as an object */
  const gchar *message;      /* prefix of the error, or NULL for success */
} ParseCase;

static const ParseCase parse_cases[] = {
  { "{\"data\":[1,2]}", TRUE, NULL },
  { "[1,2]", FALSE, NULL },
  { "[1,2]", TRUE, "the response is JSON but not an object" },
  { "<html>", TRUE, "the response is not valid JSON: " },
  { "", FALSE, "the response is empty, not JSON" },
  { "{\"a\":", TRUE, "the response is not valid JSON: " },
};

START_TEST (test_parse)
{
  const ParseCase *c = &parse_cases[_i];
  g_autoptr(GError) error = NULL;
  gboolean ok;

  if (c->object)
    {
      g_autoptr(JsonObject) o = fdnix_json_parse_untrusted_object (c->text, strlen (c->text), "the response", &error);
      ok = o != NULL;
    }
  else
    {
      g_autoptr(JsonNode) n = fdnix_json_parse_untrusted (c->text, strlen (c->text), "the response", &error);
      ok = n != NULL;
    }
  if (c->message == NULL)
    {
      ck_assert_msg (ok, "%s", error != NULL ? error->message : "");
      ck_assert_ptr_null (error);
    }
  else
    {
      ck_assert (!ok);
      ck_assert_msg (g_str_has_prefix (error->message, c->message), "%s", error->message);
    }
}
END_TEST

static Suite *
json_untrusted_suite (void)
{
  Suite *s = suite_create ("json-untrusted");
  TCase *tc = tcase_create ("json-untrusted");

  tcase_add_loop_test (tc, test_depth, 0, G_N_ELEMENTS (depth_cases));
  tcase_add_test (tc, test_deep_document);
  tcase_add_loop_test (tc, test_parse, 0, G_N_ELEMENTS (parse_cases));
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  return fdnix_test_run (json_untrusted_suite ());
}
