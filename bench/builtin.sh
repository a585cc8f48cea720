#!/usr/bin/env bash
# cordon run (builtin backend) against raw bwrap given the very argv that
# `cordon explain --format bwrap` prints, and against bare `true`.
# Target (issue 4): cordon builtin / raw bwrap <= 0.6 (median).
. "$(dirname "$0")/lib.sh"
vs_raw_bwrap builtin 0.6
