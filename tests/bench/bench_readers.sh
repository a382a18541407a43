# Readers on a big workspace: a single-object filter, tag filters, and the
# users export of a sparse and a dense segment, timed through the command
# line (process start included), with the peak memory, beside a plain
# SELECT of the rows the export reads (each user's pairs with their marks
# and objects, users ascending) in the same run.
set -eu
THAW=${THAW:?path to thaw}
WS=${1:?workspace}
export THAW_NOW=${THAW_NOW:-$(date -u +%Y-%m-%dT%H:%M:%SZ)}
t() { "$THAW" --db "$WS" "$@"; }
ms() { local s e; s=$(date +%s%N); "$@" >/dev/null; e=$(date +%s%N); echo $(((e - s) / 1000000)); }
[ -f "$WS" ] || t demo --size large --out "$WS" >/dev/null
t sweep --dry-run >/dev/null # opens it writable once: migrations, if any
scratch=$(mktemp -d /tmp/thaw-bench-XXXXXX)
trap 'rm -rf "$scratch"' EXIT
big=$(t list --kind campaign --state available --sort hot --desc --limit 1 --json | jq -r '.[0].api_id')
events=$(t show "$big" --json | jq .hot_events)
total=$(t list --json | jq '[.[].hot_events] | add')
echo "workspace: $total hot events"
echo "single-object filter received_campaign($big) over its $events events: $(ms t segment "received_campaign($big)" --count) ms (best of 3: $(for i in 1 2 3; do ms t segment "received_campaign($big)" --count; done | sort -n | head -1) ms)"
for tag in winback growth; do
	objects=$(t list --tag "$tag" --state available --json | jq length)
	echo "tag filter received_tag($tag) over $objects available objects: $(ms t segment "received_tag($tag)" --count) ms"
done
# export SEGMENT NAME: thaw's export, then the plain SELECT of its rows
# (CROSS JOIN keeps SQLite's planner to the segment's users first)
export_vs_select() {
	t segment "$1" --users --json | jq -r '.users[]' >"$scratch/ids"
	local users start end thaw_ms peak plain_ms
	users=$(wc -l <"$scratch/ids")
	start=$(date +%s%N)
	/usr/bin/time -f %M -o "$scratch/peak" "$THAW" --db "$WS" export users --segment "$1" >/dev/null
	end=$(date +%s%N)
	thaw_ms=$(((end - start) / 1000000))
	peak=$(($(cat "$scratch/peak") / 1024))
	start=$(date +%s%N)
	sqlite3 "$WS" >/dev/null <<SQL
CREATE TEMP TABLE seg(external_id TEXT PRIMARY KEY);
.import $scratch/ids seg
SELECT u.user_id, o.id, o.kind, o.api_id, o.name, u.marks FROM seg CROSS JOIN users us ON us.external_id = seg.external_id
  CROSS JOIN user_objects u ON u.user_id = us.id CROSS JOIN objects o ON o.id = u.object_id
  WHERE o.ixd_state = 1 ORDER BY u.user_id, o.kind, o.name_fold, o.id;
SQL
	end=$(date +%s%N)
	plain_ms=$(((end - start) / 1000000))
	echo "users export, $2 ($users users): $thaw_ms ms = $((users * 1000 / (thaw_ms > 0 ? thaw_ms : 1))) users/s, peak $peak MiB; plain SELECT of the same rows $plain_ms ms: $(awk -v a="$thaw_ms" -v b="$plain_ms" 'BEGIN { printf "%.2f", a / (b > 0 ? b : 1) }')x"
}
export_vs_select "received_campaign($big)" "sparse segment received_campaign($big)"
export_vs_select "received_tag(winback)" "dense segment received_tag(winback)"
