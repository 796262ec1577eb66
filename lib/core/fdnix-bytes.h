/* fdnix-bytes.h: word-at-a-time byte skipping for the JSON and text hot loops.
 *
 * Most of a package document is string bytes and indentation; testing eight
 * bytes per step for the few bytes that matter (quotes, backslashes,
 * brackets, controls) makes the splitter and the parser several times
 * faster than a byte loop, in portable C.  A word with a hit is then
 * scanned byte by byte, so the result never depends on byte order.
 *
 * Each fdnix_bytes_skip_to_*() returns the first byte of [p, end) that is one
 * of the bytes its name lists, or @end when there is none.
 */
#pragma once

#include <string.h>
#include <glib.h>

G_BEGIN_DECLS

#define FDNIX_BYTES_ONES  G_GUINT64_CONSTANT (0x0101010101010101)
#define FDNIX_BYTES_HIGHS G_GUINT64_CONSTANT (0x8080808080808080)

/* The skip loop takes its tests as function pointers; forcing it inline
 * turns them back into straight-line code in every caller. */
#if defined(__GNUC__)
#define FDNIX_BYTES_INLINE static inline __attribute__ ((always_inline))
#else
#define FDNIX_BYTES_INLINE static inline
#endif

/* Eight bytes from @p, whatever their alignment. */
FDNIX_BYTES_INLINE guint64
fdnix_bytes_load (const guchar *p)
{
  guint64 v;

  memcpy (&v, p, sizeof v);
  return v;
}

/* Non-zero when some byte of @v equals @c. */
FDNIX_BYTES_INLINE guint64
fdnix_bytes_has_byte (guint64 v, guchar c)
{
  guint64 x = v ^ (FDNIX_BYTES_ONES * c);

  return (x - FDNIX_BYTES_ONES) & ~x & FDNIX_BYTES_HIGHS;
}

/* Non-zero when some byte of @v is below @n (n <= 128). */
FDNIX_BYTES_INLINE guint64
fdnix_bytes_has_less (guint64 v, guchar n)
{
  return (v - FDNIX_BYTES_ONES * n) & ~v & FDNIX_BYTES_HIGHS;
}

/* The skip loop: @word_hits is non-zero for a word holding a byte that
 * @is_hit accepts.  On a little-endian GCC build the lowest set bit of the
 * mask is exact (a false positive only appears above a true one); elsewhere
 * the word is walked byte by byte. */
FDNIX_BYTES_INLINE const guchar *
fdnix_bytes_skip (const guchar *p, const guchar *end,
                  guint64 (*word_hits) (guint64 v),
                  gboolean (*is_hit) (guchar c))
{
  while (end - p >= 8)
    {
      guint64 mask = word_hits (fdnix_bytes_load (p));
      if (mask != 0)
        {
#if G_BYTE_ORDER == G_LITTLE_ENDIAN && defined(__GNUC__)
          return p + (__builtin_ctzll (mask) >> 3);
#else
          break;
#endif
        }
      p += 8;
    }
  while (p < end && !is_hit (*p))
    p++;
  return p;
}

/* '"' or '\\': the end of a string's plain run (escapes are not decoded). */
FDNIX_BYTES_INLINE gboolean
fdnix_bytes_is_quote_or_backslash (guchar c)
{
  return c == '"' || c == '\\';
}

FDNIX_BYTES_INLINE guint64
fdnix_bytes_word_has_quote_or_backslash (guint64 v)
{
  return fdnix_bytes_has_byte (v, '"') | fdnix_bytes_has_byte (v, '\\');
}

FDNIX_BYTES_INLINE const guchar *
fdnix_bytes_skip_to_quote_or_backslash (const guchar *p, const guchar *end)
{
  return fdnix_bytes_skip (p, end, fdnix_bytes_word_has_quote_or_backslash,
                           fdnix_bytes_is_quote_or_backslash);
}

/* '"', '\\' or a control character: what a JSON string cannot hold as it is. */
FDNIX_BYTES_INLINE gboolean
fdnix_bytes_is_string_special (guchar c)
{
  return c == '"' || c == '\\' || c < 0x20;
}

FDNIX_BYTES_INLINE guint64
fdnix_bytes_word_has_string_special (guint64 v)
{
  return fdnix_bytes_word_has_quote_or_backslash (v) | fdnix_bytes_has_less (v, 0x20);
}

FDNIX_BYTES_INLINE const guchar *
fdnix_bytes_skip_to_string_special (const guchar *p, const guchar *end)
{
  return fdnix_bytes_skip (p, end, fdnix_bytes_word_has_string_special,
                           fdnix_bytes_is_string_special);
}

/* '"', '{', '}', '[' or ']'.  Brackets are found with one test per pair:
 * c | 0x20 is 0x7b only for '{' and '[', and 0x7d only for '}' and ']'. */
FDNIX_BYTES_INLINE gboolean
fdnix_bytes_is_structural (guchar c)
{
  return c == '"' || c == '{' || c == '}' || c == '[' || c == ']';
}

FDNIX_BYTES_INLINE guint64
fdnix_bytes_word_has_structural (guint64 v)
{
  guint64 folded = v | (FDNIX_BYTES_ONES * 0x20);

  return fdnix_bytes_has_byte (v, '"') | fdnix_bytes_has_byte (folded, 0x7b) |
         fdnix_bytes_has_byte (folded, 0x7d);
}

FDNIX_BYTES_INLINE const guchar *
fdnix_bytes_skip_to_structural (const guchar *p, const guchar *end)
{
  return fdnix_bytes_skip (p, end, fdnix_bytes_word_has_structural,
                           fdnix_bytes_is_structural);
}

/* '"', '\\', a control character or a non-ASCII byte: what a JSON string
 * cannot hold as it is, or what may need UTF-8 repair. */
FDNIX_BYTES_INLINE gboolean
fdnix_bytes_is_string_special_or_non_ascii (guchar c)
{
  return c == '"' || c == '\\' || c < 0x20 || c >= 0x80;
}

FDNIX_BYTES_INLINE guint64
fdnix_bytes_word_has_string_special_or_non_ascii (guint64 v)
{
  return fdnix_bytes_word_has_string_special (v) | (v & FDNIX_BYTES_HIGHS);
}

FDNIX_BYTES_INLINE const guchar *
fdnix_bytes_skip_to_string_special_or_non_ascii (const guchar *p, const guchar *end)
{
  return fdnix_bytes_skip (p, end, fdnix_bytes_word_has_string_special_or_non_ascii,
                           fdnix_bytes_is_string_special_or_non_ascii);
}

/* A control character or a non-ASCII byte: what the normalizer must look
 * at before it can copy text as it is. */
FDNIX_BYTES_INLINE gboolean
fdnix_bytes_is_control_or_non_ascii (guchar c)
{
  return c < 0x20 || c >= 0x80;
}

FDNIX_BYTES_INLINE guint64
fdnix_bytes_word_has_control_or_non_ascii (guint64 v)
{
  return fdnix_bytes_has_less (v, 0x20) | (v & FDNIX_BYTES_HIGHS);
}

FDNIX_BYTES_INLINE const guchar *
fdnix_bytes_skip_to_control_or_non_ascii (const guchar *p, const guchar *end)
{
  return fdnix_bytes_skip (p, end, fdnix_bytes_word_has_control_or_non_ascii,
                           fdnix_bytes_is_control_or_non_ascii);
}

G_END_DECLS
