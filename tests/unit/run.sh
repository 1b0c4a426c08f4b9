#!/usr/bin/env bash
# Runs every unit test binary given as an argument under the sanitizers.
# Prints one line a binary, the output of a failing one, and last
#   unit: N passed, N failed
# counting test cases; a binary that crashes, leaks or exits non-zero
# without naming a failed case counts as one failure more.
set -uo pipefail

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1

passed=0
failed=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

if [[ $# -eq 0 ]]; then
    echo "usage: $0 TEST_BINARY..." >&2
    echo "unit: 0 passed, 1 failed"
    exit 1
fi

for bin in "$@"; do
    name=$(basename "$bin")
    if [[ ! -x $bin ]]; then
        echo "FAIL $name: not an executable file"
        failed=$((failed + 1))
        continue
    fi
    "$bin" >"$log" 2>&1
    rc=$?
    p=$(sed -nE 's/^\[  PASSED  \] ([0-9]+) test\(s\)\..*/\1/p' "$log" | tail -1)
    f=$(sed -nE 's/^\[  FAILED  \] ([0-9]+) test\(s\), listed below:.*/\1/p' "$log" | tail -1)
    p=${p:-0}
    f=${f:-0}
    if [[ $rc -ne 0 && $f -eq 0 ]]; then
        f=1 # crashed, leaked or failed a fixture
    fi
    passed=$((passed + p))
    failed=$((failed + f))
    if [[ $rc -eq 0 && $f -eq 0 ]]; then
        echo "ok   $name: $p passed"
    else
        echo "FAIL $name: $p passed, $f failed (exit $rc)"
        sed 's/^/    /' "$log"
    fi
done

echo "unit: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
