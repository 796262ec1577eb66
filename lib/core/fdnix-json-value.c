/* fdnix-json-value.c: arena-backed JSON value parser (see the header). */
#include "config.h"

#include <string.h>

#include "core/fdnix-error.h"
#include "core/fdnix-json-lex.h"
#include "core/fdnix-json-value.h"

/* Small entries fit one block; a block survives between parses unless an
 * unusually large entry made it big, so memory stays flat. */
#define ARENA_BLOCK_SIZE (64 * 1024)
#define ARENA_KEEP_MAX   (4 * 1024 * 1024)

typedef enum {
  PARSE_OK,
  PARSE_FAIL,
  PARSE_HALF,   /* a half-written value was found; containers are being closed */
} ParseStatus;

struct _FdnixJsonParser {
  /* arena */
  guint8             *block;
  gsize               block_size;
  gsize               block_used;
  gsize               arena_total;   /* bytes of every block, current included */
  GPtrArray          *old_blocks;

  /* input */
  const guchar       *start;
  const guchar       *pos;
  const guchar       *end;
  FdnixJsonParseFlags flags;

  /* outcome */
  const gchar        *reason;
  gsize               error_pos;
  const gchar        *root_member;   /* arena, NUL-terminated */
  gboolean            half_written;
  gsize               half_pos;
  guint               half_depth;
  const gchar        *half_root_member;
};

static void
arena_new_block (FdnixJsonParser *self, gsize min_size)
{
  gsize size = MAX (MAX (self->block_size, (gsize) ARENA_BLOCK_SIZE), min_size);

  if (self->block != NULL)
    g_ptr_array_add (self->old_blocks, self->block);
  self->block = g_malloc (size);
  self->block_size = size;
  self->block_used = 0;
  self->arena_total += size;
}

static inline gpointer
arena_alloc (FdnixJsonParser *self, gsize size)
{
  gpointer ptr;

  size = (size + 7) & ~(gsize) 7;
  if (size > self->block_size - self->block_used)
    arena_new_block (self, size);
  ptr = self->block + self->block_used;
  self->block_used += size;
  return ptr;
}

/* After a parse that needed several blocks, keep one block as large as all
 * of them (so the next entry of that size needs one), unless that is big. */
static void
arena_reset (FdnixJsonParser *self)
{
  gsize total = self->arena_total;

  if (self->old_blocks->len == 0 && self->block_size <= ARENA_KEEP_MAX)
    {
      self->block_used = 0;
      return;
    }
  g_ptr_array_set_size (self->old_blocks, 0);
  g_free (self->block);
  self->block_size = total <= ARENA_KEEP_MAX ? total : ARENA_BLOCK_SIZE;
  self->block = g_malloc (self->block_size);
  self->block_used = 0;
  self->arena_total = self->block_size;
}

static inline FdnixJsonValue *
new_node (FdnixJsonParser *self)
{
  FdnixJsonValue *node = arena_alloc (self, sizeof (FdnixJsonValue));

  memset (node, 0, sizeof *node);
  return node;
}

static ParseStatus
fail (FdnixJsonParser *self, const guchar *at, const gchar *reason)
{
  self->error_pos = at - self->start;
  self->reason = reason;
  return PARSE_FAIL;
}

static inline void
skip_ws (FdnixJsonParser *self)
{
  self->pos = fdnix_json_lex_skip_ws (self->pos, self->end);
}

/* pos is at the opening quote. */
static ParseStatus
parse_string (FdnixJsonParser *self, const gchar **out_text, gsize *out_length, gboolean *out_repaired)
{
  const guchar *s = self->pos + 1;
  const guchar *q;
  const gchar *reason;
  gboolean escaped;
  gchar *buf;
  gsize length = 0;
  gsize bad = 0;

  if (!fdnix_json_lex_string (s, self->end, &q, &escaped, &reason))
    return fail (self, q, reason);
  self->pos = q + 1;
  if (!escaped)
    {
      *out_text = (const gchar *) s;
      *out_length = q - s;
      *out_repaired = FALSE;
      return PARSE_OK;
    }
  buf = arena_alloc (self, (q - s) + 1);
  if (!fdnix_json_lex_decode_string ((const gchar *) s, q - s, buf, &length, out_repaired, &bad))
    return fail (self, s + bad, "invalid escape in a string");
  buf[length] = '\0';
  *out_text = buf;
  *out_length = length;
  return PARSE_OK;
}

