#!/usr/bin/env bash
# End-to-end tests of the interactive console: perch runs in a tmux server
# of its own (tmux -L perch-tui-PID, never the user's), gets its keys from
# send-keys and is read with capture-pane, against a Prosody started here
# from tests/prosody/ and stopped by PID on exit. Each test starts a fresh
# perch, quits it and checks its stderr for sanitizer reports.
#
# ONLY=REGEX runs the matching tests; SIZES="80x24" narrows the sizes the
# size loops cover; TUI_TIMES=1 prints each test's time.
#
# fixtures/: copies of tests/fixtures/finesse/ Updates, and
# user_ready_1001001 (user_not_ready_reason made READY, without a reason).
set -uo pipefail
# shellcheck source=tests/tui/lib.sh
source "$(dirname "$0")/lib.sh"

# shellcheck source=tests/prosody/private.sh
source "$ROOT/tests/prosody/private.sh" # a server of a test's own

SERVER_DIR=$WORK/prosody

cleanup() {
    tm kill-server 2>/dev/null
    rm -f "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$TMUX_SOCKET" # tmux leaves it
    "$ROOT/tests/prosody/stop.sh" "$SERVER_DIR" >/dev/null 2>&1
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

give_up() {
    echo "$*"
    echo "tui: 0 passed, 1 failed"
    exit 1
}

command -v tmux >/dev/null || give_up "tmux is not installed (scripts/deps.sh test)"
[[ -x $PERCH ]] || give_up "no perch at $PERCH (make build/check/perch)"

"$ROOT/tests/prosody/start.sh" "$SERVER_DIR" >"$WORK/start.log" 2>&1 ||
    give_up "$(cat "$WORK/start.log")"
# shellcheck source=/dev/null
source "$SERVER_DIR/env"

export SUP_PW=$SUPERVISOR_PASS PUB_PW=$PUBLISHER_PASS
PS="xmlns='http://jabber.org/protocol/pubsub'"
TCP=(-s 127.0.0.1 -p "$C2S_PORT" --ca-file "$CA_FILE")
# perch's command line in the tests (tui_start adds the test's arguments)
CONN=(-j "$SUPERVISOR_JID" --password-env SUP_PW "${TCP[@]}")
SUPCLI=("${CONN[@]}")
PUB=(-j "$PUBLISHER_JID" --password-env PUB_PW "${TCP[@]}")

# Finesse-style nodes, created by the publisher (a pubsub admin) with perch
# send: 24 agents (more tree rows than 24 lines show), teams, queues.
NODES=(/finesse/api/SystemInfo /finesse/api/Team/5000/Users
    /finesse/api/Team/5001/Users /finesse/api/Queue/1 /finesse/api/Queue/2
    /finesse/api/User/1001001/Media/2)
for ((i = 1; i <= 24; i++)); do
    NODES+=("/finesse/api/User/$((1001000 + i))" "/finesse/api/User/$((1001000 + i))/Dialogs")
done
create=""
for n in "${NODES[@]}"; do
    create+="<iq type='set' to='$PUBSUB'><pubsub $PS><create node='$n'/></pubsub></iq>"
done
"$PERCH" send "${PUB[@]}" "$create" >"$WORK/create.out" 2>"$WORK/create.err" ||
    give_up "creating the nodes failed: $(cat "$WORK/create.err")"

for f in "$ROOT"/tests/tui/test_*.sh; do
    # shellcheck source=/dev/null
    source "$f"
done

# took START_US: " (N.N s)" with TUI_TIMES=1.
took() {
    local ds=$((($(now_us) - $1) / 100000))
    [[ -z ${TUI_TIMES:-} ]] || echo " ($((ds / 10)).$((ds % 10)) s)"
}

# run NAME: t_NAME in a subshell with a directory of its own; whatever it
# left running is ended; any sanitizer report of any perch it ran fails it.
run() {
    local name=$1 start f pid n kids
    TD=$WORK/t/$name
    mkdir -p "$TD"
    : >"$FAILURES"
    start=$(now_us)
    ( "t_$name" ) 2>&1
    # a perch a failed test left running: closing its session hangs it up
    tm kill-session -t "$SESSION" 2>/dev/null
    for f in "$TD"/launch.*.pid; do
        [[ -e $f ]] || continue
        pid=$(<"$f")
        for n in $(seq 100); do
            alive "$pid" || break
            read -r -a kids <"/proc/$pid/task/$pid/children" 2>/dev/null
            # a stopped perch gets no SIGHUP
            ((n == 50)) && kill -CONT "$pid" "${kids[@]}" 2>/dev/null
            sleep 0.05
        done
        if alive "$pid"; then
            echo "    perch of $f still runs; killed" >>"$FAILURES"
            read -r -a kids <"/proc/$pid/task/$pid/children" 2>/dev/null
            kill -KILL "${kids[@]}" "$pid" 2>/dev/null
        fi
    done
    for f in "$TD"/*.err; do
        [[ -e $f ]] || continue
        if grep -qE 'ERROR: (Address|Leak)Sanitizer|runtime error:|LeakSanitizer' "$f"; then
            {
                echo "    sanitizer report in $(basename "$f"):"
                grep -m1 -A40 -E 'ERROR: (Address|Leak)Sanitizer|runtime error:|LeakSanitizer' "$f" |
                    sed 's/^/    /'
            } >>"$FAILURES"
        fi
    done
    if [[ ! -s $FAILURES ]]; then
        echo "ok   $name$(took "$start")"
        passed=$((passed + 1))
    else
        echo "FAIL $name$(took "$start")"
        grep -q 'sanitizer report' "$FAILURES" && sed -n '/sanitizer report/,$p' "$FAILURES"
        failed=$((failed + 1))
        failed_names+=("$name")
    fi
}

for t in $(declare -F | awk '{print $3}' | grep '^t_' | sed 's/^t_//'); do
    [[ -n ${ONLY:-} && ! $t =~ $ONLY ]] && continue
    run "$t"
done

echo "tui: $passed passed, $failed failed"
if ((failed > 0)); then
    echo "failed: ${failed_names[*]}"
    exit 1
fi
