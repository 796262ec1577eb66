/* fdnix-crash-point.c: SIGKILL on request at named steps (for tests). */
#include "config.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "vectors/fdnix-crash-point.h"

static gchar *crash_name;
static gint crash_countdown;

static gpointer
read_environment (gpointer data)
{
  const gchar *spec = g_getenv ("FDNIX_CRASH_AT");
  const gchar *colon;

  if (spec == NULL || *spec == '\0')
    return NULL;
  colon = strchr (spec, ':');
  crash_name = colon != NULL ? g_strndup (spec, colon - spec) : g_strdup (spec);
  crash_countdown = colon != NULL ? MAX (1, atoi (colon + 1)) : 1;
  return NULL;
}

/**
 * fdnix_crash_point:
 * @name: the step ("after-put", "after-mark", "index-written", ...)
 *
 * Kills the process here if FDNIX_CRASH_AT names this step and count.
 */
void
fdnix_crash_point (const gchar *name)
{
  static GOnce once = G_ONCE_INIT;

  g_once (&once, read_environment, NULL);
  if (crash_name == NULL || strcmp (crash_name, name) != 0)
    return;
  if (g_atomic_int_dec_and_test (&crash_countdown))
    {
      g_printerr ("fdnix: FDNIX_CRASH_AT: killing the process at '%s'\n", name);
      raise (SIGKILL);
    }
}
