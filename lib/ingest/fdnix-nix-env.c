/* fdnix-nix-env.c: nix-env as a streaming source.
 *
 * nix-env is started from an argument vector (never a shell), its stdout
 * is read as it is produced and its stderr goes to a temporary file, so a
 * chatty evaluation cannot dead-lock us and a failure can show what nix
 * said.  A deadline and SIGTERM/SIGINT stop it.
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>
#include <gio/gio.h>
#include <gio/gunixinputstream.h>
#include <glib/gstdio.h>

#include "core/fdnix-cancel.h"
#include "core/fdnix-error.h"
#include "ingest/fdnix-nix-env.h"

#define READ_CHUNK (256 * 1024)
#define POLL_MS 200
/* What is read of nix-env's stderr: its end, where the error is. */
#define STDERR_KEEP_BYTES (256 * 1024)

static gboolean
has_config_arg (const gchar *const *args)
{
  for (gsize i = 0; args != NULL && args[i] != NULL; i++)
    if (g_str_has_prefix (args[i], "config="))
      return TRUE;
  return FALSE;
}

static gboolean
add_named_args (GPtrArray *argv, const gchar *flag, const gchar *const *items, GError **error)
{
  for (gsize i = 0; items != NULL && items[i] != NULL; i++)
    {
      const gchar *eq = strchr (items[i], '=');

      if (eq == NULL || eq == items[i])
        {
          g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_USAGE,
                       "nix argument '%s' is not NAME=VALUE", items[i]);
          return FALSE;
        }
      g_ptr_array_add (argv, g_strdup (flag));
      g_ptr_array_add (argv, g_strndup (items[i], eq - items[i]));
      g_ptr_array_add (argv, g_strdup (eq + 1));
    }
  return TRUE;
}

/**
 * fdnix_nix_env_build_argv:
 * @options: what to evaluate
 * @error: return location for a usage error
 *
 * Returns: (transfer full): the argument vector nix-env is run with.
 */
GStrv
fdnix_nix_env_build_argv (const FdnixNixEnvOptions *options, GError **error)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  const gchar *nixpkgs = options->nixpkgs != NULL ? options->nixpkgs : "<nixpkgs>";

  g_ptr_array_add (argv, g_strdup (options->program != NULL ? options->program : "nix-env"));
  g_ptr_array_add (argv, g_strdup ("-f"));
  g_ptr_array_add (argv, g_strdup (nixpkgs));
  g_ptr_array_add (argv, g_strdup ("-qaP"));
  g_ptr_array_add (argv, g_strdup ("--json"));
  g_ptr_array_add (argv, g_strdup ("--meta"));

  /* nixpkgs' own packages-config.nix is what channels and search.nixos.org
   * evaluate with: it enables unfree packages and hides problem sets. */
  if (options->packages_config && !has_config_arg (options->args) && nixpkgs[0] != '<')
    {
      g_autofree gchar *config = g_build_filename (nixpkgs, "pkgs", "top-level",
                                                   "packages-config.nix", NULL);
      if (g_file_test (config, G_FILE_TEST_IS_REGULAR))
        {
          g_autofree gchar *absolute = g_canonicalize_filename (config, NULL);
          g_ptr_array_add (argv, g_strdup ("--arg"));
          g_ptr_array_add (argv, g_strdup ("config"));
          g_ptr_array_add (argv, g_strdup_printf ("import %s", absolute));
        }
    }
  if (!add_named_args (argv, "--arg", options->args, error) ||
      !add_named_args (argv, "--argstr", options->argstrs, error))
    return NULL;
  g_ptr_array_add (argv, NULL);
  return (GStrv) g_ptr_array_free (g_steal_pointer (&argv), FALSE);
}

/* Reads what nix-env printed on stderr: all of it, or its last
 * STDERR_KEEP_BYTES from a line start (the error is at the end; a chatty
 * evaluation's warnings before it are not worth unbounded memory). */
static gchar *
read_stderr (const gchar *path)
{
  g_autoptr(GMappedFile) map = g_mapped_file_new (path, FALSE, NULL);
  const gchar *data;
  const gchar *start;
  gsize length;

  if (map == NULL || (length = g_mapped_file_get_length (map)) == 0)
    return g_strdup ("");
  data = g_mapped_file_get_contents (map);
  start = data;
  if (length > STDERR_KEEP_BYTES)
    {
      const gchar *nl;

      start = data + length - STDERR_KEEP_BYTES;
      nl = memchr (start, '\n', STDERR_KEEP_BYTES);
      if (nl != NULL)
        start = nl + 1;
    }
  return g_strndup (start, data + length - start);
}

static gsize
indent_of (const gchar *line)
{
  gsize n = 0;

  while (line[n] == ' ' || line[n] == '\t')
    n++;
  return n;
}

static gboolean
is_blank (const gchar *line)
{
  return line[indent_of (line)] == '\0';
}

