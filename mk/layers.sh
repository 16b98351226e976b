#!/bin/sh
# layers.sh OBJDIR [SRCDIR [OBJECT...]]: the library's layers depend one way, down
#   core <- lang <- eval <- stdlib <- api <- tools
# (docs/internals.md, "Layers").  Fails, naming each offence, when an
# object of a layer uses a symbol that only a higher layer defines, or a
# source file includes a higher layer's header.  Run by the build after
# the library's objects are made, so a new upward call breaks `make`.
set -eu
obj=$1
src=${2:-.}
shift $(($# < 2 ? $# : 2))
# the objects to read: those given (the build's own list, so an object left
# behind by a file that moved is not read), else every one under OBJDIR
order="core lang eval stdlib api tools"
status=0
# symbols: every object's defined and undefined names, with its layer
# (the generated lexer and parser, in obj/gen, belong to lang)
if [ $# -gt 0 ]; then objs="$*"
else objs=$(for l in $order gen; do [ -d "$obj/$l" ] && find "$obj/$l" -name '*.o'; done | sort); fi
nm -A $objs | awk -v order="$order" '
  BEGIN { n = split(order, o, " "); for (i = 1; i <= n; i++) rank[o[i]] = i; rank["gen"] = rank["lang"] }
  {
    f = $1; sub(/:.*/, "", f)
    layer = f; sub(/\/[^\/]*$/, "", layer); sub(/.*\//, "", layer)
    # nm -A: "FILE:ADDR T name" for a definition, "FILE: U name" for a use
    if (NF != 3) next
    if ($2 ~ /^[TDBRC]$/) { def[$3] = layer; deff[$3] = f }
    else if ($2 == "U") { nuse++; ufile[nuse] = f; ulayer[nuse] = layer; usym[nuse] = $3 }
  }
  END {
    bad = 0
    for (i = 1; i <= nuse; i++) {
      s = usym[i]
      if (!(s in def)) continue
      if (rank[def[s]] > rank[ulayer[i]]) {
        printf "layers: %s (%s) uses %s of %s (%s), a layer above it\n", ufile[i], ulayer[i], s, deff[s], def[s]
        bad = 1
      }
    }
    exit bad
  }' || status=1
# headers: a file may include its own layer and those below
for l in $order; do
  [ -d "$src/$l" ] || continue
  for f in "$src/$l"/*.[ch] "$src/$l"/*.re "$src/$l"/*.y; do
    [ -f "$f" ] || continue
    sed -n 's/^#include "\([a-z]*\)\/.*/\1/p' "$f" | while read -r inc; do
      case " $order " in *" $inc "*) ;; *) continue ;; esac
      r1=$(echo "$order" | tr ' ' '\n' | grep -n "^$l\$" | cut -d: -f1)
      r2=$(echo "$order" | tr ' ' '\n' | grep -n "^$inc\$" | cut -d: -f1)
      if [ "$r2" -gt "$r1" ]; then echo "layers: $f ($l) includes a header of $inc, a layer above it"; exit 1; fi
    done || status=1
  done
done
exit $status
