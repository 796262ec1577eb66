/* fdnix-config.c: settings table, GKeyFile, environment, precedence. */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/fdnix-config.h"
#include "core/fdnix-error.h"

typedef struct {
  const FdnixSetting *setting;
  GStrv               values;   /* one element unless the type is LIST */
  FdnixSettingSource  source;
  gchar              *origin;   /* file path, variable or option that set it */
} Entry;

struct _FdnixConfig {
  GHashTable *entries;     /* key → Entry */
  GPtrArray  *order;       /* keys in registration order */
  gchar      *file;        /* the config file read, if any */
  GHashTable *unknown;     /* "group.name" → "file:line" of keys the file
                            * set that no table declares */
};

static void
entry_free (gpointer data)
{
  Entry *entry = data;

  g_strfreev (entry->values);
  g_free (entry->origin);
  g_free (entry);
}

/**
 * fdnix_config_new:
 *
 * Returns: (transfer full): an empty configuration; register tables next.
 */
FdnixConfig *
fdnix_config_new (void)
{
  FdnixConfig *self = g_new0 (FdnixConfig, 1);

  self->entries = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, entry_free);
  self->order = g_ptr_array_new ();
  self->unknown = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  return self;
}

/**
 * fdnix_config_free:
 * @self: (transfer full) (nullable): a configuration
 */
void
fdnix_config_free (FdnixConfig *self)
{
  if (self == NULL)
    return;
  g_hash_table_unref (self->entries);
  g_ptr_array_unref (self->order);
  g_hash_table_unref (self->unknown);
  g_free (self->file);
  g_free (self);
}

static Entry *
lookup_entry (FdnixConfig *self, const gchar *key)
{
  Entry *entry = g_hash_table_lookup (self->entries, key);

  /* Reading an undeclared key is a programming error, not a user error;
   * modules check their tables with fdnix_config_require() before they
   * read, so this is the last line of defence. */
  if (entry == NULL)
    g_error ("setting '%s' is read but %s never registered it", key,
             g_get_prgname () != NULL ? g_get_prgname () : "the program");
  return entry;
}

/**
 * fdnix_config_register:
 * @self: a configuration
 * @settings: a table ended by FDNIX_SETTING_END, kept by reference
 *
 * Declares settings and applies their defaults.  A key registered twice
 * keeps its first declaration, so shared tables can be registered by every
 * program that needs them.
 */
void
fdnix_config_register (FdnixConfig *self, const FdnixSetting *settings)
{
  for (const FdnixSetting *s = settings; s->key != NULL; s++)
    {
      Entry *entry;

      if (g_hash_table_contains (self->entries, s->key))
        continue;
      entry = g_new0 (Entry, 1);
      entry->setting = s;
      entry->source = FDNIX_SOURCE_DEFAULT;
      if (s->default_value != NULL && s->type == FDNIX_SETTING_LIST)
        entry->values = g_strsplit (s->default_value, ",", -1);
      else if (s->default_value != NULL)
        {
          const gchar *one[] = { s->default_value, NULL };
          entry->values = g_strdupv ((gchar **) one);
        }
      g_hash_table_insert (self->entries, (gpointer) s->key, entry);
      g_ptr_array_add (self->order, (gpointer) s->key);
    }
}

/**
 * fdnix_config_new_defaults:
 * @settings: a table ended by FDNIX_SETTING_END
 *
 * A configuration holding nothing but the defaults of @settings: what a
 * module's *_options_init() reads, with the code that reads a loaded
 * configuration, so that each default is written once, in its table.
 *
 * Returns: (transfer full): a configuration with @settings registered.
 */
FdnixConfig *
fdnix_config_new_defaults (const FdnixSetting *settings)
{
  FdnixConfig *self = fdnix_config_new ();

  fdnix_config_register (self, settings);
  return self;
}

/**
 * fdnix_config_require:
 * @self: a configuration
 * @settings: the table a module is about to read
 * @reader: the function that reads @settings (G_STRFUNC), for the message
 * @error: return location for FDNIX_ERROR_FAILED
 *
 * Checks that every setting of @settings is registered.  A program that
 * reads a group it never registered would run on the defaults whatever the
 * user wrote (the file's keys would be "unknown", the variables never
 * read): that is a bug of the program, reported with the key and, when
 * the user gave a value, the file and line or the variable that holds it.
 *
 * Returns: TRUE when all of @settings are registered.
 */
