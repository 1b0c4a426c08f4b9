# WebSocket faults Prosody will not produce on demand, put in by
# tests/tools/wsproxy between perch and Prosody's mod_websocket (the XMPP
# still comes from Prosody); sourced by run.sh. Most faults fire right
# after the answer to the bind, before the reply to what perch sends.
# shellcheck shell=bash

WSP_PID=
WSP_LOG=$WORK/wsproxy.log

# start_wsproxy [--fault SPEC]: sets WSP_URL; stopped by stop_wsproxy.
start_wsproxy() {
    local ready=$WORK/wsproxy.ready port
    : >"$WSP_LOG"
    rm -f "$ready" # not the last proxy's line
    "$WSPROXY" --listen-port 0 --upstream-port "$HTTP_PORT" --log "$WSP_LOG" "$@" >"$ready" 2>&1 &
    WSP_PID=$!
    wait_for "$ready" '^ready [0-9]+$' 5 || return 1
    port=$(sed -n 's/^ready \([0-9]*\)$/\1/p' "$ready")
    WSP_URL=ws://127.0.0.1:$port/xmpp-websocket
}

stop_wsproxy() {
    [[ -n $WSP_PID ]] || return 0
    kill -TERM "$WSP_PID" 2>/dev/null
    wait "$WSP_PID" 2>/dev/null
    WSP_PID=
}

via_wsproxy() {
    echo -j "agent@$DOMAIN" --password-env AGENT_PW --ws "$WSP_URL" --allow-plaintext-auth
}

# fault_case SPEC REGEX: perch send through the fault exits 3 with REGEX
# on stderr, and the proxy says the fault fired.
fault_case() {
    local spec=$1 re=$2
    start_wsproxy --fault "$spec" || return
    expect_rc 3 "$(p send $(via_wsproxy) "$PING")"
    expect_err "$re"
    stop_wsproxy
    grep -q "^fault ${spec%%:*}\$" "$WSP_LOG" || fail "$spec: the proxy did not fire"
}

