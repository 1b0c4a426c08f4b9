# perch rest and perch simulate's REST side against Prosody; sourced by
# run.sh. Each test starts its own simulator (https on a free port with
# Prosody's certificate, agent 1001001 left to its REST client) and stops
# it by PID when it ends.
# shellcheck shell=bash

REST_AGENT=1001001
REST_SUP=sup1
export REST_AGENT_PW=agentpw REST_SUP_PW=suppw REST_BAD_PW=wrong

# rest_accounts: the Prosody accounts and the simulator's users file, once.
rest_accounts() {
    local u
    [[ -e $WORK/rest-users ]] && return 0
    for u in "$REST_AGENT:$REST_AGENT_PW" "$REST_SUP:$REST_SUP_PW"; do
        prosodyctl --config "$PROSODY_CONFIG" register "${u%%:*}" "$DOMAIN" \
            "${u#*:}" >"$WORK/register.log" 2>&1 ||
            { fail "prosodyctl register ${u%%:*}: $(cat "$WORK/register.log")"; return 1; }
    done
    printf '# the agent drives itself; sup1 is a supervisor\n%s:%s\n%s:%s\n' \
        "$REST_AGENT" "$REST_AGENT_PW" "$REST_SUP" "$REST_SUP_PW" >"$WORK/rest-users.tmp"
    chmod 600 "$WORK/rest-users.tmp"
    mv "$WORK/rest-users.tmp" "$WORK/rest-users"
}

# start_sim [OPTIONS...]: the simulator with its REST API (https unless
# --http is the first option); sets REST_PORT, REST_URL, SIM_PID, SIM_LOG
# and stops it when the test's shell exits.
start_sim() {
    local tls=(--rest-cert "$CA_FILE" --rest-key "$PROSODY_DIR/certs/localhost.key") scheme=https
    if [[ ${1:-} == --http ]]; then
        tls=()
        scheme=http
        shift
    fi
    rest_accounts || return 1
    REST_PORT=$("$FREEPORT" 1)
    SIM_LOG=$(mktemp "$WORK/sim.XXXXXX") # a log of its own: none of a former run's lines
    "$PERCH" simulate "${PUB[@]}" --agents 2 --teams 1 --queues 1 --rate 100 \
        --no-outage --rest-port "$REST_PORT" --rest-users "$WORK/rest-users" \
        "${tls[@]}" "$@" >"$SIM_LOG" 2>&1 &
    SIM_PID=$!
    trap stop_sim EXIT
    wait_for "$SIM_LOG" '^perch: REST API on ' 15 || return 1
    REST_URL=$scheme://localhost:$REST_PORT
}

stop_sim() {
    [[ -n ${SIM_PID:-} ]] || return 0
    kill -TERM "$SIM_PID" 2>/dev/null
    wait "$SIM_PID" 2>/dev/null
    SIM_PID=
    sanitizer_clean_file "$SIM_LOG"
}

# A sanitizer report in a background process's log fails the test too.
sanitizer_clean_file() {
    if grep -qE 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$1" 2>/dev/null; then
        fail "sanitizer report in $1: $(grep -m3 -E 'Sanitizer|runtime error' "$1")"
    fi
}

# The CONN options of the agent and the supervisor, over XMPP and REST.
rest_agent() {
    echo -j "$REST_AGENT@$DOMAIN" --password-env REST_AGENT_PW "${TCP[@]}" \
        --ca-file "$CA_FILE" --rest "$REST_URL"
}
rest_sup() {
    echo -j "$REST_SUP@$DOMAIN" --password-env REST_SUP_PW "${TCP[@]}" \
        --ca-file "$CA_FILE" --rest "$REST_URL"
}

user_put() {
    echo "<User><state>$1</state>${2:+<reasonCodeId>$2</reasonCodeId>}</User>"
}

dialog_put() {
    echo "<Dialog><requestedAction>$1</requestedAction><targetMediaAddress>$REST_AGENT</targetMediaAddress></Dialog>"
}

