# A Finesse cluster in the harness (tests/prosody/cluster.sh): a second
# Prosody on 127.0.0.2 with the same ports, a simulator on each as the
# primary and the secondary; sourced by run.sh. Each test runs in a
# subshell of its own: its EXIT trap stops what it started.
# shellcheck shell=bash

# shellcheck source=tests/prosody/cluster.sh
source "$ROOT/tests/prosody/cluster.sh"

# node_get ADDR: GET SystemInfo from the simulator on ADDR into $OUT.
node_get() {
    local host=$1
    [[ $host == 127.0.0.1 ]] && host=localhost
    p rest -j "1001001@$DOMAIN" --password-file "$CLUSTER_PW_FILE" \
        --ca-file "$CA_FILE" --rest "https://$host:$CLUSTER_REST_PORT" GET SystemInfo
}

t_a_pair_of_simulators_plays_a_primary_and_a_secondary() {
    local deadline
    trap cluster_stop EXIT
    mkdir -p "$WORK/cluster"
    cluster_start "$WORK/cluster" || { fail "the cluster did not start"; return; }
    for addr in 127.0.0.1 127.0.0.2; do
        expect_rc 0 "$(node_get "$addr")"
        expect_out "^HTTP 200 OK in [0-9]+ ms  GET https://(localhost|$addr):$CLUSTER_REST_PORT/finesse/api/SystemInfo"
        grep -A1 '<primaryNode>' "$OUT" | grep -q '<host>127.0.0.1</host>' || fail "$addr: primary not 127.0.0.1"
        grep -A1 '<secondaryNode>' "$OUT" | grep -q '<host>127.0.0.2</host>' || fail "$addr: secondary not 127.0.0.2"
        expect_out '<status>IN_SERVICE</status>'
    done
    # each node is a service of its own: the secondary out of service, the
    # primary still in
    kill -USR1 "${CLUSTER_SIM_PIDS[1]}"
    deadline=$((SECONDS + 5))
    until node_get 127.0.0.2 >/dev/null && grep -q '<status>OUT_OF_SERVICE</status>' "$OUT"; do
        ((SECONDS < deadline)) || { fail "the secondary never said OUT_OF_SERVICE"; break; }
        sleep 0.1
    done
    expect_rc 0 "$(node_get 127.0.0.1)"
    expect_out '<status>IN_SERVICE</status>'
    # XMPP to the secondary's own Prosody, over TCP and BOSH
    expect_rc 0 "$(p send -j "1001001@$DOMAIN" --password-file "$CLUSTER_PW_FILE" \
        -s 127.0.0.2 -p "$C2S_PORT" --ca-file "$CA_FILE" "$PING")"
    expect_out "type='result'"
    expect_rc 0 "$(p send -j "1001001@$DOMAIN" --password-file "$CLUSTER_PW_FILE" \
        --bosh "https://127.0.0.2:$HTTPS_PORT/http-bind" --ca-file "$CA_FILE" "$PING")"
    grep -q '1001001@localhost' "$CLUSTER_DIR2/prosody.log" || fail "no login in the second Prosody's log"
}

# ---- failover: the developer guide's rules (src/rest/failover.c) ----

FO_PIDS=()
FO_NAMES=()

# fo_setup: a private Prosody as the primary (the suite's shared one must
# stay up), the cluster beside it; all of it, and every perch fo_watch
# started, stopped by PID when the test's subshell ends.
fo_setup() {
    private_start "$WORK/fo.$BASHPID" || return 1
    trap fo_teardown EXIT
    mkdir -p "$WORK/fo.$BASHPID.c"
    cluster_start "$WORK/fo.$BASHPID.c" --agents 2 --teams 1 --queues 1 \
        --rate 5 --no-outage || { fail "the cluster did not start"; return 1; }
}

fo_teardown() {
    local pid
    [[ -s $FAILURES ]] && fo_show
    for pid in "${FO_PIDS[@]}"; do
        kill -TERM "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
    done
    cluster_stop
    private_stop
}

# fo_show: what each fo_watch and each simulator wrote, on stderr (the
# test's output), for a failed test.
fo_show() {
    local name f
    for name in "${FO_NAMES[@]}"; do
        for f in "$WORK/$name.err" "$WORK/$name.out"; do
            echo "    --- $f:" >&2
            sed 's/^/    | /' "$f" >&2
        done
    done
    for f in "$WORK/fo.$BASHPID.c"/sim[12].err; do
        [[ -e $f ]] || continue
        echo "    --- $f:" >&2
        sed 's/^/    | /' "$f" >&2
    done
}

