/* fdnix-floor.h: the package floor, one rule for every program that could
 * replace a large published product with a small one.
 *
 * fdnix-metadata compares the packages a run read with what the table held;
 * fdnix-embed compares the vectors a new index would list with what the
 * current index lists.  Below the floor nothing is replaced or deleted,
 * unless the user allows the shrink.  The settings are the [sync] keys,
 * shared by both programs.
 */
#pragma once

#include "core/fdnix-config.h"

G_BEGIN_DECLS

typedef struct {
  gdouble  min_ratio;     /* this fraction of what there was before */
  guint64  min_packages;  /* and at least this many */
  gboolean allow_shrink;  /* no floor at all */
} FdnixFloor;

extern const FdnixSetting fdnix_floor_settings[];

void     fdnix_floor_from_config (FdnixConfig       *config,
                                  FdnixFloor        *out_floor);
guint64  fdnix_floor_minimum     (const FdnixFloor  *floor,
                                  guint64            before);
gboolean fdnix_floor_check       (const FdnixFloor  *floor,
                                  guint64            before,
                                  guint64            now,
                                  GError           **error);

G_END_DECLS
