/* check-json-lex: the shared JSON tokens, and the two readers built on
 * them (the arena parser and the pull cursor) agreeing on every case. */
#include "config.h"

#include <string.h>

#include "core/fdnix-bytes.h"
#include "core/fdnix-json-cursor.h"
#include "core/fdnix-json-lex.h"
#include "core/fdnix-json-value.h"
#include "fdnix-test.h"

/* ------------------------------------------------------------------ strings */

typedef struct {
  const gchar *raw;        /* what follows the opening quote */
  const gchar *decoded;    /* NULL when the string is bad */
  gsize        decoded_length;
  gboolean     escaped;
  gboolean     repaired;
  const gchar *reason;     /* when bad */
  gsize        position;   /* when bad: offset in raw */
} StringCase;

#define OK(raw, dec, esc, rep) { raw, dec, sizeof dec - 1, esc, rep, NULL, 0 }
#define BAD(raw, why, pos)     { raw, NULL, 0, FALSE, FALSE, why, pos }
#define UNTERMINATED "unterminated string"
#define CONTROL      "control character in a string"
#define ESCAPE       "invalid escape in a string"

static const StringCase string_cases[] = {
  OK ("\"", "", FALSE, FALSE),
  OK ("abc\"", "abc", FALSE, FALSE),
  OK ("a string longer than eight bytes\"", "a string longer than eight bytes", FALSE, FALSE),
  /* raw non-ASCII, valid or not, passes through for the normalizer */
  OK ("caf\xc3\xa9\"", "caf\xc3\xa9", FALSE, FALSE),
  OK ("\xff\xfe\"", "\xff\xfe", FALSE, FALSE),
  /* every short escape */
  OK ("a\\\"b\"", "a\"b", TRUE, FALSE),
  OK ("\\\\\\/\\b\\f\\n\\r\\t\"", "\\/\b\f\n\r\t", TRUE, FALSE),
  OK ("0123456789abcdef\\n0123456789abcdef\"", "0123456789abcdef\n0123456789abcdef", TRUE, FALSE),
  /* \u escapes, either case of hex digit */
  OK ("\\u00e9\"", "\xc3\xa9", TRUE, FALSE),
  OK ("\\u20AC\"", "\xe2\x82\xac", TRUE, FALSE),
  OK ("\\u0000\"", "\0", TRUE, FALSE),
  /* a surrogate pair is one code point */
  OK ("\\ud83d\\ude00\"", "\xf0\x9f\x98\x80", TRUE, FALSE),
  OK ("\\uD83D\\uDE00!\"", "\xf0\x9f\x98\x80!", TRUE, FALSE),
  /* a lone surrogate becomes U+FFFD, and says so */
  OK ("\\ud83d\"", "\xef\xbf\xbd", TRUE, TRUE),
  OK ("\\ude00\"", "\xef\xbf\xbd", TRUE, TRUE),
  OK ("\\ud83dx\"", "\xef\xbf\xbdx", TRUE, TRUE),
  OK ("\\ud83d\\u0041\"", "\xef\xbf\xbd" "A", TRUE, TRUE),
  OK ("\\ud83d\\ud83d\\ude00\"", "\xef\xbf\xbd\xf0\x9f\x98\x80", TRUE, TRUE),
  /* bad escapes: the position is the backslash */
  BAD ("\\x\"", ESCAPE, 0),
  BAD ("ab\\'\"", ESCAPE, 2),
  BAD ("\\u12\"", ESCAPE, 0),
  BAD ("\\u12g4\"", ESCAPE, 0),
  BAD ("ok\\n\\U0041\"", ESCAPE, 4),
  /* controls must be escaped, even after an escape */
  BAD ("a\nb\"", CONTROL, 1),
  BAD ("\\t\tb\"", CONTROL, 2),
  BAD ("0123456789\x01\"", CONTROL, 10),
  /* truncated input */
  BAD ("", UNTERMINATED, 0),
  BAD ("abc", UNTERMINATED, 3),
  BAD ("ab\\", UNTERMINATED, 3),
  BAD ("ab\\\"", UNTERMINATED, 4),
  BAD ("\\u00", UNTERMINATED, 4),
};

