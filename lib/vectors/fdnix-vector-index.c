/* fdnix-vector-index.c: the index file, batch keys and run ids. */
#include "config.h"

#include <math.h>
#include <string.h>
#include <json-glib/json-glib.h>

#include "core/fdnix-error.h"
#include "core/fdnix-hash.h"
#include "core/fdnix-json.h"
#include "core/fdnix-json-lex.h"
#include "core/fdnix-json-untrusted.h"
#include "core/fdnix-record.h"
#include "core/fdnix-gzip.h"
#include "vectors/fdnix-objects.h"
#include "vectors/fdnix-vector-index.h"

/* JSON values an index may hold, so that json-glib's tree (~100 bytes a
 * value) stays small whatever the text: an entry has 7, the top ~20. */
#define VALUES_PER_ENTRY 12
#define MAX_INDEX_VALUES ((gsize) 2 * FDNIX_VECTOR_INDEX_MAX_FILES * VALUES_PER_ENTRY + 256)

/**
 * fdnix_superseded_file_free:
 * @file: (transfer full) (nullable): a superseded file
 */
void
fdnix_superseded_file_free (FdnixSupersededFile *file)
{
  if (file == NULL)
    return;
  g_free (file->key);
  g_free (file->since);
  g_free (file);
}

/**
 * fdnix_vector_index_new:
 *
 * Returns: (transfer full): an empty index.
 */
FdnixVectorIndex *
fdnix_vector_index_new (void)
{
  FdnixVectorIndex *index = g_new0 (FdnixVectorIndex, 1);

  index->version = FDNIX_VECTOR_INDEX_VERSION;
  index->files = g_ptr_array_new_with_free_func ((GDestroyNotify) fdnix_batch_file_info_free);
  index->superseded = g_ptr_array_new_with_free_func ((GDestroyNotify) fdnix_superseded_file_free);
  index->text_template = FDNIX_EMBED_TEXT_TEMPLATE_VERSION;
  return index;
}

/**
 * fdnix_vector_index_free:
 * @index: (transfer full) (nullable): an index
 */
void
fdnix_vector_index_free (FdnixVectorIndex *index)
{
  if (index == NULL)
    return;
  g_free (index->created_at);
  g_ptr_array_unref (index->files);
  g_ptr_array_unref (index->superseded);
  fdnix_bundle_info_free (index->bundle);
  g_free (index->model);
  g_free (index->embedder);
  g_free (index->run_id);
  g_free (index);
}

/**
 * fdnix_vector_index_add_file:
 * @index: an index
 * @info: (transfer full): a file to list
 */
void
fdnix_vector_index_add_file (FdnixVectorIndex *index, FdnixBatchFileInfo *info)
{
  g_ptr_array_add (index->files, info);
}

/**
 * fdnix_vector_index_add_superseded:
 * @index: an index
 * @key: a batch file key the index does not list
 * @since: when it was dropped (ISO 8601)
 */
void
fdnix_vector_index_add_superseded (FdnixVectorIndex *index, const gchar *key, const gchar *since)
{
  FdnixSupersededFile *file = g_new0 (FdnixSupersededFile, 1);

  file->key = g_strdup (key);
  file->since = g_strdup (since);
  g_ptr_array_add (index->superseded, file);
}

static gint
compare_superseded (gconstpointer a, gconstpointer b)
{
  return strcmp ((*(FdnixSupersededFile * const *) a)->key, (*(FdnixSupersededFile * const *) b)->key);
}

static gint
compare_files (gconstpointer a, gconstpointer b)
{
  const FdnixBatchFileInfo *fa = *(FdnixBatchFileInfo * const *) a;
  const FdnixBatchFileInfo *fb = *(FdnixBatchFileInfo * const *) b;

  return strcmp (fa->key, fb->key);
}

/**
 * fdnix_vector_index_finish:
 * @index: an index
 *
 * Sorts the files by key and sums the vectors.
 */
void
fdnix_vector_index_finish (FdnixVectorIndex *index)
{
  g_ptr_array_sort (index->files, compare_files);
  g_ptr_array_sort (index->superseded, compare_superseded);
  index->total_vectors = 0;
  for (guint i = 0; i < index->files->len; i++)
    index->total_vectors += ((FdnixBatchFileInfo *) index->files->pdata[i])->vector_count;
}

