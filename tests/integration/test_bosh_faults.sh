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
    # probe's first ping leaves beside the held poll (which brings its
    # answer); its own request is held by the server for wait (2 s), its
    # answer kept by the proxy: given up after 2 + 10 s, the same rid goes
    # again and the proxy replays the held answer
    expect_rc 6 "$(p probe $(via_proxy) --bosh-wait 2 --duration 14 --json)"
    stop_proxy
    grep -q '^fault .* spec=hang' "$PROXY_LOG" || fail "the fault did not fire"
    grep -q '^resend rid=[0-9]* identical=yes$' "$PROXY_LOG" || fail "no byte-identical resend: $(grep -E '^(fault|resend)' "$PROXY_LOG")"
    grep -q 'action=replay' "$PROXY_LOG" || fail "no replay"
    expect_out '"kind":"http".*"retries":1'
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
    # the desktop profile reads a response before the next request leaves:
    # perch's own early poll can bring the reply on another response before
    # the split one is joined, and send ends before the proxy moves it on
    expect_rc 0 "$(p send $(via_proxy) --bosh-profile desktop --bosh-wait 2 "$PING")"
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
    # probe's ping may leave beside the held poll, which then brings its
    # answer: the request that carried it is answered by the server after
    # wait (2 s), and that answer is cut; the resend gets all of it
    expect_rc 6 "$(p probe $(via_proxy) --bosh-wait 2 --duration 6 --json)"
    stop_proxy
    grep -q 'action=cut' "$PROXY_LOG" || fail "no response was cut"
    grep -q '^resend rid=[0-9]* identical=yes$' "$PROXY_LOG" || fail "no identical resend after the cut"
    expect_out '"kind":"http".*"retries":1'
    expect_out '"kind":"ping","rtt_ms":[0-9.]+'
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

# requests_after SPEC: how many requests reached the proxy after the fault
# SPEC (a regex on the fault line) fired.
requests_after() {
    sed -n "/^fault .*spec=$1/,\$p" "$PROXY_LOG" | grep -c '^req '
}

t_bosh_empty_polls_answered_at_once_are_paced_by_polling() {
    local polls polling repeats
    start_proxy --fault "instant:"
    expect_rc 0 "$(p probe $(via_proxy) --duration 6 --json)"
    stop_proxy
    polling=$(sed -n 's/.*"kind":"session".*"polling":\([0-9]*\).*/\1/p' "$OUT")
    [[ -n $polling && $polling -ge 1 ]] || fail "no polling interval reported"
    polls=$(grep -c 'spec=instant' "$PROXY_LOG")
    # a poll answered at once while nothing else was sent is followed by
    # the next one only after the polling interval (the early polls that
    # replace answers with stanzas during login are each followed by the
    # request that answers them, so they are not counted)
    repeats=$(awk '$1 == "fault" && $4 ~ /^spec=instant/ {
            if ($2 == last + 1) r++; last = $2 } END { print r + 0 }' "$PROXY_LOG")
    # without pacing: thousands a second; with it one per polling interval
    ((polls >= 1 && repeats <= 6 / ${polling:-1} + 1)) ||
        fail "$repeats empty polls answered at once one after the other in 6 s (polling ${polling}s): $(grep -E '^(req|fault)' "$PROXY_LOG" | tail -12)"
}

t_bosh_a_response_for_another_sid_ends_the_session_at_once() {
    start_proxy --fault "wrong-sid:$PING_MATCH"
    expect_rc 3 "$(p send $(via_proxy) --bosh-wait 2 "$PING")"
    stop_proxy
    expect_err "answered rid [0-9]+ for another BOSH session \(sid 'not-yours'; ours is '[^']+'\)"
    [[ $(requests_after wrong-sid) == 0 ]] || fail "requests after the wrong sid: $(requests_after wrong-sid)"
}

