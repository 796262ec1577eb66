/* fdnix-floor.c: the package floor (see fdnix-floor.h). */
#include "config.h"

#include <math.h>

#include "core/fdnix-error.h"
#include "core/fdnix-floor.h"

const FdnixSetting fdnix_floor_settings[] = {
  { "sync.min-ratio", FDNIX_SETTING_DOUBLE, "0.9", "FDNIX_MIN_RATIO", "min-ratio", 0, "R",
    "Replace nothing with less than R times what there was (packages read, vectors indexed; 0 to 1)",
    FDNIX_RANGE (0, 1) },
  { "sync.min-packages", FDNIX_SETTING_INT, "1", NULL, "min-packages", 0, "N",
    "Replace nothing with fewer than N packages",
    FDNIX_RANGE (0, FDNIX_RANGE_INT_MAX) },
  { "sync.allow-shrink", FDNIX_SETTING_BOOL, "false", "FDNIX_ALLOW_SHRINK", "allow-shrink", 0, NULL,
    "Apply a run however much smaller it is (no package floor)" },
  FDNIX_SETTING_END
};

/**
 * fdnix_floor_from_config:
 * @config: a configuration with fdnix_floor_settings (values were
 *   range-checked when they were set)
 * @out_floor: (out caller-allocates): the floor
 */
void
fdnix_floor_from_config (FdnixConfig *config, FdnixFloor *out_floor)
{
  out_floor->min_ratio = fdnix_config_get_double (config, "sync.min-ratio");
  out_floor->min_packages = (guint64) MAX (fdnix_config_get_int (config, "sync.min-packages"), 0);
  out_floor->allow_shrink = fdnix_config_get_bool (config, "sync.allow-shrink");
}

/**
 * fdnix_floor_minimum:
 * @floor: a floor
 * @before: how many there were before the run
 *
 * Returns: the fewest a run may leave (0 when shrinking is allowed).
 */
guint64
fdnix_floor_minimum (const FdnixFloor *floor, guint64 before)
{
  gdouble ratio = CLAMP (floor->min_ratio, 0.0, 1.0);
  gdouble product = ceil (ratio * (gdouble) before);
  /* the product can round above @before (and above 2^64) only when it
   * would be @before anyway; the conversion stays defined */
  guint64 by_ratio = product >= (gdouble) before ? before : (guint64) product;

  if (floor->allow_shrink)
    return 0;
  return MAX (by_ratio, floor->min_packages);
}

/**
 * fdnix_floor_check:
 * @floor: a floor
 * @before: how many there were before the run
 * @now: how many the run would leave
 * @error: return location for FDNIX_ERROR_UNSAFE, whose message the caller
 *   prefixes with what was compared
 *
 * Returns: TRUE when @now is at or above the floor for @before.
 */
gboolean
fdnix_floor_check (const FdnixFloor *floor, guint64 before, guint64 now, GError **error)
{
  guint64 minimum = fdnix_floor_minimum (floor, before);

  if (now >= minimum)
    return TRUE;
  g_set_error (error, FDNIX_ERROR, FDNIX_ERROR_UNSAFE,
               "the floor is %" G_GUINT64_FORMAT " (sync.min-ratio %g, sync.min-packages %"
               G_GUINT64_FORMAT "; --allow-shrink to go below it)",
               minimum, floor->min_ratio, floor->min_packages);
  return FALSE;
}
