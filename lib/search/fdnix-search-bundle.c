/* fdnix-search-bundle.c: entries, strings and keyword index in sections. */
#include "config.h"

#include <math.h>
#include <string.h>

#include "core/fdnix-cancel.h"
#include "core/fdnix-error.h"
#include "search/fdnix-keyword-index-private.h"
#include "search/fdnix-search-bundle.h"
#include "search/fdnix-search-index-private.h"
#include "vectors/fdnix-bundle-file.h"

enum {
  SECTION_META = 1,
  SECTION_STRINGS,
  SECTION_ENTRIES,
  SECTION_TERM_NAMES,
  SECTION_TERMS,
  SECTION_POSTINGS,
  SECTION_LENGTHS,
};

#define META_SIZE    40
#define ENTRY_SIZE   44
#define TERM_SIZE    8
#define POSTING_SIZE 8
#define LENGTHS_SIZE (2 * FDNIX_KEYWORD_N_FIELDS)

G_STATIC_ASSERT (sizeof (Posting) == POSTING_SIZE);

typedef struct {
  FdnixSearchIndex *index;
  guint64           packages;
} ScanData;

static gboolean
add_record (FdnixRecord *record, gpointer user_data, GError **error)
{
  ScanData *data = user_data;

  data->packages++;
  if ((data->packages & 0xfff) == 0 && !fdnix_cancel_check (error))
    return FALSE;
  return fdnix_search_index_add_record (data->index, record, error);
}

/**
 * fdnix_search_index_new_from_table:
 * @store: the package table
 * @dimension: the vector length to make room for (0: none)
 * @out_packages: (out): records read
 * @out_repeated: (out): repeated attribute paths dropped
 * @error: return location for an error
 *
 * Returns: (transfer full): a sealed index of every package in @store, or
 *   NULL.
 */
FdnixSearchIndex *
fdnix_search_index_new_from_table (FdnixStore *store, guint dimension, guint64 *out_packages,
                                   guint64 *out_repeated, GError **error)
{
  g_autoptr(FdnixSearchIndex) index = fdnix_search_index_new ();
  FdnixScanOptions scan = { 0 };
  ScanData data = { index, 0 };

  scan.filter = FDNIX_SCAN_ALL;
  if (!fdnix_store_scan (store, &scan, add_record, &data, error))
    {
      g_prefix_error (error, "reading %s: ", fdnix_store_describe (store));
      return NULL;
    }
  *out_repeated = fdnix_search_index_seal (index, dimension);
  *out_packages = data.packages;
  return g_steal_pointer (&index);
}

/**
 * fdnix_search_bundle_build:
 * @store: the package table
 * @out_packages: (out): packages in the bundle
 * @user_data: unused (a FdnixBundleBuildFunc)
 * @error: return location for an error
 *
 * Returns: (transfer full): the search bundle of @store, or NULL.
 */
GBytes *
fdnix_search_bundle_build (FdnixStore *store, guint64 *out_packages, gpointer user_data, GError **error)
{
  g_autoptr(FdnixSearchIndex) index = NULL;
  guint64 packages = 0, repeated = 0;

  (void) user_data;
  index = fdnix_search_index_new_from_table (store, 0, &packages, &repeated, error);
  if (index == NULL)
    return NULL;
  /* a bundle every reader would refuse is not published */
  if (fdnix_search_index_get_count (index) > FDNIX_SEARCH_BUNDLE_MAX_PACKAGES)
    {
      g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_FAILED, "the table has %u packages, more than the %u "
                   "a search bundle may hold", fdnix_search_index_get_count (index),
                   FDNIX_SEARCH_BUNDLE_MAX_PACKAGES);
      return NULL;
    }
  *out_packages = fdnix_search_index_get_count (index);
  return fdnix_search_index_to_bundle (index);
}

static void
put_u16 (GByteArray *out, guint16 value)
{
  value = GUINT16_TO_LE (value);
  g_byte_array_append (out, (const guint8 *) &value, 2);
}

static void
put_u32 (GByteArray *out, guint32 value)
{
  value = GUINT32_TO_LE (value);
  g_byte_array_append (out, (const guint8 *) &value, 4);
}

static void
put_u64 (GByteArray *out, guint64 value)
{
  value = GUINT64_TO_LE (value);
  g_byte_array_append (out, (const guint8 *) &value, 8);
}

