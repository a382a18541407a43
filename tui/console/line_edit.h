/*
 * line_edit — the editing keys people's hands know, for the console's
 * one-line inputs (the filter line): Left/Right, Home/End, Ctrl-A/Ctrl-E,
 * Backspace/Delete, Ctrl-U (to the start), Ctrl-W (the word before), and
 * typing at the caret.  The caret is a byte offset, always at the start of
 * a UTF-8 character.
 */
#ifndef THAW_LINE_EDIT_H
#define THAW_LINE_EDIT_H

#include <stdbool.h>
#include <stddef.h>

/* Applies `key` to text (of `size` bytes) at *caret; false when `key` is
 * not an editing key (the caller's to handle). */
bool line_edit_key(char *text, size_t size, size_t *caret, int key);

#endif