# ringing_dialog: waits (10 s at most) for a call ringing at the agent;
# prints its id.
ringing_dialog() {
    local deadline=$((SECONDS + 10)) id
    while ((SECONDS < deadline)); do
        "$PERCH" rest $(rest_agent) GET "User/$REST_AGENT/Dialogs" >"$WORK/dialogs" 2>&1
        id=$(sed -n 's/^ *<id>\([0-9]*\)<\/id>$/\1/p' "$WORK/dialogs" | head -1)
        if [[ -n $id ]] && grep -q '<state>ALERTING</state>' "$WORK/dialogs"; then
            echo "$id"
            return 0
        fi
        sleep 0.2
    done
    fail "no call rang for $REST_AGENT within 10 s: $(tail -c 300 "$WORK/dialogs")"
    return 1
}

t_rest_gets_systeminfo_and_a_user_over_verified_https() {
    start_sim --primary localhost --secondary 127.0.0.2 || return
    expect_rc 0 "$(p rest $(rest_agent) GET SystemInfo)"
    expect_out '^HTTP 200 OK in [0-9]+ ms  GET https://localhost:[0-9]+/finesse/api/SystemInfo$'
    expect_out '<status>IN_SERVICE</status>'
    expect_out '<host>127\.0\.0\.2</host>'
    expect_out '<currentTimestamp>20[0-9-]+T[0-9:.]+Z</currentTimestamp>'
    expect_rc 0 "$(p rest $(rest_agent) --json GET "/finesse/api/User/$REST_AGENT")"
    expect_out '"status":200,"reason":"OK"'
    expect_out '"decoded":\{"source":"/finesse/api/User/1001001","kind":"user","user":\{"loginId":"1001001"'
    expect_out '"state":"LOGOUT"'
    # a supervisor reads the team and the queue
    expect_rc 0 "$(p rest $(rest_sup) --json GET Team/5000)"
    expect_out '"kind":"team"'
    expect_rc 0 "$(p rest $(rest_sup) --json GET Queue/1)"
    expect_out '"kind":"queue"'
}

t_rest_untrusted_certificate_exits_4_and_the_pin_it_names_works() {
    local pin
    start_sim || return
    expect_rc 4 "$(p rest -j "$REST_AGENT@$DOMAIN" --password-env REST_AGENT_PW \
        --rest "$REST_URL" GET SystemInfo)"
    expect_err 'certificate of https://localhost:[0-9]+/finesse/api/SystemInfo not trusted'
    pin=$(sed -n 's/^to trust this key, add: --pin \(sha256\/\/[A-Za-z0-9+\/=]*\)$/\1/p' "$ERR")
    [[ -n $pin ]] || fail "no pin in the message"
    expect_rc 0 "$(p rest -j "$REST_AGENT@$DOMAIN" --password-env REST_AGENT_PW \
        --rest "$REST_URL" --pin "$pin" GET SystemInfo)"
    expect_out '<status>IN_SERVICE</status>'
    expect_rc 4 "$(p rest -j "$REST_AGENT@$DOMAIN" --password-env REST_AGENT_PW \
        --rest "$REST_URL" --pin sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= \
        GET SystemInfo)"
    expect_err 'public key does not match --pin'
    expect_rc 0 "$(p rest -j "$REST_AGENT@$DOMAIN" --password-env REST_AGENT_PW \
        --rest "$REST_URL" --insecure GET SystemInfo)"
    expect_err 'warning: --insecure'
}

t_rest_wrong_or_no_credentials_get_401() {
    start_sim || return
    expect_rc 1 "$(p rest -j "$REST_AGENT@$DOMAIN" --password-env REST_BAD_PW \
        --ca-file "$CA_FILE" --rest "$REST_URL" GET SystemInfo)"
    expect_out '^HTTP 401 Unauthorized'
    expect_err 'GET /finesse/api/SystemInfo: 401 Unauthorized: Authorization Failure: The user id or password is wrong'
    # a client that sends none (curl) is asked for Basic
    curl -s -o "$OUT" -D "$WORK/headers" --cacert "$CA_FILE" \
        "$REST_URL/finesse/api/SystemInfo" 2>"$ERR"
    grep -q '^HTTP/1.1 401' "$WORK/headers" || fail "no 401: $(head -1 "$WORK/headers")"
    grep -qi '^WWW-Authenticate: Basic' "$WORK/headers" || fail "no WWW-Authenticate"
    expect_out 'The request carries no credentials'
}

