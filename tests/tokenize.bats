#!/usr/bin/env bats
# firth-tokenize: raw UTF-8 text (plain or gzip) to token text, one
# document per line, in constant memory.

bats_require_minimum_version 1.5.0

setup() {
	cd "$BATS_TEST_TMPDIR"
	printf 'Hello, World!\nDon'"'"'t panic: 42 towels.\n' > t.txt
	SHARED="${FIRTH_SHARED:-$FIRTH_TOP/../shared/data}"
}

@test "firth-tokenize --help prints the usage on stdout and exits 0" {
	run --separate-stderr firth-tokenize --help
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "usage: firth-tokenize [-cPqv] [--paragraphs | --wiki] [--text8]" ]
	[ -z "$stderr" ]
}

@test "firth-tokenize --version names the tool and the version" {
	run firth-tokenize --version
	[ "$status" -eq 0 ]
	[ "$output" = "firth-tokenize (firth) 0.1.0" ]
}

@test "firth-tokenize refuses an unknown option with status 2" {
	run --separate-stderr firth-tokenize --frobnicate t.txt
	[ "$status" -eq 2 ]
	[ -z "$output" ]
	[[ "$stderr" == *"unrecognized option '--frobnicate'"* ]]
	[[ "$stderr" == *"usage: firth-tokenize"* ]]
}

@test "firth-tokenize refuses a mode that is not one of the choices" {
	run --separate-stderr firth-tokenize --numbers round t.txt
	[ "$status" -eq 2 ]
	[ "${stderr_lines[0]}" = "firth-tokenize: --numbers: 'round' is not one of keep, map, drop" ]
}

@test "firth-tokenize refuses --max-token 0 and non-numbers" {
	run --separate-stderr firth-tokenize --max-token 0 t.txt
	[ "$status" -eq 2 ]
	[ "${stderr_lines[0]}" = "firth-tokenize: --max-token: 0 is too small, the least is 1" ]
	run --separate-stderr firth-tokenize -m 12x t.txt
	[ "$status" -eq 2 ]
	[ "${stderr_lines[0]}" = "firth-tokenize: --max-token: '12x' is not a whole number" ]
}

@test "firth-tokenize refuses --paragraphs with --wiki" {
	run --separate-stderr firth-tokenize --paragraphs --wiki t.txt
	[ "$status" -eq 2 ]
	[ "${stderr_lines[0]}" = "firth-tokenize: --paragraphs and --wiki exclude each other" ]
}

@test "firth-tokenize refuses a placeholder with white space" {
	run --separate-stderr firth-tokenize --numbers map --num-token 'a b' t.txt
	[ "$status" -eq 2 ]
	[ "${stderr_lines[0]}" = "firth-tokenize: --num-token: 'a b' must be one word, without white space" ]
}

@test "firth-tokenize names a missing input and writes nothing" {
	run --separate-stderr firth-tokenize t.txt nosuch.txt
	[ "$status" -eq 1 ]
	[ -z "$output" ]
	[ "$stderr" = "firth-tokenize: cannot open nosuch.txt: No such file or directory" ]
}

@test "firth-tokenize splits punctuation, folds case and keeps contractions" {
	run --separate-stderr firth-tokenize < t.txt
	[ "$status" -eq 0 ]
	[ "$output" = "hello , world !
don't panic : 42 towels ." ]
	[[ "$stderr" =~ ^firth-tokenize:\ 2\ documents,\ 10\ tokens,\ 38B\ in\ [0-9.]+\ s\ \([0-9.]+\ MB/s\)\;\ 0\ invalid\ bytes,\ 0\ long\ tokens\ dropped$ ]]
}

@test "firth-tokenize -q prints no summary" {
	run --separate-stderr firth-tokenize -q t.txt
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 2 ]
	[ -z "$stderr" ]
}

@test "firth-tokenize options: keep case, drop punctuation, map numbers, drop URLs" {
	printf 'See HTTP://X.org/A, mail me@Host.com: 3.5 kg!\n' > u.txt
	run firth-tokenize -q u.txt
	[ "$output" = "see http://x.org/a , mail me@host.com : 3.5 kg !" ]
	run firth-tokenize -q --keep-case -P --numbers map --urls drop u.txt
	[ "$status" -eq 0 ]
	[ "$output" = "See mail <num> kg" ]
	run firth-tokenize -q --text8 u.txt
	[ "$output" = "see http x org a mail me host com kg" ]
}

