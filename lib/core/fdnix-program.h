/* fdnix-program.h: the frame every fdnix program runs in.
 *
 * It owns what users expect to behave the same in every program: GNU
 * --help/--version, --config, -v/-vv, --log-format, --summary-json, the
 * configuration precedence, exit statuses (0 done, 1 failed, 2 usage) and
 * the single "error:" line.  A program's main() only declares its settings,
 * wires lib/ parts together and hands the outcome to fdnix_program_finish().
 */
#pragma once

#include <glib.h>

#include "core/fdnix-config.h"
#include "core/fdnix-summary.h"

G_BEGIN_DECLS

#define FDNIX_EXIT_OK     0
#define FDNIX_EXIT_FAILED 1
#define FDNIX_EXIT_USAGE  2

/* Continue running: fdnix_program_parse() did not end the program. */
#define FDNIX_PROGRAM_CONTINUE (-1)

typedef struct _FdnixProgram FdnixProgram;

extern const FdnixSetting fdnix_common_settings[];

FdnixProgram *fdnix_program_new            (const gchar        *name,
                                            const gchar        *parameter_string,
                                            const gchar        *summary);
void          fdnix_program_free           (FdnixProgram       *self);
void          fdnix_program_add_settings   (FdnixProgram       *self,
                                            const FdnixSetting *settings,
                                            gboolean            as_options);
void          fdnix_program_add_entries    (FdnixProgram       *self,
                                            const GOptionEntry *entries);
void          fdnix_program_set_description (FdnixProgram      *self,
                                            const gchar        *description);
gint          fdnix_program_parse          (FdnixProgram       *self,
                                            gint               *argc,
                                            gchar            ***argv);
FdnixConfig  *fdnix_program_get_config     (FdnixProgram       *self);
FdnixSummary *fdnix_program_get_summary    (FdnixProgram       *self);
gint          fdnix_program_usage_error    (FdnixProgram       *self,
                                            const gchar        *format,
                                            ...) G_GNUC_PRINTF (2, 3);
gint          fdnix_program_finish         (FdnixProgram       *self,
                                            const GError       *error);
gchar        *fdnix_config_get_data_dir    (FdnixConfig        *config);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdnixProgram, fdnix_program_free)

G_END_DECLS