# --record on perch rest: each exchange an "http" line marked "via":"rest"
# after its connection's tcp and tls lines, headers without credentials;
# a 401 kept with its status; replay reads both, the 401 a finding.
t_rest_record_writes_each_exchange_without_credentials() {
    local rec=$WORK/rest-200.jsonl rec401=$WORK/rest-401.jsonl line
    rm -f "$rec" "$rec401"
    start_sim || return
    expect_rc 0 "$(p rest $(rest_agent) --record "$rec" GET "/finesse/api/User/$REST_AGENT")"
    [[ $(stat -c %a "$rec") == 600 ]] || fail "recording mode $(stat -c %a "$rec")"
    head -1 "$rec" | grep -qE '"kind":"header",.*"command":"rest","account":"1001001@localhost","transport":"rest","server":"https://localhost:[0-9]+"\}$' ||
        fail "header line: $(head -1 "$rec")"
    line=$(grep '"kind":"http","via":"rest"' "$rec")
    [[ -n $line ]] || { fail "no REST http line: $(head -c 600 "$rec")"; return; }
    grep -qE '^\{"time":"[0-9-]{10}T[0-9:]{8}\.[0-9]{3}[+-][0-9]{2}:[0-9]{2}","kind":"http","via":"rest","method":"GET","url":"https://localhost:[0-9]+/finesse/api/User/1001001","status":200,"ms":[0-9.]+,' <<<"$line" ||
        fail "REST line: $(head -c 300 <<<"$line")"
    grep -qE '"requestHeaders":\[[^]]*"Accept: application/xml"' <<<"$line" ||
        fail "no request headers: $(head -c 600 <<<"$line")"
    grep -qE '"responseHeaders":\["[^]]*Content-Type: application/xml' <<<"$line" ||
        fail "no response headers: $(head -c 600 <<<"$line")"
    grep -qF '<loginId>1001001</loginId>' <<<"$line" || fail "no response body"
    # the connection curl opened for it, before it
    [[ $(grep -oE '"kind":"(tcp|tls|http)"' "$rec" | tr '\n' ' ') == '"kind":"tcp" "kind":"tls" "kind":"http" ' ]] ||
        fail "lines: $(grep -oE '"kind":"[a-z]+"' "$rec" | tr '\n' ' ')"
    grep -qE '"kind":"tls","version":"TLSv1\.[23]","cipher":"[A-Z0-9_-]+","verify":"ca"' "$rec" ||
        fail "no tls line: $(grep -m1 '"kind":"tls"' "$rec")"
    # no credentials anywhere in the file
    ! grep -qF "$REST_AGENT_PW" "$rec" || fail "the password is in the recording"
    ! grep -qF "Basic " "$rec" || fail "Basic credentials in the recording"
    ! grep -qi 'authorization' "$rec" || fail "an Authorization header in the recording"
    ! grep -qF "$(printf '%s:%s' "$REST_AGENT" "$REST_AGENT_PW" | base64)" "$rec" ||
        fail "the credentials in base64 in the recording"
    # read without damage; REST exchanges are records, not events: exit 1
    # (no event), as for any capture without one
    expect_rc 1 "$(p replay --json "$rec")"
    [[ ! -s $ERR ]] || fail "replay found damage: $(head -c 300 "$ERR")"
    ! grep -q '"finding"' "$OUT" || fail "a finding for a 200: $(grep -m1 finding "$OUT")"

    # a wrong password: the 401 recorded, the wrong credentials not
    expect_rc 1 "$(p rest -j "$REST_AGENT@$DOMAIN" --password-env REST_BAD_PW \
        --ca-file "$CA_FILE" --rest "$REST_URL" --record "$rec401" GET SystemInfo)"
    grep -qE '"kind":"http","via":"rest","method":"GET","url":"https://localhost:[0-9]+/finesse/api/SystemInfo","status":401,' "$rec401" ||
        fail "no 401 line: $(grep -m1 '"kind":"http"' "$rec401" | head -c 300)"
    ! grep -qF "$(printf '%s:%s' "$REST_AGENT" "$REST_BAD_PW" | base64)" "$rec401" ||
        fail "the credentials in base64 in the recording"
    ! grep -qi '"authorization' "$rec401" || fail "an Authorization header in the recording"
    expect_rc 1 "$(p replay --json "$rec401")"
    [[ ! -s $ERR ]] || fail "replay found damage: $(head -c 300 "$ERR")"
    expect_out '"kind":"finding","finding":"rest-failed","text":"GET https://localhost:[0-9]+/finesse/api/SystemInfo was answered HTTP 401"'
    ! grep -qE '"finding":"(failed|not-found)"' "$OUT" || fail "a BOSH finding for REST"
}

