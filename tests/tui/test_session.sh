# The session: quitting and subscriptions, a lost server, BOSH, WebSocket,
# no terminal; sourced by run.sh.
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

# create_nodes NODE...: made by the publisher (PUB).
create_nodes() {
    local n create=""
    for n in "$@"; do
        create+="<iq type='set' to='$PUBSUB'><pubsub $PS><create node='$n'/></pubsub></iq>"
    done
    "$PERCH" send "${PUB[@]}" "$create" >/dev/null 2>>"$TD/create.err" ||
        fail "creating $*: $(tail -c 300 "$TD/create.err")"
}

# The server dies: the red banner says so and counts down; the server
# comes back on the same ports: the console logs in again by itself.
t_lost_server_shows_the_red_banner_and_reconnects() {
    local banner
    private_start "$TD/srv" || return
    trap private_stop EXIT
    read -r -a CONN <<<"$(conn_args tcp supervisor SUP_PW)"
    SIZE=80x24
    tui_start || return
    wait_screen '^ supervisor@localhost │ (TCP, TLS, verified|TLS) │' || return
    private_kill || return
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
    # the same server again, on the same ports (its nodes were in memory:
    # gone)
    private_restart || return
    wait_gone 'Lost connection' 20 || return
    wait_screen '^ supervisor@localhost │ (TCP, TLS, verified|TLS) │'
    tui_quit
}

# The server restarts without the subscriptions it held (its nodes made
# again, one fewer than before): the tree, the marks and the counts go to
# what the server lists; the subscription this session made is made
# again and said so; the one made by another client is gone.
server_lost_its_subscriptions_marks_follow_and_ours_are_made_again() {
    local mine=/finesse/api/User/1001001 other=/finesse/api/SystemInfo
    local later=/finesse/api/Queue/1
    private_start "$TD/srv" --persist || return
    trap private_stop EXIT
    read -r -a PUB <<<"$(conn_args tcp publisher PUB_PW)"
    read -r -a SUPCLI <<<"$(conn_args tcp supervisor SUP_PW)"
    read -r -a CONN <<<"$(conn_args "$1" supervisor SUP_PW)"
    create_nodes "$mine" "$other" || return
    # what the server holds after its restart: no $later, no subscriptions
    private_save_pubsub "$TD/saved" || return
    create_nodes "$later" || return
    "$PERCH" subscribe "${SUPCLI[@]}" "$other" >/dev/null 2>>"$TD/sub.err" ||
        { fail "perch subscribe failed: $(cat "$TD/sub.err")"; return 1; }
    SIZE=80x24
    tui_start --keepalive 2 || return
    wait_screen '^ Nodes 3 nodes, 1 subscribed' 10 || return
    type_line "/sub $mine"
    wait_screen "^subscribed to $mine" || return
    wait_screen '^ Nodes 3 nodes, 2 subscribed' || return
    expect_screen '│ 2 subs │'
    expect_screen '^ +[▾▸] Queue$'
    private_kill || return
    wait_screen '^ Lost connection to ' 10 || return
    # from the loss until the resync, the pane says it is not known
    wait_screen '^ Nodes stale — 3 nodes, 2 subscribed' || return
    private_restart --pubsub-from "$TD/saved" || return
    wait_screen "^the server lost the subscription to $mine: made again" 30 || return
    wait_screen '^ Nodes 2 nodes, 1 subscribed' 10 || return
    expect_screen '│ 1 subs │'
    refute_screen '^ +[▾▸] Queue$' 'the vanished node is still in the tree'
    subscriptions | grep -q "^$mine " || fail "the server lists no subscription to $mine"
    subscriptions | grep -q "^$other " && fail "the server still lists $other"
    tui_quit
}
per_transport server_lost_its_subscriptions_marks_follow_and_ours_are_made_again

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
        expect_screen ' Network [1-9][0-9]* of [1-9][0-9]* requests'
        expect_screen '^(.*│)?[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}  [0-9]+ +200 +[0-9]+ +[0-9]+ +[0-9]+ ' 'no request row with status 200'
        tui_quit
    done
}