/**
 * fdnix_vector_index_lookup:
 * @index: a finished index (files sorted by key)
 * @key: a batch file key
 *
 * Returns: (transfer none) (nullable): the file's entry.
 */
const FdnixBatchFileInfo *
fdnix_vector_index_lookup (const FdnixVectorIndex *index, const gchar *key)
{
  guint low = 0, high = index->files->len;

  /* binary search: the index step looks up every file */
  while (low < high)
    {
      guint middle = low + (high - low) / 2;
      const FdnixBatchFileInfo *info = index->files->pdata[middle];
      gint order = strcmp (info->key, key);

      if (order == 0)
        return info;
      if (order < 0)
        low = middle + 1;
      else
        high = middle;
    }
  return NULL;
}

/**
 * fdnix_vector_index_same_files:
 * @a: a finished index
 * @b: another
 *
 * Returns: whether both describe the same snapshot (model, dimension,
 *   files and search bundle), whatever their time stamps and run ids.
 */
gboolean
fdnix_vector_index_same_files (const FdnixVectorIndex *a, const FdnixVectorIndex *b)
{
  if (g_strcmp0 (a->model, b->model) != 0 || a->dimension != b->dimension ||
      a->total_vectors != b->total_vectors || a->files->len != b->files->len ||
      a->text_template != b->text_template)
    return FALSE;
  if ((a->bundle == NULL) != (b->bundle == NULL) ||
      (a->bundle != NULL && (g_strcmp0 (a->bundle->key, b->bundle->key) != 0 ||
                             g_strcmp0 (a->bundle->sha256, b->bundle->sha256) != 0 ||
                             a->bundle->size != b->bundle->size)))
    return FALSE;
  for (guint i = 0; i < a->files->len; i++)
    {
      const FdnixBatchFileInfo *fa = a->files->pdata[i];
      const FdnixBatchFileInfo *fb = b->files->pdata[i];

      if (g_strcmp0 (fa->key, fb->key) != 0 || g_strcmp0 (fa->sha256, fb->sha256) != 0 ||
          fa->vector_count != fb->vector_count || fa->size != fb->size)
        return FALSE;
    }
  return TRUE;
}

/**
 * fdnix_vector_index_to_json:
 * @index: a finished index
 *
 * Returns: (transfer full): the index as JSON text.
 */
gchar *
fdnix_vector_index_to_json (const FdnixVectorIndex *index)
{
  GString *out = g_string_sized_new (256 + 256 * index->files->len);

  g_string_append_c (out, '{');
  fdnix_json_member_int (out, "version", index->version);
  fdnix_json_member_string (out, "created_at", index->created_at);
  fdnix_json_member_int (out, "total_vectors", (gint64) index->total_vectors);
  fdnix_json_member_int (out, "vector_dimension", index->dimension);
  fdnix_json_member (out, "batch_files");
  g_string_append_c (out, '[');
  for (guint i = 0; i < index->files->len; i++)
    {
      const FdnixBatchFileInfo *info = index->files->pdata[i];

      if (i > 0)
        g_string_append_c (out, ',');
      g_string_append_c (out, '{');
      fdnix_json_member_string (out, "key", info->key);
      fdnix_json_member_int (out, "vector_count", (gint64) info->vector_count);
      fdnix_json_member_int (out, "dimension", info->dimension);
      fdnix_json_member_int (out, "size", (gint64) info->size);
      fdnix_json_member_string (out, "sha256", info->sha256);
      if (info->ids_digest != NULL)
        fdnix_json_member_string (out, "ids_digest", info->ids_digest);
      g_string_append_c (out, '}');
    }
  g_string_append_c (out, ']');
  if (index->bundle != NULL)
    {
      fdnix_json_member (out, "search_bundle");
      g_string_append_c (out, '{');
      fdnix_json_member_string (out, "key", index->bundle->key);
      fdnix_json_member_int (out, "format", index->bundle->format);
      fdnix_json_member_int (out, "size", (gint64) index->bundle->size);
      fdnix_json_member_string (out, "sha256", index->bundle->sha256);
      fdnix_json_member_int (out, "packages", (gint64) index->bundle->packages);
      g_string_append_c (out, '}');
    }
  if (index->superseded->len > 0)
    {
      fdnix_json_member (out, "superseded_files");
      g_string_append_c (out, '[');
      for (guint i = 0; i < index->superseded->len; i++)
        {
          const FdnixSupersededFile *file = index->superseded->pdata[i];

          if (i > 0)
            g_string_append_c (out, ',');
          g_string_append_c (out, '{');
          fdnix_json_member_string (out, "key", file->key);
          fdnix_json_member_string (out, "since", file->since);
          g_string_append_c (out, '}');
        }
      g_string_append_c (out, ']');
    }
  fdnix_json_member (out, "metadata");
  g_string_append_c (out, '{');
  fdnix_json_member_string (out, "model", index->model);
  fdnix_json_member_string (out, "embedder", index->embedder);
  fdnix_json_member_string (out, "run_id", index->run_id);
  /* unknown (an index of another writer, read back): left out, as it came */
  if (index->text_template >= 0)
    fdnix_json_member_int (out, "text_template", index->text_template);
  fdnix_json_member_string (out, "generator", PACKAGE_NAME " " PACKAGE_VERSION);
  g_string_append (out, "}}");
  return g_string_free (out, FALSE);
}

