/* fdnix-package-reader.c: splitter + value parser + normalizer (see the
 * header). */
#include "config.h"

#include <string.h>

#include "core/fdnix-error.h"
#include "ingest/fdnix-json-stream.h"
#include "core/fdnix-json-value.h"
#include "ingest/fdnix-normalize.h"
#include "ingest/fdnix-package-reader.h"

struct _FdnixPackageReader {
  FdnixNormalizeOptions options;
  gchar                *nixpkgs_root;
  FdnixPackageFunc      func;
  gpointer              user_data;
  FdnixJsonStream      *stream;
  FdnixJsonParser      *parser;
  FdnixReaderCounts     counts;
};

const FdnixSetting fdnix_package_reader_settings[] = {
  /* the defaults are the parser's own, for callers without a configuration */
  { "ingest.max-long-description", FDNIX_SETTING_INT,
    G_STRINGIFY (FDNIX_NORMALIZE_DEFAULT_MAX_LONG_DESCRIPTION), "FDNIX_MAX_LONG_DESCRIPTION", NULL, 0, NULL,
    "Longest longDescription kept, in bytes; longer ones are cut with a marker",
    FDNIX_RANGE (64, 1073741824) },
  { "ingest.max-entry-size", FDNIX_SETTING_INT,
    G_STRINGIFY (FDNIX_JSON_STREAM_DEFAULT_MAX_VALUE), "FDNIX_MAX_ENTRY_SIZE", NULL, 0, NULL,
    "Largest package entry accepted in the input, in bytes",
    FDNIX_RANGE (1, 4294967296) },
  FDNIX_SETTING_END
};

/* An attribute path fit for a log line or message. */
static gchar *
printable (const gchar *text, gsize length)
{
  g_autofree gchar *valid = g_utf8_make_valid (text, length);
  GString *out = g_string_sized_new (length + 2);

  for (const gchar *p = valid; *p != '\0'; p++)
    {
      guchar c = *p;
      if (c < 0x20 || c == 0x7f || c == '"' || c == '\\')
        g_string_append_printf (out, "\\x%02x", c);
      else
        g_string_append_c (out, c);
    }
  return g_string_free (out, FALSE);
}

static gboolean
entry_error (FdnixPackageReader *self, const FdnixJsonMember *member, guint64 offset,
             const gchar *reason, GError **error)
{
  g_autofree gchar *name = printable (member->name, member->name_length);

  g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_INVALID_DATA,
               "invalid JSON at byte offset %" G_GUINT64_FORMAT " in the entry \"%s\": %s",
               offset, name, reason);
  return FALSE;
}

static gboolean
on_member (const FdnixJsonMember *member, gpointer user_data, GError **error)
{
  FdnixPackageReader *self = user_data;
  g_autoptr(FdnixRecord) record = NULL;
  g_autoptr(GError) local_error = NULL;
  FdnixNormalizeCounts repairs = { 0, 0 };
  const FdnixJsonValue *entry;
  const gchar *half_member = NULL;
  gsize half_pos = 0;
  guint half_depth = 0;
  gboolean ok;

  if (member->value_length == 0 || member->value[0] != '{')
    {
      /* not a package ("version": 2 of the wrapper), but it must be JSON */
      if (fdnix_json_parser_parse (self->parser, member->value, member->value_length,
                                   FDNIX_JSON_PARSE_DEFAULT, NULL) == NULL)
        return entry_error (self, member,
                            member->value_offset + fdnix_json_parser_get_error_position (self->parser),
                            fdnix_json_parser_get_error_reason (self->parser), error);
      return TRUE;
    }

  self->counts.entries++;
  entry = fdnix_json_parser_parse (self->parser, member->value, member->value_length,
                                   FDNIX_JSON_PARSE_HALF_WRITTEN, NULL);
  if (entry == NULL)
    return entry_error (self, member,
                        member->value_offset + fdnix_json_parser_get_error_position (self->parser),
                        fdnix_json_parser_get_error_reason (self->parser), error);
  if (fdnix_json_parser_get_half_written (self->parser, &half_pos, &half_member, &half_depth))
    {
      g_autofree gchar *name = printable (member->name, member->name_length);

      /* Only meta values are evaluated while nix writes them: anywhere else
       * a missing value is plain damage. */
      if (g_strcmp0 (half_member, "meta") != 0 || half_depth < 1)
        return entry_error (self, member, member->value_offset + half_pos, "a value is missing", error);
      self->counts.skipped_half_written++;
      g_warning ("skipping \"%s\": nix left the entry half-written (a meta attribute failed "
                 "to evaluate; byte offset %" G_GUINT64_FORMAT ")",
                 name, member->value_offset + half_pos);
      return TRUE;
    }

  if (member->name_repaired)
    g_set_error_literal (&local_error, FDNIX_ERROR, FDNIX_ERROR_INVALID_DATA,
                         "attribute path has a lone surrogate escape");
  else
    record = fdnix_normalize_package (&self->options, member->name, member->name_length, entry,
                                      &repairs, &local_error);
  self->counts.repaired_utf8 += repairs.repaired_utf8;
  self->counts.capped_long_descriptions += repairs.capped_long_descriptions;
  if (record == NULL)
    {
      g_autofree gchar *name = printable (member->name, member->name_length);
      self->counts.skipped_invalid++;
      g_warning ("skipping \"%s\" (byte offset %" G_GUINT64_FORMAT "): %s",
                 name, member->value_offset, local_error->message);
      return TRUE;
    }
  self->counts.records++;
  ok = self->func (record, self->user_data, error);
  return ok;
}

