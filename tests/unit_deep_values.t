#!/bin/sh
# deeply nested values under a 256 KiB thread stack: errors, never a crash (tests/unit/test_deep_values.c)
exec "${UNIT_DIR:-build/tests}/test_deep_values"
