#!/usr/bin/env bats
# Hardening: firth-vocab, firth-cooc and firth-glove killed with SIGKILL
# at several points.  After each kill the database passes integrity_check,
# holds no half-added batch (db_check), and running the same command
# again gives exactly the counts of an uninterrupted run; firth-glove
# resumes from its checkpoint to the bytes of an uninterrupted run.
# Quick: a few kill points per tool.  make check-hard runs
# tests/hard/kill.bats: the same with 25 random points each.

bats_require_minimum_version 1.5.0
load harden-lib
load harden-kill-lib

setup_file() {
	kill_fixtures 600
}

setup() {
	cd "$BATS_TEST_TMPDIR"
}

@test "firth-vocab killed with SIGKILL at 3 points loses and doubles no count" {
	kill_vocab_points 3 fixed
}

@test "firth-cooc killed with SIGKILL at 3 points loses and doubles no count" {
	kill_cooc_points 3 fixed
}

@test "firth-glove killed with SIGKILL at 3 points resumes to the same bytes" {
	kill_glove_points 3 fixed
}