t_bosh_sid_errors_are_not_retried() {
    start_proxy --fault "status:$PING_MATCH:404"
    expect_rc 3 "$(p send $(via_proxy) --bosh-wait 2 "$PING")"
    stop_proxy
    [[ $(requests_after status) == 0 ]] || fail "requests after HTTP 404: $(requests_after status)"
    start_proxy --fault "terminate:$PING_MATCH:item-not-found"
    expect_rc 3 "$(p send $(via_proxy) --bosh-wait 2 "$PING")"
    stop_proxy
    expect_err 'terminated by the server: item-not-found'
    [[ $(requests_after terminate) == 0 ]] || fail "requests after item-not-found: $(requests_after terminate)"
}

t_bosh_session_request_never_answered_is_a_timeout() {
    start_proxy --fault "hang:xmpp%3Aversion"
    expect_rc 5 "$(p send $(via_proxy) --bosh-wait 1 "$PING")"
    stop_proxy
    expect_err 'did not answer the BOSH session request within 11 s'
}

# A body of 100,000 stanzas is handed over in batches: SIGTERM, sent once
# the first is shown (-v), ends perch before the rest is handled.
t_bosh_a_body_of_100000_stanzas_leaves_signals_working() {
    local pid killer rc=0 n
    start_proxy --fault "flood:$PING_MATCH:100000"
    "$PERCH" send $(via_proxy) -v --timeout 60 "$PING" >"$OUT" 2>"$ERR" &
    pid=$!
    if ! wait_for "$ERR" "<- <message[^>]*flood@localhost" 60; then
        kill -KILL "$pid"
        wait "$pid"
        stop_proxy
        return
    fi
    kill -TERM "$pid"
    ( sleep 20; kill -KILL "$pid" 2>/dev/null ) &
    killer=$!
    wait "$pid" || rc=$?
    kill "$killer" 2>/dev/null
    wait "$killer" 2>/dev/null
    stop_proxy
    expect_rc 130 "$rc"
    n=$(grep -c '^<- <message[^>]*flood@localhost' "$ERR")
    ((n < 100000)) || fail "all $n stanzas were handled before SIGTERM"
}

t_bosh_probe_with_an_error_and_a_resend_is_unhealthy_exit_6() {
    start_proxy --fault "status:$PING_MATCH:500"
    expect_rc 6 "$(p probe $(via_proxy) --duration 3)"
    stop_proxy
    expect_out 'summary  UNHEALTHY: 1 error, 1 resend$'
    start_proxy
    expect_rc 0 "$(p probe $(via_proxy) --duration 1 --json)"
    stop_proxy
    expect_out '"kind":"summary".*"errors":0,"capped":0.*"pings_lost":0.*"healthy":true'
}

t_bosh_probe_counts_a_gzip_bomb_stopped_by_the_cap_as_unhealthy() {
    # 20 MiB of spaces, 20 KiB gzipped: curl inflates it, the cap stops it
    head -c $((20 << 20)) /dev/zero | tr '\0' ' ' | gzip -9 >"$WORK/bomb.gz"
    start_proxy --fault "bomb:$PING_MATCH:$WORK/bomb.gz"
    expect_rc 6 "$(p probe $(via_proxy) --duration 3 --json)"
    stop_proxy
    grep -q 'action=bomb' "$PROXY_LOG" || fail "the bomb was not sent"
    expect_out '"kind":"http".*"capped":true,"error":"response larger than the 16 MiB cap"'
    expect_out '"kind":"summary".*"capped":1.*"healthy":false'
    start_proxy --fault "bomb:$PING_MATCH:$WORK/bomb.gz"
    expect_rc 6 "$(p probe $(via_proxy) --duration 3)"
    stop_proxy
    expect_out 'ERROR: response larger than the 16 MiB cap'
    expect_out 'summary  UNHEALTHY: 1 error, 1 resend, 1 response over the 16 MiB cap$'
}

# the request numbers (N of "req N") of the proxy's log whose line has
# outstanding=K
reqs_with_outstanding() {
    sed -n "s/^req \([0-9]*\) .* outstanding=$1\$/\1/p" "$PROXY_LOG"
}

