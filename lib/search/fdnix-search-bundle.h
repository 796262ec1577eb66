/* fdnix-search-bundle.h: a search index as a search bundle and back.
 *
 * What fdnix-search needs to answer without the table: the display fields
 * of every package (the search index's entries and string chunk) and the
 * keyword index, pre-built (postings, field lengths, average lengths), in
 * the sections of a bundle file (vectors/fdnix-bundle-file.h), format 1:
 *
 *   1 META      u32 entries, u32 terms, u64 postings, u64 string bytes,
 *               f32 average field length × 4 (40 bytes)
 *   2 STRINGS   the string chunk: NUL-terminated texts, first and last
 *               byte NUL; entries address it by offset
 *   3 ENTRIES   per package, sorted by attribute path (strictly): u32
 *               offsets of attribute path, version, pname, main program,
 *               description, licenses, platforms; u16 start of the last
 *               path segment; u8 depth, flags, maintainers; 3 zero bytes
 *               (36 bytes)
 *   4 TERMNAMES the keyword terms (stems), NUL-terminated, sorted
 *   5 TERMS     per term: u32 first posting, u32 postings (8 bytes)
 *   6 POSTINGS  u32 package, u8 frequency per field × 4 (8 bytes), each
 *               term's by package (strictly ascending)
 *   7 LENGTHS   per package: u16 length per field × 4
 *
 * Integers are little-endian.  Loading checks every count against its
 * section's length, every offset against the chunk, every posting's
 * package against the entries, and the order of entries and postings,
 * before anything is used; on a little-endian machine the strings and
 * postings are used in place (the bundle's bytes stay referenced).
 * The bundle is built from the same code as a load from the table, so a
 * search answers the same either way.
 */
#pragma once

#include "search/fdnix-search-index.h"
#include "store/fdnix-store.h"

G_BEGIN_DECLS

/* Packages a bundle may hold: the room for their vectors (packages ×
 * dimension) is made before any vector is read.  nixpkgs has ~120000. */
#define FDNIX_SEARCH_BUNDLE_MAX_PACKAGES 2000000

GBytes           *fdnix_search_bundle_build       (FdnixStore              *store,
                                                   guint64                 *out_packages,
                                                   gpointer                 user_data,
                                                   GError                 **error);
FdnixSearchIndex *fdnix_search_index_new_from_table (FdnixStore            *store,
                                                   guint                    dimension,
                                                   guint64                 *out_packages,
                                                   guint64                 *out_repeated,
                                                   GError                 **error);
GBytes           *fdnix_search_index_to_bundle    (const FdnixSearchIndex  *index);
FdnixSearchIndex *fdnix_search_index_new_from_bundle (GBytes               *bytes,
                                                   guint                    dimension,
                                                   GError                 **error);

G_END_DECLS
