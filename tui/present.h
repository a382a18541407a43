/*
 * present — how objects, states and numbers read for people, shared by
 * the command line and the console so both say the same thing:
 * "expires in 12 d", "kept: used by campaign X", "EXPIRED", "restoring 45%",
 * "deleted (legacy)", "—".
 */
#ifndef THAW_PRESENT_H
#define THAW_PRESENT_H

#include <stddef.h>
#include <stdio.h>
#include <stdint.h>

#include "base/text.h"
#include "storage/analytics.h"
#include "storage/objects.h"

/* The IxD column: state and expiry in a few words. */
void present_expiry(const struct object_row *o, int64_t now, char *buf, size_t size);

/* Why the object's data is where it is, per the policy (SPEC §2). */
void present_why(const struct object_row *o, int64_t now, int months, char *buf, size_t size);

/* How a filter's target reads: "" when its data is available, else why it
 * matches nobody ("names expired data: matches nobody until restored"). */
const char *present_filter_target(int target_state);

/* A state word of `list --state` and the filter's `state:` → an IxD state
 * or STATE_FILTER_EXPIRING / _KEPT; -1 when unknown. */
int present_state_parse(const char *word);

/* Writes a string from the database or a file, made safe for a terminal
 * (control characters shown, never sent): to standard output, or to `f`. */
void present_puts(const char *s);
void present_fputs(const char *s, FILE *f);

/* 1234 -> "1234", 12345 -> "12k", 1234567 -> "1.2M": for narrow columns */
void present_count_short(int64_t n, char *buf, size_t size);

/* A date, or "—" for 0. */
void present_date(int64_t t, char *buf, size_t size);

/* An object's analytics (storage/analytics.h), the same whatever its
 * data's state: as lines of text (a heading, then indented lines), and as
 * a JSON member ,"analytics":{...} to append to an object. */
void present_analytics_text(struct buf *out, const struct object_analytics *a);
void present_analytics_json(struct buf *out, const struct object_analytics *a);

/* Appends an object as a JSON object (all fields, sanitised strings), with
 * its analytics when `a` is given. */
void present_object_json(struct buf *out, const struct object_row *o, int64_t now,
			 const struct object_analytics *a);

/* Appends text cut to `cols` display columns (wide characters count two,
 * a character is never cut in half). */
void present_fit(struct buf *out, const char *text, int cols);

/* Appends text broken into rows of at most `cols` display columns, at
 * spaces where it can (a word longer than a row is cut), rows after the
 * first indented by `indent` spaces and separated by '\n'. */
void present_wrap(struct buf *out, const char *text, int cols, int indent);

#endif
