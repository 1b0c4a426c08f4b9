#!/usr/bin/env bash
# TUI benchmark: `perch simulate --rate 5000` publishes for 20 s to a team
# node and its agents' user and Dialogs nodes while two perch processes
# receive the same events: (a) the interactive console, wide layout (Agents
# and Console visible), in a tmux server of its own, and (b) the baseline,
# `perch watch --json` into `wc -l`. Prints the rate the server reached,
# each one's CPU time per event over that window (utime + stime from
# /proc/PID/stat) and the TUI/watch ratio (aim <= 1.3), the frames the TUI
# drew, and keypress-to-screen latency (aim < 100 ms): `s` (Agents: next
# sort) sent with tmux send-keys and capture-pane polled until the message
# line shows the new sort, 20 times under the load and 20 times idle first
# (the idle run is what tmux's own send/capture costs). Reports; fails only
# when something did not run.
#
# Environment: PERCH (build/perch), BENCH_SECONDS (20), BENCH_RATE (5000),
# BENCH_AGENTS (20), BENCH_KEYS (20).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
PERCH=${PERCH:-$ROOT/build/perch}
export FREEPORT=${FREEPORT:-$ROOT/build/tools/freeport}
SECONDS_LOAD=${BENCH_SECONDS:-20}
RATE=${BENCH_RATE:-5000}
AGENTS=${BENCH_AGENTS:-20}
KEYS=${BENCH_KEYS:-20}
COLS=160 ROWS=48
MSG_ROW=$((ROWS - 3)) STATUS_ROW=$((ROWS - 2)) # ui.c: message, status
SOCK=perch-bench-$$   # tmux -L: a server of our own, never the user's
unset TMUX TMUX_PANE  # run from inside tmux too
TIMEOUT_US=2000000    # a key not on screen after 2 s counts as 2000 ms

die() {
    echo "tui.sh: $*" >&2
    exit 1
}
command -v tmux >/dev/null || die "tmux is not installed (scripts/deps.sh test)"
[[ -x $PERCH ]] || die "no perch at $PERCH (make)"

