/* fdnix-json-stream.c: the top-level splitter (see the header).
 *
 * A byte-level state machine over the document's outer object.  Inside a
 * member's value it only counts brackets outside strings, which is cheap
 * enough to run at memory speed; the value parser checks the rest.
 *
 * Telling the channel wrapper from a package named "packages": a package
 * entry always has a string "name" member, while the wrapper's "packages"
 * value holds only objects (one per package).  Key order is not fixed
 * (newer nix sorts keys, so "meta" comes before "name"), and a wrapper
 * cannot be buffered whole, so the members of a top-level "packages" object
 * are examined in order while its bytes are kept:
 *   - a member whose value is not an object: it is a package entry; the kept
 *     bytes become the start of that entry;
 *   - an object member with a name no package entry uses for an object
 *     ("meta" and "outputs" are the only ones): it is the wrapper; members
 *     kept so far are handed over as packages, and the rest streams;
 *   - the end of the object with only objects seen: a wrapper.
 * Only a few kilobytes are ever kept for the decision.
 */
#include "config.h"

#include <string.h>

#include "core/fdnix-bytes.h"
#include "core/fdnix-error.h"
#include "core/fdnix-json-lex.h"
#include "core/fdnix-json-value.h"
#include "ingest/fdnix-json-stream.h"

/* The value buffer starts at this size; one grown past KEEP_MAX by a large
 * entry is dropped after it. */
#define VALUE_BUFFER_SIZE (64 * 1024)
#define KEEP_MAX          (4 * 1024 * 1024)

typedef enum {
  ST_BEGIN,         /* before the document's '{' */
  ST_MEMBER_FIRST,  /* after '{': a member name or '}' */
  ST_MEMBER_NEXT,   /* after ',': a member name */
  ST_NAME,          /* inside a member name */
  ST_COLON,         /* after a member name */
  ST_VALUE,         /* after ':' */
  ST_CAPTURE,       /* inside a value */
  ST_AFTER_VALUE,   /* ',' or '}' */
  ST_END,           /* after the document: whitespace only */
  ST_FAILED,
} State;

typedef enum {
  WRAP_NONE,        /* level 1: members are packages */
  WRAP_UNDECIDED,   /* inside a top-level "packages" object, still deciding */
  WRAP_PACKAGES,    /* inside the wrapper's "packages": members are packages */
} Wrap;

typedef struct {
  gchar   *name;
  gsize    name_length;
  gboolean name_repaired;
  GBytes  *value;
  guint64  value_offset;
} Candidate;

struct _FdnixJsonStream {
  FdnixJsonMemberFunc func;
  gpointer            user_data;
  gsize               max_value;

  State               state;
  guint               level;        /* 1: the document's object; 2: a "packages" object */
  Wrap                wrap;
  gboolean            saw_wrapper;
  guint               bom;          /* bytes of a UTF-8 byte order mark matched */
  guint64             chunk_base;   /* document offset of the chunk being fed */
  const guchar       *chunk;

  /* the current member's name */
  GByteArray         *name_raw;
  gboolean            name_escape;
  GByteArray         *name;         /* decoded, NUL-terminated */
  gboolean            name_repaired;
  guint64             name_offset;

  /* the current value */
  GByteArray         *value;
  guint64             value_offset;
  gboolean            scalar;       /* a number or literal: ends at a delimiter */
  gsize               depth;
  gboolean            in_string;
  gboolean            escape;

  /* deciding whether a top-level "packages" is the wrapper */
  GByteArray         *pending;      /* its bytes from '{' on */
  guint64             pending_offset;
  GPtrArray          *candidates;
};

static void
candidate_free (gpointer data)
{
  Candidate *c = data;

  g_free (c->name);
  g_bytes_unref (c->value);
  g_free (c);
}

static inline gboolean
is_scalar_byte (guchar c)
{
  return g_ascii_isalnum (c) || c == '-' || c == '+' || c == '.';
}

static inline guint64
offset_of (FdnixJsonStream *self, const guchar *p)
{
  return self->chunk_base + (p - self->chunk);
}

/* A member name fit for a message: valid UTF-8, controls escaped. */
static gchar *
printable_name (const gchar *name, gsize length)
{
  g_autofree gchar *valid = g_utf8_make_valid (name, length);
  GString *out = g_string_sized_new (length + 2);

  for (const gchar *p = valid; *p != '\0'; p++)
    {
      guchar c = *p;
      if (c < 0x20 || c == '"' || c == '\\')
        g_string_append_printf (out, "\\x%02x", c);
      else
        g_string_append_c (out, c);
    }
  return g_string_free (out, FALSE);
}

