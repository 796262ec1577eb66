/* fdnix-json-value.h: a small, fast JSON value parser for the hot paths.
 *
 * Ingest hands it one package entry at a time (a few KB of JSON text), the
 * record code one license per record; it turns the text into a read-only
 * tree that lives in an arena owned by the parser and is recycled by the
 * next parse.  Strings
 * without escapes point into the input, so the input must outlive the tree.
 * It is strict JSON (RFC 8259) with two deliberate exceptions: invalid UTF-8
 * inside strings is passed through for the normalizer to repair, and, on
 * request, nix 2.8's half-written entries are recognised (see
 * FDNIX_JSON_PARSE_HALF_WRITTEN).  json-glib builds GObjects and hash tables
 * per node, which costs more than everything else on the hot path.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Deeper nesting is refused: the parser recurses, and no nixpkgs value comes
 * anywhere near it. */
#define FDNIX_JSON_MAX_DEPTH 256

typedef enum {
  FDNIX_JSON_NULL,
  FDNIX_JSON_BOOLEAN,
  FDNIX_JSON_NUMBER,
  FDNIX_JSON_STRING,
  FDNIX_JSON_ARRAY,
  FDNIX_JSON_OBJECT,
} FdnixJsonType;

typedef enum {
  FDNIX_JSON_PARSE_DEFAULT = 0,
  /* Accept the trace nix 2.8 leaves when a value throws while it is being
   * written: a member name and colon with no value before the object's '}',
   * or a ',' with no element before the array's ']', followed only by the
   * closing of every open container.  The parse then succeeds and
   * fdnix_json_parser_get_half_written() tells where it happened. */
  FDNIX_JSON_PARSE_HALF_WRITTEN = 1 << 0,
} FdnixJsonParseFlags;

typedef struct _FdnixJsonValue FdnixJsonValue;

struct _FdnixJsonValue {
  FdnixJsonType   type;
  gboolean        boolean;      /* FDNIX_JSON_BOOLEAN */
  gboolean        repaired;     /* string: a lone surrogate escape became U+FFFD */
  const gchar    *text;         /* string: decoded bytes; number: its JSON text; not NUL-terminated */
  gsize           length;       /* bytes of text; arrays and objects: number of children */
  const gchar    *name;         /* member name (decoded) when the parent is an object */
  gsize           name_length;
  gboolean        name_repaired;
  FdnixJsonValue *children;     /* first element or member */
  FdnixJsonValue *next;         /* next sibling */
};

typedef struct _FdnixJsonParser FdnixJsonParser;

FdnixJsonParser      *fdnix_json_parser_new              (void);
void                  fdnix_json_parser_free             (FdnixJsonParser     *self);
const FdnixJsonValue *fdnix_json_parser_parse            (FdnixJsonParser     *self,
                                                          const gchar         *data,
                                                          gsize                length,
                                                          FdnixJsonParseFlags  flags,
                                                          GError             **error);
gsize                 fdnix_json_parser_get_error_position (FdnixJsonParser   *self);
const gchar          *fdnix_json_parser_get_error_reason (FdnixJsonParser     *self);
gboolean              fdnix_json_parser_get_half_written (FdnixJsonParser     *self,
                                                          gsize               *out_position,
                                                          const gchar        **out_root_member,
                                                          guint               *out_depth);

const FdnixJsonValue *fdnix_json_object_get              (const FdnixJsonValue *object,
                                                          const gchar          *name);
gboolean              fdnix_json_value_is_string         (const FdnixJsonValue *value);
gboolean              fdnix_json_value_get_int64         (const FdnixJsonValue *value,
                                                          gint64               *out_value);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdnixJsonParser, fdnix_json_parser_free)

G_END_DECLS
