/* fdnix-summary.c: run summary as JSON. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/fdnix-error.h"
#include "core/fdnix-json.h"
#include "core/fdnix-log.h"
#include "core/fdnix-summary.h"

struct _FdnixSummary {
  GMutex      mutex;
  gchar      *program;
  gint64      started_us;      /* monotonic */
  GDateTime  *started_at;      /* wall clock, for the record */
  GHashTable *counters;        /* name → gint64* */
  GPtrArray  *counter_order;   /* names, first-use order */
  GHashTable *info;            /* name → string */
  GHashTable *phase_started;   /* phase → gint64 µs */
  GHashTable *phase_seconds;   /* phase → gdouble* (accumulated) */
  GPtrArray  *phase_order;
};

static FdnixSummary *default_summary;

/**
 * fdnix_summary_new:
 * @program: the program name recorded in the summary
 *
 * Returns: (transfer full): a summary whose clock starts now.
 */
FdnixSummary *
fdnix_summary_new (const gchar *program)
{
  FdnixSummary *self = g_new0 (FdnixSummary, 1);

  g_mutex_init (&self->mutex);
  self->program = g_strdup (program);
  self->started_us = g_get_monotonic_time ();
  self->started_at = g_date_time_new_now_utc ();
  self->counters = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->counter_order = g_ptr_array_new ();
  self->info = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->phase_started = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->phase_seconds = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->phase_order = g_ptr_array_new_with_free_func (g_free);
  return self;
}

/**
 * fdnix_summary_free:
 * @self: (transfer full) (nullable): a summary
 */
void
fdnix_summary_free (FdnixSummary *self)
{
  if (self == NULL)
    return;
  if (default_summary == self)
    default_summary = NULL;
  g_mutex_clear (&self->mutex);
  g_free (self->program);
  g_date_time_unref (self->started_at);
  g_hash_table_unref (self->counters);
  g_ptr_array_unref (self->counter_order);
  g_hash_table_unref (self->info);
  g_hash_table_unref (self->phase_started);
  g_hash_table_unref (self->phase_seconds);
  g_ptr_array_unref (self->phase_order);
  g_free (self);
}

/**
 * fdnix_summary_get_default:
 *
 * Returns: (nullable) (transfer none): the summary of the running program.
 */
FdnixSummary *
fdnix_summary_get_default (void)
{
  return default_summary;
}

/**
 * fdnix_summary_set_default:
 * @summary: (nullable): the summary that library code counts into
 */
void
fdnix_summary_set_default (FdnixSummary *summary)
{
  default_summary = summary;
}

/**
 * fdnix_summary_add:
 * @self: (nullable): a summary; NULL does nothing
 * @counter: counter name
 * @delta: amount to add
 */
void
fdnix_summary_add (FdnixSummary *self, const gchar *counter, gint64 delta)
{
  gint64 *value;

  if (self == NULL)
    return;
  g_mutex_lock (&self->mutex);
  value = g_hash_table_lookup (self->counters, counter);
  if (value == NULL)
    {
      gchar *name = g_strdup (counter);
      value = g_new0 (gint64, 1);
      g_hash_table_insert (self->counters, name, value);
      g_ptr_array_add (self->counter_order, name);
    }
  *value += delta;
  g_mutex_unlock (&self->mutex);
}

/**
 * fdnix_summary_get:
 * @self: (nullable): a summary
 * @counter: counter name
 *
 * Returns: the counter's value, 0 if never counted.
 */
gint64
fdnix_summary_get (FdnixSummary *self, const gchar *counter)
{
  gint64 *value;
  gint64 result;

  if (self == NULL)
    return 0;
  g_mutex_lock (&self->mutex);
  value = g_hash_table_lookup (self->counters, counter);
  result = value != NULL ? *value : 0;
  g_mutex_unlock (&self->mutex);
  return result;
}

