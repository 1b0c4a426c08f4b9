#!/usr/bin/env bash
# Flood benchmark: tests/tools/evilxmpp logs perch in and then sends
# <message/>s as fast as perch reads them (flood), or logs it in and says
# nothing more (quiet, the baseline: the same server, the same login). For
# both it measures how late perch serves
#   - a timer: `perch send --timeout 1` on an iq the server never answers;
#     from the server's "logged in" (the iq leaves with the presence) to
#     perch's "no reply" line on stderr, the ms past the 1000 asked for
#     (median of BENCH_RUNS runs; lines are stamped as they arrive);
#   - a signal: SIGTERM to a logged-in `perch send`; the ms until the server
#     reads perch's </stream:stream>, which perch writes when it handles
#     the signal (evilxmpp logs the time it read it);
#   - a key press in the console: `s` in Agents (80x24, a tmux server of
#     its own), sent with tmux send-keys, capture-pane polled until the
#     message line names the new sort; median and max of BENCH_KEYS.
# Aim: each within 100 ms under the flood. Like the other benchmarks it
# prints and does not judge; it fails only when something did not run.
#
# Environment: PERCH (build/perch), EVIL (build/tools/evilxmpp),
# BENCH_RUNS (5), BENCH_KEYS (20).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
PERCH=${PERCH:-$ROOT/build/perch}
EVIL=${EVIL:-$ROOT/build/tools/evilxmpp}
RUNS=${BENCH_RUNS:-5}
KEYS=${BENCH_KEYS:-20}
ROWS=24 COLS=80
MSG_ROW=$((ROWS - 3)) # ui.c: the message line
SOCK=perch-bench-flood-$$
unset TMUX TMUX_PANE
TIMEOUT_US=2000000 # a key not on screen after 2 s counts as 2000 ms

die() {
    echo "flood.sh: $*" >&2
    exit 1
}
command -v tmux >/dev/null || die "tmux is not installed (scripts/deps.sh test)"
[[ -x $PERCH ]] || die "no perch at $PERCH (make)"
[[ -x $EVIL ]] || die "no evilxmpp at $EVIL (make build/tools/evilxmpp)"

WORK=$(mktemp -d /tmp/perch-bench-flood.XXXXXX)
EVIL_PID='' SEND_PID='' TMUX_SOCKET=''
tm() { tmux -L "$SOCK" -f /dev/null "$@"; }
# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
    local pid
    for pid in "$SEND_PID" "$EVIL_PID"; do
        [[ -n $pid ]] || continue
        if kill "$pid" 2>/dev/null; then wait "$pid" 2>/dev/null || true; fi
    done
    tm kill-server 2>/dev/null || true
    [[ -z $TMUX_SOCKET ]] || rm -f "$TMUX_SOCKET"
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
export AGENT_PW=x XDG_CONFIG_HOME=$WORK/config XDG_DATA_HOME=$WORK/data
unset PERCH_THEME NO_COLOR
PING="<iq type='get' to='localhost'><ping xmlns='urn:xmpp:ping'/></iq>"
now_us() { echo "${EPOCHREALTIME/./}"; }
# stamp FILE: each line of stdin into FILE as "US line", US when it came
stamp() {
    local l
    while IFS= read -r l; do
        printf '%s %s\n' "${EPOCHREALTIME/./}" "$l"
    done >>"$1"
}

# start_evil MODE: a server for the mode; sets PORT.
start_evil() {
    local i
    : >"$WORK/evil.log"
    "$EVIL" "$1" >"$WORK/evil.ready" 2> >(stamp "$WORK/evil.log") &
    EVIL_PID=$!
    for ((i = 0; i < 200; i++)); do
        grep -q '^ready ' "$WORK/evil.ready" 2>/dev/null && break
        sleep 0.02
    done
    PORT=$(sed -n 's/^ready \([0-9]*\)$/\1/p' "$WORK/evil.ready")
    [[ -n $PORT ]] || die "evilxmpp $1 did not start"
}

stop_evil() {
    kill -TERM "$EVIL_PID" 2>/dev/null || true
    wait "$EVIL_PID" 2>/dev/null || true
    EVIL_PID=''
}

conn() {
    echo -j agent@localhost -s 127.0.0.1 -p "$PORT" --tls off \
        --allow-plaintext-auth --password-env AGENT_PW
}

# wait_file FILE REGEX: until FILE has a line matching REGEX (10 s); the
# lines are stamped: REGEX is about what follows the stamp.
wait_file() {
    local i
    for ((i = 0; i < 500; i++)); do
        grep -qE "^[0-9]+ $2" "$1" 2>/dev/null && return 0
        sleep 0.01
    done
    die "never /$2/ in $(basename "$1"): $(tail -n 3 "$1")"
}
wait_log() { wait_file "$WORK/evil.log" "$1"; }
# stamp_of FILE REGEX: the stamp of the last line matching REGEX
stamp_of() { grep -E "^[0-9]+ $2" "$1" | tail -1 | cut -d' ' -f1; }

