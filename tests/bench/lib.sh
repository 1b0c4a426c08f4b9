# shellcheck shell=bash
# What perf.sh and instr.sh share: a work directory and a tmux server of
# their own, stopped and removed on exit; one loopback Prosody (TLS) with
# the test accounts; the team node without item persistence; the team
# Update as published. Sourced after ROOT and PERCH are set:
#
#   bench_begin NAME   WORK=/tmp/perch-bench-NAME.XXXXXX, tm (tmux -L
#                      perch-bench-NAME-PID), the EXIT cleanup: kills PIDS,
#                      the tmux server, Prosody; removes the server's
#                      socket (tmux leaves it) and WORK
#   bench_prosody      starts Prosody in WORK/prosody and sources its env;
#                      exports PUB_PW, SUP_PW, AGENT_PW, SINK_PW and a HOME
#                      and XDG dirs in WORK; sets conn (perch's -s -p
#                      --ca-file) and ps (the pubsub xmlns attribute)
#   publish            perch send, as the publisher, of the stanzas on stdin
#   create_iq NODE     the iq that creates NODE without item persistence
#                      (Prosody persisting every item would be the
#                      bottleneck)
#   team_notification  the team_user_put fixture escaped, in its
#                      <notification>: an item's payload
#   publish_iqs N NODE PAYLOAD   N iqs, one a line, each publishing an item
#                      of PAYLOAD to NODE
#   wait_for SECONDS COMMAND...   polls COMMAND every 50 ms until it
#                      succeeds; fails after SECONDS
#   die MESSAGE        prints "SCRIPT: MESSAGE" and exits 1

die() {
    echo "${0##*/}: $*" >&2
    exit 1
}

wait_for() {
    local end=$((SECONDS + $1))
    shift
    until "$@"; do
        ((SECONDS < end)) || return 1
        sleep 0.05
    done
}

bench_begin() {
    WORK=$(mktemp -d "/tmp/perch-bench-$1.XXXXXX")
    BENCH_SOCK=perch-bench-$1-$$
    PIDS=()
    unset TMUX TMUX_PANE
    trap bench_cleanup EXIT
    trap 'exit 130' INT TERM
}

tm() { tmux -L "$BENCH_SOCK" -f /dev/null "$@"; }

# shellcheck disable=SC2317 # called by the EXIT trap
bench_cleanup() {
    local pid
    for pid in "${PIDS[@]}"; do
        if kill "$pid" 2>/dev/null; then wait "$pid" 2>/dev/null || true; fi
    done
    tm kill-server 2>/dev/null || true
    rm -f "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$BENCH_SOCK"
    "$ROOT/tests/prosody/stop.sh" "$WORK/prosody" >/dev/null 2>&1 || true
    rm -rf "$WORK"
}

bench_prosody() {
    "$ROOT/tests/prosody/start.sh" "$WORK/prosody" >/dev/null
    # shellcheck source=/dev/null
    source "$WORK/prosody/env"
    export PUB_PW=$PUBLISHER_PASS SUP_PW=$SUPERVISOR_PASS AGENT_PW=$AGENT_PASS \
        SINK_PW=$SINKUSER_PASS
    export XDG_CONFIG_HOME=$WORK/config XDG_DATA_HOME=$WORK/data HOME=$WORK/home
    mkdir -p "$HOME"
    unset PERCH_THEME NO_COLOR
    conn=(-s 127.0.0.1 -p "$C2S_PORT" --ca-file "$CA_FILE")
    ps="xmlns='http://jabber.org/protocol/pubsub'"
}

publish() {
    "$PERCH" send -j "$PUBLISHER_JID" --password-env PUB_PW "${conn[@]}" \
        --timeout 300 - >/dev/null
}

create_iq() {
    printf "<iq type='set' to='%s'><pubsub %s><create node='%s'/><configure><x xmlns='jabber:x:data' type='submit'><field var='FORM_TYPE' type='hidden'><value>http://jabber.org/protocol/pubsub#node_config</value></field><field var='pubsub#persist_items'><value>0</value></field></x></configure></pubsub></iq>\n" \
        "$PUBSUB" "$ps" "$1"
}

team_notification() {
    local update
    update=$(sed -e 's/&/\&amp;/g' -e 's/</\&lt;/g' -e 's/>/\&gt;/g' \
        "$ROOT/tests/fixtures/finesse/team_user_put.update.xml" | tr -d '\n')
    echo "<notification xmlns='http://jabber.org/protocol/pubsub'>$update</notification>"
}

publish_iqs() {
    local i
    for ((i = 0; i < $1; i++)); do
        printf "<iq type='set' to='%s'><pubsub %s><publish node='%s'><item>%s</item></publish></pubsub></iq>\n" \
            "$PUBSUB" "$ps" "$2" "$3"
    done
}
