/* fdnix-json-cursor.c: a pull reader over in-memory JSON text. */
#include "config.h"

#include <string.h>

#include "core/fdnix-error.h"
#include "core/fdnix-json-cursor.h"

/**
 * fdnix_json_cursor_init:
 * @c: (out caller-allocates): a cursor
 * @text: JSON text, kept by reference
 * @length: its length
 */
void
fdnix_json_cursor_init (FdnixJsonCursor *c, const gchar *text, gsize length)
{
  memset (c, 0, sizeof *c);
  c->start = c->p = text;
  c->end = text + length;
}

static void
skip_ws (FdnixJsonCursor *c)
{
  while (c->p < c->end && (*c->p == ' ' || *c->p == '\n' || *c->p == '\r' || *c->p == '\t'))
    c->p++;
}

/**
 * fdnix_json_cursor_fail:
 * @c: a cursor
 * @message: what is wrong
 * @error: return location for FDNIX_ERROR_INVALID_DATA
 *
 * Marks the cursor failed and sets @error with the byte offset.
 *
 * Returns: FALSE
 */
gboolean
fdnix_json_cursor_fail (FdnixJsonCursor *c, const gchar *message, GError **error)
{
  if (!c->failed)
    g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_INVALID_DATA,
                 "%s at byte %" G_GSIZE_FORMAT, message, (gsize) (c->p - c->start));
  c->failed = TRUE;
  return FALSE;
}

/**
 * fdnix_json_cursor_peek:
 * @c: a cursor
 *
 * Returns: the first character of the next token, or NUL at the end.
 */
gchar
fdnix_json_cursor_peek (FdnixJsonCursor *c)
{
  skip_ws (c);
  return c->p < c->end ? *c->p : '\0';
}

static gboolean
expect (FdnixJsonCursor *c, gchar ch, GError **error)
{
  if (fdnix_json_cursor_peek (c) != ch)
    {
      g_autofree gchar *message = g_strdup_printf ("expected '%c'", ch);
      return fdnix_json_cursor_fail (c, message, error);
    }
  c->p++;
  return TRUE;
}

static gboolean
open_container (FdnixJsonCursor *c, gchar ch, GError **error)
{
  if (c->depth + 1 >= FDNIX_JSON_CURSOR_MAX_DEPTH)
    return fdnix_json_cursor_fail (c, "nested too deeply", error);
  if (!expect (c, ch, error))
    return FALSE;
  c->first[++c->depth] = TRUE;
  return TRUE;
}

/* TRUE when another item follows (comma consumed); FALSE at the closing
 * character (consumed) or on error (c->failed). */
static gboolean
next_item (FdnixJsonCursor *c, gchar close, GError **error)
{
  gchar ch = fdnix_json_cursor_peek (c);

  if (c->failed)
    return FALSE;
  if (ch == close)
    {
      c->p++;
      c->depth--;
      return FALSE;
    }
  if (!c->first[c->depth])
    {
      if (ch != ',')
        return fdnix_json_cursor_fail (c, close == '}' ? "expected ',' or '}'" : "expected ',' or ']'", error);
      c->p++;
    }
  c->first[c->depth] = FALSE;
  return TRUE;
}

/**
 * fdnix_json_cursor_begin_object:
 * @c: a cursor before an object
 * @error: return location for an error
 *
 * Returns: TRUE when an object starts here.
 */
gboolean
fdnix_json_cursor_begin_object (FdnixJsonCursor *c, GError **error)
{
  return open_container (c, '{', error);
}

/**
 * fdnix_json_cursor_next_member:
 * @c: a cursor inside an object
 * @out_key: (out) (transfer full): the member name
 * @error: return location for an error
 *
 * Returns: TRUE with the cursor before the member's value; FALSE after the
 *   object's end, or on error (then @c->failed is set).
 */
gboolean
fdnix_json_cursor_next_member (FdnixJsonCursor *c, gchar **out_key, GError **error)
{
  *out_key = NULL;
  if (!next_item (c, '}', error))
    return FALSE;
  if (!fdnix_json_cursor_string (c, out_key, error))
    return FALSE;
  if (!expect (c, ':', error))
    {
      g_clear_pointer (out_key, g_free);
      return FALSE;
    }
  return TRUE;
}

