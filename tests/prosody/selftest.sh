#!/usr/bin/env bash
# selftest.sh: checks the test harness itself: start.sh brings up a Prosody
# that listens on its four loopback ports only, speaks TLS with the
# certificate in CA_FILE and answers BOSH; the sink logs in; stop.sh leaves
# no process behind. Last line: "selftest: N passed, N failed".
#
# FREEPORT and SINK name the tools (default build/tools/freeport and
# build/tools/sink; `make build/tools/freeport build/tools/sink`).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
export FREEPORT=${FREEPORT:-$ROOT/build/tools/freeport}
SINK=${SINK:-$ROOT/build/tools/sink}
WORK=$(mktemp -d /tmp/perch-selftest.XXXXXX)
DIR=$WORK/prosody

passed=0
failed=0
SINK_PID=

cleanup() {
    if [[ -n $SINK_PID ]]; then
        kill -TERM "$SINK_PID" 2>/dev/null || true
        wait "$SINK_PID" 2>/dev/null || true
    fi
    "$ROOT/tests/prosody/stop.sh" "$DIR" >/dev/null 2>&1 || true
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# check NAME COMMAND...: runs COMMAND and counts the result. errexit does
# not act inside a condition, so each check returns at its first failure.
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
    echo "selftest: $passed passed, $failed failed"
    ((failed == 0))
}

# alive PID: the process exists and is not a zombie.
alive() {
    local stat
    stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
    stat=${stat##*) }
    [[ ${stat%% *} != Z ]]
}

say() {
    echo "    $*" >&2
    return 1
}

tcp_accepts() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null || say "nothing accepts on 127.0.0.1:$1"
}

bosh_http_answers() {
    local line
    line=$(
        exec 3<>"/dev/tcp/127.0.0.1/$HTTP_PORT" || exit 1
        printf 'GET /http-bind HTTP/1.0\r\nHost: %s\r\n\r\n' "$DOMAIN" >&3
        IFS= read -r -t 3 line <&3 && printf '%s' "$line"
    ) 2>/dev/null || true
    [[ $line =~ ^HTTP/1\.[01]\ 200 ]] || say "GET $BOSH_HTTP_URL: '${line%$'\r'}'"
}

# tls_verifies PORT [openssl s_client options...]: the certificate chain
# verifies against CA_FILE for the name localhost.
tls_verifies() {
    local port=$1 out
    shift
    out=$(timeout 10 openssl s_client -connect "127.0.0.1:$port" \
        -servername "$DOMAIN" -verify_hostname "$DOMAIN" \
        -CAfile "$CA_FILE" -verify_return_error "$@" </dev/null 2>&1) || true
    grep -q 'Verify return code: 0 (ok)' <<<"$out" ||
        say "TLS on port $port: $(grep -m1 -iE 'verify|error' <<<"$out")"
}

bosh_https_answers() {
    local out
    out=$(printf 'GET /http-bind HTTP/1.0\r\nHost: %s\r\n\r\n' "$DOMAIN" |
        timeout 10 openssl s_client -quiet -connect "127.0.0.1:$HTTPS_PORT" \
            -servername "$DOMAIN" -verify_hostname "$DOMAIN" \
            -CAfile "$CA_FILE" -verify_return_error 2>/dev/null) || true
    [[ $out =~ ^HTTP/1\.[01]\ 200 ]] || say "GET $BOSH_HTTPS_URL: '$(head -1 <<<"$out")'"
}

