/* fdnix-source.c: input selection and the file source. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/fdnix-cancel.h"
#include "core/fdnix-error.h"
#include "ingest/fdnix-channel.h"
#include "ingest/fdnix-nix-env.h"
#include "ingest/fdnix-source.h"

#define READ_CHUNK (256 * 1024)

const FdnixSetting fdnix_source_settings[] = {
  { "input.file", FDNIX_SETTING_PATH, NULL, "FDNIX_INPUT", "input", 'i', "FILE",
    "Read nix-env JSON from FILE (- for standard input; gzip and .br are decompressed)" },
  { "input.channel", FDNIX_SETTING_STRING, NULL, "FDNIX_CHANNEL", "channel", 0, "NAME|URL",
    "Download a channel's packages.json.br (e.g. nixos-unstable) over HTTPS" },
  { "input.channel-base-url", FDNIX_SETTING_STRING, "https://channels.nixos.org", NULL, NULL, 0, NULL,
    "Where channel names are looked up" },
  { "input.nixpkgs-root", FDNIX_SETTING_PATH, NULL, "FDNIX_NIXPKGS_ROOT", "nixpkgs-root", 0, "DIR",
    "Strip DIR, the nixpkgs the input was evaluated in, from meta.position (default: the --nixpkgs tree)" },
  { "nix.nixpkgs", FDNIX_SETTING_PATH, NULL, "FDNIX_NIXPKGS", "nixpkgs", 'f', "PATH",
    "Evaluate this nixpkgs with nix-env (the default source, with <nixpkgs>)" },
  { "nix.nix-env", FDNIX_SETTING_STRING, "nix-env", "FDNIX_NIX_ENV", NULL, 0, NULL,
    "The nix-env program to run" },
  { "nix.arg", FDNIX_SETTING_LIST, NULL, NULL, "nix-arg", 0, "NAME=EXPR",
    "Pass --arg NAME EXPR to nix-env (repeatable)" },
  { "nix.argstr", FDNIX_SETTING_LIST, NULL, NULL, "nix-argstr", 0, "NAME=STRING",
    "Pass --argstr NAME STRING to nix-env (repeatable)" },
  { "nix.timeout", FDNIX_SETTING_INT, "3600", NULL, "nix-timeout", 0, "SECONDS",
    "Stop nix-env after SECONDS (0: no limit)",
    FDNIX_RANGE (0, 604800) },
  { "nix.packages-config", FDNIX_SETTING_BOOL, "true", NULL, NULL, 0, NULL,
    "Evaluate with nixpkgs' pkgs/top-level/packages-config.nix unless a config arg is given" },
  FDNIX_SETTING_END
};

typedef enum {
  SOURCE_FILE,
  SOURCE_NIX_ENV,
  SOURCE_CHANNEL,
} SourceKind;

struct _FdnixSource {
  SourceKind  kind;
  gchar      *description;
  gchar      *path;          /* file, "-", or the nixpkgs given to nix-env */
  gchar      *nixpkgs_root;
  gchar      *nix_env;
  GStrv       nix_args;
  GStrv       nix_argstrs;
  guint       nix_timeout_s;
  gboolean    packages_config;
  FdnixChannel *channel;
  guint64     position;      /* bytes read from the source (compressed) */
  guint64     total;         /* expected bytes, 0 when unknown */
};

static FdnixSource *
source_new (SourceKind kind)
{
  FdnixSource *self = g_new0 (FdnixSource, 1);

  self->kind = kind;
  return self;
}

/**
 * fdnix_source_new_file:
 * @path: a file, or "-" for standard input
 *
 * Returns: (transfer full): a file source.
 */
FdnixSource *
fdnix_source_new_file (const gchar *path)
{
  FdnixSource *self = source_new (SOURCE_FILE);

  self->path = g_strdup (path);
  self->description = g_strcmp0 (path, "-") == 0 ? g_strdup ("standard input") : g_strdup (path);
  return self;
}

/**
 * fdnix_source_free:
 * @self: (transfer full) (nullable): a source
 */
void
fdnix_source_free (FdnixSource *self)
{
  if (self == NULL)
    return;
  g_free (self->description);
  g_free (self->path);
  g_free (self->nixpkgs_root);
  g_free (self->nix_env);
  g_strfreev (self->nix_args);
  g_strfreev (self->nix_argstrs);
  fdnix_channel_free (self->channel);
  g_free (self);
}