t_rest_unknown_objects_get_404_and_another_agent_401() {
    start_sim || return
    expect_rc 1 "$(p rest $(rest_sup) GET User/999)"
    expect_err 'GET /finesse/api/User/999: 404 Not Found'
    expect_rc 1 "$(p rest $(rest_agent) GET User/1001002)"
    expect_err '401 Unauthorized: Invalid Authorization User Specified'
    expect_rc 1 "$(p rest $(rest_agent) PUT Dialog/42 "$(dialog_put ANSWER)")"
    expect_err 'PUT /finesse/api/Dialog/42: 404 Not Found'
}

t_rest_put_is_paired_with_its_update_and_the_time() {
    local id
    start_sim || return
    expect_rc 0 "$(p rest $(rest_agent) --await-update PUT "User/$REST_AGENT" "$(user_put LOGIN)")"
    id=$(sed -n 's/^HTTP 202 Accepted in [0-9]* ms  PUT .*  requestId \([0-9a-f-]*\)$/\1/p' "$OUT")
    [[ $id =~ ^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$ ]] ||
        fail "no UUID requestId in the answer line: '$id'"
    expect_out "^Update [0-9]+ ms after the request \\([0-9]+ ms (after|before) the answer\\) on /finesse/api/User/$REST_AGENT\$"
    expect_out "  PUT +user +$REST_AGENT .* NOT_READY"
    expect_out "<requestId>$id</requestId>"
    # the same as JSON: the answer, then the Update with the same requestId
    expect_rc 0 "$(p rest $(rest_agent) --await-update --json PUT "User/$REST_AGENT" \
        "$(user_put NOT_READY 12)")"
    [[ $(wc -l <"$OUT") == 2 ]] || fail "not two JSON lines"
    id=$(head -1 "$OUT" | sed -n 's/.*"requestId":"\([^"]*\)".*/\1/p')
    [[ -n $id ]] || fail "no requestId in the answer"
    sed -n 2p "$OUT" | grep -qE "^\\{\"requestId\":\"$id\",\"ms\":[0-9.]+,\"afterAnswerMs\":-?[0-9.]+,\"update\":\\{\"time\":\"[^\"]+\",\"service\":\"$PUBSUB\",\"node\":\"/finesse/api/User/$REST_AGENT\"" ||
        fail "the Update line: $(sed -n 2p "$OUT")"
    sed -n 2p "$OUT" | grep -q '"requestId":"'"$id"'","kind":"user".*"reasonCode":{"id":"12".*"label":"Lunch"' ||
        fail "the Update's own requestId and reason: $(sed -n 2p "$OUT")"
    # it removed the subscription it made
    expect_rc 0 "$(p subscriptions $(rest_agent))"
    ! grep -q "/finesse/api/User/$REST_AGENT" "$OUT" || fail "a subscription was left: $(cat "$OUT")"
}

t_rest_invalid_state_change_is_400_with_its_apierrors() {
    start_sim || return
    expect_rc 1 "$(p rest $(rest_agent) PUT "User/$REST_AGENT" "$(user_put READY)")"
    expect_out '^HTTP 400 Bad Request'
    expect_err 'PUT /finesse/api/User/1001001: 400 Bad Request: Invalid State: CF_INVALID_OBJECT_STATE \(READY\)'
    expect_rc 1 "$(p rest $(rest_agent) --json PUT "User/$REST_AGENT" "$(user_put READY)")"
    expect_out '"decoded":\{"source":"/finesse/api/User/1001001","kind":"error","errors":\[\{"errorType":"Invalid State","errorData":"READY","errorMessage":"CF_INVALID_OBJECT_STATE"\}\]\}'
    # --await-update does not wait when the answer is an error
    expect_rc 1 "$(p rest $(rest_agent) --await-update --timeout 30 PUT "User/$REST_AGENT" "$(user_put READY)")"
    refute_err 'no Update'
}

