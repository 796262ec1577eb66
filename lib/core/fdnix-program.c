/* fdnix-program.c: options, configuration, logging and exit for programs. */
#include "config.h"

#include <errno.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "core/fdnix-cancel.h"
#include "core/fdnix-error.h"
#include "core/fdnix-log.h"
#include "core/fdnix-program.h"
#include "core/fdnix-progress.h"

struct _FdnixProgram {
  gchar          *name;
  GOptionContext *context;
  GOptionGroup   *group;        /* main group; owned by context */
  FdnixConfig    *config;
  FdnixSummary   *summary;
  GHashTable     *option_keys;  /* "--long" / "-s" → setting key */
  gchar          *config_path;  /* --config */
  gboolean        show_version;
  gboolean        list_settings;
  gint            verbose;      /* -v count */
  gboolean        finished;
};

const FdnixSetting fdnix_common_settings[] = {
  { "general.data-dir", FDNIX_SETTING_PATH, NULL, "FDNIX_DATA_DIR", "data-dir", 0, "DIR",
    "Directory for the embedded store and vector files" },
  { "general.summary-json", FDNIX_SETTING_STRING, NULL, "FDNIX_SUMMARY_JSON", "summary-json", 0, "FILE",
    "Write a JSON run summary to FILE (- for standard output)" },
  { "log.format", FDNIX_SETTING_STRING, "auto", "FDNIX_LOG_FORMAT", "log-format", 0, "FORMAT",
    "Log format: text, json or auto (json unless stderr is a terminal)" },
  { "log.verbosity", FDNIX_SETTING_INT, "0", "FDNIX_VERBOSITY", NULL, 0, NULL,
    "0 notices, 1 info, 2 debug",
    FDNIX_RANGE (0, 2) },
  { "log.progress-interval", FDNIX_SETTING_DOUBLE, "5", NULL, NULL, 0, NULL,
    "Seconds between progress log lines when stderr is not a terminal",
    FDNIX_RANGE (0, 86400) },
  FDNIX_SETTING_END
};

static gboolean
on_setting_option (const gchar *option_name, const gchar *value, gpointer data, GError **error)
{
  FdnixProgram *self = data;
  const gchar *key = g_hash_table_lookup (self->option_keys, option_name);

  g_assert (key != NULL);
  return fdnix_config_set (self->config, key, value != NULL ? value : "true",
                           FDNIX_SOURCE_CLI, error);
}

static gboolean
on_verbose (const gchar *option_name, const gchar *value, gpointer data, GError **error)
{
  FdnixProgram *self = data;

  self->verbose++;
  return TRUE;
}

/**
 * fdnix_program_new:
 * @name: program name, as installed
 * @parameter_string: (nullable): positional arguments for the usage line
 * @summary: one sentence shown first by --help
 *
 * Returns: (transfer full): a program frame with the common settings.
 */
FdnixProgram *
fdnix_program_new (const gchar *name, const gchar *parameter_string, const gchar *summary)
{
  FdnixProgram *self = g_new0 (FdnixProgram, 1);
  const GOptionEntry common_entries[] = {
    { "config", 'c', 0, G_OPTION_ARG_FILENAME, &self->config_path,
      "Read settings from FILE (default: $XDG_CONFIG_HOME/fdnix/fdnix.conf, then "
      FDNIX_SYSCONFDIR "/fdnix/fdnix.conf)", "FILE" },
    { "verbose", 'v', G_OPTION_FLAG_NO_ARG, G_OPTION_ARG_CALLBACK, on_verbose,
      "Log more (-v info, -vv debug)", NULL },
    { "version", 'V', 0, G_OPTION_ARG_NONE, &self->show_version,
      "Print the version and exit", NULL },
    /* For the tests that hold the man pages to the code. */
    { "list-settings", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_NONE, &self->list_settings,
      "Print every setting (key, variable, option) and exit", NULL },
    { NULL }
  };

  setlocale (LC_ALL, "");
  g_set_prgname (name);
  self->name = g_strdup (name);
  self->config = fdnix_config_new ();
  self->option_keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->context = g_option_context_new (parameter_string);
  g_option_context_set_summary (self->context, summary);
  self->group = g_option_group_new (name, summary, "Show options", self, NULL);
  g_option_group_add_entries (self->group, common_entries);
  g_option_context_set_main_group (self->context, self->group);
  fdnix_program_add_settings (self, fdnix_common_settings, TRUE);

  /* Early messages (bad config file) already need a writer. */
  fdnix_log_init (name, FDNIX_LOG_FORMAT_AUTO, 0);
  return self;
}

/**
 * fdnix_program_free:
 * @self: (transfer full) (nullable): a program frame
 */
void
fdnix_program_free (FdnixProgram *self)
{
  if (self == NULL)
    return;
  g_option_context_free (self->context);
  fdnix_config_free (self->config);
  fdnix_summary_free (self->summary);
  g_hash_table_unref (self->option_keys);
  g_free (self->config_path);
  g_free (self->name);
  g_free (self);
}