/* The inputs compete: the one set with the highest precedence wins, and
 * two at the same level are a usage error rather than a silent choice. */
static const gchar *
choose_input (FdnixConfig *config, GError **error)
{
  static const gchar *const keys[] = { "input.file", "input.channel", "nix.nixpkgs", NULL };
  const gchar *chosen = NULL;
  FdnixSettingSource best = FDNIX_SOURCE_DEFAULT;

  for (gsize i = 0; keys[i] != NULL; i++)
    {
      FdnixSettingSource level;

      if (!fdnix_config_is_set (config, keys[i]))
        continue;
      level = fdnix_config_get_source (config, keys[i]);
      if (chosen != NULL && level == best)
        {
          g_autofree gchar *a = fdnix_config_describe_source (config, chosen);
          g_autofree gchar *b = fdnix_config_describe_source (config, keys[i]);
          g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_USAGE,
                       "two inputs given (%s and %s): choose one", a, b);
          return NULL;
        }
      if (chosen == NULL || level > best)
        {
          chosen = keys[i];
          best = level;
        }
    }
  return chosen != NULL ? chosen : "nix.nixpkgs";
}

static FdnixSource *source_new_for (FdnixConfig *config, const gchar *key, GError **error);

/**
 * fdnix_source_new_from_config:
 * @config: a configuration with fdnix_source_settings
 * @error: return location for a usage error
 *
 * Returns: (transfer full) (nullable): the configured source; nix-env on
 *   <nixpkgs> when no input is configured.
 */
FdnixSource *
fdnix_source_new_from_config (FdnixConfig *config, GError **error)
{
  const gchar *key = choose_input (config, error);
  FdnixSource *self;

  if (key == NULL)
    return NULL;
  self = source_new_for (config, key, error);
  if (self != NULL && fdnix_config_is_set (config, "input.nixpkgs-root"))
    {
      /* The user knows best where the input was evaluated. */
      g_free (self->nixpkgs_root);
      self->nixpkgs_root = fdnix_config_get_path (config, "input.nixpkgs-root");
    }
  return self;
}

static FdnixSource *
source_new_for (FdnixConfig *config, const gchar *key, GError **error)
{
  FdnixSource *self;
  gint64 timeout;

  if (g_str_equal (key, "input.file"))
    {
      g_autofree gchar *path = fdnix_config_get_path (config, "input.file");
      return fdnix_source_new_file (path);
    }
  if (g_str_equal (key, "input.channel"))
    {
      self = source_new (SOURCE_CHANNEL);
      self->path = fdnix_channel_url (fdnix_config_get_string (config, "input.channel"),
                                      fdnix_config_get_string (config, "input.channel-base-url"));
      self->description = g_strdup (self->path);
      self->channel = fdnix_channel_new (self->path, config, error);
      if (self->channel == NULL)
        {
          fdnix_source_free (self);
          return NULL;
        }
      return self;
    }

  self = source_new (SOURCE_NIX_ENV);
  self->path = fdnix_config_get_path (config, "nix.nixpkgs");
  if (self->path == NULL)
    self->path = g_strdup ("<nixpkgs>");
  self->nix_env = g_strdup (fdnix_config_get_string (config, "nix.nix-env"));
  self->nix_args = fdnix_config_get_list (config, "nix.arg");
  self->nix_argstrs = fdnix_config_get_list (config, "nix.argstr");
  timeout = fdnix_config_get_int (config, "nix.timeout");
  self->nix_timeout_s = timeout > 0 ? (guint) MIN (timeout, G_MAXUINT) : 0;
  self->packages_config = fdnix_config_get_bool (config, "nix.packages-config");
  if (self->path[0] != '<')
    self->nixpkgs_root = g_canonicalize_filename (self->path, NULL);
  self->description = g_strdup_printf ("nix-env -f %s", self->path);
  return self;
}

/**
 * fdnix_source_describe:
 * @self: a source
 *
 * Returns: (transfer none): what the source reads, for logs and errors.
 */
const gchar *
fdnix_source_describe (FdnixSource *self)
{
  return self->description;
}

