/* fdnix-search-index.c: entries, one string chunk and one vector block. */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/fdnix-error.h"
#include "search/fdnix-search-index-private.h"
#include "search/fdnix-search-filter.h"
#include "search/fdnix-search-terms.h"

/**
 * fdnix_search_index_new:
 *
 * Returns: (transfer full): an empty index, ready for fdnix_search_index_add().
 */
FdnixSearchIndex *
fdnix_search_index_new (void)
{
  FdnixSearchIndex *self = g_new0 (FdnixSearchIndex, 1);

  self->entries = g_array_new (FALSE, FALSE, sizeof (FdnixSearchEntry));
  self->chunk_alloc = 64 * 1024;
  self->chunk = g_malloc (self->chunk_alloc);
  self->chunk[0] = '\0';
  self->chunk_len = 1;
  self->keywords = fdnix_keyword_index_new ();
  self->shared = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  return self;
}

/**
 * fdnix_search_index_free:
 * @self: (transfer full) (nullable): an index
 */
void
fdnix_search_index_free (FdnixSearchIndex *self)
{
  if (self == NULL)
    return;
  g_array_unref (self->entries);
  if (self->backing == NULL)
    g_free (self->chunk);
  g_clear_pointer (&self->backing, g_bytes_unref);
  g_free (self->vectors);
  fdnix_keyword_index_free (self->keywords);
  g_clear_pointer (&self->shared, g_hash_table_unref);
  fdnix_search_groups_free (self->groups);
  g_free (self);
}

/* Copies @text into the chunk; "" and NULL share offset 0.  Control
 * characters become spaces: descriptions are shown on one line. */
static gboolean
intern (FdnixSearchIndex *self, const gchar *text, guint32 *out_offset, GError **error)
{
  gsize length;

  if (text == NULL || *text == '\0')
    {
      *out_offset = 0;
      return TRUE;
    }
  length = strlen (text);
  if (self->chunk_len + length + 1 > G_MAXUINT32)
    {
      g_set_error_literal (error, FDNIX_ERROR, FDNIX_ERROR_FAILED,
                           "the package texts exceed 4 GiB; search cannot hold them");
      return FALSE;
    }
  if (self->chunk_len + length + 1 > self->chunk_alloc)
    {
      while (self->chunk_len + length + 1 > self->chunk_alloc)
        self->chunk_alloc *= 2;
      self->chunk = g_realloc (self->chunk, self->chunk_alloc);
    }
  *out_offset = (guint32) self->chunk_len;
  for (gsize i = 0; i < length; i++)
    {
      guchar c = (guchar) text[i];
      self->chunk[self->chunk_len + i] = c < 0x20 || c == 0x7f ? ' ' : (gchar) c;
    }
  self->chunk[self->chunk_len + length] = '\0';
  self->chunk_len += length + 1;
  return TRUE;
}

/* Like intern(), for texts that repeat across packages (the same license,
 * the same platform list): each is kept once. */
static gboolean
intern_shared (FdnixSearchIndex *self, gchar *text, guint32 *out_offset, GError **error)
{
  g_autofree gchar *owned = text;
  gpointer offset;

  if (g_hash_table_lookup_extended (self->shared, owned, NULL, &offset))
    {
      *out_offset = GPOINTER_TO_UINT (offset);
      return TRUE;
    }
  if (!intern (self, owned, out_offset, error))
    return FALSE;
  g_hash_table_insert (self->shared, g_steal_pointer (&owned), GUINT_TO_POINTER (*out_offset));
  return TRUE;
}

typedef struct {
  const gchar *package_name;
  const gchar *version;
  const gchar *pname;
  const gchar *main_program;
  const gchar *description;
  const gchar *long_description;
  const gchar *position;
  const gchar *license_json;
  const gchar *platforms_json;
  const gchar *homepage;
  guint8       flags;
  guint8       maintainers;
} Fields;

