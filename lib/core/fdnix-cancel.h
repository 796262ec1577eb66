/* fdnix-cancel.h: stop cleanly on SIGINT/SIGTERM.
 *
 * ECS stops a task with SIGTERM and waits before SIGKILL; a laptop user
 * presses ^C.  The first signal asks long loops to stop at the next safe
 * point (they roll back or leave a state a rerun converges from); a second
 * one kills the process at once.  Every sleep goes through
 * fdnix_cancel_sleep(), which a stop signal ends at once.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

void     fdnix_cancel_install_handlers (void);
gboolean fdnix_cancel_requested        (void);
void     fdnix_cancel_request          (void);
gboolean fdnix_cancel_check            (GError **error);
gboolean fdnix_cancel_sleep            (guint    milliseconds,
                                        GError **error);

G_END_DECLS
