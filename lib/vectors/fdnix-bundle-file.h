/* fdnix-bundle-file.h: the search bundle's container, a versioned binary
 * file of numbered sections, and its place in the snapshot.
 *
 * fdnix-embed publishes search-bundle/bundle_<sha256 prefix>.bin beside the
 * vector files, written before the index that lists it (with its size and
 * sha256), so fdnix-search answers from the objects alone instead of
 * scanning the table at every start.  What the sections hold is the
 * search side's business (lib/search/fdnix-search-bundle.h builds and
 * reads them); this module only lays them out and checks the layout.
 *
 * Layout, every integer little-endian:
 *
 *   0   magic "FDNXBNDL" (8 bytes)
 *   8   u32 format version (FDNIX_BUNDLE_FORMAT)
 *   12  u32 number of sections n (at most FDNIX_BUNDLE_MAX_SECTIONS)
 *   16  u64 total size of the file in bytes
 *   24  n × { u32 id, u32 reserved (0), u64 offset, u64 length }
 *   ... sections, each starting at a multiple of 8, zero padding between
 *
 * A file from a bucket is untrusted: fdnix_bundle_open() checks the magic,
 * the version, the total size against the bytes, that every section lies
 * inside the file, is aligned and appears once, before anything is read
 * from a section.  Readers check each section's contents (counts, offsets)
 * against its length before use.
 */
#pragma once

#include <glib.h>
#include <string.h>

#include "store/fdnix-store.h"
#include "vectors/fdnix-objects.h"

G_BEGIN_DECLS

/* A bundle's little-endian fields, read where they lie (memcpy: a field
 * need not be aligned). */
static inline guint16
fdnix_bundle_get_u16 (const guint8 *at)
{
  guint16 value;

  memcpy (&value, at, 2);
  return GUINT16_FROM_LE (value);
}

static inline guint32
fdnix_bundle_get_u32 (const guint8 *at)
{
  guint32 value;

  memcpy (&value, at, 4);
  return GUINT32_FROM_LE (value);
}

static inline guint64
fdnix_bundle_get_u64 (const guint8 *at)
{
  guint64 value;

  memcpy (&value, at, 8);
  return GUINT64_FROM_LE (value);
}

static inline gfloat
fdnix_bundle_get_f32 (const guint8 *at)
{
  guint32 bits = fdnix_bundle_get_u32 (at);
  gfloat value;

  memcpy (&value, &bits, 4);
  return value;
}

#define FDNIX_BUNDLE_PREFIX       "search-bundle/"
#define FDNIX_BUNDLE_FORMAT       1
#define FDNIX_BUNDLE_MAX_SECTIONS 32

/* A search bundle as the index lists it ("search_bundle"). */
typedef struct {
  gchar   *key;
  guint    format;
  guint64  size;
  gchar   *sha256;
  guint64  packages;
} FdnixBundleInfo;

FdnixBundleInfo *fdnix_bundle_info_copy (const FdnixBundleInfo *info);
void             fdnix_bundle_info_free (FdnixBundleInfo       *info);

/* Builds the bundle of the table as it is now (set by the program that
 * links the search side: lib/vectors cannot build a keyword index). */
typedef GBytes *(*FdnixBundleBuildFunc) (FdnixStore *store,
                                         guint64    *out_packages,
                                         gpointer    user_data,
                                         GError    **error);

typedef struct {
  FdnixBundleBuildFunc build;      /* NULL: no bundle is published */
  gpointer             user_data;
} FdnixBundleBuilder;

typedef struct _FdnixBundleWriter FdnixBundleWriter;
typedef struct _FdnixBundle FdnixBundle;

FdnixBundleWriter *fdnix_bundle_writer_new     (void);
void               fdnix_bundle_writer_add     (FdnixBundleWriter *writer,
                                                guint32            id,
                                                GBytes            *data);
GBytes            *fdnix_bundle_writer_finish  (FdnixBundleWriter *writer);
void               fdnix_bundle_writer_free    (FdnixBundleWriter *writer);

FdnixBundle       *fdnix_bundle_open           (GBytes            *bytes,
                                                GError           **error);
void               fdnix_bundle_free           (FdnixBundle       *bundle);
const guint8      *fdnix_bundle_get_section    (FdnixBundle       *bundle,
                                                guint32            id,
                                                gsize             *out_length,
                                                GError           **error);
GBytes            *fdnix_bundle_get_bytes      (FdnixBundle       *bundle);

gboolean           fdnix_bundle_build          (const FdnixBundleBuilder *builder,
                                                FdnixStore        *store,
                                                FdnixBundleInfo  **out_info,
                                                GBytes           **out_bytes,
                                                GError           **error);
gboolean           fdnix_bundle_publish        (FdnixObjects      *objects,
                                                const FdnixBundleInfo *info,
                                                GBytes            *bytes,
                                                gboolean           stored_same_size,
                                                gboolean          *out_written,
                                                GError           **error);
gchar             *fdnix_bundle_key            (const gchar       *sha256);
gboolean           fdnix_bundle_key_is_valid   (const gchar       *key);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdnixBundleInfo, fdnix_bundle_info_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdnixBundleWriter, fdnix_bundle_writer_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdnixBundle, fdnix_bundle_free)
gpointer fdnix_bundle_refuse (GError **error, const gchar *format, ...) G_GNUC_PRINTF (2, 3);

G_END_DECLS