/* The elements of a JSON array: commas at its own level, plus one. */
static guint8
count_elements (const gchar *json)
{
  guint depth = 0, count = 0;
  gboolean in_string = FALSE, empty = TRUE;

  for (const gchar *p = json != NULL ? json : ""; *p != '\0'; p++)
    {
      if (in_string)
        {
          if (*p == '\\' && p[1] != '\0')
            p++;
          else if (*p == '"')
            in_string = FALSE;
          continue;
        }
      if (*p == '"')
        in_string = TRUE;
      if (*p == '[' || *p == '{')
        depth++;
      else if (*p == ']' || *p == '}')
        depth--;
      else if (*p == ',' && depth == 1)
        count++;
      if (depth >= 1 && !g_ascii_isspace (*p) && !(depth == 1 && *p == '['))
        empty = FALSE;
    }
  return (guint8) MIN (empty ? 0 : count + 1, G_MAXUINT8);
}

/* The keyword document of a package: its names, texts and categories. */
static void
add_keywords (FdnixSearchIndex *self, const Fields *f)
{
  g_autofree gchar *names = g_strjoin (" ", f->package_name, f->pname != NULL ? f->pname : "",
                                       f->main_program != NULL ? f->main_program : "", NULL);
  g_autofree gchar *category = fdnix_search_position_words (f->position);
  const gchar *texts[FDNIX_KEYWORD_N_FIELDS] = { names, f->description, f->long_description, category };

  fdnix_keyword_index_add (self->keywords, texts);
}

static gboolean
add_entry (FdnixSearchIndex *self, const Fields *f, GError **error)
{
  FdnixSearchEntry e = { 0 };
  const gchar *dot;

  g_return_val_if_fail (!self->sealed, FALSE);
  if (f->package_name == NULL || *f->package_name == '\0')
    {
      g_set_error_literal (error, FDNIX_ERROR, FDNIX_ERROR_INVALID_DATA, "a package without a name");
      return FALSE;
    }
  if (self->entries->len == G_MAXINT32)
    {
      g_set_error_literal (error, FDNIX_ERROR, FDNIX_ERROR_FAILED, "too many packages");
      return FALSE;
    }
  if (!intern (self, f->package_name, &e.name, error) ||
      !intern (self, f->version, &e.version, error) ||
      !intern (self, f->pname, &e.pname, error) ||
      !intern (self, f->main_program, &e.main_program, error) ||
      !intern (self, f->description, &e.description, error) ||
      !intern (self, f->homepage, &e.homepage, error) ||
      !intern (self, f->position, &e.position, error) ||
      !intern_shared (self, fdnix_search_license_words (f->license_json), &e.licenses, error) ||
      !intern_shared (self, fdnix_search_platform_words (f->platforms_json), &e.platforms, error))
    return FALSE;
  dot = strrchr (f->package_name, '.');
  e.last_segment = dot != NULL && dot - f->package_name < G_MAXUINT16 ? (guint16) (dot + 1 - f->package_name) : 0;
  for (const gchar *p = f->package_name; *p != '\0' && e.depth < G_MAXUINT8; p++)
    if (*p == '.')
      e.depth++;
  e.flags = f->flags;
  e.maintainers = f->maintainers;
  g_array_append_val (self->entries, e);
  add_keywords (self, f);
  return TRUE;
}

/**
 * fdnix_search_index_add:
 * @self: an index not yet sealed
 * @package_name: attribute path (not empty)
 * @version: (nullable): version
 * @pname: (nullable): package name
 * @main_program: (nullable): main program
 * @description: (nullable): one-line description
 * @error: return location for an error
 *
 * Returns: TRUE when the package was added.
 */
gboolean
fdnix_search_index_add (FdnixSearchIndex *self, const gchar *package_name, const gchar *version,
                        const gchar *pname, const gchar *main_program, const gchar *description,
                        GError **error)
{
  Fields f = { package_name, version, pname, main_program, description, NULL, NULL, NULL, NULL, NULL, 0, 0 };

  return add_entry (self, &f, error);
}

/**
 * fdnix_search_index_add_record:
 * @self: an index not yet sealed
 * @record: a package record
 * @error: return location for an error
 *
 * Returns: TRUE when the package was added.
 */
