# Installed like a system tool: `meson install` into a scratch directory
# puts every file where Debian expects it; a Debian package built from the
# repository (dpkg-buildpackage, debian/) unpacks into a clean root whose
# thaw runs, whose manual page reads with man(1) and whose bash completion
# completes commands, options, api ids and tags.
. "$TESTS/integration/lib.sh"
SRC=$(cd "$TESTS/.." && pwd)
t import "$DATA/workspace.yaml" "$DATA/events.csv" >/dev/null

# completes the last word of a command line; prints the candidates
complete_line() { # complete_line SCRIPT WORDS...
	local script=$1
	shift
	bash -c 'source "$0"; COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); _thaw; echo "${COMPREPLY[*]}"' \
		"$script" "$@"
}

# --- every file of the installation, from one tree ---------------------------
meson install -C "$BUILD_ROOT" --destdir "$WORK/dest" --no-rebuild --quiet >install.log 2>&1 ||
	fail "meson install: $(cat install.log)"
prefix=$(find "$WORK/dest" -path '*/bin/thaw' | sed 's#/bin/thaw$##')
for f in bin/thaw share/man/man1/thaw.1 share/bash-completion/completions/thaw \
	share/thaw/themes/default.yaml share/doc/thaw/config.yaml.example share/doc/thaw/README.md \
	lib/systemd/system/thaw-worker.service; do
	[ -f "$prefix/$f" ] || fail "meson install puts $f under the prefix"
done

# --- the manual page: every command and option of --help, every key, every configuration key
page=$(MANWIDTH=100 man -l "$prefix/share/man/man1/thaw.1" 2>man.err) || fail "man -l: $(cat man.err)"
[ -s man.err ] && fail "man -l warns: $(cat man.err)"
for cmd in $("$THAW" --help | sed -n '/^Commands:/,/^$/p' | awk '/^  [a-z]/ { print $1 }'); do
	contains "$page" "thaw $cmd" "the manual has the command $cmd"
	for opt in $("$THAW" "$cmd" --help | grep -o -- '--[a-z][a-z-]*' | sort -u); do
		contains "$page" "$opt" "the manual has $cmd's option $opt"
	done
done
for key in restore_tag select_all views export; do
	contains "$page" "($key)" "the manual has the console action $key"
done
for key in expire_after_months webhook_url views max_attempts; do
	contains "$page" "$key:" "the manual has the configuration key $key"
done
contains "$page" "EXIT STATUS" "the manual has the exit codes"

# --- the Debian package ------------------------------------------------------
if ! command -v dpkg-buildpackage >/dev/null || ! command -v dh >/dev/null; then
	echo "dpkg-buildpackage or debhelper is not here: the package was not built"
	finish
fi
mkdir -p pkg/thaw
(cd "$SRC" && tar --exclude='./build*' --exclude='./obj-*' --exclude=./.git -cf - .) | tar -xf - -C pkg/thaw
(cd pkg/thaw && DEB_BUILD_OPTIONS="parallel=2" dpkg-buildpackage -us -uc -b >../build.log 2>&1) ||
	fail "dpkg-buildpackage: $(tail -30 pkg/build.log)"
deb=$(ls pkg/thaw_*_*.deb 2>/dev/null | head -1)
[ -n "$deb" ] || fail "no package was built"
dpkg-deb -x "$deb" root || fail "the package unpacks"
root=$WORK/root
contains "$("$root/usr/bin/thaw" --version)" "thaw 0.1.0" "the packaged thaw runs"
contains "$(MANWIDTH=100 man -l "$root/usr/share/man/man1/thaw.1.gz")" "thaw restore" "its manual page reads"
[ -f "$root/usr/share/thaw/themes/default.yaml" ] || fail "its themes"
[ -f "$root/usr/lib/systemd/system/thaw-worker.service" ] || fail "its unit"
[ -f "$root/usr/share/doc/thaw/config.yaml.example" ] || fail "the documented configuration, uncompressed"
contains "$(dpkg-deb -f "$deb" Depends)" "libsqlite3" "the package depends on the libraries it links"
script=$root/usr/share/bash-completion/completions/thaw
eq "$(complete_line "$script" "$root/usr/bin/thaw" re)" "restore" "completes a command"
eq "$(complete_line "$script" "$root/usr/bin/thaw" list --ta)" "--tag --tags" "completes an option"
eq "$(complete_line "$script" "$root/usr/bin/thaw" --db "$WS" restore spr)" "spring-sale" "completes an api id from the workspace"
eq "$(complete_line "$script" "$root/usr/bin/thaw" --db "$WS" restore --tag sea)" "seasonal" "completes a tag from the workspace"
finish
