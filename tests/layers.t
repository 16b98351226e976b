#!/bin/sh
# The one-way layers (docs/internals.md, "Layers"): mk/layers.sh passes on
# the built library, and fails, naming the offence, when an object uses a
# symbol of a higher layer or a file includes a higher layer's header.
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/tests/cli/lib.sh"
b=${BUILD_DIR:-$root/build}
cd "$tmp" || exit 1
if sh "$root/mk/layers.sh" "$b/obj" "$root" >out 2>&1; then ok "the built library's layers depend one way"
else not_ok "the built library's layers depend one way" "$(head -5 out)"; fi

# an object of core/ that calls the evaluator (eval/)
mkdir -p obj
cp -r "$b/obj/core" "$b/obj/eval" obj/
printf 'int eval_quiet(void);\nint up_call(void) { return eval_quiet(); }\n' >up.c
${HOST_CC:-cc} -c up.c -o obj/core/zz_up.o
if sh "$root/mk/layers.sh" obj "$tmp/nosrc" >out 2>&1; then not_ok "a call from core/ up into eval/ fails the check" "$(cat out)"
else
  if grep -q "obj/core/zz_up.o (core) uses eval_quiet of .*eval/eval.o (eval)" out; then ok "a call from core/ up into eval/ fails the check, naming the file and the symbol"
  else not_ok "a call from core/ up into eval/ fails the check, naming the file and the symbol" "$(cat out)"; fi
fi

# a header of api/ included from lang/
rm obj/core/zz_up.o
mkdir -p src/lang src/api
printf '#include "api/api.h"\n' >src/lang/bad.c
if sh "$root/mk/layers.sh" obj src >out 2>&1; then not_ok "lang/ including api/ fails the check" "$(cat out)"
else
  if grep -q "src/lang/bad.c (lang) includes a header of api" out; then ok "lang/ including api/ fails the check, naming the file"
  else not_ok "lang/ including api/ fails the check, naming the file" "$(cat out)"; fi
fi
done_testing
