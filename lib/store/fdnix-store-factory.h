/* fdnix-store-factory.h: the one place a store back end is chosen. */
#pragma once

#include "core/fdnix-config.h"
#include "core/fdnix-program.h"
#include "store/fdnix-store.h"

G_BEGIN_DECLS

extern const FdnixSetting fdnix_store_settings[];

void        fdnix_store_add_settings    (FdnixProgram *program);
FdnixStore *fdnix_store_new_from_config (FdnixConfig      *config,
                                         FdnixStoreAccess  access,
                                         GError          **error);

G_END_DECLS