static ParseStatus
parse_number (FdnixJsonParser *self, FdnixJsonValue *v)
{
  const guchar *q;

  if (!fdnix_json_lex_number (self->pos, self->end, &q))
    return fail (self, q, "invalid number");
  v->type = FDNIX_JSON_NUMBER;
  v->text = (const gchar *) self->pos;
  v->length = q - self->pos;
  self->pos = q;
  return PARSE_OK;
}

/* pos is at the literal's first letter, which set the value's type. */
static ParseStatus
parse_literal (FdnixJsonParser *self)
{
  gsize length = fdnix_json_lex_literal (self->pos, self->end);

  if (length == 0)
    return fail (self, self->pos, "invalid literal");
  self->pos += length;
  return PARSE_OK;
}

/* Whether a value is missing at pos, right before @closer: nix 2.8's trace
 * of a value that threw while it was written (the caller checked the flag). */
static gboolean
half_written_here (FdnixJsonParser *self, guchar closer, guint depth)
{
  if (self->pos >= self->end || *self->pos != closer)
    return FALSE;
  self->half_written = TRUE;
  self->half_pos = self->pos - self->start;
  self->half_depth = depth;
  self->half_root_member = self->root_member;
  self->pos++;
  return TRUE;
}

/* After a half-written value every open container closes, and nothing else
 * follows: that is what nix's writer does while the exception unwinds. */
static ParseStatus
close_half (FdnixJsonParser *self, guchar closer)
{
  skip_ws (self);
  if (self->pos >= self->end || *self->pos != closer)
    return fail (self, self->pos, "data after a half-written value");
  self->pos++;
  return PARSE_HALF;
}

static ParseStatus parse_value (FdnixJsonParser *self, FdnixJsonValue *v, guint depth);

/* Enters the container at pos.  Returns FALSE when it is already done with
 * (too deep, or empty), *@out_status saying how. */
static inline gboolean
open_container (FdnixJsonParser *self, FdnixJsonValue *v, FdnixJsonType type, guchar closer,
                guint depth, ParseStatus *out_status)
{
  if (depth >= FDNIX_JSON_MAX_DEPTH)
    {
      *out_status = fail (self, self->pos, "nesting too deep");
      return FALSE;
    }
  v->type = type;
  self->pos++;
  skip_ws (self);
  if (self->pos < self->end && *self->pos == closer)
    {
      self->pos++;
      *out_status = PARSE_OK;
      return FALSE;
    }
  return TRUE;
}

/* Links @child, which parsed with @status, at *@tail, then reads what follows
 * it.  Returns TRUE after a ',' (another item follows); FALSE when the
 * container is done with, *@out_status saying how. */
static inline gboolean
next_item (FdnixJsonParser *self, FdnixJsonValue *v, FdnixJsonValue ***tail,
           FdnixJsonValue *child, ParseStatus status, guchar closer, ParseStatus *out_status)
{
  if (status == PARSE_FAIL)
    {
      *out_status = PARSE_FAIL;
      return FALSE;
    }
  **tail = child;
  *tail = &child->next;
  v->length++;
  if (status == PARSE_HALF)
    {
      *out_status = close_half (self, closer);
      return FALSE;
    }
  skip_ws (self);
  if (self->pos < self->end && *self->pos == ',')
    {
      self->pos++;
      return TRUE;
    }
  if (self->pos >= self->end)
    *out_status = fail (self, self->pos, "unexpected end of input");
  else if (*self->pos != closer)
    *out_status = fail (self, self->pos,
                        closer == '}' ? "expected ',' or '}'" : "expected ',' or ']'");
  else
    {
      self->pos++;
      *out_status = PARSE_OK;
    }
  return FALSE;
}

