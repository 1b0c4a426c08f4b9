# The session: quitting and subscriptions, a lost server, BOSH, no
# terminal; sourced by run.sh.
# shellcheck shell=bash
# shellcheck disable=SC2034,SC2153 # SIZE, CONN, SIZES: lib.sh

# subscribed NODE: the service lists a subscription of the supervisor.
subscribed() {
    subscriptions | grep -q "^$1 "
}

t_quit_removes_the_sessions_subscriptions_and_quit_keep_leaves_them() {
    local node
    SIZE=80x24
    # /quit
    node=/finesse/api/User/1001007
    tui_start "$node" || return
    wait_screen "^subscribed to $node" || return
    subscribed "$node" || fail "the service does not list $node during the session"
    type_line /quit
    wait_exit || return
    ! subscribed "$node" || fail "/quit left the subscription to $node"
    # q, the same
    node=/finesse/api/User/1001006
    tui_start "$node" || return
    wait_screen "^subscribed to $node" || return
    tui_quit || return
    ! subscribed "$node" || fail "q left the subscription to $node"
    # /quit keep
    node=/finesse/api/User/1001008
    tui_start "$node" || return
    wait_screen "^subscribed to $node" || return
    type_line '/quit keep'
    wait_exit || return
    subscribed "$node" || fail "/quit keep removed the subscription to $node"
    "$PERCH" unsubscribe "${SUPCLI[@]}" "$node" >/dev/null 2>>"$TD/unsub.err"
}

# A subscription that existed before the session is not the session's to
# remove (as perch watch keeps one it did not create).
t_quit_keeps_a_subscription_the_session_did_not_make() {
    local node=/finesse/api/User/1001005
    SIZE=80x24
    "$PERCH" subscribe "${SUPCLI[@]}" "$node" >/dev/null 2>>"$TD/sub.err" ||
        { fail "perch subscribe failed: $(cat "$TD/sub.err")"; return 1; }
    tui_start "$node" || return
    wait_screen "^(already )?subscribed to $node" || return
    keys F1
    wait_screen '^ Nodes [0-9]+ nodes, 1 subscribed' || return
    type_line /quit
    wait_exit || return
    subscribed "$node" || fail "/quit removed $node, subscribed before the session began"
    "$PERCH" unsubscribe "${SUPCLI[@]}" "$node" >/dev/null 2>>"$TD/unsub.err"
}

# The server dies: the red banner says so and counts down; the server
# comes back on the same ports: the console logs in again by itself.
t_lost_server_shows_the_red_banner_and_reconnects() {
    local banner
    "$ROOT/tests/prosody/start.sh" "$SERVER2_DIR" >"$TD/start2.log" 2>&1 ||
        { fail "second Prosody: $(cat "$TD/start2.log")"; return 1; }
    # shellcheck source=/dev/null
    source "$SERVER2_DIR/env" # this test's subshell only
    CONN=(-j "$SUPERVISOR_JID" --password-env SUP_PW -s 127.0.0.1 -p "$C2S_PORT" --ca-file "$CA_FILE")
    SIZE=80x24
    tui_start || return
    wait_screen '^ supervisor@localhost │ (TCP, TLS, verified|TLS) │' || return
    kill -KILL "$PROSODY_PID"
    wait_screen '^ Lost connection to 127\.0\.0\.1 — ' || return
    banner=$(screen_line 1)
    screen_e | runs '*' 41 '*' | grep -q '^1	 Lost connection to 127\.0\.0\.1' ||
        fail "the banner is not red: $(screen_e | head -1 | cat -v)"
    [[ $banner != *"Operation not perm"* ]] ||
        fail "the banner blames 'Operation not permitted' (EPERM) for a server that went away: '$banner'"
    expect_screen '^ 1 Nodes   2 Agents' 'the tab bar is not below the banner'
    expect_screen '^ supervisor@localhost │ reconnecting │'
    # what matters comes first: it fits 80 columns
    wait_screen '^ Lost connection to 127\.0\.0\.1 — reconnecting in [0-9]+ s \(attempt [0-9]+\)' 1
    SIZE=160x48
    tm resize-window -t "$SESSION" -x 160 -y 48
    wait_screen '^ Lost connection to 127\.0\.0\.1 — reconnecting in [0-9]+ s \(attempt [0-9]+\) — .+' || return
    # the same server again, on the same ports, with its data (its nodes
    # were in memory: gone)
    (cd "$PROSODY_DIR" && setsid prosody --config "$PROSODY_CONFIG" -F </dev/null \
        >>"$PROSODY_DIR/console.log" 2>&1 &)
    wait_gone 'Lost connection' 20 || return
    wait_screen '^ supervisor@localhost │ (TCP, TLS, verified|TLS) │'
    tui_quit
}