# fo_conn HOST: the agent's CONN options to the node on HOST (TCP), REST
# on the same host.
fo_conn() {
    echo -j "1001001@$DOMAIN" --password-file "$CLUSTER_PW_FILE" \
        -s "$1" -p "$C2S_PORT" --ca-file "$CA_FILE" \
        --rest "https://$1:$CLUSTER_REST_PORT"
}

# fo_bosh HOST: the same over BOSH (Prosody's /http-bind on HOST, polls
# held 2 s at most).
fo_bosh() {
    echo -j "1001001@$DOMAIN" --password-file "$CLUSTER_PW_FILE" \
        --bosh "https://$1:$HTTPS_PORT/http-bind" --bosh-wait 2 \
        --ca-file "$CA_FILE" --rest "https://$1:$CLUSTER_REST_PORT"
}

# fo_rest HOST ARGS...: perch rest as the agent on HOST's node.
fo_rest() {
    local host=$1
    shift
    p rest $(fo_conn "$host") "$@"
}

# fo_state HOST STATE: the agent's state on HOST's node.
fo_state() {
    expect_rc 0 "$(fo_rest "$1" PUT User/1001001 "<User><state>$2</state></User>")"
}

# fo_purge HOST NODE: the node's items removed on HOST's Prosody (a
# Finesse node may keep none).
fo_purge() {
    expect_rc 0 "$(PUB_PW=$PUBLISHER_PASS p send -j "publisher@$DOMAIN" --password-env PUB_PW \
        -s "$1" -p "$C2S_PORT" --ca-file "$CA_FILE" \
        "<iq type='set' to='$PUBSUB'><pubsub xmlns='http://jabber.org/protocol/pubsub#owner'><purge node='$2'/></pubsub></iq>")"
}

# fo_watch NAME ARGS...: perch watch --json of the agent's node in the
# background, from the primary (over TCP, or as FO_CONN, a function like
# fo_conn, says); stdout $WORK/NAME.out, stderr NAME.err.
fo_watch() {
    local name=$1
    shift
    "$PERCH" watch $("${FO_CONN:-fo_conn}" 127.0.0.1) --keepalive 2 --json "$@" \
        /finesse/api/User/1001001 >"$WORK/$name.out" 2>"$WORK/$name.err" &
    FO_PIDS+=($!)
    FO_NAMES+=("$name")
}

# fo_end NAME: the newest fo_watch ended by SIGTERM: exit 0.
fo_end() {
    local rc=0 pid=${FO_PIDS[-1]}
    kill -TERM "$pid"
    wait "$pid" || rc=$?
    [[ $rc == 0 ]] || fail "watch $1 exited $rc: $(tail -c 400 "$WORK/$1.err")"
    cat "$WORK/$1.err" >>"$ERR"
}