t_rest_a_call_is_answered_held_retrieved_dropped_then_one_is_made() {
    local d act
    start_sim || return
    expect_rc 0 "$(p rest $(rest_agent) PUT "User/$REST_AGENT" "$(user_put LOGIN)")"
    expect_rc 0 "$(p rest $(rest_agent) PUT "User/$REST_AGENT" "$(user_put READY)")"
    d=$(ringing_dialog) || return
    for act in ANSWER HOLD RETRIEVE DROP; do
        expect_rc 0 "$(p rest $(rest_agent) --await-update PUT "Dialog/$d" "$(dialog_put $act)")"
        expect_out "^Update [0-9]+ ms after the request .* on /finesse/api/User/$REST_AGENT/Dialogs\$"
        case $act in
        ANSWER | RETRIEVE) expect_out "  PUT +dialogs +$d ACTIVE" ;;
        HOLD) expect_out '<state>HELD</state>' ;;
        DROP) expect_out "  DELETE +dialogs +$d DROPPED" ;;
        esac
    done
    # wrap-up, then NOT_READY, then a call out
    expect_rc 0 "$(p rest $(rest_agent) --await-update PUT "User/$REST_AGENT" "$(user_put NOT_READY 13)")"
    expect_out 'NOT_READY \(Break\)'
    expect_rc 0 "$(p rest $(rest_agent) --await-update POST "User/$REST_AGENT/Dialogs" \
        "<Dialog><requestedAction>MAKE_CALL</requestedAction><fromAddress>$REST_AGENT</fromAddress><toAddress>6125550000</toAddress></Dialog>")"
    expect_out "  POST +dialogs +[0-9]+ ACTIVE +$REST_AGENT -> 6125550000 +OUT"
}

t_rest_a_call_action_the_state_refuses_is_an_apierrors_update() {
    local d
    start_sim || return
    expect_rc 0 "$(p rest $(rest_agent) PUT "User/$REST_AGENT" "$(user_put LOGIN)")"
    expect_rc 0 "$(p rest $(rest_agent) PUT "User/$REST_AGENT" "$(user_put READY)")"
    d=$(ringing_dialog) || return
    expect_rc 1 "$(p rest $(rest_agent) --await-update PUT "Dialog/$d" "$(dialog_put HOLD)")"
    expect_out '^HTTP 202 Accepted'
    expect_out '  PUT +error +CF_INVALID_OBJECT_STATE'
    expect_err "PUT /finesse/api/Dialog/$d: the Update says Call Operation Failure: CF_INVALID_OBJECT_STATE \\(HOLD\\)"
}

t_rest_out_of_service_answers_500_and_is_published() {
    local pid rc=0 w=$WORK/sysinfo.out
    start_sim --outage-at 0.5 || return
    wait_for "$SIM_LOG" '^perch: SystemInfo OUT_OF_SERVICE$' 10 || return
    expect_rc 0 "$(p rest $(rest_agent) GET SystemInfo)"
    expect_out '<status>OUT_OF_SERVICE</status>'
    expect_out '<statusReason>CTI connection lost</statusReason>'
    expect_rc 1 "$(p rest $(rest_agent) PUT "User/$REST_AGENT" "$(user_put LOGIN)")"
    expect_err '500 Internal Server Error: Internal Server Error: CF_RESOURCE_OUT_OF_SERVICE'
    # back in service: the Update goes out on the SystemInfo node
    "$PERCH" watch $(rest_sup) --json --count 1 /finesse/api/SystemInfo >"$w" 2>"$WORK/sysinfo.err" &
    pid=$!
    wait_for "$WORK/sysinfo.err" 'watching 1 node' || return
    kill -USR1 "$SIM_PID"
    wait "$pid" || rc=$?
    expect_rc 0 "$rc"
    grep -q '"node":"/finesse/api/SystemInfo".*"kind":"systeminfo","systeminfo":{[^}]*"status":"IN_SERVICE"' "$w" ||
        fail "no IN_SERVICE Update: $(cat "$w")"
    expect_rc 0 "$(p rest $(rest_agent) PUT "User/$REST_AGENT" "$(user_put LOGIN)")"
}

