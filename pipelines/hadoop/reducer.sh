#!/bin/sh
# reducer.sh - Hadoop Streaming reducer (and combiner): sum the values of
# adjacent text records with equal keys, exactly (64-bit integers; an
# overflow is an error).  Input sorted or grouped by key, as the shuffle
# delivers it; output in the same format, one record per key.
exec firth-cooc -q --reduce "$@"
