# perch send over TCP against Prosody; sourced by run.sh.
# shellcheck shell=bash

t_disco_items_lists_the_pubsub_nodes() {
    expect_rc 0 "$(p send "${AGENT[@]}" "$DISCO_ITEMS")"
    for n in "${NODES[@]}"; do
        expect_out "node='$n'"
    done
}

t_send_json_has_sent_reply_type_and_rtt() {
    expect_rc 0 "$(p send "${AGENT[@]}" --json "$PING")"
    [[ $(wc -l <"$OUT") == 1 ]] || fail "expected one JSON line"
    expect_out '^\{"sent":"<iq [^"]*id=\\"[^"]+\\"'
    expect_out '"type":"result"'
    expect_out '"rtt_ms":[0-9.]+'
    expect_out '"reply":"<iq '
}

t_wrong_password_exits_3_saying_not_authorized() {
    AGENT_PW=wrong expect_rc 3 "$(AGENT_PW=wrong p send "${AGENT[@]}" "$PING")"
    expect_err 'authentication failed: not-authorized'
}

t_untrusted_certificate_exits_4_with_the_pin_that_accepts_it() {
    local pin
    expect_rc 4 "$(p send -j "agent@$DOMAIN" "${TCP[@]}" --password-env AGENT_PW "$PING")"
    expect_err 'not trusted'
    expect_err 'subject: .*CN ?= ?localhost'
    expect_err 'issuer: '
    expect_err 'valid: '
    pin=$(grep -oE -- '--pin sha256//[A-Za-z0-9+/=]{44}' "$ERR" | cut -d' ' -f2)
    [[ -n $pin ]] || fail "no --pin value in the message"
    expect_rc 0 "$(p send -j "agent@$DOMAIN" "${TCP[@]}" --password-env AGENT_PW --pin "$pin" "$PING")"
    expect_out "type='result'"
}

t_wrong_pin_exits_4_even_with_a_trusted_ca() {
    expect_rc 4 "$(p send "${AGENT[@]}" --pin "sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=" "$PING")"
    expect_err 'does not match --pin'
}

t_malformed_stanza_exits_2_before_any_connection() {
    # Were a connection tried, the password command would leave its mark
    # and the unresolvable host would give exit 3.
    local mark=$WORK/asked
    expect_rc 2 "$(p send -j "agent@$DOMAIN" -s no-such-host.invalid \
        --password-cmd "touch $mark; echo x" "<iq type='get'>
  <query></iq>")"
    expect_err 'line 2, column 12: mismatched tag'
    [[ ! -e $mark ]] || fail "the password was asked for"
}

t_non_stanza_input_exits_2() {
    expect_rc 2 "$(p send "${AGENT[@]}" "<foo/>")"
    expect_err 'line 1, column 1: <foo> is not a stanza'
}

t_iq_to_missing_node_exits_1_with_the_condition() {
    expect_rc 1 "$(p send "${AGENT[@]}" "<iq type='get' to='$PUBSUB'><pubsub $PS><items node='/no/such/node'/></pubsub></iq>")"
    expect_err 'item-not-found \(cancel\)'
    expect_out "type='error'"
}

t_unanswered_iq_exits_5_within_the_timeout() {
    local start end
    expect_rc 0 "$(p send "${AGENT[@]}" "$PING")" # warm: the sink is up
    start=$(date +%s%N)
    expect_rc 5 "$(p send "${AGENT[@]}" --timeout 2 "<iq type='get' to='sinkuser@$DOMAIN/sink'><query xmlns='urn:example:never'/></iq>")"
    end=$(date +%s%N)
    expect_err "no reply to iq '.*' within 2 s"
    (( (end - start) / 1000000 < 6000 )) || fail "took $(( (end - start) / 1000000 )) ms"
    (( (end - start) / 1000000 >= 2000 )) || fail "gave up before the timeout"
}

t_tls_off_refuses_to_send_credentials() {
    expect_rc 3 "$(p send "${AGENT[@]}" --tls off -v "$PING")"
    expect_err 'refusing to send credentials over an unencrypted connection'
    refute_err '-> <auth'
}

