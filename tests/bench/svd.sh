#!/usr/bin/env bash
# tests/bench/svd.sh - firth-svd on wiki-dev text8-style tokens: time and
# peak memory from the database to the vectors, and the quality of the
# vectors (Google analogies with the GloVe evaluate.py convention, WS353).
#
#   bash tests/bench/svd.sh            (from the repo root, bin/ on PATH)
#
# Environment: TEXT8 (default /tmp/text8.txt, made from the shared corpus
# when missing), WINDOWS (default "5 2"), EIGS (default "0.5 0 1"),
# THREADS (default 2), SVD_ARGS (extra firth-svd options).  When python3
# has scipy, the hyperwords recipe (scipy.sparse.linalg.svds) runs on the
# same counts and the speed is also given as a ratio to it.
# Prints "bench svd: metric = value" lines.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
export PATH="$top/bin:$top/build/tests:$PATH"
data="${FIRTH_SHARED:-$top/../shared/data}"
TEXT8="${TEXT8:-/tmp/text8.txt}"
WINDOWS="${WINDOWS:-5 2}"
EIGS="${EIGS:-0.5 0 1}"
THREADS="${THREADS:-2}"
scratch=$(mktemp -d "${TMPDIR:-/tmp}/bench-svd.XXXXXX")
trap 'rm -rf "$scratch"' EXIT

if [ ! -s "$TEXT8" ]; then
	gz="$data/corpus/wiki-dev.txt.gz"
	[ -f "$gz" ] || { echo "bench svd: $gz not found" >&2; exit 1; }
	zcat "$gz" | perl -ne 'if (/^<doc /) { $d = ""; next }
	    if (/^<\/doc>/) { print "$d\n" if length $d; next }
	    $_ = lc $_; s/[^a-z]+/ /g; $d .= $_;' |
	    sed 's/^ *//; s/  */ /g' > "$TEXT8"
fi
for t in firth-vocab firth-cooc firth-svd; do
	command -v "$t" > /dev/null || { echo "bench svd: $t not built" >&2; exit 1; }
done
have_eval=0
command -v firth-eval > /dev/null && have_eval=1

# measure LABEL CMD...: wall and processor seconds, peak RSS of CMD.
measure() {
	local label=$1; shift
	if ! /usr/bin/time -f '%e %U %S %M' -o "$scratch/time" "$@"; then
		echo "bench svd: $label failed:" >&2
		cat "$scratch/time" "$scratch/svd.log" >&2 2> /dev/null
		exit 1
	fi
	read -r wall user sys kb < "$scratch/time"
	echo "bench svd: $label wall = $wall s"
	echo "bench svd: $label cpu = $(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }') s"
	echo "bench svd: $label peak rss = $((kb / 1024)) MB"
}

evaluate() {	# evaluate LABEL VECTORS
	[ "$have_eval" = 1 ] || { echo "bench svd: $1 quality = skipped (firth-eval not built)"; return; }
	local a s
	a=$(firth-eval -q -p glove -i -v "$2" analogy "$data/analogy/questions-words.txt" |
	    awk '$1 == "total" { print $5, $3 "/" $4 }')
	s=$(firth-eval -q -p glove -i -v "$2" similarity "$data/similarity/EN-WS-353-ALL.txt" |
	    awk '$1 ~ /WS-353/ { printf "%.1f\n", 100 * $4 }')
	echo "bench svd: $1 google analogy total = ${a% *} (seen ${a#* })"
	echo "bench svd: $1 ws353 spearman = $s"
}

echo "bench svd: load average = $(cut -d' ' -f1-3 /proc/loadavg)"
for w in $WINDOWS; do
	db="$scratch/w$w.db"
	firth-vocab -q -d "$db" "$TEXT8"
	measure "window $w count (firth-cooc)" firth-cooc -q -d "$db" -w "$w" -x flat "$TEXT8"
	for e in $EIGS; do
		label="window $w eig $e"
		measure "$label db->vectors" firth-svd -v -t "$THREADS" -d "$db" \
		    --min-count 5 --eig "$e" ${SVD_ARGS:-} -o "$scratch/v.fs" \
		    2> "$scratch/svd.log"
		grep -E 'read in|orthonormalisation|words x' "$scratch/svd.log" |
		    sed "s/^firth-svd: /bench svd: $label detail: /"
		evaluate "$label" "$scratch/v.fs"
	done
	if [ "$w" = 5 ] && python3 -c 'import scipy' 2> /dev/null; then
		firth-cooc -q -d "$db" --export --min-count 5 | firth-cat > "$scratch/cooc.txt"
		python3 - "$scratch/cooc.txt" > "$scratch/ref.txt" <<-'EOF'
		import sys, time, numpy as np
		from scipy.sparse import csr_matrix
		from scipy.sparse.linalg import svds
		ids, r, c, x = {}, [], [], []
		for line in open(sys.argv[1]):
		    a, b, v = line.split()
		    r.append(ids.setdefault(a, len(ids)))
		    c.append(ids.setdefault(b, len(ids)))
		    x.append(float(v))
		n = len(ids)
		m = csr_matrix((x, (r, c)), shape=(n, n))
		sw = np.asarray(m.sum(axis=1)).ravel()
		sc = np.asarray(m.sum(axis=0)).ravel() ** 0.75
		m = m.multiply(1 / sw[:, None]).multiply(sc.sum() / sc[None, :]).tocsr()
		m.data = np.log(m.data); m.data[m.data < 0] = 0; m.eliminate_zeros()
		t = time.time(); u, s, vt = svds(m, k=300); print(time.time() - t)
		EOF
		ref=$(cat "$scratch/ref.txt")
		echo "bench svd: scipy svds k=300 (svd only) wall = $ref s"
	fi
done