/* nix's source excerpts ("  12| x = y;", "    |   ^") locate the error for a
 * reader of the whole text; folded into one line they are noise. */
static gboolean
is_code_frame (const gchar *line)
{
  const gchar *p = line + indent_of (line);

  while (g_ascii_isdigit (*p))
    p++;
  return *p == '|';
}

/* Drops terminal colour sequences (ESC [ ... letter) and other control
 * characters but tab, in place: nix colours its output on a terminal. */
static void
strip_control (gchar *text)
{
  gchar *out = text;

  for (const gchar *p = text; *p != '\0'; p++)
    {
      if (*p == '\033')
        {
          if (p[1] == '[')
            {
              p += 2;
              while (*p != '\0' && !g_ascii_isalpha (*p))
                p++;
              if (*p == '\0')
                break;
            }
          continue;
        }
      if ((guchar) *p < 0x20 && *p != '\n' && *p != '\t')
        continue;
      *out++ = *p;
    }
  *out = '\0';
}

/**
 * fdnix_nix_env_error_line:
 * @text: what nix-env printed on stderr
 * @out_rest: (element-type utf8) (optional): receives, in order, every other
 *   non-blank line of @text (warnings, traces, source excerpts), for the log
 *
 * Picks nix's own error message out of its stderr, whatever else it printed
 * (a warning about a missing build-users group, evaluation traces): the last
 * line starting with "error:" (indented or not) and the lines indented
 * deeper below it, folded to one line without the "error:" prefix, the
 * source excerpts and a final colon.  When nix printed no "error:" line, the last
 * non-blank line; when it printed nothing, "(nothing on stderr)".
 *
 * Returns: (transfer full): the message, one line.
 */
gchar *
fdnix_nix_env_error_line (const gchar *text, GPtrArray *out_rest)
{
  g_autofree gchar *clean = g_utf8_make_valid (text != NULL ? text : "", -1);
  g_autoptr(GString) message = g_string_new (NULL);
  g_auto(GStrv) lines = NULL;
  gssize first = -1;
  gsize end;

  strip_control (clean);
  lines = g_strsplit (clean, "\n", -1);
  for (gsize i = 0; lines[i] != NULL; i++)
    {
      g_strchomp (lines[i]);
      if (g_str_has_prefix (lines[i] + indent_of (lines[i]), "error:"))
        first = (gssize) i;
    }
  if (first >= 0)
    {
      gsize depth = indent_of (lines[first]);

      end = (gsize) first + 1;
      while (lines[end] != NULL && (is_blank (lines[end]) || indent_of (lines[end]) > depth))
        end++;
    }
  else
    {
      for (gsize i = 0; lines[i] != NULL; i++)
        if (!is_blank (lines[i]))
          first = (gssize) i;
      if (first < 0)
        return g_strdup ("(nothing on stderr)");
      end = (gsize) first + 1;
    }

  for (gsize i = 0; lines[i] != NULL; i++)
    {
      const gchar *line = lines[i] + indent_of (lines[i]);
      gboolean in_message = i >= (gsize) first && i < end;

      if (*line == '\0')
        continue;
      if (in_message && !is_code_frame (line))
        {
          if (i == (gsize) first && g_str_has_prefix (line, "error:"))
            line += strlen ("error:");
          while (*line == ' ' || *line == '\t')
            line++;
          if (*line == '\0')
            continue;
          if (message->len > 0)
            g_string_append_c (message, ' ');
          g_string_append (message, line);
        }
      else if (out_rest != NULL)
        g_ptr_array_add (out_rest, g_strdup (lines[i]));
    }
  /* a position line ends in a colon that introduced the excerpt */
  if (message->len > 0 && message->str[message->len - 1] == ':')
    g_string_truncate (message, message->len - 1);
  if (message->len == 0)
    g_string_append (message, "(nix-env printed an empty error)");
  return g_string_free (g_steal_pointer (&message), FALSE);
}

/* On success nix's warnings are detail (-vv); on failure the lines around
 * the error explain it (-v). */
static void
log_stderr (const gchar *path, GLogLevelFlags level)
{
  g_autofree gchar *contents = read_stderr (path);
  g_auto(GStrv) lines = g_strsplit (contents, "\n", -1);

  for (gsize i = 0; lines[i] != NULL; i++)
    if (!is_blank (lines[i]))
      g_log (G_LOG_DOMAIN, level, "nix-env: %s", lines[i]);
}

/* nix-env holds nothing worth saving when we give up on it (timeout,
 * signal, bad output), and a stuck evaluation may ignore SIGTERM. */
static void
stop_process (GSubprocess *process)
{
  g_subprocess_force_exit (process);
  g_subprocess_wait (process, NULL, NULL);
}

