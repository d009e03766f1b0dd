#!/usr/bin/env bash
# bench/stream.sh - firth record streams through a pipe: MB/s of 12-byte
# cooc records written and read back at zlib level 1 and level 0, against
# the same bytes through the same pipe unframed (the reference, measured
# in the same run).  Run from the repository root after `make'.
#
#   tests/bench/stream.sh [MILLIONS]	(default 20 million records, 240 MB)
#
# Prints "bench stream: ..." lines.  On a shared machine the wall-time
# rates count the wait for a core; the CPU seconds and "MB per CPU
# second" do not.
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=build/tests/bench_stream
if [ ! -x "$bin" ]; then
	echo "bench stream: $bin is missing; run make first" >&2
	exit 1
fi
"$bin" -n "${1:-20}" -l 1 -l 0