static void
put_f32 (GByteArray *out, gfloat value)
{
  guint32 bits;

  memcpy (&bits, &value, 4);
  put_u32 (out, bits);
}

static void
add_section (FdnixBundleWriter *writer, guint32 id, GByteArray *data)
{
  g_autoptr(GBytes) bytes = g_byte_array_free_to_bytes (data);

  fdnix_bundle_writer_add (writer, id, bytes);
}

typedef struct {
  const gchar *name;
  const Term  *term;
} NamedTerm;

static int
compare_named (const void *a, const void *b)
{
  return strcmp (((const NamedTerm *) a)->name, ((const NamedTerm *) b)->name);
}

/* Terms sorted by name, postings in that order: the same table gives the
 * same bytes whatever order it was read in. */
static void
add_keywords (FdnixBundleWriter *writer, const FdnixKeywordIndex *keywords)
{
  guint n_terms = keywords->terms != NULL ? g_hash_table_size (keywords->terms) : 0;
  g_autofree NamedTerm *named = g_new (NamedTerm, MAX (n_terms, 1));
  GByteArray *names = g_byte_array_new ();
  GByteArray *terms = g_byte_array_sized_new (n_terms * TERM_SIZE);
  GByteArray *postings = g_byte_array_sized_new (keywords->n_postings * POSTING_SIZE);
  GByteArray *lengths = g_byte_array_sized_new (keywords->n_docs * LENGTHS_SIZE);
  const guint16 *doc_lengths = (const guint16 *) keywords->lengths->data;
  GHashTableIter iter;
  gpointer key, value;
  guint i = 0;
  guint64 written = 0;

  if (keywords->terms != NULL)
    {
      g_hash_table_iter_init (&iter, keywords->terms);
      while (g_hash_table_iter_next (&iter, &key, &value))
        named[i++] = (NamedTerm) { key, value };
    }
  qsort (named, n_terms, sizeof (NamedTerm), compare_named);
  for (i = 0; i < n_terms; i++)
    {
      const Term *term = named[i].term;

      g_byte_array_append (names, (const guint8 *) named[i].name, strlen (named[i].name) + 1);
      put_u32 (terms, (guint32) written);
      put_u32 (terms, term->count);
      for (guint32 p = 0; p < term->count; p++)
        {
          const Posting *posting = &keywords->postings[term->start + p];

          put_u32 (postings, posting->doc);
          g_byte_array_append (postings, posting->tf, FDNIX_KEYWORD_N_FIELDS);
        }
      written += term->count;
    }
  for (gsize d = 0; d < (gsize) keywords->n_docs * FDNIX_KEYWORD_N_FIELDS; d++)
    put_u16 (lengths, doc_lengths[d]);
  add_section (writer, SECTION_TERM_NAMES, names);
  add_section (writer, SECTION_TERMS, terms);
  add_section (writer, SECTION_POSTINGS, postings);
  add_section (writer, SECTION_LENGTHS, lengths);
}

/* The offset in @strings of the text at @offset in @index's chunk, copied
 * there the first time (a text entries share stays shared). */
static guint32
relocate (const FdnixSearchIndex *index, GByteArray *strings, GHashTable *moved, guint32 offset)
{
  gpointer found;
  guint32 to;

  if (offset == 0)
    return 0;
  if (g_hash_table_lookup_extended (moved, GUINT_TO_POINTER (offset), NULL, &found))
    return GPOINTER_TO_UINT (found);
  to = strings->len;
  g_byte_array_append (strings, (const guint8 *) index->chunk + offset, strlen (index->chunk + offset) + 1);
  g_hash_table_insert (moved, GUINT_TO_POINTER (offset), GUINT_TO_POINTER (to));
  return to;
}

/**
 * fdnix_search_index_to_bundle:
 * @index: a sealed index
 *
 * Returns: (transfer full): @index's entries, strings and keyword index
 *   as a search bundle (the vectors are not in it)
 */