t_bosh_login_shows_its_requests_in_network() {
    CONN=(-j "$SUPERVISOR_JID" --password-env SUP_PW --bosh "$BOSH_HTTPS_URL" --ca-file "$CA_FILE")
    for SIZE in $SIZES; do
        tui_start || return
        wait_tree || return
        expect_screen '^ supervisor@localhost │ (BOSH, TLS, verified|TLS) │'
        keys Escape 5
        wait_active '	 5 Network ' || return
        wait_screen "BOSH $BOSH_HTTPS_URL, TLS, verified — ping RTT [0-9]+ ms" || return
        # what the server sent (Prosody: inactivity 60), and the profile
        expect_screen '^(.*│)?profile perch · server: wait [0-9]+ s  hold 1  requests [0-9]+  polling [0-9]+ s'
        expect_screen '^(.*│)?TIME +RID +STATUS +OUT +IN +MS'
        expect_screen ' Network [1-9][0-9]* requests kept'
        expect_screen '^(.*│)?[0-9]{2}:[0-9]{2}:[0-9]{2}  [0-9]+ +200 +[0-9]+ +[0-9]+ +[0-9]+ ' 'no request row with status 200'
        tui_quit
    done
}

t_bosh_desktop_profile_is_named_in_network_beside_what_the_server_sent() {
    CONN=(-j "$SUPERVISOR_JID" --password-env SUP_PW --bosh "$BOSH_HTTPS_URL" --ca-file "$CA_FILE" --bosh-profile desktop)
    SIZE=160x48
    tui_start || return
    wait_tree || return
    keys Escape 5
    wait_screen 'profile desktop · server: wait [0-9]+ s  hold 1  requests [0-9]+  polling [0-9]+ s  inactivity 60 s  maxpause [0-9]+ s  ver 1\.6' || return
    tui_quit
}

t_without_a_terminal_exits_2_before_asking_the_password() {
    local rc=0 mark=$TD/asked
    "$PERCH" -j "$SUPERVISOR_JID" "${TCP[@]}" --password-cmd "touch $mark; echo x" \
        </dev/null >"$TD/notty.out" 2>"$TD/notty.err" || rc=$?
    [[ $rc == 2 ]] || fail "exit $rc, expected 2"
    grep -q 'the interactive console needs a terminal' "$TD/notty.err" ||
        fail "stderr: $(cat "$TD/notty.err")"
    [[ ! -s $TD/notty.out ]] || fail "stdout: $(head -c 200 "$TD/notty.out" | cat -v)"
    [[ ! -e $mark ]] || fail "the password was asked for"
}

# SystemInfo OUT_OF_SERVICE puts the reason in the red banner; IN_SERVICE
# takes it away.
t_out_of_service_shows_the_banner_until_in_service() {
    SIZE=80x24
    tui_start /finesse/api/SystemInfo || return
    wait_screen 'subscribed to /finesse/api/SystemInfo' || return
    publish /finesse/api/SystemInfo systeminfo_out_of_service || return
    wait_ms '^ Finesse is OUT_OF_SERVICE: CTI connection lost' 1000 || return
    screen_e | runs '*' 41 '*' | grep -q '^1	 Finesse is OUT_OF_SERVICE' ||
        fail "the OUT_OF_SERVICE banner is not red: $(screen_e | head -1 | cat -v)"
    expect_screen '^ 1 Nodes   2 Agents' 'the tab bar is not below the banner'
    publish /finesse/api/SystemInfo systeminfo_out_of_service \
        's/OUT_OF_SERVICE/IN_SERVICE/;s/CTI connection lost//' || return
    wait_gone 'OUT_OF_SERVICE' 2 || return
    expect_screen '^ 1 Nodes   2 Agents' 'the tab bar is not back on the first line'
    tui_quit
}

# An untrusted certificate is not retried: the banner says why, the
# message line gives the --pin that accepts the key, Console the rest.
t_untrusted_certificate_shows_the_pin_and_is_not_retried() {
    CONN=(-j "$SUPERVISOR_JID" --password-env SUP_PW -s 127.0.0.1 -p "$C2S_PORT")
    SIZE=120x40
    tui_start || return
    wait_screen '^ Not connected to 127\.0\.0\.1 — certificate of localhost not trusted' || return
    expect_screen '^to trust this key: --pin sha256//[A-Za-z0-9+/=]+ \(details in Console\)'
    expect_screen '^ supervisor@localhost │ offline │'
    keys Escape 4
    wait_screen '^  issuer: +/CN=localhost' || return
    expect_screen '^\(or trust its CA with --ca-file FILE\)'
    refute_screen 'reconnecting' 'a refused certificate is retried'
    tui_quit
}
