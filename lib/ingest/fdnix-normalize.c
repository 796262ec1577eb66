/* fdnix-normalize.c: nix-env entry → FdnixRecord (see the header).
 *
 * The nested fields are written straight to JSON text in a fixed member
 * order, whatever order nix printed them in, so that the content hash only
 * changes when the content does (newer nix sorts keys, older does not).
 */
#include "config.h"

#include <string.h>

#include "core/fdnix-bytes.h"
#include "core/fdnix-error.h"
#include "core/fdnix-json.h"
#include "ingest/fdnix-normalize.h"

typedef struct {
  const FdnixNormalizeOptions *options;
  const gchar                 *attr_path;
  FdnixNormalizeCounts        *counts;
  GString                     *scratch;
} Ctx;

/* Appends @text with invalid UTF-8 replaced by U+FFFD and C0 controls other
 * than newline and tab removed.  Returns whether anything was replaced. */
static gboolean
clean_into (GString *out, const gchar *text, gsize length)
{
  const guchar *p = (const guchar *) text;
  const guchar *end = p + length;
  const guchar *run = p;
  gboolean repaired = FALSE;

  while (p < end)
    {
      guchar c;
      gunichar ch;

      p = fdnix_bytes_skip_to_control_or_non_ascii (p, end);
      if (p == end)
        break;
      c = *p;
      if (c < 0x20)
        {
          if (c == '\n' || c == '\t')
            {
              p++;
              continue;
            }
          g_string_append_len (out, (const gchar *) run, p - run);
          run = ++p;
          continue;
        }
      ch = g_utf8_get_char_validated ((const gchar *) p, end - p);
      if (ch < (gunichar) -2)
        {
          p += g_utf8_skip[c];
          continue;
        }
      g_string_append_len (out, (const gchar *) run, p - run);
      g_string_append (out, "\xef\xbf\xbd");
      run = ++p;
      repaired = TRUE;
    }
  g_string_append_len (out, (const gchar *) run, p - run);
  return repaired;
}

/**
 * fdnix_normalize_text:
 * @text: bytes, possibly invalid UTF-8
 * @length: bytes of @text
 * @out_repaired: (out) (optional): whether invalid UTF-8 was replaced
 *
 * Returns: (transfer full): @text as valid UTF-8 (each invalid byte becomes
 *   U+FFFD) without NUL and C0 control characters other than newline and tab.
 */
gchar *
fdnix_normalize_text (const gchar *text, gsize length, gboolean *out_repaired)
{
  GString *out = g_string_sized_new (length + 1);
  gboolean repaired = clean_into (out, text, length);

  if (out_repaired != NULL)
    *out_repaired = repaired;
  return g_string_free (out, FALSE);
}

static void
note_repair (Ctx *ctx, gboolean repaired, const gchar *field)
{
  if (!repaired)
    return;
  ctx->counts->repaired_utf8++;
  g_warning ("%s: repaired invalid UTF-8 in %s", ctx->attr_path, field);
}

/* The cleaned string into ctx->scratch; FALSE when @value is no string. */
static gboolean
clean_scratch (Ctx *ctx, const FdnixJsonValue *value, const gchar *field)
{
  g_string_truncate (ctx->scratch, 0);
  if (value == NULL || value->type != FDNIX_JSON_STRING)
    return FALSE;
  note_repair (ctx, clean_into (ctx->scratch, value->text, value->length) || value->repaired, field);
  return TRUE;
}

