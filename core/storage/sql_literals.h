/*
 * sql_literals — stored enum values, spelled for SQL, for every engine (so
 * both store the same numbers).  Statements are string literals (the
 * engines' statement caches key on their address), so the values are
 * spliced in as literals, checked against their enums here at compile
 * time: a renumbered enum does not build.  Only the engines include it.
 */
#ifndef THAW_STORAGE_SQL_LITERALS_H
#define THAW_STORAGE_SQL_LITERALS_H

#include "base/model.h"

#define SQL_IXD_NONE "0"
#define SQL_IXD_AVAILABLE "1"
#define SQL_IXD_EXPIRED "2"
#define SQL_IXD_RESTORING "3"
#define SQL_IXD_PURGED "4"
#define SQL_KIND_CAMPAIGN "0"
#define SQL_KIND_CANVAS "1"
#define SQL_STATUS_ACTIVE "1"
#define SQL_STATUS_IDLE "2"
#define SQL_FILTER_SPECIFIC_COUNT "14" /* kinds below it name one object */
#define SQL_JOB_QUEUED "0"
#define SQL_JOB_RUNNING "1"
#define SQL_ITEM_PENDING "0"
#define SQL_ITEM_RESTORED "1"
#define SQL_ITEM_CANCELLED "6"
#define SQL_CHANNEL_MAIL "0"
_Static_assert(IXD_NONE == 0 && IXD_AVAILABLE == 1 && IXD_EXPIRED == 2 && IXD_RESTORING == 3 &&
		       IXD_PURGED == 4 && KIND_CAMPAIGN == 0 && KIND_CANVAS == 1 && STATUS_ACTIVE == 1 &&
		       STATUS_IDLE == 2 && F__SPECIFIC_COUNT == 14 && JOB_QUEUED == 0 &&
		       JOB_RUNNING == 1 && ITEM_PENDING == 0 && ITEM_RESTORED == 1 && ITEM_CANCELLED == 6 &&
		       CHANNEL_MAIL == 0,
	       "an SQL_* literal above no longer matches its enum");

#endif
