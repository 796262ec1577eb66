/* fdnix-json-lex.c: the shared JSON tokens' slow paths (see the header). */
#include "config.h"

#include "core/fdnix-json-lex.h"

/**
 * fdnix_json_lex_string_slow:
 * @p: the first '"', '\\' or control byte of a string (or @end)
 * @end: the end of the text
 * @out_close: (out): the closing quote, or where it fails
 * @out_reason: (out): why it fails
 *
 * The rest of fdnix_json_lex_string() once a string holds an escape or is
 * bad: finds the closing quote, stepping over escapes.
 *
 * Returns: TRUE when the string ends before @end.
 */
gboolean
fdnix_json_lex_string_slow (const guchar *p, const guchar *end, const guchar **out_close,
                            const gchar **out_reason)
{
  for (;;)
    {
      if (p == end)
        {
          *out_close = end;
          *out_reason = "unterminated string";
          return FALSE;
        }
      if (*p == '"')
        {
          *out_close = p;
          return TRUE;
        }
      if (*p < 0x20)
        {
          *out_close = p;
          *out_reason = "control character in a string";
          return FALSE;
        }
      /* a backslash: the escaped byte is checked when decoding */
      if (end - p < 2)
        p = end;
      else
        p = fdnix_bytes_skip_to_string_special (p + 2, end);
    }
}

static gboolean
hex4 (const guchar *p, guint *out)
{
  guint value = 0;

  for (guint i = 0; i < 4; i++)
    {
      guchar c = p[i];
      value <<= 4;
      if (c >= '0' && c <= '9')
        value |= c - '0';
      else if (c >= 'a' && c <= 'f')
        value |= c - 'a' + 10;
      else if (c >= 'A' && c <= 'F')
        value |= c - 'A' + 10;
      else
        return FALSE;
    }
  *out = value;
  return TRUE;
}

/* The code point of the \u escape at @p (which has @end - @p >= 6 bytes),
 * joined with a low surrogate escape that follows a high one; *@pp moves
 * past what was used.  A lone surrogate becomes U+FFFD. */
static gboolean
unicode_escape (const guchar **pp, const guchar *end, gunichar *out, gboolean *repaired)
{
  const guchar *p = *pp;
  guint cp;
  guint low;

  if (!hex4 (p + 2, &cp))
    return FALSE;
  p += 6;
  if (cp >= 0xd800 && cp <= 0xdbff && end - p >= 6 && p[0] == '\\' && p[1] == 'u' &&
      hex4 (p + 2, &low) && low >= 0xdc00 && low <= 0xdfff)
    {
      cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
      p += 6;
    }
  else if (cp >= 0xd800 && cp <= 0xdfff)
    {
      cp = 0xfffd;
      *repaired = TRUE;
    }
  *pp = p;
  *out = cp;
  return TRUE;
}

/**
 * fdnix_json_lex_decode_string:
 * @raw: the bytes between a JSON string's quotes
 * @raw_length: bytes of @raw
 * @out: where to write the decoded bytes: room for @raw_length bytes (every
 *   escape decodes to fewer bytes than it takes)
 * @out_length: (out): bytes written
 * @out_repaired: (out) (optional): set when a lone surrogate escape became
 *   U+FFFD
 * @out_error_position: (out) (optional): offset in @raw of a bad escape,
 *   quote or control character
 *
 * Decodes escapes, surrogate pairs included.  Raw bytes are copied as they
 * are: UTF-8 validity is the normalizer's business.  `\u0000` decodes to a
 * NUL byte.
 *
 * Returns: FALSE when @raw is not valid JSON string content.
 */
gboolean
fdnix_json_lex_decode_string (const gchar *raw, gsize raw_length, gchar *out, gsize *out_length,
                              gboolean *out_repaired, gsize *out_error_position)
{
  const guchar *p = (const guchar *) raw;
  const guchar *end;
  gchar *o = out;
  gboolean repaired = FALSE;

  /* an empty buffer may be NULL */
  if (raw_length == 0)
    {
      *out_length = 0;
      if (out_repaired != NULL)
        *out_repaired = FALSE;
      return TRUE;
    }
  end = p + raw_length;
  while (p < end)
    {
      const guchar *run = p;
      gunichar cp;
      gchar simple = '\0';

      p = fdnix_bytes_skip_to_string_special (p, end);
      memcpy (o, run, p - run);
      o += p - run;
      if (p == end)
        break;
      if (*p == '\\' && end - p >= 2)
        switch (p[1])
          {
          case '"':  simple = '"'; break;
          case '\\': simple = '\\'; break;
          case '/':  simple = '/'; break;
          case 'b':  simple = '\b'; break;
          case 'f':  simple = '\f'; break;
          case 'n':  simple = '\n'; break;
          case 'r':  simple = '\r'; break;
          case 't':  simple = '\t'; break;
          default:   break;
          }
      if (simple != '\0')
        {
          *o++ = simple;
          p += 2;
          continue;
        }
      if (*p != '\\' || end - p < 6 || p[1] != 'u' || !unicode_escape (&p, end, &cp, &repaired))
        {
          if (out_error_position != NULL)
            *out_error_position = p - (const guchar *) raw;
          return FALSE;
        }
      o += g_unichar_to_utf8 (cp, o);
    }
  *out_length = o - out;
  if (out_repaired != NULL)
    *out_repaired = repaired;
  return TRUE;
}

/**
 * fdnix_json_lex_int64:
 * @text: a JSON number's text
 * @length: its bytes
 * @out_value: (out): the integer
 *
 * Returns: whether @text is an integer (no fraction, no exponent) that fits
 *   in 64 bits.
 */
gboolean
fdnix_json_lex_int64 (const gchar *text, gsize length, gint64 *out_value)
{
  const gchar *p = text;
  const gchar *end = text + length;
  gboolean negative = FALSE;
  guint64 magnitude = 0;

  if (p < end && *p == '-')
    {
      negative = TRUE;
      p++;
    }
  if (p == end)
    return FALSE;
  for (; p < end; p++)
    {
      guint digit;
      if (!fdnix_json_lex_is_digit (*p))
        return FALSE;
      digit = *p - '0';
      if (magnitude > (G_MAXUINT64 - digit) / 10)
        return FALSE;
      magnitude = magnitude * 10 + digit;
    }
  if (negative ? magnitude > (guint64) G_MAXINT64 + 1 : magnitude > (guint64) G_MAXINT64)
    return FALSE;
  *out_value = negative ? (gint64) (0 - magnitude) : (gint64) magnitude;
  return TRUE;
}
