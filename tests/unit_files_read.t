#!/bin/sh
# svl_files_read when a path is read again (tests/unit/test_files_read.c)
exec "${UNIT_DIR:-build/tests}/test_files_read"
