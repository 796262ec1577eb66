/* vectors-check.h: what the vector readers promise, for the fuzzer and
 * the check suite. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

const gchar *vectors_check_input (const guint8 *data,
                                  gsize         size);

G_END_DECLS
