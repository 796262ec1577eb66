/* fdnix-progress.h: progress for long phases.
 *
 * On a terminal: one redrawn line with a bar (when the total is known), the
 * item rate and an ETA.  Elsewhere (a Fargate task, a pipe): a log line every
 * few seconds, so CloudWatch shows the run is alive without flooding.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _FdnixProgress FdnixProgress;

void           fdnix_progress_set_interval (gdouble         seconds);
FdnixProgress *fdnix_progress_new          (const gchar    *label,
                                            const gchar    *unit,
                                            guint64         total);
void           fdnix_progress_set_total    (FdnixProgress  *self,
                                            guint64         total);
void           fdnix_progress_update       (FdnixProgress  *self,
                                            guint64         position,
                                            guint64         items);
void           fdnix_progress_finish       (FdnixProgress  *self);
void           fdnix_progress_free         (FdnixProgress  *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdnixProgress, fdnix_progress_free)

G_END_DECLS
