/*
 * internal — shared by the import files: import.c and the readers of each format.
 */
#ifndef THAW_IMPORT_INTERNAL_H
#define THAW_IMPORT_INTERNAL_H

#include "import/import.h"

/* Both return 0, or -1 after adding diagnostics (d) or a storage error. */
int import_workspace(struct storage *s, const char *path, const struct import_options *o,
		     struct import_report *r, struct diag *d);
int import_avro(struct storage *s, const char *path, const struct import_options *o,
		struct import_report *r, struct diag *d);
int import_events_csv(struct storage *s, const char *path, const struct import_options *o,
		      struct import_report *r, struct diag *d);

/* Stop collecting after this many problems in one file. */
#define IMPORT_MAX_ERRORS 20

#endif
