#!/bin/sh
# C unit tests of runtime/number.c (TAP from the binary itself)
exec "${UNIT_DIR:-build/tests}/test_number"
