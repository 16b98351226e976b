#!/bin/sh
# Out of memory inside the collector is an SVL error, never an abort:
# libgc is told to grow its heap no further than 64 MiB.
GC_MAXIMUM_HEAP_SIZE=67108864 exec "${UNIT_DIR:-build/tests}/test_api_oom"