/**
 * fdnix_summary_set_info:
 * @self: (nullable): a summary
 * @name: key under "info"
 * @value: (nullable): a string describing the run (source, store, model)
 */
void
fdnix_summary_set_info (FdnixSummary *self, const gchar *name, const gchar *value)
{
  if (self == NULL)
    return;
  g_mutex_lock (&self->mutex);
  g_hash_table_replace (self->info, g_strdup (name), g_strdup (value));
  g_mutex_unlock (&self->mutex);
}

/**
 * fdnix_summary_phase_begin:
 * @self: (nullable): a summary
 * @phase: phase name ("read", "sync", "embed", ...)
 */
void
fdnix_summary_phase_begin (FdnixSummary *self, const gchar *phase)
{
  gint64 *start;

  if (self == NULL)
    return;
  g_mutex_lock (&self->mutex);
  start = g_new (gint64, 1);
  *start = g_get_monotonic_time ();
  g_hash_table_replace (self->phase_started, g_strdup (phase), start);
  g_mutex_unlock (&self->mutex);
}

/**
 * fdnix_summary_phase_end:
 * @self: (nullable): a summary
 * @phase: a phase begun earlier; its time adds up over repeated phases
 */
void
fdnix_summary_phase_end (FdnixSummary *self, const gchar *phase)
{
  gint64 *start;
  gdouble *seconds;

  if (self == NULL)
    return;
  g_mutex_lock (&self->mutex);
  start = g_hash_table_lookup (self->phase_started, phase);
  if (start != NULL)
    {
      seconds = g_hash_table_lookup (self->phase_seconds, phase);
      if (seconds == NULL)
        {
          seconds = g_new0 (gdouble, 1);
          g_hash_table_insert (self->phase_seconds, g_strdup (phase), seconds);
          g_ptr_array_add (self->phase_order, g_strdup (phase));
        }
      *seconds += (g_get_monotonic_time () - *start) / (gdouble) G_USEC_PER_SEC;
      g_hash_table_remove (self->phase_started, phase);
    }
  g_mutex_unlock (&self->mutex);
}

static void
append_counter_group (FdnixSummary *self, GString *out, const gchar *group)
{
  gsize prefix = group != NULL ? strlen (group) + 1 : 0;
  gint64 total = 0;

  fdnix_json_member (out, group != NULL ? group : "counts");
  g_string_append_c (out, '{');
  for (guint i = 0; i < self->counter_order->len; i++)
    {
      const gchar *name = self->counter_order->pdata[i];
      const gchar *dot = strchr (name, '.');
      gint64 value = *(gint64 *) g_hash_table_lookup (self->counters, name);

      if (group == NULL ? dot != NULL
                        : (dot == NULL || strncmp (name, group, prefix - 1) != 0 ||
                           name[prefix - 1] != '.'))
        continue;
      fdnix_json_member_int (out, name + prefix, value);
      total += value;
    }
  if (group != NULL && g_strcmp0 (group, "retries") == 0)
    fdnix_json_member_int (out, "total", total);
  g_string_append_c (out, '}');
}

/**
 * fdnix_summary_to_json:
 * @self: a summary
 * @exit_status: the status the program exits with
 * @error: (nullable): the error that failed the run
 *
 * Returns: (transfer full): one JSON object, no trailing newline.
 */
