/* fdnix-json-lex.h: the JSON tokens every fdnix reader shares (internal).
 *
 * The arena parser (fdnix-json-value), the pull cursor (fdnix-json-cursor),
 * the splitter (ingest/fdnix-json-stream) and the bracket counters read JSON
 * in different shapes (a tree, a walk, a stream, a check), so they keep
 * their own loops; what whitespace, a string, a number and a literal are is
 * written once, here.  Strict RFC 8259, with one deliberate exception:
 * invalid UTF-8 inside strings is passed through for the normalizer to
 * repair.
 *
 * Every function reads from @p up to @end (exclusive) and never past it.
 * The small ones are inline: the value parser calls them per token, and a
 * call costs more than the token.
 */
#pragma once

#include <string.h>
#include <glib.h>

#include "core/fdnix-bytes.h"

G_BEGIN_DECLS

static inline gboolean
fdnix_json_lex_is_ws (guchar c)
{
  return c == ' ' || c == '\n' || c == '\t' || c == '\r';
}

static inline gboolean
fdnix_json_lex_is_digit (guchar c)
{
  return c >= '0' && c <= '9';
}

/* The first byte at or after @p that is not whitespace (or @end).
 * Pretty-printed input is a newline, then runs of indentation: eight
 * spaces are one step. */
static inline const guchar *
fdnix_json_lex_skip_ws (const guchar *p, const guchar *end)
{
  while (p < end && fdnix_json_lex_is_ws (*p))
    {
      p++;
      while (end - p >= 8 && fdnix_bytes_load (p) == FDNIX_BYTES_ONES * ' ')
        p += 8;
    }
  return p;
}

static inline const guchar *
fdnix_json_lex_skip_digits (const guchar *p, const guchar *end)
{
  while (p < end && fdnix_json_lex_is_digit (*p))
    p++;
  return p;
}

/* A number at @p.  Returns TRUE with *@out_end just after it; FALSE with
 * *@out_end at the byte that makes it no JSON number (a leading zero
 * followed by a digit ends the number there: the caller's next token test
 * refuses the digit). */
static inline gboolean
fdnix_json_lex_number (const guchar *p, const guchar *end, const guchar **out_end)
{
  const guchar *digits;

  if (p < end && *p == '-')
    p++;
  if (p < end && *p == '0')
    p++;
  else if (p < end && *p >= '1' && *p <= '9')
    p = fdnix_json_lex_skip_digits (p, end);
  else
    {
      *out_end = p;
      return FALSE;
    }
  if (p < end && *p == '.')
    {
      digits = ++p;
      p = fdnix_json_lex_skip_digits (p, end);
      if (p == digits)
        {
          *out_end = p;
          return FALSE;
        }
    }
  if (p < end && (*p == 'e' || *p == 'E'))
    {
      p++;
      if (p < end && (*p == '+' || *p == '-'))
        p++;
      digits = p;
      p = fdnix_json_lex_skip_digits (p, end);
      if (p == digits)
        {
          *out_end = p;
          return FALSE;
        }
    }
  *out_end = p;
  return TRUE;
}

/* Bytes of the literal (`true`, `false` or `null`) at @p; 0 when there is
 * none.  Which one it is, *@p says. */
static inline gsize
fdnix_json_lex_literal (const guchar *p, const guchar *end)
{
  const gchar *word;
  gsize length;

  if (p >= end)
    return 0;
  switch (*p)
    {
    case 't': word = "true"; length = 4; break;
    case 'f': word = "false"; length = 5; break;
    case 'n': word = "null"; length = 4; break;
    default: return 0;
    }
  if ((gsize) (end - p) < length || memcmp (p, word, length) != 0)
    return 0;
  return length;
}

gboolean fdnix_json_lex_string_slow (const guchar  *p,
                                     const guchar  *end,
                                     const guchar **out_close,
                                     const gchar  **out_reason);

/* A string whose opening quote is just before @p.  Returns TRUE with
 * *@out_close at the closing quote and *@out_escaped set when the bytes
 * between hold escapes (then fdnix_json_lex_decode_string() decodes them,
 * and checks them); FALSE with *@out_close at a control character, or at
 * @end for an unterminated string, and *@out_reason saying which. */
static inline gboolean
fdnix_json_lex_string (const guchar *p, const guchar *end, const guchar **out_close,
                       gboolean *out_escaped, const gchar **out_reason)
{
  const guchar *q = fdnix_bytes_skip_to_string_special (p, end);

  if (q < end && *q == '"')
    {
      *out_close = q;
      *out_escaped = FALSE;
      return TRUE;
    }
  *out_escaped = TRUE;
  return fdnix_json_lex_string_slow (q, end, out_close, out_reason);
}

/* Just after the closing quote of the string whose opening quote is just
 * before @p, or @end; escapes are stepped over, not checked.  For the
 * scans that only need to know what is outside strings. */
static inline const guchar *
fdnix_json_lex_skip_string (const guchar *p, const guchar *end)
{
  for (;;)
    {
      p = fdnix_bytes_skip_to_quote_or_backslash (p, end);
      if (p == end)
        return end;
      if (*p == '"')
        return p + 1;
      if (end - p < 2)
        return end;
      p += 2;
    }
}

gboolean fdnix_json_lex_decode_string (const gchar *raw,
                                       gsize        raw_length,
                                       gchar       *out,
                                       gsize       *out_length,
                                       gboolean    *out_repaired,
                                       gsize       *out_error_position);
gboolean fdnix_json_lex_int64         (const gchar *text,
                                       gsize        length,
                                       gint64      *out_value);

G_END_DECLS
