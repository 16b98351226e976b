#!/bin/sh
# C unit tests of core/number.h dec_key_wide (sort_by's 16-byte keys)
exec "${UNIT_DIR:-build/tests}/test_sort_keys"
