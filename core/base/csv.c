#include "base/csv.h"

#include <stdlib.h>
#include <string.h>

#define CHUNK (1 << 20)

bool csv_open(struct csv_reader *r, FILE *fp)
{
	memset(r, 0, sizeof *r);
	r->fp = fp;
	r->cap = CHUNK;
	r->buf = malloc(r->cap + 1);
	r->line = 1;
	return r->buf != NULL;
}

void csv_close(struct csv_reader *r)
{
	free(r->buf);
	r->buf = NULL;
}

/*
 * Makes sure the byte at r->pos is buffered; false at end of file.  The
 * record being parsed (from r->rec) is kept, shifted to the front of the
 * buffer, which is why the parser keeps its positions relative to r->rec.
 */
static bool more(struct csv_reader *r)
{
	if (r->pos < r->len)
		return true;
	if (r->eof)
		return false;
	memmove(r->buf, r->buf + r->rec, r->len - r->rec);
	r->pos -= r->rec;
	r->len -= r->rec;
	r->rec = 0;
	if (r->cap - r->len < CHUNK / 2) {
		r->cap *= 2;
		char *grown = realloc(r->buf, r->cap + 1);
		if (!grown)
			abort();
		r->buf = grown;
	}
	size_t got = fread(r->buf + r->len, 1, r->cap - r->len, r->fp);
	r->len += got;
	if (got == 0)
		r->eof = true;
	return got > 0;
}

static int malformed(struct csv_reader *r, const char *what, int line, int column)
{
	r->error = what;
	r->error_line = line;
	r->error_column = column;
	return -1;
}

/* Skips blank lines; false at end of file. */
static bool skip_blank_lines(struct csv_reader *r)
{
	for (;;) {
		r->rec = r->pos;
		if (!more(r))
			return false;
		char c = r->buf[r->pos];
		if (c != '\n' && c != '\r')
			return true;
		r->pos++;
		if (c == '\n')
			r->line++;
		else if (more(r) && r->buf[r->pos] == '\n')
			r->pos++, r->line++;
	}
}

/*
 * Parses one record in place: unescaped text is written back over the
 * record (it only ever shrinks), each field followed by a NUL.  Positions
 * are kept relative to the record start because the buffer may move.
 */
int csv_next(struct csv_reader *r)
{
	if (!skip_blank_lines(r))
		return 0;
	size_t out = 0, line_start = 0; /* relative to r->rec */
	size_t offsets[CSV_MAX_FIELDS];
	int line = r->line;
	r->count = 0;
	for (;;) {
		if (r->count == CSV_MAX_FIELDS)
			return malformed(r, "too many fields", line, (int)(r->pos - r->rec - line_start) + 1);
		struct csv_field *f = &r->fields[r->count];
		f->line = line;
		f->column = (int)(r->pos - r->rec - line_start) + 1;
		offsets[r->count] = out;
		bool quoted = more(r) && r->buf[r->pos] == '"';
		if (quoted) {
			r->pos++;
			for (;;) {
				if (!more(r))
					return malformed(r, "unterminated quoted field", f->line, f->column);
				char c = r->buf[r->pos++];
				if (c == '\0' || out - offsets[r->count] >= CSV_MAX_FIELD_BYTES)
					return malformed(r, c ? "a field longer than 65,536 bytes" : "a NUL byte in a field",
							 line, (int)(r->pos - r->rec - line_start));
				if (c == '"') {
					if (!more(r) || r->buf[r->pos] != '"')
						break;
					r->pos++;
				} else if (c == '\n') {
					line++;
					line_start = r->pos - r->rec;
				}
				r->buf[r->rec + out++] = c;
			}
		}
		char end = '\0';
		while (more(r)) {
			char c = r->buf[r->pos];
			if (c == ',' || c == '\n' || c == '\r') {
				end = c;
				r->pos++;
				break;
			}
			int column = (int)(r->pos - r->rec - line_start) + 1;
			if (quoted)
				return malformed(r, "unexpected text after a closing quote", line, column);
			if (c == '"')
				return malformed(r, "a quote inside an unquoted field", line, column);
			if (c == '\0' || out - offsets[r->count] >= CSV_MAX_FIELD_BYTES)
				return malformed(r, c ? "a field longer than 65,536 bytes" : "a NUL byte in a field", line,
						 column);
			r->buf[r->rec + out++] = c;
			r->pos++;
		}
		f->len = (int)(out - offsets[r->count]);
		r->count++;
		/* the delimiter was consumed, so there is room for the NUL */
		r->buf[r->rec + out++] = '\0';
		if (end == ',')
			continue;
		if (end == '\r' && more(r) && r->buf[r->pos] == '\n')
			r->pos++;
		break;
	}
	r->line = line + 1;
	for (int i = 0; i < r->count; i++)
		r->fields[i].text = r->buf + r->rec + offsets[i];
	return 1;
}
