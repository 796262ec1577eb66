/* fdnix-serve-params.c: strict query-string decoding and the caps. */
#include "config.h"

#include <string.h>

#include "core/fdnix-error.h"
#include "serve/fdnix-serve-params.h"

/**
 * fdnix_serve_decode_component:
 * @text: an encoded name or value of a query string
 * @length: bytes of @text, or -1 for NUL-terminated
 * @plus_is_space: TRUE in a query string, FALSE in a path
 * @error: return location for FDNIX_ERROR_INVALID_DATA
 *
 * Decodes %XX (and '+' as a space, if asked); refuses a '%' without two hex digits, bytes that
 * are not UTF-8, and NUL or other control characters.
 *
 * Returns: (transfer full) (nullable): the decoded text.
 */
gchar *
fdnix_serve_decode_component (const gchar *text, gssize length, gboolean plus_is_space, GError **error)
{
  gsize n = length < 0 ? strlen (text) : (gsize) length;
  g_autoptr(GString) out = g_string_sized_new (n);

  for (gsize i = 0; i < n; i++)
    {
      guchar c = (guchar) text[i];

      if (c == '+' && plus_is_space)
        c = ' ';
      else if (c == '%')
        {
          gint hi, lo;

          if (i + 2 >= n)
            hi = lo = -1;
          else
            {
              hi = g_ascii_xdigit_value (text[i + 1]);
              lo = hi < 0 ? -1 : g_ascii_xdigit_value (text[i + 2]);
            }
          if (hi < 0 || lo < 0)
            {
              g_set_error_literal (error, FDNIX_ERROR, FDNIX_ERROR_INVALID_DATA,
                                   "a '%' not followed by two hex digits");
              return NULL;
            }
          c = (guchar) (hi * 16 + lo);
          i += 2;
        }
      if (c < 0x20 || c == 0x7f)
        {
          g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_INVALID_DATA, "a control character (0x%02x)", c);
          return NULL;
        }
      g_string_append_c (out, (gchar) c);
    }
  if (!g_utf8_validate (out->str, out->len, NULL))
    {
      g_set_error_literal (error, FDNIX_ERROR, FDNIX_ERROR_INVALID_DATA, "not UTF-8");
      return NULL;
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/**
 * fdnix_serve_parse_query:
 * @query_string: (nullable): what follows '?', encoded
 * @error: return location for FDNIX_ERROR_INVALID_DATA
 *
 * A name given twice keeps its last value.  At most
 * FDNIX_SERVE_MAX_PARAMS parameters and FDNIX_SERVE_MAX_QUERY_STRING bytes.
 *
 * Returns: (transfer full) (nullable): name → value.
 */
GHashTable *
fdnix_serve_parse_query (const gchar *query_string, GError **error)
{
  g_autoptr(GHashTable) params = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  const gchar *p = query_string != NULL ? query_string : "";
  guint count = 0;

  if (strlen (p) > FDNIX_SERVE_MAX_QUERY_STRING)
    {
      g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_INVALID_DATA,
                   "the query string is longer than %d bytes", FDNIX_SERVE_MAX_QUERY_STRING);
      return NULL;
    }
  while (*p != '\0')
    {
      const gchar *end = strchr (p, '&');
      const gchar *eq;
      gsize length = end != NULL ? (gsize) (end - p) : strlen (p);
      g_autofree gchar *name = NULL;
      g_autofree gchar *value = NULL;

      eq = memchr (p, '=', length);
      if (length > 0)
        {
          if (++count > FDNIX_SERVE_MAX_PARAMS)
            {
              g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_INVALID_DATA,
                           "more than %d parameters", FDNIX_SERVE_MAX_PARAMS);
              return NULL;
            }
          name = fdnix_serve_decode_component (p, eq != NULL ? eq - p : (gssize) length, TRUE, error);
          if (name == NULL)
            return NULL;
          value = eq != NULL ? fdnix_serve_decode_component (eq + 1, p + length - eq - 1, TRUE, error)
                             : g_strdup ("");
          if (value == NULL)
            {
              g_prefix_error (error, "%s: ", name);
              return NULL;
            }
          g_hash_table_replace (params, g_steal_pointer (&name), g_steal_pointer (&value));
        }
      p += length;
      if (*p == '&')
        p++;
    }
  return g_steal_pointer (&params);
}

static gboolean
parse_count (GHashTable *params, const gchar *name, guint fallback, guint max, guint *out, GError **error)
{
  const gchar *text = g_hash_table_lookup (params, name);
  guint64 value = 0;

  if (text == NULL || *text == '\0')
    {
      *out = fallback;
      return TRUE;
    }
  for (const gchar *c = text; *c != '\0'; c++)
    {
      if (!g_ascii_isdigit (*c))
        {
          g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_INVALID_DATA, "%s: not a number", name);
          return FALSE;
        }
      value = value * 10 + (guint64) (*c - '0');
      if (value > max)
        {
          g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_INVALID_DATA, "%s: at most %u", name, max);
          return FALSE;
        }
    }
  *out = (guint) value;
  return TRUE;
}