static gboolean
is_space (gchar c)
{
  return c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

/* A string field for display: cleaned and trimmed; NULL when missing,
 * not a string or empty. */
static gchar *
text_field (Ctx *ctx, const FdnixJsonValue *value, const gchar *field)
{
  const gchar *start;
  const gchar *end;

  if (value == NULL || value->type != FDNIX_JSON_STRING)
    return NULL;
  start = value->text;
  end = start + value->length;
  if (value->repaired ||
      (const gchar *) fdnix_bytes_skip_to_control_or_non_ascii ((const guchar *) start,
                                                                (const guchar *) end) != end)
    {
      clean_scratch (ctx, value, field);
      start = ctx->scratch->str;
      end = start + ctx->scratch->len;
    }
  while (start < end && is_space (*start))
    start++;
  while (end > start && is_space (end[-1]))
    end--;
  if (start == end)
    return NULL;
  return g_strndup (start, end - start);
}

/* Appends a cleaned string member (or element, when @name is NULL). */
static void
json_clean_string (Ctx *ctx, GString *out, const gchar *name, const FdnixJsonValue *value,
                   const gchar *field)
{
  const guchar *text = (const guchar *) value->text;

  if (name != NULL)
    fdnix_json_member (out, name);
  else
    fdnix_json_element (out);
  /* most text is plain ASCII: copy it as it is */
  if (!value->repaired &&
      fdnix_bytes_skip_to_string_special_or_non_ascii (text, text + value->length) == text + value->length)
    {
      g_string_append_c (out, '"');
      g_string_append_len (out, value->text, value->length);
      g_string_append_c (out, '"');
      return;
    }
  clean_scratch (ctx, value, field);
  fdnix_json_append_string_len (out, ctx->scratch->str, ctx->scratch->len);
}

/* Cuts at most @max bytes (on a character boundary) and appends the marker. */
static gchar *
cap_text (gchar *text, gsize max)
{
  gsize length = strlen (text);
  gsize keep;
  GString *out;

  if (length <= max)
    return text;
  keep = max - strlen (FDNIX_NORMALIZE_TRUNCATED_MARKER);
  while (keep > 0 && ((guchar) text[keep] & 0xc0) == 0x80)
    keep--;
  while (keep > 0 && is_space (text[keep - 1]))
    keep--;
  out = g_string_sized_new (max + 1);
  g_string_append_len (out, text, keep);
  g_string_append (out, FDNIX_NORMALIZE_TRUNCATED_MARKER);
  g_free (text);
  return g_string_free (out, FALSE);
}

/* ------------------------------------------------------------------ license */

static gboolean
license_is_compound (const FdnixJsonValue *license)
{
  const FdnixJsonValue *type = fdnix_json_object_get (license, "licenseType");

  if (type != NULL && type->type == FDNIX_JSON_STRING && type->length == 8 &&
      memcmp (type->text, "compound", 8) == 0)
    return TRUE;
  return fdnix_json_object_get (license, "licenses") != NULL;
}

static void append_license_items (Ctx *ctx, GString *out, const FdnixJsonValue *list);

/* The members of a simple license the original pipeline kept. */
static void
append_license_members (Ctx *ctx, GString *out, const FdnixJsonValue *license)
{
  static const gchar *const strings[] = { "shortName", "fullName", "spdxId", "url" };
  static const gchar *const booleans[] = { "free", "redistributable", "deprecated" };

  for (gsize i = 0; i < G_N_ELEMENTS (strings); i++)
    {
      const FdnixJsonValue *v = fdnix_json_object_get (license, strings[i]);
      if (v != NULL && v->type == FDNIX_JSON_STRING)
        json_clean_string (ctx, out, strings[i], v, "meta.license");
    }
  for (gsize i = 0; i < G_N_ELEMENTS (booleans); i++)
    {
      const FdnixJsonValue *v = fdnix_json_object_get (license, booleans[i]);
      if (v != NULL && v->type == FDNIX_JSON_BOOLEAN)
        fdnix_json_member_bool (out, booleans[i], v->boolean);
    }
}

static void
append_operator (Ctx *ctx, GString *out, const FdnixJsonValue *license)
{
  const FdnixJsonValue *op = fdnix_json_object_get (license, "operator");

  if (op != NULL && op->type == FDNIX_JSON_STRING)
    json_clean_string (ctx, out, "operator", op, "meta.license");
}

/* One element of a license list: strings are short names; a compound
 * inside a list keeps its own operator and list. */
static void
append_license_item (Ctx *ctx, GString *out, const FdnixJsonValue *item)
{
  if (item->type == FDNIX_JSON_STRING)
    {
      fdnix_json_element (out);
      g_string_append_c (out, '{');
      json_clean_string (ctx, out, "shortName", item, "meta.license");
      g_string_append_c (out, '}');
    }
  else if (item->type == FDNIX_JSON_OBJECT)
    {
      fdnix_json_element (out);
      g_string_append_c (out, '{');
      if (license_is_compound (item))
        {
          append_operator (ctx, out, item);
          fdnix_json_member (out, "licenses");
          append_license_items (ctx, out, fdnix_json_object_get (item, "licenses"));
        }
      else
        append_license_members (ctx, out, item);
      g_string_append_c (out, '}');
    }
}

/* A JSON array of license items; a single object counts as a list of one. */
static void
append_license_items (Ctx *ctx, GString *out, const FdnixJsonValue *list)
{
  g_string_append_c (out, '[');
  if (list != NULL && list->type == FDNIX_JSON_ARRAY)
    {
      for (const FdnixJsonValue *item = list->children; item != NULL; item = item->next)
        append_license_item (ctx, out, item);
    }
  else if (list != NULL)
    append_license_item (ctx, out, list);
  g_string_append_c (out, ']');
}

static gchar *
license_json (Ctx *ctx, const FdnixJsonValue *license)
{
  GString *out;

  if (license == NULL)
    return NULL;
  switch (license->type)
    {
    case FDNIX_JSON_STRING:
      if (!clean_scratch (ctx, license, "meta.license") || ctx->scratch->len == 0)
        return NULL;
      out = g_string_new ("{\"type\":\"string\",\"value\":");
      fdnix_json_append_string_len (out, ctx->scratch->str, ctx->scratch->len);
      g_string_append_c (out, '}');
      return g_string_free (out, FALSE);

    case FDNIX_JSON_OBJECT:
      out = g_string_new ("{\"type\":");
      if (license_is_compound (license))
        {
          g_string_append (out, "\"array\"");
          append_operator (ctx, out, license);
          fdnix_json_member (out, "licenses");
          append_license_items (ctx, out, fdnix_json_object_get (license, "licenses"));
        }
      else
        {
          g_string_append (out, "\"object\"");
          append_license_members (ctx, out, license);
        }
      g_string_append_c (out, '}');
      return g_string_free (out, FALSE);

    case FDNIX_JSON_ARRAY:
      out = g_string_new ("{\"type\":\"array\",\"licenses\":");
      append_license_items (ctx, out, license);
      g_string_append_c (out, '}');
      /* nothing usable in the list: no license given */
      if (g_str_has_suffix (out->str, ":[]}"))
        {
          g_string_free (out, TRUE);
          return NULL;
        }
      return g_string_free (out, FALSE);

    case FDNIX_JSON_NULL:
    case FDNIX_JSON_BOOLEAN:
    case FDNIX_JSON_NUMBER:
    default:
      return NULL;
    }
}

/* -------------------------------------------------------------- maintainers */

static gchar *
maintainers_json (Ctx *ctx, const FdnixJsonValue *list)
{
  static const gchar *const strings[] = { "name", "email", "github" };
  GString *out = g_string_sized_new (256);

  g_string_append_c (out, '[');
  for (const FdnixJsonValue *item = list != NULL && list->type == FDNIX_JSON_ARRAY ? list->children : NULL;
       item != NULL; item = item->next)
    {
      const FdnixJsonValue *values[G_N_ELEMENTS (strings)];
      gboolean any = FALSE;
      gint64 github_id = 0;

      if (item->type == FDNIX_JSON_STRING)
        {
          g_autofree gchar *name = text_field (ctx, item, "meta.maintainers");
          if (name == NULL)
            continue;
          fdnix_json_element (out);
          g_string_append_c (out, '{');
          fdnix_json_member_string (out, "name", name);
          g_string_append_c (out, '}');
          continue;
        }
      if (item->type != FDNIX_JSON_OBJECT)
        continue;
      for (gsize i = 0; i < G_N_ELEMENTS (strings); i++)
        {
          values[i] = fdnix_json_object_get (item, strings[i]);
          if (values[i] != NULL && (values[i]->type != FDNIX_JSON_STRING || values[i]->length == 0))
            values[i] = NULL;
          any = any || values[i] != NULL;
        }
      if (!any)
        continue;
      fdnix_json_element (out);
      g_string_append_c (out, '{');
      for (gsize i = 0; i < G_N_ELEMENTS (strings); i++)
        if (values[i] != NULL)
          json_clean_string (ctx, out, strings[i], values[i], "meta.maintainers");
      if (fdnix_json_value_get_int64 (fdnix_json_object_get (item, "githubId"), &github_id))
        {
          /* printf is slow enough to show in a profile here */
          gchar digits[24];
          gchar *d = digits + sizeof digits;
          guint64 magnitude = github_id < 0 ? 0 - (guint64) github_id : (guint64) github_id;
          do
            *--d = '0' + magnitude % 10;
          while ((magnitude /= 10) != 0);
          if (github_id < 0)
            *--d = '-';
          fdnix_json_member (out, "githubId");
          g_string_append_len (out, d, digits + sizeof digits - d);
        }
      g_string_append_c (out, '}');
    }
  g_string_append_c (out, ']');
  return g_string_free (out, FALSE);
}

/* ---------------------------------------------------------------- platforms */

static void
flatten_pattern (Ctx *ctx, GPtrArray *pairs, GString *path, const FdnixJsonValue *value)
{
  gsize path_length = path->len;

  switch (value->type)
    {
    case FDNIX_JSON_OBJECT:
    case FDNIX_JSON_ARRAY:
      {
        guint index = 0;
        for (const FdnixJsonValue *child = value->children; child != NULL; child = child->next, index++)
          {
            if (path->len > 0)
              g_string_append_c (path, '.');
            if (value->type == FDNIX_JSON_OBJECT)
              clean_into (path, child->name, child->name_length);
            else
              g_string_append_printf (path, "%u", index);
            flatten_pattern (ctx, pairs, path, child);
            g_string_truncate (path, path_length);
          }
        return;
      }
    case FDNIX_JSON_STRING:
      clean_scratch (ctx, value, "meta.platforms");
      g_ptr_array_add (pairs, g_strdup_printf ("%s=%s", path->str, ctx->scratch->str));
      return;
    case FDNIX_JSON_NUMBER:
      g_ptr_array_add (pairs, g_strdup_printf ("%s=%.*s", path->str, (gint) value->length, value->text));
      return;
    case FDNIX_JSON_BOOLEAN:
      g_ptr_array_add (pairs, g_strdup_printf ("%s=%s", path->str, value->boolean ? "true" : "false"));
      return;
    case FDNIX_JSON_NULL:
    default:
      g_ptr_array_add (pairs, g_strdup_printf ("%s=null", path->str));
      return;
    }
}

static gint
compare_strings (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const gchar * const *) a, *(const gchar * const *) b);
}