# The console over WebSocket, ws at every size and wss with the test CA:
# logged in, the status bar says so, Network shows the upgrade and one row
# per frame (time to the millisecond, direction, opcode, size, the
# element) and the WebSocket ping.
t_websocket_login_shows_its_frames_in_network() {
    local url how bar sizes
    for url in "$WS_URL" "$WSS_URL"; do
        if [[ $url == wss:* ]]; then
            CONN=(-j "$SUPERVISOR_JID" --password-env SUP_PW --ws "$url" --ca-file "$CA_FILE" --ws-ping 1)
            how='TLS, verified' bar='WebSocket, TLS, verified|TLS' sizes=${SIZES%% *}
        else
            CONN=(-j "$SUPERVISOR_JID" --password-env SUP_PW --ws "$url" --allow-plaintext-auth --ws-ping 1)
            how='NOT encrypted' bar='WebSocket, NOT encrypted|no TLS' sizes=$SIZES
        fi
        for SIZE in $sizes; do
            tui_start || return
            wait_tree || return
            expect_screen "^ supervisor@localhost │ ($bar) │"
            keys Escape 5
            wait_active '	 5 Network ' || return
            wait_screen "WebSocket $url, $how — ping RTT [0-9]+ ms" || return
            wait_screen '^(.*│)?upgrade 101  protocol xmpp  extensions none — WebSocket ping [0-9.]+ ms, 0 lost' || return
            expect_screen '^(.*│)?TIME +DIR +OPCODE +SIZE +ST +WHAT'
            expect_screen ' Network [1-9][0-9]* of [1-9][0-9]* records'
            expect_screen '^(.*│)?[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}  (in |out)  text +[0-9]+ +[01]  <[a-z]+>' 'no frame row'
            wait_screen '^(.*│)?[0-9:.]{12}  ws ping  RTT [0-9.]+ ms' || return
            if [[ $url == wss:* ]]; then # Enter on a frame: its message
                type_line "/<iq>"
                wait_screen '^Network: [1-9][0-9]* requests? holding <iq>' || return
                keys Home Enter
                wait_screen 'Network .* — Enter: back' || return
                expect_screen '^(.*│)?Message \([0-9]+ bytes\):'
                expect_screen '^(.*│)?<iq '
                keys Enter
            fi
            tui_quit
        done
    done
}

# The Network tab: the long poll the server holds, its age ticking; Enter
# opens a request with both bodies; /TEXT filters the rows.
t_network_shows_the_held_poll_and_opens_a_request() {
    local age1 age2
    CONN=(-j "$SUPERVISOR_JID" --password-env SUP_PW --bosh "$BOSH_HTTPS_URL" --ca-file "$CA_FILE" --bosh-wait 20)
    SIZE=120x40
    tui_start || return
    wait_tree || return
    keys Escape 5
    wait_active '	 5 Network ' || return
    wait_screen '^(.*│)?held: rid [0-9]+ \(long poll\) since [0-9:.]{12}, [0-9]+\.[0-9] s' || return
    age1=$(grep -oE 'held: rid [0-9]+ \(long poll\) since [0-9:.]{12}, [0-9.]+ s' <<<"$SCREEN")
    wait_screen 'held: rid [0-9]+ \(long poll\) since [0-9:.]{12}, [1-9][0-9]*\.[0-9] s' || return
    age2=$(grep -oE 'held: rid [0-9]+ \(long poll\) since [0-9:.]{12}, [0-9.]+ s' <<<"$SCREEN")
    [[ $age1 != "$age2" ]] || fail "the held request's age did not move: $age1"
    keys Home Enter
    wait_screen 'Network .* — Enter: back' || return
    expect_screen '^(.*│)?rid [0-9]+ — HTTP 200 — started [0-9:.]{12} — [0-9]+ ms — resends 0'
    expect_screen '^(.*│)?Date: [A-Z][a-z]{2}, '
    expect_screen '^(.*│)?Request \([0-9]+ bytes\):'
    expect_screen "^(.*│)?<body .*xmlns='http://jabber.org/protocol/httpbind'"
    expect_screen '^(.*│)?Response \([0-9]+ bytes\):'
    keys Enter
    wait_screen '^(.*│)?TIME +RID +STATUS' || return
    type_line "/FAILED"
    wait_screen '^Network: 0 requests holding FAILED' || return
    expect_screen ' Network 0 of [1-9][0-9]* requests — filter: FAILED'
    type_line "/off"
    wait_screen '^Network: [1-9][0-9]* requests$' || return
    tui_quit
}

