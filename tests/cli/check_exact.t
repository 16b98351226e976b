#!/bin/sh
# svl check's table findings agree with the evaluator on random tables
# (tests/cli/check_exact.py): a gap exactly when some input matches no row,
# overlaps exactly where rows match together, and examples that show them.
root=$(cd "$(dirname "$0")/../.." && pwd)
exec python3 "$root/tests/cli/check_exact.py" "${SVL:-$root/build/svl}" 2026 30
