#!/bin/sh
# Rule-file tests written in SVL itself, run by `svl test`.
cd "$(dirname "$0")/svl" && exec "${SVL:-../../build/svl}" test *.svl
