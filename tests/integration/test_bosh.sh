# BOSH (XEP-0124/0206) against Prosody's /http-bind; sourced by run.sh.
# shellcheck shell=bash

BOSH_HTTP=(-j "agent@$DOMAIN" --password-env AGENT_PW --bosh "$BOSH_HTTP_URL" --allow-plaintext-auth)
BOSH_HTTPS=(-j "agent@$DOMAIN" --password-env AGENT_PW --bosh "$BOSH_HTTPS_URL" --ca-file "$CA_FILE")

t_bosh_http_disco_items_lists_the_nodes() {
    expect_rc 0 "$(p send "${BOSH_HTTP[@]}" "$DISCO_ITEMS")"
    expect_out "node='/finesse/api/User/1001001'"
}

t_bosh_https_with_ca_file_sends_and_gets_the_reply() {
    expect_rc 0 "$(p send "${BOSH_HTTPS[@]}" --json "$PING")"
    expect_out '"type":"result"'
}

t_bosh_https_untrusted_certificate_exits_4_with_the_pin() {
    local pin
    expect_rc 4 "$(p send -j "agent@$DOMAIN" --password-env AGENT_PW --bosh "$BOSH_HTTPS_URL" "$PING")"
    expect_err 'not trusted'
    expect_err 'subject: .*localhost'
    pin=$(grep -oE -- '--pin sha256//[A-Za-z0-9+/=]{44}' "$ERR" | cut -d' ' -f2)
    [[ -n $pin ]] || fail "no --pin value in the message"
    expect_rc 0 "$(p send -j "agent@$DOMAIN" --password-env AGENT_PW --bosh "$BOSH_HTTPS_URL" --pin "$pin" "$PING")"
    expect_rc 4 "$(p send "${BOSH_HTTPS[@]}" --pin "sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=" "$PING")"
    expect_err 'does not match --pin'
}

t_bosh_plain_http_refuses_credentials_without_the_flag() {
    expect_rc 3 "$(p send -j "agent@$DOMAIN" --password-env AGENT_PW --bosh "$BOSH_HTTP_URL" -v "$PING")"
    expect_err 'refusing to send credentials'
    refute_err '-> <auth'
}

t_bosh_scram_and_plain_logins() {
    expect_rc 0 "$(p send "${BOSH_HTTPS[@]}" -v "$PING")"
    expect_err '-> <auth [^>]*mechanism="SCRAM-SHA-1"'
    expect_rc 0 "$(p send "${BOSH_HTTPS[@]}" -v --sasl PLAIN "$PING")"
    expect_err '-> <auth [^>]*mechanism="PLAIN"'
    expect_rc 3 "$(AGENT_PW=wrong p send "${BOSH_HTTPS[@]}" "$PING")"
    expect_err 'not-authorized'
}

t_bosh_iq_error_and_timeout_exit_codes() {
    expect_rc 1 "$(p send "${BOSH_HTTPS[@]}" "<iq type='get' to='$PUBSUB'><pubsub $PS><items node='/no/such'/></pubsub></iq>")"
    expect_err 'item-not-found'
    expect_rc 5 "$(p send "${BOSH_HTTPS[@]}" --timeout 2 "<iq type='get' to='sinkuser@$DOMAIN/sink'><query xmlns='urn:example:never'/></iq>")"
}

t_bosh_probe_shows_params_and_empty_long_poll_after_wait() {
    local before after
    before=$(grep -c 'BOSH client disconnected: session close' "$PROSODY_LOG" || true)
    # 16 s: the first seconds ask XEP-0202 again, up to 8 times a second apart (the drift's
    # error down to 25 ms), which answers held polls early; what is left must
    # hold undisturbed polls even when a loaded machine delays the questions
    expect_rc 0 "$(p probe "${BOSH_HTTPS[@]}" --bosh-wait 2 --duration 16 --json)"
    expect_out '"kind":"session".*"wait":2,"requests":2'
    expect_out '"kind":"ping","rtt_ms":[0-9.]+'
    expect_out '"kind":"drift","drift_ms":-?[0-9.]+,"source":"xep-0202"'
    # an empty long poll held for about 'wait' seconds, then answered 200
    grep '"kind":"http"' "$OUT" | grep '"status":200' | grep '"empty":true' |
        grep -qE '"duration_ms":(19[0-9][0-9]|2[0-9]{3})\.' || fail "no empty poll of ~2 s"
    expect_out '"kind":"summary".*"healthy":true'
    # clean terminate: Prosody saw the session closed, not timed out
    after=$(grep -c 'BOSH client disconnected: session close' "$PROSODY_LOG" || true)
    (( after == before + 1 )) || fail "no clean terminate in the server log ($before -> $after)"
}