static ParseStatus
parse_object (FdnixJsonParser *self, FdnixJsonValue *v, guint depth)
{
  FdnixJsonValue **tail = &v->children;
  gboolean half_ok = (self->flags & FDNIX_JSON_PARSE_HALF_WRITTEN) != 0;
  ParseStatus status;

  if (!open_container (self, v, FDNIX_JSON_OBJECT, '}', depth, &status))
    return status;
  for (;;)
    {
      FdnixJsonValue *child;

      skip_ws (self);
      if (self->pos >= self->end)
        return fail (self, self->pos, "unexpected end of input");
      if (*self->pos != '"')
        return fail (self, self->pos, "expected a member name");
      child = new_node (self);
      if (parse_string (self, &child->name, &child->name_length, &child->name_repaired) != PARSE_OK)
        return PARSE_FAIL;
      skip_ws (self);
      if (self->pos >= self->end || *self->pos != ':')
        return fail (self, self->pos, "expected ':' after a member name");
      self->pos++;
      skip_ws (self);
      if (depth == 0)
        {
          gchar *name = arena_alloc (self, child->name_length + 1);
          memcpy (name, child->name, child->name_length);
          name[child->name_length] = '\0';
          self->root_member = name;
        }
      if (half_ok && half_written_here (self, '}', depth))
        return PARSE_HALF;
      if (!next_item (self, v, &tail, child, parse_value (self, child, depth + 1), '}', &status))
        return status;
    }
}

static ParseStatus
parse_array (FdnixJsonParser *self, FdnixJsonValue *v, guint depth)
{
  FdnixJsonValue **tail = &v->children;
  gboolean half_ok = (self->flags & FDNIX_JSON_PARSE_HALF_WRITTEN) != 0;
  ParseStatus status;

  if (!open_container (self, v, FDNIX_JSON_ARRAY, ']', depth, &status))
    return status;
  for (;;)
    {
      FdnixJsonValue *child = new_node (self);

      if (!next_item (self, v, &tail, child, parse_value (self, child, depth + 1), ']', &status))
        return status;
      skip_ws (self);
      if (half_ok && half_written_here (self, ']', depth))
        return PARSE_HALF;
    }
}

static ParseStatus
parse_value (FdnixJsonParser *self, FdnixJsonValue *v, guint depth)
{
  skip_ws (self);
  if (self->pos >= self->end)
    return fail (self, self->pos, "unexpected end of input");
  switch (*self->pos)
    {
    case '{':
      return parse_object (self, v, depth);
    case '[':
      return parse_array (self, v, depth);
    case '"':
      v->type = FDNIX_JSON_STRING;
      return parse_string (self, &v->text, &v->length, &v->repaired);
    case 't':
      v->type = FDNIX_JSON_BOOLEAN;
      v->boolean = TRUE;
      return parse_literal (self);
    case 'f':
      v->type = FDNIX_JSON_BOOLEAN;
      return parse_literal (self);
    case 'n':
      v->type = FDNIX_JSON_NULL;
      return parse_literal (self);
    case '-': case '0': case '1': case '2': case '3': case '4':
    case '5': case '6': case '7': case '8': case '9':
      return parse_number (self, v);
    default:
      return fail (self, self->pos, "unexpected character");
    }
}

/**
 * fdnix_json_parser_new:
 *
 * Returns: (transfer full): a parser, reusable for any number of documents.
 */
FdnixJsonParser *
fdnix_json_parser_new (void)
{
  FdnixJsonParser *self = g_new0 (FdnixJsonParser, 1);

  self->old_blocks = g_ptr_array_new_with_free_func (g_free);
  arena_new_block (self, ARENA_BLOCK_SIZE);
  return self;
}

/**
 * fdnix_json_parser_free:
 * @self: (transfer full) (nullable): a parser
 */
void
fdnix_json_parser_free (FdnixJsonParser *self)
{
  if (self == NULL)
    return;
  g_ptr_array_unref (self->old_blocks);
  g_free (self->block);
  g_free (self);
}

/**
 * fdnix_json_parser_parse:
 * @self: a parser
 * @data: JSON text: one value, whitespace around it allowed
 * @length: bytes of @data
 * @flags: parse flags
 * @error: return location for an error (FDNIX_ERROR_INVALID_DATA)
 *
 * Parses @data.  The previous tree is freed.  On failure,
 * fdnix_json_parser_get_error_position() and _get_error_reason() say where
 * and why, for callers that report offsets in a larger document.
 *
 * Returns: (transfer none) (nullable): the root, owned by @self and valid
 *   until the next parse; strings may point into @data.
 */
