/*
 * fuzz.h — what every libFuzzer target here shares: the input as a
 * NUL-terminated string, and as a file in a folder of the process's own
 * for readers of files.
 */
#ifndef THAW_FUZZ_H
#define THAW_FUZZ_H

#include <dirent.h>
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

/* Removes the private folder and what the target wrote in it. */
static char fuzz_folder_path[64];
static inline void fuzz_folder_remove(void)
{
	DIR *dir = opendir(fuzz_folder_path);
	if (!dir)
		return;
	for (struct dirent *e; (e = readdir(dir));)
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			unlinkat(dirfd(dir), e->d_name, 0);
	closedir(dir);
	rmdir(fuzz_folder_path);
}

/* A folder of this process's own (0700, made at first use), so that no
 * one else on the host can plant a link where a target writes; removed
 * at exit. */
static inline const char *fuzz_folder(void)
{
	if (!fuzz_folder_path[0]) {
		snprintf(fuzz_folder_path, sizeof fuzz_folder_path, "/tmp/thaw-fuzz-XXXXXX");
		if (!mkdtemp(fuzz_folder_path))
			abort();
		atexit(fuzz_folder_remove);
	}
	return fuzz_folder_path;
}

/* A file of that folder: "input" and the suffix, say. */
static inline const char *fuzz_path(const char *name)
{
	static char path[128];
	snprintf(path, sizeof path, "%s/%s", fuzz_folder(), name);
	return path;
}

/* Writes the input to the folder's file "input" with the given suffix. */
static inline const char *fuzz_file(const uint8_t *data, size_t size, const char *suffix)
{
	char name[64];
	snprintf(name, sizeof name, "input%s", suffix);
	const char *path = fuzz_path(name);
	FILE *fp = fopen(path, "wb");
	if (!fp)
		abort();
	fwrite(data, 1, size, fp);
	fclose(fp);
	return path;
}

#endif
