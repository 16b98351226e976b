#!/bin/sh
# Heap limits and an exhausted allocator through the API (tests/unit/test_faults.c)
exec "${UNIT_DIR:-build/tests}/test_faults"
