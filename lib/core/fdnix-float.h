/* fdnix-float.h: float32 numbers as JSON text, and back.
 *
 * Vectors are float32; their JSON text (vector files, anything that writes
 * a vector) is the shortest decimal of 6 to 9 significant digits that reads
 * back as the same float32, so a vector read and written again is
 * byte-identical, and the parser reads services' and files' numbers as a
 * correctly rounding strtod followed by a cast would, only faster.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* room for the longest text fdnix_float_format() writes, NUL included */
#define FDNIX_FLOAT_TEXT_MAX 24

gsize  fdnix_float_format (gfloat       value,
                           gchar        out[FDNIX_FLOAT_TEXT_MAX]);
void   fdnix_float_append (GString     *out,
                           gfloat       value);
gfloat fdnix_float_parse  (const gchar *text,
                           gsize        length);

G_END_DECLS
