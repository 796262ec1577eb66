/* fdnix-search-filter.c: license and platform words, and the filter test. */
#include "config.h"

#include <string.h>

#include "search/fdnix-search-filter.h"

/* Appends every string value of @member in @json, which fdnix wrote itself
 * (fdnix-record.c), so a plain scan for the member is exact enough. */
static void
append_member_values (GString *out, const gchar *json, const gchar *member)
{
  g_autofree gchar *needle = g_strdup_printf ("\"%s\":\"", member);
  gsize needle_length = strlen (needle);

  for (const gchar *p = strstr (json, needle); p != NULL; p = strstr (p, needle))
    {
      const gchar *start = p + needle_length;
      const gchar *end = start;

      while (*end != '\0' && *end != '"' && *end != '\\' && *end != ' ')
        end++;
      if (end > start)
        {
          if (out->len > 0)
            g_string_append_c (out, ' ');
          g_string_append_len (out, start, end - start);
        }
      p = end;
    }
}

/**
 * fdnix_search_license_words:
 * @license_json: (nullable): a record's license (fdnix-record.h)
 *
 * Returns: (transfer full): its SPDX ids and short names, space-separated
 *   ("" for none)
 */
gchar *
fdnix_search_license_words (const gchar *license_json)
{
  GString *out = g_string_new (NULL);

  if (license_json != NULL)
    {
      append_member_values (out, license_json, "spdxId");
      append_member_values (out, license_json, "shortName");
    }
  return g_string_free (out, FALSE);
}

/**
 * fdnix_search_platform_words:
 * @platforms_json: (nullable): a record's platforms, a JSON array of strings
 *
 * Returns: (transfer full): the platforms, space-separated ("" for none)
 */
gchar *
fdnix_search_platform_words (const gchar *platforms_json)
{
  GString *out = g_string_new (NULL);
  gboolean in_string = FALSE;

  for (const gchar *p = platforms_json != NULL ? platforms_json : ""; *p != '\0'; p++)
    {
      if (*p == '"')
        {
          in_string = !in_string;
          if (in_string && out->len > 0)
            g_string_append_c (out, ' ');
        }
      else if (in_string && *p != ' ' && *p != '\\')
        g_string_append_c (out, *p);
    }
  return g_string_free (out, FALSE);
}

/**
 * fdnix_search_has_word:
 * @words: space-separated words
 * @word: a word
 *
 * Returns: whether @word is one of @words, without ASCII case
 */
gboolean
fdnix_search_has_word (const gchar *words, const gchar *word)
{
  gsize length = strlen (word);

  for (const gchar *p = words; *p != '\0';)
    {
      const gchar *end = strchr (p, ' ');
      gsize n = end != NULL ? (gsize) (end - p) : strlen (p);

      if (n == length && g_ascii_strncasecmp (p, word, n) == 0)
        return TRUE;
      p += n;
      while (*p == ' ')
        p++;
    }
  return FALSE;
}

/**
 * fdnix_search_filter_matches:
 * @filter: (nullable): a filter; NULL shows every package but broken ones
 * @index: the index
 * @entry: one of its entries
 *
 * Returns: whether @entry may be shown
 */
gboolean
fdnix_search_filter_matches (const FdnixSearchFilter *filter, const FdnixSearchIndex *index,
                             const FdnixSearchEntry *entry)
{
  const gchar *name;

  if ((entry->flags & FDNIX_SEARCH_ENTRY_BROKEN) && (filter == NULL || !filter->include_broken))
    return FALSE;
  if (filter == NULL)
    return TRUE;
  if (filter->license != NULL)
    {
      gboolean unfree = (entry->flags & FDNIX_SEARCH_ENTRY_UNFREE) != 0;

      if (g_ascii_strcasecmp (filter->license, "free") == 0 ? unfree
          : g_ascii_strcasecmp (filter->license, "unfree") == 0 ? !unfree
          : !fdnix_search_has_word (fdnix_search_entry_licenses (index, entry), filter->license))
        return FALSE;
    }
  if (filter->platform != NULL)
    {
      const gchar *platforms = fdnix_search_entry_platforms (index, entry);

      if (*platforms != '\0' && !fdnix_search_has_word (platforms, filter->platform))
        return FALSE;
    }
  name = fdnix_search_entry_name (index, entry);
  if (filter->set != NULL && *filter->set != '\0' &&
      !(g_str_has_prefix (name, filter->set) && name[strlen (filter->set)] == '.'))
    return FALSE;
  return TRUE;
}
