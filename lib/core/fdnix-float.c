/* fdnix-float.c: float32 numbers as short JSON text, and back. */
#include "config.h"

#include <math.h>
#include <string.h>

#include "core/fdnix-float.h"

static const gdouble pow10_exact[] = {
  1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
  1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
};

/* m × 10^-k in double when both are exact (one correctly rounded
 * operation, as strtod would give); FALSE when that is not possible. */
static gboolean
scale_exact (guint64 m, gint k, gdouble *out)
{
  if (m > (G_GUINT64_CONSTANT (1) << 53) || k > 22 || k < -22)
    return FALSE;
  *out = k >= 0 ? (gdouble) m / pow10_exact[k] : (gdouble) m * pow10_exact[-k];
  return TRUE;
}

/* Powers of ten from 1e-64 to 1e64 as doubles: exact up to 1e22, which is
 * where scale_exact() needs them; elsewhere only used to estimate. */
#define POW10_MIN (-64)
#define POW10_MAX 64
static gdouble pow10_table[POW10_MAX - POW10_MIN + 1];

static gpointer
init_pow10 (gpointer data)
{
  for (gint i = POW10_MIN; i <= POW10_MAX; i++)
    pow10_table[i - POW10_MIN] = i >= 0 && i <= 22 ? pow10_exact[i] : pow (10.0, i);
  return NULL;
}

static inline gdouble
pow10_of (gint i)
{
  return pow10_table[CLAMP (i, POW10_MIN, POW10_MAX) - POW10_MIN];
}

static gsize
write_decimal (gboolean negative, guint64 m, gint k, gchar *out)
{
  gchar digits[24];
  gsize n = 0, pos = 0;
  gint point;

  while (m != 0 && m % 10 == 0)
    {
      m /= 10;
      k--;
    }
  /* the digits of m, most significant first */
  do
    {
      digits[sizeof digits - 1 - n++] = (gchar) ('0' + m % 10);
      m /= 10;
    }
  while (m != 0);
  memmove (digits, digits + sizeof digits - n, n);
  if (negative)
    out[pos++] = '-';
  point = (gint) n - k;  /* digits before the decimal point */
  if (point > 9 || point < -3)
    {
      /* d.ddde±x */
      out[pos++] = digits[0];
      if (n > 1)
        {
          out[pos++] = '.';
          memcpy (out + pos, digits + 1, n - 1);
          pos += n - 1;
        }
      pos += (gsize) g_snprintf (out + pos, FDNIX_FLOAT_TEXT_MAX - pos, "e%d", point - 1);
      return pos;
    }
  if (point <= 0)
    {
      out[pos++] = '0';
      out[pos++] = '.';
      for (gint i = point; i < 0; i++)
        out[pos++] = '0';
      memcpy (out + pos, digits, n);
      pos += n;
    }
  else if ((gsize) point >= n)
    {
      memcpy (out + pos, digits, n);
      pos += n;
      for (gsize i = n; i < (gsize) point; i++)
        out[pos++] = '0';
    }
  else
    {
      memcpy (out + pos, digits, point);
      pos += point;
      out[pos++] = '.';
      memcpy (out + pos, digits + point, n - point);
      pos += n - point;
    }
  out[pos] = '\0';
  return pos;
}

static gboolean
reads_back (gboolean negative, guint64 m, gint k, gfloat value, gchar *out, gsize *out_length)
{
  gdouble back;

  if (scale_exact (m, k, &back))
    {
      if ((gfloat) back != fabsf (value))
        return FALSE;
      *out_length = write_decimal (negative, m, k, out);
      return TRUE;
    }
  /* outside the exact range (tiny or huge numbers): ask strtod */
  *out_length = write_decimal (negative, m, k, out);
  return (gfloat) g_ascii_strtod (out, NULL) == value;
}

/**
 * fdnix_float_format:
 * @value: a float
 * @out: room for FDNIX_FLOAT_TEXT_MAX characters
 *
 * Writes the shortest decimal of 6 to 9 significant digits that
 * fdnix_float_parse() (and any correctly rounding parser followed by a
 * cast to float32) reads back as @value.  Not-a-number and infinities,
 * which no embedder may return, are written as 0.
 *
 * Returns: the length written (NUL-terminated).
 */
gsize
fdnix_float_format (gfloat value, gchar out[FDNIX_FLOAT_TEXT_MAX])
{
  static GOnce once = G_ONCE_INIT;
  gdouble d = fabs ((gdouble) value);
  gboolean negative = value < 0;
  guint64 m9;
  gint e, e2, k9;
  gsize length;

  if (!isfinite (value) || value == 0)
    {
      out[0] = '0';
      out[1] = '\0';
      return 1;
    }
  g_once (&once, init_pow10, NULL);
  /* e: the decimal exponent of the leading digit, from the binary one */
  frexp (d, &e2);
  e = (gint) floor ((e2 - 1) * 0.30102999566398120);
  while (d >= pow10_of (e + 1))
    e++;
  while (d < pow10_of (e))
    e--;
  /* nine significant digits always read back as the same float32 ... */
  k9 = 8 - e;
  m9 = (guint64) llround (k9 >= 0 ? d * pow10_of (k9) : d / pow10_of (-k9));
  if (m9 >= G_GUINT64_CONSTANT (1000000000))
    {
      k9--;
      m9 = (m9 + 5) / 10;
    }
  /* ... but fewer often do (services send 6 or 7) */
  for (gint p = 6; p <= 8; p++)
    {
      guint64 divisor = (guint64) pow10_exact[9 - p];
      guint64 m = (m9 + divisor / 2) / divisor;

      if (reads_back (negative, m, k9 - (9 - p), value, out, &length))
        return length;
    }
  return write_decimal (negative, m9, k9, out);
}

/**
 * fdnix_float_append:
 * @out: a buffer
 * @value: a float
 *
 * Appends @value as fdnix_float_format() writes it.
 */
void
fdnix_float_append (GString *out, gfloat value)
{
  gchar number[FDNIX_FLOAT_TEXT_MAX];
  gsize n = fdnix_float_format (value, number);

  g_string_append_len (out, number, n);
}

/**
 * fdnix_float_parse:
 * @text: a JSON number
 * @length: its length
 *
 * Returns: the number as float32 (through double, as strtod then a cast).
 */
gfloat
fdnix_float_parse (const gchar *text, gsize length)
{
  const gchar *p = text;
  const gchar *end = text + length;
  gboolean negative = FALSE;
  guint64 m = 0;
  gint k = 0;
  gint digits = 0;
  gdouble value;

  if (p < end && *p == '-')
    {
      negative = TRUE;
      p++;
    }
  for (; p < end && g_ascii_isdigit (*p); p++, digits++)
    m = m * 10 + (guint64) (*p - '0');
  if (p < end && *p == '.')
    for (p++; p < end && g_ascii_isdigit (*p); p++, digits++, k++)
      m = m * 10 + (guint64) (*p - '0');
  if (p < end && (*p == 'e' || *p == 'E'))
    {
      gboolean exp_negative = FALSE;
      gint exp = 0;

      p++;
      if (p < end && (*p == '+' || *p == '-'))
        exp_negative = *p++ == '-';
      for (; p < end && g_ascii_isdigit (*p) && exp < 10000; p++)
        exp = exp * 10 + (*p - '0');
      k += exp_negative ? exp : -exp;
    }
  if (digits > 19 || p != end || !scale_exact (m, k, &value))
    {
      g_autofree gchar *copy = g_strndup (text, length);

      return (gfloat) g_ascii_strtod (copy, NULL);
    }
  return (gfloat) (negative ? -value : value);
}
