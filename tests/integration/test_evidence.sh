# --record, perch replay and perch decode on recordings, HARs and SAZs;
# sourced by run.sh.
# shellcheck shell=bash

EVID=$ROOT/tests/fixtures/evidence

# record_and_replay NAME CONN...: a watch --json --record of a simulated
# shift, ended after a marker item arrived (so every event published
# before it is in), then replay --json of the recording; the two outputs
# must be the same events, times aside. ACCOUNT: the local part of the
# JID CONN logs in with (supervisor unless set).
record_and_replay() {
    local tag=$1 pid rc=0 account=${ACCOUNT:-supervisor}
    local rec=$WORK/$tag.jsonl live=$WORK/$tag.live err=$WORK/$tag.err
    local replayed=$WORK/$tag.replayed marker="marker-$tag-$$" where
    shift
    "$PERCH" watch "$@" --json --record "$rec" /finesse/api/User/1001001 \
        /finesse/api/User/1001001/Dialogs /finesse/api/SystemInfo \
        >"$live" 2>"$err" &
    pid=$!
    wait_for "$err" 'watching 3 nodes' || { kill -TERM "$pid"; wait "$pid"; return 1; }
    expect_rc 0 "$(p simulate "${PUB[@]}" --agents 2 --teams 1 --queues 1 \
        --rate 400 --count 300 --seed 4 --no-outage)"
    expect_rc 0 "$(p send "${PUB[@]}" "<iq type='set' to='$PUBSUB'><pubsub $PS><publish node='/finesse/api/SystemInfo'><item id='$marker'><mark xmlns='urn:perch:test'/></item></publish></pubsub></iq>")"
    wait_for "$live" "\"item\":\"$marker\"" 20
    kill -TERM "$pid"
    wait "$pid" || rc=$?
    expect_rc 0 "$rc"
    cp "$err" "$ERR"
    [[ $(stat -c %a "$rec") == 600 ]] || fail "recording mode $(stat -c %a "$rec")"
    head -1 "$rec" | grep -qE '^\{"time":"[0-9-]{10}T[0-9:]{8}\.[0-9]{3}[+-][0-9]{2}:[0-9]{2}","kind":"header","format":"perch-recording","version":1,"perch":"[^"]+","command":"watch","account":"'"$account"'@' ||
        fail "header line: $(head -c 300 "$rec")"
    # the transport and where it went, as replay reads them
    case $tag in
    tcp) where='"transport":"tcp","server":"127\.0\.0\.1:[0-9]+"' ;;
    bosh) where='"transport":"bosh","server":"https://[^"]+/http-bind"' ;;
    ws) where='"transport":"ws","server":"wss://[^"]+"' ;;
    esac
    head -1 "$rec" | grep -qE -- "$where\}$" || fail "header's transport: $(head -c 300 "$rec")"
    ! grep -qF "$SUP_PW" "$rec" || fail "the password is in the recording"
    grep -q 'mechanism=.*\[redacted [0-9]* bytes\]' "$rec" || fail "no redacted SASL line"
    grep -qE '"kind":"ready","jid":"'"$account"'@[^"]+","transport":"(tcp|bosh|ws)","secured":"[^"]*TLS' "$rec" ||
        fail "no ready line with the TLS description"
    # the connection and its TLS as lines of their own (no secret in them)
    grep -qE '"kind":"tcp","address":"127\.0\.0\.1","port":[0-9]+,"ms":[0-9.]+\}' "$rec" ||
        fail "no tcp line: $(grep -m1 '"kind":"tcp"' "$rec")"
    grep -qE '"kind":"tls","version":"TLSv1\.[23]","cipher":"[A-Z0-9_-]+","verify":"ca","subject":"CN = localhost","expiry":"[A-Z][a-z]{2} +[0-9]+ [0-9:]{8} [0-9]{4} GMT"' "$rec" ||
        fail "no tls line: $(grep -m1 '"kind":"tls"' "$rec")"
    [[ $(wc -l <"$live") -gt 20 ]] || fail "only $(wc -l <"$live") live events"
    "$PERCH" replay --json "$rec" >"$replayed" 2>"$ERR" || fail "replay exit $?"
    [[ ! -s $ERR ]] || fail "replay found damage: $(head -c 300 "$ERR")"
    grep -q '"kind":"timeline","agent":"1001001"' "$replayed" || fail "no timeline"
    diff <(sed 's/^{"time":"[^"]*",//' "$live") \
        <(grep -vE '"kind":"(finding|timeline)"' "$replayed" |
            sed 's/^{"time":"[^"]*",//') >"$WORK/$tag.diff" ||
        fail "replay differs from live: $(head -c 600 "$WORK/$tag.diff")"
    # the recorded times, not the replay's
    [[ $(head -1 "$live" | cut -c1-21) == $(head -1 "$replayed" | cut -c1-21) ]] ||
        fail "times: live $(head -1 "$live" | cut -c1-32), replayed $(head -1 "$replayed" | cut -c1-32)"
}

