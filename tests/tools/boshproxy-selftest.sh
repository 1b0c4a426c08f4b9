#!/usr/bin/env bash
# boshproxy-selftest.sh: checks tests/tools/boshproxy against a real
# Prosody (tests/prosody/start.sh): requests pass through unchanged, each
# kind of fault does what it says, the log has the documented format and
# SIGTERM ends the proxy with status 0. Drives the proxy with curl; without
# curl it says so and skips. Last line: "boshproxy: N passed, N failed".
#
# BOSHPROXY names the proxy binary; by default build/tools/boshproxy, or,
# when that does not exist, one compiled here into the temp directory.
# FREEPORT names the freeport binary (make build/tools/freeport).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
export FREEPORT=${FREEPORT:-$ROOT/build/tools/freeport}
BOSHPROXY=${BOSHPROXY:-}
WORK=$(mktemp -d /tmp/perch-boshproxy.XXXXXX)
DIR=$WORK/prosody
PLOG=$WORK/proxy.log
POUT=$WORK/proxy.out
PERR=$WORK/proxy.err

passed=0
failed=0
PROXY_PID=
BG_PIDS=()

cleanup() {
    local p
    for p in "${BG_PIDS[@]}"; do
        kill -TERM "$p" 2>/dev/null || true
        wait "$p" 2>/dev/null || true
    done
    if [[ -n $PROXY_PID ]]; then
        kill -TERM "$PROXY_PID" 2>/dev/null || true
        wait "$PROXY_PID" 2>/dev/null || true
    fi
    "$ROOT/tests/prosody/stop.sh" "$DIR" >/dev/null 2>&1 || true
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

check() {
    local name=$1
    shift
    if "$@"; then
        echo "ok   $name"
        passed=$((passed + 1))
    else
        echo "FAIL $name"
        failed=$((failed + 1))
    fi
}

finish() {
    echo "boshproxy: $passed passed, $failed failed"
    ((failed == 0))
}

say() {
    echo "    $*" >&2
    return 1
}

alive() {
    local stat
    stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
    stat=${stat##*) }
    [[ ${stat%% *} != Z ]]
}

if ! command -v curl >/dev/null; then
    echo "boshproxy: curl is not installed; skipping"
    finish
    exit 0
fi
if [[ ! -x $FREEPORT ]]; then
    echo "boshproxy: no $FREEPORT; make build/tools/freeport" >&2
    echo "boshproxy: 0 passed, 1 failed"
    exit 1
fi
if [[ -z $BOSHPROXY ]]; then
    if [[ -x $ROOT/build/tools/boshproxy ]]; then
        BOSHPROXY=$ROOT/build/tools/boshproxy
    else
        BOSHPROXY=$WORK/boshproxy
        # shellcheck disable=SC2046 # pkg-config prints several words
        if ! cc -std=c11 -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L -Wall -Wextra \
            -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Werror \
            -o "$BOSHPROXY" "$ROOT/tests/tools/boshproxy.c" \
            $(pkg-config --cflags --libs libevent) -lcrypto >"$WORK/cc.log" 2>&1; then
            echo "FAIL compile boshproxy"
            sed 's/^/    /' "$WORK/cc.log"
            failed=$((failed + 1))
            finish
            exit 1
        fi
    fi
fi

if ! "$ROOT/tests/prosody/start.sh" "$DIR" >"$WORK/start.log" 2>&1; then
    echo "FAIL start.sh"
    sed 's/^/    /' "$WORK/start.log"
    failed=$((failed + 1))
    finish
    exit 1
fi
# shellcheck source=/dev/null
source "$DIR/env"

NS="xmlns='http://jabber.org/protocol/httpbind'"
R=1000 # the first rid; the session uses R, R+1, ...
SID=
PROXY_URL=

# post NAME BODY [CURL-OPTIONS...]: POSTs BODY through the proxy; the reply
# body lands in WORK/NAME.body, "CODE SECONDS" in WORK/NAME.code.
post() {
    local name=$1 body=$2
    shift 2
    printf '%s' "$body" >"$WORK/$name.sent"
    curl -sS -m 15 "$@" -o "$WORK/$name.body" -w '%{http_code} %{time_total}' \
        -H 'Content-Type: text/xml; charset=utf-8' --data-binary "@$WORK/$name.sent" \
        "$PROXY_URL" >"$WORK/$name.code" 2>"$WORK/$name.err" || true
}

code_of() { cut -d' ' -f1 "$WORK/$1.code" 2>/dev/null; }
time_of() { cut -d' ' -f2 "$WORK/$1.code" 2>/dev/null; }

# expect_code NAME CODE: the reply to NAME had status CODE.
expect_code() {
    local got
    got=$(code_of "$1")
    [[ $got == "$2" ]] ||
        say "$1: HTTP '$got', wanted $2 $(cat "$WORK/$1.err" 2>/dev/null) $(head -c 300 "$WORK/$1.body" 2>/dev/null)"
}

# expect_body NAME REGEX: the reply body of NAME matches REGEX (grep -E).
expect_body() {
    grep -qE "$2" "$WORK/$1.body" 2>/dev/null ||
        say "$1: body '$(head -c 400 "$WORK/$1.body" 2>/dev/null)' does not match /$2/"
}

# log_has REGEX: a line of the proxy log matches REGEX (grep -E, whole line).
log_has() {
    grep -qxE "$1" "$PLOG" || say "no log line /$1/ in: $(tr '\n' '|' <"$PLOG")"
}

# wait_log REGEX SECONDS: waits for such a log line.
wait_log() {
    local deadline=$((SECONDS + $2))
    until grep -qxE "$1" "$PLOG" 2>/dev/null; do
        ((SECONDS < deadline)) || return 1
        sleep 0.1
    done
}

# --- the proxy ---

FAULTS=(
    --fault "status:mechanism='PLAIN':500"
    --fault "hang:urn%3Aietf%3Aparams%3Axml%3Ans%3Axmpp-bind"
    --fault "delay:urn%3Aietf%3Aparams%3Axml%3Ans%3Axmpp-session:800"
    --fault "hang:rid='$((R + 4))'"
    --fault "status:rid='$((R + 8))':404"
    --fault "terminate:rid='$((R + 9))':see-other-uri"
    --fault "terminate:rid='$((R + 10))':remote-stream-error"
    --fault "terminate:rid='$((R + 11))':policy-violation"
)

proxy_ready() {
    "$BOSHPROXY" --listen-port 0 --upstream "$BOSH_HTTP_URL" --log "$PLOG" "${FAULTS[@]}" \
        >"$POUT" 2>"$PERR" &
    PROXY_PID=$!
    local deadline=$((SECONDS + 10)) port
    until grep -qE '^ready [0-9]+$' "$POUT" 2>/dev/null; do
        alive "$PROXY_PID" || say "boshproxy exited: $(cat "$PERR")" || return
        ((SECONDS < deadline)) || say "boshproxy not ready within 10 s" || return
        sleep 0.05
    done
    port=$(sed -n 's/^ready \([0-9]*\)$/\1/p' "$POUT")
    ((port > 0)) || say "ready line '$(cat "$POUT")'" || return
    PROXY_URL=http://127.0.0.1:$port/http-bind
}

bad_arguments_exit_2() {
    local spec rc
    for spec in "hang:a:b" "status:x:abc" "status:x:99" "delay:x:-1" "frob:x" \
        "terminate:x:a'b" "hang:%3" "hang"; do
        rc=0
        "$BOSHPROXY" --listen-port 0 --upstream "$BOSH_HTTP_URL" --log "$WORK/bad.log" \
            --fault "$spec" >/dev/null 2>&1 </dev/null || rc=$?
        [[ $rc == 2 ]] || say "--fault '$spec': exit $rc, wanted 2" || return
    done
    rc=0
    "$BOSHPROXY" --listen-port 0 --upstream "http://example.org/http-bind" \
        --log "$WORK/bad.log" >/dev/null 2>&1 </dev/null || rc=$?
    [[ $rc == 2 ]] || say "a host name as upstream: exit $rc, wanted 2"
}

session_created() {
    post create "<body rid='$R' $NS to='$DOMAIN' xml:lang='en' wait='60' hold='1' ver='1.6' xmpp:version='1.0' xmlns:xmpp='urn:xmpp:xbosh'/>"
    expect_code create 200 || return
    SID=$(grep -oE "sid='[^']+'" "$WORK/create.body" | head -1 | cut -d"'" -f2) || true
    [[ -n $SID ]] || say "no sid in '$(head -c 300 "$WORK/create.body")'" || return
    expect_body create "<mechanism>PLAIN</mechanism>"
}

# The request reached Prosody byte for byte: its length and SHA-256 are in
# the log line of request 1.
body_forwarded_unchanged() {
    local len sum
    len=$(wc -c <"$WORK/create.sent")
    sum=$(sha256sum "$WORK/create.sent" | cut -d' ' -f1)
    log_has "req 1 rid=$R len=$len sha256=$sum outstanding=1" &&
        log_has "resp 1 rid=$R status=200 len=$(wc -c <"$WORK/create.body") action=pass"
}

AUTH=
status_500_then_resend_passes() {
    local a
    a=$(printf '\0%s\0%s' "${AGENT_JID%@*}" "$AGENT_PASS" | base64 -w0)
    AUTH="<body rid='$((R + 1))' $NS sid='$SID'><auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>$a</auth></body>"
    post auth1 "$AUTH"
    expect_code auth1 500 || return
    [[ ! -s $WORK/auth1.body ]] || say "the 500 reply has a body" || return
    post auth2 "$AUTH"
    expect_code auth2 200 || return
    expect_body auth2 "<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'"
}

status_logged() {
    log_has "fault 2 rid=$((R + 1)) spec=status:mechanism='PLAIN':500" &&
        log_has "resp 2 rid=$((R + 1)) status=500 len=0 action=status" &&
        log_has "resend rid=$((R + 1)) identical=yes" &&
        log_has "resp 3 rid=$((R + 1)) status=200 len=[0-9]+ action=pass"
}

restart_passes() {
    post restart "<body rid='$((R + 2))' $NS sid='$SID' to='$DOMAIN' xml:lang='en' xmpp:restart='true' xmlns:xmpp='urn:xmpp:xbosh'/>"
    expect_code restart 200 && expect_body restart "<bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'"
}

# hang on the bind request: the client gives up after 2 s and resends the
# same rid; the proxy answers the resend with the held reply.
hang_then_replay() {
    local bind="<body rid='$((R + 3))' $NS sid='$SID'><iq type='set' id='bind1' xmlns='jabber:client'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>boshproxy</resource></bind></iq></body>"
    post bind1 "$bind" -m 2
    [[ $(code_of bind1) == 000 ]] || say "the hung request got HTTP $(code_of bind1)" || return
    wait_log "gone 5 rid=$((R + 3)) outstanding=0" 5 || say "no 'gone' line" || return
    post bind2 "$bind"
    expect_code bind2 200 || return
    expect_body bind2 "<jid>${AGENT_JID}/boshproxy</jid>" || return
    log_has "fault 5 rid=$((R + 3)) spec=hang:urn%3Aietf%3Aparams%3Axml%3Ans%3Axmpp-bind" &&
        log_has "held 5 rid=$((R + 3)) status=200 len=$(wc -c <"$WORK/bind2.body")" &&
        log_has "resend rid=$((R + 3)) identical=yes" &&
        log_has "resp 6 rid=$((R + 3)) status=200 len=$(wc -c <"$WORK/bind2.body") action=replay"
}

# Prosody holds an empty poll for its wait (5 s). A hang on one, resent
# (with a different body) while Prosody still holds it, is answered when
# Prosody answers.
hang_replay_waits_for_upstream() {
    post poll1 "<body rid='$((R + 4))' $NS sid='$SID'/>" -m 1
    [[ $(code_of poll1) == 000 ]] || say "the hung poll got HTTP $(code_of poll1)" || return
    post poll2 "<body rid='$((R + 4))' $NS sid='$SID' />"
    expect_code poll2 200 || return
    expect_body poll2 "sid='$SID'" || return
    log_has "resend rid=$((R + 4)) identical=no" &&
        log_has "resp 8 rid=$((R + 4)) status=200 len=[0-9]+ action=replay" || return
    # the resend was logged before the held reply came
    [[ $(grep -nE "^(resend|held)[ ].*rid=$((R + 4))( |$)" "$PLOG" | cut -d: -f2 | cut -d' ' -f1 | tr '\n' ' ') == "resend held " ]] ||
        say "resend and held out of order: $(grep "rid=$((R + 4))" "$PLOG" | tr '\n' '|')"
}

delay_holds_the_reply() {
    post session "<body rid='$((R + 5))' $NS sid='$SID'><iq type='set' id='sess1' xmlns='jabber:client'><session xmlns='urn:ietf:params:xml:ns:xmpp-session'/></iq></body>"
    expect_code session 200 || return
    expect_body session "id='sess1'" || return
    awk -v t="$(time_of session)" 'BEGIN { exit !(t >= 0.8) }' ||
        say "answered after $(time_of session) s, wanted >= 0.8" || return
    log_has "resp 9 rid=$((R + 5)) status=200 len=[0-9]+ action=delay"
}

# A long poll stays open while another request goes through.
concurrent_requests() {
    local lp=$((R + 6))
    post longpoll "<body rid='$lp' $NS sid='$SID'/>" &
    BG_PIDS+=($!)
    wait_log "req 10 rid=$lp .*" 5 || say "the long poll did not arrive" || return
    sleep 0.3
    post ping "<body rid='$((R + 7))' $NS sid='$SID'><iq type='get' id='ping1' to='$DOMAIN' xmlns='jabber:client'><ping xmlns='urn:xmpp:ping'/></iq></body>"
    wait "${BG_PIDS[-1]}" || true
    unset 'BG_PIDS[-1]'
    expect_code longpoll 200 || return
    expect_code ping 200 || return
    grep -q "id='ping1'" "$WORK/longpoll.body" "$WORK/ping.body" ||
        say "no ping result in either reply" || return
    log_has "req 11 rid=$((R + 7)) len=[0-9]+ sha256=[0-9a-f]{64} outstanding=2"
}

# status 404: answered by the proxy; Prosody (which logs every request
# body at debug level) never sees the rid.
status_404_not_forwarded() {
    post gone404 "<body rid='$((R + 8))' $NS sid='$SID'/>"
    expect_code gone404 404 || return
    log_has "resp 12 rid=$((R + 8)) status=404 len=0 action=status" || return
    grep -q "rid='$((R + 7))'" "$PROSODY_LOG" ||
        say "the Prosody log shows no request bodies; cannot tell" || return
    if grep -q "rid='$((R + 8))'" "$PROSODY_LOG"; then
        say "Prosody saw rid $((R + 8))"
    fi
}

terminate_see_other_uri() {
    post term1 "<body rid='$((R + 9))' $NS sid='$SID'/>"
    expect_code term1 200 &&
        expect_body term1 "^<body xmlns='http://jabber.org/protocol/httpbind' type='terminate' condition='see-other-uri'><uri>https://other.example:7443/http-bind/</uri></body>$"
}

terminate_remote_stream_error() {
    post term2 "<body rid='$((R + 10))' $NS sid='$SID'/>"
    expect_code term2 200 &&
        expect_body term2 "condition='remote-stream-error'" &&
        expect_body term2 "xmlns:stream='http://etherx.jabber.org/streams'.*<stream:error xmlns:stream='http://etherx.jabber.org/streams'><conflict xmlns='urn:ietf:params:xml:ns:xmpp-streams'/><text xmlns='urn:ietf:params:xml:ns:xmpp-streams'>Replaced by new connection</text></stream:error></body>$"
}

terminate_other_condition() {
    post term3 "<body rid='$((R + 11))' $NS sid='$SID'/>"
    expect_code term3 200 &&
        expect_body term3 "^<body xmlns='http://jabber.org/protocol/httpbind' type='terminate' condition='policy-violation'/>$" &&
        log_has "resp 15 rid=$((R + 11)) status=200 len=[0-9]+ action=terminate"
}

get_is_refused() {
    local code
    code=$(curl -sS -m 5 -o /dev/null -w '%{http_code}' "$PROXY_URL" 2>/dev/null) || true
    [[ $code == 405 ]] || say "GET: HTTP $code, wanted 405"
}

log_format() {
    local bad
    bad=$(grep -vxE \
        -e 'req [0-9]+ rid=[^ ]+ len=[0-9]+ sha256=[0-9a-f]{64} outstanding=[0-9]+' \
        -e 'create [0-9]+ rid=[^ ]+ hold=[^ ]+ ver=[^ ]+ wait=[^ ]+' \
        -e 'resp [0-9]+ rid=[^ ]+ status=[0-9]{3} len=[0-9]+ action=(pass|replay|status|terminate|delay|error|garble|split|cut|joined)' \
        -e 'fault [0-9]+ rid=[^ ]+ spec=[^ ]+' \
        -e 'resend rid=[^ ]+ identical=(yes|no)' \
        -e 'held [0-9]+ rid=[^ ]+ status=[0-9]{3} len=[0-9]+' \
        -e 'gone [0-9]+ rid=[^ ]+ outstanding=[0-9]+' \
        -e 'upstream-error [0-9]+ rid=[^ ]+' \
        "$PLOG") || true
    [[ -z $bad ]] || say "lines not in the documented format: $(tr '\n' '|' <<<"$bad")" || return
    # requests are numbered 1, 2, 3, ... in order
    [[ $(grep -oE '^req [0-9]+' "$PLOG" | cut -d' ' -f2 | tr '\n' ' ') == "$(seq -s ' ' 1 "$(grep -c '^req ' "$PLOG")") " ]] ||
        say "requests not numbered 1..N"
}

sigterm_exits_0() {
    local rc=0
    kill -TERM "$PROXY_PID" || return
    wait "$PROXY_PID" || rc=$?
    PROXY_PID=
    [[ $rc == 0 ]] || say "boshproxy exited with $rc: $(cat "$PERR")" || return
    [[ ! -s $PERR ]] || say "boshproxy wrote on stderr: $(head -c 2000 "$PERR")"
}

no_process_left() {
    local d cmdline left=()
    "$ROOT/tests/prosody/stop.sh" "$DIR" >"$WORK/stop.log" 2>&1 ||
        say "stop.sh failed: $(cat "$WORK/stop.log")" || return
    for d in /proc/[0-9]*; do
        cmdline=$(tr '\0' ' ' 2>/dev/null <"$d/cmdline") || continue
        [[ $cmdline == *"$WORK"* ]] || continue
        if alive "${d#/proc/}"; then
            left+=("${d#/proc/}: $cmdline")
        fi
    done
    [[ ${#left[@]} -eq 0 ]] || say "still running: ${left[*]}"
}

check "bad arguments exit 2" bad_arguments_exit_2
check "proxy prints ready PORT" proxy_ready
if [[ -z $PROXY_URL ]]; then
    finish
    exit 1
fi
check "session creation through the proxy: 200 with sid" session_created
check "request forwarded byte for byte (len, sha256 logged)" body_forwarded_unchanged
check "status:500 fault: 500 empty, then the resend passes" status_500_then_resend_passes
check "status fault, resend logged" status_logged
check "stream restart passes" restart_passes
check "hang fault: no answer, resend gets the held reply" hang_then_replay
check "hang fault: resend waits for the held upstream reply" hang_replay_waits_for_upstream
check "delay fault holds the reply 800 ms" delay_holds_the_reply
check "long poll and a second request at once (outstanding=2)" concurrent_requests
check "status:404 fault: not forwarded" status_404_not_forwarded
check "terminate see-other-uri" terminate_see_other_uri
check "terminate remote-stream-error" terminate_remote_stream_error
check "terminate other condition" terminate_other_condition
check "GET gets 405" get_is_refused
check "log lines in the documented format" log_format
check "SIGTERM: exit 0, nothing on stderr" sigterm_exits_0
check "everything stopped" no_process_left

finish
