#!/bin/sh
# deps.sh - make sure the Debian packages firth builds and tests with are
# here, then print the compiler and linker flags as make variables.
#
#   build-aux/deps.sh [--check]   (--check: also the test tools)
#
# A missing package is installed when FIRTH_INSTALL_DEPS=1 (the Makefile
# sets it for make demo and the check targets only), we are root and
# apt-get exists, saying so on stderr; otherwise the exact apt-get line is
# printed and the script fails.  PKG_CONFIG names pkg-config (a cross
# build's, say).
set -eu
PKG_CONFIG=${PKG_CONFIG:-pkg-config}

pkgs=""
need() {	# need TEST PACKAGE
	if ! eval "$1" >/dev/null 2>&1; then pkgs="$pkgs $2"; fi
}
need 'command -v cc' gcc
need 'command -v "$PKG_CONFIG"' pkg-config
need '"$PKG_CONFIG" --exists zlib' zlib1g-dev
need '"$PKG_CONFIG" --exists sqlite3' libsqlite3-dev
need '"$PKG_CONFIG" --exists libutf8proc' libutf8proc-dev
need '"$PKG_CONFIG" --exists lapacke' liblapacke-dev
need '"$PKG_CONFIG" --exists openblas' libopenblas-dev
need '"$PKG_CONFIG" --exists nettle' nettle-dev
if [ "${1:-}" = --check ]; then
	need 'command -v bats' bats
	need 'command -v mandoc' mandoc
	need 'command -v groff' groff-base
	need 'command -v perl' perl-base
	need 'command -v gzip' gzip
	need 'command -v sqlite3' sqlite3
	need 'command -v parallel' parallel
	need 'command -v rsvg-convert' librsvg2-bin
fi

if [ -n "$pkgs" ]; then
	if [ "${FIRTH_INSTALL_DEPS:-0}" = 1 ] && [ "$(id -u)" = 0 ] &&
	    command -v apt-get >/dev/null 2>&1; then
		echo "firth: installing missing Debian packages:$pkgs" >&2
		export DEBIAN_FRONTEND=noninteractive
		apt-get update -q >&2 || true
		apt-get install -y -q --no-install-recommends $pkgs >&2
	else
		echo "firth: missing Debian packages; as root run (or run" \
		    "make check, which installs them):" >&2
		echo "  apt-get update && apt-get install -y$pkgs" >&2
		exit 1
	fi
fi

mods="zlib sqlite3 libutf8proc lapacke openblas nettle"
echo "DEP_CFLAGS = $("$PKG_CONFIG" --cflags $mods)"
echo "DEP_LIBS = $("$PKG_CONFIG" --libs $mods) -lm -lpthread"
