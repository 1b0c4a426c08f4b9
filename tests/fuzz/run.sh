#!/usr/bin/env bash
# Usage: tests/fuzz/run.sh SECONDS FUZZ_BINARY...
# Runs each libFuzzer target for SECONDS on a copy of its seed corpus
# (tests/fuzz/corpus/NAME/) in a temporary directory, so the repository is
# not modified; FUZZ_JOBS of them at a time (default one a core). A crash, leak, timeout or out-of-memory fails the target;
# its input is kept in build/fuzz/artifacts/NAME/. Last line:
#   fuzz: N passed, N failed
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)

if [[ $# -lt 2 || ! $1 =~ ^[0-9]+$ ]]; then
    echo "usage: $0 SECONDS FUZZ_BINARY..." >&2
    echo "fuzz: 0 passed, 1 failed"
    exit 1
fi
seconds=$1
shift

# UBSan only reports unless told to stop; make every finding a crash.
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}

work=$(mktemp -d "${TMPDIR:-/tmp}/perch-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT

# One target: its result line (and, when it failed, its log's end) into
# $work/NAME.result; 0 when it passed.
run_one() {
    local bin=$1 name corpus artifacts log rc runs
    name=$(basename "$bin")
    if [[ ! -x $bin ]]; then
        echo "FAIL $name: not an executable file" >"$work/$name.result"
        return 1
    fi
    corpus=$work/$name
    mkdir -p "$corpus"
    if [[ -d $ROOT/tests/fuzz/corpus/$name ]]; then
        cp -R "$ROOT/tests/fuzz/corpus/$name/." "$corpus/"
    fi
    artifacts=$ROOT/build/fuzz/artifacts/$name
    mkdir -p "$artifacts"
    log=$work/$name.log
    "$bin" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=30 \
        -print_final_stats=1 -artifact_prefix="$artifacts/" "$corpus" \
        >"$log" 2>&1
    rc=$?
    runs=$(sed -nE 's/^stat::number_of_executed_units: *([0-9]+).*/\1/p' "$log" |
        tail -1)
    if [[ $rc -eq 0 ]]; then
        echo "ok   $name: ${runs:-?} runs in ${seconds}s" >"$work/$name.result"
        return 0
    fi
    {
        echo "FAIL $name: exit $rc after ${runs:-?} runs; inputs in $artifacts"
        tail -n 60 "$log" | sed 's/^/    /'
    } >"$work/$name.result"
    return 1
}

# FUZZ_JOBS targets at a time (default: one a core; each fuzzes on one).
jobs=${FUZZ_JOBS:-$(nproc 2>/dev/null || echo 1)}
running=0
for bin in "$@"; do
    if ((running >= jobs)); then
        wait -n
        running=$((running - 1))
    fi
    run_one "$bin" &
    running=$((running + 1))
done
wait

# The results in the order the targets were given.
passed=0
failed=0
for bin in "$@"; do
    result=$work/$(basename "$bin").result
    if [[ -s $result ]]; then
        cat "$result"
    else
        echo "FAIL $(basename "$bin"): no result"
    fi
    if grep -q '^ok ' "$result" 2>/dev/null; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
    fi
done

echo "fuzz: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
