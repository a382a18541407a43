/* The theme loader. */
#include "fuzz.h"
#include "console/theme.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_text(data, size);
	struct theme t;
	struct diag d = {0};
	theme_parse(&t, "fuzz.yaml", text, "fuzz", &d);
	diag_clear(&d);
	free(text);
	return 0;
}
