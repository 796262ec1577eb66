/* fdnix-normalize.h: one nix-env package entry into a valid FdnixRecord.
 *
 * nix-env's JSON is loose: a license is a string, an object or a list of
 * either; homepage a string or a list; platforms strings or patterns;
 * text may hold invalid UTF-8 or control characters.  The normalizer maps
 * every shape onto the one record form the stores and the embedder read,
 * repairs what can be repaired (and counts it), and refuses what cannot
 * (an unusable key), saying why.  fdnix.conf(5) documents the rules.
 */
#pragma once

#include <glib.h>

#include "core/fdnix-record.h"
#include "core/fdnix-json-value.h"

G_BEGIN_DECLS

#define FDNIX_NORMALIZE_DEFAULT_MAX_LONG_DESCRIPTION 16384
/* Smaller caps are raised to this, so that some text survives the marker. */
#define FDNIX_NORMALIZE_MIN_LONG_DESCRIPTION         64
/* Longest attribute path and version: key attributes must stay small. */
#define FDNIX_NORMALIZE_MAX_KEY_LENGTH               1024
#define FDNIX_NORMALIZE_TRUNCATED_MARKER             "\xe2\x80\xa6 [truncated]"

typedef struct {
  const gchar *nixpkgs_root;        /* nullable: absolute path prefix to strip from meta.position */
  gsize        max_long_description; /* bytes; 0 = default (16384) */
} FdnixNormalizeOptions;

typedef struct {
  guint64 repaired_utf8;            /* strings whose invalid UTF-8 was repaired */
  guint64 capped_long_descriptions;
} FdnixNormalizeCounts;

FdnixRecord *fdnix_normalize_package      (const FdnixNormalizeOptions *options,
                                           const gchar                 *attr_path,
                                           gsize                        attr_path_length,
                                           const FdnixJsonValue        *entry,
                                           FdnixNormalizeCounts        *counts,
                                           GError                     **error);
FdnixRecord *fdnix_normalize_package_json (const FdnixNormalizeOptions *options,
                                           const gchar                 *attr_path,
                                           const gchar                 *json,
                                           gssize                       length,
                                           FdnixNormalizeCounts        *counts,
                                           GError                     **error);
gboolean     fdnix_normalize_check_attr_path (const gchar              *attr_path,
                                           gsize                        length,
                                           GError                     **error);
gchar       *fdnix_normalize_text         (const gchar                 *text,
                                           gsize                        length,
                                           gboolean                    *out_repaired);
gchar       *fdnix_normalize_position     (const gchar                 *position,
                                           const gchar                 *nixpkgs_root);

G_END_DECLS
