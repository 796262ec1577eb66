/* fdnix-bundle-file.c: sections in, sections out, every bound checked. */
#include "config.h"

#include <string.h>

#include "core/fdnix-error.h"
#include "core/fdnix-hash.h"
#include "core/fdnix-summary.h"
#include "vectors/fdnix-bundle-file.h"
#include "vectors/fdnix-crash-point.h"

#define MAGIC        "FDNXBNDL"
#define HEADER_SIZE  24
#define ENTRY_SIZE   24
#define KEY_HEX      16   /* sha256 hex digits in a bundle's key */

struct _FdnixBundleWriter {
  GArray    *ids;       /* guint32 */
  GPtrArray *sections;  /* GBytes */
};

typedef struct {
  guint32 id;
  guint64 offset;
  guint64 length;
} Section;

struct _FdnixBundle {
  GBytes  *bytes;
  guint    n_sections;
  Section  sections[FDNIX_BUNDLE_MAX_SECTIONS];
};

/**
 * fdnix_bundle_info_copy:
 * @info: a bundle entry
 *
 * Returns: (transfer full): a copy
 */
FdnixBundleInfo *
fdnix_bundle_info_copy (const FdnixBundleInfo *info)
{
  FdnixBundleInfo *copy = g_new0 (FdnixBundleInfo, 1);

  copy->key = g_strdup (info->key);
  copy->format = info->format;
  copy->size = info->size;
  copy->sha256 = g_strdup (info->sha256);
  copy->packages = info->packages;
  return copy;
}

/**
 * fdnix_bundle_info_free:
 * @info: (transfer full) (nullable): a bundle entry
 */
void
fdnix_bundle_info_free (FdnixBundleInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->key);
  g_free (info->sha256);
  g_free (info);
}

/**
 * fdnix_bundle_writer_new:
 *
 * Returns: (transfer full): a writer without sections
 */
FdnixBundleWriter *
fdnix_bundle_writer_new (void)
{
  FdnixBundleWriter *writer = g_new0 (FdnixBundleWriter, 1);

  writer->ids = g_array_new (FALSE, FALSE, sizeof (guint32));
  writer->sections = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  return writer;
}

/**
 * fdnix_bundle_writer_free:
 * @writer: (transfer full) (nullable): a writer
 */
void
fdnix_bundle_writer_free (FdnixBundleWriter *writer)
{
  if (writer == NULL)
    return;
  g_array_unref (writer->ids);
  g_ptr_array_unref (writer->sections);
  g_free (writer);
}

/**
 * fdnix_bundle_writer_add:
 * @writer: a writer
 * @id: the section's number (each at most once)
 * @data: the section's bytes (a reference is taken)
 */
void
fdnix_bundle_writer_add (FdnixBundleWriter *writer, guint32 id, GBytes *data)
{
  g_return_if_fail (writer->ids->len < FDNIX_BUNDLE_MAX_SECTIONS);
  for (guint i = 0; i < writer->ids->len; i++)
    g_return_if_fail (g_array_index (writer->ids, guint32, i) != id);
  g_array_append_val (writer->ids, id);
  g_ptr_array_add (writer->sections, g_bytes_ref (data));
}

static void
put_u32 (guint8 *at, guint32 value)
{
  value = GUINT32_TO_LE (value);
  memcpy (at, &value, 4);
}

static void
put_u64 (guint8 *at, guint64 value)
{
  value = GUINT64_TO_LE (value);
  memcpy (at, &value, 8);
}

#define ALIGN8(n) (((n) + 7) & ~(gsize) 7)

/**
 * fdnix_bundle_writer_finish:
 * @writer: a writer (left empty)
 *
 * Returns: (transfer full): the file: header, section table, sections
 */
