#include "config/yamltree.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "base/clock.h"

#define MAX_DEPTH 64

struct builder {
	yaml_parser_t parser;
	const char *file;
	struct diag *d;
	bool failed;
};

static struct ynode *new_node(enum ynode_type type, const yaml_event_t *ev)
{
	struct ynode *n = calloc(1, sizeof *n);
	if (!n)
		abort();
	n->type = type;
	n->line = (int)ev->start_mark.line + 1;
	n->column = (int)ev->start_mark.column + 1;
	return n;
}

static void add_child(struct ynode *parent, struct ynode *child)
{
	if ((parent->count & (parent->count - 1)) == 0) {
		int cap = parent->count ? parent->count * 2 : 4;
		struct ynode **grown = realloc(parent->items, cap * sizeof *grown);
		if (!grown)
			abort();
		parent->items = grown;
	}
	parent->items[parent->count++] = child;
}

static void report_parser_error(struct builder *b)
{
	yaml_parser_t *p = &b->parser;
	const char *problem = p->problem ? p->problem : "malformed YAML";
	if (p->error == YAML_READER_ERROR) {
		diag_add(b->d, b->file, 0, 0, "%s (byte %zu)", problem, p->problem_offset);
	} else if (p->context) {
		diag_add(b->d, b->file, (int)p->problem_mark.line + 1,
			 (int)p->problem_mark.column + 1, "%s %s (line %d)", problem,
			 p->context, (int)p->context_mark.line + 1);
	} else {
		diag_add(b->d, b->file, (int)p->problem_mark.line + 1,
			 (int)p->problem_mark.column + 1, "%s", problem);
	}
	b->failed = true;
}

static bool next_event(struct builder *b, yaml_event_t *ev)
{
	if (!yaml_parser_parse(&b->parser, ev)) {
		report_parser_error(b);
		return false;
	}
	return true;
}

/* Builds the node that starts with `ev` (already read); consumes its end. */
static struct ynode *build_node(struct builder *b, yaml_event_t *ev, int depth)
{
	if (depth > MAX_DEPTH) {
		diag_add(b->d, b->file, (int)ev->start_mark.line + 1,
			 (int)ev->start_mark.column + 1, "nesting deeper than %d levels", MAX_DEPTH);
		b->failed = true;
		return NULL;
	}
	switch (ev->type) {
	case YAML_ALIAS_EVENT:
		/* reported, and replaced by a null so the rest is still checked */
		diag_add(b->d, b->file, (int)ev->start_mark.line + 1,
			 (int)ev->start_mark.column + 1,
			 "aliases (*%s) are not supported; write the value out",
			 (const char *)ev->data.alias.anchor);
		struct ynode *n = new_node(YNODE_SCALAR, ev);
		n->value = strdup("");
		n->plain = true;
		return n;
	case YAML_SCALAR_EVENT: {
		if (ev->data.scalar.anchor) {
			diag_add(b->d, b->file, (int)ev->start_mark.line + 1,
				 (int)ev->start_mark.column + 1, "anchors (&%s) are not supported",
				 (const char *)ev->data.scalar.anchor);
		}
		struct ynode *n = new_node(YNODE_SCALAR, ev);
		n->value = strndup((const char *)ev->data.scalar.value, ev->data.scalar.length);
		n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
		return n;
	}
	case YAML_MAPPING_START_EVENT:
	case YAML_SEQUENCE_START_EVENT: {
		bool mapping = ev->type == YAML_MAPPING_START_EVENT;
		const yaml_char_t *anchor = mapping ? ev->data.mapping_start.anchor
						    : ev->data.sequence_start.anchor;
		if (anchor) {
			diag_add(b->d, b->file, (int)ev->start_mark.line + 1,
				 (int)ev->start_mark.column + 1, "anchors (&%s) are not supported",
				 (const char *)anchor);
		}
		struct ynode *n = new_node(mapping ? YNODE_MAPPING : YNODE_SEQUENCE, ev);
		yaml_event_type_t end = mapping ? YAML_MAPPING_END_EVENT : YAML_SEQUENCE_END_EVENT;
		for (;;) {
			yaml_event_t child;
			if (!next_event(b, &child)) {
				yamltree_free(n);
				return NULL;
			}
			if (child.type == end) {
				yaml_event_delete(&child);
				return n;
			}
			struct ynode *c = build_node(b, &child, depth + 1);
			yaml_event_delete(&child);
			if (!c) {
				yamltree_free(n);
				return NULL;
			}
			add_child(n, c);
		}
	}
	default:
		diag_add(b->d, b->file, (int)ev->start_mark.line + 1,
			 (int)ev->start_mark.column + 1, "unexpected YAML event");
		b->failed = true;
		return NULL;
	}
}

static struct ynode *empty_mapping(void)
{
	struct ynode *n = calloc(1, sizeof *n);
	if (!n)
		abort();
	n->type = YNODE_MAPPING;
	n->line = n->column = 1;
	return n;
}

struct ynode *yamltree_load(const char *file, const char *text, struct diag *d)
{
	struct builder b = {.file = file, .d = d};
	FILE *fp = NULL;
	if (!yaml_parser_initialize(&b.parser)) {
		diag_add(d, file, 0, 0, "cannot initialise the YAML parser");
		return NULL;
	}
	if (text) {
		yaml_parser_set_input_string(&b.parser, (const unsigned char *)text, strlen(text));
	} else {
		fp = fopen(file, "rb");
		if (!fp) {
			diag_add(d, file, 0, 0, "cannot open: %s", strerror(errno));
			yaml_parser_delete(&b.parser);
			return NULL;
		}
		yaml_parser_set_input_file(&b.parser, fp);
	}

