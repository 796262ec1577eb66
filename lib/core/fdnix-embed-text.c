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

#include "core/fdnix-json-value.h"
#include "core/fdnix-record.h"

static void
append_license_name (GString *out, const FdnixJsonValue *license)
{
  static const gchar *const preferred[] = { "spdxId", "fullName", "shortName", "value", NULL };

  for (gsize i = 0; preferred[i] != NULL; i++)
    {
      const FdnixJsonValue *name = fdnix_json_object_get (license, preferred[i]);

      if (name == NULL || name->type != FDNIX_JSON_STRING || name->length == 0)
        continue;
      if (out->len > 0)
        g_string_append (out, ", ");
      g_string_append_len (out, name->text, name->length);
      return;
    }
}

/* One parser per thread: this runs once per record when hashing, where
 * building a json-glib tree cost a third of the normalizer's time. */
static FdnixJsonParser *
thread_parser (void)
{
  static GPrivate key = G_PRIVATE_INIT ((GDestroyNotify) fdnix_json_parser_free);
  FdnixJsonParser *parser = g_private_get (&key);

  if (parser == NULL)
    {
      parser = fdnix_json_parser_new ();
      g_private_set (&key, parser);
    }
  return parser;
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
  g_autoptr(GString) out = NULL;
  const FdnixJsonValue *root;
  const FdnixJsonValue *list;

  if (record->license_json == NULL)
    return NULL;
  root = fdnix_json_parser_parse (thread_parser (), record->license_json,
                                  strlen (record->license_json), FDNIX_JSON_PARSE_DEFAULT, NULL);
  if (root == NULL || root->type != FDNIX_JSON_OBJECT)
    return NULL;
  out = g_string_new (NULL);
  list = fdnix_json_object_get (root, "licenses");
  if (list != NULL)
    {
      for (const FdnixJsonValue *item = list->type == FDNIX_JSON_ARRAY ? list->children : NULL;
           item != NULL; item = item->next)
        if (item->type == FDNIX_JSON_OBJECT)
          append_license_name (out, item);
    }
  else
    append_license_name (out, root);
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