gboolean
fdnix_search_index_add_record (FdnixSearchIndex *self, const FdnixRecord *record, GError **error)
{
  Fields f = { record->package_name, record->version, record->pname, record->main_program,
               record->description, record->long_description, record->position,
               record->license_json, record->platforms_json, record->homepage,
               (record->broken ? FDNIX_SEARCH_ENTRY_BROKEN : 0) |
               (record->insecure ? FDNIX_SEARCH_ENTRY_INSECURE : 0) |
               (record->unfree ? FDNIX_SEARCH_ENTRY_UNFREE : 0),
               count_elements (record->maintainers_json) };

  return add_entry (self, &f, error);
}

typedef struct {
  const gchar *name;
  guint        index;
} SortItem;

static int
compare_items (const void *a, const void *b)
{
  return strcmp (((const SortItem *) a)->name, ((const SortItem *) b)->name);
}

/**
 * fdnix_search_index_seal:
 * @self: an index
 * @dimension: length of every vector (0: no vectors)
 *
 * Sorts the entries by attribute path, drops repeated attribute paths
 * (the first added stays), and makes room for the vectors.
 *
 * Returns: how many repeated entries were dropped.
 */
guint
fdnix_search_index_seal (FdnixSearchIndex *self, guint dimension)
{
  guint n = self->entries->len;
  g_autofree SortItem *items = g_new (SortItem, MAX (n, 1));
  g_autofree gint *new_ids = g_new (gint, MAX (n, 1));
  GArray *sorted = g_array_sized_new (FALSE, FALSE, sizeof (FdnixSearchEntry), n);
  guint dropped = 0;

  g_return_val_if_fail (!self->sealed, 0);
  for (guint i = 0; i < n; i++)
    {
      items[i].name = self->chunk + g_array_index (self->entries, FdnixSearchEntry, i).name;
      items[i].index = i;
    }
  /* qsort is not stable: the index breaks ties, so "the first added stays" */
  qsort (items, n, sizeof (SortItem), compare_items);
  for (guint i = 0; i < n; i++)
    {
      guint first = i;

      new_ids[items[first].index] = (gint) sorted->len;
      while (i + 1 < n && strcmp (items[i + 1].name, items[first].name) == 0)
        {
          i++;
          new_ids[items[i].index] = -1;
          if (items[i].index < items[first].index)
            {
              new_ids[items[first].index] = -1;
              items[first].index = items[i].index;
              new_ids[items[first].index] = (gint) sorted->len;
            }
          dropped++;
        }
      g_array_append_val (sorted, g_array_index (self->entries, FdnixSearchEntry, items[first].index));
    }
  fdnix_keyword_index_seal (self->keywords, new_ids, sorted->len);
  g_clear_pointer (&self->shared, g_hash_table_unref);
  g_array_unref (self->entries);
  self->entries = sorted;
  /* the chunk is final: give back what doubling reserved */
  self->chunk = g_realloc (self->chunk, self->chunk_len);
  self->chunk_alloc = self->chunk_len;
  self->dimension = dimension;
  if (dimension > 0)
    self->vectors = g_new0 (gfloat, (gsize) MAX (self->entries->len, 1) * dimension);
  {
    g_autofree const gchar **names = g_new (const gchar *, MAX (self->entries->len, 1));

    for (guint i = 0; i < self->entries->len; i++)
      names[i] = self->chunk + g_array_index (self->entries, FdnixSearchEntry, i).name;
    self->groups = fdnix_search_groups_new (names, self->entries->len);
  }
  self->sealed = TRUE;
  return dropped;
}

/**
 * fdnix_search_index_find:
 * @self: a sealed index
 * @package_name: attribute path
 *
 * Returns: the entry of @package_name, or -1.
 */
gint
fdnix_search_index_find (const FdnixSearchIndex *self, const gchar *package_name)
{
  guint lo = 0, hi = self->entries->len;

  g_return_val_if_fail (self->sealed, -1);
  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;
      gint c = strcmp (self->chunk + g_array_index (self->entries, FdnixSearchEntry, mid).name,
                       package_name);

      if (c == 0)
        return (gint) mid;
      if (c < 0)
        lo = mid + 1;
      else
        hi = mid;
    }
  return -1;
}

