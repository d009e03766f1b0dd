#!/usr/bin/env bats
# firth-eval's JSON (-j) and SVG (plot) output carry words as the vectors
# had them, bytes and all: a word with a control byte or bytes that are not
# UTF-8 must come out escaped, so that a strict JSON or XML parser reads
# the whole output.

bats_require_minimum_version 1.5.0

setup() {
	cd "$BATS_TEST_TMPDIR"
	command -v python3 > /dev/null || skip "python3 not found (needed to parse JSON and XML strictly)"
	# Words: "a<ESC>b", "x<FF>y" (not UTF-8), "caf<e9 in UTF-8>", "q\"&<".
	printf 'a\033b 1 0\nx\377y 0.9 0.1\ncaf\303\251 0 1\nq"&< 0.5 0.5\n' > v.txt
}

@test "firth-eval neighbours -j escapes control bytes and invalid UTF-8" {
	run --separate-stderr firth-eval neighbours -j -k 3 -v v.txt 'q"&<'
	[ "$status" -eq 0 ]
	# No raw control byte, no byte that is not UTF-8.
	LC_ALL=C grep -c "$(printf '[\001-\010\016-\037\177]')" <<< "$output" | grep -qx 0
	run python3 -c '
import json, sys
raw = sys.stdin.buffer.read()
d = json.loads(raw.decode("utf-8", "strict"))
words = set()
def walk(x):
    if isinstance(x, dict):
        for v in x.values(): walk(v)
    elif isinstance(x, list):
        for v in x: walk(v)
    elif isinstance(x, str):
        words.add(x)
walk(d)
print(" ".join(sorted(w for w in words if w in ("a\x1bb", "x\ufffdy", "caf\u00e9", "q\"&<"))))
' <<< "$output"
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'a\033b caf\303\251 q"&< x\357\277\275y')" ]
}

@test "firth-eval plot writes an SVG a strict XML parser reads, words escaped" {
	run --separate-stderr firth-eval plot -v v.txt 'a'$'\033''b' 'x'$'\377''y' 'café' 'q"&<'
	[ "$status" -eq 0 ]
	printf '%s\n' "$output" > p.svg
	run python3 -c '
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
# The first two texts are the heading and the caption naming the file.
texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")][2:]
print(" | ".join(texts))
' p.svg
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'a\357\277\275b | x\357\277\275y | caf\303\251 | q"&<')" ]
}