/**
 * fdnix_json_cursor_begin_array:
 * @c: a cursor before an array
 * @error: return location for an error
 *
 * Returns: TRUE when an array starts here.
 */
gboolean
fdnix_json_cursor_begin_array (FdnixJsonCursor *c, GError **error)
{
  return open_container (c, '[', error);
}

/**
 * fdnix_json_cursor_next_element:
 * @c: a cursor inside an array
 * @error: return location for an error
 *
 * Returns: TRUE with the cursor before the next element; FALSE after the
 *   array's end, or on error (then @c->failed is set).
 */
gboolean
fdnix_json_cursor_next_element (FdnixJsonCursor *c, GError **error)
{
  return next_item (c, ']', error);
}

static gint
hex4 (const gchar *p)
{
  gint value = 0;

  for (gint i = 0; i < 4; i++)
    {
      if (!g_ascii_isxdigit (p[i]))
        return -1;
      value = value * 16 + g_ascii_xdigit_value (p[i]);
    }
  return value;
}

/**
 * fdnix_json_cursor_string:
 * @c: a cursor before a string
 * @out_string: (out) (transfer full): the unescaped UTF-8 string
 * @error: return location for an error
 *
 * Returns: TRUE on success.
 */
gboolean
fdnix_json_cursor_string (FdnixJsonCursor *c, gchar **out_string, GError **error)
{
  g_autoptr(GString) out = NULL;
  const gchar *run;

  if (!expect (c, '"', error))
    return FALSE;
  run = c->p;
  while (c->p < c->end && *c->p != '"' && *c->p != '\\')
    c->p++;
  if (c->p < c->end && *c->p == '"')
    {
      /* the common case: no escapes */
      *out_string = g_strndup (run, c->p - run);
      c->p++;
      return TRUE;
    }
  out = g_string_new_len (run, c->p - run);
  while (c->p < c->end && *c->p != '"')
    {
      gchar ch = *c->p++;
      gint code;

      if (ch != '\\')
        {
          g_string_append_c (out, ch);
          continue;
        }
      if (c->p >= c->end)
        break;
      ch = *c->p++;
      switch (ch)
        {
        case '"': case '\\': case '/': g_string_append_c (out, ch); break;
        case 'b': g_string_append_c (out, '\b'); break;
        case 'f': g_string_append_c (out, '\f'); break;
        case 'n': g_string_append_c (out, '\n'); break;
        case 'r': g_string_append_c (out, '\r'); break;
        case 't': g_string_append_c (out, '\t'); break;
        case 'u':
          if (c->end - c->p < 4 || (code = hex4 (c->p)) < 0)
            return fdnix_json_cursor_fail (c, "bad \\u escape", error);
          c->p += 4;
          if (code >= 0xd800 && code < 0xdc00 && c->end - c->p >= 6 &&
              c->p[0] == '\\' && c->p[1] == 'u')
            {
              gint low = hex4 (c->p + 2);
              if (low >= 0xdc00 && low < 0xe000)
                {
                  code = 0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00);
                  c->p += 6;
                }
            }
          if (code >= 0xd800 && code < 0xe000)
            code = 0xfffd;  /* a lone surrogate */
          g_string_append_unichar (out, (gunichar) code);
          break;
        default:
          return fdnix_json_cursor_fail (c, "bad escape", error);
        }
    }
  if (c->p >= c->end)
    return fdnix_json_cursor_fail (c, "unterminated string", error);
  c->p++;
  *out_string = g_string_free (g_steal_pointer (&out), FALSE);
  return TRUE;
}

/**
 * fdnix_json_cursor_number:
 * @c: a cursor before a number
 * @out_text: (out) (transfer none): the number's text, inside the input
 * @out_length: (out): its length
 * @error: return location for an error
 *
 * Returns: TRUE when a JSON number is here.
 */
