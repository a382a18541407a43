/* The configuration loader: any text gives a config or positioned errors. */
#include "config/config.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_text(data, size);
	struct config c;
	struct diag d = {0};
	config_defaults(&c);
	config_load(&c, "fuzz.yaml", text, &d);
	config_free(&c);
	diag_clear(&d);
	free(text);
	return 0;
}