START_TEST (test_string)
{
  const StringCase *c = &string_cases[_i];
  const guchar *p = (const guchar *) c->raw;
  const guchar *end = p + strlen (c->raw);
  const guchar *close = NULL;
  const gchar *reason = NULL;
  gboolean escaped = FALSE;
  gboolean repaired = FALSE;
  gchar out[64];
  gsize length = 0;
  gsize bad = 0;
  gboolean ok;

  ok = fdnix_json_lex_string (p, end, &close, &escaped, &reason);
  if (ok)
    {
      ck_assert_uint_eq (escaped, c->escaped || c->reason != NULL);
      ck_assert_uint_lt (close - p, sizeof out);
      ok = fdnix_json_lex_decode_string (c->raw, close - p, out, &length, &repaired, &bad);
      if (!ok)
        {
          reason = ESCAPE;
          close = p + bad;
        }
    }
  if (c->reason == NULL)
    {
      ck_assert_msg (ok, "%s at %d", reason, (int) (close - p));
      ck_assert_uint_eq (close - p, end - p - 1);
      ck_assert_uint_eq (length, c->decoded_length);
      ck_assert (memcmp (out, c->decoded, length) == 0);
      ck_assert_uint_eq (repaired, c->repaired);
    }
  else
    {
      ck_assert (!ok);
      ck_assert_str_eq (reason, c->reason);
      ck_assert_uint_eq (close - p, c->position);
    }
}
END_TEST

/* The arena parser and the cursor read a string alike: same bytes, same
 * error, same offset. */
START_TEST (test_string_readers_agree)
{
  const StringCase *c = &string_cases[_i];
  g_autofree gchar *text = g_strconcat ("\"", c->raw, NULL);
  g_autoptr(FdnixJsonParser) parser = fdnix_json_parser_new ();
  g_autoptr(GError) parse_error = NULL;
  g_autoptr(GError) cursor_error = NULL;
  g_autofree gchar *cursor_string = NULL;
  const FdnixJsonValue *value;
  FdnixJsonCursor cursor;
  gboolean cursor_ok;

  value = fdnix_json_parser_parse (parser, text, strlen (text), FDNIX_JSON_PARSE_DEFAULT,
                                   &parse_error);
  fdnix_json_cursor_init (&cursor, text, strlen (text));
  cursor_ok = fdnix_json_cursor_string (&cursor, &cursor_string, &cursor_error);
  if (c->reason == NULL)
    {
      ck_assert_msg (value != NULL, "%s", parse_error->message);
      ck_assert_int_eq (value->type, FDNIX_JSON_STRING);
      ck_assert_uint_eq (value->length, c->decoded_length);
      ck_assert (memcmp (value->text, c->decoded, value->length) == 0);
      ck_assert_uint_eq (value->repaired, c->repaired);
      ck_assert_msg (cursor_ok, "%s", cursor_error->message);
      /* the cursor hands out NUL-terminated text */
      ck_assert_str_eq (cursor_string, c->decoded);
    }
  else
    {
      g_autofree gchar *parse_message =
        g_strdup_printf ("invalid JSON at byte %" G_GSIZE_FORMAT ": %s", c->position + 1,
                         c->reason);
      g_autofree gchar *cursor_message =
        g_strdup_printf ("%s at byte %" G_GSIZE_FORMAT, c->reason, c->position + 1);

      ck_assert_ptr_null (value);
      ck_assert_str_eq (parse_error->message, parse_message);
      ck_assert (!cursor_ok);
      ck_assert_str_eq (cursor_error->message, cursor_message);
    }
}
END_TEST

START_TEST (test_decode_edges)
{
  gchar out[8];
  gsize length = 99;
  gsize bad = 0;
  gboolean repaired = TRUE;

  /* an empty string may be NULL */
  ck_assert (fdnix_json_lex_decode_string (NULL, 0, out, &length, &repaired, &bad));
  ck_assert_uint_eq (length, 0);
  ck_assert (!repaired);
  /* decoding alone still refuses a raw quote and a trailing backslash */
  ck_assert (!fdnix_json_lex_decode_string ("ab\"c", 4, out, &length, &repaired, &bad));
  ck_assert_uint_eq (bad, 2);
  ck_assert (!fdnix_json_lex_decode_string ("ab\\", 3, out, &length, &repaired, &bad));
  ck_assert_uint_eq (bad, 2);
  /* the optional outputs may be NULL */
  ck_assert (fdnix_json_lex_decode_string ("\\ud800", 6, out, &length, NULL, NULL));
  ck_assert_uint_eq (length, 3);
}
END_TEST

typedef struct {
  const gchar *raw;
  gsize        after;     /* offset just after the closing quote, or the length */
} SkipCase;

static const SkipCase skip_string_cases[] = {
  { "\"rest", 1 },
  { "abc\"rest", 4 },
  { "a\\\"b\"c", 5 },
  { "0123456789\\\\\"x", 13 },
  { "ab\\", 3 },
  { "abc", 3 },
  /* unchecked: controls and bad escapes are stepped over */
  { "a\n\\q\"", 5 },
};

