# Liveness, reconnect and resync of perch watch and probe, over each of
# TRANSPORTS (tests/prosody/private.sh), mostly against a Prosody of the
# test's own: a server gone silent (SIGSTOP) is noticed within 25 s and
# watched on after SIGCONT; a server killed and restarted with its data is
# resumed by itself, with session lines, and the state after the gap is
# the last published; two watchers share one subscription; a half-open
# connection (tests/tools/evilxmpp silent, from test_hostile.sh) is a
# loss. Sourced by run.sh.
# shellcheck shell=bash

LV_NODE=/finesse/api/User/1001001
LV_PIDS=()

# lv_setup [--persist]: a private Prosody with LV_NODE, PUB for it; it and
# every watch lv_watch started are stopped when the test's subshell ends.
lv_setup() {
    private_start "$WORK/lv.$BASHPID" "$@" || return 1
    trap lv_teardown EXIT
    read -r -a PUB <<<"$(conn_args tcp publisher PUB_PW)"
    expect_rc 0 "$(p send "${PUB[@]}" "<iq type='set' to='$PUBSUB'><pubsub $PS><create node='$LV_NODE'/></pubsub></iq>")"
}

lv_teardown() {
    local pid
    for pid in "${LV_PIDS[@]}"; do
        kill -TERM "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
    done
    private_stop
}

# lv_watch NAME TRANSPORT ARGS...: perch watch as the supervisor in the
# background, stdout in $WORK/NAME.out, stderr in $WORK/NAME.err; its pid
# in LV_PID. The files are emptied here, before it starts: the background
# child truncates them only when it gets to run, and a wait_for straight
# after could read an earlier test's lines (the bosh and tcp runs of a
# test share NAME).
lv_watch() {
    local name=$1 conn
    read -r -a conn <<<"$(conn_args "$2" supervisor SUP_PW)"
    shift 2
    : >"$WORK/$name.out"
    : >"$WORK/$name.err"
    "$PERCH" watch "${conn[@]}" "$@" >"$WORK/$name.out" 2>"$WORK/$name.err" &
    LV_PID=$!
    LV_PIDS+=("$LV_PID")
}

# lv_end PID NAME: SIGTERM, exit 0, no sanitizer report.
lv_end() {
    local rc=0
    kill -TERM "$1"
    wait "$1" || rc=$?
    [[ $rc == 0 ]] || fail "watch $2 exited $rc: $(tail -c 400 "$WORK/$2.err")"
    cat "$WORK/$2.err" >>"$ERR"
}

# wait_for_after FILE FIRST REGEX SECONDS: a line matching REGEX after the
# first line matching FIRST, within SECONDS.
wait_for_after() {
    local deadline=$((EPOCHSECONDS + $4))
    until sed -n "/$2/,\$p" "$1" | grep -qE -- "$3"; do
        if ((EPOCHSECONDS >= deadline)); then
            fail "timed out after $4 s waiting for /$3/ after /$2/ in $1: $(tail -c 300 "$1")"
            return 1
        fi
        sleep 0.05
    done
}

# line_no FILE REGEX: the number of the first line matching, or 0.
line_no() {
    local n
    n=$(grep -nE -- "$2" "$1" | head -1 | cut -d: -f1)
    echo "${n:-0}"
}

# The 25 s figure itself, with the default keepalive: SIGSTOP → the loss
# is a session line within 25 s; SIGCONT → online again, and an event
# published after it arrives.
silent_server_is_noticed_within_25_s_and_watched_on() {
    local t0 ms
    lv_setup || return
    lv_watch silent "$1" --json "$LV_NODE"
    wait_for "$WORK/silent.err" 'watching 1 node' 15 || return
    kill -STOP "$PROSODY_PID"
    t0=$(now_ms)
    # the wait outlasts the 25 s so that a late loss says how late (below),
    # and a missing one what the watch said meanwhile
    wait_for "$WORK/silent.out" '"kind":"session","state":"lost"' 40 || {
        fail "watch's stderr: $(tail -c 600 "$WORK/silent.err")"
        return
    }
    ms=$(($(now_ms) - t0))
    ((ms < 25500)) || fail "the loss was noticed after $ms ms (more than 25 s)"
    grep -q '"cause":"the server did not answer a keepalive ping within 10 s' "$WORK/silent.out" ||
        fail "the cause does not name the missed keepalive: $(grep lost "$WORK/silent.out")"
    grep -q 'perch: connection lost: .*; reconnecting in' "$WORK/silent.err" ||
        fail "stderr does not say the connection was lost"
    kill -CONT "$PROSODY_PID"
    wait_for "$WORK/silent.out" '"kind":"session","state":"online"' 40 || return
    publish "$LV_NODE" user_talking_pending after1
    wait_for "$WORK/silent.out" '"item":"after1".*"state":"TALKING"' 10 || return
    grep '"item":"after1"' "$WORK/silent.out" | grep -q '"resync"' &&
        fail "the live event is marked resync"
    lv_end "$LV_PID" silent
}
per_transport silent_server_is_noticed_within_25_s_and_watched_on

