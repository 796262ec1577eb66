/* fdnix-summary.h: the run summary (counts, durations, retries, status).
 *
 * Step Functions and the tests read it as one JSON object.  Counters are
 * thread-safe; a name "group.item" lands under "group" in the JSON (e.g.
 * "retries.dynamodb"), a plain name under "counts".
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _FdnixSummary FdnixSummary;

FdnixSummary *fdnix_summary_new          (const gchar   *program);
void          fdnix_summary_free         (FdnixSummary  *self);
FdnixSummary *fdnix_summary_get_default  (void);
void          fdnix_summary_set_default  (FdnixSummary  *summary);
void          fdnix_summary_add          (FdnixSummary  *self,
                                          const gchar   *counter,
                                          gint64         delta);
gint64        fdnix_summary_get          (FdnixSummary  *self,
                                          const gchar   *counter);
void          fdnix_summary_set_info     (FdnixSummary  *self,
                                          const gchar   *name,
                                          const gchar   *value);
void          fdnix_summary_phase_begin  (FdnixSummary  *self,
                                          const gchar   *phase);
void          fdnix_summary_phase_end    (FdnixSummary  *self,
                                          const gchar   *phase);
gchar        *fdnix_summary_to_json      (FdnixSummary  *self,
                                          gint           exit_status,
                                          const GError  *error);
gboolean      fdnix_summary_write        (FdnixSummary  *self,
                                          const gchar   *path,
                                          gint           exit_status,
                                          const GError  *run_error,
                                          GError       **error);

/* Counts into the process-wide summary, if a program installed one. */
#define fdnix_count(counter, delta) \
  fdnix_summary_add (fdnix_summary_get_default (), (counter), (delta))

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdnixSummary, fdnix_summary_free)

G_END_DECLS