START_TEST (test_skip_string)
{
  const SkipCase *c = &skip_string_cases[_i];
  const guchar *p = (const guchar *) c->raw;

  ck_assert_uint_eq (fdnix_json_lex_skip_string (p, p + strlen (c->raw)) - p, c->after);
}
END_TEST

/* ------------------------------------------------------------------ numbers */

typedef struct {
  const gchar *text;
  gboolean     ok;
  gsize        end;       /* just after the number, or where it fails */
} NumberCase;

static const NumberCase number_cases[] = {
  { "0", TRUE, 1 },
  { "-0", TRUE, 2 },
  { "123", TRUE, 3 },
  { "-12.5e+3", TRUE, 8 },
  { "1E5", TRUE, 3 },
  { "2e-07", TRUE, 5 },
  { "0.000", TRUE, 5 },
  { "12345678901234567890", TRUE, 20 },
  /* the number ends where its grammar does; what follows is the caller's */
  { "1.5,", TRUE, 3 },
  { "01", TRUE, 1 },
  { "7]", TRUE, 1 },
  /* not numbers */
  { "", FALSE, 0 },
  { "-", FALSE, 1 },
  { "-a", FALSE, 1 },
  { ".5", FALSE, 0 },
  { "+1", FALSE, 0 },
  { "1.", FALSE, 2 },
  { "1.e3", FALSE, 2 },
  { "1e", FALSE, 2 },
  { "1e+", FALSE, 3 },
  { "NaN", FALSE, 0 },
};

START_TEST (test_number)
{
  const NumberCase *c = &number_cases[_i];
  const guchar *p = (const guchar *) c->text;
  const guchar *after = NULL;
  FdnixJsonCursor cursor;
  const gchar *text = NULL;
  gsize length = 0;
  g_autoptr(GError) error = NULL;
  g_autofree gchar *where = g_strdup_printf (" at byte %" G_GSIZE_FORMAT, c->end);

  ck_assert_int_eq (fdnix_json_lex_number (p, p + strlen (c->text), &after), c->ok);
  ck_assert_uint_eq (after - p, c->end);

  /* the cursor reads numbers with it */
  fdnix_json_cursor_init (&cursor, c->text, strlen (c->text));
  ck_assert_int_eq (fdnix_json_cursor_number (&cursor, &text, &length, &error), c->ok);
  if (c->ok)
    ck_assert_uint_eq (length, c->end);
  else
    ck_assert_msg (g_str_has_suffix (error->message, where), "%s", error->message);
}
END_TEST

typedef struct {
  const gchar *text;
  gboolean     ok;
  gint64       value;
} IntCase;

static const IntCase int_cases[] = {
  { "0", TRUE, 0 },
  { "-0", TRUE, 0 },
  { "42", TRUE, 42 },
  { "-42", TRUE, -42 },
  { "9223372036854775807", TRUE, G_MAXINT64 },
  { "-9223372036854775808", TRUE, G_MININT64 },
  { "9223372036854775808", FALSE, 0 },
  { "-9223372036854775809", FALSE, 0 },
  { "99999999999999999999", FALSE, 0 },
  { "1.0", FALSE, 0 },
  { "1e3", FALSE, 0 },
  { "-", FALSE, 0 },
  { "", FALSE, 0 },
};

START_TEST (test_int64)
{
  const IntCase *c = &int_cases[_i];
  gint64 value = -1;

  ck_assert_int_eq (fdnix_json_lex_int64 (c->text, strlen (c->text), &value), c->ok);
  if (c->ok)
    ck_assert_int_eq (value, c->value);
}
END_TEST

/* ----------------------------------------------------------------- literals */

typedef struct {
  const gchar *text;
  gsize        length;
} LiteralCase;

static const LiteralCase literal_cases[] = {
  { "true", 4 },
  { "false", 5 },
  { "null", 4 },
  { "true,", 4 },
  { "null}", 4 },
  { "tru", 0 },
  { "nul", 0 },
  { "fals", 0 },
  { "falsy", 0 },
  { "TRUE", 0 },
  { "x", 0 },
  { "", 0 },
};

START_TEST (test_literal)
{
  const LiteralCase *c = &literal_cases[_i];
  const guchar *p = (const guchar *) c->text;

  ck_assert_uint_eq (fdnix_json_lex_literal (p, p + strlen (c->text)), c->length);
}
END_TEST

/* --------------------------------------------------------------- whitespace */

typedef struct {
  const gchar *text;
  gsize        skipped;
} WsCase;

