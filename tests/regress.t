#!/bin/sh
# Regression cases (tests/regress/README.md), run by tests/cases.sh.
exec bash "$(dirname "$0")/cases.sh" regress
