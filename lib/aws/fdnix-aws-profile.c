/* fdnix-aws-profile.c: parsing ~/.aws/config and ~/.aws/credentials. */
#include "config.h"

#include <string.h>

#include "aws/fdnix-aws-profile.h"
#include "core/fdnix-error.h"

static gchar *
path_from (const gchar *env, const gchar *name)
{
  const gchar *value = g_getenv (env);

  if (value != NULL && *value != '\0')
    {
      if (g_str_has_prefix (value, "~/"))
        return g_build_filename (g_get_home_dir (), value + 2, NULL);
      return g_strdup (value);
    }
  return g_build_filename (g_get_home_dir (), ".aws", name, NULL);
}

/**
 * fdnix_aws_profile_config_path:
 *
 * Returns: (transfer full): AWS_CONFIG_FILE or ~/.aws/config.
 */
gchar *
fdnix_aws_profile_config_path (void)
{
  return path_from ("AWS_CONFIG_FILE", "config");
}

/**
 * fdnix_aws_profile_credentials_path:
 *
 * Returns: (transfer full): AWS_SHARED_CREDENTIALS_FILE or ~/.aws/credentials.
 */
gchar *
fdnix_aws_profile_credentials_path (void)
{
  return path_from ("AWS_SHARED_CREDENTIALS_FILE", "credentials");
}

/* Whether section header text (between the brackets) names @profile. */
static gboolean
section_matches (const gchar *section, const gchar *profile, gboolean config_file)
{
  g_autofree gchar *s = g_strstrip (g_strdup (section));

  if (!config_file)
    return g_str_equal (s, profile);
  if (g_str_equal (profile, "default") && g_str_equal (s, "default"))
    return TRUE;
  if (g_str_has_prefix (s, "profile") && (s[7] == ' ' || s[7] == '\t'))
    return g_str_equal (g_strstrip (s + 8), profile);
  return FALSE;
}

/**
 * fdnix_aws_profile_parse:
 * @text: a config or credentials file
 * @profile: the profile to read
 * @config_file: TRUE for the config file's "[profile NAME]" syntax
 * @out_found: (out) (optional): whether a section for @profile exists
 *
 * Returns: (transfer full): lower-case key → value of @profile's section.
 */
GHashTable *
fdnix_aws_profile_parse (const gchar *text, const gchar *profile, gboolean config_file,
                         gboolean *out_found)
{
  GHashTable *values = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  gboolean in_section = FALSE, found = FALSE;

  for (guint i = 0; lines[i] != NULL; i++)
    {
      gchar *line = lines[i];
      gchar *eq;
      g_autofree gchar *key = NULL;

      g_strchomp (line);
      if (*line == ' ' || *line == '\t')
        continue;  /* sub-property of the previous key */
      if (*line == '#' || *line == ';' || *line == '\0')
        continue;
      if (*line == '[')
        {
          gchar *end = strchr (line, ']');
          if (end == NULL)
            {
              in_section = FALSE;
              continue;
            }
          *end = '\0';
          in_section = section_matches (line + 1, profile, config_file);
          found |= in_section;
          continue;
        }
      if (!in_section || (eq = strchr (line, '=')) == NULL)
        continue;
      *eq = '\0';
      key = g_ascii_strdown (g_strstrip (line), -1);
      {
        gchar *value = g_strstrip (eq + 1);
        /* an inline comment needs whitespace before it */
        for (gchar *p = value; *p != '\0'; p++)
          if ((*p == '#' || *p == ';') && p > value && (p[-1] == ' ' || p[-1] == '\t'))
            {
              *p = '\0';
              g_strchomp (value);
              break;
            }
        if (*key != '\0')
          g_hash_table_replace (values, g_steal_pointer (&key), g_strdup (value));
      }
    }
  if (out_found != NULL)
    *out_found = found;
  return values;
}

static gboolean
merge_file (GHashTable *into, const gchar *path, const gchar *profile, gboolean config_file,
            gboolean *found, GError **error)
{
  g_autofree gchar *text = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GHashTable) values = NULL;
  gboolean here = FALSE;
  GHashTableIter iter;
  gpointer k, v;

  if (!g_file_get_contents (path, &text, NULL, &local_error))
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return TRUE;
      g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_IO, "%s: %s", path, local_error->message);
      return FALSE;
    }
  values = fdnix_aws_profile_parse (text, profile, config_file, &here);
  *found |= here;
  g_hash_table_iter_init (&iter, values);
  while (g_hash_table_iter_next (&iter, &k, &v))
    g_hash_table_replace (into, g_strdup (k), g_strdup (v));
  return TRUE;
}

/**
 * fdnix_aws_profile_load:
 * @profile: the profile name
 * @out_found: (out) (optional): whether either file has the profile
 * @error: return location for an error (an unreadable file; a missing
 *   one is not an error)
 *
 * Returns: (transfer full) (nullable): the profile's keys, credentials
 *   file over config file.
 */
GHashTable *
fdnix_aws_profile_load (const gchar *profile, gboolean *out_found, GError **error)
{
  g_autoptr(GHashTable) values = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autofree gchar *config = fdnix_aws_profile_config_path ();
  g_autofree gchar *credentials = fdnix_aws_profile_credentials_path ();
  gboolean found = FALSE;

  if (!merge_file (values, config, profile, TRUE, &found, error) ||
      !merge_file (values, credentials, profile, FALSE, &found, error))
    return NULL;
  if (out_found != NULL)
    *out_found = found;
  return g_steal_pointer (&values);
}
