/* fdnix-cancel.c: signal-driven cancellation flag. */
#include "config.h"

#include <signal.h>
#include <string.h>

#include "core/fdnix-cancel.h"
#include "core/fdnix-error.h"

static volatile sig_atomic_t cancel_signal;

static void
on_signal (int signum)
{
  if (cancel_signal != 0)
    {
      /* Second signal: the user means it. */
      signal (signum, SIG_DFL);
      raise (signum);
      return;
    }
  cancel_signal = signum;
}

/**
 * fdnix_cancel_install_handlers:
 *
 * Routes SIGINT and SIGTERM to the cancellation flag.
 */
void
fdnix_cancel_install_handlers (void)
{
  struct sigaction action;

  memset (&action, 0, sizeof action);
  action.sa_handler = on_signal;
  sigemptyset (&action.sa_mask);
  sigaction (SIGINT, &action, NULL);
  sigaction (SIGTERM, &action, NULL);
  /* A closed pipe on stdout is a write error we report, not a silent death. */
  signal (SIGPIPE, SIG_IGN);
}

/**
 * fdnix_cancel_requested:
 *
 * Returns: whether a stop was asked for.
 */
gboolean
fdnix_cancel_requested (void)
{
  return cancel_signal != 0;
}

/**
 * fdnix_cancel_request:
 *
 * Asks for a stop as a signal would (tests use it).
 */
void
fdnix_cancel_request (void)
{
  cancel_signal = SIGTERM;
}

/**
 * fdnix_cancel_check:
 * @error: return location for FDNIX_ERROR_CANCELLED
 *
 * Returns: FALSE with @error set when a stop was asked for.
 */
gboolean
fdnix_cancel_check (GError **error)
{
  if (cancel_signal == 0)
    return TRUE;
  g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_CANCELLED,
               "interrupted by signal %d (%s)", (int) cancel_signal,
               cancel_signal == SIGINT ? "SIGINT" : "SIGTERM");
  return FALSE;
}