t_bosh_a_stanza_leaves_in_a_second_request_while_the_poll_is_held() {
    local rtt
    start_proxy
    # wait 20: the poll is held that long; probe's keepalive pings after a
    # second of silence go out beside it and come back at once
    expect_rc 0 "$(p probe $(via_proxy) --bosh-wait 20 --keepalive 1 --duration 4 --json)"
    stop_proxy
    [[ -n $(reqs_with_outstanding 2) ]] ||
        fail "no request sent while another was open: $(grep '^req' "$PROXY_LOG" | tail -5)"
    rtt=$(sed -n 's/.*"kind":"ping","rtt_ms":\([0-9]*\).*/\1/p' "$OUT" | sort -n | tail -1)
    [[ -n $rtt ]] || fail "no ping answered"
    # not held behind the poll (20 s): answered within a round trip
    [[ -n $rtt ]] && ((rtt < 2000)) || fail "a ping took ${rtt} ms"
    local max
    max=$(max_outstanding)
    [[ -n $max && $max -le 2 ]] || fail "up to $max requests in flight (Prosody allows 2)"
}

t_bosh_responses_out_of_rid_order_are_handled_in_rid_order() {
    local rids sorted late
    # the first empty poll's answer is held until a later request's answer
    # has gone out
    start_proxy --fault "reorder:"
    expect_rc 0 "$(p probe $(via_proxy) --bosh-wait 2 --keepalive 1 --duration 5 --json)"
    stop_proxy
    late=$(sed -n 's/^resp [0-9]* rid=\([0-9]*\) .*action=reorder$/\1/p' "$PROXY_LOG")
    [[ -n $late ]] || fail "no response was reordered: $(tail -5 "$PROXY_LOG")"
    # on the wire, a later rid was answered before it...
    awk -v late="$late" '$1 == "resp" { r = substr($3, 5) + 0
            if (r == late + 0 && $NF == "action=reorder") exit !seen
            if (r > late + 0) seen = 1 }' "$PROXY_LOG" ||
        fail "no later rid answered before rid $late"
    # ...and perch handled the answers in rid order (its records)
    rids=$(sed -n 's/.*"kind":"http".*"rid":\([0-9]*\).*/\1/p' "$OUT")
    sorted=$(sort -n <<<"$rids")
    [[ -n $rids && $rids == "$sorted" ]] || fail "handled out of rid order: $(tr '\n' ' ' <<<"$rids")"
    grep -qx "$late" <<<"$rids" || fail "rid $late never handled"
    expect_out '"kind":"ping","rtt_ms":[0-9.]+'
}

# --bosh-profile desktop: the Finesse desktop's BOSH library on the wire.
t_bosh_desktop_profile_asks_hold_1_ver_1_9_wait_30_on_the_wire() {
    start_proxy
    expect_rc 0 "$(p send $(via_proxy) --bosh-profile desktop "$PING")"
    expect_rc 0 "$(p send $(via_proxy) "$PING")"
    stop_proxy
    grep -qE '^create [0-9]+ rid=[0-9]+ hold=1 ver=1\.9 wait=30$' "$PROXY_LOG" ||
        fail "no desktop session request: $(grep '^create' "$PROXY_LOG")"
    # perch's own profile, for contrast: the proxy tells them apart
    grep -qE '^create [0-9]+ rid=[0-9]+ hold=1 ver=1\.6 wait=60$' "$PROXY_LOG" ||
        fail "no perch session request: $(grep '^create' "$PROXY_LOG")"
    [[ $(grep -c '^create' "$PROXY_LOG") == 2 ]] || fail "not two session requests"
}

