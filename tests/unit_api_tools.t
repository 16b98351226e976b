#!/bin/sh
# check, REPL, coverage, catalogue, audit, report and stack-limit API (tests/unit/test_api_tools.c)
exec "${UNIT_DIR:-build/tests}/test_api_tools"
