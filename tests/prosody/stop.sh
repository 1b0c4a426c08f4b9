#!/usr/bin/env bash
# stop.sh DIR [--rm]: stops the Prosody that tests/prosody/start.sh DIR
# started: SIGTERM to the PID in its pidfile (or DIR/env), up to 5 s to go,
# SIGKILL to that same PID only as a last resort. Never kills by name: the
# process is called lua5.4, like any other Lua program. Succeeds when no
# server of DIR runs any more; with --rm it then deletes DIR.
set -euo pipefail

usage() {
    echo "usage: stop.sh DIR [--rm]" >&2
    exit 2
}

DIR=
REMOVE=0
for a in "$@"; do
    case $a in
    --rm) REMOVE=1 ;;
    -*) usage ;;
    *)
        [[ -z $DIR ]] || usage
        DIR=$a
        ;;
    esac
done
[[ -n $DIR ]] || usage
if [[ ! -d $DIR ]]; then
    exit 0 # nothing was started there, or it is gone already
fi
DIR=$(cd "$DIR" && pwd)
CFG=$DIR/prosody.cfg.lua

# shellcheck source=tests/prosody/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh" # alive

# ours PID: the process is a prosody running DIR's config, so a PID that
# has been reused by something else since is never signalled.
ours() {
    local cmdline
    cmdline=$(tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null) || return 1
    [[ $cmdline == *prosody*" --config $CFG "* ]]
}

# stop PID: SIGTERM, up to 5 s, then SIGKILL to the same PID.
stop() {
    local pid=$1
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 50); do
        alive "$pid" || return 0
        sleep 0.1
    done
    if ours "$pid"; then
        echo "stop.sh: prosody $pid ignored SIGTERM for 5 s; sending SIGKILL" >&2
        kill -KILL "$pid" 2>/dev/null || true
        for _ in $(seq 30); do
            alive "$pid" || return 0
            sleep 0.1
        done
    fi
}

# Prosody deletes its pidfile on a clean exit; DIR/env keeps the PID too.
pids=()
if [[ -s $DIR/prosody.pid ]]; then
    pids+=("$(<"$DIR/prosody.pid")")
fi
if [[ -s $DIR/env ]]; then
    p=$(sed -n 's/^export PROSODY_PID=\([0-9]*\)$/\1/p' "$DIR/env")
    [[ -z $p ]] || pids+=("$p")
fi
# Neither file names it when start.sh was interrupted: look for the exact
# config path among the running processes.
if [[ ${#pids[@]} -eq 0 ]]; then
    for d in /proc/[0-9]*; do
        if ours "${d#/proc/}"; then
            pids+=("${d#/proc/}")
        fi
    done
fi

for p in "${pids[@]}"; do
    [[ $p =~ ^[0-9]+$ ]] || continue
    if alive "$p" && ours "$p"; then
        stop "$p"
    fi
done

status=0
for p in "${pids[@]}"; do
    if [[ $p =~ ^[0-9]+$ ]] && alive "$p" && ours "$p"; then
        echo "stop.sh: prosody $p is still running" >&2
        status=1
    fi
done
((status == 0)) || exit 1

if ((REMOVE)); then
    # Only a directory start.sh made is deleted.
    if [[ -f $DIR/.perch-prosody || -z $(ls -A "$DIR") ]]; then
        rm -rf "$DIR"
    else
        echo "stop.sh: $DIR does not look like a start.sh directory; not removing it" >&2
        exit 1
    fi
fi