t_tls_off_with_allow_plaintext_auth_logs_in() {
    expect_rc 0 "$(p send "${AGENT[@]}" --tls off --allow-plaintext-auth "$PING")"
    expect_err 'warning: --tls off'
}

t_direct_tls_connects() {
    expect_rc 0 "$(p send -j "agent@$DOMAIN" -s 127.0.0.1 -p "$C2S_TLS_PORT" --tls direct \
        --password-env AGENT_PW --ca-file "$CA_FILE" "$PING")"
}

t_scram_is_preferred_and_plain_can_be_asked_for() {
    expect_rc 0 "$(p send "${AGENT[@]}" -v "$PING")"
    expect_err "-> <auth [^>]*mechanism=\"SCRAM-SHA-1\""
    expect_rc 0 "$(p send "${AGENT[@]}" -v --sasl PLAIN "$PING")"
    expect_err "-> <auth [^>]*mechanism=\"PLAIN\""
    expect_rc 3 "$(p send "${AGENT[@]}" --sasl EXTERNAL "$PING")"
    expect_err 'SASL mechanism EXTERNAL is not offered'
}

t_verbose_log_redacts_sasl_payloads() {
    local secret
    secret=$(printf '\0agent\0%s' "$AGENT_PW" | base64)
    expect_rc 0 "$(p send "${AGENT[@]}" -v --sasl PLAIN "$PING")"
    expect_err '\[redacted [0-9]+ bytes\]</auth>'
    refute_err "$secret"
    refute_err "$AGENT_PW"
}

t_burst_of_large_stanzas_over_tls_all_arrive() {
    local big q="" i
    big=$(head -c 90000 /dev/urandom | base64 -w0)
    expect_rc 0 "$(p send "${PUB[@]}" "<iq type='set' to='$PUBSUB'><pubsub $PS><create node='/big'/></pubsub></iq>")"
    expect_rc 0 "$(p send "${PUB[@]}" "<iq type='set' to='$PUBSUB'><pubsub $PS><publish node='/big'><item id='x'><blob xmlns='urn:test'>$big</blob></item></publish></pubsub></iq>")"
    for i in $(seq 40); do
        q+="<iq type='get' to='$PUBSUB'><pubsub $PS><items node='/big'/></pubsub></iq>"
    done
    # A reply stuck in TLS or libstrophe buffers would only come with the
    # next packet, which never comes: the timeout would fire.
    local rc=0
    printf '%s' "$q" | "$PERCH" send "${AGENT[@]}" --timeout 5 --json - >"$OUT" 2>"$ERR" || rc=$?
    expect_rc 0 "$rc"
    [[ $(grep -c '"type":"result"' "$OUT") == 40 ]] || fail "$(grep -c '"type":"result"' "$OUT") of 40 replies"
    [[ $(grep -o "$big" "$OUT" | wc -l) == 40 ]] || fail "payloads differ"
}

t_stanzas_from_stdin_in_order_with_ids_filled_in() {
    local rc=0
    printf '%s\n%s\n' "<message to='agent@$DOMAIN'><body>hi</body></message>" "$PING" |
        "$PERCH" send "${AGENT[@]}" --json - >"$OUT" 2>"$ERR" || rc=$?
    expect_rc 0 "$rc"
    [[ $(wc -l <"$OUT") == 2 ]] || fail "expected two JSON lines"
    head -1 "$OUT" | grep -q '"sent":"<message [^"]*id=' || fail "message without id"
    tail -1 "$OUT" | grep -q '"type":"result"' || fail "iq reply missing"
}

t_pretty_output_is_indented_and_plain_when_piped() {
    expect_rc 0 "$(p send "${AGENT[@]}" "<iq type='get' to='$DOMAIN'><query xmlns='http://jabber.org/protocol/disco#info'/></iq>")"
    expect_out "^  <query xmlns='http://jabber.org/protocol/disco#info'>$"
    expect_out "^    <feature var='urn:xmpp:ping'/>$"
    ! grep -q $'\033' "$OUT" || fail "colour codes in piped output"
}

t_desktop_resource_is_refused_unless_forced() {
    expect_rc 2 "$(p send "${AGENT[@]}" --resource desktop "$PING")"
    expect_err "disconnect that agent's desktop"
    expect_rc 0 "$(p send "${AGENT[@]}" --resource desktop --force-resource "$PING")"
}

