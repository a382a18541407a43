/*
 * chart — the forecast as people read it, the same in `thaw forecast` and
 * the console's forecast view: one row a week ("   1  2026-12-09  12 objects
 * 18,230 events  ████▌") with a bar drawn in the terminal's block
 * characters, or in '#' where those cannot be trusted.
 */
#ifndef THAW_CHART_H
#define THAW_CHART_H

#include <stdbool.h>
#include <stdint.h>

#include "base/text.h"
#include "retention/forecast.h"

/* Whether bars may use block characters: a UTF-8 locale, and neither
 * NO_COLOR nor a terminal whose font lacks them (TERM vt100, linux). */
bool chart_blocks(void);

/* The columns a week's text takes before its bar. */
#define CHART_ROW_TEXT 55 /* up to "100,000 objects" and "100,000,000 events" */

/* The header above the week rows, aligned with them. */
void chart_header(struct buf *out);

/* Week k (0-based) of f: its text, then a bar of at most bar_cols columns
 * scaled to the busiest week's events. */
void chart_week(struct buf *out, const struct forecast *f, int k, int bar_cols, bool blocks);

/* A keeper's line: "  3 objects   4,210 events  campaign Welcome …". */
void chart_keeper(struct buf *out, const struct forecast_keeper *k);

/* The total line under the weeks. */
void chart_total(struct buf *out, const struct forecast *f);

#endif
