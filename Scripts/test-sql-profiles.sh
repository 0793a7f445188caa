#!/usr/bin/env bash
# Picked up by Scripts/test.sh (its loop runs Scripts/test-sql-*.sh): the mapping profiles' suite.
exec "$(dirname "$0")/test-profiles.sh" "$@"
