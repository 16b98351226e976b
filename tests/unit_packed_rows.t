#!/bin/sh
# C unit tests of core/value.c record_packed (the rows of a typed CSV load) and core/number.h dec_pack64
exec "${UNIT_DIR:-build/tests}/test_packed_rows"
