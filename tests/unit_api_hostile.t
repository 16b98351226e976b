#!/bin/sh
# A hostile host: NULL and released handles, wrong kinds, calls after
# errors, misbehaving natives, random call sequences (tests/unit/test_api_hostile.c)
exec "${UNIT_DIR:-build/tests}/test_api_hostile"
