# XMPP over WebSocket (RFC 7395) against Prosody's mod_websocket: plain
# ws:// on loopback and wss:// with the test CA; sourced by run.sh.
# shellcheck shell=bash

WS=(-j "agent@$DOMAIN" --password-env AGENT_PW --ws "$WS_URL" --allow-plaintext-auth)
WSS=(-j "agent@$DOMAIN" --password-env AGENT_PW --ws "$WSS_URL" --ca-file "$CA_FILE")
# watch over WebSocket with an account of its own: Prosody 0.12 fails
# (pubsub.lua flatten_subscriptions) every later subscriptions query of a
# JID that was subscribed to a node someone deleted, as
# watch_shows_retract_purge_and_node_delete does for the supervisor.
export WATCH_PW=$WATCHER_PASS
WATCH_WS=(-j "$WATCHER_JID" --password-env WATCH_PW --ws "$WS_URL" --allow-plaintext-auth)
WATCH_WSS=(-j "$WATCHER_JID" --password-env WATCH_PW --ws "$WSS_URL" --ca-file "$CA_FILE")
WSPROXY=${WSPROXY:-$ROOT/build/tools/wsproxy}

t_ws_send_gets_the_reply_over_ws_and_wss() {
    expect_rc 0 "$(p send "${WS[@]}" "$DISCO_ITEMS")"
    expect_out "node='/finesse/api/User/1001001'"
    expect_rc 0 "$(p send "${WSS[@]}" --json "$PING")"
    expect_out '"type":"result"'
}

# RFC 7395: <open/> in the framing namespace, a new one after SASL, each
# stanza its own message with its namespace, <close/> at the end.
t_ws_frames_follow_rfc_7395() {
    local before after
    before=$(grep -c 'c2s stream for agent@localhost/rfc7395 closed: session closed' "$PROSODY_LOG" || true)
    expect_rc 0 "$(p probe "${WSS[@]}" --resource rfc7395 --duration 1 --json)"
    [[ $(grep -c '"kind":"frame","dir":"out","opcode":"text".*"what":"open"' "$OUT") == 2 ]] ||
        fail "not two <open/> sent (one before SASL, one after)"
    [[ $(grep -c '"kind":"frame","dir":"in","opcode":"text".*"what":"open"' "$OUT") == 2 ]] ||
        fail "not two <open/> received"
    expect_out '"kind":"frame","dir":"in","opcode":"text","fin":true,"size":[0-9]+,"stanzas":0,"what":"features"'
    expect_out '"kind":"frame","dir":"out","opcode":"text","fin":true,"size":[0-9]+,"stanzas":1,"what":"iq"'
    # bound: Prosody answers an iq without xmlns='jabber:client' in its
    # message with unsupported-stanza-type
    expect_out '"kind":"ready","jid":"agent@localhost/rfc7395"'
    after=$(grep -c 'c2s stream for agent@localhost/rfc7395 closed: session closed' "$PROSODY_LOG" || true)
    ((after == before + 1)) || fail "no clean <close/> in the server log ($before -> $after)"
}

t_wss_untrusted_certificate_exits_4_with_the_pin() {
    local pin
    expect_rc 4 "$(p send -j "agent@$DOMAIN" --password-env AGENT_PW --ws "$WSS_URL" "$PING")"
    expect_err "certificate of $WSS_URL not trusted"
    expect_err 'subject: .*localhost'
    pin=$(grep -oE -- '--pin sha256//[A-Za-z0-9+/=]{44}' "$ERR" | cut -d' ' -f2)
    [[ -n $pin ]] || fail "no --pin value in the message"
    expect_rc 0 "$(p send -j "agent@$DOMAIN" --password-env AGENT_PW --ws "$WSS_URL" --pin "$pin" "$PING")"
    expect_rc 4 "$(p send "${WSS[@]}" --pin "sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=" "$PING")"
    expect_err 'does not match --pin'
}

t_ws_plain_refuses_credentials_without_the_flag() {
    expect_rc 3 "$(p send -j "agent@$DOMAIN" --password-env AGENT_PW --ws "$WS_URL" -v "$PING")"
    expect_err 'refusing to send credentials'
    refute_err '-> <auth'
}

t_ws_iq_error_and_timeout_exit_codes() {
    expect_rc 1 "$(p send "${WSS[@]}" "<iq type='get' to='$PUBSUB'><pubsub $PS><items node='/no/such'/></pubsub></iq>")"
    expect_err 'item-not-found'
    expect_rc 5 "$(p send "${WSS[@]}" --timeout 2 "<iq type='get' to='sinkuser@$DOMAIN/sink'><query xmlns='urn:example:never'/></iq>")"
}

t_ws_nodes_lists_the_finesse_nodes_over_ws_and_wss() {
    local n
    for conn in WS WSS; do
        local -n c=$conn
        expect_rc 0 "$(p nodes "${c[@]}")"
        for n in "${NODES[@]}"; do
            expect_out "^$n\$"
        done
    done
}

t_ws_watch_gets_the_events_over_ws_and_wss() {
    watch_run watch_ws "${WATCH_WS[@]}"
    check_three_events_in_order
    watch_run watch_wss "${WATCH_WSS[@]}"
    check_three_events_in_order
    expect_rc 0 "$(p subscriptions -j "$WATCHER_JID" --password-env WATCH_PW "${TCP[@]}" --ca-file "$CA_FILE")"
    [[ ! -s $OUT ]] || fail "subscriptions left behind: $(cat "$OUT")"
}

