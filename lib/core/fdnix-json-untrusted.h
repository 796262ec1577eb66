/* fdnix-json-untrusted.h: the one way to parse JSON that came from a
 * network peer or a bucket.
 *
 * json-glib recurses once per nesting level, so a document nested a few
 * hundred thousand deep (an error body, an index someone tampered with)
 * overflows the stack.  Everything read from outside goes through
 * fdnix_json_parse_untrusted(), which refuses such nesting and oversized
 * text before json-glib sees it.
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Deeper than anything fdnix reads (the index and DynamoDB items nest a
 * handful of levels), far shallower than what exhausts a thread's stack. */
#define FDNIX_JSON_UNTRUSTED_MAX_DEPTH 64

gboolean  fdnix_json_check_depth     (const gchar  *data,
                                      gsize         length,
                                      guint         max_depth,
                                      gsize        *out_position);
JsonNode *fdnix_json_parse_untrusted (const gchar  *data,
                                      gsize         length,
                                      const gchar  *what,
                                      GError      **error);
JsonObject *fdnix_json_parse_untrusted_object (const gchar  *data,
                                               gsize         length,
                                               const gchar  *what,
                                               GError      **error);

G_END_DECLS