/**
 * fdnix_vector_index_serialize:
 * @index: a finished index
 *
 * Returns: (transfer full): the index as stored (gzip'd JSON).
 */
GBytes *
fdnix_vector_index_serialize (const FdnixVectorIndex *index)
{
  g_autofree gchar *json = fdnix_vector_index_to_json (index);

  return fdnix_gzip_compress (json, strlen (json));
}

static gpointer
bad_index (GError **error, const gchar *format, ...) G_GNUC_PRINTF (2, 3);

static gpointer
bad_index (GError **error, const gchar *format, ...)
{
  va_list args;
  g_autofree gchar *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_INVALID_DATA, "vector index: %s", message);
  return NULL;
}

/* Whether @d is a whole number in [0, max]: checked before any cast (a
 * cast of 1e999 or NaN is undefined). */
static gboolean
whole_in_range (gdouble d, gint64 max)
{
  return d >= 0 && d < (gdouble) G_MAXINT64 && d <= (gdouble) max && d == floor (d);
}

/* An integer member in [0, max]; absent → @absent.  A fraction, a string,
 * a negative or too large number is an error (a cast would hide it). */
static gboolean
count_member (JsonObject *object, const gchar *name, gint64 max, gint64 absent, gint64 *out,
              GError **error)
{
  JsonNode *node = json_object_get_member (object, name);
  gint64 value;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      *out = absent;
      return TRUE;
    }
  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_INT64)
    value = json_node_get_int (node);
  else if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_DOUBLE &&
           whole_in_range (json_node_get_double (node), max))
    value = (gint64) json_node_get_double (node);
  else
    {
      bad_index (error, "\"%s\" is not a whole number", name);
      return FALSE;
    }
  if (value < 0 || value > max)
    {
      bad_index (error, "\"%s\" is %" G_GINT64_FORMAT ", outside 0 to %" G_GINT64_FORMAT, name, value, max);
      return FALSE;
    }
  *out = value;
  return TRUE;
}

/* A string member, or NULL when it is absent, null or of another type.
 * Not json_object_get_string_member_with_default(): on an array or object
 * member it logs a critical (fatal under G_DEBUG=fatal-criticals), and
 * whoever can write to the bucket chooses what this member holds. */
static gchar *
string_member (JsonObject *object, const gchar *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return g_strdup (json_node_get_string (node));
}

/* Counts the values (roughly: separators and openings outside strings)
 * before json-glib builds a tree of them. */
static gsize
count_values (const gchar *text, gsize length)
{
  const guchar *p = (const guchar *) text;
  const guchar *end = length > 0 ? p + length : p;
  gsize values = 1;

  while (p < end)
    {
      guchar c = *p++;

      if (c == '"')
        p = fdnix_json_lex_skip_string (p, end);
      else if (c == ',' || c == '[' || c == '{')
        values++;
    }
  return values;
}

