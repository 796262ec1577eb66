/* fdnix-log.h: the one GLib structured-log writer of the suite.
 *
 * Human text on a terminal, JSON lines elsewhere (CloudWatch, journald and
 * jq read them).  Logs go to stderr; stdout is reserved for data.  Every line
 * passes through a redactor, so a secret registered with
 * fdnix_log_add_secret() never reaches the output, whatever the caller
 * formatted into the message.
 */
#pragma once

#include <stdio.h>
#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  FDNIX_LOG_FORMAT_AUTO,  /* text on a terminal, JSON otherwise */
  FDNIX_LOG_FORMAT_TEXT,
  FDNIX_LOG_FORMAT_JSON,
} FdnixLogFormat;

void      fdnix_log_init          (const gchar    *program_name,
                                   FdnixLogFormat  format,
                                   gint            verbosity);
void      fdnix_log_set_format    (FdnixLogFormat  format);
void      fdnix_log_set_verbosity (gint            verbosity);
gint      fdnix_log_get_verbosity (void);
gboolean  fdnix_log_is_json       (void);
gboolean  fdnix_log_is_terminal   (void);
gboolean  fdnix_log_parse_format  (const gchar    *text,
                                   FdnixLogFormat *out_format,
                                   GError        **error);
void      fdnix_log_add_secret    (const gchar    *secret);
gchar    *fdnix_log_redact        (const gchar    *text);
void      fdnix_log_error_line    (const gchar    *message);
void      fdnix_log_set_stream    (FILE           *stream);
void      fdnix_log_lock          (void);
void      fdnix_log_unlock        (void);

G_END_DECLS