static gchar *
platforms_json (Ctx *ctx, const FdnixJsonValue *list)
{
  GString *out = g_string_sized_new (256);

  g_string_append_c (out, '[');
  for (const FdnixJsonValue *item = list != NULL && list->type == FDNIX_JSON_ARRAY ? list->children : NULL;
       item != NULL; item = item->next)
    {
      if (item->type == FDNIX_JSON_STRING)
        {
          if (item->length > 0)
            json_clean_string (ctx, out, NULL, item, "meta.platforms");
        }
      else if (item->type == FDNIX_JSON_OBJECT)
        {
          g_autoptr(GPtrArray) pairs = g_ptr_array_new_with_free_func (g_free);
          g_autoptr(GString) path = g_string_new (NULL);
          g_autoptr(GString) joined = g_string_new (NULL);

          flatten_pattern (ctx, pairs, path, item);
          if (pairs->len == 0)
            continue;
          g_ptr_array_sort (pairs, compare_strings);
          for (guint i = 0; i < pairs->len; i++)
            {
              if (i > 0)
                g_string_append_c (joined, ',');
              g_string_append (joined, g_ptr_array_index (pairs, i));
            }
          fdnix_json_element (out);
          fdnix_json_append_string_len (out, joined->str, joined->len);
        }
    }
  g_string_append_c (out, ']');
  return g_string_free (out, FALSE);
}

