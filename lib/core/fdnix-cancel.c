/* fdnix-cancel.c: signal-driven cancellation flag. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "core/fdnix-cancel.h"
#include "core/fdnix-error.h"

static volatile sig_atomic_t cancel_signal;

/* A self-pipe: the handler writes one byte and nobody ever reads it, so
 * the read end stays readable and every thread sleeping in
 * fdnix_cancel_sleep() wakes at once, now and later. */
static int wake_pipe[2] = { -1, -1 };

static void
wake_sleepers (void)
{
  if (wake_pipe[1] >= 0)
    {
      int saved = errno;
      ssize_t n = write (wake_pipe[1], "x", 1);
      (void) n;
      errno = saved;
    }
}

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
  wake_sleepers ();
}

static void
ensure_pipe (void)
{
  static gsize made;

  if (g_once_init_enter (&made))
    {
      if (pipe (wake_pipe) == 0)
        for (int i = 0; i < 2; i++)
          {
            fcntl (wake_pipe[i], F_SETFD, FD_CLOEXEC);
            fcntl (wake_pipe[i], F_SETFL, O_NONBLOCK);
          }
      else
        wake_pipe[0] = wake_pipe[1] = -1;
      g_once_init_leave (&made, 1);
    }
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

  ensure_pipe ();
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
  ensure_pipe ();
  cancel_signal = SIGTERM;
  wake_sleepers ();
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

/**
 * fdnix_cancel_sleep:
 * @milliseconds: how long to wait
 * @error: return location for FDNIX_ERROR_CANCELLED
 *
 * Waits like g_usleep(), but a stop signal ends the wait at once: every
 * back-off and pause uses this, so SIGTERM is obeyed within the grace
 * period ECS gives (30 s) whatever a server asked for.
 *
 * Returns: FALSE with @error set when the wait was cut short by a stop
 *   request (or one was pending).
 */
gboolean
fdnix_cancel_sleep (guint milliseconds, GError **error)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) milliseconds * 1000;

  ensure_pipe ();
  for (;;)
    {
      gint64 left_us;
      struct pollfd fd = { wake_pipe[0], POLLIN, 0 };

      if (!fdnix_cancel_check (error))
        return FALSE;
      left_us = deadline - g_get_monotonic_time ();
      if (left_us <= 0)
        return TRUE;
      if (wake_pipe[0] >= 0)
        /* the pipe wakes us; the 1 s cap only bounds a lost wake-up */
        poll (&fd, 1, (int) MIN ((left_us + 999) / 1000, 1000));
      else
        g_usleep (MIN (left_us, 50 * 1000));
    }
}