t_ws_fault_close_codes_are_named() {
    local row code name
    for row in "1000:normal closure" "1001:going away" "1002:protocol error" \
        "1003:unsupported data" "1007:invalid payload data" \
        "1008:policy violation" "1009:message too big" \
        "1010:mandatory extension" "1011:internal server error" \
        "3001:registered \\(library or framework\\)" "4321:application-defined"; do
        code=${row%%:*} name=${row#*:}
        fault_case "close:$code" "closed the WebSocket: $code $name \\(\"wsproxy\"\\)$"
    done
    fault_case close:0 'closed the WebSocket: 1005 no status code$'
    # codes wslay 1.1 holds invalid on the wire are refused, and said so
    fault_case close:1012 'a close frame with the status code 1012, which RFC 6455 7.4 does not allow — perch closed the WebSocket with 1002 protocol error'
    fault_case close:999 'status code 999'
}

t_ws_fault_oversized_frame_is_refused_before_its_payload() {
    local start=$SECONDS
    fault_case oversize 'sent a frame of 33554432 bytes \(a message may have 16 MiB\) — perch closed the WebSocket with 1009 message too big'
    ((SECONDS - start < 5)) || fail "took $((SECONDS - start)) s"
}

t_ws_fault_masked_frame_from_the_server_is_refused() {
    fault_case masked 'sent a masked frame \(RFC 6455 5.1: a server never masks\) — perch closed the WebSocket with 1002 protocol error'
}

t_ws_fault_binary_message_is_refused() {
    fault_case binary 'sent a binary message \(RFC 7395 3.2.*1003 unsupported data'
}

t_ws_fault_ping_flood_is_refused() {
    fault_case pingflood 'sent a ping flood \(more than 50 pings in a second\) — perch closed the WebSocket with 1008 policy violation'
}

t_ws_fault_connection_dropped_mid_frame() {
    fault_case cut 'lost: closed without a WebSocket close frame \(1006 abnormal closure\), in the middle of a text frame \(10 of 100 bytes\)'
}

t_ws_fault_proxy_that_strips_the_upgrade() {
    start_wsproxy --fault strip-upgrade || return
    expect_rc 3 "$(p send $(via_wsproxy) "$PING")"
    expect_err 'HTTP 200 OK instead of 101 Switching Protocols: a plain HTTP answer: the connection was not upgraded — a proxy on the path that drops the Upgrade header'
    stop_wsproxy
    grep -q '^strip 5 headers$' "$WSP_LOG" || fail "the proxy stripped: $(grep strip "$WSP_LOG")"
}

# Frames split across TCP segments (headers byte by byte) and messages in
# fragments with pings between them: both legal, both read.
t_ws_fault_split_frames_and_fragmented_messages_still_work() {
    local spec
    for spec in split fragment; do
        start_wsproxy --fault "$spec" || return
        expect_rc 0 "$(p send $(via_wsproxy) "$DISCO_ITEMS")"
        expect_out "node='/finesse/api/User/1001001'"
        stop_wsproxy
    done
    start_wsproxy --fault fragment || return
    expect_rc 0 "$(p probe $(via_wsproxy) --duration 1 --json)"
    stop_wsproxy
    expect_out '"kind":"frame","dir":"in","opcode":"text","fin":false,"size":16'
    expect_out '"kind":"frame","dir":"in","opcode":"cont","fin":true,"size":[0-9]+,"stanzas":0,"what":"features"'
    expect_out '"kind":"summary".*"verdict":"healthy"'
}

# An idle timeout that drops the connection silently: pings go, nothing
# comes back; perch gives up after 3 and probe says so.
t_ws_fault_dead_path_is_found_by_pings() {
    start_wsproxy --fault blackhole || return
    expect_rc 3 "$(p probe $(via_wsproxy) --ws-ping 1 --duration 20)"
    stop_wsproxy
    [[ $(grep -c 'wsping   LOST: no pong within 1 s' "$OUT") == 3 ]] || fail "not 3 lost pings"
    expect_err 'no answer from ws://127.0.0.1:[0-9]+/xmpp-websocket to 3 WebSocket pings in a row'
    expect_out 'summary  connection LOST: close 1001 going away, 3 WebSocket pings lost'
}

# A close other than 1000 makes probe's verdict unhealthy even before the
# connection ends: here the server's close ends it (lost, exit 3), with
# the code in the summary.
t_ws_fault_probe_names_the_close_in_its_verdict() {
    start_wsproxy --fault close:1011 || return
    expect_rc 3 "$(p probe $(via_wsproxy) --duration 5 --json)"
    stop_wsproxy
    expect_out '"kind":"frame","dir":"in","opcode":"close".*"close_code":1011,"close_name":"internal server error","close_reason":"wsproxy"'
    expect_out '"kind":"summary".*"closes_not_normal":1.*"verdict":"lost","healthy":false'
}

# see-other-uri (RFC 7395 3.6.1) before login: followed to the same host,
# to another only when asked; after login: named, not followed.
t_ws_fault_see_other_uri_is_followed_to_the_same_host_only() {
    local other=ws://localhost:$HTTP_PORT/xmpp-websocket
    start_wsproxy --fault "seeother:$WS_URL" || return
    expect_rc 0 "$(p probe $(via_wsproxy) --duration 1 --json)"
    stop_wsproxy
    grep -q '^fault seeother$' "$WSP_LOG" || fail "the proxy did not send see-other-uri"
    [[ $(grep -c '"kind":"upgrade","status":101' "$OUT") == 2 ]] || fail "not two upgrades"
    expect_out '"kind":"frame","dir":"in","opcode":"text".*"what":"close"'
    expect_out '"kind":"summary".*"verdict":"healthy"'

    start_wsproxy --fault "seeother:$other" || return
    expect_rc 3 "$(p send $(via_wsproxy) "$PING")"
    stop_wsproxy
    expect_err "see-other-uri $other is on another host than 127.0.0.1: perch follows it only with --ws-follow-other-hosts"
    start_wsproxy --fault "seeother:$other" || return
    expect_rc 0 "$(p send $(via_wsproxy) --ws-follow-other-hosts "$PING")"
    stop_wsproxy

    start_wsproxy --fault "seeother-late:$WS_URL" || return
    expect_rc 3 "$(p send $(via_wsproxy) "$PING")"
    stop_wsproxy
    expect_err "sent perch to $WS_URL \\(see-other-uri\\) after login; connect there with --ws $WS_URL"
}

# One pong lost and the next answered: the connection stays, but probe's
# verdict is UNHEALTHY and it exits 6, as over BOSH (a lost ping is what
# precedes a desktop's "Lost connection").
t_ws_fault_one_lost_pong_makes_probe_unhealthy() {
    start_wsproxy --fault droppong || return
    expect_rc 6 "$(p probe $(via_wsproxy) --ws-ping 1 --duration 4)"
    stop_wsproxy
    [[ $(grep -c 'wsping   LOST: no pong within 1 s' "$OUT") == 1 ]] || fail "not one lost ping"
    expect_out 'wsping   [0-9.]+ ms'
    expect_out 'summary  UNHEALTHY: 1 WebSocket ping lost$'
    refute_err 'lost|closed'
}

# A close reason carrying a right-to-left override, a zero-width space, a
# C1 control, DEL and CR-LF with a forged "perch:" line is shown escaped
# in the cause on stderr, in probe's frame line and in its JSON; none of
# it reaches an output raw.
t_ws_fault_close_reason_is_shown_escaped() {
    local reason=a$'\u202e'b$'\u200b'c$'\xc2\x85'd$'\x7f'e$'\r\n''perch: forged'
    local shown='a<U+202E>b<U+200B>c<U+0085>d<U+007F>e<U+000D><U+000A>perch: forged'
    local f c
    start_wsproxy --fault "close:4000:$reason" || return
    expect_rc 3 "$(p probe $(via_wsproxy) --duration 5)"
    stop_wsproxy
    grep -qF "closed the WebSocket: 4000 application-defined (\"$shown\")" "$ERR" ||
        fail "stderr lacks the escaped reason: $(cat -v "$ERR")"
    grep -qF "4000 application-defined \"$shown\"" "$OUT" ||
        fail "the frame line lacks the escaped reason: $(grep close "$OUT" | cat -v)"
    ! grep -q '^perch: forged' "$ERR" || fail "stderr has a forged line"
    cp "$OUT" "$WORK/reason.out"
    cp "$ERR" "$WORK/reason.err"
    start_wsproxy --fault "close:4000:$reason" || return
    expect_rc 3 "$(p probe $(via_wsproxy) --duration 5 --json)"
    stop_wsproxy
    grep -qF '"close_reason":"a\u202Eb\u200Bc\u0085d\u007Fe\r\nperch: forged"' "$OUT" ||
        fail "the JSON lacks the escaped reason: $(grep close "$OUT" | cat -v)"
    for f in "$WORK/reason.out" "$WORK/reason.err" "$OUT" "$ERR"; do
        for c in $'\u202e' $'\u200b' $'\xc2\x85' $'\x7f' $'\r'; do
            ! LC_ALL=C grep -qF "$c" "$f" ||
                fail "$(basename "$f") holds $(printf '%s' "$c" | od -An -tx1 | tr -s ' ') raw"
        done
    done
}