/* ----------------------------------------------------------------- position */

static gboolean
is_store_hash (const gchar *p)
{
  static const gchar alphabet[] = "0123456789abcdfghijklmnpqrsvwxyz";

  for (guint i = 0; i < 32; i++)
    if (p[i] == '\0' || strchr (alphabet, p[i]) == NULL)
      return FALSE;
  return p[32] == '-';
}

/**
 * fdnix_normalize_position:
 * @position: meta.position ("path:line")
 * @nixpkgs_root: (nullable): the nixpkgs tree nix evaluated
 *
 * Makes @position relative to the nixpkgs root, so it can link to the
 * source: @nixpkgs_root is stripped when it is a prefix; else a
 * `/nix/store/HASH-NAME/` prefix; else, for an absolute path, everything
 * before its first `pkgs`, `nixos`, `lib` or `maintainers` component.
 * Anything else is kept as it is.  The `:line` suffix is kept.
 *
 * Returns: (transfer full): the position.
 */
gchar *
fdnix_normalize_position (const gchar *position, const gchar *nixpkgs_root)
{
  static const gchar *const tops[] = { "/pkgs/", "/nixos/", "/lib/", "/maintainers/" };
  const gchar *best = NULL;

  if (nixpkgs_root != NULL)
    {
      gsize length = strlen (nixpkgs_root);
      while (length > 0 && nixpkgs_root[length - 1] == '/')
        length--;
      if (length > 0 && strncmp (position, nixpkgs_root, length) == 0 && position[length] == '/')
        return g_strdup (position + length + 1);
    }
  if (g_str_has_prefix (position, "/nix/store/") && is_store_hash (position + 11))
    {
      const gchar *slash = strchr (position + 11, '/');
      if (slash != NULL)
        return g_strdup (slash + 1);
    }
  if (position[0] != '/')
    return g_strdup (position);
  for (gsize i = 0; i < G_N_ELEMENTS (tops); i++)
    {
      const gchar *hit = strstr (position, tops[i]);
      if (hit != NULL && (best == NULL || hit < best))
        best = hit;
    }
  return g_strdup (best != NULL ? best + 1 : position);
}