GBytes *
fdnix_search_index_to_bundle (const FdnixSearchIndex *index)
{
  g_autoptr(FdnixBundleWriter) writer = fdnix_bundle_writer_new ();
  const FdnixKeywordIndex *keywords = index->keywords;
  GByteArray *meta = g_byte_array_new ();
  GByteArray *entries = g_byte_array_sized_new (index->entries->len * ENTRY_SIZE);
  GByteArray *strings = g_byte_array_sized_new (index->chunk_len);
  static const guint8 zeros[3] = { 0 };

  g_autoptr(GHashTable) moved = g_hash_table_new (NULL, NULL);

  g_return_val_if_fail (index->sealed && keywords->sealed, NULL);
  /* the texts are laid out again in entry order: the chunk was filled in
   * the order the table was read (which a parallel scan changes) */
  g_byte_array_append (strings, (const guint8 *) "", 1);
  for (guint i = 0; i < index->entries->len; i++)
    {
      const FdnixSearchEntry *e = &g_array_index (index->entries, FdnixSearchEntry, i);

      put_u32 (entries, relocate (index, strings, moved, e->name));
      put_u32 (entries, relocate (index, strings, moved, e->version));
      put_u32 (entries, relocate (index, strings, moved, e->pname));
      put_u32 (entries, relocate (index, strings, moved, e->main_program));
      put_u32 (entries, relocate (index, strings, moved, e->description));
      put_u32 (entries, relocate (index, strings, moved, e->licenses));
      put_u32 (entries, relocate (index, strings, moved, e->platforms));
      put_u32 (entries, relocate (index, strings, moved, e->homepage));
      put_u32 (entries, relocate (index, strings, moved, e->position));
      put_u16 (entries, e->last_segment);
      g_byte_array_append (entries, &e->depth, 1);
      g_byte_array_append (entries, &e->flags, 1);
      g_byte_array_append (entries, &e->maintainers, 1);
      g_byte_array_append (entries, zeros, 3);
    }
  put_u32 (meta, index->entries->len);
  put_u32 (meta, keywords->terms != NULL ? g_hash_table_size (keywords->terms) : 0);
  put_u64 (meta, keywords->n_postings);
  put_u64 (meta, strings->len);
  for (guint f = 0; f < FDNIX_KEYWORD_N_FIELDS; f++)
    put_f32 (meta, keywords->average[f]);
  add_section (writer, SECTION_META, meta);
  add_section (writer, SECTION_STRINGS, strings);
  add_section (writer, SECTION_ENTRIES, entries);
  add_keywords (writer, keywords);
  return fdnix_bundle_writer_finish (writer);
}

/* A section of exactly @count × @size bytes. */
static const guint8 *
section (FdnixBundle *bundle, guint32 id, guint64 count, gsize size, GError **error)
{
  gsize length = 0;
  const guint8 *data = fdnix_bundle_get_section (bundle, id, &length, error);

  if (data == NULL)
    return NULL;
  /* count ≤ 2^32 × 2^32 would overflow only past 2^64 / size: checked first */
  if (count > G_MAXSIZE / size || (gsize) count * size != length)
    return fdnix_bundle_refuse (error, "section %u holds %" G_GSIZE_FORMAT " bytes, not %" G_GUINT64_FORMAT " × %" G_GSIZE_FORMAT,
                id, length, count, size);
  return data;
}

static gboolean
load_entries (FdnixSearchIndex *index, const guint8 *data, guint n, GError **error)
{
  const gchar *previous = NULL;

  g_array_set_size (index->entries, n);
  for (guint i = 0; i < n; i++)
    {
      const guint8 *at = data + (gsize) i * ENTRY_SIZE;
      FdnixSearchEntry *e = &g_array_index (index->entries, FdnixSearchEntry, i);
      guint32 offsets[9];
      const gchar *name;

      for (guint k = 0; k < G_N_ELEMENTS (offsets); k++)
        {
          offsets[k] = fdnix_bundle_get_u32 (at + 4 * k);
          if (offsets[k] >= index->chunk_len)
            return fdnix_bundle_refuse (error, "package %u: a text offset past the strings", i) != NULL;
        }
      e->name = offsets[0];
      e->version = offsets[1];
      e->pname = offsets[2];
      e->main_program = offsets[3];
      e->description = offsets[4];
      e->licenses = offsets[5];
      e->platforms = offsets[6];
      e->homepage = offsets[7];
      e->position = offsets[8];
      e->last_segment = fdnix_bundle_get_u16 (at + 36);
      e->depth = at[38];
      e->flags = at[39];
      e->maintainers = at[40];
      e->has_vector = FALSE;
      name = index->chunk + e->name;
      /* lookups are binary searches: the order must hold */
      if (*name == '\0' || (previous != NULL && strcmp (previous, name) >= 0))
        return fdnix_bundle_refuse (error, "package %u: attribute paths not in strict order", i) != NULL;
      if (e->last_segment > 0 && (memchr (name, '\0', e->last_segment) != NULL || name[e->last_segment - 1] != '.'))
        return fdnix_bundle_refuse (error, "package %u: the last segment is not after a dot", i) != NULL;
      previous = name;
    }
  return TRUE;
}

