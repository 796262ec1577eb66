/* fdnix-record.h: the package record, shared by every layer.
 *
 * One record per nixpkgs attribute path.  Scalar fields are C strings and
 * booleans; the nested ones (license, maintainers, platforms) are kept as
 * normalized JSON text, because every consumer wants them as JSON anyway
 * (SQLite column, DynamoDB map/list, JSON lines) and re-encoding a tree per
 * record would be wasted work.  The documented JSON form is in fdnix.conf(5)
 * and fdnix-metadata(1).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The embedding text changes meaning when this changes: bump it with any
 * change to fdnix_record_embedding_text() so every package is re-embedded. */
#define FDNIX_EMBED_TEXT_TEMPLATE_VERSION 1

/* Hashes are SHA-256 truncated to 128 bits (32 hex digits): plenty to tell
 * versions of one record apart, and half the storage. */
#define FDNIX_RECORD_HASH_LEN 32

typedef struct {
  /* identity */
  gchar    *package_name;      /* attribute path, unique; the partition key */
  gchar    *version;           /* never empty; the sort key */
  gchar    *pname;

  /* content (covered by content_hash) */
  gchar    *description;       /* may be NULL */
  gchar    *long_description;  /* may be NULL */
  gchar    *homepage;          /* may be NULL */
  gchar    *license_json;      /* may be NULL: no license given */
  gchar    *maintainers_json;  /* JSON array, never NULL */
  gchar    *platforms_json;    /* JSON array of strings, never NULL */
  gchar    *main_program;      /* may be NULL */
  gchar    *position;          /* relative to the nixpkgs root; may be NULL */
  gboolean  available;
  gboolean  broken;
  gboolean  insecure;
  gboolean  unfree;
  gboolean  unsupported;

  /* derived by fdnix_record_compute_hashes() */
  gchar    *content_hash;
  gchar    *embed_text_hash;

  /* kept by the store across runs */
  gchar    *last_updated;      /* ISO 8601 UTC, set when the record is written */
  gboolean  has_embedding;
  gchar    *embedding_model;   /* model of the stored vector, may be NULL */
  gchar    *vector_file;       /* object key of the batch holding the vector */
} FdnixRecord;

FdnixRecord *fdnix_record_new              (void);
void         fdnix_record_free             (FdnixRecord       *record);
FdnixRecord *fdnix_record_copy             (const FdnixRecord *record);
void         fdnix_record_compute_hashes   (FdnixRecord       *record);
void         fdnix_record_append_json      (const FdnixRecord *record,
                                            GString           *out);
gchar       *fdnix_record_to_json          (const FdnixRecord *record);
FdnixRecord *fdnix_record_from_json        (const gchar       *json,
                                            gssize             length,
                                            GError           **error);
gboolean     fdnix_record_same_content     (const FdnixRecord *a,
                                            const FdnixRecord *b);
gchar       *fdnix_record_embedding_text   (const FdnixRecord *record);
gchar       *fdnix_record_license_text     (const FdnixRecord *record);
gchar       *fdnix_now_iso8601             (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdnixRecord, fdnix_record_free)

G_END_DECLS
