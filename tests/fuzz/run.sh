# A short, repeatable libFuzzer run: fuzz/run.sh TARGET CORPUS RUNS.
# New inputs and any crash go to a scratch folder (printed on failure);
# the committed corpus is only read.
set -u
target=$1 corpus=$2 runs=$3
scratch=$(mktemp -d /tmp/thaw-fuzz-XXXXXX)
"$target" -seed=1 -runs="$runs" -max_len=4096 -artifact_prefix="$scratch/" "$scratch" "$corpus" \
	>"$scratch/log" 2>&1
status=$?
tail -3 "$scratch/log"
if [ "$status" -ne 0 ]; then
	grep -A30 "ERROR" "$scratch/log" | head -60
	echo "the failing input is in $scratch"
	exit 1
fi
rm -rf "$scratch"