WORK=$(mktemp -d /tmp/perch-bench-tui.XXXXXX)
SIM_PID='' WATCH_PID='' TUI_PID='' TMUX_SOCKET=''
tm() { tmux -L "$SOCK" "$@"; }
# alive PID: exists and is not a zombie
alive() {
    local st
    st=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
    st=${st##*) }
    [[ ${st%% *} != Z ]]
}
# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
    local pid
    for pid in "$SIM_PID" "$WATCH_PID"; do
        [[ -n $pid ]] || continue
        if kill "$pid" 2>/dev/null; then wait "$pid" 2>/dev/null || true; fi
    done
    if [[ -n $TUI_PID ]] && alive "$TUI_PID"; then
        kill "$TUI_PID" 2>/dev/null || true
    fi
    tm kill-server 2>/dev/null || true
    [[ -z $TMUX_SOCKET ]] || rm -f "$TMUX_SOCKET" # tmux leaves it behind
    "$ROOT/tests/prosody/stop.sh" "$WORK/prosody" >/dev/null 2>&1 || true
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

"$ROOT/tests/prosody/start.sh" "$WORK/prosody" >/dev/null
# shellcheck source=/dev/null
source "$WORK/prosody/env"
export PUB_PW=$PUBLISHER_PASS SUP_PW=$SUPERVISOR_PASS AGENT_PW=$AGENT_PASS
# No user config, history or theme of the person running it.
export XDG_CONFIG_HOME=$WORK/config XDG_DATA_HOME=$WORK/data
unset PERCH_THEME NO_COLOR
conn=(-s 127.0.0.1 -p "$C2S_PORT" --ca-file "$CA_FILE")
sim=("$PERCH" simulate -j "$PUBLISHER_JID" --password-env PUB_PW "${conn[@]}"
    --agents "$AGENTS" --teams 1 --queues 1 --no-outage)
nodes=(/finesse/api/Team/5000/Users)
for ((i = 1; i <= AGENTS; i++)); do
    id=$((1001000 + i))
    nodes+=("/finesse/api/User/$id" "/finesse/api/User/$id/Dialogs")
done

# The nodes must exist before anyone subscribes: one event creates them.
"${sim[@]}" --count 1 >"$WORK/prime.log" 2>&1 ||
    die "perch simulate could not create the nodes: $(tail -n 3 "$WORK/prime.log")"

# (a) the TUI in its own tmux server; exec, so the pane's PID is perch's
tui_cmd=$(printf '%q ' exec "$PERCH" -j "$SUPERVISOR_JID" --password-env SUP_PW \
    "${conn[@]}" "${nodes[@]}")
tm -f /dev/null new-session -d -s bench -x "$COLS" -y "$ROWS" \
    -e "SUP_PW=$SUP_PW" -e "XDG_CONFIG_HOME=$XDG_CONFIG_HOME" \
    -e "XDG_DATA_HOME=$XDG_DATA_HOME" -e LANG=C.UTF-8 \
    "$tui_cmd 2>$(printf '%q' "$WORK/tui.err")"
TUI_PID=$(tm display-message -p -t bench '#{pane_pid}')
TMUX_PID=$(tm display-message -p '#{pid}')
TMUX_SOCKET=$(tm display-message -p '#{socket_path}')
# (b) the baseline
"$PERCH" watch -j "$AGENT_JID" --password-env AGENT_PW "${conn[@]}" --json \
    "${nodes[@]}" > >(wc -l >"$WORK/watch.count") 2>"$WORK/watch.err" &
WATCH_PID=$!
for pid in "$TUI_PID" "$WATCH_PID"; do
    [[ $(cat "/proc/$pid/comm" 2>/dev/null) == perch ]] ||
        die "pid $pid is not perch but '$(cat "/proc/$pid/comm" 2>/dev/null)'"
done

capture() { tm capture-pane -p -t bench "$@" 2>/dev/null; }
tui_dead() {
    echo "--- TUI stderr" >&2
    cat "$WORK/tui.err" >&2 2>/dev/null || true
    die "the TUI (perch, pid $TUI_PID) $1"
}
nsubs=${#nodes[@]}
for ((i = 0; i < 300; i++)); do
    alive "$TUI_PID" || tui_dead "ended before it was subscribed"
    alive "$WATCH_PID" || die "perch watch ended early: $(cat "$WORK/watch.err")"
    [[ $(capture -S "$STATUS_ROW" -E "$STATUS_ROW") == *" $nsubs subs "* ]] &&
        grep -q watching "$WORK/watch.err" && break
    sleep 0.05
done
[[ $(capture -S "$STATUS_ROW" -E "$STATUS_ROW") == *" $nsubs subs "* ]] || {
    capture >&2
    tui_dead "did not reach $nsubs subscriptions in 15 s"
}
grep -q watching "$WORK/watch.err" || die "perch watch did not subscribe: $(cat "$WORK/watch.err")"

# cpu_ticks PID: utime + stime, in clock ticks
cpu_ticks() {
    local st f
    st=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
    read -r -a f <<<"${st##*) }" # f[0] is field 3, the state
    echo $((f[11] + f[12]))
}
now_us() { echo "${EPOCHREALTIME/./}"; }
# busy_ticks: CPU time used on the machine, all cores, and the part of it
# in interrupts (loopback TCP is mostly softirq work), from /proc/stat
busy_ticks() {
    local user nice system irq softirq steal
    read -r _ user nice system _ _ irq softirq steal _ </proc/stat
    echo "$((user + nice + system + irq + softirq + steal)) $((irq + softirq))"
}

# keys LABEL COUNT GAP_S: presses s COUNT times, GAP_S apart, and records
# in $WORK/LABEL.ms how long each took to show on the message line. The
# sort cycles state, time, name, id, so each press shows a new name.
SORTS=(state time name id)
sort_i=0
keys() {
    local label=$1 n=$2 gap=$3 k t0 t1 want
    : >"$WORK/$label.ms"
    for ((k = 0; k < n; k++)); do
        sort_i=$(((sort_i + 1) % 4))
        want="Agents sorted by ${SORTS[sort_i]}"
        t0=$(now_us)
        tm send-keys -t bench s 2>/dev/null || {
            alive "$TUI_PID" || tui_dead "ended during the key test"
            die "tmux send-keys failed"
        }
        while :; do
            t1=$(now_us)
            [[ $(capture -S "$MSG_ROW" -E "$MSG_ROW") != *"$want"* ]] || break
            if ((t1 - t0 > TIMEOUT_US)); then
                alive "$TUI_PID" || tui_dead "ended during the key test"
                break
            fi
        done
        echo $(((t1 - t0) / 1000)) >>"$WORK/$label.ms"
        sleep "$gap"
    done
}
# stats FILE: "median N ms, max N ms"
stats() {
    sort -n "$1" | awk '{ v[NR] = $1 } END {
        m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
        printf "median %.0f ms, max %d ms", m, v[NR] }'
}

# tmux's own cost: one capture-pane of one line, idle
t0=$(now_us)
for ((i = 0; i < 20; i++)); do capture -S "$MSG_ROW" -E "$MSG_ROW" >/dev/null; done
cap_us=$((($(now_us) - t0) / 20))
keys idle "$KEYS" 0.05

# --- the load ---
"${sim[@]}" --rate "$RATE" --duration "$SECONDS_LOAD" </dev/null \
    >"$WORK/simulate.log" 2>&1 &
SIM_PID=$!
for ((i = 0; i < 1000; i++)); do
    grep -q 'nodes ready' "$WORK/simulate.log" && break
    alive "$SIM_PID" || die "perch simulate ended early: $(tail -n 3 "$WORK/simulate.log")"
    sleep 0.01
done
grep -q 'nodes ready' "$WORK/simulate.log" || die "perch simulate did not start publishing"
w0=$(now_us)
tui0=$(cpu_ticks "$TUI_PID") watch0=$(cpu_ticks "$WATCH_PID")
sim0=$(cpu_ticks "$SIM_PID") tmux0=$(cpu_ticks "$TMUX_PID")
prosody0=$(cpu_ticks "$PROSODY_PID")
read -r busy0 irq0 < <(busy_ticks)

sleep 1
keys load "$KEYS" 0.6
# presses that ended after the load ended are not "under load"
alive "$SIM_PID" || echo "tui.sh: note: the load ended before the last key press" >&2
# its CPU until it ends (bash reaps it at once: no zombie to read)
sim1=$sim0
while t=$(cpu_ticks "$SIM_PID"); do
    sim1=$t
    sleep 0.05
done
sim_rc=0
wait "$SIM_PID" || sim_rc=$?
SIM_PID=''
((sim_rc == 0)) || die "perch simulate failed ($sim_rc): $(tail -n 3 "$WORK/simulate.log")"
# The window ends when both have drained: no CPU used for 300 ms.
last=-1
for ((i = 0; i < 100; i++)); do
    alive "$TUI_PID" || tui_dead "ended during the load"
    alive "$WATCH_PID" || die "perch watch ended during the load: $(cat "$WORK/watch.err")"
    cur=$(($(cpu_ticks "$TUI_PID") + $(cpu_ticks "$WATCH_PID")))
    ((cur - last > 1)) || break
    last=$cur
    sleep 0.3
done
w1=$(now_us)
tui1=$(cpu_ticks "$TUI_PID") watch1=$(cpu_ticks "$WATCH_PID")
tmux1=$(cpu_ticks "$TMUX_PID") prosody1=$(cpu_ticks "$PROSODY_PID")
read -r busy1 irq1 < <(busy_ticks)

# --- the end: both quit (and remove their subscriptions) ---
kill -TERM "$WATCH_PID"
wait "$WATCH_PID" || die "perch watch failed: $(cat "$WORK/watch.err")"
WATCH_PID=''
kill -TERM "$TUI_PID"
for ((i = 0; i < 100; i++)); do
    alive "$TUI_PID" || break
    sleep 0.05
done
alive "$TUI_PID" && die "the TUI did not quit within 5 s of SIGTERM"
for ((i = 0; i < 40; i++)); do # wc writes when its pipe closes
    [[ -s $WORK/watch.count ]] && break
    sleep 0.05
done
tm kill-server 2>/dev/null || true

exit_line=$(grep -m1 'events,.*frames drawn' "$WORK/tui.err") ||
    tui_dead "printed no 'N events, M frames drawn' line"
read -r tui_ev tui_frames tui_s < <(sed -n \
    's/^perch: \([0-9]*\) events, \([0-9]*\) frames drawn in \([0-9.]*\) s$/\1 \2 \3/p' \
    <<<"$exit_line")
watch_ev=$(tr -d ' ' <"$WORK/watch.count")
sim_ev=$(sed -n 's/^simulate: \([0-9]*\) events, .*digest.*/\1/p' "$WORK/simulate.log")
[[ -n $tui_ev && -n $watch_ev && -n $sim_ev ]] || die "could not read the event counts"
((tui_ev > 0 && watch_ev > 0)) || die "no events received (TUI $tui_ev, watch $watch_ev)"

awk -v hz="$(getconf CLK_TCK)" -v rate="$RATE" -v load="$SECONDS_LOAD" \
    -v agents="$AGENTS" -v nodes="$nsubs" -v sim="$sim_ev" \
    -v w="$(((w1 - w0) / 1000))" -v tev="$tui_ev" -v wev="$watch_ev" \
    -v tcpu="$((tui1 - tui0))" -v wcpu="$((watch1 - watch0))" \
    -v frames="$tui_frames" -v life="$tui_s" 'BEGIN {
    w /= 1000
    tus = tcpu / hz * 1e6 / tev; wus = wcpu / hz * 1e6 / wev
    printf "tui: %d agents, %d nodes, perch simulate --rate %d for %d s; the server took %.0f events/s (%d events)\n",
        agents, nodes, rate, load, sim / load, sim
    printf "  each subscriber got its events over a %.1f s window (load and drain)\n", w
    printf "  %-44s %7d events %6.2f s CPU %6.0f us/event %5.2f s per 10,000\n",
        "perch watch --json | wc -l (baseline)", wev, wcpu / hz, wus, wus / 100
    printf "  %-44s %7d events %6.2f s CPU %6.0f us/event %5.2f s per 10,000\n",
        "perch TUI in tmux 160x48 (Agents, Console)", tev, tcpu / hz, tus, tus / 100
    printf "  ratio TUI/watch: %.2f (aim <= 1.30)\n", tus / wus
    printf "  frames drawn: %d (%.1f/s over its %.1f s session, %.1f s of it under load; cap 10/s for events, 4/s in a flood, 30/s after a key)\n",
        frames, frames / life, life, w
}'
echo "  keypress-to-screen: $(stats "$WORK/load.ms") (aim < 100 ms), $KEYS presses under load"
echo "  keypress-to-screen idle: $(stats "$WORK/idle.ms"), the same presses before the load"
awk -v c="$cap_us" 'BEGIN { printf "  (both include tmux: a send-keys, then capture-pane polls at %.1f ms each)\n", c / 1000 }'
awk -v hz="$(getconf CLK_TCK)" -v w="$(((w1 - w0) / 1000))" -v cores="$(nproc)" \
    -v p="$((prosody1 - prosody0))" -v s="$((sim1 - sim0))" \
    -v t="$((tmux1 - tmux0))" -v b="$((busy1 - busy0))" -v i="$((irq1 - irq0))" \
    -v ours="$((tui1 - tui0 + watch1 - watch0))" 'BEGIN {
    printf "  other CPU in the window: prosody %.2f s, perch simulate %.2f s, tmux server %.2f s,\n",
        p / hz, s / hz, t / hz
    printf "  interrupts %.2f s, anything else %.2f s (the key test'"'"'s tmux clients, other programs);\n",
        i / hz, (b - i - p - s - t - ours) / hz
    printf "  all of it %.2f s of %d cores x %.1f s\n", b / hz, cores, w / 1000 }'