	struct ynode *root = NULL;
	int documents = 0;
	yaml_event_t ev;
	while (!b.failed && next_event(&b, &ev)) {
		yaml_event_type_t type = ev.type;
		if (type == YAML_DOCUMENT_START_EVENT && ++documents > 1) {
			diag_add(d, file, (int)ev.start_mark.line + 1, (int)ev.start_mark.column + 1,
				 "more than one YAML document; a thaw file holds exactly one");
			b.failed = true;
		} else if (type == YAML_SCALAR_EVENT || type == YAML_MAPPING_START_EVENT ||
			   type == YAML_SEQUENCE_START_EVENT || type == YAML_ALIAS_EVENT) {
			root = build_node(&b, &ev, 0);
		}
		yaml_event_delete(&ev);
		if (type == YAML_STREAM_END_EVENT)
			break;
	}
	yaml_parser_delete(&b.parser);
	if (fp)
		fclose(fp);
	if (b.failed) {
		yamltree_free(root);
		return NULL;
	}
	if (!root || yamltree_is_null(root)) {
		yamltree_free(root);
		return empty_mapping();
	}
	return root;
}

void yamltree_free(struct ynode *n)
{
	if (!n)
		return;
	for (int i = 0; i < n->count; i++)
		yamltree_free(n->items[i]);
	free(n->items);
	free(n->value);
	free(n);
}

bool yamltree_check_keys(const struct ynode *map, const char *file, struct diag *d)
{
	bool ok = true;
	for (int i = 0; i + 1 < map->count; i += 2) {
		const struct ynode *k = map->items[i];
		if (k->type != YNODE_SCALAR) {
			diag_add(d, file, k->line, k->column, "a key must be a plain word");
			ok = false;
			continue;
		}
		for (int j = 0; j < i; j += 2) {
			const struct ynode *prev = map->items[j];
			if (prev->type == YNODE_SCALAR && strcmp(prev->value, k->value) == 0) {
				diag_add(d, file, k->line, k->column,
					 "duplicate key '%s' (first at line %d)", k->value, prev->line);
				ok = false;
				break;
			}
		}
	}
	return ok;
}

const struct ynode *yamltree_get(const struct ynode *map, const char *key)
{
	if (!map || map->type != YNODE_MAPPING)
		return NULL;
	for (int i = 0; i + 1 < map->count; i += 2)
		if (map->items[i]->type == YNODE_SCALAR && strcmp(map->items[i]->value, key) == 0)
			return map->items[i + 1];
	return NULL;
}

bool yamltree_is_null(const struct ynode *n)
{
	return n->type == YNODE_SCALAR && n->plain &&
	       (n->value[0] == '\0' || strcmp(n->value, "~") == 0 || strcmp(n->value, "null") == 0);
}

static bool expect_scalar(const struct ynode *n, const char *file, const char *what,
			  const char *type, struct diag *d)
{
	if (n->type == YNODE_SCALAR)
		return true;
	diag_add(d, file, n->line, n->column, "%s must be %s, not a %s", what, type,
		 n->type == YNODE_MAPPING ? "mapping" : "list");
	return false;
}

bool yamltree_int(const struct ynode *n, const char *file, const char *what,
		  int64_t min, int64_t max, int64_t *out, struct diag *d)
{
	if (!expect_scalar(n, file, what, "an integer", d))
		return false;
	errno = 0;
	char *end;
	long long v = strtoll(n->value, &end, 10);
	if (n->value[0] == '\0' || *end != '\0' || errno == ERANGE) {
		diag_add(d, file, n->line, n->column, "%s must be an integer, not '%s'", what, n->value);
		return false;
	}
	if (v < min || v > max) {
		diag_add(d, file, n->line, n->column, "%s must be between %lld and %lld, not %lld",
			 what, (long long)min, (long long)max, v);
		return false;
	}
	*out = v;
	return true;
}

bool yamltree_bool(const struct ynode *n, const char *file, const char *what,
		   bool *out, struct diag *d)
{
	if (!expect_scalar(n, file, what, "true or false", d))
		return false;
	/* YAML 1.2's two words only: "yes" or "on" for a flag like purged is
	 * a guess nobody should have to make */
	if (strcmp(n->value, "true") == 0)
		return *out = true, true;
	if (strcmp(n->value, "false") == 0)
		return *out = false, true;
	diag_add(d, file, n->line, n->column, "%s must be true or false, not '%s'", what, n->value);
	return false;
}

bool yamltree_string(const struct ynode *n, const char *file, const char *what,
		     const char **out, struct diag *d)
{
	if (!expect_scalar(n, file, what, "a string", d))
		return false;
	*out = n->value;
	return true;
}

bool yamltree_time(const struct ynode *n, const char *file, const char *what,
		   int64_t *out, struct diag *d)
{
	if (!expect_scalar(n, file, what, "a date", d))
		return false;
	if (!clock_parse(n->value, out)) {
		diag_add(d, file, n->line, n->column,
			 "%s must be an ISO-8601 date or time (2026-11-29 or 2026-11-29T10:00:00Z), not '%s'",
			 what, n->value);
		return false;
	}
	return true;
}
