#!/bin/sh
# C tests of lang/format.c (svl fmt): fixed cases, then every .svl file of
# the repository and of the shared conformance suite, which are only read:
# each must format to text that parses to the same AST and formats to
# itself.
cd "$(dirname "$0")/.." || exit 1
cases="${SHARED:-../shared}/conformance/cases"
files=$(find examples stdlib tests -name '*.svl' 2>/dev/null | sort)
[ -d "$cases" ] && files="$files $(find "$cases" -name '*.svl' | sort)"
# shellcheck disable=SC2086
exec "${UNIT_DIR:-build/tests}/test_format" $files