env_complete() {
    local v missing=()
    for v in PROSODY_PID PROSODY_DIR PROSODY_CONFIG PROSODY_LOG C2S_PORT \
        C2S_TLS_PORT HTTP_PORT HTTPS_PORT CA_FILE DOMAIN PUBSUB BOSH_HTTP_URL \
        BOSH_HTTPS_URL PUBLISHER_JID PUBLISHER_PASS AGENT_JID AGENT_PASS \
        SUPERVISOR_JID SUPERVISOR_PASS SINKUSER_JID SINKUSER_PASS; do
        [[ -n ${!v:-} ]] || missing+=("$v")
    done
    [[ ${#missing[@]} -eq 0 ]] || say "DIR/env lacks ${missing[*]}" || return
    [[ -s $CA_FILE ]] || say "no CA file $CA_FILE"
}

server_runs() {
    alive "$PROSODY_PID" || say "pid $PROSODY_PID is not running" || return
    [[ $(tr '\0' ' ' <"/proc/$PROSODY_PID/cmdline") == *" --config $PROSODY_CONFIG "* ]] ||
        say "pid $PROSODY_PID is not our prosody"
}

# The server's listening sockets, as "ADDRESS:PORT" in hex from /proc/net.
listening() {
    local fd link inodes=" "
    for fd in /proc/"$PROSODY_PID"/fd/*; do
        link=$(readlink "$fd" 2>/dev/null) || continue
        if [[ $link =~ ^socket:\[([0-9]+)\]$ ]]; then
            inodes+="${BASH_REMATCH[1]} "
        fi
    done
    cat /proc/net/tcp /proc/net/tcp6 2>/dev/null |
        awk -v inodes="$inodes" '$4 == "0A" && index(inodes, " " $10 " ") { print $2 }' |
        sort
}

listens_on_loopback_only() {
    local want got p
    want=$(for p in "$C2S_PORT" "$C2S_TLS_PORT" "$HTTP_PORT" "$HTTPS_PORT"; do
        printf '0100007F:%04X\n' "$p"
    done | sort)
    got=$(listening)
    [[ $got == "$want" ]] || say "listening on: $(tr '\n' ' ' <<<"$got") wanted: $(tr '\n' ' ' <<<"$want")"
}

sink_ready() {
    "$SINK" "$SINKUSER_JID/selftest" "$SINKUSER_PASS" 127.0.0.1 "$C2S_PORT" \
        "$CA_FILE" >"$WORK/sink.out" 2>"$WORK/sink.err" &
    SINK_PID=$!
    local deadline=$((SECONDS + 10))
    until grep -qx ready "$WORK/sink.out" 2>/dev/null; do
        alive "$SINK_PID" || say "sink exited: $(cat "$WORK/sink.err")" || return
        ((SECONDS < deadline)) ||
            say "sink not ready within 10 s: $(cat "$WORK/sink.err")" || return
        sleep 0.1
    done
    grep -q "sinkuser@$DOMAIN/selftest" "$PROSODY_LOG" ||
        say "the server log does not show the sink's session"
}

sink_stops_with_status_0() {
    local rc=0
    [[ -n $SINK_PID ]] || say "no sink to stop" || return
    kill -TERM "$SINK_PID" || return
    wait "$SINK_PID" || rc=$?
    SINK_PID=
    [[ $rc == 0 ]] || say "sink exited with $rc: $(cat "$WORK/sink.err")"
}

stop_succeeds() {
    "$ROOT/tests/prosody/stop.sh" "$DIR" >"$WORK/stop.log" 2>&1 ||
        say "stop.sh failed: $(cat "$WORK/stop.log")"
}

no_process_left() {
    local d cmdline left=()
    if alive "$PROSODY_PID"; then
        left+=("prosody $PROSODY_PID")
    fi
    for d in /proc/[0-9]*; do
        cmdline=$(tr '\0' ' ' <"$d/cmdline" 2>/dev/null) || continue
        [[ $cmdline == *"$WORK"* ]] || continue
        if alive "${d#/proc/}"; then
            left+=("${d#/proc/}: $cmdline")
        fi
    done
    [[ ${#left[@]} -eq 0 ]] || say "still running: ${left[*]}"
}

stop_rm_removes_dir() {
    "$ROOT/tests/prosody/stop.sh" "$DIR" --rm >>"$WORK/stop.log" 2>&1 ||
        say "stop.sh --rm failed: $(cat "$WORK/stop.log")" || return
    [[ ! -e $DIR ]] || say "$DIR is still there"
}

for tool in "$FREEPORT" "$SINK"; do
    if [[ ! -x $tool ]]; then
        echo "selftest: no $tool; make build/tools/freeport build/tools/sink" >&2
        echo "selftest: 0 passed, 1 failed"
        exit 1
    fi
done

if ! "$ROOT/tests/prosody/start.sh" "$DIR" >"$WORK/start.log" 2>&1; then
    echo "FAIL start.sh"
    sed 's/^/    /' "$WORK/start.log"
    failed=$((failed + 1))
    finish
fi
echo "ok   start.sh"
passed=$((passed + 1))
# shellcheck source=/dev/null
source "$DIR/env"

check "env file names every variable" env_complete
check "prosody runs as PROSODY_PID" server_runs
check "c2s port accepts TCP" tcp_accepts "$C2S_PORT"
check "direct TLS port accepts TCP" tcp_accepts "$C2S_TLS_PORT"
check "listens on its 4 ports on 127.0.0.1 only" listens_on_loopback_only
check "BOSH answers 200 on plain HTTP" bosh_http_answers
check "BOSH answers 200 on HTTPS, CA_FILE verifies" bosh_https_answers
check "STARTTLS on c2s verifies with CA_FILE" tls_verifies "$C2S_PORT" -starttls xmpp -xmpphost "$DOMAIN"
check "direct TLS verifies with CA_FILE" tls_verifies "$C2S_TLS_PORT"
check "sink logs in and says ready" sink_ready
check "sink exits 0 on SIGTERM" sink_stops_with_status_0
check "stop.sh stops the server" stop_succeeds
check "no process left" no_process_left
check "stop.sh --rm removes DIR" stop_rm_removes_dir
finish
