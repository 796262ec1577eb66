/* fdnix-record.c: record lifetime, hashes and JSON form. */
#include "config.h"

#include <string.h>
#include <json-glib/json-glib.h>

#include "core/fdnix-error.h"
#include "core/fdnix-hash.h"
#include "core/fdnix-json.h"
#include "core/fdnix-record.h"

/**
 * fdnix_record_new:
 *
 * Returns: (transfer full): an empty record (available, no maintainers or
 *   platforms).
 */
FdnixRecord *
fdnix_record_new (void)
{
  FdnixRecord *record = g_new0 (FdnixRecord, 1);

  record->available = TRUE;
  record->maintainers_json = g_strdup ("[]");
  record->platforms_json = g_strdup ("[]");
  return record;
}

/**
 * fdnix_record_free:
 * @record: (transfer full) (nullable): a record
 */
void
fdnix_record_free (FdnixRecord *record)
{
  if (record == NULL)
    return;
  g_free (record->package_name);
  g_free (record->version);
  g_free (record->pname);
  g_free (record->description);
  g_free (record->long_description);
  g_free (record->homepage);
  g_free (record->license_json);
  g_free (record->maintainers_json);
  g_free (record->platforms_json);
  g_free (record->main_program);
  g_free (record->position);
  g_free (record->content_hash);
  g_free (record->embed_text_hash);
  g_free (record->last_updated);
  g_free (record->embedding_model);
  g_free (record->vector_file);
  g_free (record);
}

/**
 * fdnix_record_copy:
 * @record: a record
 *
 * Returns: (transfer full): a deep copy.
 */
FdnixRecord *
fdnix_record_copy (const FdnixRecord *record)
{
  FdnixRecord *copy = g_new0 (FdnixRecord, 1);

  *copy = *record;
  copy->package_name = g_strdup (record->package_name);
  copy->version = g_strdup (record->version);
  copy->pname = g_strdup (record->pname);
  copy->description = g_strdup (record->description);
  copy->long_description = g_strdup (record->long_description);
  copy->homepage = g_strdup (record->homepage);
  copy->license_json = g_strdup (record->license_json);
  copy->maintainers_json = g_strdup (record->maintainers_json);
  copy->platforms_json = g_strdup (record->platforms_json);
  copy->main_program = g_strdup (record->main_program);
  copy->position = g_strdup (record->position);
  copy->content_hash = g_strdup (record->content_hash);
  copy->embed_text_hash = g_strdup (record->embed_text_hash);
  copy->last_updated = g_strdup (record->last_updated);
  copy->embedding_model = g_strdup (record->embedding_model);
  copy->vector_file = g_strdup (record->vector_file);
  return copy;
}

static void
member_raw (GString *out, const gchar *name, const gchar *json)
{
  fdnix_json_member (out, name);
  g_string_append (out, json != NULL ? json : "null");
}

/* The fields that define a record's content, in a fixed order. */
static void
append_content (const FdnixRecord *r, GString *out)
{
  fdnix_json_member_string (out, "packageName", r->package_name);
  fdnix_json_member_string (out, "version", r->version);
  fdnix_json_member_string (out, "attributePath", r->package_name);
  fdnix_json_member_string (out, "pname", r->pname);
  fdnix_json_member_string (out, "description", r->description);
  fdnix_json_member_string (out, "longDescription", r->long_description);
  fdnix_json_member_string (out, "homepage", r->homepage);
  member_raw (out, "license", r->license_json);
  member_raw (out, "maintainers", r->maintainers_json);
  member_raw (out, "platforms", r->platforms_json);
  fdnix_json_member_string (out, "mainProgram", r->main_program);
  fdnix_json_member_string (out, "position", r->position);
  fdnix_json_member_bool (out, "available", r->available);
  fdnix_json_member_bool (out, "broken", r->broken);
  fdnix_json_member_bool (out, "insecure", r->insecure);
  fdnix_json_member_bool (out, "unfree", r->unfree);
  fdnix_json_member_bool (out, "unsupported", r->unsupported);
}

static gchar *
short_hash (const gchar *data, gsize length)
{
  gchar *hex = fdnix_sha256_hex (data, length);

  hex[FDNIX_RECORD_HASH_LEN] = '\0';
  return hex;
}

/**
 * fdnix_record_compute_hashes:
 * @record: a complete, normalized record
 *
 * Sets embed_text_hash (over the embedding text and its template version)
 * and content_hash (over every content field and embed_text_hash, so a
 * template change rewrites the record and so re-embeds it).
 */
void
fdnix_record_compute_hashes (FdnixRecord *record)
{
  g_autofree gchar *text = fdnix_record_embedding_text (record);
  g_autoptr(GString) buf = g_string_sized_new (1024);

  g_string_printf (buf, "fdnix-embed-text-v%d\n%s", FDNIX_EMBED_TEXT_TEMPLATE_VERSION, text);
  g_free (record->embed_text_hash);
  record->embed_text_hash = short_hash (buf->str, buf->len);

  g_string_assign (buf, "{");
  append_content (record, buf);
  fdnix_json_member_string (buf, "embeddingTextHash", record->embed_text_hash);
  g_string_append_c (buf, '}');
  g_free (record->content_hash);
  record->content_hash = short_hash (buf->str, buf->len);
}

/**
 * fdnix_record_append_json:
 * @record: a record
 * @out: where to append one JSON object (no newline)
 *
 * Writes the documented JSON form: every content field, then lastUpdated,
 * hasEmbedding and the incremental-sync fields.
 */