# kill -9 and the same server again with its data: watch resumes by
# itself; after the session lines the node's latest item comes (resync),
# and the last line of the node is the last published — also when it was
# published while watch was away.
restarted_server_is_resumed_and_the_state_is_the_last_published() {
    local lost online resync
    lv_setup --persist || return
    publish "$LV_NODE" user_not_ready_reason before1
    lv_watch restart "$1" --json --keepalive 2 "$LV_NODE"
    wait_for "$WORK/restart.err" 'watching 1 node \(1 new subscription\)' 15 || return
    publish "$LV_NODE" user_ready live1
    wait_for "$WORK/restart.out" '"item":"live1"' 10 || return
    private_kill || return
    wait_for "$WORK/restart.out" '"state":"lost"' 20 || return
    private_restart || return
    publish "$LV_NODE" user_talking_pending gap1
    wait_for "$WORK/restart.out" '"state":"online"' 30 || return
    wait_for "$WORK/restart.out" '"item":"gap1"' 15 || return
    lost=$(line_no "$WORK/restart.out" '"kind":"session","state":"lost","cause":".+","attempt":1,"retry_ms":[0-9]+')
    online=$(line_no "$WORK/restart.out" '"kind":"session","state":"online","attempt":[0-9]+,"jid":"supervisor@localhost/')
    resync=$(line_no "$WORK/restart.out" '"resync":true,"node":"'"$LV_NODE"'"')
    ((lost > 0 && online > lost)) || fail "no lost line before an online line"
    ((resync > online)) || fail "no item marked resync after the online line"
    grep "\"node\":\"$LV_NODE\"" "$WORK/restart.out" | tail -1 |
        grep -q '"item":"gap1".*"state":"TALKING"' ||
        fail "the last event of the node is not the last published: $(grep "\"node\"" "$WORK/restart.out" | tail -1)"
    grep -q 'perch: online again as supervisor@localhost/' "$WORK/restart.err" ||
        fail "stderr does not say it is online again"
    lv_end "$LV_PID" restart
    expect_rc 0 "$(p subscriptions $(conn_args tcp supervisor SUP_PW))"
    [[ ! -s $OUT ]] || fail "watch left its subscription: $(cat "$OUT")"
}
per_transport restarted_server_is_resumed_and_the_state_is_the_last_published

# --no-reconnect: today's behaviour, exit 3 on a loss.
t_watch_no_reconnect_exits_3_on_a_loss() {
    local rc=0
    lv_setup || return
    lv_watch once tcp --no-reconnect "$LV_NODE"
    wait_for "$WORK/once.err" 'watching 1 node' 15 || return
    private_kill || return
    wait "$LV_PID" || rc=$?
    LV_PIDS=()
    expect_rc 3 "$rc"
    grep -q 'reconnecting' "$WORK/once.err" && fail "it tried to reconnect"
}

# Two watchers of one node by one account share its bare-JID
# subscription: the first to leave does not take it from the second,
# which still receives and, leaving last, removes it.
two_watchers_share_one_subscription() {
    local a b conn
    trap lv_teardown EXIT
    read -r -a conn <<<"$(conn_args tcp supervisor SUP_PW)"
    lv_watch first "$1" --json "$LV_NODE"
    a=$LV_PID
    wait_for "$WORK/first.err" 'watching 1 node \(1 new subscription\)' 15 || return
    lv_watch second "$1" --json "$LV_NODE"
    b=$LV_PID
    wait_for "$WORK/second.err" 'watching 1 node \(0 new subscriptions\)' 15 || return
    lv_end "$a" first
    expect_rc 0 "$(p subscriptions "${conn[@]}")"
    expect_out "^$LV_NODE +subscribed"
    publish "$LV_NODE" user_ready shared1
    wait_for "$WORK/second.out" '"item":"shared1"' 10 || return
    lv_end "$b" second
    LV_PIDS=()
    expect_rc 0 "$(p subscriptions "${conn[@]}")"
    ! grep -q "^$LV_NODE " "$OUT" || fail "the last watcher left the subscription"
}
per_transport two_watchers_share_one_subscription

# watch shows what was asked: only its nodes (not the account's other
# subscriptions), each line with its node; --count counts those only.
t_watch_prints_only_its_nodes_with_a_node_column() {
    local other=/finesse/api/SystemInfo rc=0 pid conn
    trap lv_teardown EXIT
    read -r -a conn <<<"$(conn_args tcp supervisor SUP_PW)"
    expect_rc 0 "$(p subscribe "${conn[@]}" "$other")"
    "$PERCH" watch "${conn[@]}" --count 1 "$LV_NODE" >"$WORK/only.out" 2>"$WORK/only.err" &
    pid=$!
    wait_for "$WORK/only.err" 'watching 1 node' 15 || return
    publish "$other" systeminfo_out_of_service other1
    publish "$LV_NODE" user_ready mine1
    wait "$pid" || rc=$?
    expect_rc 0 "$rc"
    p unsubscribe "${conn[@]}" "$other" >/dev/null
    [[ $(wc -l <"$WORK/only.out") == 1 ]] || fail "printed $(wc -l <"$WORK/only.out") lines: $(cat "$WORK/only.out")"
    grep -qE '^PUT +user +(…)?[^ ]*/User/1001001 +47483648 +Isaac Newton +READY' "$WORK/only.out" ||
        fail "no user line with its node: $(cat "$WORK/only.out")"
}

