/* fdnix-search-group.c: group keys and the members of each group. */
#include "config.h"

#include <string.h>

#include "search/fdnix-search-group.h"

struct _FdnixSearchGroups {
  guint32 *group_of;   /* entry → group */
  guint32 *starts;     /* group → first index into members; n_groups + 1 of them */
  guint32 *members;    /* entries, by group, each group in entry order */
  guint    n_entries;
  guint    n_groups;
};

/* Appends @segment without its digits, and without the underscores that
 * stood before them (linuxPackages_6_1 → linuxPackages). */
static void
append_set_segment (GString *out, const gchar *segment, gsize length)
{
  for (gsize i = 0; i < length; i++)
    {
      if (g_ascii_isdigit (segment[i]))
        continue;
      if (segment[i] == '_' && (i + 1 == length || g_ascii_isdigit (segment[i + 1])))
        continue;
      g_string_append_c (out, segment[i]);
    }
}

/* Appends the last segment without a version suffix: "_" and digits (and
 * further "_" and digits) at its end. */
static void
append_last_segment (GString *out, const gchar *segment)
{
  gsize length = strlen (segment);
  gsize end = length;

  while (end > 0 && (g_ascii_isdigit (segment[end - 1]) || segment[end - 1] == '_'))
    end--;
  /* only a suffix that starts with an underscore is a version */
  if (end == length || segment[end] != '_' || end == 0)
    end = length;
  g_string_append_len (out, segment, end);
}

/**
 * fdnix_search_group_key:
 * @attribute_path: an attribute path
 *
 * Returns: (transfer full): its group key (see fdnix-search-group.h)
 */
gchar *
fdnix_search_group_key (const gchar *attribute_path)
{
  GString *key = g_string_new (NULL);
  const gchar *segment = attribute_path;
  const gchar *dot;

  while ((dot = strchr (segment, '.')) != NULL)
    {
      append_set_segment (key, segment, (gsize) (dot - segment));
      g_string_append_c (key, '.');
      segment = dot + 1;
    }
  append_last_segment (key, segment);
  return g_string_free (key, FALSE);
}

/**
 * fdnix_search_groups_new:
 * @attribute_paths: (array length=n): the attribute path of each entry
 * @n: the number of entries
 *
 * Returns: (transfer full): the groups of the entries
 */
FdnixSearchGroups *
fdnix_search_groups_new (const gchar *const *attribute_paths, guint n)
{
  FdnixSearchGroups *self = g_new0 (FdnixSearchGroups, 1);
  g_autoptr(GHashTable) ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree guint32 *counts = NULL;
  g_autofree guint32 *fill = NULL;

  self->n_entries = n;
  self->group_of = g_new (guint32, MAX (n, 1));
  for (guint i = 0; i < n; i++)
    {
      gchar *key = fdnix_search_group_key (attribute_paths[i]);
      gpointer id;

      if (g_hash_table_lookup_extended (ids, key, NULL, &id))
        {
          self->group_of[i] = GPOINTER_TO_UINT (id);
          g_free (key);
        }
      else
        {
          self->group_of[i] = self->n_groups++;
          g_hash_table_insert (ids, key, GUINT_TO_POINTER (self->group_of[i]));
        }
    }
  /* counting sort: members of each group, in entry order */
  counts = g_new0 (guint32, self->n_groups + 1);
  for (guint i = 0; i < n; i++)
    counts[self->group_of[i] + 1]++;
  self->starts = g_new (guint32, self->n_groups + 1);
  self->starts[0] = 0;
  for (guint g = 0; g < self->n_groups; g++)
    self->starts[g + 1] = self->starts[g] + counts[g + 1];
  fill = g_new (guint32, self->n_groups + 1);
  memcpy (fill, self->starts, sizeof (guint32) * (self->n_groups + 1));
  self->members = g_new (guint32, MAX (n, 1));
  for (guint i = 0; i < n; i++)
    self->members[fill[self->group_of[i]]++] = i;
  return self;
}

/**
 * fdnix_search_groups_free:
 * @self: (transfer full) (nullable): groups
 */
void
fdnix_search_groups_free (FdnixSearchGroups *self)
{
  if (self == NULL)
    return;
  g_free (self->group_of);
  g_free (self->starts);
  g_free (self->members);
  g_free (self);
}

/**
 * fdnix_search_groups_get_group:
 * @self: groups
 * @entry: an entry
 *
 * Returns: the entry's group
 */
guint
fdnix_search_groups_get_group (const FdnixSearchGroups *self, guint entry)
{
  g_return_val_if_fail (entry < self->n_entries, 0);
  return self->group_of[entry];
}

/**
 * fdnix_search_groups_get_members:
 * @self: groups
 * @group: a group
 * @out_n: (out): how many entries it has
 *
 * Returns: (array length=out_n): its entries, in entry order
 */
const guint32 *
fdnix_search_groups_get_members (const FdnixSearchGroups *self, guint group, guint *out_n)
{
  g_return_val_if_fail (group < self->n_groups, NULL);
  *out_n = self->starts[group + 1] - self->starts[group];
  return self->members + self->starts[group];
}

/**
 * fdnix_search_groups_get_memory_size:
 * @self: groups
 *
 * Returns: bytes held
 */
gsize
fdnix_search_groups_get_memory_size (const FdnixSearchGroups *self)
{
  return sizeof (guint32) * (2 * (gsize) self->n_entries + self->n_groups + 1);
}
