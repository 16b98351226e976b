#!/bin/sh
# svl_analyze, the editor analysis behind svl lsp (tests/unit/test_analyze.c):
# fixed cases, then every .svl file of the repository swept with each query.
cd "$(dirname "$0")/.." || exit 1
files=$(find examples stdlib tests -name '*.svl' 2>/dev/null | sort)
# shellcheck disable=SC2086
exec "${UNIT_DIR:-build/tests}/test_analyze" $files
