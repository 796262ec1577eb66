/* fdnix-metadata: nixpkgs metadata into the package table. */
#include "config.h"

#include "core/fdnix-program.h"

int
main (int argc, char **argv)
{
  g_autoptr(FdnixProgram) program = fdnix_program_new ("fdnix-metadata", NULL,
                                                       "Turn nixpkgs metadata into the fdnix package table.");
  gint status = fdnix_program_parse (program, &argc, &argv);

  if (status != FDNIX_PROGRAM_CONTINUE)
    return status;
  return fdnix_program_finish (program, NULL);
}