/* -------------------------------------------------------------------- names */

/* builtins.parseDrvName: the name ends at the first '-' not followed by a
 * letter. */
static gchar *
drv_name (const gchar *name)
{
  for (const gchar *p = name; *p != '\0'; p++)
    if (p[0] == '-' && p > name && !g_ascii_isalpha (p[1]))
      return g_strndup (name, p - name);
  return g_strdup (name);
}

static gchar *
derive_pname (Ctx *ctx, const FdnixJsonValue *entry, const gchar *version,
              const gchar *attr_path)
{
  g_autofree gchar *name = NULL;
  gchar *pname = text_field (ctx, fdnix_json_object_get (entry, "pname"), "pname");
  const gchar *dot;

  if (pname != NULL)
    return pname;
  name = text_field (ctx, fdnix_json_object_get (entry, "name"), "name");
  if (name != NULL)
    {
      gsize name_length = strlen (name);
      gsize version_length = version != NULL ? strlen (version) : 0;
      if (version_length > 0 && name_length > version_length + 1 &&
          name[name_length - version_length - 1] == '-' &&
          strcmp (name + name_length - version_length, version) == 0)
        return g_strndup (name, name_length - version_length - 1);
      return drv_name (name);
    }
  dot = strrchr (attr_path, '.');
  return g_strdup (dot != NULL && dot[1] != '\0' ? dot + 1 : attr_path);
}

/**
 * fdnix_normalize_check_attr_path:
 * @attr_path: an attribute path (bytes)
 * @length: bytes of @attr_path
 * @error: return location for an error (FDNIX_ERROR_INVALID_DATA)
 *
 * A package's key is not repaired, only accepted or refused: a repaired key
 * could collide with another package's.
 *
 * Returns: whether @attr_path is usable as a key: not empty, at most
 *   FDNIX_NORMALIZE_MAX_KEY_LENGTH bytes, valid UTF-8, no control characters.
 */
