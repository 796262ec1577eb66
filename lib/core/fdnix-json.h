/* fdnix-json.h: fast JSON text writing into a GString.
 *
 * json-glib builds a tree first; on the hot paths (a record per package, a
 * log line) that costs more than the rest of the work, so those paths write
 * JSON text directly with these helpers.  Members and elements insert their
 * own separating comma, so callers only open and close containers.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

void fdnix_json_append_string     (GString     *out,
                                   const gchar *text);
void fdnix_json_append_string_len (GString     *out,
                                   const gchar *text,
                                   gsize        length);
void fdnix_json_element           (GString     *out);
void fdnix_json_member            (GString     *out,
                                   const gchar *name);
void fdnix_json_member_string     (GString     *out,
                                   const gchar *name,
                                   const gchar *value);
void fdnix_json_member_bool       (GString     *out,
                                   const gchar *name,
                                   gboolean     value);
void fdnix_json_member_int        (GString     *out,
                                   const gchar *name,
                                   gint64       value);
void fdnix_json_member_double     (GString     *out,
                                   const gchar *name,
                                   gdouble      value);

G_END_DECLS
