# tests/prosody/cluster.sh, sourced: a Finesse cluster for tests and the
# demo. Beside a Prosody started by start.sh on 127.0.0.1 (its env
# sourced), a second one on 127.0.0.2 with the same ports and certificate,
# and on each a `perch simulate` with its REST API on the same port of its
# own address: SystemInfo says primary 127.0.0.1, secondary 127.0.0.2.
# Every process is started in the background and stopped by PID
# (cluster_stop). Needs: PERCH, FREEPORT, the first node's env (C2S_PORT …,
# PROSODY_CONFIG, PROSODY_DIR, CA_FILE, PUBLISHER_PASS, DOMAIN).
# shellcheck shell=bash

CLUSTER_SIM_PIDS=()
CLUSTER_DIR2=
CLUSTER_REST_PORT=
CLUSTER_PW_FILE=
CLUSTER_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

# cluster_start WORKDIR [SIMULATE_ARG...]: node 2 in WORKDIR/node2, agent
# 1001001 (password agentpw, also in CLUSTER_PW_FILE, mode 0600) on both
# servers and in both simulators' users (and "supervisor", a supervisor of
# the REST API, with SUPERVISOR_PASS when that is set), the two simulators (given the
# ARGs too; default --agents 2 --teams 1 --queues 1 --rate 50). Sets
# CLUSTER_DIR2, CLUSTER_REST_PORT, CLUSTER_SIM_PIDS (primary first). 0, or
# 1 after saying why on stderr (what started is left for cluster_stop).
cluster_start() {
    local work=$1 users n addr log deadline
    shift
    CLUSTER_DIR2=$work/node2
    PROSODY_ADDR=127.0.0.2 PROSODY_CERT_FROM=$PROSODY_DIR \
        PROSODY_PORTS="$C2S_PORT $C2S_TLS_PORT $HTTP_PORT $HTTPS_PORT" \
        "$CLUSTER_ROOT/tests/prosody/start.sh" "$CLUSTER_DIR2" >"$work/node2.log" 2>&1 || {
        echo "cluster: the second Prosody did not start: $(tail -c 400 "$work/node2.log")" >&2
        return 1
    }
    for cfg in "$PROSODY_CONFIG" "$CLUSTER_DIR2/prosody.cfg.lua"; do
        prosodyctl --config "$cfg" register 1001001 "$DOMAIN" agentpw \
            >"$work/register.log" 2>&1 || {
            echo "cluster: prosodyctl register: $(cat "$work/register.log")" >&2
            return 1
        }
    done
    users=$work/cluster-users
    CLUSTER_PW_FILE=$work/cluster-agent.pw
    printf '1001001:agentpw\n' >"$users"
    [[ -z ${SUPERVISOR_PASS:-} ]] || printf 'supervisor:%s\n' "$SUPERVISOR_PASS" >>"$users"
    printf 'agentpw\n' >"$CLUSTER_PW_FILE"
    chmod 600 "$users" "$CLUSTER_PW_FILE"
    CLUSTER_REST_PORT=$("$FREEPORT" 1)
    local args=("$@")
    ((${#args[@]})) || args=(--agents 2 --teams 1 --queues 1 --rate 50)
    for n in 1 2; do
        addr=127.0.0.$n
        log=$work/sim$n.err
        PUB_PW=$PUBLISHER_PASS "$PERCH" simulate -j "publisher@$DOMAIN" \
            --password-env PUB_PW -s "$addr" -p "$C2S_PORT" --ca-file "$CA_FILE" \
            "${args[@]}" --rest-port "$CLUSTER_REST_PORT" --rest-host "$addr" \
            --rest-users "$users" --rest-cert "$CA_FILE" \
            --rest-key "$PROSODY_DIR/certs/localhost.key" \
            --primary 127.0.0.1 --secondary 127.0.0.2 \
            </dev/null >"$work/sim$n.out" 2>"$log" &
        CLUSTER_SIM_PIDS+=($!)
    done
    deadline=$((SECONDS + 20))
    for n in 1 2; do
        until grep -q '^perch: REST API on ' "$work/sim$n.err" &&
            grep -q 'nodes ready' "$work/sim$n.err" "$work/sim$n.out" 2>/dev/null; do
            ((SECONDS < deadline)) || {
                echo "cluster: simulator $n not ready: $(tail -c 300 "$work/sim$n.err")" >&2
                return 1
            }
            sleep 0.1
        done
    done
}

# cluster_stop: the simulators (SIGTERM, by PID), then node 2.
cluster_stop() {
    local pid
    for pid in "${CLUSTER_SIM_PIDS[@]}"; do
        kill -TERM "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    CLUSTER_SIM_PIDS=()
    if [[ -n $CLUSTER_DIR2 ]]; then
        "$CLUSTER_ROOT/tests/prosody/stop.sh" "$CLUSTER_DIR2" >/dev/null 2>&1 || true
        CLUSTER_DIR2=
    fi
}