# median FILE: of the numbers in it, one a line
median() {
    sort -n "$1" | awk '{ v[NR] = $1 } END {
        printf "%.0f", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
maxof() { sort -n "$1" | tail -1; }

# timer LABEL READY: RUNS runs of send --timeout 1; ms past 1000 from
# the server's READY line to perch's "no reply", in LABEL.timer
timer() {
    local k rc login fired
    : >"$WORK/$1.timer"
    for ((k = 0; k < RUNS; k++)); do
        : >"$WORK/evil.log"
        : >"$WORK/send.err"
        rc=0
        # shellcheck disable=SC2046
        "$PERCH" send $(conn) --timeout 1 "$PING" >/dev/null \
            2> >(stamp "$WORK/send.err") || rc=$?
        ((rc == 5)) || die "send --timeout 1 exited $rc, not 5: $(tail -c 300 "$WORK/send.err")"
        wait_file "$WORK/send.err" "perch: no reply to iq"
        login=$(stamp_of "$WORK/evil.log" "$2")
        fired=$(stamp_of "$WORK/send.err" "perch: no reply to iq")
        echo $(((fired - login) / 1000 - 1000)) >>"$WORK/$1.timer"
    done
}

# signal LABEL READY_REGEX: RUNS times SIGTERM to a logged-in send; ms to
# the server reading perch's stream end, in LABEL.signal
signal() {
    local k t0 seen rc
    : >"$WORK/$1.signal"
    for ((k = 0; k < RUNS; k++)); do
        : >"$WORK/evil.log"
        # shellcheck disable=SC2046
        "$PERCH" send $(conn) --timeout 60 "$PING" >/dev/null 2>"$WORK/send.err" &
        SEND_PID=$!
        wait_log "$2"
        sleep 0.3 # steady state: the flood under way
        t0=$(now_us)
        kill -TERM "$SEND_PID"
        rc=0
        wait "$SEND_PID" || rc=$?
        SEND_PID=''
        ((rc == 130)) || die "send exited $rc after SIGTERM, not 130: $(tail -c 300 "$WORK/send.err")"
        wait_log 'stream end at [0-9]+$'
        seen=$(sed -n 's/^[0-9]* stream end at \([0-9]*\)$/\1/p' "$WORK/evil.log" | tail -1)
        echo $(((seen - t0) / 1000)) >>"$WORK/$1.signal"
    done
}

# keys LABEL: the console against the server, Agents, KEYS presses of s;
# ms each to show on the message line, in LABEL.keys
SORTS=(state time name id)
keys() {
    local k t0 t1 want i sort_i=0 cmd
    : >"$WORK/$1.keys"
    # shellcheck disable=SC2046
    cmd=$(printf '%q ' exec "$PERCH" $(conn))
    tm new-session -d -s bench -x "$COLS" -y "$ROWS" \
        -e "AGENT_PW=$AGENT_PW" -e "XDG_CONFIG_HOME=$XDG_CONFIG_HOME" \
        -e "XDG_DATA_HOME=$XDG_DATA_HOME" -e LANG=C.UTF-8 \
        "$cmd 2>$(printf '%q' "$WORK/tui.err")"
    TMUX_SOCKET=$(tm display-message -p '#{socket_path}')
    wait_log "$2"
    tm send-keys -t bench F2
    for ((i = 0; i < 100; i++)); do
        tm capture-pane -p -t bench | grep -q '^ Agents ' && break
        sleep 0.02
    done
    for ((k = 0; k < KEYS; k++)); do
        sort_i=$(((sort_i + 1) % 4))
        want="Agents sorted by ${SORTS[sort_i]}"
        t0=$(now_us)
        tm send-keys -t bench s
        while :; do
            t1=$(now_us)
            [[ $(tm capture-pane -p -t bench -S "$MSG_ROW" -E "$MSG_ROW") != *"$want"* ]] || break
            ((t1 - t0 <= TIMEOUT_US)) || break
        done
        echo $(((t1 - t0) / 1000)) >>"$WORK/$1.keys"
        sleep 0.1
    done
    tm kill-server 2>/dev/null || true
    rm -f "$TMUX_SOCKET"
    TMUX_SOCKET=''
}

# tmux's own cost: a capture-pane of one line, no perch involved
tm new-session -d -s idle -x "$COLS" -y "$ROWS" "sleep 60"
TMUX_SOCKET=$(tm display-message -p '#{socket_path}')
t0=$(now_us)
for ((i = 0; i < 20; i++)); do tm capture-pane -p -t idle -S 0 -E 0 >/dev/null; done
cap_us=$((($(now_us) - t0) / 20))
tm kill-server 2>/dev/null || true

for mode in silent flood; do
    label=$([[ $mode == silent ]] && echo quiet || echo flood)
    ready=$([[ $mode == silent ]] && echo 'logged in$' || echo 'flooding$')
    start_evil "$mode"
    timer "$label" 'logged in$'
    signal "$label" "$ready"
    keys "$label" "$ready"
    stop_evil
done

echo "flood: evilxmpp floods <message/>s after login, against the same server quiet; aim < 100 ms under the flood"
printf '  %-34s %8s %8s\n' '' quiet flood
printf '  %-34s %6s ms %5s ms\n' "timer: 1 s iq timeout, ms late" \
    "$(median "$WORK/quiet.timer")" "$(median "$WORK/flood.timer")"
printf '  %-34s %6s ms %5s ms\n' "signal: SIGTERM to stream end" \
    "$(median "$WORK/quiet.signal")" "$(median "$WORK/flood.signal")"
printf '  %-34s %6s ms %5s ms\n' "key: s to screen (median)" \
    "$(median "$WORK/quiet.keys")" "$(median "$WORK/flood.keys")"
printf '  %-34s %6s ms %5s ms\n' "key: s to screen (max)" \
    "$(maxof "$WORK/quiet.keys")" "$(maxof "$WORK/flood.keys")"
awk -v r="$RUNS" -v k="$KEYS" -v c="$cap_us" 'BEGIN {
    printf "  (timer and signal: median of %d runs; keys: %d presses, each a tmux send-keys then capture-pane polls at %.1f ms each)\n", r, k, c / 1000 }'
