# The console in a Finesse cluster (tests/prosody/cluster.sh): the
# failover rules (src/rest/failover.c) as the banner, the status bar and
# the panes show them, and the resync through REST. Sourced by run.sh.
# shellcheck shell=bash
# shellcheck disable=SC2034,SC2153 # SIZE, CONN: lib.sh

# shellcheck source=tests/prosody/cluster.sh
source "$ROOT/tests/prosody/cluster.sh"

# cl_rest HOST ARGS...: perch rest as the agent on HOST's node; the
# answer in $TD/rest.out.
cl_rest() {
    local host=$1
    shift
    "$PERCH" rest -j "1001001@$DOMAIN" --password-file "$CLUSTER_PW_FILE" \
        -s "$host" -p "$C2S_PORT" --ca-file "$CA_FILE" \
        --rest "https://$host:$CLUSTER_REST_PORT" "$@" >"$TD/rest.out" 2>&1 ||
        fail "perch rest $*: $(tail -c 300 "$TD/rest.out")"
}

# cl_conn HOST: the console's CONN to HOST's node, REST beside it.
cl_conn() {
    CONN=(-j "1001001@$DOMAIN" --password-file "$CLUSTER_PW_FILE" -s "$1"
        -p "$C2S_PORT" --ca-file "$CA_FILE" --keepalive 2
        --rest "https://$1:$CLUSTER_REST_PORT")
}

# The primary's Prosody killed while the secondary's REST is silent
# (its simulator stopped): the banner says, in the desktop's words, that
# a reachable server is being looked for; the secondary back, the console
# is on it (status bar), the agent's state there comes from REST (the
# node keeps no items; Console says where it came from), and a state
# published there is shown.
t_console_moves_to_the_secondary_when_the_primary_prosody_dies() {
    private_start "$TD/srv" || return
    trap 'kill -CONT "${CLUSTER_SIM_PIDS[1]:-0}" 2>/dev/null; cluster_stop; private_stop' EXIT
    mkdir -p "$TD/cl"
    cluster_start "$TD/cl" --agents 2 --teams 1 --queues 1 --rate 5 --no-outage ||
        { fail "the cluster did not start"; return 1; }
    cl_rest 127.0.0.1 PUT User/1001001 '<User><state>LOGIN</state></User>'
    cl_rest 127.0.0.2 PUT User/1001001 '<User><state>LOGIN</state></User>'
    cl_rest 127.0.0.2 PUT User/1001001 '<User><state>NOT_READY</state><reasonCodeId>13</reasonCodeId></User>'
    PUB_PW=$PUBLISHER_PASS "$PERCH" send -j "publisher@$DOMAIN" --password-env PUB_PW \
        -s 127.0.0.2 -p "$C2S_PORT" --ca-file "$CA_FILE" \
        "<iq type='set' to='$PUBSUB'><pubsub xmlns='http://jabber.org/protocol/pubsub#owner'><purge node='/finesse/api/User/1001001'/></pubsub></iq>" \
        >"$TD/purge.out" 2>&1 || fail "purge: $(cat "$TD/purge.out")"
    cl_conn 127.0.0.1
    SIZE=160x48
    tui_start /finesse/api/User/1001001 || return
    wait_screen '│ primary IN_SERVICE │' 10 || return
    wait_screen '1001001 +Łukasz Haddad +1001001 +NOT_READY ' 10 || return
    kill -STOP "${CLUSTER_SIM_PIDS[1]}"
    kill -KILL "$PROSODY_PID"
    wait_screen '^ Lost connection to 127\.0\.0\.1 \(primary\)\. Please wait for a reachable Finesse Server to be found' 10 || return
    expect_screen '│ reconnecting │'
    kill -CONT "${CLUSTER_SIM_PIDS[1]}"
    wait_screen '│ secondary IN_SERVICE │' 20 || return
    wait_gone 'Please wait for a reachable' 10 || return
    # the agent's state on the secondary: from REST (no items there)
    wait_screen '1001001 +Łukasz Haddad +1001001 +NOT_READY .* Break' 10 || return
    keys 4
    wait_screen "refreshed User/1001001 from REST https://127\.0\.0\.2:$CLUSTER_REST_PORT/finesse/api/User/1001001 \(200 in [0-9]+ ms\)" 10 || return
    # a state published on the secondary is shown
    keys 2
    cl_rest 127.0.0.2 PUT User/1001001 '<User><state>NOT_READY</state><reasonCodeId>12</reasonCodeId></User>'
    wait_screen '1001001 +Łukasz Haddad +1001001 +NOT_READY .* Lunch' 10 || return
    tui_quit
}

# SystemInfo OUT_OF_SERVICE on the primary (an Update): the console
# leaves it for the secondary; the primary back IN_SERVICE, it stays
# there (as the desktop does) until /node primary.
t_console_leaves_an_out_of_service_primary_and_goes_back_only_when_asked() {
    trap cluster_stop EXIT
    mkdir -p "$TD/cl"
    cluster_start "$TD/cl" --agents 2 --teams 1 --queues 1 --rate 5 --no-outage ||
        { fail "the cluster did not start"; return 1; }
    cl_rest 127.0.0.2 PUT User/1001001 '<User><state>LOGIN</state></User>'
    cl_conn 127.0.0.1
    SIZE=160x48
    tui_start /finesse/api/SystemInfo /finesse/api/User/1001001 || return
    wait_screen '│ primary IN_SERVICE │' 10 || return
    kill -USR1 "${CLUSTER_SIM_PIDS[0]}"
    wait_screen '│ secondary IN_SERVICE │' 15 || return
    # the primary in service again: the console stays
    kill -USR1 "${CLUSTER_SIM_PIDS[0]}"
    local deadline=$((SECONDS + 10))
    until cl_rest 127.0.0.1 GET SystemInfo && grep -q '<status>IN_SERVICE' "$TD/rest.out"; do
        ((SECONDS < deadline)) || { fail "the primary never said IN_SERVICE again"; return 1; }
        sleep 0.1
    done
    cl_rest 127.0.0.2 PUT User/1001001 '<User><state>NOT_READY</state><reasonCodeId>12</reasonCodeId></User>'
    wait_screen '1001001 +Łukasz Haddad +1001001 +NOT_READY .* Lunch' 10 || return
    expect_screen '│ secondary IN_SERVICE │'
    type_line "/node primary"
    wait_screen '│ primary IN_SERVICE │' 15 || return
    tui_quit
}