# The resync through REST of a watch, answered 6 s late (the simulator's
# --rest-delay: the object as it was when asked) after the agent's sign-in
# was published: the old state is not printed after the new one, and
# stderr says why. Without the delay the same GET is printed (the line
# marked resync), so the check can see both.
t_watch_does_not_print_a_rest_answer_older_than_an_update() {
    local pid rc=0 w=$WORK/late.out e=$WORK/late.err
    start_sim --rest-delay 6000 || return
    "$PERCH" watch $(rest_agent) --json "/finesse/api/User/$REST_AGENT" >"$w" 2>"$e" &
    pid=$!
    wait_for "$e" 'watching 1 node' || { kill -TERM "$pid"; wait "$pid"; return 1; }
    expect_rc 0 "$(p rest $(rest_agent) PUT "User/$REST_AGENT" "$(user_put LOGIN)")"
    wait_for "$w" '"kind":"user","user":\{[^}]*"state":"NOT_READY"' 10
    wait_for "$e" "REST answer for User/$REST_AGENT not printed: an Update of /finesse/api/User/$REST_AGENT came after the request \(200 in [0-9]+ ms\)" 10
    kill -TERM "$pid"
    wait "$pid" || rc=$?
    expect_rc 0 "$rc"
    ! grep -q '"resync":true.*"state":"LOGOUT"' "$w" || fail "the older state printed: $(cat "$w")"
    [[ $(tail -1 "$w") == *'"state":"NOT_READY"'* ]] || fail "the last line is not the Update's: $(tail -1 "$w")"
    # no Update meanwhile: the late answer is printed, marked resync
    "$PERCH" watch $(rest_agent) --json --duration 10 "/finesse/api/User/$REST_AGENT" >"$w" 2>"$e" &
    pid=$!
    rc=0
    wait "$pid" || rc=$?
    expect_rc 0 "$rc"
    grep -q '"resync":true.*"source":"/finesse/api/User/'"$REST_AGENT"'".*"state":"NOT_READY"' "$w" ||
        fail "the REST answer was not printed: $(cat "$w") $(cat "$e")"
}

t_rest_an_update_that_never_comes_exits_5() {
    local t0=$SECONDS
    start_sim || return
    # the Update goes to the user's node: on SystemInfo it never comes
    expect_rc 5 "$(p rest $(rest_agent) --await-update --node /finesse/api/SystemInfo \
        --timeout 1.5 PUT "User/$REST_AGENT" "$(user_put LOGIN)")"
    expect_out '^HTTP 202 Accepted'
    expect_err 'no Update with requestId [0-9a-f-]+ on /finesse/api/SystemInfo within 1.5 s'
    ((SECONDS - t0 < 12)) || fail "took $((SECONDS - t0)) s"
    expect_rc 0 "$(p subscriptions $(rest_agent))"
    ! grep -q /finesse/api/SystemInfo "$OUT" || fail "the subscription was left"
}

t_rest_refuses_bad_input_before_sending() {
    REST_URL=https://localhost:1
    expect_rc 2 "$(p rest $(rest_agent) PATCH SystemInfo)"
    expect_err "'PATCH' is not GET, PUT, POST or DELETE"
    expect_rc 2 "$(p rest $(rest_agent) GET 'User/a b')"
    expect_err "PATH has ' ' at byte 7"
    expect_rc 2 "$(p rest $(rest_agent) PUT User/1 '<User><state>')"
    expect_err 'not sent: the body is not one well-formed XML element'
    expect_rc 2 "$(p rest $(rest_agent) --await-update GET User/1)"
    expect_err 'a GET changes nothing'
    expect_rc 2 "$(p rest $(rest_agent) --await-update PUT Team/5000 '<Team/>')"
    expect_err 'give --node NODE'
    expect_rc 2 "$(p rest $(rest_agent) GET)"
    expect_rc 3 "$(p rest -j "$REST_AGENT@$DOMAIN" --password-env REST_AGENT_PW \
        --rest http://127.0.0.1:1 GET SystemInfo)"
    expect_err 'is not https: the password would travel unencrypted'
}

