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