/**
 * fdnix_search_index_set_vector:
 * @self: a sealed index
 * @entry: an entry
 * @vector: (array): dimension floats (any length: stored normalized)
 *
 * Returns: FALSE when @entry already had a vector (it is kept).
 */
gboolean
fdnix_search_index_set_vector (FdnixSearchIndex *self, guint entry, const gfloat *vector)
{
  FdnixSearchEntry *e;
  gfloat *row;
  gdouble sum = 0;

  g_return_val_if_fail (self->sealed && entry < self->entries->len && self->dimension > 0, FALSE);
  e = &g_array_index (self->entries, FdnixSearchEntry, entry);
  if (e->has_vector)
    return FALSE;
  row = self->vectors + (gsize) entry * self->dimension;
  for (guint i = 0; i < self->dimension; i++)
    sum += (gdouble) vector[i] * vector[i];
  if (sum > 0 && isfinite (sum))
    {
      gfloat scale = (gfloat) (1.0 / sqrt (sum));

      for (guint i = 0; i < self->dimension; i++)
        row[i] = vector[i] * scale;
    }
  e->has_vector = TRUE;
  self->n_vectors++;
  return TRUE;
}

/**
 * fdnix_search_index_get_count:
 * @self: an index
 *
 * Returns: the number of packages.
 */
guint
fdnix_search_index_get_count (const FdnixSearchIndex *self)
{
  return self->entries->len;
}

/**
 * fdnix_search_index_get_dimension:
 * @self: a sealed index
 *
 * Returns: the vector length (0: no vectors).
 */
guint
fdnix_search_index_get_dimension (const FdnixSearchIndex *self)
{
  return self->dimension;
}

/**
 * fdnix_search_index_get_n_vectors:
 * @self: an index
 *
 * Returns: how many packages have a vector.
 */
guint
fdnix_search_index_get_n_vectors (const FdnixSearchIndex *self)
{
  return self->n_vectors;
}

/**
 * fdnix_search_index_get_entry:
 * @self: an index
 * @entry: an entry number below the count
 *
 * Returns: (transfer none): the entry.
 */
const FdnixSearchEntry *
fdnix_search_index_get_entry (const FdnixSearchIndex *self, guint entry)
{
  g_return_val_if_fail (entry < self->entries->len, NULL);
  return &g_array_index (self->entries, FdnixSearchEntry, entry);
}

/**
 * fdnix_search_index_get_string:
 * @self: an index
 * @offset: an offset from an entry
 *
 * Returns: (transfer none): the text ("" for none).
 */
const gchar *
fdnix_search_index_get_string (const FdnixSearchIndex *self, guint32 offset)
{
  return self->chunk + offset;
}

/**
 * fdnix_search_index_get_vectors:
 * @self: a sealed index
 *
 * Returns: (transfer none) (nullable): the count × dimension block.
 */
const gfloat *
fdnix_search_index_get_vectors (const FdnixSearchIndex *self)
{
  return self->vectors;
}

/**
 * fdnix_search_index_get_memory_size:
 * @self: an index
 *
 * Returns: bytes held by entries, texts, vectors and the keyword index.
 */
gsize
fdnix_search_index_get_memory_size (const FdnixSearchIndex *self)
{
  return (gsize) self->entries->len * sizeof (FdnixSearchEntry) + self->chunk_alloc +
         (self->vectors != NULL ? (gsize) self->entries->len * self->dimension * sizeof (gfloat) : 0) +
         fdnix_keyword_index_get_memory_size (self->keywords) +
         (self->groups != NULL ? fdnix_search_groups_get_memory_size (self->groups) : 0);
}

/**
 * fdnix_search_index_get_keywords:
 * @self: a sealed index
 *
 * Returns: (transfer none): the keyword index, one document per entry
 */
const FdnixKeywordIndex *
fdnix_search_index_get_keywords (const FdnixSearchIndex *self)
{
  return self->keywords;
}

/**
 * fdnix_search_index_get_groups:
 * @self: a sealed index
 *
 * Returns: (transfer none): the groups of its entries (fdnix-search-group.h)
 */
const FdnixSearchGroups *
fdnix_search_index_get_groups (const FdnixSearchIndex *self)
{
  return self->groups;
}
