#!/usr/bin/env bash
# cordon run (bwrap backend) against raw bwrap given the very argv that
# `cordon explain --format bwrap` prints, and against bare `true`.
# Target (issue 3): cordon / raw bwrap <= 1.15 (median).
. "$(dirname "$0")/lib.sh"
vs_raw_bwrap bwrap 1.15