gboolean
fdnix_config_require (FdnixConfig *self, const FdnixSetting *settings, const gchar *reader,
                      GError **error)
{
  const FdnixSetting *missing = NULL;
  g_autofree gchar *given = NULL;
  g_autofree gchar *group = NULL;
  const gchar *dot;

  /* the first one missing, or better the first the user gave a value */
  for (const FdnixSetting *s = settings; s->key != NULL && given == NULL; s++)
    {
      const gchar *line;
      const gchar *env = s->env != NULL ? g_getenv (s->env) : NULL;

      if (g_hash_table_contains (self->entries, s->key))
        continue;
      if (missing == NULL)
        missing = s;
      line = g_hash_table_lookup (self->unknown, s->key);
      if (line != NULL)
        given = g_strdup_printf ("; %s sets it", line);
      else if (env != NULL && *env != '\0')
        given = g_strdup_printf ("; environment variable %s sets it", s->env);
      if (given != NULL)
        missing = s;
    }
  if (missing == NULL)
    return TRUE;
  dot = strchr (missing->key, '.');
  group = g_strndup (missing->key, dot != NULL ? (gsize) (dot - missing->key) : strlen (missing->key));
  g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_FAILED,
               "%s() reads setting [%s] %s, which %s does not register "
               "(a bug: a value given for it would be ignored%s)", reader, group,
               dot != NULL ? dot + 1 : missing->key,
               g_get_prgname () != NULL ? g_get_prgname () : "this program",
               given != NULL ? given : "");
  return FALSE;
}

/**
 * fdnix_config_lookup_setting:
 * @self: a configuration
 * @key: "group.name"
 *
 * Returns: (nullable) (transfer none): the declaration of @key.
 */
const FdnixSetting *
fdnix_config_lookup_setting (FdnixConfig *self, const gchar *key)
{
  Entry *entry = g_hash_table_lookup (self->entries, key);

  return entry != NULL ? entry->setting : NULL;
}

/**
 * fdnix_config_list_settings:
 * @self: a configuration
 *
 * Returns: (transfer container) (element-type FdnixSetting): every declared
 *   setting, in registration order.
 */
GPtrArray *
fdnix_config_list_settings (FdnixConfig *self)
{
  GPtrArray *list = g_ptr_array_new ();

  for (guint i = 0; i < self->order->len; i++)
    g_ptr_array_add (list, (gpointer) fdnix_config_lookup_setting (self, self->order->pdata[i]));
  return list;
}

static gboolean
parse_bool (const gchar *text, gboolean *out)
{
  static const gchar *const yes[] = { "true", "yes", "on", "1", NULL };
  static const gchar *const no[] = { "false", "no", "off", "0", NULL };
  g_autofree gchar *lower = g_ascii_strdown (text, -1);

  if (g_strv_contains (yes, lower))
    *out = TRUE;
  else if (g_strv_contains (no, lower))
    *out = FALSE;
  else
    return FALSE;
  return TRUE;
}

/* A bound as people write it: 67108864 rather than 6.71089e+07. */
static gchar *
format_bound (gdouble value)
{
  if (value == floor (value) && fabs (value) < 1e15)
    return g_strdup_printf ("%.0f", value);
  return g_strdup_printf ("%g", value);
}

static gboolean
check_range (const FdnixSetting *s, gdouble value, const gchar *text, const gchar *origin,
             GError **error)
{
  g_autofree gchar *min = NULL;
  g_autofree gchar *max = NULL;

  if (!s->has_range || (value >= s->min && value <= s->max))
    return TRUE;
  min = format_bound (s->min);
  if (s->max >= FDNIX_RANGE_INT_MAX)
    {
      g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_USAGE,
                   "%s: '%s' is out of range (at least %s)", origin, text, min);
      return FALSE;
    }
  max = format_bound (s->max);
  g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_USAGE,
               "%s: '%s' is out of range (%s to %s)", origin, text, min, max);
  return FALSE;
}

/* The one place a value is checked against its declaration: type, then
 * range, whichever source it came from. */
