#!/usr/bin/env bats
# firth: the front command runs firth-TOOL and lists the tools it finds.

bats_require_minimum_version 1.5.0

@test "firth --help prints the usage and the tools on stdout" {
	run --separate-stderr firth --help
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "usage: firth TOOL [ARG...]" ]
	[[ "$output" == *"  vocab     count words into a corpus database, or list them"* ]]
	[ -z "$stderr" ]
}

@test "firth --version names the front command and the version" {
	run firth --version
	[ "$status" -eq 0 ]
	[ "$output" = "firth (firth) 0.1.0" ]
}

@test "firth help lists exactly the tools that are installed" {
	run --separate-stderr firth help
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "firth tools (firth TOOL --help for each, man firth-TOOL):" ]
	[[ "$output" == *"  cat       decode a firth stream to text; convert vector formats"* ]]
	dir=$(dirname "$(command -v firth)")
	for line in "${lines[@]:1}"; do
		name=$(echo "$line" | awk '{print $1}')
		[ -x "$dir/firth-$name" ]
	done
	for tool in "$dir"/firth-*; do
		name=${tool##*/firth-}
		echo "$output" | grep -q "^  $name "
	done
}

@test "firth TOOL runs firth-TOOL with the arguments" {
	run firth vocab --version
	[ "$status" -eq 0 ]
	[ "$output" = "firth-vocab (firth) 0.1.0" ]
	run bash -c "printf 'b a b\n' | firth vocab -q"
	[ "$status" -eq 0 ]
	[ "$output" = "b 2
a 1" ]
}

@test "firth passes the tool's exit status through" {
	run firth cat < /dev/null
	[ "$status" -eq 1 ]
	[ "$output" = "firth-cat: stdin: empty input where a firth stream was expected: did the upstream command fail?" ]
	run firth cat --level 99
	[ "$status" -eq 2 ]
}

@test "firth finds its tools beside itself, whatever PATH says" {
	dir=$(dirname "$(command -v firth)")
	run env PATH=/usr/bin:/bin "$dir/firth" vocab --version
	[ "$status" -eq 0 ]
	[ "$output" = "firth-vocab (firth) 0.1.0" ]
}

@test "firth nosuchtool is a usage error naming the tool" {
	run firth nosuchtool
	[ "$status" -eq 2 ]
	[ "${lines[0]}" = "firth: no tool 'nosuchtool' (firth help lists them)" ]
	[ "${lines[1]}" = "Try 'firth --help' for more information." ]
}

@test "firth refuses names that are paths or options" {
	run firth ../bin/sh
	[ "$status" -eq 2 ]
	[ "${lines[0]}" = "firth: '../bin/sh' is not a tool name" ]
	run firth -x
	[ "$status" -eq 2 ]
	[ "${lines[0]}" = "firth: '-x' is not a tool name" ]
}

@test "firth without a tool prints the usage on stderr and exits 2" {
	run --separate-stderr firth
	[ "$status" -eq 2 ]
	[ -z "$output" ]
	[[ "$stderr" == "usage: firth TOOL [ARG...]"* ]]
}
