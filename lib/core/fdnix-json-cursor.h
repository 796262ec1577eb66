/* fdnix-json-cursor.h: a pull reader over JSON text already in memory.
 *
 * Vector files hold hundreds of thousands of numbers; a json-glib tree
 * spends ~60 bytes of nodes per number.  This cursor walks the text and
 * hands out members, strings and number spans without building anything,
 * so a file's floats go straight into one block.  It reads any valid JSON
 * (whitespace, member order, unknown members are skipped), which matters
 * for files written by other tools.
 *
 * Loops look like:
 *   begin_object (c, error);
 *   while (next_member (c, &key, error)) { ...read or skip the value... }
 *   if (c->failed) return FALSE;
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define FDNIX_JSON_CURSOR_MAX_DEPTH 64

typedef struct {
  const gchar *start;
  const gchar *p;
  const gchar *end;
  gint         depth;
  gboolean     first[FDNIX_JSON_CURSOR_MAX_DEPTH];
  gboolean     failed;
} FdnixJsonCursor;

void     fdnix_json_cursor_init          (FdnixJsonCursor *c,
                                          const gchar     *text,
                                          gsize            length);
gchar    fdnix_json_cursor_peek          (FdnixJsonCursor *c);
gboolean fdnix_json_cursor_begin_object  (FdnixJsonCursor *c,
                                          GError         **error);
gboolean fdnix_json_cursor_next_member   (FdnixJsonCursor *c,
                                          gchar          **out_key,
                                          GError         **error);
gboolean fdnix_json_cursor_begin_array   (FdnixJsonCursor *c,
                                          GError         **error);
gboolean fdnix_json_cursor_next_element  (FdnixJsonCursor *c,
                                          GError         **error);
gboolean fdnix_json_cursor_string        (FdnixJsonCursor *c,
                                          gchar          **out_string,
                                          GError         **error);
gboolean fdnix_json_cursor_number        (FdnixJsonCursor *c,
                                          const gchar    **out_text,
                                          gsize           *out_length,
                                          GError         **error);
gboolean fdnix_json_cursor_int           (FdnixJsonCursor *c,
                                          gint64          *out_value,
                                          GError         **error);
gboolean fdnix_json_cursor_skip          (FdnixJsonCursor *c,
                                          GError         **error);
gboolean fdnix_json_cursor_end           (FdnixJsonCursor *c,
                                          GError         **error);
gboolean fdnix_json_cursor_fail          (FdnixJsonCursor *c,
                                          const gchar     *message,
                                          GError         **error);

G_END_DECLS