# probe --reconnect watches on across a loss and says so.
t_probe_reconnect_reports_each_loss_and_login() {
    local rc=0 pid
    lv_setup || return
    "$PERCH" probe $(conn_args tcp supervisor SUP_PW) --reconnect --keepalive 2 \
        --duration 30 >"$WORK/pr.out" 2>"$WORK/pr.err" &
    pid=$!
    LV_PIDS+=("$pid")
    wait_for "$WORK/pr.out" 'ready +supervisor@' 15 || return
    private_kill || return
    wait_for "$WORK/pr.out" 'LOST .*reconnecting in' 10 || return
    private_restart || return
    # the second login: a ready line after a LOST line
    wait_for_after "$WORK/pr.out" 'LOST ' 'ready +supervisor@' 30 || return
    [[ $(grep -c 'ready ' "$WORK/pr.out") == 2 ]] || fail "not logged in twice: $(cat "$WORK/pr.out")"
    kill -TERM "$pid"
    wait "$pid" || rc=$?
    LV_PIDS=()
}

# A half-open connection (the peer keeps the socket and answers nothing)
# is a loss once a keepalive goes unanswered.
t_half_open_tcp_connection_is_a_loss() {
    local t0 ms
    start_evil silent || return
    t0=$(now_ms)
    expect_rc 3 "$(evil_rc 20 probe $(evil_conn) --keepalive 2 --duration 15)"
    ms=$(($(now_ms) - t0))
    stop_evil
    expect_out 'LOST +the server did not answer a keepalive ping within 2 s'
    ((ms < 8000)) || fail "the loss took $ms ms with --keepalive 2"
}

# BOSH without keepalive pings: a request the silent server never answers
# is resent once after its wait + 10 s, and unanswered again it is a loss
# (the resend-once rule on its own).
t_bosh_request_unanswered_twice_is_a_loss() {
    local t0 ms
    lv_setup || return
    lv_watch twice bosh --json --keepalive 0 --bosh-wait 2 "$LV_NODE"
    wait_for "$WORK/twice.err" 'watching 1 node' 15 || return
    kill -STOP "$PROSODY_PID"
    t0=$(now_ms)
    wait_for "$WORK/twice.out" '"kind":"session","state":"lost"' 40 || return
    ms=$(($(now_ms) - t0))
    grep -qE '"cause":"connection to [^"]* lost: no answer to rid [0-9]+ within 12 s, twice"' "$WORK/twice.out" ||
        fail "the cause is not the unanswered request: $(grep lost "$WORK/twice.out")"
    # the first timeout (12 s) is resent; the loss comes with the second
    ((ms > 20000)) || fail "lost after $ms ms: before the resend could time out"
    kill -CONT "$PROSODY_PID"
    wait_for "$WORK/twice.out" '"kind":"session","state":"online"' 40 || return
    lv_end "$LV_PID" twice
}

# A watch killed with -9 leaves its subscription (full JID here) and its
# ledger entry: subscriptions --stale lists that leftover, unsubscribe
# --stale removes it on the service and from the ledger.
t_a_crashed_watch_leaves_a_leftover_that_stale_lists_and_removes() {
    local conn pid
    trap lv_teardown EXIT
    read -r -a conn <<<"$(conn_args tcp supervisor SUP_PW)"
    lv_watch crashed tcp --full-jid "$LV_NODE"
    pid=$LV_PID
    wait_for "$WORK/crashed.err" 'watching 1 node \(1 new subscription\)' 15 || return
    expect_rc 0 "$(p subscriptions "${conn[@]}")"
    expect_out "^$LV_NODE +subscribed +supervisor@localhost/perch-"
    expect_rc 0 "$(p subscriptions "${conn[@]}" --stale)"
    [[ ! -s $OUT ]] || fail "a running watch's subscription is listed as stale: $(cat "$OUT")"
    kill -KILL "$pid"
    wait "$pid" 2>/dev/null
    LV_PIDS=()
    expect_rc 0 "$(p subscriptions "${conn[@]}" --stale --json)"
    expect_out "^\\{\"node\":\"$LV_NODE\",\"jid\":\"supervisor@localhost/perch-[^\"]+\",(\"subid\":\"[^\"]+\",)?\"pid\":$pid\\}\$"
    expect_rc 0 "$(p unsubscribe "${conn[@]}" --stale)"
    expect_out "^unsubscribed $LV_NODE  jid supervisor@localhost/perch-"
    expect_rc 0 "$(p subscriptions "${conn[@]}")"
    ! grep -q "^$LV_NODE " "$OUT" || fail "the leftover is still on the service: $(cat "$OUT")"
    expect_rc 0 "$(p subscriptions "${conn[@]}" --stale)"
    [[ ! -s $OUT ]] || fail "the leftover is still in the ledger: $(cat "$OUT")"
}