GBytes *
fdnix_bundle_writer_finish (FdnixBundleWriter *writer)
{
  guint n = writer->ids->len;
  gsize size = ALIGN8 ((gsize) HEADER_SIZE + (gsize) n * ENTRY_SIZE);
  gsize offset;
  guint8 *data;

  for (guint i = 0; i < n; i++)
    size = ALIGN8 (size + g_bytes_get_size (writer->sections->pdata[i]));
  data = g_malloc0 (size);
  memcpy (data, MAGIC, 8);
  put_u32 (data + 8, FDNIX_BUNDLE_FORMAT);
  put_u32 (data + 12, n);
  put_u64 (data + 16, size);
  offset = ALIGN8 ((gsize) HEADER_SIZE + (gsize) n * ENTRY_SIZE);
  for (guint i = 0; i < n; i++)
    {
      gsize length = 0;
      const guint8 *section = g_bytes_get_data (writer->sections->pdata[i], &length);
      guint8 *entry = data + HEADER_SIZE + (gsize) i * ENTRY_SIZE;

      put_u32 (entry, g_array_index (writer->ids, guint32, i));
      put_u32 (entry + 4, 0);
      put_u64 (entry + 8, offset);
      put_u64 (entry + 16, length);
      if (length > 0)
        memcpy (data + offset, section, length);
      offset = ALIGN8 (offset + length);
    }
  g_array_set_size (writer->ids, 0);
  g_ptr_array_set_size (writer->sections, 0);
  return g_bytes_new_take (data, size);
}

/**
 * fdnix_bundle_refuse:
 * @error: return location for an error
 * @format: what is wrong with the bundle (printf format)
 *
 * Sets @error to "not a valid search bundle: ..." (FDNIX_ERROR_INVALID_DATA),
 * the one wording of every refusal, whichever module found the fault.
 *
 * Returns: NULL, so that a reader can `return fdnix_bundle_refuse (...)`.
 */
gpointer
fdnix_bundle_refuse (GError **error, const gchar *format, ...)
{
  va_list args;
  g_autofree gchar *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_INVALID_DATA, "not a valid search bundle: %s", message);
  return NULL;
}

/**
 * fdnix_bundle_open:
 * @bytes: a bundle as stored (a reference is taken)
 * @error: return location for FDNIX_ERROR_INVALID_DATA
 *
 * Checks the header and the section table against the bytes; the
 * sections' contents are the reader's to check.
 *
 * Returns: (transfer full): the bundle, or NULL.
 */
FdnixBundle *
fdnix_bundle_open (GBytes *bytes, GError **error)
{
  gsize size = 0;
  const guint8 *data = g_bytes_get_data (bytes, &size);
  g_autoptr(FdnixBundle) bundle = NULL;
  guint32 version, n;
  guint64 table_end;

  if (size < HEADER_SIZE || memcmp (data, MAGIC, 8) != 0)
    return fdnix_bundle_refuse (error, "no FDNXBNDL header (%" G_GSIZE_FORMAT " bytes)", size);
  version = fdnix_bundle_get_u32 (data + 8);
  if (version != FDNIX_BUNDLE_FORMAT)
    {
      g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_INVALID_DATA,
                   "the search bundle has format %u, this fdnix-search reads format %u%s", version,
                   FDNIX_BUNDLE_FORMAT, version > FDNIX_BUNDLE_FORMAT ? ": upgrade fdnix-search" : "");
      return NULL;
    }
  n = fdnix_bundle_get_u32 (data + 12);
  if (n > FDNIX_BUNDLE_MAX_SECTIONS)
    return fdnix_bundle_refuse (error, "%u sections, more than %u", n, FDNIX_BUNDLE_MAX_SECTIONS);
  if (fdnix_bundle_get_u64 (data + 16) != size)
    return fdnix_bundle_refuse (error, "the header says %" G_GUINT64_FORMAT " bytes, the file has %" G_GSIZE_FORMAT
                       " (truncated?)", fdnix_bundle_get_u64 (data + 16), size);
  table_end = (guint64) HEADER_SIZE + (guint64) n * ENTRY_SIZE;
  if (table_end > size)
    return fdnix_bundle_refuse (error, "the section table runs past the end");
  bundle = g_new0 (FdnixBundle, 1);
  bundle->bytes = g_bytes_ref (bytes);
  bundle->n_sections = n;
  for (guint i = 0; i < n; i++)
    {
      const guint8 *entry = data + HEADER_SIZE + (gsize) i * ENTRY_SIZE;
      Section *s = &bundle->sections[i];

      s->id = fdnix_bundle_get_u32 (entry);
      s->offset = fdnix_bundle_get_u64 (entry + 8);
      s->length = fdnix_bundle_get_u64 (entry + 16);
      /* written without overflow: offset ≤ size first, then length ≤ the rest */
      if (s->offset < table_end || s->offset > size || s->length > size - s->offset || s->offset % 8 != 0)
        return fdnix_bundle_refuse (error, "section %u lies outside the file", s->id);
      for (guint j = 0; j < i; j++)
        if (bundle->sections[j].id == s->id)
          return fdnix_bundle_refuse (error, "section %u appears twice", s->id);
    }
  return g_steal_pointer (&bundle);
}