gchar *
fdnix_summary_to_json (FdnixSummary *self, gint exit_status, const GError *error)
{
  g_autoptr(GString) out = g_string_new ("{");
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree gchar *started = g_date_time_format_iso8601 (self->started_at);
  g_autofree gchar *finished = g_date_time_format_iso8601 (now);
  g_autoptr(GPtrArray) groups = g_ptr_array_new_with_free_func (g_free);
  g_autofree gchar *message = error != NULL ? fdnix_log_redact (error->message) : NULL;
  const gchar *status = exit_status == 0 ? "ok" : exit_status == 2 ? "usage" : "failed";
  GHashTableIter iter;
  gpointer key, value;

  g_mutex_lock (&self->mutex);
  fdnix_json_member_string (out, "program", self->program);
  fdnix_json_member_string (out, "version", PACKAGE_VERSION);
  fdnix_json_member_string (out, "status", status);
  fdnix_json_member_int (out, "exit_status", exit_status);
  fdnix_json_member_string (out, "error", message);
  fdnix_json_member_string (out, "started_at", started);
  fdnix_json_member_string (out, "finished_at", finished);
  fdnix_json_member_double (out, "duration_s",
                            (g_get_monotonic_time () - self->started_us) / (gdouble) G_USEC_PER_SEC);

  append_counter_group (self, out, NULL);
  /* "retries" always appears, so consumers need not test for it */
  g_ptr_array_add (groups, g_strdup ("retries"));
  for (guint i = 0; i < self->counter_order->len; i++)
    {
      const gchar *name = self->counter_order->pdata[i];
      const gchar *dot = strchr (name, '.');
      g_autofree gchar *group = dot != NULL ? g_strndup (name, dot - name) : NULL;

      if (group != NULL && !g_ptr_array_find_with_equal_func (groups, group, g_str_equal, NULL))
        g_ptr_array_add (groups, g_steal_pointer (&group));
    }
  for (guint i = 0; i < groups->len; i++)
    append_counter_group (self, out, groups->pdata[i]);

  fdnix_json_member (out, "durations_s");
  g_string_append_c (out, '{');
  for (guint i = 0; i < self->phase_order->len; i++)
    {
      const gchar *phase = self->phase_order->pdata[i];
      fdnix_json_member_double (out, phase,
                                *(gdouble *) g_hash_table_lookup (self->phase_seconds, phase));
    }
  g_string_append_c (out, '}');

  fdnix_json_member (out, "info");
  g_string_append_c (out, '{');
  g_hash_table_iter_init (&iter, self->info);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      g_autofree gchar *clean = fdnix_log_redact (value);
      fdnix_json_member_string (out, key, clean);
    }
  g_string_append_c (out, '}');
  g_mutex_unlock (&self->mutex);

  g_string_append_c (out, '}');
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/**
 * fdnix_summary_write:
 * @self: a summary
 * @path: a file, or "-" for standard output
 * @exit_status: the status the program exits with
 * @run_error: (nullable): the error that failed the run
 * @error: return location for a write error
 *
 * Writes the summary followed by a newline.  A file is replaced atomically,
 * so a reader never sees half a summary.
 *
 * Returns: TRUE on success.
 */
gboolean
fdnix_summary_write (FdnixSummary *self, const gchar *path, gint exit_status,
                     const GError *run_error, GError **error)
{
  g_autofree gchar *json = fdnix_summary_to_json (self, exit_status, run_error);
  g_autofree gchar *line = g_strconcat (json, "\n", NULL);
  g_autoptr(GError) local_error = NULL;

  if (g_strcmp0 (path, "-") == 0)
    {
      if (fputs (line, stdout) == EOF || fflush (stdout) != 0)
        {
          g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_IO, "summary: write error on standard output");
          return FALSE;
        }
      return TRUE;
    }
  if (g_file_test (path, G_FILE_TEST_EXISTS) && !g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      /* A device or pipe (/dev/stderr, a FIFO) is written in place:
       * replacing it by rename would put a file where /dev/null was. */
      FILE *out = fopen (path, "w");
      gboolean ok = out != NULL && fputs (line, out) != EOF;

      if (out != NULL && fclose (out) != 0)
        ok = FALSE;
      if (!ok)
        g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_IO, "summary: %s: %s", path, g_strerror (errno));
      return ok;
    }
  if (!g_file_set_contents (path, line, -1, &local_error))
    {
      g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_IO, "summary: %s", local_error->message);
      return FALSE;
    }
  return TRUE;
}
