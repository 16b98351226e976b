#!/bin/sh
# 8 threads × 1,000 evaluations, a VM each, no cross-talk (tests/unit/test_threads.c)
exec "${UNIT_DIR:-build/tests}/test_threads"
