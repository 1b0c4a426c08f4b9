# BOSH faults Prosody will not produce on demand, injected by
# tests/tools/boshproxy in front of Prosody's /http-bind (real XMPP still
# comes from Prosody); sourced by run.sh.
# shellcheck shell=bash

BOSHPROXY=${BOSHPROXY:-$ROOT/build/tools/boshproxy}
PROXY_PID=
PROXY_LOG=$WORK/proxy.log
PING_MATCH='urn%3Axmpp%3Aping'

# start_proxy [--fault SPEC]...: sets PROXY_URL; stopped by stop_proxy.
start_proxy() {
    local ready=$WORK/proxy.ready port _
    : >"$PROXY_LOG"
    # emptied here, not by the redirection below: that happens in the
    # child, maybe after wait_for read a former proxy's port
    : >"$ready"
    "$BOSHPROXY" --listen-port 0 --upstream "$BOSH_HTTP_URL" --log "$PROXY_LOG" "$@" >"$ready" 2>&1 &
    PROXY_PID=$!
    wait_for "$ready" '^ready [0-9]+$' 5 || return 1
    port=$(sed -n 's/^ready \([0-9]*\)$/\1/p' "$ready")
    PROXY_URL=http://127.0.0.1:$port/http-bind
}

stop_proxy() {
    [[ -n $PROXY_PID ]] || return 0
    kill -TERM "$PROXY_PID" 2>/dev/null
    wait "$PROXY_PID" 2>/dev/null
    PROXY_PID=
}

via_proxy() {
    echo -j "agent@$DOMAIN" --password-env AGENT_PW --bosh "$PROXY_URL" --allow-plaintext-auth
}

max_outstanding() {
    sed -n 's/^req .* outstanding=\([0-9]*\)$/\1/p' "$PROXY_LOG" | sort -n | tail -1
}

t_bosh_unanswered_request_is_resent_byte_identical_with_the_same_rid() {
    start_proxy --fault "hang:$PING_MATCH"
    # wait 2 s + 10 s margin: then the same rid again, and the held reply
    # the proxy replays completes the ping
    expect_rc 0 "$(p send $(via_proxy) --bosh-wait 2 --timeout 30 "$PING")"
    stop_proxy
    expect_out "type='result'"
    grep -q '^fault .* spec=hang' "$PROXY_LOG" || fail "the fault did not fire"
    grep -q '^resend rid=[0-9]* identical=yes$' "$PROXY_LOG" || fail "no byte-identical resend: $(grep -E '^(fault|resend)' "$PROXY_LOG")"
    grep -q 'action=replay' "$PROXY_LOG" || fail "no replay"
}

t_bosh_http_500_is_resent_and_the_session_goes_on() {
    start_proxy --fault "status:$PING_MATCH:500"
    expect_rc 0 "$(p send $(via_proxy) "$PING")"
    stop_proxy
    grep -q '^resend rid=[0-9]* identical=yes$' "$PROXY_LOG" || fail "no identical resend after 500"
}

t_bosh_http_404_ends_the_session_with_exit_3() {
    start_proxy --fault "status:$PING_MATCH:404"
    expect_rc 3 "$(p send $(via_proxy) "$PING")"
    stop_proxy
    expect_err 'BOSH session ended by .*: HTTP 404 \(session unknown to the server, or wrong URL\)'
}

t_bosh_each_terminate_condition_is_named() {
    local cond
    for cond in bad-request host-gone host-unknown improper-addressing \
        internal-server-error item-not-found other-request policy-violation \
        remote-connection-failed remote-stream-error see-other-uri \
        system-shutdown undefined-condition; do
        start_proxy --fault "terminate:$PING_MATCH:$cond"
        expect_rc 3 "$(p send $(via_proxy) "$PING")"
        stop_proxy
        expect_err "BOSH session terminated by the server: $cond"
    done
    start_proxy --fault "terminate:$PING_MATCH:see-other-uri"
    p send $(via_proxy) "$PING" >/dev/null
    stop_proxy
    expect_err 'see-other-uri: use https://other.example:7443/http-bind/'
    start_proxy --fault "terminate:$PING_MATCH:remote-stream-error"
    p send $(via_proxy) "$PING" >/dev/null
    stop_proxy
    expect_err 'remote-stream-error: conflict \(Replaced by new connection\)'
}