t_record_over_tcp_replays_to_the_events_watch_printed() {
    record_and_replay tcp "${SUP[@]}"
}

t_record_over_bosh_replays_to_the_events_watch_printed() {
    record_and_replay bosh "${SUP_BOSH[@]}"
    grep -q '"kind":"http","rid":[0-9]*,"status":200' "$WORK/bosh.jsonl" || fail "no HTTP line"
    grep -q '"kind":"params","wait":' "$WORK/bosh.jsonl" || fail "no params line"
}

# over WebSocket (Prosody's mod_websocket, wss:// with the test CA) with
# the watcher's account, as test_ws.sh watches; the recording has the
# upgrade and every frame, and perch's own close comes back as a finding
# with its code
t_record_over_ws_replays_to_the_events_watch_printed() {
    ACCOUNT=${WATCHER_JID%@*} WATCH_PW=$WATCHER_PASS record_and_replay ws \
        -j "$WATCHER_JID" --password-env WATCH_PW --ws "$WSS_URL" --ca-file "$CA_FILE"
    grep -q '"kind":"http","upgrade":"websocket","method":"GET","url":"[^"]*","status":101,.*"protocol":"xmpp"' "$WORK/ws.jsonl" ||
        fail "no upgrade line"
    grep -q '"kind":"ws","dir":"in","opcode":1,"fin":true,"size":[0-9]*,"what":"message","data":"<message' "$WORK/ws.jsonl" ||
        fail "no frame line with its message"
    grep -q '"kind":"ws","dir":"out","opcode":1,.*"what":"auth","data":"<auth[^>]*>\[redacted [0-9]* bytes\]' "$WORK/ws.jsonl" ||
        fail "no redacted SASL frame: $(grep -m3 auth "$WORK/ws.jsonl" | head -c 900)"
    grep -q '"kind":"ws","dir":"out","opcode":8,.*"closeCode":1000' "$WORK/ws.jsonl" ||
        fail "no close frame with its code"
    grep -q '"kind":"finding","finding":"ws-close","text":"the client closed the WebSocket with 1000 normal closure".*"code":1000' "$WORK/ws.replayed" ||
        fail "no ws-close finding with the code: $(grep finding "$WORK/ws.replayed" | head -c 600)"
}

t_record_refuses_a_file_it_cannot_write() {
    expect_rc 2 "$(p send "${AGENT[@]}" --record "$WORK/no/such/dir/rec" "$PING")"
    expect_err "^perch: --record $WORK/no/such/dir/rec: No such file"
}

t_replay_har_prints_the_bosh_events_with_their_times() {
    expect_rc 0 "$(p replay --json "$EVID/bosh.har")"
    [[ $(grep -vc '"kind":"finding"' "$OUT") == 4 ]] || fail "expected 3 events and a timeline"
    expect_out '^\{"time":"2026-12-01T09:00:02.200Z","service":"pubsub.fin1.ucce.local","node":"/finesse/api/User/47483648","item":"item-user_ready","event":"PUT"'
    expect_out '"kind":"systeminfo","systeminfo":\{"status":"OUT_OF_SERVICE"'
    expect_err 'bosh.har: entry 8 \(log.entries\[7\]\): not an entry with a request and its url$'
}