# A BOSH request that failed is a row labelled FAILED with its cause in
# Network, and Enter opens it with the cause and the request perch sent.
# tests/tools/boshproxy answers the request carrying a typed disco#items
# HTTP 500 (without forwarding it); the resend gets the answer.
t_network_shows_a_failed_request_with_its_cause() {
    local proxy_pid ready=$TD/proxy-fail.ready port
    "$ROOT/build/tools/boshproxy" --listen-port 0 --upstream "$BOSH_HTTP_URL" \
        --log "$TD/proxy-fail.log" --fault "status:tui-failed:500" >"$ready" 2>&1 &
    proxy_pid=$!
    # shellcheck disable=SC2064 # the pid now
    trap "kill -TERM $proxy_pid 2>/dev/null" EXIT
    port=$(tool_port "$ready" boshproxy) || return 1
    CONN=(-j "$SUPERVISOR_JID" --password-env SUP_PW --allow-plaintext-auth
        --bosh "http://127.0.0.1:$port/http-bind" --bosh-wait 2)
    SIZE=120x40
    tui_start || return
    wait_tree || return
    type_line "$(disco_items tui-failed)"
    keys Escape 5
    wait_active '	 5 Network ' || return
    wait_screen '^(.*│)?[0-9:.]{12} +[0-9]+ +500 .*FAILED: HTTP 500' 10 || return
    grep -q '^fault .* spec=status' "$TD/proxy-fail.log" || fail "the 500 fault did not fire"
    type_line "/FAILED"
    wait_screen '^Network: 1 request holding FAILED' || return
    keys Home Enter
    wait_screen 'Network .* — Enter: back' || return
    expect_screen '^(.*│)?rid [0-9]+ — HTTP 500 — started [0-9:.]{12} — [0-9]+ ms — resends 0'
    expect_screen '^(.*│)?FAILED: HTTP 500'
    expect_screen '^(.*│)?Request \([0-9]+ bytes\):'
    expect_screen "id='tui-failed'"
    keys Enter
    wait_screen '^(.*│)?TIME +RID +STATUS' || return
    tui_quit
    kill -TERM "$proxy_pid" 2>/dev/null
    wait "$proxy_pid" 2>/dev/null
    trap - EXIT
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

# A perch killed with -9 left a subscription and its ledger entry: the
# next console asks at its first login whether to remove it; y removes it
# on the service.
t_a_crashed_perchs_leftover_is_offered_for_removal() {
    local node=/finesse/api/User/1001004 pid n
    SIZE=80x24
    "$PERCH" watch "${SUPCLI[@]}" "$node" >"$TD/watch.out" 2>"$TD/watch.err" &
    pid=$!
    for ((n = 0; n < 200; n++)); do # 10 s
        grep -q 'watching 1 node (1 new subscription)' "$TD/watch.err" && break
        sleep 0.05
    done
    if ((n == 200)); then
        kill -KILL "$pid"
        fail "watch did not subscribe: $(cat "$TD/watch.err")"
        return 1
    fi
    kill -KILL "$pid"
    wait "$pid" 2>/dev/null
    subscribed "$node" || fail "the killed watch left no subscription to $node"
    "$PERCH" subscriptions "${SUPCLI[@]}" --stale >"$TD/stale.out" 2>&1
    grep -q "^$node " "$TD/stale.out" || fail "no leftover listed: $(cat "$TD/stale.out")"
    tui_start || return
    # the question first, so that 80 columns show y/n and the node
    wait_screen '^remove 1 subscription left by an ended perch\? y/n \(/finesse/api/User/1001004\)' 10 || return
    keys y
    wait_screen "^removed the leftover subscription to $node" || return
    subscribed "$node" && fail "y left the subscription to $node"
    tui_quit
}

# full_jid_sub NODE [ARGS...]: a console started with ARGS subscribes
# NODE with its full JID (another process lists it so), and q removes it.
full_jid_sub() {
    local node=$1 jid
    shift
    tui_start "$@" "$node" || return
    wait_screen "^subscribed to $node" || return
    jid=$(subscriptions | awk -v n="$node" '$1 == n { print $3 }')
    [[ $jid == supervisor@localhost/?* ]] ||
        fail "the service lists $node for '$jid', not the console's full JID"
    tui_quit || return
    ! subscribed "$node" || fail "q left the full-JID subscription to $node"
}

# --full-jid, and config full-jid = true: the console subscribes its full
# JID, as Cisco recommends, and removes that subscription when it quits.
t_full_jid_console_subscribes_its_full_jid_and_quit_removes_it() {
    SIZE=80x24
    full_jid_sub /finesse/api/User/1001009 --full-jid || return
    mkdir -p "$XDG_CONFIG_HOME/perch"
    printf '[account default]\nfull-jid = true\n' >"$XDG_CONFIG_HOME/perch/config"
    full_jid_sub /finesse/api/User/1001010
    rm -f "$XDG_CONFIG_HOME/perch/config"
}

# as_user2 FIXTURE: a sed script making FIXTURE's 1001001 (Ada Lovelace)
# into 1001002 (Alan Turing).
AS_USER2='s/1001001/1001002/g;s/Ada/Alan/g;s/Lovelace/Turing/g'

# The server is killed and comes back on the same ports with its data;
# the agents change state while the console is away (it is held stopped
# from the loss until the publishes are accepted, so only the resync can
# bring them): from the loss on, Agents says stale and is dimmed; once
# the resync has fetched the latest items, each agent shows its last
# published state, no longer stale nor dim.
agents_show_the_last_state_after_a_restart_with_its_data() {
    local u1=/finesse/api/User/1001001 u2=/finesse/api/User/1001002 pid
    local row1='1001001  Ada Lovelace +1001001 +' row2='1001002  Alan Turing +1001002 +'
    local extra=()
    private_start "$TD/srv" --persist || return
    trap private_stop EXIT
    read -r -a PUB <<<"$(conn_args tcp publisher PUB_PW)"
    read -r -a CONN <<<"$(conn_args "$1" supervisor SUP_PW)"
    [[ $1 != bosh ]] || extra=(--bosh-wait 2)
    create_nodes "$u1" "$u2" || return
    SIZE=80x24
    tui_start --keepalive 2 "${extra[@]}" "$u1" "$u2" || return
    wait_screen "^subscribed to $u2" 10 || return
    publish "$u1" user_not_ready_reason || return
    publish "$u2" user_talking_pending || return
    keys F2
    wait_screen "^(.*│)?${row1}NOT_READY .*Lunch" || return
    wait_screen "^(.*│)?${row2}TALKING " || return
    screen_e | dim_lines | grep -q '1001001' && fail "Agents is dimmed before any loss"
    private_kill || return
    wait_screen '^ Agents stale — 2 agents' 10 || return
    expect_screen "^(.*│)?${row1}NOT_READY .*Lunch" 'the stale pane lost its rows'
    screen_e | dim_lines | grep -qE "${row1}NOT_READY" ||
        fail "the stale Agents rows are not dim: $(screen_e | dim_lines | head -5)"
    pid=$(perch_pid) || { fail "no perch pid"; return 1; }
    kill -STOP "$pid"
    private_restart || { kill -CONT "$pid"; return 1; }
    publish "$u1" user_ready_1001001 || { kill -CONT "$pid"; return 1; }
    publish "$u2" user_ready_1001001 "$AS_USER2" || { kill -CONT "$pid"; return 1; }
    publish "$u2" user_not_ready_reason "$AS_USER2" || { kill -CONT "$pid"; return 1; }
    kill -CONT "$pid"
    wait_screen "^(.*│)?${row1}READY " 30 || return
    wait_screen "^(.*│)?${row2}NOT_READY .*Lunch" 10 || return
    wait_gone 'stale' 10 || return
    expect_screen '^ Agents 2 agents'
    screen_e | dim_lines | grep -q '100100[12]' && fail "Agents is still dim after the resync: $(screen_e | dim_lines | head -5)"
    tui_quit
}
per_transport agents_show_the_last_state_after_a_restart_with_its_data

# A BOSH request answered HTTP 500 is resent: the status bar says
# "resending" until the resend is answered, then the transport again.
# tests/tools/boshproxy answers the /sub's request 500; the server is held
# stopped meanwhile, so that the resend stays unanswered long enough to be
# seen (a quick answer would clear it within a frame).
t_bosh_resent_request_shows_resending_in_the_status_bar() {
    local node=/finesse/api/User/1001011 proxy_pid ready=$TD/proxy.ready port
    private_start "$TD/srv" || return
    read -r -a PUB <<<"$(conn_args tcp publisher PUB_PW)"
    create_nodes "$node" || { private_stop; return 1; }
    "$ROOT/build/tools/boshproxy" --listen-port 0 --upstream "$BOSH_HTTP_URL" \
        --log "$TD/proxy.log" --fault "status:User/1001011:500" >"$ready" 2>&1 &
    proxy_pid=$!
    # shellcheck disable=SC2064 # the pid now
    trap "kill -TERM $proxy_pid 2>/dev/null; private_stop" EXIT
    port=$(tool_port "$ready" boshproxy) || return 1
    CONN=(-j "supervisor@$DOMAIN" --password-env SUP_PW --allow-plaintext-auth
        --bosh "http://127.0.0.1:$port/http-bind" --bosh-wait 2)
    SIZE=80x24
    tui_start || return
    wait_screen '^ supervisor@localhost │ (BOSH, NOT encrypted|no TLS) │' 10 || return
    refute_screen 'resending' 'resending before any request failed'
    kill -STOP "$PROSODY_PID"
    type_line "/sub $node"
    wait_screen '^ supervisor@localhost │ resending │' 5 || { kill -CONT "$PROSODY_PID"; return 1; }
    grep -q '^fault .* spec=status' "$TD/proxy.log" || fail "the 500 fault did not fire"
    kill -CONT "$PROSODY_PID"
    wait_screen "^subscribed to $node" 10 || return
    wait_gone 'resending' 5 || return
    expect_screen '^ supervisor@localhost │ (BOSH, NOT encrypted|no TLS) │'
    grep -q '^resend rid=[0-9]* identical=yes$' "$TD/proxy.log" ||
        fail "no identical resend after the 500: $(grep -E '^(fault|resend)' "$TD/proxy.log")"
    tui_quit
}