t_rest_plain_http_with_allow_plaintext_auth_and_the_body_from_stdin() {
    start_sim --http || return
    REST_URL=http://127.0.0.1:$REST_PORT
    expect_rc 0 "$(user_put LOGIN | p rest $(rest_agent) --allow-plaintext-auth PUT "User/$REST_AGENT" -)"
    expect_out '^HTTP 202 Accepted in [0-9]+ ms  PUT http://127.0.0.1'
}

t_rest_goes_through_the_http_proxy_given_with_proxy() {
    # the REST host does not resolve: only the proxy (which forwards every
    # POST to Prosody's BOSH) can answer; its body is a session's
    start_proxy || return
    expect_rc 0 "$(p rest -j "agent@$DOMAIN" --password-env AGENT_PW \
        --rest http://rest.invalid:8445 --allow-plaintext-auth \
        --proxy "${PROXY_URL%/http-bind}" POST /http-bind \
        "<body xmlns='http://jabber.org/protocol/httpbind' rid='4242' to='$DOMAIN' wait='1' hold='1' ver='1.6'/>")"
    stop_proxy
    expect_out '^HTTP 200 OK'
    expect_out '<body '
    grep -q '^req .*rid=4242' "$PROXY_LOG" || fail "nothing went through the proxy"
}

t_rest_an_answer_that_never_comes_exits_5() {
    local t0=$SECONDS
    # the proxy takes the request and never answers it
    start_proxy --fault "hang:rid='4343'" || return
    expect_rc 5 "$(p rest -j "agent@$DOMAIN" --password-env AGENT_PW \
        --rest "${PROXY_URL%/http-bind}" --allow-plaintext-auth --timeout 1 \
        POST /http-bind "<body xmlns='http://jabber.org/protocol/httpbind' rid='4343' to='$DOMAIN' wait='1' hold='1'/>")"
    stop_proxy
    expect_err 'no answer from http://127.0.0.1:[0-9]+/http-bind in time'
    ((SECONDS - t0 < 10)) || fail "took $((SECONDS - t0)) s"
}

t_simulate_rest_refuses_bad_options() {
    rest_accounts || return
    expect_rc 2 "$(p simulate "${PUB[@]}" --rest-port 1)"
    expect_err '--rest-port needs --rest-users FILE'
    expect_rc 2 "$(p simulate "${PUB[@]}" --rest-users "$WORK/rest-users")"
    expect_err 'go with --rest-port'
    expect_rc 2 "$(p simulate "${PUB[@]}" --rest-host 127.0.0.2)"
    expect_err 'go with --rest-port'
    expect_rc 2 "$(p simulate "${PUB[@]}" --rest-delay 100)"
    expect_err 'go with --rest-port'
    for a in 10.0.0.1 localhost 127.1 0.0.0.0; do
        expect_rc 2 "$(p simulate "${PUB[@]}" --rest-port "$("$FREEPORT" 1)" --rest-users "$WORK/rest-users" --rest-host "$a" --count 1)"
        expect_err "--rest-host: '$a' is not a loopback address \(127\.x\.y\.z\)"
    done
    expect_rc 2 "$(p simulate "${PUB[@]}" --rest-port 1 --rest-users "$WORK/rest-users" --rest-cert "$CA_FILE")"
    expect_err '--rest-cert and --rest-key go together'
    cp "$WORK/rest-users" "$WORK/rest-users-open"
    chmod 644 "$WORK/rest-users-open"
    expect_rc 2 "$(p simulate "${PUB[@]}" --rest-port "$("$FREEPORT" 1)" --rest-users "$WORK/rest-users-open")"
    expect_err 'not a file of mode 0600'
    printf 'nobody\n' >"$WORK/rest-users-bad"
    chmod 600 "$WORK/rest-users-bad"
    expect_rc 2 "$(p simulate "${PUB[@]}" --rest-port "$("$FREEPORT" 1)" --rest-users "$WORK/rest-users-bad")"
    expect_err 'line 1: not ID:PASSWORD'
}
