/*
 * dialog — what opens over a view and takes the keys until it closes: the
 * restore and cancel confirmations, the two one-line prompts (a tag to
 * restore, a user to look up) and the saved views' picker.  One entry point per kind; the dialog's
 * state is its own, and closing frees it.
 */
#ifndef THAW_DIALOG_H
#define THAW_DIALOG_H

#include <stdint.h>

#include "console/view.h"

/* Confirms restoring these objects (takes `ids`); `tag` names a restore by
 * tag, else NULL.  Says so instead when nothing among them can restore. */
void dialog_open_restore(struct console *c, int64_t *ids, int n, const char *tag);
void dialog_open_cancel_job(struct console *c, int64_t job_id);
/* Asks for a tag, then confirms restoring its expired objects. */
void dialog_open_tag_prompt(struct console *c);
/* Asks for a user's external id, then shows the user. */
void dialog_open_user_prompt(struct console *c);
/* On quit with a job of this console still running and no worker to carry
 * it on: stay until it ends, leave it queued, or cancel it. */
void dialog_open_quit(struct console *c);
/* Lists console.views; Enter shows the list filtered by the one picked. */
void dialog_open_view_picker(struct console *c);

void dialog_draw(struct console *c);
void dialog_key(struct console *c, int key);
void dialog_close(struct console *c);

#endif