/**
 * fdnix_package_reader_new:
 * @options: (nullable): normalization options (copied); NULL for defaults
 * @func: (scope notified): called with each valid record, in input order
 * @user_data: for @func
 *
 * Returns: (transfer full): a reader expecting the start of a document.
 */
FdnixPackageReader *
fdnix_package_reader_new (const FdnixNormalizeOptions *options, FdnixPackageFunc func,
                          gpointer user_data)
{
  FdnixPackageReader *self = g_new0 (FdnixPackageReader, 1);

  if (options != NULL)
    {
      self->options = *options;
      self->nixpkgs_root = g_strdup (options->nixpkgs_root);
      self->options.nixpkgs_root = self->nixpkgs_root;
    }
  self->func = func;
  self->user_data = user_data;
  self->stream = fdnix_json_stream_new (on_member, self);
  self->parser = fdnix_json_parser_new ();
  return self;
}

/**
 * fdnix_package_reader_new_from_config:
 * @config: a configuration with fdnix_package_reader_settings registered
 * @nixpkgs_root: (nullable): the tree the input was evaluated in, stripped
 *   from positions (the source knows it: fdnix_source_get_nixpkgs_root())
 * @func: (scope notified): called with each valid record
 * @user_data: for @func
 *
 * Returns: (transfer full): a reader with the [ingest] settings applied.
 */
FdnixPackageReader *
fdnix_package_reader_new_from_config (FdnixConfig *config, const gchar *nixpkgs_root,
                                      FdnixPackageFunc func, gpointer user_data)
{
  gint64 max_long = fdnix_config_get_int (config, "ingest.max-long-description");
  gint64 max_entry = fdnix_config_get_int (config, "ingest.max-entry-size");
  FdnixNormalizeOptions options = { nixpkgs_root, max_long > 0 ? (gsize) max_long : 0 };
  FdnixPackageReader *self = fdnix_package_reader_new (&options, func, user_data);

  fdnix_package_reader_set_max_entry_size (self, max_entry > 0 ? (gsize) max_entry : 0);
  return self;
}

/**
 * fdnix_package_reader_set_max_entry_size:
 * @self: a reader
 * @max_entry_size: largest entry in bytes; 0 for the default (64 MiB)
 */
void
fdnix_package_reader_set_max_entry_size (FdnixPackageReader *self, gsize max_entry_size)
{
  fdnix_json_stream_set_max_value (self->stream, max_entry_size);
}

/**
 * fdnix_package_reader_feed:
 * @self: a reader
 * @data: the next bytes of the document, split anywhere
 * @length: bytes of @data
 * @error: return location for an error
 *
 * Returns: FALSE when the document is broken (FDNIX_ERROR_INVALID_DATA,
 *   naming the byte offset and, when known, the attribute path) or the
 *   record function failed (its error, unchanged).
 */
gboolean
fdnix_package_reader_feed (FdnixPackageReader *self, const gchar *data, gsize length, GError **error)
{
  return fdnix_json_stream_feed (self->stream, data, length, error);
}

/**
 * fdnix_package_reader_finish:
 * @self: a reader
 * @error: return location for an error
 *
 * Ends the input.
 *
 * Returns: FALSE (FDNIX_ERROR_INVALID_DATA) when the document is incomplete.
 */
gboolean
fdnix_package_reader_finish (FdnixPackageReader *self, GError **error)
{
  return fdnix_json_stream_finish (self->stream, error);
}

/**
 * fdnix_package_reader_get_counts:
 * @self: a reader
 * @out: (out caller-allocates): the counts so far
 */
void
fdnix_package_reader_get_counts (FdnixPackageReader *self, FdnixReaderCounts *out)
{
  *out = self->counts;
}

/**
 * fdnix_package_reader_get_offset:
 * @self: a reader
 *
 * Returns: the bytes consumed so far.
 */
guint64
fdnix_package_reader_get_offset (FdnixPackageReader *self)
{
  return fdnix_json_stream_get_offset (self->stream);
}

/**
 * fdnix_package_reader_is_wrapper:
 * @self: a reader
 *
 * Returns: whether the input is a channel's `{"version":2,"packages":...}`.
 */
gboolean
fdnix_package_reader_is_wrapper (FdnixPackageReader *self)
{
  return fdnix_json_stream_is_wrapper (self->stream);
}

/**
 * fdnix_package_reader_free:
 * @self: (transfer full) (nullable): a reader
 */
void
fdnix_package_reader_free (FdnixPackageReader *self)
{
  if (self == NULL)
    return;
  fdnix_json_stream_free (self->stream);
  fdnix_json_parser_free (self->parser);
  g_free (self->nixpkgs_root);
  g_free (self);
}