static gboolean
validate (const FdnixSetting *s, const gchar *value, const gchar *origin, GError **error)
{
  gint64 i;
  gdouble d;
  gboolean b;
  gchar *end = NULL;

  switch (s->type)
    {
    case FDNIX_SETTING_INT:
      errno = 0;
      i = g_ascii_strtoll (value, &end, 10);
      if (errno != 0 || end == value || *end != '\0')
        {
          g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_USAGE,
                       "%s: '%s' is not an integer", origin, value);
          return FALSE;
        }
      /* compared as doubles: exact for every bound below 2^53, and the
       * only larger bound is FDNIX_RANGE_INT_MAX */
      return check_range (s, (gdouble) i, value, origin, error);
    case FDNIX_SETTING_DOUBLE:
      errno = 0;
      d = g_ascii_strtod (value, &end);
      if (end == value || *end != '\0')
        {
          g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_USAGE,
                       "%s: '%s' is not a number", origin, value);
          return FALSE;
        }
      /* nan and inf parse, and so does an overflow (ERANGE, HUGE_VAL); an
       * underflow rounds to (nearly) zero and is kept */
      if (!isfinite (d))
        {
          g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_USAGE,
                       "%s: '%s' is not a finite number", origin, value);
          return FALSE;
        }
      return check_range (s, d, value, origin, error);
    case FDNIX_SETTING_BOOL:
      if (!parse_bool (value, &b))
        {
          g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_USAGE,
                       "%s: '%s' is not a boolean (true or false)", origin, value);
          return FALSE;
        }
      break;
    default:
      break;
    }
  return TRUE;
}

static gchar *
origin_for (FdnixConfig *self, const FdnixSetting *s, FdnixSettingSource source)
{
  g_autofree gchar *group = g_strndup (s->key, strcspn (s->key, "."));
  const gchar *name = strchr (s->key, '.') != NULL ? strchr (s->key, '.') + 1 : s->key;

  switch (source)
    {
    case FDNIX_SOURCE_FILE:
      return g_strdup_printf ("%s: [%s] %s", self->file != NULL ? self->file : "config file",
                              group, name);
    case FDNIX_SOURCE_ENV:
      return g_strdup_printf ("environment variable %s", s->env);
    case FDNIX_SOURCE_CLI:
      return s->long_option != NULL ? g_strdup_printf ("option --%s", s->long_option)
                                    : g_strdup_printf ("setting %s", s->key);
    case FDNIX_SOURCE_DEFAULT:
    default:
      return g_strdup_printf ("default of %s", s->key);
    }
}

/**
 * fdnix_config_set:
 * @self: a configuration
 * @key: a registered key
 * @value: the value as text
 * @source: where it comes from
 * @error: return location for a usage error naming @key and its source
 *
 * Sets @key unless a higher-precedence source already set it.  For LIST
 * settings, command-line values accumulate and replace lower sources.
 *
 * Returns: TRUE when @value is valid for the setting's type.
 */
gboolean
fdnix_config_set (FdnixConfig *self, const gchar *key, const gchar *value,
                  FdnixSettingSource source, GError **error)
{
  Entry *entry = g_hash_table_lookup (self->entries, key);
  g_autofree gchar *origin = NULL;

  if (entry == NULL)
    {
      g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_USAGE, "unknown setting '%s'", key);
      return FALSE;
    }
  origin = origin_for (self, entry->setting, source);
  if (!validate (entry->setting, value, origin, error))
    return FALSE;
  if (source < entry->source)
    return TRUE;

  if (entry->setting->type == FDNIX_SETTING_LIST && source == entry->source &&
      source == FDNIX_SOURCE_CLI)
    {
      gsize n = g_strv_length (entry->values);
      entry->values = g_renew (gchar *, entry->values, n + 2);
      entry->values[n] = g_strdup (value);
      entry->values[n + 1] = NULL;
    }
  else
    {
      const gchar *one[] = { value, NULL };
      g_strfreev (entry->values);
      if (entry->setting->type == FDNIX_SETTING_LIST && source == FDNIX_SOURCE_ENV)
        entry->values = g_strsplit (value, ",", -1);
      else
        entry->values = g_strdupv ((gchar **) one);
    }
  entry->source = source;
  g_free (entry->origin);
  entry->origin = g_steal_pointer (&origin);
  return TRUE;
}

/* GKeyFile keeps no line numbers: find the line of @key in @group (the
 * last one, as GKeyFile keeps the last), for the message about it. */
