/* The segment expression parser. */
#include "fuzz.h"
#include "readers/segment.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_text(data, size);
	char err[512];
	segment_free(segment_parse(text, 1800000000, err, sizeof err));
	free(text);
	return 0;
}
