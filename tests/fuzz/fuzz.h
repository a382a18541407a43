/*
 * fuzz.h — what every libFuzzer target here shares: the input as a
 * NUL-terminated string, and as a temporary file for readers of files.
 */
#ifndef THAW_FUZZ_H
#define THAW_FUZZ_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static inline char *fuzz_text(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	memcpy(text, data, size);
	text[size] = '\0';
	return text;
}

/* Writes the input to a per-process file with the given suffix. */
static inline const char *fuzz_file(const uint8_t *data, size_t size, const char *suffix)
{
	static char path[256];
	snprintf(path, sizeof path, "/tmp/thaw-fuzz-%d%s", (int)getpid(), suffix);
	FILE *fp = fopen(path, "wb");
	if (!fp)
		abort();
	fwrite(data, 1, size, fp);
	fclose(fp);
	return path;
}

#endif