static gboolean
is_sha256_hex (const gchar *text)
{
  if (strlen (text) != FDNIX_SHA256_HEX_LEN)
    return FALSE;
  for (const gchar *p = text; *p != '\0'; p++)
    if (!g_ascii_isxdigit (*p))
      return FALSE;
  return TRUE;
}

static FdnixBatchFileInfo *
parse_file_entry (JsonNode *node, guint index_dimension, GError **error)
{
  JsonObject *file;
  g_autoptr(FdnixBatchFileInfo) info = NULL;
  g_autofree gchar *key = NULL;
  gint64 count, dimension, size;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return bad_index (error, "batch_files holds a non-object");
  file = json_node_get_object (node);
  key = string_member (file, "key");
  if (key == NULL || !fdnix_vector_key_is_batch (key))
    return bad_index (error, "a batch file without a valid key");
  info = fdnix_batch_file_info_new (key);
  if (!count_member (file, "vector_count", FDNIX_VECTOR_FILE_MAX_VECTORS, 0, &count, error) ||
      !count_member (file, "dimension", FDNIX_VECTOR_MAX_DIMENSION, 0, &dimension, error) ||
      !count_member (file, "size", FDNIX_OBJECTS_MAX_SIZE, 0, &size, error))
    {
      g_prefix_error (error, "%s: ", key);
      return NULL;
    }
  info->vector_count = (guint64) count;
  info->dimension = dimension > 0 ? (guint) dimension : index_dimension;
  info->size = (guint64) size;
  info->sha256 = string_member (file, "sha256");
  if (info->sha256 != NULL && !is_sha256_hex (info->sha256))
    return bad_index (error, "%s: \"sha256\" is not 64 hex digits", key);
  info->ids_digest = string_member (file, "ids_digest");
  return g_steal_pointer (&info);
}

static gboolean
parse_superseded (JsonObject *object, FdnixVectorIndex *index, GHashTable *seen, GError **error)
{
  JsonNode *node = json_object_get_member (object, "superseded_files");
  JsonArray *array;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    return bad_index (error, "superseded_files is not an array") != NULL;
  array = json_node_get_array (node);
  if (json_array_get_length (array) > FDNIX_VECTOR_INDEX_MAX_FILES)
    return bad_index (error, "more than %u superseded files", FDNIX_VECTOR_INDEX_MAX_FILES) != NULL;
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      g_autofree gchar *key = NULL;
      g_autofree gchar *since = NULL;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        return bad_index (error, "superseded_files holds a non-object") != NULL;
      key = string_member (json_node_get_object (element), "key");
      since = string_member (json_node_get_object (element), "since");
      if (key == NULL || !fdnix_vector_key_is_snapshot_file (key))
        return bad_index (error, "a superseded file without a valid key") != NULL;
      if (!g_hash_table_add (seen, g_strdup (key)))
        return bad_index (error, "%s is listed twice", key) != NULL;
      fdnix_vector_index_add_superseded (index, key, since);
    }
  return TRUE;
}

static gboolean
parse_bundle (JsonObject *object, FdnixVectorIndex *index, GError **error)
{
  JsonNode *node = json_object_get_member (object, "search_bundle");
  JsonObject *entry;
  g_autoptr(FdnixBundleInfo) info = g_new0 (FdnixBundleInfo, 1);
  gint64 format, size, packages;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return bad_index (error, "search_bundle is not an object") != NULL;
  entry = json_node_get_object (node);
  info->key = string_member (entry, "key");
  if (info->key == NULL || !fdnix_bundle_key_is_valid (info->key))
    return bad_index (error, "a search bundle without a valid key") != NULL;
  if (!count_member (entry, "format", G_MAXINT32, 0, &format, error) ||
      !count_member (entry, "size", FDNIX_OBJECTS_MAX_SIZE, 0, &size, error) ||
      !count_member (entry, "packages", G_MAXINT32, 0, &packages, error))
    {
      g_prefix_error (error, "%s: ", info->key);
      return FALSE;
    }
  info->format = (guint) format;
  info->size = (guint64) size;
  info->packages = (guint64) packages;
  info->sha256 = string_member (entry, "sha256");
  if (info->sha256 == NULL || !is_sha256_hex (info->sha256))
    return bad_index (error, "%s: \"sha256\" is not 64 hex digits", info->key) != NULL;
  index->bundle = g_steal_pointer (&info);
  return TRUE;
}

