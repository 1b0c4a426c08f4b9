#!/usr/bin/env bash
# Everything `make check` runs, on the sanitizer build: the dependency rule
# of the sources (tests/layout.sh), unit tests, the integration tests against
# a real Prosody, the console's tests in tmux, and a short fuzz of every
# target.
set -uo pipefail
cd "$(dirname "$0")/.."

FUZZ_SECONDS=${FUZZ_SECONDS:-10}
status=0
suites=()
total_passed=0
total_failed=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

# Runs a suite, which ends with "NAME: N passed, N failed", and adds it up.
run_suite() {
    local name=$1 line p f
    shift
    echo "=== $name"
    if "$@" 2>&1 | tee "$log"; [[ ${PIPESTATUS[0]} == 0 ]]; then
        suites+=("$name: ok")
    else
        suites+=("$name: FAILED")
        status=1
    fi
    line=$(grep -E '^[a-z]+: [0-9]+ passed, [0-9]+ failed' "$log" | tail -1)
    if [[ -z $line ]]; then
        suites+=("$name: printed no result")
        status=1
        total_failed=$((total_failed + 1))
        return
    fi
    p=$(sed -E 's/^[a-z]+: ([0-9]+) passed.*/\1/' <<<"$line")
    f=$(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"$line")
    total_passed=$((total_passed + p))
    total_failed=$((total_failed + f))
}

run_suite layout tests/layout.sh
run_suite unit tests/unit/run.sh build/check/unit/test_*
run_suite integration env PERCH=build/check/perch tests/integration/run.sh
run_suite tui env PERCH=build/check/perch tests/tui/run.sh
run_suite fuzz tests/fuzz/run.sh "$FUZZ_SECONDS" build/fuzz/fuzz_*

echo "=== summary"
printf '%s\n' "${suites[@]}"
echo "check: $total_passed passed, $total_failed failed"
exit $status