t_bosh_never_more_requests_in_flight_than_the_server_allows() {
    local q="" i
    for i in $(seq 30); do
        q+="<iq type='get' to='$DOMAIN'><ping xmlns='urn:xmpp:ping'/></iq>"
    done
    start_proxy --fault "delay:$PING_MATCH:300"
    expect_rc 0 "$(printf '%s' "$q" | p send $(via_proxy) -)"
    stop_proxy
    [[ $(grep -c '"type":"result"\|type=.result.' "$OUT") -ge 30 ]] || fail "not all 30 replies"
    local max
    max=$(max_outstanding)
    [[ -n $max && $max -le 2 ]] || fail "up to $max requests in flight (Prosody allows 2)"
    [[ $(grep -c '^req ' "$PROXY_LOG") -lt 30 ]] || fail "stanzas were not batched"
}

t_bosh_probe_reports_a_lost_session_with_exit_3() {
    start_proxy --fault "terminate:$PING_MATCH:system-shutdown"
    expect_rc 3 "$(p probe $(via_proxy) --duration 5)"
    stop_proxy
    expect_out 'LOST +BOSH session terminated by the server: system-shutdown'
    expect_out 'summary  connection LOST'
}

t_bosh_features_arriving_in_a_second_response_still_log_in() {
    # the creation response keeps its attributes but loses its children,
    # which come on the next response
    start_proxy --fault "split:xmpp%3Aversion"
    expect_rc 0 "$(p send $(via_proxy) "$PING")"
    stop_proxy
    grep -q 'action=split' "$PROXY_LOG" || fail "the creation response was not split"
    grep -q 'action=joined' "$PROXY_LOG" || fail "the features were not moved on"
    expect_out "type='result'"
}

t_bosh_reply_arriving_in_a_later_body_is_matched_by_id() {
    start_proxy --fault "split:$PING_MATCH"
    expect_rc 0 "$(p send $(via_proxy) --bosh-wait 2 "$PING")"
    stop_proxy
    grep -q 'action=split' "$PROXY_LOG" || fail "the ping's response was not split"
    grep -q 'action=joined' "$PROXY_LOG" || fail "the reply was not moved on"
    expect_out "type='result'"
}

t_bosh_garbled_body_ends_the_session_with_the_reason() {
    start_proxy --fault "garble:$PING_MATCH"
    expect_rc 3 "$(p send $(via_proxy) "$PING")"
    stop_proxy
    expect_err 'answered rid [0-9]+ with a bad body: response is not well-formed at byte [0-9]+'
}

t_bosh_connection_closed_mid_response_is_resent() {
    start_proxy --fault "cut:$PING_MATCH"
    expect_rc 0 "$(p send $(via_proxy) "$PING")"
    stop_proxy
    grep -q 'action=cut' "$PROXY_LOG" || fail "no response was cut"
    grep -q '^resend rid=[0-9]* identical=yes$' "$PROXY_LOG" || fail "no identical resend after the cut"
    expect_out "type='result'"
}

t_bosh_goes_through_the_http_proxy_given_with_proxy() {
    # the BOSH URL names a host that does not resolve: only the proxy,
    # which forwards to Prosody, can make this work
    start_proxy
    expect_rc 0 "$(p send -j "agent@$DOMAIN" --password-env AGENT_PW \
        --bosh http://bosh.invalid:5280/http-bind --allow-plaintext-auth \
        --proxy "${PROXY_URL%/http-bind}" "$PING")"
    stop_proxy
    expect_out "type='result'"
    grep -q '^req ' "$PROXY_LOG" || fail "nothing went through the proxy"
}