void
fdnix_record_append_json (const FdnixRecord *record, GString *out)
{
  g_string_append_c (out, '{');
  append_content (record, out);
  fdnix_json_member_string (out, "lastUpdated", record->last_updated);
  fdnix_json_member_bool (out, "hasEmbedding", record->has_embedding);
  fdnix_json_member_string (out, "contentHash", record->content_hash);
  fdnix_json_member_string (out, "embeddingTextHash", record->embed_text_hash);
  fdnix_json_member_string (out, "embeddingModel", record->embedding_model);
  fdnix_json_member_string (out, "vectorFile", record->vector_file);
  g_string_append_c (out, '}');
}

/**
 * fdnix_record_to_json:
 * @record: a record
 *
 * Returns: (transfer full): the JSON form.
 */
gchar *
fdnix_record_to_json (const FdnixRecord *record)
{
  GString *out = g_string_sized_new (2048);

  fdnix_record_append_json (record, out);
  return g_string_free (out, FALSE);
}

/* A member holding a scalar of @type, or NULL when it is absent, null or of
 * another type.  Not json_object_get_*_member_with_default(): records also
 * come from DynamoDB items that other tools may have written, and those
 * getters log a critical on an array or object member (fatal under
 * G_DEBUG=fatal-criticals) and read a number as a boolean. */
static JsonNode *
typed_member (JsonObject *object, const gchar *name, GType type)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != type)
    return NULL;
  return node;
}

static gchar *
dup_string_member (JsonObject *object, const gchar *name)
{
  JsonNode *node = typed_member (object, name, G_TYPE_STRING);

  return node != NULL ? g_strdup (json_node_get_string (node)) : NULL;
}

static gboolean
get_bool_member (JsonObject *object, const gchar *name, gboolean fallback)
{
  JsonNode *node = typed_member (object, name, G_TYPE_BOOLEAN);

  return node != NULL ? json_node_get_boolean (node) : fallback;
}

static gchar *
dup_json_member (JsonObject *object, const gchar *name, const gchar *fallback)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return g_strdup (fallback);
  return json_to_string (node, FALSE);
}

/**
 * fdnix_record_from_json:
 * @json: a record in its JSON form
 * @length: bytes of @json, or -1 if NUL-terminated
 * @error: return location for an error
 *
 * Reads back what fdnix_record_append_json() wrote (stored hashes are kept,
 * not recomputed).
 *
 * Returns: (transfer full) (nullable): the record.
 */
FdnixRecord *
fdnix_record_from_json (const gchar *json, gssize length, GError **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(FdnixRecord) record = NULL;
  g_autoptr(GError) local_error = NULL;
  JsonNode *root;
  JsonObject *o;

  if (!json_parser_load_from_data (parser, json, length, &local_error))
    {
      g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_INVALID_DATA, "record: %s", local_error->message);
      return NULL;
    }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_INVALID_DATA, "record: not a JSON object");
      return NULL;
    }
  o = json_node_get_object (root);
  record = g_new0 (FdnixRecord, 1);
  record->package_name = dup_string_member (o, "packageName");
  record->version = dup_string_member (o, "version");
  if (record->package_name == NULL || record->version == NULL)
    {
      g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_INVALID_DATA,
                   "record: packageName and version are required");
      return NULL;
    }
  record->pname = dup_string_member (o, "pname");
  record->description = dup_string_member (o, "description");
  record->long_description = dup_string_member (o, "longDescription");
  record->homepage = dup_string_member (o, "homepage");
  record->license_json = dup_json_member (o, "license", NULL);
  record->maintainers_json = dup_json_member (o, "maintainers", "[]");
  record->platforms_json = dup_json_member (o, "platforms", "[]");
  record->main_program = dup_string_member (o, "mainProgram");
  record->position = dup_string_member (o, "position");
  record->available = get_bool_member (o, "available", TRUE);
  record->broken = get_bool_member (o, "broken", FALSE);
  record->insecure = get_bool_member (o, "insecure", FALSE);
  record->unfree = get_bool_member (o, "unfree", FALSE);
  record->unsupported = get_bool_member (o, "unsupported", FALSE);
  record->last_updated = dup_string_member (o, "lastUpdated");
  record->has_embedding = get_bool_member (o, "hasEmbedding", FALSE);
  record->content_hash = dup_string_member (o, "contentHash");
  record->embed_text_hash = dup_string_member (o, "embeddingTextHash");
  record->embedding_model = dup_string_member (o, "embeddingModel");
  record->vector_file = dup_string_member (o, "vectorFile");
  return g_steal_pointer (&record);
}

/**
 * fdnix_record_same_content:
 * @a: a record with hashes
 * @b: another record with hashes
 *
 * Returns: whether @a and @b have the same key and content.
 */
gboolean
fdnix_record_same_content (const FdnixRecord *a, const FdnixRecord *b)
{
  return g_strcmp0 (a->package_name, b->package_name) == 0 &&
         g_strcmp0 (a->version, b->version) == 0 &&
         a->content_hash != NULL && g_strcmp0 (a->content_hash, b->content_hash) == 0;
}

/**
 * fdnix_now_iso8601:
 *
 * Returns: (transfer full): the current UTC time as "YYYY-MM-DDTHH:MM:SS.mmmZ",
 *   the form the original pipeline stored in lastUpdated.
 */
gchar *
fdnix_now_iso8601 (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree gchar *base = g_date_time_format (now, "%Y-%m-%dT%H:%M:%S");

  return g_strdup_printf ("%s.%03dZ", base, g_date_time_get_microsecond (now) / 1000);
}
