/*
 * yamltree — a YAML file as a small tree whose every node knows its line and
 * column.
 *
 * libyaml leaves type resolution, duplicate keys and aliases to the
 * application.  This module builds a tree from libyaml's event stream and
 * refuses what thaw's files never need: anchors and aliases (no "billion
 * laughs"), more than one document, nesting deeper than 64 levels.
 * Duplicate keys are reported by yamltree_check_keys().
 */
#ifndef THAW_YAMLTREE_H
#define THAW_YAMLTREE_H

#include <stdbool.h>
#include <stdint.h>

#include "base/diag.h"

enum ynode_type { YNODE_SCALAR, YNODE_MAPPING, YNODE_SEQUENCE };

struct ynode {
	enum ynode_type type;
	int line, column;  /* 1-based */
	char *value;       /* scalar text */
	bool plain;        /* scalar was unquoted (so "null"/"~" mean null) */
	struct ynode **items; /* mapping: key,value,key,value...; sequence: items */
	int count;         /* number of entries in items */
};

/*
 * Parses a file (or, when text != NULL, that text, named `file` in
 * messages).  Returns the root, or NULL after adding diagnostics.  An empty
 * document yields an empty mapping.
 */
struct ynode *yamltree_load(const char *file, const char *text, struct diag *d);
void yamltree_free(struct ynode *n);

/* Reports each key that appears twice in a mapping; returns false if any. */
bool yamltree_check_keys(const struct ynode *map, const char *file, struct diag *d);

/* The value for `key` in a mapping, or NULL. */
const struct ynode *yamltree_get(const struct ynode *map, const char *key);

/* A plain scalar that YAML 1.1 would read as null: "", "~", "null". */
bool yamltree_is_null(const struct ynode *n);

/* Scalar conversions; on failure they add "file:line:col: <what> ..." to d. */
bool yamltree_int(const struct ynode *n, const char *file, const char *what,
		  int64_t min, int64_t max, int64_t *out, struct diag *d);
bool yamltree_bool(const struct ynode *n, const char *file, const char *what,
		   bool *out, struct diag *d);
bool yamltree_string(const struct ynode *n, const char *file, const char *what,
		     const char **out, struct diag *d);
bool yamltree_time(const struct ynode *n, const char *file, const char *what,
		   int64_t *out, struct diag *d);

#endif