static gchar *
current_name (FdnixJsonStream *self)
{
  return printable_name ((const gchar *) self->name->data, self->name->len - 1);
}

static gboolean
name_is (FdnixJsonStream *self, const gchar *name)
{
  gsize length = strlen (name);

  return self->name->len - 1 == length && memcmp (self->name->data, name, length) == 0;
}

static gboolean
syntax_error (FdnixJsonStream *self, const guchar *at, const gchar *what, GError **error)
{
  g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_INVALID_DATA,
               "invalid JSON at byte offset %" G_GUINT64_FORMAT ": %s",
               offset_of (self, at), what);
  return FALSE;
}

/* Names the value by where it starts, so the error does not depend on
 * where the input was split. */
static gboolean
too_large (FdnixJsonStream *self, const gchar *name, guint64 offset, GError **error)
{
  g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_INVALID_DATA,
               "the value of \"%s\" at byte offset %" G_GUINT64_FORMAT " is larger than %" G_GSIZE_FORMAT
               " bytes", name, offset, self->max_value);
  return FALSE;
}

static gboolean
hand_over (FdnixJsonStream *self, const gchar *name, gsize name_length, gboolean name_repaired,
           const guint8 *value, gsize value_length, guint64 value_offset, GError **error)
{
  FdnixJsonMember member = {
    name, name_length, name_repaired, (const gchar *) value, value_length, value_offset
  };

  return self->func (&member, self->user_data, error);
}

/* The "packages" object is the wrapper: its kept members are packages. */
static gboolean
commit_wrapper (FdnixJsonStream *self, GError **error)
{
  g_autoptr(GPtrArray) candidates = g_steal_pointer (&self->candidates);

  self->candidates = g_ptr_array_new_with_free_func (candidate_free);
  self->wrap = WRAP_PACKAGES;
  self->saw_wrapper = TRUE;
  g_byte_array_set_size (self->pending, 0);
  for (guint i = 0; i < candidates->len; i++)
    {
      Candidate *c = g_ptr_array_index (candidates, i);
      gsize length = 0;
      const guint8 *data = g_bytes_get_data (c->value, &length);
      if (!hand_over (self, c->name, c->name_length, c->name_repaired, data, length,
                      c->value_offset, error))
        return FALSE;
    }
  return TRUE;
}

/* The "packages" object is one package entry: what was kept of it becomes
 * the start of the value being captured, one level deep. */
static void
commit_package (FdnixJsonStream *self)
{
  GByteArray *tmp = self->value;

  self->value = self->pending;
  self->pending = tmp;
  g_byte_array_set_size (self->pending, 0);
  self->value_offset = self->pending_offset;
  g_ptr_array_set_size (self->candidates, 0);
  g_byte_array_set_size (self->name, 0);
  g_byte_array_append (self->name, (const guint8 *) "packages", sizeof "packages");
  self->name_repaired = FALSE;
  self->level = 1;
  self->wrap = WRAP_NONE;
  self->scalar = FALSE;
  self->depth = 1;
  self->in_string = FALSE;
  self->escape = FALSE;
  self->state = ST_CAPTURE;
}

static gboolean
value_done (FdnixJsonStream *self, GError **error)
{
  gboolean ok;

  self->state = ST_AFTER_VALUE;
  if (self->wrap == WRAP_UNDECIDED)
    {
      Candidate *c = g_new0 (Candidate, 1);
      c->name = g_malloc (self->name->len);
      memcpy (c->name, self->name->data, self->name->len);
      c->name_length = self->name->len - 1;
      c->name_repaired = self->name_repaired;
      c->value = g_bytes_new (self->value->data, self->value->len);
      c->value_offset = self->value_offset;
      g_ptr_array_add (self->candidates, c);
      return TRUE;
    }
  ok = hand_over (self, (const gchar *) self->name->data, self->name->len - 1,
                  self->name_repaired, self->value->data, self->value->len,
                  self->value_offset, error);
  /* keep memory flat after an unusually large entry */
  if (self->value->len > KEEP_MAX)
    {
      g_byte_array_unref (self->value);
      self->value = g_byte_array_sized_new (VALUE_BUFFER_SIZE);
    }
  return ok;
}

