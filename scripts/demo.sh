#!/usr/bin/env bash
# make demo: a local Prosody with Finesse-style pubsub nodes, and perch
# asking it for them. Everything started here is stopped by PID on exit.
# (The simulator and the TUI will make this a live contact centre.)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PERCH=$ROOT/build/perch
export FREEPORT=$ROOT/build/tools/freeport
DIR=$(mktemp -d /tmp/perch-demo.XXXXXX)
trap '"$ROOT/tests/prosody/stop.sh" "$DIR" --rm >/dev/null 2>&1 || true' EXIT
trap 'exit 130' INT TERM

echo "starting a local Prosody ..."
"$ROOT/tests/prosody/start.sh" "$DIR" >/dev/null
# shellcheck source=/dev/null
source "$DIR/env"
export PUB_PW=$PUBLISHER_PASS SUP_PW=$SUPERVISOR_PASS
conn=(-s 127.0.0.1 -p "$C2S_PORT" --ca-file "$CA_FILE")
ps="xmlns='http://jabber.org/protocol/pubsub'"
create=""
for n in /finesse/api/User/1001001 /finesse/api/User/1001001/Dialogs \
    /finesse/api/Team/5000/Users /finesse/api/SystemInfo; do
    create+="<iq type='set' to='$PUBSUB'><pubsub $ps><create node='$n'/></pubsub></iq>"
done
"$PERCH" send -j "$PUBLISHER_JID" --password-env PUB_PW "${conn[@]}" "$create" >/dev/null

echo
echo "\$ perch send -j $SUPERVISOR_JID ... \"<iq type='get' to='$PUBSUB'><query xmlns='http://jabber.org/protocol/disco#items'/></iq>\""
"$PERCH" send -j "$SUPERVISOR_JID" --password-env SUP_PW "${conn[@]}" \
    "<iq type='get' to='$PUBSUB'><query xmlns='http://jabber.org/protocol/disco#items'/></iq>"
echo
echo "(the live simulator and the TUI are on their way; the server stops now)"
