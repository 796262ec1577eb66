/* fdnix-json-stream.h: split a nix package document into its entries.
 *
 * A push splitter: bytes go in, in chunks split anywhere; out comes one
 * member of the document's object at a time (its decoded name and the raw
 * JSON text of its value), holding only the current member's bytes.  It
 * knows both document shapes: nix-env's `{"attr": {...}, ...}` and the
 * channel's `{"version": 2, "packages": {"attr": {...}, ...}}`, whose
 * "packages" members it hands over in place of the wrapper's (see
 * fdnix-json-stream.c for how a wrapper is told from a package named
 * "packages").  It checks the document's outer structure; the value texts
 * are checked by whoever parses them.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* An entry larger than this (64 MiB) is refused: no nixpkgs entry comes
 * near it, and a runaway value must not take the machine's memory.  A plain
 * number: [ingest] max-entry-size's default is its text. */
#define FDNIX_JSON_STREAM_DEFAULT_MAX_VALUE 67108864

typedef struct {
  const gchar *name;          /* decoded, NUL-terminated (may hold an escaped NUL) */
  gsize        name_length;
  gboolean     name_repaired; /* a lone surrogate escape became U+FFFD */
  const gchar *value;         /* the value's JSON text, not NUL-terminated */
  gsize        value_length;
  guint64      value_offset;  /* offset of the value's first byte in the document */
} FdnixJsonMember;

/* Return FALSE with @error set to stop the stream. */
typedef gboolean (*FdnixJsonMemberFunc) (const FdnixJsonMember *member,
                                         gpointer               user_data,
                                         GError               **error);

typedef struct _FdnixJsonStream FdnixJsonStream;

FdnixJsonStream *fdnix_json_stream_new            (FdnixJsonMemberFunc  func,
                                                   gpointer             user_data);
void             fdnix_json_stream_free           (FdnixJsonStream     *self);
void             fdnix_json_stream_set_max_value  (FdnixJsonStream     *self,
                                                   gsize                max_value);
gboolean         fdnix_json_stream_feed           (FdnixJsonStream     *self,
                                                   const gchar         *data,
                                                   gsize                length,
                                                   GError             **error);
gboolean         fdnix_json_stream_finish         (FdnixJsonStream     *self,
                                                   GError             **error);
guint64          fdnix_json_stream_get_offset     (FdnixJsonStream     *self);
gboolean         fdnix_json_stream_is_wrapper     (FdnixJsonStream     *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdnixJsonStream, fdnix_json_stream_free)

G_END_DECLS