static gboolean
close_object (FdnixJsonStream *self, GError **error)
{
  if (self->level == 1)
    {
      self->state = ST_END;
      return TRUE;
    }
  self->level = 1;
  self->state = ST_AFTER_VALUE;
  if (self->wrap == WRAP_UNDECIDED && !commit_wrapper (self, error))
    return FALSE;
  self->wrap = WRAP_NONE;
  return TRUE;
}

static gboolean
name_done (FdnixJsonStream *self, const guchar *at, GError **error)
{
  gsize length = 0;
  gsize bad = 0;

  g_byte_array_set_size (self->name, self->name_raw->len + 1);
  if (!fdnix_json_lex_decode_string ((const gchar *) self->name_raw->data, self->name_raw->len,
                                     (gchar *) self->name->data, &length, &self->name_repaired,
                                     &bad))
    {
      g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_INVALID_DATA,
                   "invalid JSON at byte offset %" G_GUINT64_FORMAT ": invalid member name",
                   self->name_offset + 1 + bad);
      return FALSE;
    }
  self->name->data[length] = '\0';
  g_byte_array_set_size (self->name, length + 1);
  self->state = ST_COLON;
  return TRUE;
}

/* Copies a value's bytes up to where it ends (or the chunk does). */
static const guchar *
capture (FdnixJsonStream *self, const guchar *p, const guchar *end, gboolean *out_done)
{
  const guchar *q = p;
  gsize depth = self->depth;
  gboolean in_string = self->in_string;
  gboolean escape = self->escape;
  gboolean done = FALSE;

  if (self->scalar)
    {
      while (q < end && is_scalar_byte (*q))
        q++;
      *out_done = q < end;
      return q;
    }
  while (q < end)
    {
      if (in_string)
        {
          if (escape)
            {
              escape = FALSE;
              q++;
              continue;
            }
          q = fdnix_bytes_skip_to_quote_or_backslash (q, end);
          if (q == end)
            break;
          if (*q++ == '\\')
            {
              escape = TRUE;
              continue;
            }
          in_string = FALSE;
          if (depth == 0)
            {
              done = TRUE;
              break;
            }
          continue;
        }
      q = fdnix_bytes_skip_to_structural (q, end);
      if (q == end)
        break;
      switch (*q++)
        {
        case '"':
          in_string = TRUE;
          break;
        case '{':
        case '[':
          depth++;
          break;
        default:
          done = --depth == 0;
          break;
        }
      if (done)
        break;
    }
  self->depth = depth;
  self->in_string = in_string;
  self->escape = escape;
  *out_done = done;
  return q;
}

/* The first byte of a member's value. */
static gboolean
begin_value (FdnixJsonStream *self, const guchar **pp, GError **error)
{
  const guchar *p = *pp;
  guchar c = *p;

  self->value_offset = offset_of (self, p);
  if (self->wrap == WRAP_UNDECIDED)
    {
      if (c != '{')
        {
          commit_package (self);
          return TRUE;
        }
      if (!name_is (self, "meta") && !name_is (self, "outputs"))
        return commit_wrapper (self, error);
    }
  else if (self->level == 1 && c == '{' && name_is (self, "packages"))
    {
      self->level = 2;
      self->wrap = WRAP_UNDECIDED;
      self->pending_offset = self->value_offset;
      g_byte_array_set_size (self->pending, 0);
      g_byte_array_append (self->pending, p, 1);
      self->state = ST_MEMBER_FIRST;
      *pp = p + 1;
      return TRUE;
    }
  if (c != '{' && c != '[' && c != '"' && !is_scalar_byte (c))
    return syntax_error (self, p, "expected a value", error);
  g_byte_array_set_size (self->value, 0);
  self->scalar = is_scalar_byte (c);
  self->depth = 0;
  self->in_string = FALSE;
  self->escape = FALSE;
  self->state = ST_CAPTURE;
  return TRUE;
}

/* Consumes what it can of [*pp, end) in the current state; may also change
 * state without consuming. */
