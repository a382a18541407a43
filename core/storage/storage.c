/*
 * storage.c — picks the engine a workspace lives in, and hands every
 * storage_*() call to the engine of the workspace it is given.
 *
 * A location naming a server (postgresql://…, postgres://…, or a bare
 * "postgresql:" that leaves host, database and the rest to libpq's own
 * PGHOST, PGSERVICE, … variables) is a PostgreSQL workspace; anything else
 * is the path of a SQLite file.
 */
#include "storage/engine.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

bool storage_is_server(const char *location)
{
	return strncmp(location, "postgresql:", 11) == 0 || strncmp(location, "postgres://", 11) == 0;
}

bool storage_file_missing(const char *location)
{
	return !storage_is_server(location) && access(location, F_OK) != 0;
}

static const struct storage_engine *engine_for(const char *location)
{
	return storage_is_server(location) ? &postgres_engine : &sqlite_engine;
}

int storage_open(const char *location, int flags, struct storage **out, char *err, size_t errsize)
{
	*out = NULL;
	return engine_for(location)->open(location, flags, out, err, errsize);
}

void storage_close(struct storage *s)
{
	if (s)
		s->engine->close(s);
}

void storage_rollback(struct storage *s) { s->engine->rollback(s); }

const char *storage_error(const struct storage *s) { return s->error; }

const char *storage_path(const struct storage *s) { return s->location; }

const char *storage_engine_name(const struct storage *s) { return s->engine->name; }

const char *storage_engine_version(void)
{
	static char versions[96];
	snprintf(versions, sizeof versions, "%s, %s", sqlite_engine.version(), postgres_engine.version());
	return versions;
}

#define STORAGE_OP(type, name, params, args) \
	type storage_##name params { return s->engine->name args; }
#include "storage/engine_ops.h"
#undef STORAGE_OP