static guint
find_line (const gchar *contents, const gchar *group, const gchar *key)
{
  g_auto(GStrv) lines = g_strsplit (contents, "\n", -1);
  g_autofree gchar *header = g_strdup_printf ("[%s]", group);
  gboolean in_group = FALSE;
  guint found = 0;

  for (guint i = 0; lines[i] != NULL; i++)
    {
      gchar *line = g_strstrip (lines[i]);
      gsize key_length = strlen (key);

      if (line[0] == '[')
        in_group = g_str_equal (line, header);
      else if (in_group && strncmp (line, key, key_length) == 0 &&
               (line[key_length] == '=' || line[key_length] == ' ' || line[key_length] == '\t'))
        found = i + 1;
    }
  return found;
}

/**
 * fdnix_config_load_file:
 * @self: a configuration
 * @path: a GKeyFile
 * @error: return location for an error naming @path
 *
 * Reads settings from @path.  Unknown keys are reported as warnings naming
 * the file and line (they are often typos, or another program's settings)
 * but do not fail the run; fdnix_config_require() names them if a module
 * reads them after all.
 *
 * Returns: TRUE on success.
 */
gboolean
fdnix_config_load_file (FdnixConfig *self, const gchar *path, GError **error)
{
  g_autoptr(GKeyFile) file = g_key_file_new ();
  g_auto(GStrv) groups = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree gchar *contents = NULL;
  gsize length = 0;

  /* Read the bytes first: g_key_file_load_from_file() refuses anything
   * but a regular file, and /dev/null is the usual "no configuration". */
  if (!g_file_get_contents (path, &contents, &length, &local_error) ||
      !g_key_file_load_from_data (file, contents, length, G_KEY_FILE_NONE, &local_error))
    {
      g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_USAGE, "%s: %s", path, local_error->message);
      return FALSE;
    }
  g_free (self->file);
  self->file = g_strdup (path);

  groups = g_key_file_get_groups (file, NULL);
  for (gsize g = 0; groups[g] != NULL; g++)
    {
      g_auto(GStrv) keys = g_key_file_get_keys (file, groups[g], NULL, NULL);

      for (gsize k = 0; keys != NULL && keys[k] != NULL; k++)
        {
          g_autofree gchar *key = g_strdup_printf ("%s.%s", groups[g], keys[k]);
          Entry *entry = g_hash_table_lookup (self->entries, key);

          if (entry == NULL)
            {
              guint line = find_line (contents, groups[g], keys[k]);
              g_autofree gchar *where = line > 0 ? g_strdup_printf ("%s:%u", path, line)
                                                 : g_strdup (path);

              g_warning ("%s: [%s] %s: unknown key, ignored", where, groups[g], keys[k]);
              g_hash_table_replace (self->unknown, g_steal_pointer (&key), g_steal_pointer (&where));
              continue;
            }
          if (entry->setting->type == FDNIX_SETTING_LIST)
            {
              g_auto(GStrv) items = g_key_file_get_string_list (file, groups[g], keys[k], NULL, error);
              g_autofree gchar *origin = origin_for (self, entry->setting, FDNIX_SOURCE_FILE);

              if (items == NULL)
                return FALSE;
              if (entry->source > FDNIX_SOURCE_FILE)
                continue;
              g_strfreev (entry->values);
              entry->values = g_steal_pointer (&items);
              entry->source = FDNIX_SOURCE_FILE;
              g_free (entry->origin);
              entry->origin = g_steal_pointer (&origin);
            }
          else
            {
              g_autofree gchar *value = g_key_file_get_string (file, groups[g], keys[k], error);

              if (value == NULL)
                {
                  g_prefix_error (error, "%s: [%s] %s: ", path, groups[g], keys[k]);
                  return FALSE;
                }
              if (!fdnix_config_set (self, key, value, FDNIX_SOURCE_FILE, error))
                return FALSE;
            }
        }
    }
  return TRUE;
}

/**
 * fdnix_config_load_env:
 * @self: a configuration
 * @error: return location for an error naming the variable
 *
 * Applies every declared environment variable that is set and not empty
 * (an empty variable counts as unset, as in the original containers).
 *
 * Returns: TRUE on success.
 */
gboolean
fdnix_config_load_env (FdnixConfig *self, GError **error)
{
  for (guint i = 0; i < self->order->len; i++)
    {
      /* every key in the order was registered, so the entry exists */
      const FdnixSetting *s = lookup_entry (self, self->order->pdata[i])->setting;
      const gchar *value;

      if (s->env == NULL)
        continue;
      value = g_getenv (s->env);
      if (value == NULL || *value == '\0')
        continue;
      if (!fdnix_config_set (self, s->key, value, FDNIX_SOURCE_ENV, error))
        return FALSE;
    }
  return TRUE;
}

