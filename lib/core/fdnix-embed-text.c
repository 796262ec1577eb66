/* fdnix-embed-text.c: the text a record is embedded from.
 *
 * It lives in core, not in lib/embed, because fdnix-metadata stores its hash
 * (to know when a record needs a new vector) and fdnix-embed builds the text
 * itself: both must use this one function, and ingest may not depend on
 * embed.  Changing the output requires bumping
 * FDNIX_EMBED_TEXT_TEMPLATE_VERSION.
 */
#include "config.h"

#include <string.h>
#include <json-glib/json-glib.h>

#include "core/fdnix-record.h"

static void
append_license_name (GString *out, JsonObject *license)
{
  static const gchar *const preferred[] = { "spdxId", "fullName", "shortName", "value", NULL };

  for (gsize i = 0; preferred[i] != NULL; i++)
    {
      const gchar *name;

      if (!json_object_has_member (license, preferred[i]))
        continue;
      name = json_object_get_string_member_with_default (license, preferred[i], NULL);
      if (name == NULL || *name == '\0')
        continue;
      if (out->len > 0)
        g_string_append (out, ", ");
      g_string_append (out, name);
      return;
    }
}

/**
 * fdnix_record_license_text:
 * @record: a record
 *
 * Returns: (transfer full) (nullable): the licenses as one human line
 *   ("MIT, GPL-3.0-or-later"), or NULL when there is none.
 */
gchar *
fdnix_record_license_text (const FdnixRecord *record)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GString) out = NULL;
  JsonNode *root;
  JsonObject *license;

  if (record->license_json == NULL)
    return NULL;
  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, record->license_json, -1, NULL))
    return NULL;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  license = json_node_get_object (root);
  out = g_string_new (NULL);
  if (json_object_has_member (license, "licenses"))
    {
      JsonArray *list = json_object_get_array_member (license, "licenses");
      for (guint i = 0; list != NULL && i < json_array_get_length (list); i++)
        {
          JsonNode *item = json_array_get_element (list, i);
          if (JSON_NODE_HOLDS_OBJECT (item))
            append_license_name (out, json_node_get_object (item));
        }
    }
  else
    append_license_name (out, license);
  if (out->len == 0)
    return NULL;
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* Runs of whitespace become one space: long descriptions are wrapped
 * Nix strings, and their layout carries no meaning for an embedder. */
static void
append_collapsed (GString *out, const gchar *text)
{
  gboolean space = FALSE;
  gboolean started = FALSE;

  for (const gchar *p = text; *p != '\0'; p++)
    {
      if (g_ascii_isspace (*p))
        {
          space = TRUE;
          continue;
        }
      if (space && started)
        g_string_append_c (out, ' ');
      space = FALSE;
      started = TRUE;
      g_string_append_c (out, *p);
    }
}

static void
append_line (GString *out, const gchar *label, const gchar *value)
{
  if (value == NULL || *value == '\0')
    return;
  g_string_append (out, label);
  append_collapsed (out, value);
  g_string_append_c (out, '\n');
}

/**
 * fdnix_record_embedding_text:
 * @record: a record
 *
 * Builds the text an embedder sees: names first (they carry the most
 * meaning for a search), then the descriptions, then the facts.  Not capped
 * here: the embedder caps it at its model's limit.
 *
 * Returns: (transfer full): the text.
 */
gchar *
fdnix_record_embedding_text (const FdnixRecord *record)
{
  g_autoptr(GString) out = g_string_sized_new (512);
  g_autofree gchar *license = fdnix_record_license_text (record);

  g_string_append (out, "Package: ");
  g_string_append (out, record->pname != NULL ? record->pname : record->package_name);
  if (g_strcmp0 (record->pname, record->package_name) != 0)
    g_string_append_printf (out, " (%s)", record->package_name);
  g_string_append_c (out, '\n');
  append_line (out, "Description: ", record->description);
  append_line (out, "Main program: ", record->main_program);
  append_line (out, "Details: ", record->long_description);
  append_line (out, "Homepage: ", record->homepage);
  append_line (out, "License: ", license);
  return g_string_free (g_steal_pointer (&out), FALSE);
}