gboolean
fdnix_json_cursor_number (FdnixJsonCursor *c, const gchar **out_text, gsize *out_length,
                          GError **error)
{
  const gchar *start;
  const gchar *digits;

  skip_ws (c);
  start = c->p;
  if (c->p < c->end && *c->p == '-')
    c->p++;
  digits = c->p;
  while (c->p < c->end && g_ascii_isdigit (*c->p))
    c->p++;
  if (c->p == digits)
    return fdnix_json_cursor_fail (c, "expected a number", error);
  if (c->p < c->end && *c->p == '.')
    {
      digits = ++c->p;
      while (c->p < c->end && g_ascii_isdigit (*c->p))
        c->p++;
      if (c->p == digits)
        return fdnix_json_cursor_fail (c, "bad number", error);
    }
  if (c->p < c->end && (*c->p == 'e' || *c->p == 'E'))
    {
      c->p++;
      if (c->p < c->end && (*c->p == '+' || *c->p == '-'))
        c->p++;
      digits = c->p;
      while (c->p < c->end && g_ascii_isdigit (*c->p))
        c->p++;
      if (c->p == digits)
        return fdnix_json_cursor_fail (c, "bad number", error);
    }
  *out_text = start;
  *out_length = c->p - start;
  return TRUE;
}

/**
 * fdnix_json_cursor_int:
 * @c: a cursor before a number
 * @out_value: (out): the number, which must be a non-negative integer
 * @error: return location for an error
 *
 * Returns: TRUE on success.
 */
gboolean
fdnix_json_cursor_int (FdnixJsonCursor *c, gint64 *out_value, GError **error)
{
  const gchar *text;
  gsize length;
  guint64 value = 0;

  if (!fdnix_json_cursor_number (c, &text, &length, error))
    return FALSE;
  if (length > 18)
    return fdnix_json_cursor_fail (c, "integer too large", error);
  for (gsize i = 0; i < length; i++)
    {
      if (!g_ascii_isdigit (text[i]))
        return fdnix_json_cursor_fail (c, "expected a non-negative integer", error);
      value = value * 10 + (guint64) (text[i] - '0');
    }
  *out_value = (gint64) value;
  return TRUE;
}

static gboolean
skip_literal (FdnixJsonCursor *c, const gchar *word, GError **error)
{
  gsize n = strlen (word);

  if ((gsize) (c->end - c->p) < n || memcmp (c->p, word, n) != 0)
    return fdnix_json_cursor_fail (c, "unexpected character", error);
  c->p += n;
  return TRUE;
}

/**
 * fdnix_json_cursor_skip:
 * @c: a cursor before any value
 * @error: return location for an error
 *
 * Moves past one value, whatever it is.
 *
 * Returns: TRUE on success.
 */
gboolean
fdnix_json_cursor_skip (FdnixJsonCursor *c, GError **error)
{
  gchar ch = fdnix_json_cursor_peek (c);

  switch (ch)
    {
    case '{':
      {
        gchar *key = NULL;

        if (!fdnix_json_cursor_begin_object (c, error))
          return FALSE;
        while (fdnix_json_cursor_next_member (c, &key, error))
          {
            g_free (key);
            if (!fdnix_json_cursor_skip (c, error))
              return FALSE;
          }
        return !c->failed;
      }
    case '[':
      if (!fdnix_json_cursor_begin_array (c, error))
        return FALSE;
      while (fdnix_json_cursor_next_element (c, error))
        if (!fdnix_json_cursor_skip (c, error))
          return FALSE;
      return !c->failed;
    case '"':
      {
        g_autofree gchar *text = NULL;
        return fdnix_json_cursor_string (c, &text, error);
      }
    case 't':
      return skip_literal (c, "true", error);
    case 'f':
      return skip_literal (c, "false", error);
    case 'n':
      return skip_literal (c, "null", error);
    default:
      {
        const gchar *text;
        gsize length;
        return fdnix_json_cursor_number (c, &text, &length, error);
      }
    }
}

/**
 * fdnix_json_cursor_end:
 * @c: a cursor after the top-level value
 * @error: return location for an error
 *
 * Returns: TRUE when only whitespace remains.
 */
gboolean
fdnix_json_cursor_end (FdnixJsonCursor *c, GError **error)
{
  if (fdnix_json_cursor_peek (c) != '\0' || c->p != c->end)
    return fdnix_json_cursor_fail (c, "trailing data", error);
  return TRUE;
}
