# The console's /rest against perch simulate's REST API: the request, its
# answer and the Update carrying its requestId, paired in Console and said
# on the message line; the REST templates of /tpl. Sourced by run.sh.
# shellcheck shell=bash
# shellcheck disable=SC2034,SC2153 # SIZE, CONN: lib.sh

# rest_sim [ARG...]: agent 1001001 (a Prosody account too) and a simulator
# serving the REST API over https, given ARGs too; sets REST_PORT and
# AGENT_PW_FILE. The simulator is stopped by PID when the test's shell
# exits.
rest_sim() {
    local users=$TD/rest-users log=$TD/sim.err deadline
    prosodyctl --config "$PROSODY_CONFIG" register 1001001 "$DOMAIN" agentpw \
        >"$TD/register.log" 2>&1 || {
        fail "prosodyctl register: $(cat "$TD/register.log")"
        return 1
    }
    printf '1001001:agentpw\n' >"$users"
    AGENT_PW_FILE=$TD/agent.pw
    printf 'agentpw\n' >"$AGENT_PW_FILE"
    chmod 600 "$users" "$AGENT_PW_FILE"
    REST_PORT=$("$FREEPORT" 1)
    "$PERCH" simulate "${PUB[@]}" --agents 2 --teams 1 --queues 1 --rate 50 \
        --no-outage --rest-port "$REST_PORT" --rest-users "$users" \
        --rest-cert "$CA_FILE" --rest-key "$PROSODY_DIR/certs/localhost.key" \
        "$@" >"$TD/sim.out" 2>"$log" &
    SIM_PID=$!
    trap 'kill -TERM "$SIM_PID" 2>/dev/null; wait "$SIM_PID" 2>/dev/null' EXIT
    deadline=$((SECONDS + 15))
    until grep -q '^perch: REST API on ' "$log"; do
        ((SECONDS < deadline)) || {
            fail "the simulator's REST API did not start: $(tail -c 300 "$log")"
            return 1
        }
        sleep 0.1
    done
}

t_rest_request_pairs_with_its_answer_and_its_update_in_console() {
    local id
    rest_sim || return
    CONN=(-j "1001001@$DOMAIN" --password-file "$AGENT_PW_FILE" "${TCP[@]}"
        --rest "https://localhost:$REST_PORT")
    SIZE=200x50
    tui_start /finesse/api/User/1001001 || return
    wait_screen 'subscribed to /finesse/api/User/1001001' || return
    type_line "/rest PUT /finesse/api/User/1001001 <User><state>LOGIN</state></User>"
    wait_screen '^PUT /finesse/api/User/1001001: Update \(user NOT_READY\) [0-9]+ ms after the request' || return
    wait_active ' 4 Console ' || return
    # Console selected the answer (so it is in view, whatever the login's
    # REST resync added around it): its detail is the status line
    wait_selected '← rest/202 id=[0-9a-f-]{36} /finesse/api/User/1001001 +<-> reply in [0-9]+ ms' || return
    id=$(selected | grep -oE '← rest/202 id=[0-9a-f-]{36}' | head -1 | sed 's/.*id=//')
    expect_screen '^(.*│)?HTTP 202 Accepted in [0-9]+ ms'
    # p: to the request (its URL and body, pretty printed), then its Update
    keys p
    wait_selected "→ rest/PUT id=$id /finesse/api/User/1001001 +<-> 202 in [0-9]+ ms, Update in [0-9]+ ms" || return
    expect_screen '^(.*│)?PUT https://localhost:[0-9]+/finesse/api/User/1001001$'
    expect_screen '^(.*│)?<User>$'
    expect_screen '^(.*│)?  <state>LOGIN</state>$'
    keys p
    wait_selected '← user 1001001 [A-Z_]+  message/headline .*<-> Update of rest/PUT' || return
    # (checked selected: below a frozen selection it may be out of view)
    expect_screen '← user 1001001 [A-Z_]+  message/headline id=[^ ]+ /finesse/api/User/1001001 +<-> Update of rest/PUT, [0-9]+ ms'
    keys Enter # the whole Update on the pane, paged to its end
    for _ in 1 2 3 4 5 6; do
        poll_screen "<requestId>$id</requestId>" 500 && break
        keys NPage
    done
    expect_screen "^(.*│)? *<requestId>$id</requestId>\$" || return
    keys Enter
    keys p
    wait_selected "→ rest/PUT id=$id" || return
    # a template: the own user filled in; Enter sends it
    type_line "/tpl state READY"
    wait_screen '^> /rest PUT /finesse/api/User/1001001 <User><state>READY</state></User>' || return
    keys Enter
    wait_screen '^PUT /finesse/api/User/1001001: Update \(user READY\) [0-9]+ ms after the request' || return
    # a refused change: its ApiErrors on the message line
    type_line "/rest PUT User/1001001 <User><state>LOGIN</state></User>"
    wait_screen '^PUT /finesse/api/User/1001001: 400 Bad Request: Invalid State: CF_INVALID_OBJECT_STATE \(LOGIN\)' || return
    expect_screen '→ rest/PUT id=[0-9a-f-]{36} /finesse/api/User/1001001 +<-> 400 in [0-9]+ ms'
    # nothing sent for a bad method or path
    type_line "/rest PATCH User/1"
    wait_screen "^/rest: not sent: 'PATCH' is not GET, PUT, POST or DELETE" || return
    tui_quit
}