/**
 * fdnix_source_get_nixpkgs_root:
 * @self: a source
 *
 * Returns: (nullable) (transfer none): the absolute nixpkgs directory that
 *   positions are relative to, when the source knows it (nix-env on a tree).
 */
const gchar *
fdnix_source_get_nixpkgs_root (FdnixSource *self)
{
  return self->nixpkgs_root;
}

/**
 * fdnix_source_get_position:
 * @self: a source
 * @out_position: (out): bytes read so far
 * @out_total: (out): bytes expected, 0 when unknown
 */
void
fdnix_source_get_position (FdnixSource *self, guint64 *out_position, guint64 *out_total)
{
  *out_position = self->position;
  *out_total = self->total;
}

static gboolean
run_file (FdnixSource *self, FdnixChunkFunc func, gpointer user_data, GError **error)
{
  gboolean is_stdin = g_strcmp0 (self->path, "-") == 0;
  g_autoptr(FdnixDecoder) decoder = fdnix_decoder_new (fdnix_compression_for_name (self->path),
                                                       self->description, func, user_data);
  g_autofree gchar *buffer = g_malloc (READ_CHUNK);
  struct stat st;
  gint fd;
  gboolean ok = TRUE;

  fd = is_stdin ? STDIN_FILENO : open (self->path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    {
      g_set_error (error, FDNIX_ERROR, errno == ENOENT ? FDNIX_ERROR_NOT_FOUND : FDNIX_ERROR_IO,
                   "%s: %s", self->path, g_strerror (errno));
      return FALSE;
    }
  if (fstat (fd, &st) == 0 && S_ISREG (st.st_mode))
    self->total = (guint64) st.st_size;
  else if (!is_stdin && fstat (fd, &st) == 0 && S_ISDIR (st.st_mode))
    {
      g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_USAGE, "%s: is a directory"
                   " (to evaluate a nixpkgs tree, use --nixpkgs)", self->path);
      close (fd);
      return FALSE;
    }

  while (ok)
    {
      gssize n = read (fd, buffer, READ_CHUNK);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_IO, "%s: read error: %s",
                       self->description, g_strerror (errno));
          ok = FALSE;
          break;
        }
      if (n == 0)
        break;
      self->position += (guint64) n;
      ok = fdnix_cancel_check (error) && fdnix_decoder_feed (decoder, buffer, (gsize) n, error);
    }
  if (!is_stdin)
    close (fd);
  return ok && fdnix_decoder_finish (decoder, error);
}

typedef struct {
  FdnixSource    *source;
  FdnixChunkFunc  func;
  gpointer        user_data;
} CountingChunk;

static gboolean
count_chunk (const gchar *data, gsize length, gpointer user_data, GError **error)
{
  CountingChunk *counting = user_data;

  counting->source->position += length;
  return counting->func (data, length, counting->user_data, error);
}

static gboolean
run_nix_env (FdnixSource *self, FdnixChunkFunc func, gpointer user_data, GError **error)
{
  FdnixNixEnvOptions options = {
    .program = self->nix_env,
    .nixpkgs = self->path,
    .args = (const gchar *const *) self->nix_args,
    .argstrs = (const gchar *const *) self->nix_argstrs,
    .timeout_s = self->nix_timeout_s,
    .packages_config = self->packages_config,
  };
  CountingChunk counting = { self, func, user_data };

  return fdnix_nix_env_run (&options, count_chunk, &counting, NULL, error);
}

/**
 * fdnix_source_run:
 * @self: a source
 * @func: (scope call): receives the decompressed document, chunk by chunk
 * @user_data: for @func
 * @error: return location for an error naming the source
 *
 * Reads the whole input.  Only a source that ran to its clean end returns
 * TRUE: a failed nix-env or a truncated compressed file is an error even if
 * @func accepted every byte.
 *
 * Returns: TRUE on success.
 */
gboolean
fdnix_source_run (FdnixSource *self, FdnixChunkFunc func, gpointer user_data, GError **error)
{
  switch (self->kind)
    {
    case SOURCE_NIX_ENV:
      return run_nix_env (self, func, user_data, error);
    case SOURCE_CHANNEL:
      return fdnix_channel_download (self->channel, func, user_data, &self->position, error);
    case SOURCE_FILE:
    default:
      return run_file (self, func, user_data, error);
    }
}