t_bosh_desktop_profile_resends_three_times_then_reports_the_loss() {
    start_proxy --fault "down:$PING_MATCH:503"
    expect_rc 3 "$(p send $(via_proxy) --bosh-profile desktop "$PING")"
    stop_proxy
    expect_err 'lost: HTTP 503 \(rid [0-9]+, 3 resends\)'
    [[ $(grep -c '^resend rid=[0-9]* identical=yes$' "$PROXY_LOG") == 3 ]] ||
        fail "not 3 identical resends: $(grep -E '^(fault|resend)' "$PROXY_LOG")"
    # perch's own profile resends five times (0+1+2+3+4 s apart)
    start_proxy --fault "down:$PING_MATCH:503"
    expect_rc 3 "$(p send $(via_proxy) --timeout 30 "$PING")"
    stop_proxy
    expect_err 'lost: HTTP 503 \(rid [0-9]+, 5 resends\)'
    [[ $(grep -c '^resend rid=[0-9]* identical=yes$' "$PROXY_LOG") == 5 ]] ||
        fail "not 5 identical resends: $(grep -E '^(fault|resend)' "$PROXY_LOG")"
}

t_bosh_desktop_profile_gives_up_a_request_after_wait_plus_5_s() {
    local line ms
    start_proxy --fault "hang:$PING_MATCH"
    # wait 2: the request with the hung ping is given up after 2 + 5 s
    # (perch's own profile: 2 + 10 s), resent, and the replay answers it;
    # probe's record of that attempt says how long it was given
    expect_rc 6 "$(p probe $(via_proxy) --bosh-profile desktop --bosh-wait 2 --duration 12 --json)"
    stop_proxy
    line=$(grep '"kind":"http"' "$OUT" | grep '"error":' | head -1)
    [[ -n $line ]] || fail "no failed request in the probe's records"
    ms=$(sed -n 's/.*"duration_ms":\([0-9]*\).*/\1/p' <<<"$line")
    [[ -n $ms ]] && ((ms >= 6900 && ms < 9000)) ||
        fail "given up after '$ms' ms, not wait + 5 s: $line"
    grep -q '^resend rid=[0-9]* identical=yes$' "$PROXY_LOG" || fail "no identical resend"
    grep -q 'action=replay' "$PROXY_LOG" || fail "no replay"
    expect_out '"kind":"ping","rtt_ms":[0-9.]+'
}

t_bosh_desktop_profile_resends_an_unanswered_request_three_times_then_reports_the_loss() {
    local rid
    # the request with the ping never reaches the server, nor its resends; wait 1
    # and a request given up after 2 s: 4 attempts and the pauses (0.5, 2,
    # 4.5 s) take about 15 s
    start_proxy --fault "mute:$PING_MATCH"
    expect_rc 3 "$(p send $(via_proxy) --bosh-profile desktop --bosh-wait 1 --bosh-timeout 2 --timeout 60 "$PING")"
    stop_proxy
    rid=$(sed -n 's/^fault [0-9]* rid=\([0-9]*\) spec=mute.*/\1/p' "$PROXY_LOG")
    [[ -n $rid ]] || fail "the fault did not fire"
    expect_err "lost: no answer to rid $rid within 2 s, 4 times"
    [[ $(grep -c "^resend rid=$rid identical=yes\$" "$PROXY_LOG") == 3 ]] ||
        fail "not 3 identical resends of rid $rid: $(grep -E '^(fault|resend|gone)' "$PROXY_LOG")"
    # each attempt was given up by perch (it hung up), none answered
    [[ $(grep -c "^gone [0-9]* rid=$rid " "$PROXY_LOG") == 4 ]] ||
        fail "not 4 attempts given up: $(grep -E "rid=$rid " "$PROXY_LOG")"
    ! grep -q "^resp [0-9]* rid=$rid " "$PROXY_LOG" || fail "rid $rid was answered"
}

t_bosh_profile_unknown_is_a_usage_error() {
    expect_rc 2 "$(p send -j "agent@$DOMAIN" --bosh "$BOSH_HTTP_URL" --bosh-profile chrome "$PING")"
    expect_err "bosh-profile: 'chrome' is not one of perch, desktop"
}
