#!/usr/bin/env bash
# Integration tests of perch against a real Prosody on loopback, started
# here from tests/prosody/ and stopped by PID on exit.
set -uo pipefail
# shellcheck source=tests/integration/lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=tests/prosody/private.sh
source "$ROOT/tests/prosody/private.sh"

SERVER_DIR=$WORK/prosody
SINK_PID=
cleanup() {
    [[ -n $SINK_PID ]] && kill "$SINK_PID" 2>/dev/null && wait "$SINK_PID" 2>/dev/null
    [[ -n ${PROXY_PID:-} ]] && kill "$PROXY_PID" 2>/dev/null && wait "$PROXY_PID" 2>/dev/null
    "$ROOT/tests/prosody/stop.sh" "$SERVER_DIR" >/dev/null 2>&1
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

"$ROOT/tests/prosody/start.sh" "$SERVER_DIR" >"$WORK/start.log" 2>&1 || {
    cat "$WORK/start.log"
    echo "integration: 0 passed, 1 failed"
    exit 1
}
# shellcheck source=/dev/null
source "$SERVER_DIR/env"

export AGENT_PW=$AGENT_PASS PUB_PW=$PUBLISHER_PASS
TCP=(-s 127.0.0.1 -p "$C2S_PORT")
AGENT=(-j "agent@$DOMAIN" "${TCP[@]}" --password-env AGENT_PW --ca-file "$CA_FILE")
PUB=(-j "publisher@$DOMAIN" "${TCP[@]}" --password-env PUB_PW --ca-file "$CA_FILE")
PS="xmlns='http://jabber.org/protocol/pubsub'"
DISCO_ITEMS="<iq type='get' to='$PUBSUB'><query xmlns='http://jabber.org/protocol/disco#items'/></iq>"
PING="<iq type='get' to='$DOMAIN'><ping xmlns='urn:xmpp:ping'/></iq>"

# Finesse-style nodes, created by the admin publisher with perch itself.
NODES=(/finesse/api/User/1001001 /finesse/api/User/1001001/Dialogs
       /finesse/api/Team/5000/Users /finesse/api/SystemInfo)
create=""
for n in "${NODES[@]}"; do
    create+="<iq type='set' to='$PUBSUB'><pubsub $PS><create node='$n'/></pubsub></iq>"
done
rc=$(p send "${PUB[@]}" "$create")
if [[ $rc != 0 ]]; then
    cat "$ERR"
    echo "integration: 0 passed, 1 failed"
    exit 1
fi

# The sink is a second client that never answers; tests send iqs to it.
"$SINK" "sinkuser@$DOMAIN/sink" "$SINKUSER_PASS" 127.0.0.1 "$C2S_PORT" "$CA_FILE" >"$WORK/sink.out" 2>&1 &
SINK_PID=$!
if ! wait_for "$WORK/sink.out" ready 10; then
    echo "integration: 0 passed, 1 failed"
    exit 1
fi

for f in "$ROOT"/tests/integration/test_*.sh; do
    # shellcheck source=/dev/null
    source "$f"
done

# ONLY=REGEX runs the matching tests alone (while working on them).
for t in $(declare -F | awk '{print $3}' | grep '^t_' | sed 's/^t_//'); do
    [[ -n ${ONLY:-} && ! $t =~ $ONLY ]] && continue
    run "$t"
done
summary