const FdnixJsonValue *
fdnix_json_parser_parse (FdnixJsonParser *self, const gchar *data, gsize length,
                         FdnixJsonParseFlags flags, GError **error)
{
  FdnixJsonValue *root;
  ParseStatus status;

  arena_reset (self);
  self->start = (const guchar *) data;
  self->pos = self->start;
  self->end = self->start + length;
  self->flags = flags;
  self->reason = NULL;
  self->error_pos = 0;
  self->root_member = NULL;
  self->half_written = FALSE;
  self->half_pos = 0;
  self->half_depth = 0;
  self->half_root_member = NULL;

  root = new_node (self);
  status = parse_value (self, root, 0);
  if (status != PARSE_FAIL)
    {
      skip_ws (self);
      if (self->pos != self->end)
        status = fail (self, self->pos, "unexpected data after the value");
    }
  if (status == PARSE_FAIL)
    {
      g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_INVALID_DATA,
                   "invalid JSON at byte %" G_GSIZE_FORMAT ": %s", self->error_pos, self->reason);
      return NULL;
    }
  return root;
}

/**
 * fdnix_json_parser_get_error_position:
 * @self: a parser whose last parse failed
 *
 * Returns: the offset in the input of the byte that made it fail.
 */
gsize
fdnix_json_parser_get_error_position (FdnixJsonParser *self)
{
  return self->error_pos;
}

/**
 * fdnix_json_parser_get_error_reason:
 * @self: a parser whose last parse failed
 *
 * Returns: (transfer none) (nullable): a short reason ("expected ':' ...").
 */
const gchar *
fdnix_json_parser_get_error_reason (FdnixJsonParser *self)
{
  return self->reason;
}

/**
 * fdnix_json_parser_get_half_written:
 * @self: a parser
 * @out_position: (out) (optional): offset of the missing value
 * @out_root_member: (out) (optional) (transfer none): name of the root
 *   object's member holding the missing value (NULL if the root is not an
 *   object); valid until the next parse
 * @out_depth: (out) (optional): nesting depth of the container missing a
 *   value (0: the root itself)
 *
 * Returns: whether the last successful parse (with
 *   FDNIX_JSON_PARSE_HALF_WRITTEN) met a half-written value; the tree then
 *   ends there.
 */
gboolean
fdnix_json_parser_get_half_written (FdnixJsonParser *self, gsize *out_position,
                                    const gchar **out_root_member, guint *out_depth)
{
  if (out_position != NULL)
    *out_position = self->half_pos;
  if (out_root_member != NULL)
    *out_root_member = self->half_root_member;
  if (out_depth != NULL)
    *out_depth = self->half_depth;
  return self->half_written;
}

/**
 * fdnix_json_object_get:
 * @object: (nullable): a value
 * @name: a member name
 *
 * Returns: (transfer none) (nullable): the member's value (the last one when
 *   a name repeats, as most JSON readers do), or NULL when @object is not an
 *   object or has no such member.
 */
const FdnixJsonValue *
fdnix_json_object_get (const FdnixJsonValue *object, const gchar *name)
{
  const FdnixJsonValue *found = NULL;
  gsize length = strlen (name);

  if (object == NULL || object->type != FDNIX_JSON_OBJECT)
    return NULL;
  for (const FdnixJsonValue *m = object->children; m != NULL; m = m->next)
    if (m->name_length == length && memcmp (m->name, name, length) == 0)
      found = m;
  return found;
}

/**
 * fdnix_json_value_is_string:
 * @value: (nullable): a value
 *
 * Returns: whether @value is a string.
 */
gboolean
fdnix_json_value_is_string (const FdnixJsonValue *value)
{
  return value != NULL && value->type == FDNIX_JSON_STRING;
}

/**
 * fdnix_json_value_get_int64:
 * @value: (nullable): a value
 * @out_value: (out): the integer
 *
 * Returns: whether @value is a number written as an integer (no fraction,
 *   no exponent) that fits in 64 bits.
 */
gboolean
fdnix_json_value_get_int64 (const FdnixJsonValue *value, gint64 *out_value)
{
  if (value == NULL || value->type != FDNIX_JSON_NUMBER)
    return FALSE;
  return fdnix_json_lex_int64 (value->text, value->length, out_value);
}