t_password_file_must_be_private() {
    local f=$WORK/pw
    printf '%s\n' "$AGENT_PW" >"$f"
    chmod 644 "$f"
    expect_rc 2 "$(p send -j "agent@$DOMAIN" "${TCP[@]}" --ca-file "$CA_FILE" --password-file "$f" "$PING")"
    expect_err 'chmod 600'
    chmod 600 "$f"
    expect_rc 0 "$(p send -j "agent@$DOMAIN" "${TCP[@]}" --ca-file "$CA_FILE" --password-file "$f" "$PING")"
}

t_config_account_supplies_options_and_cli_overrides() {
    mkdir -p "$XDG_CONFIG_HOME/perch"
    cat >"$XDG_CONFIG_HOME/perch/config" <<CFG
[account lab]
jid = agent@$DOMAIN
server = 127.0.0.1
port = $C2S_PORT
ca-file = $CA_FILE
password-env = AGENT_PW
CFG
    expect_rc 0 "$(p send -a lab "$PING")"
    expect_out "to='agent@$DOMAIN/perch-"
    expect_rc 3 "$(p send -a lab -p 1 "$PING")"
    expect_err 'connection refused by 127.0.0.1 port 1'
    rm -f "$XDG_CONFIG_HOME/perch/config"
}

t_config_errors_name_file_line_and_key() {
    mkdir -p "$XDG_CONFIG_HOME/perch"
    printf '[account lab]\njid = agent@%s\nprot = 5222\n' "$DOMAIN" >"$XDG_CONFIG_HOME/perch/config"
    expect_rc 2 "$(p send -a lab "$PING")"
    expect_err "config:3: unknown key 'prot' in \[account lab\]"
    rm -f "$XDG_CONFIG_HOME/perch/config"
}

t_dns_failure_is_named() {
    expect_rc 3 "$(p send -j "agent@$DOMAIN" -s no-such-host.invalid --password-env AGENT_PW "$PING")"
    expect_err 'cannot resolve no-such-host.invalid'
}


t_insecure_connects_without_a_ca_and_warns() {
    expect_rc 0 "$(p send -j "agent@$DOMAIN" "${TCP[@]}" --password-env AGENT_PW --insecure "$PING")"
    expect_err 'warning: --insecure'
    expect_out "type='result'"
}

t_password_cmd_and_config_password_are_used() {
    expect_rc 0 "$(p send -j "agent@$DOMAIN" "${TCP[@]}" --ca-file "$CA_FILE" \
        --password-cmd "printf '%s\n' '$AGENT_PW'" "$PING")"
    expect_rc 2 "$(p send -j "agent@$DOMAIN" "${TCP[@]}" --ca-file "$CA_FILE" \
        --password-cmd "exit 3" "$PING")"
    expect_err "--password-cmd 'exit 3' failed"
    mkdir -p "$XDG_CONFIG_HOME/perch"
    printf '[account default]\njid = agent@%s\nserver = 127.0.0.1\nport = %s\nca-file = %s\npassword = %s\n' \
        "$DOMAIN" "$C2S_PORT" "$CA_FILE" "$AGENT_PW" >"$XDG_CONFIG_HOME/perch/config"
    chmod 600 "$XDG_CONFIG_HOME/perch/config"
    expect_rc 0 "$(p send "$PING")" # [account default] without -a
    chmod 644 "$XDG_CONFIG_HOME/perch/config"
    expect_rc 2 "$(p send "$PING")"
    expect_err 'holds a password but others may read it'
    rm -f "$XDG_CONFIG_HOME/perch/config"
}

t_probe_over_tcp_pings_and_measures_drift() {
    expect_rc 0 "$(p probe "${AGENT[@]}" --duration 2 --json)"
    expect_out '"kind":"ready","jid":"agent@localhost/perch-[a-z0-9]{4}","transport":"TCP 127.0.0.1:[0-9]+, TLS, verified"'
    expect_out '"kind":"ping","rtt_ms":[0-9.]+'
    expect_out '"kind":"drift","drift_ms":-?[0-9.]+,"source":"xep-0202"'
    expect_out '"kind":"summary".*"healthy":true'
}
