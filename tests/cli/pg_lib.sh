# shellcheck shell=bash disable=SC2154 # $tmp, ok, not_ok come from tests/cli/lib.sh
# Sourced by the PostgreSQL tests (tests/cli/postgresql*.t) and make bench: a
# throw-away PostgreSQL 15 with the extension, and no system service.
#
# pg_stage: `make pg-install DESTDIR=$tmp/stage`, then $tmp/pg, a tree that
# mirrors the server's installation: its own copies of postgres, initdb and
# pg_ctl (PostgreSQL finds its share and lib directories relative to the
# executable, symbolic links resolved), symbolic links to everything else of
# the real installation, and the staged extension.  Nothing outside $tmp is
# written, so it works as any user and beside an installed svl.
# pg_start NAME: initdb into $tmp/NAME and start it listening on a Unix
# socket in $tmp/sock only (no TCP); prints nothing; $NAME's port is in
# PGPORT_<NAME>.  As root, the server runs as `nobody` (PostgreSQL refuses
# root).  sql NAME [psql args]: psql on that node, unaligned, tuples only,
# stopping at the first error.
PG_CONFIG=${PG_CONFIG:-pg_config}
PGBIN=$($PG_CONFIG --bindir 2>/dev/null)
PGSHARE=$($PG_CONFIG --sharedir 2>/dev/null)
PGLIB=$($PG_CONFIG --pkglibdir 2>/dev/null)
B=${BUILD_DIR:-$root/build}
pgroot=$tmp/pg
sock=$tmp/sock
next_port=$((20000 + $$ % 20000))
pg_started=

pg_available() {
  [ -n "$PGBIN" ] && [ -x "$PGBIN/postgres" ] && [ -x "$PGBIN/initdb" ] && [ -f "$PGLIB/pgxs/src/makefiles/pgxs.mk" ]
}

# as_server CMD...: run as the server's user
as_server() {
  if [ "$(id -u)" = 0 ]; then setpriv --reuid=nobody --regid=nogroup --clear-groups -- "$@"; else "$@"; fi
}

pg_stage() {
  env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -C "$root" pg-install B="$B" CC="${HOST_CC:-cc}" \
    SAN="${HOST_CFLAGS:-}" PG_CONFIG="$PG_CONFIG" DESTDIR="$tmp/stage" >"$tmp/pg-install.log" 2>&1 || return 1
  mkdir -p "$pgroot$PGBIN" "$pgroot$PGLIB" "$pgroot$PGSHARE/extension" "$sock" || return 1
  cp "$PGBIN/postgres" "$PGBIN/initdb" "$PGBIN/pg_ctl" "$pgroot$PGBIN/" || return 1
  for f in "$PGLIB"/*; do ln -s "$f" "$pgroot$PGLIB/"; done
  for f in "$PGSHARE"/*; do [ "${f##*/}" = extension ] || ln -s "$f" "$pgroot$PGSHARE/"; done
  for f in "$PGSHARE"/extension/*; do ln -s "$f" "$pgroot$PGSHARE/extension/"; done
  rm -f "$pgroot$PGLIB/svl.so" "$pgroot$PGSHARE"/extension/svl[.-]*
  cp "$tmp/stage$PGLIB/svl.so" "$pgroot$PGLIB/" || return 1
  cp "$tmp/stage$PGSHARE"/extension/svl* "$pgroot$PGSHARE/extension/" || return 1
  cp -r "$tmp/stage$PGSHARE/svl" "$pgroot$PGSHARE/" || return 1
  chmod 755 "$tmp"
  [ "$(id -u)" = 0 ] && chown nobody "$sock"
  return 0
}

pg_start() {
  name=$1
  shift
  port=$next_port
  next_port=$((next_port + 1))
  eval "PGPORT_$name=$port"
  mkdir -p "$tmp/$name" && chmod 700 "$tmp/$name" || return 1
  [ "$(id -u)" = 0 ] && chown nobody "$tmp/$name"
  as_server "$pgroot$PGBIN/initdb" -D "$tmp/$name" -U postgres -A trust --no-sync -E UTF8 --locale=C.UTF-8 \
    >"$tmp/$name.initdb.log" 2>&1 || { cat "$tmp/$name.initdb.log" >&2; return 1; }
  # shellcheck disable=SC2145
  as_server "$pgroot$PGBIN/pg_ctl" -D "$tmp/$name" -l "$tmp/$name/server.log" -w -t 60 start \
    -o "-c listen_addresses='' -k $sock -p $port -c fsync=off -c max_worker_processes=8 -c max_parallel_workers=4 $*" \
    >"$tmp/$name.start.log" 2>&1 || { cat "$tmp/$name.start.log" "$tmp/$name/server.log" >&2; return 1; }
  pg_started="$pg_started $name"
}

pg_stop_all() {
  for name in $pg_started; do
    as_server "$pgroot$PGBIN/pg_ctl" -D "$tmp/$name" -m immediate -w stop >/dev/null 2>&1
  done
  pg_started=
}

# sql NODE [psql args...]: SQL on stdin or -c
sql() {
  node=$1
  shift
  eval "port=\$PGPORT_$node"
  "$PGBIN/psql" -X -q -A -t -v ON_ERROR_STOP=1 -h "$sock" -p "$port" -U postgres -d postgres "$@"
}