t_ws_probe_shows_upgrade_frames_pings_and_a_healthy_verdict() {
    expect_rc 0 "$(p probe "${WSS[@]}" --ws-ping 1 --duration 3 --json)"
    expect_out '"kind":"upgrade","status":101,"target":"/xmpp-websocket","protocol":"xmpp","extensions":"","server":"[^"]*"'
    expect_out '"kind":"wsping","rtt_ms":[0-9.]+'
    expect_out '"kind":"frame","dir":"out","opcode":"ping"'
    expect_out '"kind":"frame","dir":"in","opcode":"pong"'
    expect_out '"kind":"ping","rtt_ms":[0-9.]+'
    expect_out '"kind":"drift","drift_ms":-?[0-9.]+,"source":"xep-0202"'
    expect_out '"kind":"summary","transport":"websocket","upgrade_status":101.*"ws_pings_lost":0.*"verdict":"healthy","healthy":true'
    (($(grep -c '"kind":"wsping"' "$OUT") >= 3)) || fail "fewer than 3 WebSocket pings in 3 s"
    # the human lines: time to the millisecond, direction, opcode, size
    expect_rc 0 "$(p probe "${WS[@]}" --duration 1)"
    expect_out '^[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}  upgrade  GET /xmpp-websocket  101  protocol xmpp  extensions none'
    expect_out '^[0-9:.]{12}  frame    in   text +[0-9]+ B  <features>'
    expect_out '^[0-9:.]{12}  summary  healthy'
}

t_ws_options_config_and_conflicts() {
    local cfg=$XDG_CONFIG_HOME/perch/config
    mkdir -p "${cfg%/*}"
    printf '[account wsacct]\njid = agent@%s\nws = %s\nca-file = %s\npassword-env = AGENT_PW\n' \
        "$DOMAIN" "$WSS_URL" "$CA_FILE" >"$cfg"
    expect_rc 0 "$(p send -a wsacct -v "$PING")"
    expect_err '<- <features'
    # the command line's transport replaces the config file's
    expect_rc 0 "$(p send -a wsacct --bosh "$BOSH_HTTPS_URL" "$PING")"
    printf '[account both]\njid = agent@%s\nws = %s\nbosh = %s\n' "$DOMAIN" "$WSS_URL" "$BOSH_HTTPS_URL" >"$cfg"
    expect_rc 2 "$(p send -a both "$PING")"
    expect_err '--bosh and --ws name two transports'
    rm -f "$cfg"
    expect_rc 2 "$(p send "${WSS[@]}" --bosh "$BOSH_HTTPS_URL" "$PING")"
    expect_err '--bosh and --ws name two transports'
    expect_rc 2 "$(p send -j "agent@$DOMAIN" --ws "https://$DOMAIN/ws" "$PING")"
    expect_err "--ws: 'https://localhost/ws' is not a ws:// or wss:// URL"
    expect_rc 2 "$(p send -j "agent@$DOMAIN" --ws "wss://$DOMAIN/ws#x" "$PING")"
    expect_err 'no #fragment'
}

t_ws_wrong_path_and_closed_port_are_named() {
    expect_rc 3 "$(p send -j "agent@$DOMAIN" --password-env AGENT_PW --ws "ws://127.0.0.1:$HTTP_PORT/nothing" --allow-plaintext-auth "$PING")"
    expect_err 'answered HTTP 404 Not Found instead of 101 Switching Protocols: no WebSocket endpoint at this path'
    expect_rc 3 "$(p send -j "agent@$DOMAIN" --password-env AGENT_PW --ws "ws://127.0.0.1:$HTTP_PORT/http-bind" --allow-plaintext-auth "$PING")"
    expect_err 'HTTP 200 OK instead of 101 Switching Protocols: a plain HTTP answer'
    expect_rc 3 "$(p send -j "agent@$DOMAIN" --password-env AGENT_PW --ws "ws://127.0.0.1:$(free_port)/x" --allow-plaintext-auth "$PING")"
    expect_err 'cannot connect to ws://127.0.0.1:[0-9]+/x: connection refused'
}

# A port nothing listens on: one freeport gives and nobody takes.
free_port() {
    "$FREEPORT" 1
}

# HTTP proxies: CONNECT through --proxy, and through curl's environment
# (https_proxy for wss://, http_proxy for ws://), as for BOSH.
t_ws_through_an_http_connect_proxy() {
    local ready=$WORK/wsconnect.ready log=$WORK/wsconnect.log pid port
    "$WSPROXY" --listen-port 0 --connect --log "$log" >"$ready" 2>&1 &
    pid=$!
    wait_for "$ready" '^ready [0-9]+$' 5 || { kill "$pid"; return; }
    port=$(sed -n 's/^ready //p' "$ready")
    expect_rc 0 "$(p send "${WSS[@]}" --proxy "http://127.0.0.1:$port" "$PING")"
    expect_rc 0 "$(https_proxy=http://127.0.0.1:$port p send "${WSS[@]}" "$PING")"
    expect_rc 0 "$(http_proxy=http://127.0.0.1:$port p send "${WS[@]}" "$PING")"
    kill "$pid"
    wait "$pid" 2>/dev/null
    [[ $(grep -c "^connect localhost:$HTTPS_PORT\$" "$log") == 2 ]] ||
        fail "wss did not go through the proxy twice: $(cat "$log")"
    grep -q "^connect 127.0.0.1:$HTTP_PORT\$" "$log" || fail "ws did not go through the proxy: $(cat "$log")"
}
