/* fdnix-json-cursor.c: a pull reader over in-memory JSON text. */
#include "config.h"

#include <string.h>

#include "core/fdnix-error.h"
#include "core/fdnix-json-cursor.h"
#include "core/fdnix-json-lex.h"

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

/* The lexer reads bytes; the cursor hands out text. */
#define UP(p) ((const guchar *) (p))

static void
skip_ws (FdnixJsonCursor *c)
{
  c->p = (const gchar *) fdnix_json_lex_skip_ws (UP (c->p), UP (c->end));
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
  const guchar *s;
  const guchar *close;
  const gchar *reason;
  gboolean escaped;
  g_autofree gchar *text = NULL;
  gsize length = 0;
  gsize bad = 0;

  if (!expect (c, '"', error))
    return FALSE;
  s = UP (c->p);
  if (!fdnix_json_lex_string (s, UP (c->end), &close, &escaped, &reason))
    {
      c->p = (const gchar *) close;
      return fdnix_json_cursor_fail (c, reason, error);
    }
  if (!escaped)
    {
      /* the common case: no escapes */
      *out_string = g_strndup (c->p, close - s);
      c->p = (const gchar *) close + 1;
      return TRUE;
    }
  text = g_malloc ((close - s) + 1);
  if (!fdnix_json_lex_decode_string (c->p, close - s, text, &length, NULL, &bad))
    {
      c->p += bad;
      return fdnix_json_cursor_fail (c, "invalid escape in a string", error);
    }
  text[length] = '\0';
  *out_string = g_steal_pointer (&text);
  c->p = (const gchar *) close + 1;
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
  const guchar *after;

  skip_ws (c);
  start = c->p;
  if (!fdnix_json_lex_number (UP (start), UP (c->end), &after))
    {
      gboolean began = start < c->end && (*start == '-' || g_ascii_isdigit (*start));

      c->p = (const gchar *) after;
      return fdnix_json_cursor_fail (c, began ? "invalid number" : "expected a number", error);
    }
  c->p = (const gchar *) after;
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
  gint64 value;

  if (!fdnix_json_cursor_number (c, &text, &length, error))
    return FALSE;
  if (!fdnix_json_lex_int64 (text, length, &value) || value < 0)
    return fdnix_json_cursor_fail (c, "expected a non-negative integer", error);
  *out_value = value;
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
    case 'f':
    case 'n':
      {
        gsize length = fdnix_json_lex_literal (UP (c->p), UP (c->end));

        if (length == 0)
          return fdnix_json_cursor_fail (c, "invalid literal", error);
        c->p += length;
        return TRUE;
      }
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
