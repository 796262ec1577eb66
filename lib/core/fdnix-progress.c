/* fdnix-progress.c: terminal bar or periodic log line. */
#include "config.h"

#include <stdio.h>

#include "core/fdnix-log.h"
#include "core/fdnix-progress.h"

#define BAR_WIDTH 24
#define TERMINAL_REDRAW_US (100 * 1000)

static gdouble log_interval_s = 5.0;

struct _FdnixProgress {
  gchar    *label;
  gchar    *unit;       /* what items are: "packages", "vectors" */
  guint64   total;      /* in position units; 0 when unknown */
  guint64   position;   /* bytes read, items done, ...: drives the bar */
  guint64   items;
  gint64    started_us;
  gint64    last_us;
  gboolean  terminal;
  gboolean  drawn;
  gboolean  finished;
};

/**
 * fdnix_progress_set_interval:
 * @seconds: time between progress log lines when not on a terminal
 */
void
fdnix_progress_set_interval (gdouble seconds)
{
  log_interval_s = seconds > 0 ? seconds : 5.0;
}

/**
 * fdnix_progress_new:
 * @label: what is happening ("reading", "embedding")
 * @unit: what the items are ("packages")
 * @total: the final position, or 0 when unknown
 *
 * Returns: (transfer full): a progress reporter.
 */
FdnixProgress *
fdnix_progress_new (const gchar *label, const gchar *unit, guint64 total)
{
  FdnixProgress *self = g_new0 (FdnixProgress, 1);

  self->label = g_strdup (label);
  self->unit = g_strdup (unit);
  self->total = total;
  self->started_us = self->last_us = g_get_monotonic_time ();
  self->terminal = fdnix_log_is_terminal () && !fdnix_log_is_json ();
  return self;
}

/**
 * fdnix_progress_set_total:
 * @self: a progress reporter
 * @total: the final position, or 0 when unknown
 */
void
fdnix_progress_set_total (FdnixProgress *self, guint64 total)
{
  self->total = total;
}

static gchar *
format_eta (gdouble seconds)
{
  if (seconds < 0 || seconds > 99 * 3600)
    return g_strdup ("--:--");
  if (seconds >= 3600)
    return g_strdup_printf ("%d:%02d:%02d", (gint) seconds / 3600,
                            ((gint) seconds / 60) % 60, (gint) seconds % 60);
  return g_strdup_printf ("%02d:%02d", (gint) seconds / 60, (gint) seconds % 60);
}

static void
report (FdnixProgress *self, gint64 now, gboolean final)
{
  gdouble elapsed = (now - self->started_us) / (gdouble) G_USEC_PER_SEC;
  gdouble rate = elapsed > 0 ? self->items / elapsed : 0;
  gdouble fraction = self->total > 0 ? MIN (1.0, (gdouble) self->position / self->total) : -1;
  gdouble eta = fraction > 0 ? elapsed / fraction - elapsed : -1;
  g_autofree gchar *eta_text = format_eta (final ? 0 : eta);

  if (self->terminal)
    {
      g_autoptr(GString) line = g_string_new (NULL);

      g_string_append_printf (line, "\r%s ", self->label);
      if (fraction >= 0)
        {
          gint filled = (gint) (fraction * BAR_WIDTH);
          g_string_append_c (line, '[');
          for (gint i = 0; i < BAR_WIDTH; i++)
            g_string_append_c (line, i < filled ? '#' : '.');
          g_string_append_printf (line, "] %3.0f%% ", fraction * 100);
        }
      g_string_append_printf (line, "%" G_GUINT64_FORMAT " %s, %.0f/s", self->items, self->unit, rate);
      if (fraction >= 0)
        g_string_append_printf (line, ", ETA %s", eta_text);
      g_string_append (line, "\033[K");
      if (final)
        g_string_append_c (line, '\n');
      fdnix_log_lock ();
      fputs (line->str, stderr);
      fflush (stderr);
      fdnix_log_unlock ();
      self->drawn = !final;
    }
  else if (fraction >= 0)
    g_message ("%s: %" G_GUINT64_FORMAT " %s (%.0f%%), %.0f/s, ETA %s",
               self->label, self->items, self->unit, fraction * 100, rate, eta_text);
  else
    g_message ("%s: %" G_GUINT64_FORMAT " %s, %.0f/s", self->label, self->items, self->unit, rate);
}

/**
 * fdnix_progress_update:
 * @self: a progress reporter
 * @position: current position against the total
 * @items: items done so far
 *
 * Cheap to call per item: it only draws when a redraw is due.
 */
void
fdnix_progress_update (FdnixProgress *self, guint64 position, guint64 items)
{
  gint64 now;
  gint64 due;

  self->position = position;
  self->items = items;
  now = g_get_monotonic_time ();
  due = self->terminal ? TERMINAL_REDRAW_US : (gint64) (log_interval_s * G_USEC_PER_SEC);
  if (now - self->last_us < due)
    return;
  self->last_us = now;
  report (self, now, FALSE);
}

/**
 * fdnix_progress_finish:
 * @self: a progress reporter
 *
 * Draws the final state on a terminal (ending the line); elsewhere nothing,
 * because the run summary says the rest.
 */
void
fdnix_progress_finish (FdnixProgress *self)
{
  if (self->finished)
    return;
  self->finished = TRUE;
  if (self->terminal)
    report (self, g_get_monotonic_time (), TRUE);
}

/**
 * fdnix_progress_free:
 * @self: (transfer full) (nullable): a progress reporter
 *
 * Ends a half-drawn terminal line so the next message starts cleanly.
 */
void
fdnix_progress_free (FdnixProgress *self)
{
  if (self == NULL)
    return;
  if (self->terminal && self->drawn)
    {
      fdnix_log_lock ();
      fputs ("\n", stderr);
      fdnix_log_unlock ();
    }
  g_free (self->label);
  g_free (self->unit);
  g_free (self);
}
