#!/bin/sh
# C unit tests of core/value.c record_tagged (records packed by what each field holds)
exec "${UNIT_DIR:-build/tests}/test_tagged"
