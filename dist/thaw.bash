# bash completion for thaw.  Commands and options come from thaw's own
# --help, so they cannot drift from the binary; api ids and tags come live
# from the workspace the command line names (--db, --config), or the one
# thaw would open anyway.
_thaw_words()
{
	COMPREPLY=($(compgen -W "$1" -- "$2"))
}

_thaw()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
	local thaw=${COMP_WORDS[0]} cmd= i
	local -a globals=()
	for ((i = 1; i < COMP_CWORD; i++)); do
		case ${COMP_WORDS[i]} in
		--db | --config | --now | --theme)
			globals+=("${COMP_WORDS[i]}" "${COMP_WORDS[i + 1]}")
			((i++))
			;;
		--db=* | --config=* | --now=* | --theme=* | --read-only) globals+=("${COMP_WORDS[i]}") ;;
		-*) ;;
		*) [ -z "$cmd" ] && cmd=${COMP_WORDS[i]} ;;
		esac
	done
	case $prev in
	--db | --config | --out) COMPREPLY=($(compgen -f -- "$cur")); return ;;
	--theme) _thaw_words "default light high-contrast monochrome" "$cur"; return ;;
	--kind) _thaw_words "campaign canvas" "$cur"; return ;;
	--status) _thaw_words "draft active idle stopped archived" "$cur"; return ;;
	--state) _thaw_words "available expiring kept expired restoring purged none" "$cur"; return ;;
	--sort) _thaw_words "name kind status last_sent state expires hot cold tags" "$cur"; return ;;
	--size) _thaw_words "small medium large" "$cur"; return ;;
	--tag) _thaw_words "$("$thaw" "${globals[@]}" list --tags 2>/dev/null)" "$cur"; return ;;
	esac
	if [ -z "$cmd" ]; then
		if [[ $cur == -* ]]; then
			_thaw_words "$("$thaw" --help 2>/dev/null | grep -o -- '--[a-z][a-z-]*' | sort -u)" "$cur"
		else
			_thaw_words "$("$thaw" --help 2>/dev/null | sed -n '/^Commands:/,/^$/p' | awk '/^  [a-z]/ { print $1 }')" "$cur"
		fi
		return
	fi
	if [[ $cur == -* ]]; then
		_thaw_words "$("$thaw" "$cmd" --help 2>/dev/null | grep -o -- '--[a-z][a-z-]*' | sort -u)" "$cur"
		return
	fi
	case $cmd in
	restore | show | user) ;;
	import) COMPREPLY=($(compgen -f -- "$cur")); return ;;
	export)
		if [ "$COMP_CWORD" -eq $((${#globals[@]} + 2)) ]; then
			_thaw_words "users csv" "$cur"
			return
		fi
		;;
	mail) _thaw_words "test" "$cur"; return ;;
	*) return ;;
	esac
	[ "$cmd" = user ] && return # users are too many to list
	_thaw_words "$("$thaw" "${globals[@]}" list --ids 2>/dev/null)" "$cur"
}
complete -F _thaw thaw
