# Helpers for the integration tests: a tiny runner, assertions that say
# what they saw, and the Prosody the suite talks to.
# shellcheck shell=bash

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
PERCH=${PERCH:-$ROOT/build/check/perch}
[[ $PERCH == /* ]] || PERCH=$ROOT/$PERCH
export FREEPORT=${FREEPORT:-$ROOT/build/tools/freeport}
export SINK=${SINK:-$ROOT/build/tools/sink}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
export NO_COLOR=1

passed=0
failed=0
failed_names=()
WORK=$(mktemp -d /tmp/perch-it.XXXXXX)
OUT=$WORK/out
ERR=$WORK/err

# The user's real config and data (the subscription ledger) must not leak
# into the tests, nor the tests into them.
export XDG_CONFIG_HOME=$WORK/config XDG_DATA_HOME=$WORK/data
mkdir -p "$XDG_CONFIG_HOME" "$XDG_DATA_HOME"

FAILURES=$WORK/failures

# Records a failed assertion. (set -e does not work inside a function
# called as an if condition, so failures are written down, not returned.)
fail() {
    echo "    $*" | tee -a "$FAILURES" >&2
    return 1
}

# run NAME: runs the function t_NAME, counting the result.
run() {
    local name=$1
    # OUT and ERR start empty: a background perch truncates them only when
    # it runs, and a wait_for before that must not read the last test's
    : >"$FAILURES"
    : >"$OUT"
    : >"$ERR"
    ( "t_$name" ) 2>&1
    if [[ ! -s $FAILURES ]]; then
        echo "ok   $name"
        passed=$((passed + 1))
    else
        echo "FAIL $name"
        echo "    stdout: $(head -c 600 "$OUT" 2>/dev/null)"
        echo "    stderr: $(head -c 1200 "$ERR" 2>/dev/null)"
        failed=$((failed + 1))
        failed_names+=("$name")
    fi
    sanitizer_clean || { failed=$((failed + 1)); failed_names+=("$name(sanitizer)"); }
}

# Any sanitizer report in the last stderr is a failure on its own.
sanitizer_clean() {
    if grep -qE 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$ERR" 2>/dev/null; then
        echo "FAIL sanitizer report:"
        head -40 "$ERR"
        : >"$ERR"
        return 1
    fi
}

# wait_for FILE REGEX [SECONDS]: polls FILE until a line matches REGEX
# (grep -E), SECONDS (10) at most. On timeout records a failure naming
# what it waited for, with the file's last lines, and returns 1.
wait_for() {
    local file=$1 re=$2 secs=${3:-10} deadline
    deadline=$((${EPOCHSECONDS:-$(date +%s)} + secs))
    until grep -qE -- "$re" "$file" 2>/dev/null; do
        if ((${EPOCHSECONDS:-$(date +%s)} >= deadline)); then
            fail "timed out after ${secs}s waiting for /$re/ in $file: $(tail -c 300 "$file" 2>/dev/null)"
            return 1
        fi
        sleep 0.05
    done
}

# perch_rc ARGS...: runs perch with stdout/stderr captured; echoes the rc.
p() {
    local rc=0
    "$PERCH" "$@" >"$OUT" 2>"$ERR" || rc=$?
    echo "$rc"
}

expect_rc() {
    local want=$1 got=$2
    [[ $got == "$want" ]] || fail "exit code $got, expected $want"
}

expect_out() {
    grep -qE -- "$1" "$OUT" || fail "stdout lacks /$1/"
}

expect_err() {
    grep -qE -- "$1" "$ERR" || fail "stderr lacks /$1/"
}

refute_err() {
    ! grep -qE -- "$1" "$ERR" || fail "stderr has /$1/"
}

summary() {
    echo "integration: $passed passed, $failed failed"
    if ((failed > 0)); then
        echo "failed: ${failed_names[*]}"
        return 1
    fi
}
