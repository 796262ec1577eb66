/* fdnix-search-index.h: what fdnix-search holds in memory to answer queries.
 *
 * One entry per package of the table, sorted by attribute path; the texts
 * (attribute path, version, pname, main program, description) live in one
 * string chunk addressed by 32-bit offsets, and the vectors in one float32
 * block of count × dimension, row i belonging to entry i.  Rows are
 * L2-normalized on the way in, so a dot product is the cosine.  A package
 * without a vector keeps a zero row: its cosine is 0 and it can still be
 * found by name.  Nothing here holds a JSON tree or a string per number.
 *
 * Building: add every record, seal (sorts, sizes the vector block), then
 * set vectors by entry.  After that the index is read-only and may be
 * searched from several threads.
 */
#pragma once

#include <glib.h>

#include "core/fdnix-record.h"
#include "search/fdnix-keyword-index.h"
#include "search/fdnix-search-group.h"

G_BEGIN_DECLS

typedef struct {
  guint32 name;          /* attribute path (offset into the string chunk) */
  guint32 version;
  guint32 pname;         /* offset 0 is "": no value */
  guint32 main_program;
  guint32 description;
  guint32 licenses;      /* SPDX ids and short names, space-separated (shared) */
  guint32 platforms;     /* platforms, space-separated; "" for any (shared) */
  guint32 homepage;      /* shown by fdnix-search --serve */
  guint32 position;      /* source position, relative to the nixpkgs root */
  guint16 last_segment;  /* where the attribute path's last segment starts */
  guint8  has_vector;
  guint8  depth;         /* dots in the attribute path */
  guint8  flags;         /* FdnixSearchEntryFlags */
  guint8  maintainers;   /* how many (at most 255) */
} FdnixSearchEntry;

typedef enum {
  FDNIX_SEARCH_ENTRY_BROKEN   = 1 << 0,
  FDNIX_SEARCH_ENTRY_INSECURE = 1 << 1,
  FDNIX_SEARCH_ENTRY_UNFREE   = 1 << 2,
} FdnixSearchEntryFlags;

typedef struct _FdnixSearchIndex FdnixSearchIndex;

FdnixSearchIndex       *fdnix_search_index_new           (void);
void                    fdnix_search_index_free          (FdnixSearchIndex       *self);
gboolean                fdnix_search_index_add           (FdnixSearchIndex       *self,
                                                          const gchar            *package_name,
                                                          const gchar            *version,
                                                          const gchar            *pname,
                                                          const gchar            *main_program,
                                                          const gchar            *description,
                                                          GError                **error);
gboolean                fdnix_search_index_add_record    (FdnixSearchIndex       *self,
                                                          const FdnixRecord      *record,
                                                          GError                **error);
guint                   fdnix_search_index_seal          (FdnixSearchIndex       *self,
                                                          guint                   dimension);
gint                    fdnix_search_index_find          (const FdnixSearchIndex *self,
                                                          const gchar            *package_name);
gboolean                fdnix_search_index_set_vector    (FdnixSearchIndex       *self,
                                                          guint                   entry,
                                                          const gfloat           *vector);
guint                   fdnix_search_index_get_count     (const FdnixSearchIndex *self);
guint                   fdnix_search_index_get_dimension (const FdnixSearchIndex *self);
guint                   fdnix_search_index_get_n_vectors (const FdnixSearchIndex *self);
const FdnixSearchEntry *fdnix_search_index_get_entry     (const FdnixSearchIndex *self,
                                                          guint                   entry);
const gchar            *fdnix_search_index_get_string    (const FdnixSearchIndex *self,
                                                          guint32                 offset);
const gfloat           *fdnix_search_index_get_vectors   (const FdnixSearchIndex *self);
gsize                   fdnix_search_index_get_memory_size (const FdnixSearchIndex *self);
const FdnixKeywordIndex *fdnix_search_index_get_keywords (const FdnixSearchIndex *self);
const FdnixSearchGroups *fdnix_search_index_get_groups  (const FdnixSearchIndex *self);

/* Shorthands for the strings of an entry. */
#define fdnix_search_entry_name(index, e)        fdnix_search_index_get_string ((index), (e)->name)
#define fdnix_search_entry_version(index, e)     fdnix_search_index_get_string ((index), (e)->version)
#define fdnix_search_entry_pname(index, e)       fdnix_search_index_get_string ((index), (e)->pname)
#define fdnix_search_entry_main_program(index, e) fdnix_search_index_get_string ((index), (e)->main_program)
#define fdnix_search_entry_description(index, e) fdnix_search_index_get_string ((index), (e)->description)
#define fdnix_search_entry_licenses(index, e)    fdnix_search_index_get_string ((index), (e)->licenses)
#define fdnix_search_entry_platforms(index, e)   fdnix_search_index_get_string ((index), (e)->platforms)
#define fdnix_search_entry_homepage(index, e)    fdnix_search_index_get_string ((index), (e)->homepage)
#define fdnix_search_entry_position(index, e)    fdnix_search_index_get_string ((index), (e)->position)

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdnixSearchIndex, fdnix_search_index_free)

G_END_DECLS