/**
 * fdnix_program_add_settings:
 * @self: a program frame
 * @settings: a table ended by FDNIX_SETTING_END, kept by reference
 * @as_options: whether settings with a long option become command-line
 *   options of this program (FALSE registers them for the config file only)
 */
void
fdnix_program_add_settings (FdnixProgram *self, const FdnixSetting *settings, gboolean as_options)
{
  g_autoptr(GArray) entries = g_array_new (TRUE, TRUE, sizeof (GOptionEntry));

  fdnix_config_register (self->config, settings);
  if (!as_options)
    return;
  for (const FdnixSetting *s = settings; s->key != NULL; s++)
    {
      GOptionEntry entry = { 0 };
      g_autofree gchar *long_name = NULL;

      if (s->long_option == NULL)
        continue;
      long_name = g_strconcat ("--", s->long_option, NULL);
      if (g_hash_table_contains (self->option_keys, long_name))
        continue;
      entry.long_name = s->long_option;
      entry.short_name = s->short_option;
      entry.flags = s->type == FDNIX_SETTING_BOOL ? G_OPTION_FLAG_NO_ARG : 0;
      entry.arg = G_OPTION_ARG_CALLBACK;
      entry.arg_data = (gpointer) on_setting_option;
      entry.description = s->help;
      entry.arg_description = s->arg_name;
      g_array_append_val (entries, entry);
      g_hash_table_insert (self->option_keys, g_steal_pointer (&long_name), (gpointer) s->key);
      if (s->short_option != 0)
        g_hash_table_insert (self->option_keys, g_strdup_printf ("-%c", s->short_option),
                             (gpointer) s->key);
    }
  g_option_group_add_entries (self->group, (const GOptionEntry *) entries->data);
}

/**
 * fdnix_program_add_entries:
 * @self: a program frame
 * @entries: options that are actions rather than settings (kept by reference)
 */
void
fdnix_program_add_entries (FdnixProgram *self, const GOptionEntry *entries)
{
  g_option_group_add_entries (self->group, entries);
}

/**
 * fdnix_program_set_description:
 * @self: a program frame
 * @description: text shown after the options by --help
 */
void
fdnix_program_set_description (FdnixProgram *self, const gchar *description)
{
  g_option_context_set_description (self->context, description);
}

/**
 * fdnix_program_get_config:
 * @self: a program frame
 *
 * Returns: (transfer none): the resolved configuration.
 */
FdnixConfig *
fdnix_program_get_config (FdnixProgram *self)
{
  return self->config;
}

/**
 * fdnix_program_get_summary:
 * @self: a program frame
 *
 * Returns: (transfer none): the run summary.
 */
FdnixSummary *
fdnix_program_get_summary (FdnixProgram *self)
{
  return self->summary;
}

/**
 * fdnix_program_usage_error:
 * @self: a program frame
 * @format: message
 *
 * Prints a usage error the GNU way (message, then a --help hint).
 *
 * Returns: FDNIX_EXIT_USAGE
 */
gint
fdnix_program_usage_error (FdnixProgram *self, const gchar *format, ...)
{
  va_list args;
  g_autofree gchar *message = NULL;
  g_autofree gchar *clean = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  clean = fdnix_log_redact (message);
  fprintf (stderr, "%s: %s\nTry '%s --help' for more information.\n", self->name, clean, self->name);
  self->finished = TRUE;
  return FDNIX_EXIT_USAGE;
}

static gchar *
default_config_file (void)
{
  g_autofree gchar *user = g_build_filename (g_get_user_config_dir (), "fdnix", "fdnix.conf", NULL);
  g_autofree gchar *system = g_build_filename (FDNIX_SYSCONFDIR, "fdnix", "fdnix.conf", NULL);

  if (g_file_test (user, G_FILE_TEST_EXISTS))
    return g_steal_pointer (&user);
  if (g_file_test (system, G_FILE_TEST_EXISTS))
    return g_steal_pointer (&system);
  return NULL;
}

static gboolean
resolve_config (FdnixProgram *self, GError **error)
{
  g_autofree gchar *path = NULL;
  const gchar *env = g_getenv ("FDNIX_CONFIG");
  FdnixLogFormat format;

  if (self->config_path != NULL)
    path = g_strdup (self->config_path);
  else if (env != NULL && *env != '\0')
    path = g_strdup (env);
  else
    path = default_config_file ();
  if (path != NULL && !fdnix_config_load_file (self->config, path, error))
    return FALSE;
  if (!fdnix_config_load_env (self->config, error))
    return FALSE;
  if (self->verbose > 0)
    {
      /* -vvv asks for everything there is, which is debug */
      g_autofree gchar *level = g_strdup_printf ("%d", MIN (self->verbose, 2));
      if (!fdnix_config_set (self->config, "log.verbosity", level, FDNIX_SOURCE_CLI, error))
        return FALSE;
    }

  if (!fdnix_log_parse_format (fdnix_config_get_string (self->config, "log.format"), &format, error))
    {
      g_autofree gchar *origin = fdnix_config_describe_source (self->config, "log.format");
      g_prefix_error (error, "%s: ", origin);
      return FALSE;
    }
  fdnix_log_set_format (format);
  fdnix_log_set_verbosity ((gint) fdnix_config_get_int (self->config, "log.verbosity"));
  fdnix_progress_set_interval (fdnix_config_get_double (self->config, "log.progress-interval"));
  if (path != NULL)
    g_debug ("configuration file: %s", path);
  return TRUE;
}