/**
 * fdnix_bundle_free:
 * @bundle: (transfer full) (nullable): a bundle
 */
void
fdnix_bundle_free (FdnixBundle *bundle)
{
  if (bundle == NULL)
    return;
  g_bytes_unref (bundle->bytes);
  g_free (bundle);
}

/**
 * fdnix_bundle_get_section:
 * @bundle: an open bundle
 * @id: a section number
 * @out_length: (out): its length in bytes
 * @error: return location for FDNIX_ERROR_INVALID_DATA (no such section)
 *
 * Returns: (transfer none): the section's first byte (8-aligned in the
 *   file), valid as long as @bundle's bytes are, or NULL.
 */
const guint8 *
fdnix_bundle_get_section (FdnixBundle *bundle, guint32 id, gsize *out_length, GError **error)
{
  const guint8 *data = g_bytes_get_data (bundle->bytes, NULL);

  for (guint i = 0; i < bundle->n_sections; i++)
    if (bundle->sections[i].id == id)
      {
        *out_length = (gsize) bundle->sections[i].length;
        return data + bundle->sections[i].offset;
      }
  return fdnix_bundle_refuse (error, "no section %u", id);
}

/**
 * fdnix_bundle_get_bytes:
 * @bundle: an open bundle
 *
 * Returns: (transfer none): the bytes it was opened from
 */
GBytes *
fdnix_bundle_get_bytes (FdnixBundle *bundle)
{
  return bundle->bytes;
}

/**
 * fdnix_bundle_key:
 * @sha256: the bundle's sha256 (hex)
 *
 * Named by its contents: an unchanged table gives the same key (nothing
 * to write), a changed one a new key (never the one a reader is loading).
 *
 * Returns: (transfer full): "search-bundle/bundle_<16 hex digits>.bin"
 */
gchar *
fdnix_bundle_key (const gchar *sha256)
{
  return g_strdup_printf (FDNIX_BUNDLE_PREFIX "bundle_%.*s.bin", KEY_HEX, sha256);
}

/**
 * fdnix_bundle_key_is_valid:
 * @key: an object key
 *
 * Returns: whether @key names a search bundle (nothing else: no path
 *   tricks)
 */
gboolean
fdnix_bundle_key_is_valid (const gchar *key)
{
  const gchar *hex;

  if (!g_str_has_prefix (key, FDNIX_BUNDLE_PREFIX "bundle_") || !g_str_has_suffix (key, ".bin") ||
      strlen (key) != strlen (FDNIX_BUNDLE_PREFIX "bundle_.bin") + KEY_HEX)
    return FALSE;
  hex = key + strlen (FDNIX_BUNDLE_PREFIX "bundle_");
  for (guint i = 0; i < KEY_HEX; i++)
    if (!g_ascii_isxdigit (hex[i]))
      return FALSE;
  return TRUE;
}

/**
 * fdnix_bundle_build:
 * @builder: (nullable): the program's bundle builder
 * @store: the package table
 * @out_info: (out) (transfer full) (nullable): the bundle's index entry;
 *   NULL without a builder
 * @out_bytes: (out) (transfer full) (nullable): its bytes
 * @error: return location for an error
 *
 * Builds the search bundle of the table as it is now: a full read of the
 * table, on every run, since its sha256 is what tells whether the
 * published one is still right.
 *
 * Returns: TRUE on success (with or without a builder).
 */
