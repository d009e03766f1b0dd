#!/usr/bin/env bats
# A corpus database shared between users: its owner counts into it from
# cron, another user reads it (--list, --export).  The reader must work in
# a directory it cannot write, and must leave nothing behind that locks
# the owner out (DB-wal and DB-shm of its own).  New files follow the
# umask.  The tests that need two users run as root (as CI does), make
# two users with useradd and remove them afterwards; as anyone else they
# skip and say why.

bats_require_minimum_version 1.5.0

setup() {
	cd "$BATS_TEST_TMPDIR"
	printf 'the cat sat on the mat\nthe dog sat\n' > t.txt
}

# two_users: make users $owner and $reader and a directory $share both
# can reach, holding the tools and t.txt.  Skips unless root.
two_users() {
	if [ "$(id -u)" -ne 0 ] || ! command -v useradd > /dev/null ||
	    ! command -v setpriv > /dev/null; then
		skip "needs root with useradd and setpriv (util-linux) to act as two users"
	fi
	owner=fo$$ reader=fr$$
	useradd -M -N -s /bin/sh "$owner" ||
	    skip "useradd $owner failed (a read-only /etc?)"
	useradd -M -N -s /bin/sh "$reader" || {
		userdel "$owner"
		skip "useradd $reader failed (a read-only /etc?)"
	}
	# Under /tmp, not $BATS_TEST_TMPDIR: its parents may be closed to
	# other users.  The tools are copied there for the same reason.
	share=$(mktemp -d /tmp/firth-share.XXXXXX)
	chmod 755 "$share"
	mkdir "$share/bin"
	cp "$(command -v firth-vocab)" "$(command -v firth-cooc)" "$share/bin/"
	cp t.txt "$share/"
	chmod -R a+rX "$share"
}

teardown() {
	if [ -n "${romount:-}" ]; then
		umount "$romount" 2> /dev/null || true
	fi
	if [ -n "${share:-}" ]; then
		rm -rf "$share"
		userdel "$owner" 2> /dev/null || true
		userdel "$reader" 2> /dev/null || true
	fi
}

# as USER COMMAND...: run COMMAND as USER, umask 022, the tools on PATH.
as() {
	local u=$1
	shift
	setpriv --reuid="$u" --regid=users --clear-groups env -i \
	    PATH="$share/bin:/usr/bin:/bin" sh -c 'umask 022; cd "$0" && exec "$@"' \
	    "$share/d" "$@"
}

@test "firth-vocab -d makes the database and its log files by the umask" {
	umask 002
	firth-vocab -q -d c.db t.txt
	[ "$(stat -c %a c.db c.db-wal c.db-shm | tr '\n' ' ')" = "664 664 664 " ]
	umask 077
	firth-vocab -q -d p.db t.txt
	[ "$(stat -c %a p.db p.db-wal p.db-shm | tr '\n' ' ')" = "600 600 600 " ]
}

@test "a writer leaves DB-wal and DB-shm in place, the log empty" {
	firth-vocab -q -d c.db t.txt
	firth-cooc -q -d c.db -w 2 t.txt
	[ -e c.db-shm ]
	[ "$(stat -c %s c.db-wal)" = 0 ]
}

@test "a reader of another user leaves no file of its own, and the owner still writes" {
	two_users
	mkdir "$share/d"
	chown "$owner" "$share/d"
	chmod 1777 "$share/d"	# the reader could create files here
	as "$owner" firth-vocab -q -d c.db ../t.txt
	as "$owner" firth-cooc -q -d c.db -w 2 ../t.txt
	run --separate-stderr as "$reader" firth-vocab -d c.db --list
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "the 3" ]
	run --separate-stderr as "$reader" sh -c 'firth-cooc -d c.db --export | wc -c'
	[ "$status" -eq 0 ]
	[ "$output" -gt 0 ]
	[ -z "$(find "$share/d" -user "$reader")" ]
	echo 'a new document' > "$share/n.txt"
	chmod a+r "$share/n.txt"
	run --separate-stderr as "$owner" firth-vocab -d c.db ../n.txt
	[ "$status" -eq 0 ]
	[ "$(sqlite3 "$share/d/c.db" 'SELECT count(*) FROM batches')" = 3 ]
}

@test "a reader of another user reads a database in a directory it cannot write" {
	two_users
	mkdir "$share/d"
	chown "$owner" "$share/d"
	chmod 755 "$share/d"
	as "$owner" firth-vocab -q -d c.db ../t.txt
	as "$owner" firth-cooc -q -d c.db -w 2 ../t.txt
	run --separate-stderr as "$reader" firth-vocab -d c.db --list
	[ "$status" -eq 0 ]
	[ "$output" = "$(as "$owner" firth-vocab -d c.db --list)" ]
	as "$reader" firth-cooc -d c.db --export > "$BATS_TEST_TMPDIR/r.fs"
	as "$owner" firth-cooc -d c.db --export > "$BATS_TEST_TMPDIR/o.fs"
	cmp "$BATS_TEST_TMPDIR/r.fs" "$BATS_TEST_TMPDIR/o.fs"
}

@test "a reader of another user refuses to create the log files of a database without them" {
	two_users
	mkdir "$share/d"
	chmod 1777 "$share/d"
	as "$owner" firth-vocab -q -d c.db ../t.txt
	# As an older firth left it: the log files removed at its close.
	rm -f "$share/d/c.db-wal" "$share/d/c.db-shm"
	run --separate-stderr as "$reader" firth-vocab -d c.db --list
	[ "$status" -eq 1 ]
	[ "$stderr" = "firth-vocab: c.db: reading it would create c.db-wal and c.db-shm as this user, and its owner could then not write it: have the owner open it once with a firth tool of this version (firth-vocab -d c.db --list), which leaves both files in place for every reader" ]
	[ -z "$(find "$share/d" -user "$reader")" ]
	# What the message says works.
	as "$owner" firth-vocab -d c.db --list > /dev/null
	run --separate-stderr as "$reader" firth-vocab -d c.db --list
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "the 3" ]
}

@test "a reader of another user reads a database on a read-only file system without log files" {
	two_users
	mkdir "$share/src" "$share/d"
	cp t.txt "$share/src/"
	firth-vocab -q -d "$share/src/c.db" "$share/src/t.txt"
	rm -f "$share/src/c.db-wal" "$share/src/c.db-shm"
	chmod -R a+rX "$share/src"
	# A read-only bind mount stands in for read-only media.
	if ! mount --bind "$share/src" "$share/d" 2> /dev/null; then
		skip "cannot bind-mount here (needs mount privileges)"
	fi
	romount=$share/d
	mount -o remount,bind,ro "$share/d" || skip "cannot remount read-only here"
	run --separate-stderr as "$reader" firth-vocab -d c.db --list
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "the 3" ]
	[ ! -e "$share/src/c.db-shm" ]
}
