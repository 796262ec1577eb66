/* fdnix-vector-index.c: the index file, batch keys and run ids. */
#include "config.h"

#include <string.h>
#include <json-glib/json-glib.h>

#include "core/fdnix-error.h"
#include "core/fdnix-json.h"
#include "core/fdnix-record.h"
#include "embed/fdnix-gzip.h"
#include "embed/fdnix-vector-index.h"

#define MAX_INDEX_TEXT (256 * 1024 * 1024)

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
  index->total_vectors = 0;
  for (guint i = 0; i < index->files->len; i++)
    index->total_vectors += ((FdnixBatchFileInfo *) index->files->pdata[i])->vector_count;
}

/**
 * fdnix_vector_index_lookup:
 * @index: a finished index
 * @key: a batch file key
 *
 * Returns: (transfer none) (nullable): the file's entry.
 */
const FdnixBatchFileInfo *
fdnix_vector_index_lookup (const FdnixVectorIndex *index, const gchar *key)
{
  for (guint i = 0; i < index->files->len; i++)
    {
      const FdnixBatchFileInfo *info = index->files->pdata[i];
      if (g_strcmp0 (info->key, key) == 0)
        return info;
    }
  return NULL;
}

/**
 * fdnix_vector_index_same_files:
 * @a: a finished index
 * @b: another
 *
 * Returns: whether both describe the same snapshot (model, dimension and
 *   files), whatever their time stamps and run ids.
 */
gboolean
fdnix_vector_index_same_files (const FdnixVectorIndex *a, const FdnixVectorIndex *b)
{
  if (g_strcmp0 (a->model, b->model) != 0 || a->dimension != b->dimension ||
      a->total_vectors != b->total_vectors || a->files->len != b->files->len ||
      a->text_template != b->text_template)
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
  fdnix_json_member (out, "metadata");
  g_string_append_c (out, '{');
  fdnix_json_member_string (out, "model", index->model);
  fdnix_json_member_string (out, "embedder", index->embedder);
  fdnix_json_member_string (out, "run_id", index->run_id);
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

static gint64
int_member (JsonObject *object, const gchar *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return -1;
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    return json_node_get_int (node);
  if (json_node_get_value_type (node) == G_TYPE_DOUBLE)
    return (gint64) json_node_get_double (node);
  return -1;
}

static gchar *
string_member (JsonObject *object, const gchar *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return g_strdup (json_node_get_string (node));
}

static gpointer
bad_index (const gchar *what, GError **error)
{
  g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_INVALID_DATA, "vector index: %s", what);
  return NULL;
}

/**
 * fdnix_vector_index_parse:
 * @stored: an index as stored (gzip'd JSON; plain JSON is accepted too)
 * @error: return location for FDNIX_ERROR_INVALID_DATA
 *
 * Returns: (transfer full): the index, or NULL.
 */
FdnixVectorIndex *
fdnix_vector_index_parse (GBytes *stored, GError **error)
{
  g_autoptr(GBytes) text = NULL;
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(FdnixVectorIndex) index = fdnix_vector_index_new ();
  const guint8 *data = g_bytes_get_data (stored, NULL);
  JsonNode *root;
  JsonObject *object;
  JsonObject *metadata = NULL;
  JsonArray *files;
  gint64 value;

  if (g_bytes_get_size (stored) >= 2 && data[0] == 0x1f && data[1] == 0x8b)
    text = fdnix_gzip_decompress (stored, MAX_INDEX_TEXT, error);
  else
    text = g_bytes_ref (stored);
  if (text == NULL)
    return NULL;
  if (!json_parser_load_from_data (parser, g_bytes_get_data (text, NULL), g_bytes_get_size (text), error))
    {
      /* json-glib's own domain: make it ours */
      g_autofree gchar *message = g_strdup ((*error)->message);
      g_clear_error (error);
      return bad_index (message, error);
    }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return bad_index ("not a JSON object", error);
  object = json_node_get_object (root);
  if (!json_object_has_member (object, "batch_files") ||
      !JSON_NODE_HOLDS_ARRAY (json_object_get_member (object, "batch_files")))
    return bad_index ("no batch_files array", error);
  value = int_member (object, "version");
  index->version = value > 0 ? (gint) value : 0;
  index->created_at = string_member (object, "created_at");
  value = int_member (object, "vector_dimension");
  index->dimension = value > 0 ? (guint) value : 0;
  if (json_object_has_member (object, "metadata") &&
      JSON_NODE_HOLDS_OBJECT (json_object_get_member (object, "metadata")))
    metadata = json_object_get_object_member (object, "metadata");
  index->model = string_member (metadata, "model");
  index->embedder = string_member (metadata, "embedder");
  index->run_id = string_member (metadata, "run_id");
  value = metadata != NULL ? int_member (metadata, "text_template") : -1;
  index->text_template = (gint) value;

  files = json_object_get_array_member (object, "batch_files");
  for (guint i = 0; i < json_array_get_length (files); i++)
    {
      JsonNode *node = json_array_get_element (files, i);
      JsonObject *file;
      g_autoptr(FdnixBatchFileInfo) info = NULL;
      g_autofree gchar *key = NULL;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        return bad_index ("batch_files holds a non-object", error);
      file = json_node_get_object (node);
      key = string_member (file, "key");
      if (key == NULL || !fdnix_vector_key_is_batch (key))
        return bad_index ("a batch file without a valid key", error);
      info = fdnix_batch_file_info_new (key);
      value = int_member (file, "vector_count");
      info->vector_count = value > 0 ? (guint64) value : 0;
      value = int_member (file, "dimension");
      info->dimension = value > 0 ? (guint) value : index->dimension;
      value = int_member (file, "size");
      info->size = value > 0 ? (guint64) value : 0;
      info->sha256 = string_member (file, "sha256");
      info->ids_digest = string_member (file, "ids_digest");
      g_ptr_array_add (index->files, g_steal_pointer (&info));
    }
  fdnix_vector_index_finish (index);
  value = int_member (object, "total_vectors");
  if (value >= 0 && (guint64) value != index->total_vectors)
    return bad_index ("total_vectors is not the sum of the files' vector_count", error);
  return g_steal_pointer (&index);
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