/**
 * fdnix_program_parse:
 * @self: a program frame
 * @argc: (inout): argument count
 * @argv: (inout): arguments; options are removed, positionals remain
 *
 * Parses options, reads the configuration file and the environment, and
 * sets up logging, the summary and signal handling.
 *
 * Returns: FDNIX_PROGRAM_CONTINUE to go on, or the exit status to return
 *   from main() (0 after --version, 2 after a usage error).
 */
gint
fdnix_program_parse (FdnixProgram *self, gint *argc, gchar ***argv)
{
  g_autoptr(GError) error = NULL;

  if (!g_option_context_parse (self->context, argc, argv, &error))
    return fdnix_program_usage_error (self, "%s", error->message);
  if (self->show_version)
    {
      g_print ("%s (%s) %s\n", self->name, PACKAGE_NAME, PACKAGE_VERSION);
      self->finished = TRUE;
      return FDNIX_EXIT_OK;
    }
  if (self->list_settings)
    {
      g_autoptr(GPtrArray) settings = fdnix_config_list_settings (self->config);

      for (guint i = 0; i < settings->len; i++)
        {
          const FdnixSetting *s = settings->pdata[i];
          g_autofree gchar *long_name = s->long_option != NULL ? g_strconcat ("--", s->long_option, NULL) : NULL;
          gboolean exposed = long_name != NULL &&
                             g_hash_table_lookup (self->option_keys, long_name) == s->key;

          g_print ("%s\t%s\t%s\n", s->key, s->env != NULL ? s->env : "-",
                   exposed ? s->long_option : "-");
        }
      self->finished = TRUE;
      return FDNIX_EXIT_OK;
    }
  if (!resolve_config (self, &error))
    return fdnix_program_usage_error (self, "%s", error->message);

  self->summary = fdnix_summary_new (self->name);
  fdnix_summary_set_default (self->summary);
  fdnix_cancel_install_handlers ();
  return FDNIX_PROGRAM_CONTINUE;
}

static gboolean
close_stdout (GError **error)
{
  /* As coreutils' close_stdout: a full disk or closed pipe on stdout must
   * not pass for success. */
  if (fflush (stdout) != 0 || ferror (stdout))
    {
      g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_IO,
                   "write error on standard output: %s", g_strerror (errno));
      return FALSE;
    }
  return TRUE;
}

/**
 * fdnix_program_finish:
 * @self: a program frame
 * @error: (nullable): why the run failed
 *
 * Reports the outcome: the "error:" line (or a usage message), the summary
 * if requested, and write errors on standard output.
 *
 * Returns: the exit status for main().
 */
gint
fdnix_program_finish (FdnixProgram *self, const GError *error)
{
  g_autoptr(GError) io_error = NULL;
  const gchar *summary_path;
  gint status;

  if (error == NULL)
    status = FDNIX_EXIT_OK;
  else if (g_error_matches (error, FDNIX_ERROR, FDNIX_ERROR_USAGE))
    status = fdnix_program_usage_error (self, "%s", error->message);
  else
    {
      status = FDNIX_EXIT_FAILED;
      fdnix_log_error_line (error->message);
    }

  if (status == FDNIX_EXIT_OK && !close_stdout (&io_error))
    {
      status = FDNIX_EXIT_FAILED;
      fdnix_log_error_line (io_error->message);
    }

  summary_path = fdnix_config_get_string (self->config, "general.summary-json");
  if (summary_path != NULL && self->summary != NULL)
    {
      g_autoptr(GError) summary_error = NULL;

      if (!fdnix_summary_write (self->summary, summary_path, status,
                                io_error != NULL ? io_error : error, &summary_error))
        {
          fdnix_log_error_line (summary_error->message);
          status = FDNIX_EXIT_FAILED;
        }
    }
  self->finished = TRUE;
  return status;
}

/**
 * fdnix_config_get_data_dir:
 * @config: a configuration with the common settings
 *
 * The directory for the embedded store and local vector files:
 * general.data-dir if set, else systemd's $STATE_DIRECTORY, else
 * $XDG_DATA_HOME/fdnix.
 *
 * Returns: (transfer full): a directory path (not created here).
 */
gchar *
fdnix_config_get_data_dir (FdnixConfig *config)
{
  const gchar *state = g_getenv ("STATE_DIRECTORY");

  if (fdnix_config_is_set (config, "general.data-dir"))
    return fdnix_config_get_path (config, "general.data-dir");
  if (state != NULL && *state != '\0')
    {
      /* systemd may pass several, colon-separated: the first is ours */
      return g_strndup (state, strcspn (state, ":"));
    }
  return g_build_filename (g_get_user_data_dir (), "fdnix", NULL);
}
