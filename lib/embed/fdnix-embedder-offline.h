/* fdnix-embedder-offline.h: the built-in lexical embedder.
 *
 * Deterministic and local: words and character trigrams of the text are
 * hashed into a fixed number of dimensions (the hashing trick), weighted by
 * their inverse document frequency in real nixpkgs (a data file generated
 * by data/generate-idf.py and installed with fdnix), and the vector is
 * L2-normalized.  Cosine similarity then measures shared rare words and
 * spelling-level likeness ("ripgrep" near "rg" queries do not match, but
 * "ripgrp" does), which is what a search with no model download can offer.
 */
#pragma once

#include "embed/fdnix-embedder.h"

G_BEGIN_DECLS

#define FDNIX_OFFLINE_DEFAULT_DIMENSION 256
#define FDNIX_OFFLINE_MAX_BATCH 64
#define FDNIX_OFFLINE_MAX_CHARS 8192

#define FDNIX_TYPE_EMBEDDER_OFFLINE (fdnix_embedder_offline_get_type ())
G_DECLARE_FINAL_TYPE (FdnixEmbedderOffline, fdnix_embedder_offline, FDNIX, EMBEDDER_OFFLINE, GObject)

FdnixEmbedder *fdnix_embedder_offline_new            (const gchar *idf_path,
                                                      guint        dimension,
                                                      GError     **error);
gchar         *fdnix_embedder_offline_default_idf_path (void);

G_END_DECLS