/* Pumps stdout into @func until EOF, a deadline, a signal or a failure. */
static gboolean
pump (GSubprocess *process, gint64 deadline, guint timeout_s,
      FdnixChunkFunc func, gpointer user_data, guint64 *out_bytes, GError **error)
{
  GInputStream *out = g_subprocess_get_stdout_pipe (process);
  gint fd = g_unix_input_stream_get_fd (G_UNIX_INPUT_STREAM (out));
  g_autofree gchar *buffer = g_malloc (READ_CHUNK);

  for (;;)
    {
      struct pollfd pfd = { fd, POLLIN, 0 };
      gssize n;
      int rc;

      if (!fdnix_cancel_check (error))
        return FALSE;
      if (deadline > 0 && g_get_monotonic_time () > deadline)
        {
          g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_TIMEOUT,
                       "nix-env did not finish within %u s (nix.timeout)", timeout_s);
          return FALSE;
        }
      rc = poll (&pfd, 1, POLL_MS);
      if (rc < 0 && errno != EINTR)
        {
          g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_IO, "poll on nix-env output: %s",
                       g_strerror (errno));
          return FALSE;
        }
      if (rc <= 0)
        continue;
      n = read (fd, buffer, READ_CHUNK);
      if (n < 0 && (errno == EINTR || errno == EAGAIN))
        continue;
      if (n < 0)
        {
          g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_IO, "reading nix-env output: %s",
                       g_strerror (errno));
          return FALSE;
        }
      if (n == 0)
        return TRUE;
      *out_bytes += (guint64) n;
      if (!func (buffer, (gsize) n, user_data, error))
        return FALSE;
    }
}

/**
 * fdnix_nix_env_run:
 * @options: what to evaluate
 * @func: (scope call): receives nix-env's stdout as it is produced
 * @user_data: for @func
 * @out_bytes: (out) (optional): bytes read
 * @error: return location for an error; a failed nix-env's message ends
 *   with nix's own error message (fdnix_nix_env_error_line())
 *
 * Returns: TRUE when nix-env exited with status 0 and @func accepted
 *   everything.
 */
gboolean
fdnix_nix_env_run (const FdnixNixEnvOptions *options, FdnixChunkFunc func,
                   gpointer user_data, guint64 *out_bytes, GError **error)
{
  g_auto(GStrv) argv = fdnix_nix_env_build_argv (options, error);
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree gchar *stderr_path = NULL;
  g_autofree gchar *command = NULL;
  gint64 deadline = 0;
  guint64 bytes = 0;
  gint fd;

  if (argv == NULL)
    return FALSE;
  command = g_strjoinv (" ", argv);
  fd = g_file_open_tmp ("fdnix-nix-env-XXXXXX.stderr", &stderr_path, &local_error);
  if (fd < 0)
    {
      g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_IO, "nix-env: %s", local_error->message);
      return FALSE;
    }
  close (fd);

  g_info ("running %s", command);
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_subprocess_launcher_set_stderr_file_path (launcher, stderr_path);
  process = g_subprocess_launcher_spawnv (launcher, (const gchar *const *) argv, &local_error);
  if (process == NULL)
    {
      g_unlink (stderr_path);
      g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_NOT_FOUND, "cannot run %s: %s",
                   argv[0], local_error->message);
      return FALSE;
    }
  if (options->timeout_s > 0)
    deadline = g_get_monotonic_time () + (gint64) options->timeout_s * G_USEC_PER_SEC;

  if (!pump (process, deadline, options->timeout_s, func, user_data, &bytes, error))
    {
      stop_process (process);
      g_prefix_error (error, "nix-env (after %" G_GUINT64_FORMAT " bytes): ", bytes);
      log_stderr (stderr_path, G_LOG_LEVEL_INFO);
      g_unlink (stderr_path);
      return FALSE;
    }
  if (!g_subprocess_wait (process, NULL, &local_error))
    {
      g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_IO, "waiting for nix-env: %s", local_error->message);
      g_unlink (stderr_path);
      return FALSE;
    }
  if (!g_subprocess_get_successful (process))
    {
      g_autofree gchar *text = read_stderr (stderr_path);
      g_autoptr(GPtrArray) rest = g_ptr_array_new_with_free_func (g_free);
      g_autofree gchar *tail = fdnix_nix_env_error_line (text, rest);

      /* the error names nix's message; what else nix said goes to the log */
      for (guint i = 0; i < rest->len; i++)
        g_info ("nix-env: %s", (const gchar *) rest->pdata[i]);

      if (g_subprocess_get_if_signaled (process))
        g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_IO, "nix-env was killed by signal %d: %s",
                     g_subprocess_get_term_sig (process), tail);
      else
        g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_IO, "nix-env exited with status %d: %s",
                     g_subprocess_get_exit_status (process), tail);
      g_unlink (stderr_path);
      return FALSE;
    }
  log_stderr (stderr_path, G_LOG_LEVEL_DEBUG);
  g_unlink (stderr_path);
  if (out_bytes != NULL)
    *out_bytes = bytes;
  return TRUE;
}
