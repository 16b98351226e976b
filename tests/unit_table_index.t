#!/bin/sh
# Decision tables with and without the row index, on random tables (tests/unit/test_table_index.c)
exec "${UNIT_DIR:-build/tests}/test_table_index"