gboolean
fdnix_normalize_check_attr_path (const gchar *attr_path, gsize length, GError **error)
{
  if (length == 0)
    {
      g_set_error_literal (error, FDNIX_ERROR, FDNIX_ERROR_INVALID_DATA, "empty attribute path");
      return FALSE;
    }
  if (length > FDNIX_NORMALIZE_MAX_KEY_LENGTH)
    {
      g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_INVALID_DATA,
                   "attribute path longer than %d bytes", FDNIX_NORMALIZE_MAX_KEY_LENGTH);
      return FALSE;
    }
  if (!g_utf8_validate_len (attr_path, length, NULL))
    {
      g_set_error_literal (error, FDNIX_ERROR, FDNIX_ERROR_INVALID_DATA,
                           "attribute path is not valid UTF-8");
      return FALSE;
    }
  for (gsize i = 0; i < length; i++)
    if ((guchar) attr_path[i] < 0x20 || attr_path[i] == 0x7f)
      {
        g_set_error_literal (error, FDNIX_ERROR, FDNIX_ERROR_INVALID_DATA,
                             "attribute path contains a control character");
        return FALSE;
      }
  return TRUE;
}

static gboolean
meta_bool (const FdnixJsonValue *meta, const gchar *name, gboolean fallback)
{
  const FdnixJsonValue *v = fdnix_json_object_get (meta, name);

  return v != NULL && v->type == FDNIX_JSON_BOOLEAN ? v->boolean : fallback;
}

/**
 * fdnix_normalize_package:
 * @options: (nullable): normalization options; NULL for the defaults
 * @attr_path: the entry's attribute path (the document's member name)
 * @attr_path_length: bytes of @attr_path
 * @entry: the entry's parsed value
 * @counts: (inout): repair counters to add to
 * @error: return location for an error (FDNIX_ERROR_INVALID_DATA)
 *
 * Builds the record of one package entry, hashes included.  Repairs are
 * logged with the attribute path and counted in @counts.
 *
 * Returns: (transfer full) (nullable): the record, or NULL when the entry
 *   cannot be made valid (the error says why).
 */
