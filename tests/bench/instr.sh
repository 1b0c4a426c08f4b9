#!/usr/bin/env bash
# Instructions per event, counted by valgrind's callgrind: the console
# (160x48 in tmux, Agents visible) and `perch watch --json`, both
# subscribed to one loopback Prosody (TLS), BENCH_EVENTS (2000) team events
# published at once. CPU time on a shared 2-core VM swings by a tenth from
# run to run and the VM has no hardware counters; instruction counts do
# not swing, so this is the measure for a change of a few per cent (the
# time is still what `make bench` reports).
#
# Counting starts once both are subscribed (valgrind instruments nothing
# until `callgrind_control -i on`), as `make bench` counts CPU from the
# subscription: the login (SCRAM's PBKDF2 alone is about 65M
# instructions) is not spread over the events. Prints each one's
# instructions per event from then to its end (the console's last frames
# and its quit included) and the parts that differ: the decode
# (both), the model (the console's `apply`: model_apply and freeing the
# event), the console's ring (`record`) and its frames. Frames depend on
# time, and valgrind runs perch about 50 times slower, so the console
# draws more of them here than at full speed: their count and cost each
# are printed. It reports; it never fails on a figure.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
PERCH=${PERCH:-$ROOT/build/perch}
export FREEPORT=${FREEPORT:-$ROOT/build/tools/freeport}
N=${BENCH_EVENTS:-2000}
TEAM=/finesse/api/Team/5000/Users
# shellcheck source=tests/bench/lib.sh
source "$ROOT/tests/bench/lib.sh"

for tool in valgrind callgrind_annotate callgrind_control tmux; do
    command -v "$tool" >/dev/null || die "$tool is missing (scripts/deps.sh bench)"
done
[[ -x $PERCH ]] || die "no $PERCH (make builds it)"

bench_begin instr
bench_prosody
# the node without item persistence, as make bench makes it
create_iq "$TEAM" | publish || die "could not create $TEAM"
publish_iqs "$N" "$TEAM" "$(team_notification)" >"$WORK/stream.xml"

vg=(valgrind --tool=callgrind --instr-atstart=no)
cmd=$(printf '%q ' exec "${vg[@]}" --callgrind-out-file="$WORK/console.cg" \
    "$PERCH" -j "$SINKUSER_JID" --password-env SINK_PW "${conn[@]}" "$TEAM")
tm new-session -d -s c -x 160 -y 48 -e SINK_PW="$SINK_PW" -e HOME="$HOME" \
    -e XDG_CONFIG_HOME="$XDG_CONFIG_HOME" -e XDG_DATA_HOME="$XDG_DATA_HOME" \
    -e LANG=C.UTF-8 "$cmd 2>$(printf '%q' "$WORK/console.err")"
cpid=$(tm display-message -p -t c '#{pane_pid}')
PIDS+=("$cpid")
"${vg[@]}" --callgrind-out-file="$WORK/watch.cg" "$PERCH" watch \
    -j "$SUPERVISOR_JID" --password-env SUP_PW "${conn[@]}" --json \
    --count "$N" "$TEAM" >"$WORK/watch.out" 2>"$WORK/watch.err" &
wpid=$!
PIDS+=("$wpid")
subscribed() { tm capture-pane -p -t c 2>/dev/null | grep -q " 1 subs "; }
wait_for 120 subscribed || die "the console did not subscribe: $(cat "$WORK/console.err")"
wait_for 120 grep -q watching "$WORK/watch.err" || die "watch: $(cat "$WORK/watch.err")"
for pid in "$cpid" "$wpid"; do
    callgrind_control -i on "$pid" >/dev/null || die "callgrind_control could not reach $pid"
done
publish <"$WORK/stream.xml" || die "publishing failed"
wait "$wpid" || die "watch: $(cat "$WORK/watch.err")"
# the console has read them all when it stops using CPU (under valgrind
# it is far behind watch): then it quits, and callgrind writes its counts
cpu_ns() { cut -d' ' -f1 "/proc/$1/schedstat"; }
settled() {
    local a
    a=$(cpu_ns "$cpid")
    sleep 1
    (($(cpu_ns "$cpid") - a < 50000000))
}
wait_for 300 settled || true
tm send-keys -t c q
wait_for 60 test -s "$WORK/console.cg" || die "the console wrote no counts: $(cat "$WORK/console.err")"
wait_for 30 eval '! kill -0 '"$cpid"' 2>/dev/null' || true
cev=$(sed -n 's/^perch: \([0-9]*\) events, \([0-9]*\) frames.*/\1 \2/p' "$WORK/console.err")
read -r cev frames <<<"$cev"
[[ -n $cev && $cev -gt 0 ]] || die "the console read no events: $(cat "$WORK/console.err")"
[[ $cev -eq $N ]] || echo "instr.sh: the console read $cev events of $N" >&2

# inclusive instructions of the functions named (file:function), one line
# each, in order; 0 for one not called
counts() {
    callgrind_annotate --inclusive=yes --threshold=100 "$1" 2>/dev/null |
        awk -v want="$2" '
            BEGIN { n = split(want, w, " ") }
            /PROGRAM TOTALS/ { gsub(",", "", $1); got["TOTAL"] = $1 }
            /^ *[0-9,]+ \(/ && !/=>/ {
                for (i = 1; i <= n; i++)
                    if (index($0, "/" w[i] " [") || index($0, " " w[i] " [")) {
                        v = $1; gsub(",", "", v)
                        if (!(w[i] in got)) got[w[i]] = v
                    }
            }
            END { for (i = 1; i <= n; i++) print (w[i] in got) ? got[w[i]] : 0 }'
}
mapfile -t c < <(counts "$WORK/console.cg" "TOTAL decode.c:decode_item app_request.c:apply session.c:record ui.c:frame")
mapfile -t w < <(counts "$WORK/watch.cg" "TOTAL decode.c:decode_event_write")

awk -v n="$N" -v cev="$cev" -v frames="${frames:-0}" \
    -v ct="${c[0]}" -v cd="${c[1]}" -v cm="${c[2]}" -v cr="${c[3]}" -v cf="${c[4]}" \
    -v wt="${w[0]}" -v wd="${w[1]}" 'BEGIN {
    k = 1000
    printf "perch instructions per event (callgrind): %d events, console %d\n\n", n, cev
    printf "| part | console | watch --json | ratio |\n| --- | --- | --- | --- |\n"
    printf "| from the subscription | %.1fk | %.1fk | %.3f× |\n", ct / cev / k, wt / n / k, (ct / cev) / (wt / n)
    printf "| the same less the frames | %.1fk | %.1fk | %.3f× |\n", (ct - cf) / cev / k, wt / n / k, ((ct - cf) / cev) / (wt / n)
    printf "| decode (`decode_item`; watch: `decode_event_write`) | %.1fk | %.1fk | %.3f× |\n", cd / cev / k, wd / n / k, wd ? (cd / cev) / (wd / n) : 0
    printf "| model (`apply`: model_apply, the event freed) | %.1fk | — | |\n", cm / cev / k
    printf "| ring (`record`) | %.1fk | — | |\n", cr / cev / k
    printf "| frames: %d, %.0fk each | %.1fk | — | |\n", frames, frames ? cf / frames / k : 0, cf / cev / k
}'