# A REST answer older than an Update: the login's resync GETs the agent's
# User, and the simulator sends the answer 6 s late, as a loaded Finesse
# can; meanwhile the agent signs in (an Update). The late answer, written
# before it, must not put the old state back.
t_rest_answer_older_than_an_update_is_not_applied() {
    rest_sim --rest-delay 6000 || return
    CONN=(-j "1001001@$DOMAIN" --password-file "$AGENT_PW_FILE" "${TCP[@]}"
        --rest "https://localhost:$REST_PORT")
    SIZE=200x50
    tui_start /finesse/api/User/1001001 || return
    wait_screen 'resync through REST: 1 object from https://localhost' 10 || return
    type_line "/rest PUT /finesse/api/User/1001001 <User><state>LOGIN</state></User>"
    wait_screen '│1001001 +[^ ].* +NOT_READY ' || return
    # the Update can come before the 202: Console selects the answer
    # (and freezes) when it comes, so f waits for that
    wait_selected '← rest/202 id=[0-9a-f-]{36} /finesse/api/User/1001001' || return
    keys f # Console follows the newest row again
    # the late answer has come: the state is still the Update's
    wait_screen '← rest/200 +/finesse/api/User/1001001 +<-> reply in [0-9]+ ms' 10 || return
    refute_screen '│1001001 +[^ ].* +LOGOUT '
    expect_screen '│1001001 +[^ ].* +NOT_READY '
    expect_screen 'REST answer for User/1001001 not applied: an Update of /finesse/api/User/1001001 came after the request \(200 in [0-9]+ ms\)'
    tui_quit
}

# The cluster: with --rest (or --alternate) the console GETs SystemInfo at
# login, says so in Console, and the status bar names the node it is on
# and its status; a SystemInfo Update changes the status.
t_status_bar_names_the_cluster_node_and_its_status() {
    rest_sim --primary 127.0.0.1 --secondary 127.0.0.2 || return
    CONN=(-j "1001001@$DOMAIN" --password-file "$AGENT_PW_FILE" "${TCP[@]}"
        --rest "https://localhost:$REST_PORT" --alternate 127.0.0.2)
    SIZE=160x48
    tui_start /finesse/api/SystemInfo || return
    wait_screen '^ 1001001@localhost │ (TCP, TLS, verified|TLS) │ primary IN_SERVICE │ RTT' || return
    wait_screen 'subscribed to /finesse/api/SystemInfo' || return
    keys Escape 4
    wait_active ' 4 Console ' || return
    type_line '/filter SystemInfo'
    wait_screen 'refreshed SystemInfo from REST https://localhost:[0-9]+/finesse/api/SystemInfo \(200 in [0-9]+ ms\)' || return
    expect_screen '← rest/200 +/finesse/api/SystemInfo +<-> reply in [0-9]+ ms'
    kill -USR1 "$SIM_PID"
    wait_screen '│ primary OUT_OF_SERVICE │ RTT' || return
    kill -USR1 "$SIM_PID"
    wait_screen '│ primary IN_SERVICE │ RTT' || return
    tui_quit
    # 80 columns: shortened
    SIZE=80x24
    tui_start || return
    wait_screen '^ 1001001@localhost │ TCP, TLS, verified │ pri IN_SERVICE │ RTT' || return
    tui_quit
}

# On the secondary of a pair (tests/prosody/cluster.sh): the status bar
# says so, from that node's SystemInfo.
t_status_bar_says_secondary_on_the_second_node_of_a_pair() {
    # shellcheck source=tests/prosody/cluster.sh
    source "$ROOT/tests/prosody/cluster.sh"
    trap cluster_stop EXIT
    cluster_start "$TD" || { fail "the cluster did not start"; return 1; }
    CONN=(-j "1001001@$DOMAIN" --password-file "$CLUSTER_PW_FILE" -s 127.0.0.2
        -p "$C2S_PORT" --ca-file "$CA_FILE" --rest "https://127.0.0.2:$CLUSTER_REST_PORT")
    SIZE=160x48
    tui_start || return
    wait_screen '^ 1001001@localhost │ (TCP, TLS, verified|TLS) │ secondary IN_SERVICE │ RTT' || return
    tui_quit
}