/**
 * fdnix_config_is_set:
 * @self: a configuration
 * @key: a registered key
 *
 * Returns: whether @key has a value (from any source, defaults included).
 */
gboolean
fdnix_config_is_set (FdnixConfig *self, const gchar *key)
{
  Entry *entry = lookup_entry (self, key);

  return entry->values != NULL && entry->values[0] != NULL;
}

/**
 * fdnix_config_get_source:
 * @self: a configuration
 * @key: a registered key
 *
 * Returns: where the current value of @key came from.
 */
FdnixSettingSource
fdnix_config_get_source (FdnixConfig *self, const gchar *key)
{
  return lookup_entry (self, key)->source;
}

/**
 * fdnix_config_describe_source:
 * @self: a configuration
 * @key: a registered key
 *
 * Returns: (transfer full): e.g. "fdnix.conf: [sync] min-ratio", for errors.
 */
gchar *
fdnix_config_describe_source (FdnixConfig *self, const gchar *key)
{
  Entry *entry = lookup_entry (self, key);

  if (entry->origin != NULL)
    return g_strdup (entry->origin);
  return origin_for (self, entry->setting, entry->source);
}

/**
 * fdnix_config_get_string:
 * @self: a configuration
 * @key: a registered key
 *
 * Returns: (nullable) (transfer none): the value, or NULL when unset.
 */
const gchar *
fdnix_config_get_string (FdnixConfig *self, const gchar *key)
{
  Entry *entry = lookup_entry (self, key);

  return entry->values != NULL ? entry->values[0] : NULL;
}

/**
 * fdnix_config_get_path:
 * @self: a configuration
 * @key: a registered key
 *
 * Returns: (nullable) (transfer full): the value with a leading "~/"
 *   expanded to the home directory.
 */
gchar *
fdnix_config_get_path (FdnixConfig *self, const gchar *key)
{
  const gchar *value = fdnix_config_get_string (self, key);

  if (value == NULL)
    return NULL;
  if (g_str_has_prefix (value, "~/"))
    return g_build_filename (g_get_home_dir (), value + 2, NULL);
  return g_strdup (value);
}

/**
 * fdnix_config_get_int:
 * @self: a configuration
 * @key: a registered INT key
 *
 * Returns: the value, or 0 when unset (values were validated when set).
 */
gint64
fdnix_config_get_int (FdnixConfig *self, const gchar *key)
{
  const gchar *value = fdnix_config_get_string (self, key);

  return value != NULL ? g_ascii_strtoll (value, NULL, 10) : 0;
}

/**
 * fdnix_config_get_double:
 * @self: a configuration
 * @key: a registered DOUBLE key
 *
 * Returns: the value, or 0 when unset.
 */
gdouble
fdnix_config_get_double (FdnixConfig *self, const gchar *key)
{
  const gchar *value = fdnix_config_get_string (self, key);

  return value != NULL ? g_ascii_strtod (value, NULL) : 0.0;
}

/**
 * fdnix_config_get_bool:
 * @self: a configuration
 * @key: a registered BOOL key
 *
 * Returns: the value, or FALSE when unset.
 */
gboolean
fdnix_config_get_bool (FdnixConfig *self, const gchar *key)
{
  const gchar *value = fdnix_config_get_string (self, key);
  gboolean result = FALSE;

  if (value != NULL)
    parse_bool (value, &result);
  return result;
}

/**
 * fdnix_config_get_list:
 * @self: a configuration
 * @key: a registered LIST key
 *
 * Returns: (transfer full): the items, possibly empty, never NULL.
 */
GStrv
fdnix_config_get_list (FdnixConfig *self, const gchar *key)
{
  Entry *entry = lookup_entry (self, key);
  GPtrArray *items = g_ptr_array_new ();

  for (gsize i = 0; entry->values != NULL && entry->values[i] != NULL; i++)
    {
      g_autofree gchar *item = g_strstrip (g_strdup (entry->values[i]));
      if (*item != '\0')
        g_ptr_array_add (items, g_steal_pointer (&item));
    }
  g_ptr_array_add (items, NULL);
  return (GStrv) g_ptr_array_free (items, FALSE);
}

/**
 * fdnix_config_get_file:
 * @self: a configuration
 *
 * Returns: (nullable): the configuration file that was read, if any.
 */
const gchar *
fdnix_config_get_file (FdnixConfig *self)
{
  return self->file;
}