t_bosh_event_arrives_while_the_poll_is_held() {
    local rc=0 pid rec=$WORK/held.rec probe_out=$WORK/probe.out probe_err=$WORK/probe.err
    local i t0 t1 line start ms shown=0
    "$PERCH" probe "${BOSH_HTTPS[@]}" --resource held --bosh-wait 5 --duration 10 --json \
        --record "$rec" >"$probe_out" 2>"$probe_err" &
    pid=$!
    wait_for "$probe_out" '"kind":"ping"' 5
    # A message sent to the probe must come back on the poll that was held
    # when it was sent, at once, not when 'wait' ends. The drift's XEP-0202
    # questions (up to 8, about a second apart) end held polls too: when one
    # ends while the message is being sent, the message may come on a poll
    # sent after the send began, which shows nothing, so another try is made
    for i in 1 2 3 4 5 6; do
        sleep 0.5
        t0=$EPOCHREALTIME
        expect_rc 0 "$(p send "${PUB[@]}" "<message to='agent@$DOMAIN/held'><body>hello-$i</body></message>")"
        t1=$EPOCHREALTIME
        wait_for "$rec" "\"kind\":\"http\".*hello-$i" 3 || break
        line=$(grep '"kind":"http"' "$rec" | grep -F "hello-$i")
        start=$(date -d "$(grep -oE '"time":"[^"]+"' <<<"$line" | cut -d'"' -f4)" +%s.%N)
        ms=$(grep -oE '"ms":[0-9.e+-]+' <<<"$line" | cut -d: -f2)
        awk -v s="$start" -v t0="$t0" 'BEGIN { exit !(s < t0) }' || continue
        # held before the message existed: answered within a second of the send
        awk -v s="$start" -v ms="$ms" -v t1="$t1" 'BEGIN { exit !(s + ms / 1000 < t1 + 1) }' ||
            fail "the poll held since $start came back ${ms} ms later, the send ended at $t1"
        shown=1
        break
    done
    wait "$pid" || rc=$?
    cp "$probe_out" "$OUT"
    cp "$probe_err" "$ERR"
    expect_rc 0 "$rc"
    ((shown)) || fail "no message met a poll held before it was sent: $(grep -c '"kind":"http"' "$rec") exchanges"
}

# Drift from a server on this host is zero: two probes at once, one over
# BOSH (held long polls of 5 s: their Date must not count) and one over
# TCP, each within 100 ms of it, with the error they claim covering it.
t_probe_drift_on_one_host_is_within_100_ms_over_bosh_and_tcp() {
    local bosh_out=$WORK/drift-bosh.out tcp_out=$WORK/drift-tcp.out pid rc=0 f
    "$PERCH" probe "${BOSH_HTTPS[@]}" --bosh-wait 5 --duration 14 --json >"$bosh_out" 2>"$WORK/drift-bosh.err" &
    pid=$!
    "$PERCH" probe "${AGENT[@]}" --duration 7 --json >"$tcp_out" 2>"$WORK/drift-tcp.err" || rc=$?
    wait "$pid" || rc=$?
    [[ $rc == 0 ]] || fail "a probe exited $rc: $(cat "$WORK"/drift-*.err)"
    # the BOSH one saw a poll held past the 2 s that drift refuses (probe's
    # own pings and XEP-0202 questions end most holds before wait's 5 s)
    grep '"kind":"http"' "$bosh_out" | grep -qE '"duration_ms":(2[5-9][0-9]{2}|[3-5][0-9]{3})\.' ||
        fail "no long poll held over 2.5 s over BOSH: $(grep '"kind":"http"' "$bosh_out" | grep -oE '"(duration_ms|empty|what)":[^,]*' | tr '\n' ' ')"
    for f in "$bosh_out" "$tcp_out"; do
        grep '"kind":"summary"' "$f" | awk '
            match($0, /"drift_ms":-?[0-9.e+-]+/) { d = substr($0, RSTART + 11, RLENGTH - 11); hd = 1 }
            match($0, /"drift_error_ms":[0-9.e+-]+/) { e = substr($0, RSTART + 17, RLENGTH - 17); he = 1 }
            END { if (!hd || !he) exit 2; d += 0; e += 0; if (d < 0) d = -d; exit !(d < 100 && e < 100 && d <= e + 1) }' ||
            fail "$(basename "$f"): drift not within 100 ms: $(grep '"kind":"summary"' "$f")"
    done
}