/**
 * fdnix_vector_index_parse:
 * @stored: an index as stored (gzip'd JSON; plain JSON is accepted too)
 * @error: return location for FDNIX_ERROR_INVALID_DATA
 *
 * The index may come from anyone who can write to the bucket: text size,
 * nesting, entries, counts, sizes and dimensions are checked against the
 * FDNIX_VECTOR_* caps, and a batch file listed twice is refused.
 *
 * Returns: (transfer full): the index, or NULL.
 */
FdnixVectorIndex *
fdnix_vector_index_parse (GBytes *stored, GError **error)
{
  g_autoptr(GBytes) text = NULL;
  g_autoptr(FdnixVectorIndex) index = fdnix_vector_index_new ();
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  gsize size = 0;
  const guint8 *data = g_bytes_get_data (stored, &size);
  const gchar *json;
  gsize length;
  JsonObject *metadata = NULL;
  JsonNode *metadata_node;
  JsonNode *files_node;
  JsonArray *files;
  gint64 value;

  if (size >= 2 && data[0] == 0x1f && data[1] == 0x8b)
    text = fdnix_gzip_decompress (stored, FDNIX_VECTOR_INDEX_MAX_TEXT, error);
  else if (size > FDNIX_VECTOR_INDEX_MAX_TEXT)
    return bad_index (error, "larger than %u bytes", FDNIX_VECTOR_INDEX_MAX_TEXT);
  else
    text = g_bytes_ref (stored);
  if (text == NULL)
    {
      g_prefix_error (error, "vector index: ");
      return NULL;
    }
  json = g_bytes_get_data (text, &length);
  if (count_values (json, length) > MAX_INDEX_VALUES)
    return bad_index (error, "more JSON values than %u batch files need", FDNIX_VECTOR_INDEX_MAX_FILES);
  object = fdnix_json_parse_untrusted_object (json, length, "the vector index", error);
  if (object == NULL)
    return NULL;
  files_node = json_object_get_member (object, "batch_files");
  if (files_node == NULL || !JSON_NODE_HOLDS_ARRAY (files_node))
    return bad_index (error, "no batch_files array");
  files = json_node_get_array (files_node);
  if (json_array_get_length (files) > FDNIX_VECTOR_INDEX_MAX_FILES)
    return bad_index (error, "lists %u batch files, more than the %u allowed",
                      json_array_get_length (files), FDNIX_VECTOR_INDEX_MAX_FILES);
  if (!count_member (object, "version", G_MAXINT32, 0, &value, error))
    return NULL;
  index->version = (gint) value;
  index->created_at = string_member (object, "created_at");
  if (!count_member (object, "vector_dimension", FDNIX_VECTOR_MAX_DIMENSION, 0, &value, error))
    return NULL;
  index->dimension = (guint) value;
  /* metadata that is not an object is ignored, like absent metadata */
  metadata_node = json_object_get_member (object, "metadata");
  if (metadata_node != NULL && JSON_NODE_HOLDS_OBJECT (metadata_node))
    metadata = json_node_get_object (metadata_node);
  index->model = string_member (metadata, "model");
  index->embedder = string_member (metadata, "embedder");
  index->run_id = string_member (metadata, "run_id");
  index->text_template = -1;
  if (metadata != NULL)
    {
      if (!count_member (metadata, "text_template", G_MAXINT32, -1, &value, error))
        return NULL;
      index->text_template = (gint) value;
    }

  for (guint i = 0; i < json_array_get_length (files); i++)
    {
      FdnixBatchFileInfo *info = parse_file_entry (json_array_get_element (files, i), index->dimension, error);

      if (info == NULL)
        return NULL;
      /* a file listed twice would be fetched and parsed twice (a hostile
       * index repeating one file makes a search take hours) */
      if (!g_hash_table_add (seen, g_strdup (info->key)))
        {
          bad_index (error, "%s is listed twice", info->key);
          fdnix_batch_file_info_free (info);
          return NULL;
        }
      g_ptr_array_add (index->files, info);
    }
  if (index->files->len > 0 && index->dimension == 0)
    return bad_index (error, "no vector_dimension");
  if (!parse_superseded (object, index, seen, error) || !parse_bundle (object, index, error))
    return NULL;
  fdnix_vector_index_finish (index);
  if (!count_member (object, "total_vectors", G_MAXINT64, -1, &value, error))
    return NULL;
  if (value >= 0 && (guint64) value != index->total_vectors)
    return bad_index (error, "total_vectors is not the sum of the files' vector_count");
  return g_steal_pointer (&index);
}