static gboolean
load_terms (FdnixKeywordIndex *keywords, const guint8 *names, gsize names_length, const guint8 *terms,
            guint n_terms, GError **error)
{
  gsize at = 0;

  keywords->terms = g_hash_table_new (g_str_hash, g_str_equal);
  keywords->term_table = g_new (Term, MAX (n_terms, 1));
  for (guint t = 0; t < n_terms; t++)
    {
      const guint8 *end = at < names_length ? memchr (names + at, '\0', names_length - at) : NULL;
      Term *term = &keywords->term_table[t];
      const gchar *name = (const gchar *) names + at;
      guint64 start = fdnix_bundle_get_u32 (terms + (gsize) t * TERM_SIZE);
      guint64 count = fdnix_bundle_get_u32 (terms + (gsize) t * TERM_SIZE + 4);
      guint32 previous = 0;

      if (end == NULL || end == names + at)
        return fdnix_bundle_refuse (error, "term %u: no name", t) != NULL;
      at = end - names + 1;
      if (start + count > keywords->n_postings)
        return fdnix_bundle_refuse (error, "term %u: postings past the end", t) != NULL;
      term->start = (guint32) start;
      term->count = (guint32) count;
      /* every posting is checked once per term that lists it: a term's
       * packages exist and come once each, in order */
      for (guint32 p = 0; p < term->count; p++)
        {
          guint32 doc = keywords->postings[term->start + p].doc;

          if (doc >= keywords->n_docs || (p > 0 && doc <= previous))
            return fdnix_bundle_refuse (error, "term %u: a posting out of range or out of order", t) != NULL;
          previous = doc;
        }
      if (!g_hash_table_insert (keywords->terms, (gpointer) name, term))
        return fdnix_bundle_refuse (error, "term %u is listed twice", t) != NULL;
    }
  if (at != names_length)
    return fdnix_bundle_refuse (error, "more term names than terms") != NULL;
  return TRUE;
}

/* The postings where they lie when the layout is this machine's (aligned,
 * little-endian); otherwise a converted copy. */
static void
take_postings (FdnixKeywordIndex *keywords, const guint8 *data, guint64 n)
{
  if (G_BYTE_ORDER == G_LITTLE_ENDIAN && ((guintptr) data % G_ALIGNOF (Posting)) == 0)
    {
      keywords->postings = (Posting *) data;
      keywords->postings_borrowed = TRUE;
      return;
    }
  keywords->postings = g_new (Posting, MAX (n, 1));
  for (guint64 i = 0; i < n; i++)
    {
      keywords->postings[i].doc = fdnix_bundle_get_u32 (data + i * POSTING_SIZE);
      memcpy (keywords->postings[i].tf, data + i * POSTING_SIZE + 4, FDNIX_KEYWORD_N_FIELDS);
    }
}

static FdnixKeywordIndex *
load_keywords (FdnixBundle *bundle, GBytes *bytes, guint n_docs, guint n_terms, guint64 n_postings,
               const gfloat *average, GError **error)
{
  g_autoptr(FdnixKeywordIndex) keywords = g_new0 (FdnixKeywordIndex, 1);
  const guint8 *names, *terms, *postings, *lengths;
  gsize names_length = 0;
  guint16 *doc_lengths;

  keywords->backing = g_bytes_ref (bytes);
  keywords->lengths = g_array_new (FALSE, FALSE, LENGTHS_SIZE);
  keywords->n_docs = n_docs;
  keywords->sealed = TRUE;
  memcpy (keywords->average, average, sizeof keywords->average);
  if ((names = fdnix_bundle_get_section (bundle, SECTION_TERM_NAMES, &names_length, error)) == NULL ||
      (terms = section (bundle, SECTION_TERMS, n_terms, TERM_SIZE, error)) == NULL ||
      (postings = section (bundle, SECTION_POSTINGS, n_postings, POSTING_SIZE, error)) == NULL ||
      (lengths = section (bundle, SECTION_LENGTHS, n_docs, LENGTHS_SIZE, error)) == NULL)
    return NULL;
  keywords->n_postings = (gsize) n_postings;
  take_postings (keywords, postings, n_postings);
  if (!load_terms (keywords, names, names_length, terms, n_terms, error))
    return NULL;
  g_array_set_size (keywords->lengths, n_docs);
  doc_lengths = (guint16 *) keywords->lengths->data;
  for (gsize i = 0; i < (gsize) n_docs * FDNIX_KEYWORD_N_FIELDS; i++)
    doc_lengths[i] = fdnix_bundle_get_u16 (lengths + 2 * i);
  return g_steal_pointer (&keywords);
}