t_replay_cut_har_keeps_the_entries_before_the_cut() {
    expect_rc 0 "$(p replay --json "$EVID/bosh_cut.har")"
    [[ $(grep -c '"event"' "$OUT") == 2 ]] || fail "expected 2 events"
    expect_err 'entry 5 \(log.entries\[4\]\): not JSON at byte [0-9]+ of the file: premature end of input'
}

t_replay_websocket_har_and_saz() {
    expect_rc 0 "$(p replay --json "$EVID/websocket.har")"
    expect_out '^\{"time":"2026-12-01T10:00:01.500Z","service":"pubsub.fin1.ucce.local"'
    expect_err 'entry 1 \(received\): not well-formed'
    expect_rc 0 "$(p replay --json "$EVID/bosh.saz")"
    [[ $(grep -c '"event"' "$OUT") == 2 ]] || fail "expected 2 events"
    expect_out '^\{"time":"2026-12-01T09:00:02.200Z",.*"item":"item-user_ready"'
    expect_err 'bosh.saz: session 9: no request line in its _c.txt'
}

t_replay_refuses_what_is_not_evidence() {
    printf '{"log": [1, 2' >"$WORK/notahar.json"
    expect_rc 2 "$(p replay --json "$WORK/notahar.json")"
    expect_err 'not a HAR: not JSON at line 1, column [0-9]+'
    head -c 100 "$EVID/bosh.saz" >"$WORK/cut.saz"
    expect_rc 1 "$(p replay "$WORK/cut.saz")"
    expect_err 'cut.saz: archive: the archive is damaged after 1 members: Truncated ZIP file header$'
    expect_rc 2 "$(p replay --speed 0 "$EVID/bosh.har")"
    expect_err 'speed'
}

t_replay_speed_waits_the_recorded_gaps_divided() {
    # bosh.saz: its events 1.2 s after the first request; at 4x, 0.3 s
    local start end
    start=$(date +%s%N)
    expect_rc 0 "$(p replay --json --speed 4 "$EVID/bosh.saz")"
    end=$(date +%s%N)
    (((end - start) / 1000000 >= 250)) || fail "replayed in $(((end - start) / 1000000)) ms"
}

t_decode_reads_a_recording_a_har_and_a_saz() {
    expect_rc 0 "$(p decode "$EVID/watch.perch.jsonl" "$EVID/bosh.har" "$EVID/bosh.saz")"
    [[ $(wc -l <"$OUT") == 6 ]] || fail "expected 6 lines"
    expect_out '^PUT +user +47483648 +Isaac Newton +READY$'
}