/**
 * fdnix_vector_index_check_limits:
 * @index: an index about to be written
 * @error: return location for FDNIX_ERROR_FAILED
 *
 * An index beyond the caps would be refused by every reader.
 *
 * Returns: TRUE when fdnix_vector_index_parse() would accept @index.
 */
gboolean
fdnix_vector_index_check_limits (const FdnixVectorIndex *index, GError **error)
{
  if (index->files->len > FDNIX_VECTOR_INDEX_MAX_FILES)
    {
      g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_FAILED,
                   "the vectors need %u batch files, more than the %u an index may list: "
                   "raise embed.vectors-per-file", index->files->len, FDNIX_VECTOR_INDEX_MAX_FILES);
      return FALSE;
    }
  if (index->dimension > FDNIX_VECTOR_MAX_DIMENSION)
    {
      g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_FAILED,
                   "vectors of %u dimensions are longer than the %u an index may hold",
                   index->dimension, FDNIX_VECTOR_MAX_DIMENSION);
      return FALSE;
    }
  return TRUE;
}

/**
 * fdnix_vector_key_is_batch:
 * @key: an object key
 *
 * Returns: whether @key names a vector batch file
 *   ("vectors/batch_*.json.gz", nothing else: no path tricks).
 */
gboolean
fdnix_vector_key_is_batch (const gchar *key)
{
  const gchar *name;

  if (!g_str_has_prefix (key, FDNIX_VECTOR_PREFIX "batch_") || !g_str_has_suffix (key, ".json.gz"))
    return FALSE;
  name = key + strlen (FDNIX_VECTOR_PREFIX);
  return strchr (name, '/') == NULL && strstr (name, "..") == NULL;
}

/**
 * fdnix_vector_key_is_snapshot_file:
 * @key: an object key
 *
 * Returns: whether @key names a file a snapshot publishes (a batch file
 *   or a search bundle)
 */
gboolean
fdnix_vector_key_is_snapshot_file (const gchar *key)
{
  return fdnix_vector_key_is_batch (key) || fdnix_bundle_key_is_valid (key);
}

/**
 * fdnix_vector_batch_key:
 * @run_id: the run's id
 * @sequence: the file's number in the run
 *
 * Returns: (transfer full): "vectors/batch_<run>_<seq>.json.gz".
 */
gchar *
fdnix_vector_batch_key (const gchar *run_id, guint sequence)
{
  return g_strdup_printf (FDNIX_VECTOR_PREFIX "batch_%s_%05u.json.gz", run_id, sequence);
}

/**
 * fdnix_vector_new_run_id:
 * @suffix: (nullable): appended after a dash (a shard: "s2of4")
 *
 * A time stamp (so keys sort by run) and 48 random bits (so two tasks
 * started in the same second never collide).
 *
 * Returns: (transfer full): a run id such as "20261129T020000Z-3fa9c2d4e5f6".
 */
gchar *
fdnix_vector_new_run_id (const gchar *suffix)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree gchar *stamp = g_date_time_format (now, "%Y%m%dT%H%M%SZ");
  guint32 a = g_random_int ();
  guint32 b = g_random_int ();

  if (suffix != NULL)
    return g_strdup_printf ("%s-%08x%04x-%s", stamp, a, b & 0xffff, suffix);
  return g_strdup_printf ("%s-%08x%04x", stamp, a, b & 0xffff);
}
