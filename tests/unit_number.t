#!/bin/sh
# C unit tests of core/number.c (TAP from the binary itself)
exec "${UNIT_DIR:-build/tests}/test_number"
