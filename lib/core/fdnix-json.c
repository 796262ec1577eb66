/* fdnix-json.c: JSON text writing helpers. */
#include "config.h"

#include <string.h>

#include "core/fdnix-bytes.h"
#include "core/fdnix-json.h"

static const gchar hex_digits[] = "0123456789abcdef";

/**
 * fdnix_json_append_string_len:
 * @out: where to append
 * @text: UTF-8 text (validity is the caller's business: records are
 *   repaired by the normalizer before they get here)
 * @length: bytes of @text
 *
 * Appends @text as a quoted JSON string.  Only what JSON requires is escaped
 * (quote, backslash, control characters), so non-ASCII text stays readable.
 */
void
fdnix_json_append_string_len (GString *out, const gchar *text, gsize length)
{
  const guchar *p = (const guchar *) text;
  const guchar *end = p + length;

  g_string_append_c (out, '"');
  while (p < end)
    {
      const guchar *run = p;
      guchar c;

      p = fdnix_bytes_skip_to_string_special (p, end);
      g_string_append_len (out, (const gchar *) run, p - run);
      if (p == end)
        break;
      c = *p++;
      switch (c)
        {
        case '"':  g_string_append (out, "\\\""); break;
        case '\\': g_string_append (out, "\\\\"); break;
        case '\n': g_string_append (out, "\\n"); break;
        case '\r': g_string_append (out, "\\r"); break;
        case '\t': g_string_append (out, "\\t"); break;
        case '\b': g_string_append (out, "\\b"); break;
        case '\f': g_string_append (out, "\\f"); break;
        default:
          g_string_append (out, "\\u00");
          g_string_append_c (out, hex_digits[c >> 4]);
          g_string_append_c (out, hex_digits[c & 0xf]);
        }
    }
  g_string_append_c (out, '"');
}

/**
 * fdnix_json_append_string:
 * @out: where to append
 * @text: (nullable): NUL-terminated UTF-8 text; NULL writes `null`
 */
void
fdnix_json_append_string (GString *out, const gchar *text)
{
  if (text == NULL)
    g_string_append (out, "null");
  else
    fdnix_json_append_string_len (out, text, strlen (text));
}

/**
 * fdnix_json_element:
 * @out: a buffer inside an open array
 *
 * Starts an array element: a comma unless it is the first.
 */
void
fdnix_json_element (GString *out)
{
  gchar last = out->len > 0 ? out->str[out->len - 1] : '\0';

  if (last != '[' && last != '{' && last != '\0')
    g_string_append_c (out, ',');
}

/**
 * fdnix_json_member:
 * @out: a buffer inside an open object
 * @name: member name (plain ASCII, not escaped)
 *
 * Starts an object member: a comma unless it is the first, then `"name":`.
 */
void
fdnix_json_member (GString *out, const gchar *name)
{
  fdnix_json_element (out);
  g_string_append_c (out, '"');
  g_string_append (out, name);
  g_string_append (out, "\":");
}

/**
 * fdnix_json_member_string:
 * @out: a buffer inside an open object
 * @name: member name
 * @value: (nullable): member value; NULL writes `null`
 */
void
fdnix_json_member_string (GString *out, const gchar *name, const gchar *value)
{
  fdnix_json_member (out, name);
  fdnix_json_append_string (out, value);
}

/**
 * fdnix_json_member_bool:
 * @out: a buffer inside an open object
 * @name: member name
 * @value: member value
 */
void
fdnix_json_member_bool (GString *out, const gchar *name, gboolean value)
{
  fdnix_json_member (out, name);
  g_string_append (out, value ? "true" : "false");
}

/**
 * fdnix_json_member_int:
 * @out: a buffer inside an open object
 * @name: member name
 * @value: member value
 */
void
fdnix_json_member_int (GString *out, const gchar *name, gint64 value)
{
  fdnix_json_member (out, name);
  g_string_append_printf (out, "%" G_GINT64_FORMAT, value);
}

/**
 * fdnix_json_member_double:
 * @out: a buffer inside an open object
 * @name: member name
 * @value: member value, written with enough digits to read back exactly
 */
void
fdnix_json_member_double (GString *out, const gchar *name, gdouble value)
{
  gchar buf[G_ASCII_DTOSTR_BUF_SIZE];

  fdnix_json_member (out, name);
  g_string_append (out, g_ascii_dtostr (buf, sizeof buf, value));
}
