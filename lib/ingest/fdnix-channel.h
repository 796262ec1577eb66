/* fdnix-channel.h: a nixpkgs channel's packages.json.br over HTTPS. */
#pragma once

#include "core/fdnix-config.h"
#include "ingest/fdnix-decoder.h"

G_BEGIN_DECLS

typedef struct _FdnixChannel FdnixChannel;

gchar        *fdnix_channel_url        (const gchar   *name_or_url,
                                        const gchar   *base_url);
FdnixChannel *fdnix_channel_new        (const gchar   *url,
                                        FdnixConfig   *config,
                                        GError       **error);
void          fdnix_channel_free       (FdnixChannel  *self);
gboolean      fdnix_channel_download   (FdnixChannel  *self,
                                        FdnixChunkFunc func,
                                        gpointer       user_data,
                                        guint64       *position,
                                        GError       **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdnixChannel, fdnix_channel_free)

G_END_DECLS