FdnixRecord *
fdnix_normalize_package (const FdnixNormalizeOptions *options, const gchar *attr_path,
                         gsize attr_path_length, const FdnixJsonValue *entry,
                         FdnixNormalizeCounts *counts, GError **error)
{
  static const FdnixNormalizeOptions defaults = { NULL, 0 };
  g_autoptr(FdnixRecord) r = NULL;
  g_autoptr(GString) scratch = g_string_sized_new (256);
  g_autofree gchar *name = NULL;
  g_autofree gchar *raw_version = NULL;
  g_autofree gchar *position = NULL;
  const FdnixJsonValue *meta;
  const FdnixJsonValue *homepage;
  gsize max_long;
  Ctx ctx;

  if (options == NULL)
    options = &defaults;
  if (!fdnix_normalize_check_attr_path (attr_path, attr_path_length, error))
    return NULL;
  if (entry == NULL || entry->type != FDNIX_JSON_OBJECT)
    {
      g_set_error_literal (error, FDNIX_ERROR, FDNIX_ERROR_INVALID_DATA, "entry is not a JSON object");
      return NULL;
    }
  name = g_strndup (attr_path, attr_path_length);
  ctx.options = options;
  ctx.attr_path = name;
  ctx.counts = counts;
  ctx.scratch = scratch;
  meta = fdnix_json_object_get (entry, "meta");
  if (meta != NULL && meta->type != FDNIX_JSON_OBJECT)
    meta = NULL;

  r = fdnix_record_new ();
  r->package_name = g_steal_pointer (&name);
  ctx.attr_path = r->package_name;

  /* The version is a key: cleaned but not trimmed, and never empty. */
  if (clean_scratch (&ctx, fdnix_json_object_get (entry, "version"), "version") && scratch->len > 0)
    raw_version = g_strndup (scratch->str, scratch->len);
  if (raw_version != NULL && strlen (raw_version) > FDNIX_NORMALIZE_MAX_KEY_LENGTH)
    {
      g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_INVALID_DATA,
                   "version longer than %d bytes", FDNIX_NORMALIZE_MAX_KEY_LENGTH);
      return NULL;
    }
  r->version = g_strdup (raw_version != NULL ? raw_version : "unknown");
  r->pname = derive_pname (&ctx, entry, raw_version, r->package_name);

  r->description = text_field (&ctx, fdnix_json_object_get (meta, "description"), "meta.description");
  r->long_description = text_field (&ctx, fdnix_json_object_get (meta, "longDescription"),
                                    "meta.longDescription");
  max_long = options->max_long_description > 0 ? options->max_long_description
                                               : FDNIX_NORMALIZE_DEFAULT_MAX_LONG_DESCRIPTION;
  max_long = MAX (max_long, (gsize) FDNIX_NORMALIZE_MIN_LONG_DESCRIPTION);
  if (r->long_description != NULL && strlen (r->long_description) > max_long)
    {
      r->long_description = cap_text (r->long_description, max_long);
      counts->capped_long_descriptions++;
    }
  r->main_program = text_field (&ctx, fdnix_json_object_get (meta, "mainProgram"), "meta.mainProgram");

  homepage = fdnix_json_object_get (meta, "homepage");
  if (homepage != NULL && homepage->type == FDNIX_JSON_ARRAY)
    {
      for (const FdnixJsonValue *item = homepage->children; item != NULL && r->homepage == NULL;
           item = item->next)
        r->homepage = text_field (&ctx, item, "meta.homepage");
    }
  else
    r->homepage = text_field (&ctx, homepage, "meta.homepage");

  r->license_json = license_json (&ctx, fdnix_json_object_get (meta, "license"));
  g_free (r->maintainers_json);
  r->maintainers_json = maintainers_json (&ctx, fdnix_json_object_get (meta, "maintainers"));
  g_free (r->platforms_json);
  r->platforms_json = platforms_json (&ctx, fdnix_json_object_get (meta, "platforms"));

  position = text_field (&ctx, fdnix_json_object_get (meta, "position"), "meta.position");
  if (position != NULL)
    r->position = fdnix_normalize_position (position, options->nixpkgs_root);

  r->available = meta_bool (meta, "available", TRUE);
  r->broken = meta_bool (meta, "broken", FALSE);
  r->insecure = meta_bool (meta, "insecure", FALSE);
  r->unfree = meta_bool (meta, "unfree", FALSE);
  r->unsupported = meta_bool (meta, "unsupported", FALSE);

  fdnix_record_compute_hashes (r);
  return g_steal_pointer (&r);
}

/**
 * fdnix_normalize_package_json:
 * @options: (nullable): normalization options
 * @attr_path: the attribute path (NUL-terminated)
 * @json: the entry's JSON text
 * @length: bytes of @json, or -1 when NUL-terminated
 * @counts: (inout): repair counters to add to
 * @error: return location for an error (FDNIX_ERROR_INVALID_DATA)
 *
 * Parses and normalizes one entry: for tests and one-off callers (the
 * package reader reuses one parser).
 *
 * Returns: (transfer full) (nullable): the record.
 */
FdnixRecord *
fdnix_normalize_package_json (const FdnixNormalizeOptions *options, const gchar *attr_path,
                              const gchar *json, gssize length, FdnixNormalizeCounts *counts,
                              GError **error)
{
  g_autoptr(FdnixJsonParser) parser = fdnix_json_parser_new ();
  const FdnixJsonValue *entry;

  entry = fdnix_json_parser_parse (parser, json, length < 0 ? strlen (json) : (gsize) length,
                                   FDNIX_JSON_PARSE_DEFAULT, error);
  if (entry == NULL)
    return NULL;
  return fdnix_normalize_package (options, attr_path, strlen (attr_path), entry, counts, error);
}
