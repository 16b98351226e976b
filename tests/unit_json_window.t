#!/bin/sh
# C unit tests of load's JSON read through a window (stdlib/load_json.c): the same values as a whole read
exec "${UNIT_DIR:-build/tests}/test_json_window"