# bosh.har holds one of each: the findings in time order, with evidence
t_replay_har_ends_with_its_findings_and_a_timeline() {
    local want got
    expect_rc 0 "$(p replay --json "$EVID/bosh.har")"
    want='clock-drift failed retried out-of-service cut-poll gap failed not-found'
    got=$(grep -o '"kind":"finding","finding":"[a-z-]*"' "$OUT" | cut -d'"' -f8 | tr '\n' ' ')
    [[ $got == "$want " ]] || fail "findings: '$got'"
    expect_out '^\{"time":"2026-12-01T09:00:00.000Z","kind":"finding","finding":"clock-drift","text":"the client.s clock is 45 s behind the server.s \(HTTP Date, median of 6 responses\)","evidence":\{"ms":45250,"responses":6\}\}$'
    expect_out '"finding":"failed","text":"request rid 103 failed: net::ERR_CONNECTION_RESET","evidence":\{"rid":103,"status":0,"ms":4000,"entry":5\}'
    expect_out '"finding":"cut-poll","text":"an empty long poll came back after 20.0 s of the server.s 60 s wait'
    expect_out '^\{"time":"2026-12-01T09:01:51.600Z","kind":"finding","finding":"gap","text":"no request held for 108.4 s, longer than the server.s inactivity \(60 s\)'
    expect_out '"evidence":\{"from":"2026-12-01T09:01:51.600Z","to":"2026-12-01T09:03:40.000Z","ms":108400,"inactivity":60\}'
    expect_out '"finding":"out-of-service"'
    expect_out '"finding":"not-found","text":"HTTP 404 for the session'
    expect_out '^\{"time":"2026-12-01T09:00:02.200Z","kind":"timeline","agent":"47483648","name":"Isaac Newton","states":\[\{"state":"READY","start":"2026-12-01T09:00:02.200Z","ms":217815,"open":true\}\]\}$'
    # the same for people, one line each
    expect_rc 0 "$(p replay "$EVID/bosh.har")"
    expect_out '^09:01:51.600  gap            no request held for 108.4 s'
    expect_out '^timeline 47483648 Isaac Newton: 09:00:02.200 READY 218s$'
}

# Without a terminal (as here) replay prints lines; --text asks for them
# on a terminal too, and refuses to go with --json.
t_replay_text_prints_lines_and_refuses_json_beside_it() {
    expect_rc 0 "$(p replay --text "$EVID/states.perch.jsonl")"
    expect_out '^PUT    user       1001001  Ada Lovelace       TALKING$'
    expect_out '^10:01:00.500  session-ended  the session ended: closed by the test$'
    expect_rc 2 "$(p replay --text --json "$EVID/states.perch.jsonl")"
    expect_err 'replay: --text or --json, not both'
}

t_replay_recording_and_websocket_say_how_the_session_ended() {
    expect_rc 0 "$(p replay --json "$EVID/watch.perch.jsonl")"
    expect_out '"finding":"failed","text":"request rid 102 failed: Connection reset by peer"'
    expect_out '"finding":"retried","text":"rid 102 was sent again"'
    expect_out '"finding":"session-ended","text":"the session ended: BOSH session terminated: item-not-found"'
    expect_rc 0 "$(p replay --json "$EVID/websocket.har")"
    expect_out '"finding":"ws-close","text":"the WebSocket stream was closed by the client \(<close/>\)"'
}

# SSLKEYLOGFILE: perch's own TLS secrets for Wireshark, over TCP (OpenSSL's
# key log callback) and BOSH (libcurl honours it), with a warning.
t_sslkeylogfile_gets_the_tls_secrets_of_tcp_and_bosh() {
    local keys=$WORK/keys.log rc=0
    rm -f "$keys"
    SSLKEYLOGFILE=$keys "$PERCH" send "${AGENT[@]}" "$PING" >"$OUT" 2>"$ERR" || rc=$?
    expect_rc 0 "$rc"
    expect_err "^perch: warning: SSLKEYLOGFILE is set: the TLS secrets of this session are written to $keys"
    grep -qE '^(CLIENT_RANDOM|CLIENT_TRAFFIC_SECRET_0) [0-9a-f]{64} [0-9a-f]+$' "$keys" ||
        fail "no TCP secret in $keys: $(head -c 200 "$keys" 2>/dev/null)"
    [[ $(stat -c %a "$keys") == 600 ]] || fail "key log mode $(stat -c %a "$keys")"
    rm -f "$keys"
    SSLKEYLOGFILE=$keys "$PERCH" send "${SUP_BOSH[@]}" "$PING" >"$OUT" 2>"$ERR" || rc=$?
    expect_rc 0 "$rc"
    grep -qE '^(CLIENT_RANDOM|CLIENT_TRAFFIC_SECRET_0) ' "$keys" ||
        fail "no BOSH secret in $keys"
    # not set: no warning
    expect_rc 0 "$(p send "${AGENT[@]}" "$PING")"
    refute_err 'SSLKEYLOGFILE'
}
