#!/bin/sh
# C unit tests of core/unit.c
exec "${UNIT_DIR:-build/tests}/test_unit"
