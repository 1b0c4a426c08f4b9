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
    local pids=$WORK/demo-$1.pids rc=0 pid n=0 dir
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
    while read -r pid; do
        n=$((n + 1))
        ! alive_pid "$pid" || fail "demo left process $pid running"
    done <"$pids"
    ((n == 3)) || fail "demo recorded $n PIDs, expected 3 (server, simulator, watch)"
    dir=$(sed -n 's/.*log: \(\/tmp\/perch-demo\.[^/]*\)\/simulate.log.*/\1/p' "$OUT")
    [[ -n $dir && ! -e $dir ]] || fail "demo left its temp dir '$dir'"
}

t_demo_runs_non_interactively_over_bosh_and_cleans_up() {
    demo_run bosh
}

t_demo_runs_over_tcp_and_cleans_up() {
    demo_run tcp
}
