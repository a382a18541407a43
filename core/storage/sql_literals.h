/*
 * sql_literals — the SQL every engine writes alike: stored enum values
 * spelled for SQL (so both engines store the same numbers), and the
 * fragments both dialects read the same way (row columns, sort orders,
 * the retention facts).  Statements are string literals (the engines'
 * statement caches key on their address), so values are spliced in as
 * literals, checked against their enums here at compile time: a
 * renumbered enum does not build.  Only the engines include it.
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

/* The columns of a job row (jobs.h), read in this order. */
#define JOB_COLUMNS \
	"j.id, j.state, j.requested_by, j.requested_from, j.request, j.created_at," \
	" j.finished_at, j.started_ms, j.updated_ms, j.finished_ms, j.events_total," \
	" j.events_done," \
	" (SELECT state FROM outbox WHERE job_id=j.id AND channel=" SQL_CHANNEL_MAIL \
	"   ORDER BY id DESC LIMIT 1)," \
	" (SELECT last_error FROM outbox WHERE job_id=j.id AND channel=" SQL_CHANNEL_MAIL \
	"   ORDER BY id DESC LIMIT 1)," \
	" j.lease_until_ms" \
	" FROM jobs j"

/* The list's sort orders as columns (an initializer, SORT_* order). */
#define SQL_SORT_COLUMNS {                                                             \
	"o.name_fold", "o.kind", "o.status", "o.last_sent_at", "o.ixd_state",          \
	"o.expires_at IS NULL, o.expires_at", "o.hot_events", "o.cold_events", "tags"}

/* The groups of the "expires" sort, in the order objects.h states. */
#define EXPIRY_ORDER                                                                          \
	"CASE WHEN o.ixd_state=" SQL_IXD_AVAILABLE " AND o.kept_by IS NULL AND o.expires_at IS NOT NULL THEN 0" \
	" WHEN o.ixd_state=" SQL_IXD_AVAILABLE " AND o.kept_by IS NULL THEN 1"                   \
	" WHEN o.ixd_state=" SQL_IXD_AVAILABLE " THEN 2 WHEN o.ixd_state=" SQL_IXD_RESTORING " THEN 3" \
	" WHEN o.ixd_state=" SQL_IXD_EXPIRED " THEN 4 WHEN o.ixd_state=" SQL_IXD_PURGED " THEN 5 ELSE 6 END"

/* The facts the retention policy reads, one row an object (lifecycle.h):
 * the protecting owner is the first active owner (active/idle object or
 * segment in use) of a specific-object filter naming the object. */
#define POLICY_QUERY \
	"SELECT o.id, o.status, o.ixd_state, o.stopped_at, o.last_restored_at, o.expires_at,"\
	" o.hot_events, o.cold_events, o.kept_by,"\
	" (SELECT CASE WHEN ow.id IS NOT NULL THEN"\
	"     CASE ow.kind WHEN " SQL_KIND_CAMPAIGN " THEN 'campaign ' ELSE 'Canvas ' END || ow.name"\
	"   ELSE 'segment ' || sg.name END"\
	"  FROM filters f LEFT JOIN objects ow ON ow.id=f.owner_object_id"\
	"  LEFT JOIN segments sg ON sg.id=f.owner_segment_id"\
	"  WHERE f.target_object_id=o.id AND f.kind < " SQL_FILTER_SPECIFIC_COUNT ""\
	"    AND (ow.status IN (" SQL_STATUS_ACTIVE ", " SQL_STATUS_IDLE ") OR sg.in_use=1) ORDER BY f.id LIMIT 1)"\
	" FROM objects o ORDER BY o.id"

/* The columns of a user row (users.h), read in this order. */
#define USER_COLUMNS \
	"id, external_id, email, phone, last_received_any, last_received_email," \
	" last_received_push, last_received_sms, last_received_webhook, last_received_whatsapp," \
	" last_engaged, last_in_app_impression, last_control_enrolled, hard_bounced, marked_spam," \
	" invalid_phone FROM users"

/* The user filters' columns (an initializer, UF_* order): column names
 * come from this fixed table, never from input. */
#define SQL_USER_FIELD_COLUMNS {                                                                    \
	"hard_bounced", "marked_spam", "invalid_phone", "last_received_any", "last_received_email",   \
	"last_received_push", "last_received_sms", "last_received_webhook", "last_received_whatsapp", \
	"last_engaged", "last_in_app_impression", "last_control_enrolled"}

/* A step's or a variant's upsert (setup.h): ($1 object, $2 api id, $3 name,
 * $4 position or control flag), returning (id, the object it belongs to). */
#define STEP_UPSERT \
	"INSERT INTO steps(object_id, api_id, name, position) VALUES($1,$2,$3,$4)" \
	" ON CONFLICT(api_id) DO UPDATE SET name=excluded.name, position=excluded.position RETURNING id, object_id"
#define VARIANT_UPSERT \
	"INSERT INTO variants(object_id, api_id, name, is_control) VALUES($1,$2,$3,$4)" \
	" ON CONFLICT(api_id) DO UPDATE SET name=excluded.name, is_control=excluded.is_control RETURNING id, object_id"

/* An object's detail (setup.h), one list a query taking the object's id as
 * $1, each row (api id, name, flag, extra), written so both dialects read
 * it alike.  The references: every specific-object filter naming the
 * object, and whether its owner is active (only those protect). */
#define DETAIL_STEPS "SELECT api_id, name, 0, NULL FROM steps WHERE object_id=$1 ORDER BY position, id"
#define DETAIL_VARIANTS "SELECT api_id, name, is_control, NULL FROM variants WHERE object_id=$1 ORDER BY id"
#define DETAIL_ALIASES "SELECT '', name, 0, NULL FROM aliases WHERE object_id=$1 ORDER BY name"
#define DETAIL_REFS \
	"SELECT coalesce(o.api_id, g.api_id), CASE WHEN o.id IS NOT NULL THEN o.name ELSE g.name END," \
	" CASE WHEN o.id IS NOT NULL THEN CAST(o.status IN (" SQL_STATUS_ACTIVE ", " SQL_STATUS_IDLE ") AS INTEGER)" \
	"   ELSE g.in_use END AS active," \
	" CAST(f.kind AS TEXT) || ':' || CASE WHEN o.id IS NOT NULL THEN" \
	"   CASE o.kind WHEN " SQL_KIND_CAMPAIGN " THEN 'campaign' ELSE 'canvas' END ELSE 'segment' END" \
	" FROM filters f LEFT JOIN objects o ON o.id=f.owner_object_id" \
	" LEFT JOIN segments g ON g.id=f.owner_segment_id" \
	" WHERE f.target_object_id=$1 AND f.kind < " SQL_FILTER_SPECIFIC_COUNT " ORDER BY 3 DESC, 2"
#define DETAIL_FILTERS \
	"SELECT coalesce(t.api_id, g.name), coalesce(t.name, g.name), coalesce(t.ixd_state, -1), CAST(f.kind AS TEXT)" \
	" FROM filters f LEFT JOIN objects t ON t.id=f.target_object_id LEFT JOIN tags g ON g.id=f.target_tag_id" \
	" WHERE f.owner_object_id=$1 ORDER BY f.id"

#endif