@test "firth-tokenize reads gzip and plain files; each file ends its document" {
	printf 'one two' > a.txt
	printf 'Three\nFOUR\n' | gzip > b.gz
	run --separate-stderr firth-tokenize -q a.txt b.gz - < t.txt
	[ "$status" -eq 0 ]
	[ "$output" = "one two
three
four
hello , world !
don't panic : 42 towels ." ]
}

@test "firth-tokenize refuses a truncated gzip file" {
	seq 1 100000 | gzip > n.gz
	head -c 20000 n.gz > cut.gz
	run --separate-stderr firth-tokenize cut.gz
	[ "$status" -eq 1 ]
	[ "${stderr_lines[-1]}" = "firth-tokenize: cut.gz: unexpected end of gzip data (the file is truncated)" ]
}

@test "firth-tokenize makes paragraphs documents with --paragraphs" {
	printf 'a b\nc\n\nd\n \n\n\ne\n' > p.txt
	run firth-tokenize -q --paragraphs p.txt
	[ "$status" -eq 0 ]
	[ "$output" = "a b c
d
e" ]
}

@test "firth-tokenize --wiki writes one line per article without tags and titles" {
	printf '<doc id="1" url="u" title="A">\nA Title\n\nFirst line.\nSecond.\n</doc>\n<doc id="2">\nOnly Title\n</doc>\n' > w.txt
	run firth-tokenize -q --wiki w.txt
	[ "$status" -eq 0 ]
	[ "$output" = "first line . second ." ]
}

@test "firth-tokenize counts invalid UTF-8 and survives NUL and control bytes" {
	printf 'ok\xff\xfe fine\0\0nul\x01\x02 \xc0\xaf end\n' > bad.txt
	run --separate-stderr firth-tokenize bad.txt
	[ "$status" -eq 0 ]
	[ "$output" = "ok fine nul end" ]
	[[ "$stderr" == *"; 4 invalid bytes, 0 long tokens dropped" ]]
}

@test "firth-tokenize drops or truncates tokens over --max-token and counts them" {
	printf 'short toolongtoken x\n' > l.txt
	run --separate-stderr firth-tokenize -m 8 l.txt
	[ "$output" = "short x" ]
	[[ "$stderr" == *"; 0 invalid bytes, 1 long tokens dropped" ]]
	run --separate-stderr firth-tokenize -m 8 --long truncate l.txt
	[ "$output" = "short toolongt x" ]
	[[ "$stderr" == *"; 0 invalid bytes, 1 long tokens truncated" ]]
}

@test "firth-tokenize fails on a write error" {
	[ -w /dev/full ] || skip "/dev/full not available"
	run --separate-stderr bash -c 'firth-tokenize t.txt > /dev/full'
	[ "$status" -eq 1 ]
	[ "$stderr" = "firth-tokenize: write error on stdout: No space left on device" ]
}

@test "firth-tokenize handles a 20 MB line in bounded memory" {
	yes abc | head -c 20000000 | tr '\n' ' ' > long.txt
	if [ -x /usr/bin/time ]; then
		/usr/bin/time -f %M -o rss firth-tokenize -q long.txt > out.txt
		# peak RSS in KiB: far below the 20 MB line
		[ "$(cat rss)" -lt 16000 ]
	else
		firth-tokenize -q long.txt > out.txt
	fi
	[ "$(wc -l < out.txt)" -eq 1 ]
	[ "$(wc -w < out.txt)" -eq 5000000 ]
	[ "$(head -c 8 out.txt)" = "abc abc " ]
}

@test "firth-tokenize drops a 20 MB token in bounded memory and counts it" {
	head -c 20000000 /dev/zero | tr '\0' 'a' > tok.txt
	printf '\nnext line\n' >> tok.txt
	run --separate-stderr firth-tokenize tok.txt
	[ "$status" -eq 0 ]
	[ "$output" = "next line" ]
	[[ "$stderr" == *"; 0 invalid bytes, 1 long tokens dropped" ]]
}

@test "firth-tokenize --wiki --text8 matches text8 on 300 wiki-dev articles, less titles" {
	corpus="$SHARED/corpus/wiki-dev.txt.gz"
	[ -f "$corpus" ] || skip "$corpus not found"
	{ zcat "$corpus" || true; } | awk '{ print } /^<\/doc>/ { if (++n == 300) exit }' > w300.txt
	if [ -f /tmp/text8.txt ]; then
		head -n 300 /tmp/text8.txt > ref.txt
	else
		# the cleaning recipe of the data README, which keeps titles
		perl -ne 'if (/^<doc /) { $d = ""; next }
		  if (/^<\/doc>/) { print "$d\n" if length $d; next }
		  $_ = lc $_; s/[^a-z]+/ /g; $d .= $_;' w300.txt |
		    sed 's/^ *//; s/  */ /g' > ref.txt
	fi
	firth-tokenize -q --wiki --text8 w300.txt > ours.txt
	# Each of our lines is its reference line less the title's words;
	# reference lines we have no line for are articles with only a title.
	run awk 'NR == FNR { o[++n] = $0; next }
	    { sub(/ +$/, "") }
	    i < n && ($0 == o[i + 1] || substr($0, length($0) - length(o[i + 1])) == " " o[i + 1]) { i++; next }
	    { skipped++; if (NF > 8) long++ }
	    END { printf "%d %d %d %d\n", n, i, skipped + 0, long + 0 }' ours.txt ref.txt
	read -r n matched skipped long <<< "$output"
	[ "$n" -ge 280 ]
	[ "$matched" -eq "$n" ]
	[ "$((n + skipped))" -eq 300 ]
	[ "$long" -eq 0 ]
}
