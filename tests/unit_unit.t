#!/bin/sh
# C unit tests of runtime/unit.c
exec "${UNIT_DIR:-build/tests}/test_unit"