static gboolean
step (FdnixJsonStream *self, const guchar **pp, const guchar *end, GError **error)
{
  static const guchar bom[] = { 0xef, 0xbb, 0xbf };
  const guchar *p = *pp;
  const guchar *q;
  gboolean done = FALSE;

  /* Whitespace is a step of its own: a step that changes how bytes are
   * kept (the wrapper decision) must not also have consumed some. */
  if (self->state != ST_CAPTURE && self->state != ST_NAME && fdnix_json_lex_is_ws (*p))
    {
      *pp = fdnix_json_lex_skip_ws (p, end);
      return TRUE;
    }
  switch (self->state)
    {
    case ST_BEGIN:
      if (self->bom < 3 && offset_of (self, p) == self->bom && *p == bom[self->bom])
        {
          self->bom++;
          *pp = p + 1;
          return TRUE;
        }
      if (*p != '{' || (self->bom > 0 && self->bom < 3))
        return syntax_error (self, p, "the document is not a JSON object", error);
      self->state = ST_MEMBER_FIRST;
      self->level = 1;
      *pp = p + 1;
      return TRUE;

    case ST_MEMBER_FIRST:
    case ST_MEMBER_NEXT:
      if (*p == '}' && self->state == ST_MEMBER_FIRST)
        {
          *pp = p + 1;
          return close_object (self, error);
        }
      if (*p != '"')
        return syntax_error (self, p, "expected a member name", error);
      g_byte_array_set_size (self->name_raw, 0);
      self->name_escape = FALSE;
      self->name_offset = offset_of (self, p);
      self->state = ST_NAME;
      *pp = p + 1;
      return TRUE;

    case ST_NAME:
      for (q = p; q < end; q++)
        {
          if (self->name_escape)
            self->name_escape = FALSE;
          else if (*q == '\\')
            self->name_escape = TRUE;
          else if (*q == '"')
            break;
        }
      if (self->name_raw->len + (gsize) (q - p) > self->max_value)
        {
          g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_INVALID_DATA,
                       "the member name at byte offset %" G_GUINT64_FORMAT " is longer than %"
                       G_GSIZE_FORMAT " bytes", self->name_offset, self->max_value);
          return FALSE;
        }
      g_byte_array_append (self->name_raw, p, q - p);
      *pp = q;
      if (q == end)
        return TRUE;
      *pp = q + 1;
      return name_done (self, q, error);

    case ST_COLON:
      if (*p != ':')
        return syntax_error (self, p, "expected ':' after a member name", error);
      self->state = ST_VALUE;
      *pp = p + 1;
      return TRUE;

    case ST_VALUE:
      return begin_value (self, pp, error);

    case ST_CAPTURE:
      q = capture (self, p, end, &done);
      if (self->value->len + (gsize) (q - p) > self->max_value)
        {
          g_autofree gchar *name = current_name (self);
          return too_large (self, name, self->value_offset, error);
        }
      g_byte_array_append (self->value, p, q - p);
      *pp = q;
      return done ? value_done (self, error) : TRUE;

    case ST_AFTER_VALUE:
      *pp = p + 1;
      if (*p == ',')
        {
          self->state = ST_MEMBER_NEXT;
          return TRUE;
        }
      if (*p == '}')
        return close_object (self, error);
      *pp = p;
      return syntax_error (self, p, "expected ',' or '}' after a value", error);

    case ST_END:
      return syntax_error (self, p, "data after the end of the document", error);

    case ST_FAILED:
    default:
      g_assert_not_reached ();
    }
  return TRUE;
}

/**
 * fdnix_json_stream_new:
 * @func: (scope notified): called for each member, in document order
 * @user_data: for @func
 *
 * Returns: (transfer full): a splitter expecting the start of a document.
 */
FdnixJsonStream *
fdnix_json_stream_new (FdnixJsonMemberFunc func, gpointer user_data)
{
  FdnixJsonStream *self = g_new0 (FdnixJsonStream, 1);

  self->func = func;
  self->user_data = user_data;
  self->max_value = FDNIX_JSON_STREAM_DEFAULT_MAX_VALUE;
  self->state = ST_BEGIN;
  self->name_raw = g_byte_array_new ();
  self->name = g_byte_array_new ();
  g_byte_array_append (self->name, (const guint8 *) "", 1);
  self->value = g_byte_array_sized_new (VALUE_BUFFER_SIZE);
  self->pending = g_byte_array_new ();
  self->candidates = g_ptr_array_new_with_free_func (candidate_free);
  return self;
}

/**
 * fdnix_json_stream_free:
 * @self: (transfer full) (nullable): a splitter
 */
void
fdnix_json_stream_free (FdnixJsonStream *self)
{
  if (self == NULL)
    return;
  g_byte_array_unref (self->name_raw);
  g_byte_array_unref (self->name);
  g_byte_array_unref (self->value);
  g_byte_array_unref (self->pending);
  g_ptr_array_unref (self->candidates);
  g_free (self);
}