# The primary's Prosody killed: watch (which learnt the pair from
# SystemInfo over REST) finds the secondary IN_SERVICE and goes there; its
# session line names it; the secondary's node keeps no items, so the
# agent's state after the move comes from REST (said on stderr); an
# Update published there arrives.
t_watch_moves_to_the_secondary_when_the_primary_prosody_dies() {
    local online
    fo_setup || return
    fo_state 127.0.0.1 LOGIN
    fo_state 127.0.0.2 LOGIN
    expect_rc 0 "$(fo_rest 127.0.0.2 PUT User/1001001 "<User><state>NOT_READY</state><reasonCodeId>13</reasonCodeId></User>")"
    fo_purge 127.0.0.2 /finesse/api/User/1001001
    fo_watch killed --record "$WORK/killed.jsonl"
    wait_for "$WORK/killed.err" 'watching 1 node' 15 || return
    # the first login's resync through REST, from the primary
    wait_for "$WORK/killed.err" "refreshed User/1001001 from REST https://127.0.0.1:$CLUSTER_REST_PORT/finesse/api/User/1001001 \(200 in [0-9]+ ms\)" 10 || return
    wait_for "$WORK/killed.out" '"resync":true,"node":"/finesse/api/User/1001001".*"state":"NOT_READY"' 10 || return
    fo_state 127.0.0.1 NOT_READY
    wait_for "$WORK/killed.out" '"state":"NOT_READY"' 10 || return
    kill -KILL "$PROSODY_PID"
    wait_for "$WORK/killed.out" '"kind":"session","state":"lost".*"host":"127.0.0.1","role":"primary"' 10 || return
    wait_for "$WORK/killed.err" 'Lost connection to 127.0.0.1 \(primary\)\. Please wait for a reachable Finesse Server to be found' 10 || return
    wait_for "$WORK/killed.out" '"kind":"session","state":"online".*"host":"127.0.0.2","role":"secondary"' 15 || return
    grep -q 'perch: online again as 1001001@localhost/.* on 127.0.0.2 (secondary)' "$WORK/killed.err" ||
        fail "stderr does not name the secondary: $(grep online "$WORK/killed.err")"
    wait_for "$WORK/killed.err" "refreshed User/1001001 from REST https://127.0.0.2:$CLUSTER_REST_PORT/" 10 || return
    online=$(line_no "$WORK/killed.out" '"kind":"session","state":"online"')
    # REST's object: no pubsub item id
    tail -n +"$online" "$WORK/killed.out" | grep -v '"item":' |
        grep -q '"resync":true,"node":"/finesse/api/User/1001001",.*"state":"NOT_READY".*"reasonCodeId":"13"' ||
        fail "the secondary's state did not come from REST after the move: $(tail -n +"$online" "$WORK/killed.out")"
    fo_state 127.0.0.2 READY
    wait_for_after "$WORK/killed.out" '"state":"online"' '"state":"READY"' 10 || return
    fo_end killed
    # --record kept the failover's SystemInfo asks and the resync GETs of
    # both nodes as REST lines, without the password
    local n
    for n in 127.0.0.1 127.0.0.2; do
        grep -qE '"kind":"http","via":"rest","method":"GET","url":"https://'"${n//./\\.}:$CLUSTER_REST_PORT"'/finesse/api/SystemInfo","status":200,' "$WORK/killed.jsonl" ||
            fail "no SystemInfo of $n recorded: $(grep -c '"via":"rest"' "$WORK/killed.jsonl") REST lines"
        grep -qE '"kind":"http","via":"rest","method":"GET","url":"https://'"${n//./\\.}:$CLUSTER_REST_PORT"'/finesse/api/User/1001001","status":200,' "$WORK/killed.jsonl" ||
            fail "no resync GET of $n recorded"
    done
    ! grep -qFf "$CLUSTER_PW_FILE" "$WORK/killed.jsonl" || fail "the password is in the recording"
    ! grep -qi '"authorization' "$WORK/killed.jsonl" || fail "an Authorization header in the recording"
}

# The same over BOSH: the other node is the --bosh URL with its host
# swapped; on the secondary's Prosody the session is a BOSH one.
t_watch_over_bosh_moves_to_the_secondary_when_the_primary_prosody_dies() {
    local FO_CONN=fo_bosh
    fo_setup || return
    fo_state 127.0.0.2 LOGIN
    fo_watch bkilled
    wait_for "$WORK/bkilled.err" 'watching 1 node' 15 || return
    wait_for "$WORK/bkilled.out" '"resync":true,"node":"/finesse/api/User/1001001".*"state":"LOGOUT"' 10 || return
    kill -KILL "$PROSODY_PID"
    wait_for "$WORK/bkilled.out" '"kind":"session","state":"lost".*"host":"127.0.0.1","role":"primary"' 15 || return
    wait_for "$WORK/bkilled.out" '"kind":"session","state":"online".*"host":"127.0.0.2","role":"secondary"' 15 || return
    grep -q 'perch: online again as 1001001@localhost/.* on 127.0.0.2 (secondary)' "$WORK/bkilled.err" ||
        fail "stderr does not name the secondary: $(grep online "$WORK/bkilled.err")"
    grep -qE 'bosh[0-9a-f-]+[[:space:]]+info[[:space:]]+Authenticated as 1001001@' "$CLUSTER_DIR2/prosody.log" ||
        fail "the agent did not log in over BOSH on the secondary's Prosody"
    fo_state 127.0.0.2 READY
    wait_for_after "$WORK/bkilled.out" '"state":"online"' '"state":"READY"' 10 || return
    fo_end bkilled
}

