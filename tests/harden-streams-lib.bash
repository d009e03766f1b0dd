# tests/harden-streams-lib.bash - damaged streams fed to a reader: cut at
# every byte offset, each byte corrupted.  Shared by
# tests/harden-streams.bats and tests/hard/streams.bats.

# damage_variants FILE DIR [XORS [STEP]]: DIR/t.K (FILE cut to K bytes)
# and DIR/cX.K (byte K xor X, for each X of XORS, default ff), for K = 0,
# STEP, 2 STEP, ... below the size (STEP default 1: every byte).
damage_variants() {
	mkdir -p "$2"
	python3 - "$1" "$2" "${3:-ff}" "${4:-1}" <<'EOF'
import os, sys
src, out, xors = sys.argv[1], sys.argv[2], sys.argv[3].split(',')
data = open(src, 'rb').read()
for k in range(0, len(data), int(sys.argv[4])):
    open(os.path.join(out, 't.%d' % k), 'wb').write(data[:k])
    for x in xors:
        b = bytearray(data)
        b[k] ^= int(x, 16)
        open(os.path.join(out, 'c%s.%d' % (x, k)), 'wb').write(bytes(b))
EOF
}

# good_run CMD... -- FILE: the undamaged stream is accepted (exit 0), so
# that the failures below are the damage's doing.
good_run() {
	local cmd=()
	while [ "$1" != -- ]; do cmd+=("$1"); shift; done
	timeout 60 "${cmd[@]}" < "$2" > good.out 2> good.err ||
	    { echo "undamaged $2: ${cmd[*]} failed: $(cat good.err)"; return 1; }
}

# first_line_names TOOL: the message in err begins "TOOL: " (no grep:
# a process less in loops of thousands).
first_line_names() {
	local first=
	read -r first < err || true
	[[ "$first" == "$1: "?* ]]
}

# damage_all CMD... -- FILE [XORS [STEP]]: every variant of FILE on CMD's
# stdin must make CMD exit 1 within 10 s with a message that names it.
# One kind of damage changes nothing: the bits that pad a deflate
# stream's last byte, after its end code, are never read.  A copy so
# changed may pass, if CMD's output is then byte for byte the undamaged
# one (counted as harmless); any other success is a failure of the test.
damage_all() {
	local cmd=() f st bad=0 n=0 tool harmless=0
	while [ "$1" != -- ]; do cmd+=("$1"); shift; done
	shift
	tool=${cmd[0]}
	good_run "${cmd[@]}" -- "$1"
	rm -rf var
	damage_variants "$1" var "${2:-ff}" "${3:-1}"
	for f in var/*; do
		n=$((n + 1))
		st=0
		timeout 10 "${cmd[@]}" < "$f" > out 2> err || st=$?
		if [ "$st" -eq 0 ] && [[ "$f" == var/c* ]] && cmp -s out good.out; then
			harmless=$((harmless + 1))
		elif [ "$st" -ne 1 ] || ! first_line_names "$tool"; then
			bad=$((bad + 1))
			if [ "$bad" -le 10 ]; then
				echo "$f: status $st: $(head -c 300 err)"
			fi
		fi
	done
	echo "# $tool: $n damaged copies of $(basename "$1") (every ${3:-1} byte), $bad not refused, $harmless harmless" >&3
	if [ -n "${FIRTH_HARD_LOG:-}" ]; then
		echo "$tool: $n damaged copies of $(basename "$1") ($(wc -c < "$1") bytes, every ${3:-1} byte, xor ${2:-ff}), $bad not refused, $harmless harmless (deflate padding bits: same output)" >> "$FIRTH_HARD_LOG"
	fi
	[ "$bad" -eq 0 ]
}
