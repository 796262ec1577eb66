/* fdnix-crash-point.h: named places where the crash tests kill the program.
 *
 * With FDNIX_CRASH_AT=NAME[:N] in the environment, the N-th time (default
 * the first) the program passes fdnix_crash_point (NAME) it raises SIGKILL,
 * as `kill -9` would at that very step.  The tests use it to hit the
 * windows between a durable write and the record that points to it; kill
 * at random times covers the rest.  Without the variable it costs a
 * pointer comparison.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

void fdnix_crash_point (const gchar *name);

G_END_DECLS