# OUT_OF_SERVICE on the primary (its simulator's SIGUSR1, an Update on
# the SystemInfo node): watch leaves it for the secondary IN_SERVICE;
# the primary back IN_SERVICE, watch stays where it is, as the desktop.
t_watch_leaves_an_out_of_service_primary_and_stays_when_it_is_back() {
    local online deadline
    fo_setup || return
    fo_state 127.0.0.2 LOGIN
    fo_watch oos /finesse/api/SystemInfo
    wait_for "$WORK/oos.err" 'watching 2 nodes' 15 || return
    kill -USR1 "${CLUSTER_SIM_PIDS[0]}"
    wait_for "$WORK/oos.out" '"status":"OUT_OF_SERVICE"' 10 || return
    wait_for "$WORK/oos.err" 'Leaving 127.0.0.1 \(primary\) for 127.0.0.2 \(secondary\): this node is OUT_OF_SERVICE' 10 || return
    wait_for "$WORK/oos.out" '"kind":"session","state":"online".*"host":"127.0.0.2","role":"secondary"' 15 || return
    grep -q '"kind":"session","state":"lost".*"host":"127.0.0.1","role":"primary"' "$WORK/oos.out" ||
        fail "the lost line does not name the primary: $(grep '"state":"lost"' "$WORK/oos.out")"
    # the primary in service again: still on the secondary
    kill -USR1 "${CLUSTER_SIM_PIDS[0]}"
    deadline=$((SECONDS + 10))
    until fo_rest 127.0.0.1 GET SystemInfo >/dev/null && grep -q '<status>IN_SERVICE' "$OUT"; do
        ((SECONDS < deadline)) || { fail "the primary never said IN_SERVICE again"; return; }
        sleep 0.1
    done
    fo_state 127.0.0.2 READY
    wait_for_after "$WORK/oos.out" '"state":"online"' '"state":"READY"' 10 || return
    online=$(grep -c '"kind":"session","state":"online"' "$WORK/oos.out")
    [[ $online == 1 ]] || fail "watch moved again: $(grep '"kind":"session"' "$WORK/oos.out")"
    fo_end oos
}

# fin_presence: the finesse user (what Finesse's webapp is to the
# notification service) sends the agent directed presence; its session
# ending, the server sends the agent its unavailable presence.
fin_presence() {
    expect_rc 0 "$(FIN_PW=finessepw p send -j "finesse@$DOMAIN" --password-env FIN_PW \
        -s 127.0.0.1 -p "$C2S_PORT" --ca-file "$CA_FILE" "<presence to='1001001@$DOMAIN'/>")"
}

# The finesse user's presence UNAVAILABLE on the node watch is on: watch
# waits there for AVAILABLE (and IN_SERVICE), as the developer guide
# says, though the secondary serves — no move, no new session — and says
# so each time it happens; the agent's events still come.
t_watch_waits_while_the_finesse_user_is_unavailable() {
    local re='Finesse on 127\.0\.0\.1 \(primary\) is UNAVAILABLE \(the finesse user.s presence\): waiting for it to be AVAILABLE and IN_SERVICE'
    local deadline
    fo_setup || return
    prosodyctl --config "$PROSODY_CONFIG" register finesse "$DOMAIN" finessepw \
        >"$WORK/fin-register.log" 2>&1 || {
        fail "prosodyctl register: $(cat "$WORK/fin-register.log")"
        return
    }
    fo_watch fin /finesse/api/SystemInfo
    wait_for "$WORK/fin.err" 'watching 2 nodes' 15 || return
    # the pair known (SystemInfo at login, through REST)
    wait_for "$WORK/fin.out" '"kind":"systeminfo".*"secondaryNode"' 10 || return
    fin_presence
    wait_for "$WORK/fin.err" "$re" 10 || return
    # AVAILABLE ends the wait; UNAVAILABLE again is a second one, said again
    fin_presence
    deadline=$((SECONDS + 10))
    until (($(grep -cE -- "$re" "$WORK/fin.err") >= 2)); do
        ((SECONDS < deadline)) || { fail "the second UNAVAILABLE was not said: $(cat "$WORK/fin.err")"; return; }
        sleep 0.1
    done
    fo_state 127.0.0.1 LOGIN
    wait_for "$WORK/fin.out" '"source":"/finesse/api/User/1001001".*"state":"NOT_READY"' 10 || return
    ! grep -q '"kind":"session"' "$WORK/fin.out" ||
        fail "watch left the node: $(grep '"kind":"session"' "$WORK/fin.out")"
    ! grep -qE 'Leaving|Connecting to' "$WORK/fin.err" || fail "watch moved: $(cat "$WORK/fin.err")"
    fo_end fin
}
