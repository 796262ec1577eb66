/* fdnix-json-scan.h: word-at-a-time byte scanning for the JSON hot loops.
 *
 * Most of a package document is string bytes and indentation; testing eight
 * bytes per step for the few bytes that matter (quotes, backslashes,
 * brackets, controls) makes the splitter and the parser several times
 * faster than a byte loop, in portable C.  A word with a hit is then
 * scanned byte by byte, so the result never depends on byte order.
 */
#pragma once

#include <string.h>
#include <glib.h>

G_BEGIN_DECLS

#define FDNIX_SCAN_ONES  G_GUINT64_CONSTANT (0x0101010101010101)
#define FDNIX_SCAN_HIGHS G_GUINT64_CONSTANT (0x8080808080808080)

static inline guint64
fdnix_scan_load (const guchar *p)
{
  guint64 v;

  memcpy (&v, p, sizeof v);
  return v;
}

/* The first byte of a word a non-zero hit mask (from the tests below)
 * points at.  The lowest set bit is exact: a false positive only appears
 * above a true one. */
static inline const guchar *
fdnix_scan_first (const guchar *p, guint64 mask, const guchar *end,
                  gboolean (*is_hit) (guchar c))
{
#if G_BYTE_ORDER == G_LITTLE_ENDIAN && defined(__GNUC__)
  return p + (__builtin_ctzll (mask) >> 3);
#else
  while (p < end && !is_hit (*p))
    p++;
  return p;
#endif
}

/* Non-zero when some byte of @v equals @c. */
static inline guint64
fdnix_scan_has_byte (guint64 v, guchar c)
{
  guint64 x = v ^ (FDNIX_SCAN_ONES * c);

  return (x - FDNIX_SCAN_ONES) & ~x & FDNIX_SCAN_HIGHS;
}

/* Non-zero when some byte of @v is below @n (n <= 128). */
static inline guint64
fdnix_scan_has_less (guint64 v, guchar n)
{
  return (v - FDNIX_SCAN_ONES * n) & ~v & FDNIX_SCAN_HIGHS;
}

/* Skips to the first '"' or '\\' (or @end). */
static inline gboolean
fdnix_scan_string_end_hit (guchar c)
{
  return c == '"' || c == '\\';
}

static inline const guchar *
fdnix_scan_string_end (const guchar *p, const guchar *end)
{
  while (end - p >= 8)
    {
      guint64 v = fdnix_scan_load (p);
      guint64 mask = fdnix_scan_has_byte (v, '"') | fdnix_scan_has_byte (v, '\\');
      if (mask != 0)
        return fdnix_scan_first (p, mask, end, fdnix_scan_string_end_hit);
      p += 8;
    }
  while (p < end && !fdnix_scan_string_end_hit (*p))
    p++;
  return p;
}

/* Skips to the first '"', '\\' or control character (or @end). */
static inline gboolean
fdnix_scan_string_special_hit (guchar c)
{
  return c == '"' || c == '\\' || c < 0x20;
}

static inline const guchar *
fdnix_scan_string_special (const guchar *p, const guchar *end)
{
  while (end - p >= 8)
    {
      guint64 v = fdnix_scan_load (p);
      guint64 mask = fdnix_scan_has_byte (v, '"') | fdnix_scan_has_byte (v, '\\') |
                     fdnix_scan_has_less (v, 0x20);
      if (mask != 0)
        return fdnix_scan_first (p, mask, end, fdnix_scan_string_special_hit);
      p += 8;
    }
  while (p < end && !fdnix_scan_string_special_hit (*p))
    p++;
  return p;
}

/* Skips to the first '"', '{', '}', '[' or ']' (or @end).  Brackets are
 * found with one test per pair: c | 0x20 is 0x7b only for '{' and '[', and
 * 0x7d only for '}' and ']'. */
static inline gboolean
fdnix_scan_structural_hit (guchar c)
{
  return c == '"' || c == '{' || c == '}' || c == '[' || c == ']';
}

static inline const guchar *
fdnix_scan_structural (const guchar *p, const guchar *end)
{
  while (end - p >= 8)
    {
      guint64 v = fdnix_scan_load (p);
      guint64 mask = fdnix_scan_has_byte (v, '"') |
                     fdnix_scan_has_byte (v | (FDNIX_SCAN_ONES * 0x20), 0x7b) |
                     fdnix_scan_has_byte (v | (FDNIX_SCAN_ONES * 0x20), 0x7d);
      if (mask != 0)
        return fdnix_scan_first (p, mask, end, fdnix_scan_structural_hit);
      p += 8;
    }
  while (p < end && !fdnix_scan_structural_hit (*p))
    p++;
  return p;
}

/* Skips to the first byte that a JSON string cannot hold as it is or that
 * may need repair: '"', '\\', controls and non-ASCII (or @end). */
static inline gboolean
fdnix_scan_plain_ascii_hit (guchar c)
{
  return c == '"' || c == '\\' || c < 0x20 || c >= 0x80;
}

static inline const guchar *
fdnix_scan_plain_ascii (const guchar *p, const guchar *end)
{
  while (end - p >= 8)
    {
      guint64 v = fdnix_scan_load (p);
      guint64 mask = fdnix_scan_has_byte (v, '"') | fdnix_scan_has_byte (v, '\\') |
                     fdnix_scan_has_less (v, 0x20) | (v & FDNIX_SCAN_HIGHS);
      if (mask != 0)
        return fdnix_scan_first (p, mask, end, fdnix_scan_plain_ascii_hit);
      p += 8;
    }
  while (p < end && !fdnix_scan_plain_ascii_hit (*p))
    p++;
  return p;
}

/* Skips to the first control character or non-ASCII byte (or @end): what
 * the normalizer must look at before it can copy text as it is. */
static inline gboolean
fdnix_scan_text_special_hit (guchar c)
{
  return c < 0x20 || c >= 0x80;
}

static inline const guchar *
fdnix_scan_text_special (const guchar *p, const guchar *end)
{
  while (end - p >= 8)
    {
      guint64 v = fdnix_scan_load (p);
      guint64 mask = fdnix_scan_has_less (v, 0x20) | (v & FDNIX_SCAN_HIGHS);
      if (mask != 0)
        return fdnix_scan_first (p, mask, end, fdnix_scan_text_special_hit);
      p += 8;
    }
  while (p < end && !fdnix_scan_text_special_hit (*p))
    p++;
  return p;
}

G_END_DECLS