static const WsCase ws_cases[] = {
  { "", 0 },
  { "x", 0 },
  { " \t\r\nx", 4 },
  { "\n                        x", 25 },
  { "\n                           ", 28 },
  { " \v", 1 },
  { "\n        \t        ]", 18 },
};

START_TEST (test_ws)
{
  const WsCase *c = &ws_cases[_i];
  const guchar *p = (const guchar *) c->text;

  ck_assert_uint_eq (fdnix_json_lex_skip_ws (p, p + strlen (c->text)) - p, c->skipped);
}
END_TEST

/* -------------------------------------------------------------------- bytes */

typedef struct {
  const gchar *name;
  const guchar *(*skip) (const guchar *p, const guchar *end);
  const gchar  *hits;   /* bytes it must stop at (besides any below 0x20 / above 0x7f) */
  gboolean      controls;
  gboolean      non_ascii;
} BytesCase;

static const guchar *
skip_quote_or_backslash (const guchar *p, const guchar *end)
{
  return fdnix_bytes_skip_to_quote_or_backslash (p, end);
}

static const guchar *
skip_string_special (const guchar *p, const guchar *end)
{
  return fdnix_bytes_skip_to_string_special (p, end);
}

static const guchar *
skip_structural (const guchar *p, const guchar *end)
{
  return fdnix_bytes_skip_to_structural (p, end);
}

static const guchar *
skip_string_special_or_non_ascii (const guchar *p, const guchar *end)
{
  return fdnix_bytes_skip_to_string_special_or_non_ascii (p, end);
}

static const guchar *
skip_control_or_non_ascii (const guchar *p, const guchar *end)
{
  return fdnix_bytes_skip_to_control_or_non_ascii (p, end);
}

static const BytesCase bytes_cases[] = {
  { "quote_or_backslash", skip_quote_or_backslash, "\"\\", FALSE, FALSE },
  { "string_special", skip_string_special, "\"\\", TRUE, FALSE },
  { "structural", skip_structural, "\"{}[]", FALSE, FALSE },
  { "string_special_or_non_ascii", skip_string_special_or_non_ascii, "\"\\", TRUE, TRUE },
  { "control_or_non_ascii", skip_control_or_non_ascii, "", TRUE, TRUE },
};

/* Every byte value at every offset of buffers of every length up to 24
 * (word loop, tail loop and the seam between): the skip stops exactly at
 * the first byte it must, and runs to the end when there is none. */
START_TEST (test_bytes)
{
  const BytesCase *c = &bytes_cases[_i];
  guchar buf[24];

  for (guint byte = 0; byte < 256; byte++)
    {
      gboolean hit = (byte != 0 && strchr (c->hits, (gchar) byte) != NULL) ||
                     (c->controls && byte < 0x20) || (c->non_ascii && byte >= 0x80);

      for (gsize n = 0; n <= sizeof buf; n++)
        for (gsize at = 0; at <= n; at++)
          {
            const guchar *stop;

            /* the filler is a byte no skip stops at, except at the end */
            memset (buf, 'a', sizeof buf);
            if (at < n)
              buf[at] = (guchar) byte;
            stop = c->skip (buf, buf + n);
            ck_assert_msg ((gsize) (stop - buf) == (hit && at < n ? at : n),
                           "%s: byte 0x%02x at %zu of %zu: stopped at %zu", c->name, byte, at, n,
                           (gsize) (stop - buf));
          }
    }
}
END_TEST

static Suite *
json_lex_suite (void)
{
  Suite *s = suite_create ("json-lex");
  TCase *tc = tcase_create ("json-lex");

  tcase_add_loop_test (tc, test_string, 0, G_N_ELEMENTS (string_cases));
  tcase_add_loop_test (tc, test_string_readers_agree, 0, G_N_ELEMENTS (string_cases));
  tcase_add_test (tc, test_decode_edges);
  tcase_add_loop_test (tc, test_skip_string, 0, G_N_ELEMENTS (skip_string_cases));
  tcase_add_loop_test (tc, test_number, 0, G_N_ELEMENTS (number_cases));
  tcase_add_loop_test (tc, test_int64, 0, G_N_ELEMENTS (int_cases));
  tcase_add_loop_test (tc, test_literal, 0, G_N_ELEMENTS (literal_cases));
  tcase_add_loop_test (tc, test_ws, 0, G_N_ELEMENTS (ws_cases));
  tcase_add_loop_test (tc, test_bytes, 0, G_N_ELEMENTS (bytes_cases));
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  return fdnix_test_run (json_lex_suite ());
}
