/* fdnix-config.h: settings with one precedence rule.
 *
 * A setting is declared once, in a table next to the module that reads it:
 * its key in fdnix.conf ("group.name" is `name=` under `[group]`), its
 * environment variable, its command-line option and its default.  Values are
 * resolved as built-in default < config file < environment < command line,
 * and every value remembers where it came from, so an error can say
 * "fdnix.conf: [sync] min-ratio: ..." rather than "bad value".
 *
 * The table is the only place a default is written: a module's
 * *_options_init() reads its defaults from fdnix_config_new_defaults() of
 * its own table, through the same code that reads a loaded configuration.
 * A module that reads a group checks first (fdnix_config_require()) that
 * the program registered it, so that a setting the user gave can never be
 * dropped in silence for want of a registration.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  FDNIX_SETTING_STRING,
  FDNIX_SETTING_PATH,    /* a string; "~/" is expanded */
  FDNIX_SETTING_INT,
  FDNIX_SETTING_DOUBLE,
  FDNIX_SETTING_BOOL,
  FDNIX_SETTING_LIST,    /* comma- or semicolon-separated strings; repeatable option */
} FdnixSettingType;

typedef enum {
  FDNIX_SOURCE_DEFAULT,
  FDNIX_SOURCE_FILE,
  FDNIX_SOURCE_ENV,
  FDNIX_SOURCE_CLI,
} FdnixSettingSource;

typedef struct {
  const gchar      *key;           /* "group.name" */
  FdnixSettingType  type;
  const gchar      *default_value; /* NULL: unset */
  const gchar      *env;           /* environment variable, or NULL */
  const gchar      *long_option;   /* without "--", or NULL */
  gchar             short_option;  /* or 0 */
  const gchar      *arg_name;      /* "FILE", "N", ...; NULL for BOOL */
  const gchar      *help;          /* one line for --help */
  /* INT and DOUBLE: the valid values, checked whenever a value is set (file,
   * environment, command line).  Write FDNIX_RANGE (min, max) after @help.
   * A DOUBLE must be finite whether or not it has a range. */
  gboolean          has_range;
  gdouble           min;
  gdouble           max;
} FdnixSetting;

#define FDNIX_SETTING_END { NULL, 0, NULL, NULL, NULL, 0, NULL, NULL, FALSE, 0, 0 }

/* The fields after "help": the closed interval [lo, hi]. */
#define FDNIX_RANGE(lo, hi) TRUE, (lo), (hi)

/* "no upper limit" for an INT setting's range */
#define FDNIX_RANGE_INT_MAX ((gdouble) G_MAXINT64)

typedef struct _FdnixConfig FdnixConfig;

FdnixConfig        *fdnix_config_new              (void);
void                fdnix_config_free             (FdnixConfig        *self);
void                fdnix_config_register         (FdnixConfig        *self,
                                                   const FdnixSetting *settings);
const FdnixSetting *fdnix_config_lookup_setting   (FdnixConfig        *self,
                                                   const gchar        *key);
GPtrArray          *fdnix_config_list_settings    (FdnixConfig        *self);
gboolean            fdnix_config_load_file        (FdnixConfig        *self,
                                                   const gchar        *path,
                                                   GError            **error);
gboolean            fdnix_config_load_env         (FdnixConfig        *self,
                                                   GError            **error);
gboolean            fdnix_config_set              (FdnixConfig        *self,
                                                   const gchar        *key,
                                                   const gchar        *value,
                                                   FdnixSettingSource  source,
                                                   GError            **error);
gboolean            fdnix_config_is_set           (FdnixConfig        *self,
                                                   const gchar        *key);
FdnixSettingSource  fdnix_config_get_source       (FdnixConfig        *self,
                                                   const gchar        *key);
gchar              *fdnix_config_describe_source  (FdnixConfig        *self,
                                                   const gchar        *key);
const gchar        *fdnix_config_get_string       (FdnixConfig        *self,
                                                   const gchar        *key);
gchar              *fdnix_config_get_path         (FdnixConfig        *self,
                                                   const gchar        *key);
gint64              fdnix_config_get_int          (FdnixConfig        *self,
                                                   const gchar        *key);
gdouble             fdnix_config_get_double       (FdnixConfig        *self,
                                                   const gchar        *key);
gboolean            fdnix_config_get_bool         (FdnixConfig        *self,
                                                   const gchar        *key);
GStrv               fdnix_config_get_list         (FdnixConfig        *self,
                                                   const gchar        *key);
gboolean            fdnix_config_require          (FdnixConfig        *self,
                                                   const FdnixSetting *settings,
                                                   const gchar        *reader,
                                                   GError            **error);
FdnixConfig        *fdnix_config_new_defaults     (const FdnixSetting *settings);
const gchar        *fdnix_config_get_file         (FdnixConfig        *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdnixConfig, fdnix_config_free)

G_END_DECLS
