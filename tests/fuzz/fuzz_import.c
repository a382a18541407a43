/*
 * The import readers (workspace YAML, event CSV or Braze Currents Avro,
 * chosen at build time by FUZZ_SUFFIX) on a real database: any file is
 * imported whole or not at all.
 */
#include "fuzz.h"
#include "import/import.h"
#include "storage/storage.h"

static struct storage *workspace(void)
{
	static struct storage *s;
	if (!s) {
		char err[256];
		if (storage_open(fuzz_path("workspace.db"), 0, &s, err, sizeof err) < 0)
			abort();
		/* something to refer to */
		struct import_report r;
		struct diag d = {0};
		struct import_options o = {.now = 1800000000, .months = 3, .actor = {"fuzz", NULL}};
		import_file(s, SOURCE_ROOT "/tests/data/workspace.yaml", &o, &r, &d);
		diag_clear(&d);
	}
	return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* a file that starts like Avro goes to avro-c, which has a target of
	 * its own (FUZZ_AVRO): this one is for thaw's YAML and CSV readers */
#ifndef FUZZ_AVRO
	if (size >= 4 && memcmp(data, "Obj\x01", 4) == 0)
		return 0;
#endif
	struct storage *s = workspace();
	const char *path = fuzz_file(data, size, FUZZ_SUFFIX);
	struct import_report r;
	struct diag d = {0};
	struct import_options o = {.now = 1800000000, .months = 3, .actor = {"fuzz", NULL}};
	import_file(s, path, &o, &r, &d);
	diag_clear(&d);
	return 0;
}
