#!/usr/bin/env bash
# Everything `make check` runs, on the sanitizer build: the dependency rule
# of the sources (tests/layout.sh), unit tests, the integration tests against
# a real Prosody, the console's tests in tmux, and a short fuzz of every
# target.
set -uo pipefail
cd "$(dirname "$0")/.."

FUZZ_SECONDS=${FUZZ_SECONDS:-5}
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

# The integration and console suites wait on servers and screens far more
# than they compute, and each has its own Prosody, ports and HOME: they run
# at the same time, each into a log of its own, shown whole when both end.
# CHECK_SERIAL=1 runs them one after the other.
run_waiting_suites() {
    if [[ -n ${CHECK_SERIAL:-} ]]; then
        run_suite integration env PERCH=build/check/perch tests/integration/run.sh
        run_suite tui env PERCH=build/check/perch tests/tui/run.sh
        return
    fi
    local it tui it_pid tui_pid it_rc=0 tui_rc=0
    it=$(mktemp) tui=$(mktemp)
    env PERCH=build/check/perch tests/integration/run.sh >"$it" 2>&1 &
    it_pid=$!
    env PERCH=build/check/perch tests/tui/run.sh >"$tui" 2>&1 &
    tui_pid=$!
    wait "$it_pid" || it_rc=$?
    wait "$tui_pid" || tui_rc=$?
    run_suite integration show "$it" "$it_rc"
    run_suite tui show "$tui" "$tui_rc"
    rm -f "$it" "$tui"
}

# show LOG RC: a finished suite's log, and its exit status.
show() {
    cat "$1"
    return "$2"
}

run_suite layout tests/layout.sh
run_suite unit tests/unit/run.sh build/check/unit/test_*
run_waiting_suites
run_suite fuzz tests/fuzz/run.sh "$FUZZ_SECONDS" build/fuzz/fuzz_*

echo "=== summary"
printf '%s\n' "${suites[@]}"
echo "check: $total_passed passed, $total_failed failed"
exit $status
