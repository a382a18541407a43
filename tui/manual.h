/*
 * manual — the manual page thaw(1), in roff, generated from what thaw
 * itself knows: the command table behind --help, the global options, the
 * console's actions and default keys, the documented config.yaml (built
 * in), the exit codes.  `thaw --man` prints it; meson installs its output,
 * so the page cannot drift from the binary it describes.
 */
#ifndef THAW_MANUAL_H
#define THAW_MANUAL_H

#include <stdio.h>

#include "cli/cli.h"

/* The documented configuration, as config.yaml at the top of the tree. */
extern const char thaw_documented_config[];

void manual_print(FILE *out, const struct command *commands, int count, const char *global_options);

#endif
