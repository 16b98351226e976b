#!/bin/sh
# The hostile-input catalogue (tests/hostile/README.md), run by tests/cases.sh.
exec bash "$(dirname "$0")/cases.sh" hostile
