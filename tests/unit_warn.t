#!/bin/sh
# svl_config.warn (tests/unit/test_warn.c).
exec "${UNIT_DIR:-build/tests}/test_warn"