gboolean
fdnix_bundle_build (const FdnixBundleBuilder *builder, FdnixStore *store, FdnixBundleInfo **out_info,
                    GBytes **out_bytes, GError **error)
{
  g_autoptr(FdnixBundleInfo) info = NULL;
  g_autoptr(GBytes) bytes = NULL;
  guint64 packages = 0;
  gint64 start = g_get_monotonic_time ();

  *out_info = NULL;
  *out_bytes = NULL;
  if (builder == NULL || builder->build == NULL)
    return TRUE;
  bytes = builder->build (store, &packages, builder->user_data, error);
  if (bytes == NULL)
    {
      g_prefix_error (error, "building the search bundle: ");
      return FALSE;
    }
  if (g_bytes_get_size (bytes) > FDNIX_OBJECTS_MAX_SIZE)
    {
      g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_FAILED,
                   "the search bundle is %" G_GSIZE_FORMAT " bytes, more than the %" G_GUINT64_FORMAT
                   " a reader accepts", g_bytes_get_size (bytes), FDNIX_OBJECTS_MAX_SIZE);
      return FALSE;
    }
  info = g_new0 (FdnixBundleInfo, 1);
  info->sha256 = fdnix_sha256_hex (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  info->key = fdnix_bundle_key (info->sha256);
  info->format = FDNIX_BUNDLE_FORMAT;
  info->size = g_bytes_get_size (bytes);
  info->packages = packages;
  g_info ("built the search bundle (%" G_GUINT64_FORMAT " packages, %" G_GUINT64_FORMAT " bytes) in %.2f s",
          packages, info->size, (g_get_monotonic_time () - start) / 1e6);
  *out_info = g_steal_pointer (&info);
  *out_bytes = g_steal_pointer (&bytes);
  return TRUE;
}

/**
 * fdnix_bundle_publish:
 * @objects: where the snapshot is
 * @info: the bundle's index entry
 * @bytes: its bytes
 * @stored_same_size: whether an object of that key and size is stored
 * @out_written: (out): set to TRUE when it was written
 * @error: return location for an error
 *
 * Writes the bundle unless the very bytes are there already: a stored
 * object of its key is read back and compared, like a listed batch file,
 * so a bundle deleted or changed behind the index's back is written
 * again.  Call it before writing the index that lists it.
 *
 * Returns: TRUE on success.
 */
gboolean
fdnix_bundle_publish (FdnixObjects *objects, const FdnixBundleInfo *info, GBytes *bytes,
                      gboolean stored_same_size, gboolean *out_written, GError **error)
{
  if (stored_same_size)
    {
      g_autoptr(GError) local_error = NULL;
      g_autoptr(GBytes) there = fdnix_objects_get_capped (objects, info->key, info->size, &local_error);

      /* gone, too large or not a regular file: written again; the
       * network failing: stop */
      if (there == NULL && !g_error_matches (local_error, FDNIX_ERROR, FDNIX_ERROR_NOT_FOUND) &&
          !g_error_matches (local_error, FDNIX_ERROR, FDNIX_ERROR_INVALID_DATA) &&
          !g_error_matches (local_error, FDNIX_ERROR, FDNIX_ERROR_IO))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      if (there != NULL && g_bytes_equal (there, bytes))
        return TRUE;
      g_warning ("%s does not hold the search bundle its name promises: writing it again", info->key);
    }
  if (!fdnix_objects_put (objects, info->key, bytes, error))
    return FALSE;
  *out_written = TRUE;
  fdnix_count ("bundle_written", 1);
  g_message ("wrote %s: %" G_GUINT64_FORMAT " packages, %" G_GUINT64_FORMAT " bytes", info->key,
             info->packages, info->size);
  fdnix_crash_point ("bundle-written");
  return TRUE;
}
