#!/usr/bin/env bash
# restart.sh DIR [--empty-pubsub | --pubsub-from SAVED]: starts the Prosody
# of DIR again (made by start.sh DIR, usually --persist) with the same
# config, ports and data, after a test stopped or killed it: a server that
# restarts. With --empty-pubsub its pubsub data (nodes, items,
# subscriptions) is removed first and the accounts kept: a server that lost
# its pubsub state. With --pubsub-from SAVED its pubsub data is replaced
# by a copy saved before (private.sh's private_save_pubsub): a server
# whose nodes were made again but whose subscriptions are gone.
# Updates PROSODY_PID in DIR/env; the server keeps running (stop.sh DIR).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
HERE=$ROOT/tests/prosody
READY_SECONDS=15

die() {
    echo "restart.sh: $*" >&2
    exit 1
}

usage() {
    echo "usage: restart.sh DIR [--empty-pubsub | --pubsub-from SAVED]" >&2
    exit 2
}
MODE=keep FROM=
case $#:${2:-} in
1:) ;;
2:--empty-pubsub) MODE=empty ;;
3:--pubsub-from) MODE=saved FROM=$3 ;;
*) usage ;;
esac
[[ -d ${1:-} ]] || usage
[[ $MODE != saved || -d $FROM ]] || die "no saved pubsub data in $FROM"
DIR=$(cd "$1" && pwd)
[[ -f $DIR/.perch-prosody && -s $DIR/env ]] || die "$DIR was not made by start.sh"
# shellcheck source=/dev/null
source "$DIR/env"
# shellcheck source=tests/prosody/lib.sh
source "$HERE/lib.sh"
CFG=$PROSODY_CONFIG
LOG=$PROSODY_LOG
CONSOLE=$DIR/console.log

if alive "$PROSODY_PID"; then
    die "prosody $PROSODY_PID still runs; stop or kill it first"
fi
PUBSUB_DATA=$DIR/data/pubsub%2elocalhost
if [[ $MODE != keep ]]; then
    rm -rf "$PUBSUB_DATA"
fi
if [[ $MODE == saved ]]; then
    cp -a "$FROM" "$PUBSUB_DATA"
fi
rm -f "$DIR/prosody.pid"
launch
deadline=$((SECONDS + READY_SECONDS))
until all_ports_ok; do
    if ! alive "$PROSODY_PID"; then
        tail -n 20 "$CONSOLE" >&2 2>/dev/null || true
        die "prosody exited before it was ready (its ports taken meanwhile?)"
    fi
    if ((SECONDS >= deadline)); then
        kill -KILL "$PROSODY_PID" 2>/dev/null || true
        die "prosody not ready within $READY_SECONDS s"
    fi
    sleep 0.05
done
sed -i "s/^export PROSODY_PID=.*/export PROSODY_PID=$PROSODY_PID/" "$DIR/env"
case $MODE in
keep) echo "prosody $PROSODY_PID ready again on the same ports" ;;
empty) echo "prosody $PROSODY_PID ready again on the same ports, without its pubsub data" ;;
saved) echo "prosody $PROSODY_PID ready again on the same ports, its pubsub data from $FROM" ;;
esac
