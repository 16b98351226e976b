#!/bin/sh
# svl_config.as_of and svl_set_as_of (tests/unit/test_as_of.c).
exec "${UNIT_DIR:-build/tests}/test_as_of"
