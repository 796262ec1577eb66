/* fdnix-search-group.h: the same software under several attribute paths.
 *
 * nixpkgs keeps one program in several package sets that differ only by a
 * version (python313Packages.jq, python314Packages.jq) and several
 * versions of one package side by side (postgresql, postgresql_14, ...,
 * postgresql_18).  Search shows each such group once, at the rank of its
 * best member, and lists the others as alternatives.
 *
 * The group key of an attribute path: the digits of its package-set
 * segments removed (python313Packages → pythonPackages), and a version
 * suffix of its last segment, an underscore and digits (postgresql_14 →
 * postgresql), removed.  Digits elsewhere in a name are part of it: x264
 * and x265, k3s and k9s stay apart.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _FdnixSearchGroups FdnixSearchGroups;

gchar             *fdnix_search_group_key        (const gchar             *attribute_path);
FdnixSearchGroups *fdnix_search_groups_new       (const gchar * const     *attribute_paths,
                                                  guint                    n);
void               fdnix_search_groups_free      (FdnixSearchGroups       *self);
guint              fdnix_search_groups_get_group (const FdnixSearchGroups *self,
                                                  guint                    entry);
const guint32     *fdnix_search_groups_get_members (const FdnixSearchGroups *self,
                                                    guint                    group,
                                                    guint                   *out_n);
gsize              fdnix_search_groups_get_memory_size (const FdnixSearchGroups *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdnixSearchGroups, fdnix_search_groups_free)

G_END_DECLS
