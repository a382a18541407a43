# Readers on a big workspace: a single-object filter, a tag filter, and the
# users export, timed through the command line (process start included).
set -eu
THAW=${THAW:?path to thaw}
WS=${1:?workspace}
export THAW_NOW=${THAW_NOW:-$(date -u +%Y-%m-%dT%H:%M:%SZ)}
t() { "$THAW" --db "$WS" "$@"; }
ms() { local s e; s=$(date +%s%N); "$@" >/dev/null; e=$(date +%s%N); echo $(((e - s) / 1000000)); }
[ -f "$WS" ] || t demo --size large --out "$WS" >/dev/null
t sweep --dry-run >/dev/null # opens it writable once: migrations, if any
big=$(t list --kind campaign --state available --sort hot --desc --limit 1 --json | jq -r '.[0].api_id')
events=$(t show "$big" --json | jq .hot_events)
total=$(t list --json | jq '[.[].hot_events] | add')
echo "workspace: $total hot events"
echo "single-object filter received_campaign($big) over its $events events: $(ms t segment "received_campaign($big)" --count) ms (best of 3: $(for i in 1 2 3; do ms t segment "received_campaign($big)" --count; done | sort -n | head -1) ms)"
for tag in winback growth; do
	objects=$(t list --tag "$tag" --state available --json | jq length)
	echo "tag filter received_tag($tag) over $objects available objects: $(ms t segment "received_tag($tag)" --count) ms"
done
users=$(t segment "received_campaign($big)" --count --json | jq .count)
start=$(date +%s%N)
t export users --segment "received_campaign($big)" >/dev/null
end=$(date +%s%N)
echo "users export: $users users in $(((end - start) / 1000000)) ms = $((users * 1000000000 / (end - start))) users/s"