static gboolean
parse_flag (GHashTable *params, const gchar *name, gboolean *out, GError **error)
{
  const gchar *text = g_hash_table_lookup (params, name);
  static const gchar *const yes[] = { "1", "true", "on", "yes", NULL };
  static const gchar *const no[] = { "", "0", "false", "off", "no", NULL };

  *out = FALSE;
  if (text == NULL || g_strv_contains (no, text))
    return TRUE;
  if (g_strv_contains (yes, text))
    {
      *out = TRUE;
      return TRUE;
    }
  g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_INVALID_DATA, "%s: not 1, true, on, 0, false or off", name);
  return FALSE;
}

/* A filter's value: stripped, NULL when empty. */
static gboolean
parse_filter (GHashTable *params, const gchar *name, gchar **out, GError **error)
{
  const gchar *text = g_hash_table_lookup (params, name);
  g_autofree gchar *value = g_strstrip (g_strdup (text != NULL ? text : ""));

  *out = NULL;
  if (strlen (value) > FDNIX_SERVE_MAX_FILTER)
    {
      g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_INVALID_DATA, "%s: longer than %d bytes", name,
                   FDNIX_SERVE_MAX_FILTER);
      return FALSE;
    }
  if (*value != '\0')
    *out = g_steal_pointer (&value);
  return TRUE;
}

/**
 * fdnix_serve_params_parse:
 * @query_string: (nullable): what follows '?', encoded
 * @out_params: (out caller-allocates): the request; clear it with
 *   fdnix_serve_params_clear() whatever this returns
 * @error: return location for FDNIX_ERROR_INVALID_DATA, whose message
 *   says which parameter and why (it is sent back to the client)
 *
 * Reads q, limit, offset, license, platform, set, include_broken and
 * explain.  A missing q is "": the caller decides whether that is valid.
 *
 * Returns: TRUE when every parameter is within its caps.
 */
gboolean
fdnix_serve_params_parse (const gchar *query_string, FdnixServeParams *out_params, GError **error)
{
  g_autoptr(GHashTable) params = NULL;
  const gchar *q;

  memset (out_params, 0, sizeof *out_params);
  out_params->q = g_strdup ("");
  out_params->limit = FDNIX_SERVE_DEFAULT_LIMIT;
  params = fdnix_serve_parse_query (query_string, error);
  if (params == NULL)
    return FALSE;
  q = g_hash_table_lookup (params, "q");
  if (q != NULL)
    {
      g_free (out_params->q);
      out_params->q = g_strstrip (g_strdup (q));
      if (strlen (out_params->q) > FDNIX_SERVE_MAX_QUERY)
        {
          g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_INVALID_DATA, "q: longer than %d bytes",
                       FDNIX_SERVE_MAX_QUERY);
          return FALSE;
        }
    }
  if (!parse_count (params, "limit", FDNIX_SERVE_DEFAULT_LIMIT, FDNIX_SERVE_MAX_LIMIT, &out_params->limit, error) ||
      !parse_count (params, "offset", 0, FDNIX_SERVE_MAX_OFFSET, &out_params->offset, error) ||
      !parse_flag (params, "include_broken", &out_params->include_broken, error) ||
      !parse_flag (params, "explain", &out_params->explain, error) ||
      !parse_filter (params, "license", &out_params->license, error) ||
      !parse_filter (params, "platform", &out_params->platform, error) ||
      !parse_filter (params, "set", &out_params->set, error))
    return FALSE;
  if (out_params->limit == 0)
    {
      g_set_error_literal (error, FDNIX_ERROR, FDNIX_ERROR_INVALID_DATA, "limit: at least 1");
      return FALSE;
    }
  return TRUE;
}

/**
 * fdnix_serve_params_clear:
 * @params: parameters filled by fdnix_serve_params_parse()
 */
void
fdnix_serve_params_clear (FdnixServeParams *params)
{
  g_clear_pointer (&params->q, g_free);
  g_clear_pointer (&params->license, g_free);
  g_clear_pointer (&params->platform, g_free);
  g_clear_pointer (&params->set, g_free);
}

/**
 * fdnix_serve_append_encoded:
 * @out: a buffer
 * @text: a name or value
 *
 * Appends @text encoded for a query string: unreserved bytes as they are,
 * everything else as %XX.
 */
void
fdnix_serve_append_encoded (GString *out, const gchar *text)
{
  for (const guchar *p = (const guchar *) text; *p != '\0'; p++)
    {
      if (g_ascii_isalnum (*p) || strchr ("-._~", *p) != NULL)
        g_string_append_c (out, (gchar) *p);
      else
        g_string_append_printf (out, "%%%02X", *p);
    }
}
