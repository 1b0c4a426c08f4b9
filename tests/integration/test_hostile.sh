# Attacks a server can make on perch over TCP, from tests/tools/evilxmpp
# (a hostile server Prosody cannot stand in for): each must end with its
# named cause and exit code, in bounded time and memory, or leave perch's
# timers and signals working. Sourced by run.sh.
# shellcheck shell=bash

EVIL=${EVIL:-$ROOT/build/tools/evilxmpp}
EVIL_PID=
EVIL_LOG=$WORK/evil.log

# start_evil MODE [ARG]: sets EVIL_PORT; stopped by stop_evil.
start_evil() {
    local ready=$WORK/evil.ready
    : >"$EVIL_LOG"
    : >"$ready"
    "$EVIL" "$@" >>"$ready" 2>>"$EVIL_LOG" & # appends: a test may empty it
    EVIL_PID=$!
    wait_for "$ready" '^ready ' || return 1
    EVIL_PORT=$(sed -n 's/^ready \([0-9]*\)$/\1/p' "$ready")
}

stop_evil() {
    [[ -n $EVIL_PID ]] || return 0
    kill -TERM "$EVIL_PID" 2>/dev/null
    wait "$EVIL_PID" 2>/dev/null
    EVIL_PID=
}

evil_conn() {
    echo -j "agent@localhost" -s 127.0.0.1 -p "$EVIL_PORT" --tls off \
        --allow-plaintext-auth --password-env AGENT_PW
}

# evil_rc LIMIT_S ARGS...: perch against the evil server, killed after
# LIMIT_S (then the rc is 124, which no expectation accepts); echoes rc.
evil_rc() {
    local limit=$1 rc=0
    shift
    timeout -s KILL "$limit" "$PERCH" "$@" >"$OUT" 2>"$ERR" || rc=$?
    echo "$rc"
}

# evil_case NAME MODE ARG CAUSE: a stanza-level attack ends the session
# at once with exit 3 and the cause.
evil_case() {
    start_evil "$2" ${3:+"$3"} || return
    expect_rc 3 "$(evil_rc 10 send $(evil_conn) "$PING")"
    stop_evil
    expect_err "$4"
}

t_hostile_elements_before_the_features_end_the_session_at_once() {
    evil_case x features-flood "" 'sent <a> before the stream features'
}

t_hostile_100000_nested_elements_end_the_session_without_a_crash() {
    evil_case x deep 100000 'elements nested deeper than 128 levels'
}

t_hostile_too_many_attributes_are_refused_before_libstrophe() {
    evil_case x attrs 300 'an element with more than 256 attributes'
}

t_hostile_a_million_attributes_cost_no_more_than_a_megabyte() {
    evil_case x attrs 1000000 'an unfinished tag larger than the 1 MiB cap'
}

t_hostile_doctype_billion_laughs_is_refused() {
    evil_case x doctype '' 'a DOCTYPE \(XMPP forbids DTDs'
}

t_hostile_invalid_utf8_nul_and_controls_name_the_byte() {
    local b
    for b in utf8 nul ctrl; do
        evil_case x bad "$b" 'sent XML perch refuses: not well-formed at byte [0-9]+'
    done
    evil_case x bad entity 'an undefined entity reference at byte [0-9]+'
}

t_hostile_stream_error_names_the_condition_and_its_text() {
    evil_case x stream-error 'Replaced by new connection' \
        'stream error from 127.0.0.1: conflict: Replaced by new connection'
}

t_hostile_reset_connection_is_named_as_such() {
    evil_case x reset '' 'connection to 127.0.0.1 lost: Connection reset by peer'
    ! grep -q 'Operation not permitted' "$ERR" || fail "an OpenSSL code read as errno"
}

# peak_rss MIB: perch's peak RSS (KiB) receiving a stanza of MIB MiB.
peak_rss() {
    local rc=0
    start_evil big "$1" || return
    /usr/bin/time -f 'maxrss %M' -o "$WORK/rss" timeout -s KILL 30 \
        "$PERCH" send $(evil_conn) "$PING" >"$OUT" 2>"$ERR" || rc=$?
    stop_evil
    expect_rc 3 "$rc"
    expect_err 'a stanza larger than the 16 MiB cap'
    sed -n 's/^maxrss //p' "$WORK/rss"
}

# A 100 MB stanza is cut at 16 MiB: perch's memory does not grow with
# what the server sends past the limit.
t_hostile_100_mb_stanza_is_cut_at_the_limit_in_bounded_memory() {
    local small big
    small=$(peak_rss 20)
    big=$(peak_rss 100)
    [[ -n $small && -n $big ]] || return
    ((big < small + 16 * 1024)) ||
        fail "peak RSS ${big} KiB for 100 MiB against ${small} KiB for 20 MiB"
}

# An endless run of <message>s after login: the iq timeout still fires
# and SIGTERM still ends perch at once.
t_hostile_flood_after_login_leaves_timers_and_signals_working() {
    local pid rc=0 t0
    start_evil flood || return
    expect_rc 5 "$(evil_rc 20 send $(evil_conn) --timeout 2 "$PING")"
    expect_err "no reply to iq '.*' within 2 s"
    : >"$EVIL_LOG"
    "$PERCH" send $(evil_conn) --timeout 60 "$PING" >"$OUT" 2>"$ERR" &
    pid=$!
    wait_for "$EVIL_LOG" flooding || {
        kill -KILL "$pid"
        stop_evil
        return
    }
    t0=$(date +%s%N)
    kill -TERM "$pid"
    # bounded: a perch deaf to signals would be killed here after 10 s
    ( sleep 10; kill -KILL "$pid" 2>/dev/null ) &
    wait "$pid" || rc=$?
    stop_evil
    expect_rc 130 "$rc"
    (( ($(date +%s%N) - t0) / 1000000 < 5000 )) || fail "SIGTERM took $(( ($(date +%s%N) - t0) / 1000000 )) ms"
}

t_hostile_probe_with_a_lost_ping_is_unhealthy_exit_6() {
    start_evil silent || return
    expect_rc 6 "$(evil_rc 20 probe $(evil_conn) --duration 3 --timeout 1)"
    stop_evil
    expect_out 'ping     no answer'
    expect_out 'summary  UNHEALTHY: 1 lost ping$'
}
