#!/usr/bin/env bats
# make check-hard: firth-vocab, firth-cooc and firth-glove killed with
# SIGKILL at 25 random points each (bash's RANDOM, fixed seeds) over
# runs of a few seconds on corpora of about 5 MB a batch, the second
# batch bringing about 200,000 new words.  The checks are those of
# tests/harden-kill.bats: integrity_check, no half-added batch, a rerun
# gives exactly the counts (firth-vocab --list, firth-cooc --export,
# compared with cmp) of an uninterrupted run, firth-glove resumes to the
# same bytes.  Where each kill landed goes to the report.

bats_require_minimum_version 1.5.0
load ../harden-lib
load ../harden-kill-lib

setup_file() {
	is_hard || skip "long: make check-hard"
	COOC_OPTS=(-w 5 -M 8M)
	GLOVE_MINCOUNT=30
	kill_fixtures 6000 2000000
}

setup() {
	is_hard || skip "long: make check-hard"
	COOC_OPTS=(-w 5 -M 8M)
	cd "$BATS_TEST_TMPDIR"
}

@test "firth-vocab killed with SIGKILL at 25 random points loses and doubles no count" {
	kill_vocab_points 25 random
}

@test "firth-cooc killed with SIGKILL at 25 random points loses and doubles no count" {
	kill_cooc_points 25 random
}

@test "firth-glove killed with SIGKILL at 25 random points resumes to the same bytes" {
	kill_glove_points 25 random
}