/**
 * fdnix_json_stream_set_max_value:
 * @self: a splitter
 * @max_value: the largest member value (and name) in bytes; 0 restores
 *   the default, FDNIX_JSON_STREAM_DEFAULT_MAX_VALUE
 */
void
fdnix_json_stream_set_max_value (FdnixJsonStream *self, gsize max_value)
{
  self->max_value = max_value > 0 ? max_value : FDNIX_JSON_STREAM_DEFAULT_MAX_VALUE;
}

/**
 * fdnix_json_stream_feed:
 * @self: a splitter
 * @data: the next bytes of the document
 * @length: bytes of @data
 * @error: return location for an error
 *
 * Calls the member function for every member that @data completes.  The
 * result does not depend on how the document is split into chunks.
 *
 * Returns: FALSE when the document is not valid (FDNIX_ERROR_INVALID_DATA,
 *   with the byte offset) or the member function failed; the splitter then
 *   refuses further input.
 */
gboolean
fdnix_json_stream_feed (FdnixJsonStream *self, const gchar *data, gsize length, GError **error)
{
  const guchar *p = (const guchar *) data;
  const guchar *end = p + length;

  if (self->state == ST_FAILED)
    {
      g_set_error_literal (error, FDNIX_ERROR, FDNIX_ERROR_FAILED, "the JSON stream already failed");
      return FALSE;
    }
  self->chunk = p;
  while (p < end)
    {
      const guchar *before = p;
      const guchar *step_end = end;
      gboolean deciding = self->wrap == WRAP_UNDECIDED;

      /* While deciding, stop exactly where the kept bytes would pass the
       * limit, so the error does not depend on how the input was split. */
      if (deciding && (gsize) (end - p) > self->max_value - self->pending->len)
        step_end = p + (self->max_value - self->pending->len) + 1;
      if (!step (self, &p, step_end, error))
        {
          self->chunk_base += p - self->chunk;
          self->state = ST_FAILED;
          return FALSE;
        }
      if (deciding && self->wrap == WRAP_UNDECIDED && p > before)
        {
          if (self->pending->len + (gsize) (p - before) > self->max_value)
            {
              self->chunk_base += before - self->chunk;
              self->state = ST_FAILED;
              return too_large (self, "packages", self->pending_offset, error);
            }
          g_byte_array_append (self->pending, before, p - before);
        }
    }
  self->chunk_base += length;
  return TRUE;
}

/**
 * fdnix_json_stream_finish:
 * @self: a splitter
 * @error: return location for an error
 *
 * Ends the input.
 *
 * Returns: FALSE (FDNIX_ERROR_INVALID_DATA, with the offset and the member
 *   being read) when the document is incomplete.
 */
gboolean
fdnix_json_stream_finish (FdnixJsonStream *self, GError **error)
{
  g_autofree gchar *name = NULL;

  switch (self->state)
    {
    case ST_END:
      return TRUE;
    case ST_FAILED:
      g_set_error_literal (error, FDNIX_ERROR, FDNIX_ERROR_FAILED, "the JSON stream already failed");
      return FALSE;
    case ST_BEGIN:
      g_set_error_literal (error, FDNIX_ERROR, FDNIX_ERROR_INVALID_DATA, "empty document: no JSON object");
      break;
    case ST_CAPTURE:
    case ST_VALUE:
    case ST_COLON:
      name = current_name (self);
      g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_INVALID_DATA,
                   "truncated document: it ends at byte offset %" G_GUINT64_FORMAT
                   " inside the value of \"%s\"", self->chunk_base, name);
      break;
    default:
      g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_INVALID_DATA,
                   "truncated document: it ends at byte offset %" G_GUINT64_FORMAT "%s",
                   self->chunk_base, self->level == 2 ? " inside \"packages\"" : "");
      break;
    }
  self->state = ST_FAILED;
  return FALSE;
}

/**
 * fdnix_json_stream_get_offset:
 * @self: a splitter
 *
 * Returns: the bytes consumed so far.
 */
guint64
fdnix_json_stream_get_offset (FdnixJsonStream *self)
{
  return self->chunk_base;
}

/**
 * fdnix_json_stream_is_wrapper:
 * @self: a splitter
 *
 * Returns: whether the document turned out to be a channel wrapper.
 */
gboolean
fdnix_json_stream_is_wrapper (FdnixJsonStream *self)
{
  return self->saw_wrapper;
}
