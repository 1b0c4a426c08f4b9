# scripts/demo.sh run non-interactively (DEMO_UI=watch); sourced by run.sh.
# tests/tui/ runs the demo with its console.
# shellcheck shell=bash

# alive_pid PID: the process exists and is not a zombie.
alive_pid() {
    local stat
    stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
    stat=${stat##*) }
    [[ ${stat%% *} != Z ]]
}

# demo_run TRANSPORT: the demo with a 3 s watch; then every PID it printed
# must be gone and its temp dir removed.
demo_run() {
    local pids=$WORK/demo-$1.pids rc=0
    : >"$pids"
    DEMO_PERCH=$PERCH DEMO_TRANSPORT=$1 DEMO_UI=watch \
        DEMO_WATCH_ARGS="--duration 3" \
        DEMO_RATE=50 DEMO_PIDFILE=$pids \
        timeout 60 "$ROOT/scripts/demo.sh" >"$OUT" 2>"$ERR" || rc=$?
    expect_rc 0 "$rc"
    expect_out 'perch watch'
    expect_out 'PUT +user +[^ ]+ +1001001 '
    ! grep -q ' raw ' "$OUT" || fail "a raw event in the demo"
    expect_out 'simulate: [0-9]+ events, 0 errors, digest'
    demo_cleaned_up "$pids" 3 "server, simulator, watch" simulate.log
}

# demo_cleaned_up PIDFILE N WHAT LOG: the demo recorded N PIDs (WHAT), none
# is running, and the temp dir whose LOG stdout named is gone.
demo_cleaned_up() {
    local pid n=0 dir
    while read -r pid; do
        n=$((n + 1))
        ! alive_pid "$pid" || fail "demo left process $pid running"
    done <"$1"
    ((n == $2)) || fail "demo recorded $n PIDs, expected $2 ($3)"
    dir=$(sed -n "s/.*log: \(\/tmp\/perch-demo\.[^/]*\)\/$4.*/\1/p" "$OUT")
    [[ -n $dir && ! -e $dir ]] || fail "demo left its temp dir '$dir'"
}

t_demo_runs_non_interactively_over_bosh_and_cleans_up() {
    demo_run bosh
}

t_demo_runs_over_tcp_and_cleans_up() {
    demo_run tcp
}

# DEMO_NODES=2: a second Prosody and two simulators (the pair of
# tests/prosody/cluster.sh); the watch connects to the primary with --rest
# and --alternate; everything stopped by PID, the temp dir removed.
t_demo_with_two_nodes_runs_a_pair_and_cleans_up() {
    local pids=$WORK/demo-pair.pids rc=0
    : >"$pids"
    DEMO_PERCH=$PERCH DEMO_TRANSPORT=tcp DEMO_UI=watch DEMO_NODES=2 \
        DEMO_WATCH_ARGS="--duration 3" DEMO_RATE=50 DEMO_PIDFILE=$pids \
        timeout 90 "$ROOT/scripts/demo.sh" >"$OUT" 2>"$ERR" || rc=$?
    expect_rc 0 "$rc"
    expect_out 'primary 127\.0\.0\.1, secondary 127\.0\.0\.2; REST on port [0-9]+ of each'
    expect_out 'PUT +user +[^ ]+ +1001002 '
    [[ $(grep -cE 'simulate: [0-9]+ events, 0 errors, digest' "$OUT") == 2 ]] ||
        fail "not two simulators' summaries: $(grep simulate: "$OUT")"
    demo_cleaned_up "$pids" 5 "two servers, two simulators, watch" sim1.err
}
