#!/bin/sh
# a thread that skips svl_thread_attach gets SVL_ERR_USAGE, not an abort (tests/unit/test_unattached.c)
exec "${UNIT_DIR:-build/tests}/test_unattached"