/**
 * fdnix_search_index_new_from_bundle:
 * @bytes: a search bundle as stored (already checked against its size
 *   and sha256; a reference is kept)
 * @dimension: the vector length to make room for (0: none)
 * @error: return location for FDNIX_ERROR_INVALID_DATA
 *
 * Every count, offset and order is checked before use (the bytes come
 * from a bucket).
 *
 * Returns: (transfer full): a sealed index without vectors yet, or NULL.
 */
FdnixSearchIndex *
fdnix_search_index_new_from_bundle (GBytes *bytes, guint dimension, GError **error)
{
  g_autoptr(FdnixBundle) bundle = fdnix_bundle_open (bytes, error);
  g_autoptr(FdnixSearchIndex) index = NULL;
  const guint8 *meta, *strings, *entries;
  guint n_entries, n_terms;
  guint64 n_postings, chunk_len;
  gfloat average[FDNIX_KEYWORD_N_FIELDS];

  if (bundle == NULL || (meta = section (bundle, SECTION_META, 1, META_SIZE, error)) == NULL)
    return NULL;
  n_entries = fdnix_bundle_get_u32 (meta);
  n_terms = fdnix_bundle_get_u32 (meta + 4);
  n_postings = fdnix_bundle_get_u64 (meta + 8);
  chunk_len = fdnix_bundle_get_u64 (meta + 16);
  for (guint f = 0; f < FDNIX_KEYWORD_N_FIELDS; f++)
    {
      average[f] = fdnix_bundle_get_f32 (meta + 24 + 4 * f);
      if (!isfinite (average[f]) || average[f] <= 0)
        return fdnix_bundle_refuse (error, "an average field length is not a positive number");
    }
  if (n_entries > FDNIX_SEARCH_BUNDLE_MAX_PACKAGES)
    return fdnix_bundle_refuse (error, "%u packages, more than the %u allowed", n_entries, FDNIX_SEARCH_BUNDLE_MAX_PACKAGES);
  if (chunk_len < 1 || chunk_len > G_MAXUINT32 || n_postings > G_MAXUINT32)
    return fdnix_bundle_refuse (error, "counts out of range");
  if ((strings = section (bundle, SECTION_STRINGS, chunk_len, 1, error)) == NULL ||
      (entries = section (bundle, SECTION_ENTRIES, n_entries, ENTRY_SIZE, error)) == NULL)
    return NULL;
  /* every offset below the length then starts a NUL-terminated text */
  if (strings[0] != '\0' || strings[chunk_len - 1] != '\0')
    return fdnix_bundle_refuse (error, "the strings do not start and end with NUL");

  index = g_new0 (FdnixSearchIndex, 1);
  index->backing = g_bytes_ref (bytes);
  index->chunk = (gchar *) strings;
  index->chunk_len = index->chunk_alloc = (gsize) chunk_len;
  index->entries = g_array_sized_new (FALSE, FALSE, sizeof (FdnixSearchEntry), n_entries);
  if (!load_entries (index, entries, n_entries, error))
    return NULL;
  index->keywords = load_keywords (bundle, bytes, n_entries, n_terms, n_postings, average, error);
  if (index->keywords == NULL)
    return NULL;
  index->dimension = dimension;
  if (dimension > 0)
    index->vectors = g_new0 (gfloat, (gsize) MAX (n_entries, 1) * dimension);
  {
    g_autofree const gchar **names = g_new (const gchar *, MAX (n_entries, 1));

    for (guint i = 0; i < n_entries; i++)
      names[i] = index->chunk + g_array_index (index->entries, FdnixSearchEntry, i).name;
    index->groups = fdnix_search_groups_new (names, n_entries);
  }
  index->sealed = TRUE;
  return g_steal_pointer (&index);
}
