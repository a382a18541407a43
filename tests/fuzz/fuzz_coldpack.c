/* The cold chunk decoder: a damaged blob is refused, never read past. */
#include "storage/coldpack.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct event out[COLDPACK_CHUNK];
	int n = coldpack_decode(data, size, 1, out);
	if (n > COLDPACK_CHUNK)
		abort();
	return 0;
}
