#!/bin/sh
# The embedding API through svl.h alone (tests/unit/test_api.c)
exec "${UNIT_DIR:-build/tests}/test_api"
