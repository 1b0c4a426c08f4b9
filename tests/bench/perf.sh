#!/usr/bin/env bash
# The performance table (issue 16, docs/performance.md): every figure of
# perch measured beside its baseline in the same run, on one loopback
# Prosody (TLS; its nodes created without item persistence, so the server
# is not the bottleneck), BENCH_REPS times (3), and printed as one table:
# the median of the repetitions, their spread (min–max), the baseline's,
# the median of the per-repetition ratios and the aim. It prints; it never
# fails on a slow figure, only when something did not run.
#
#   CPU per event, watch --json   BENCH_EVENTS (5000) team events published
#       at once to three subscribers: count_receiver (bare libstrophe,
#       counts), `perch watch --json`, the console (160x48 in tmux, Agents
#       visible); CPU from each one's subscription to its last event
#       (count_receiver's getrusage, /proc/PID/schedstat for perch)
#   CPU per event, full ring      the same for the console and watch once
#       BENCH_PREFILL (30000) events have filled the console's ring (20,000
#       stanzas) and it has let its first chunks go: what a console pays
#       for a whole shift, not for its first 20,000 stanzas (a ring that
#       fills takes new memory for each one)
#   idle console                  the console (one agent on screen), an idle
#       bare libstrophe client (count_receiver on a silent node) and
#       Profanity (Debian's, logged in, in tmux), each under `strace` for
#       BENCH_IDLE_SECONDS (20) a repetition; a wake-up is a wait (poll,
#       select, epoll_wait …) with a timeout other than 0 that returned;
#       terminal writes are write(2)s on fd 1; RSS (VmRSS) at the end
#   perch send one ping           `perf stat -r BENCH_SENDS` (10) task-clock
#       of `perch send` of a ping and of go-sendxmpp --raw of the same ping
#   perch nodes                   BENCH_NODES (20000) nodes; task-clock of
#       `perch nodes` and of tests/bench/slix_nodes.py (slixmpp)
#   BOSH latency                  tests/bench/pace_pub publishes
#       BENCH_LATENCY_RATE (200) items a second for BENCH_LATENCY_SECONDS
#       (10), each item id its send time (500 a second, the issue's rate,
#       saturated Prosody on the shared machine: both queues grew to 16 s);
#       `perch watch --json` over BOSH and over TCP stamp each line as it
#       arrives; the median of (arrival - id)
#   RSS of watch                  `perch watch --json` fed by evilxmpp's
#       events mode (as fast as perch reads: Prosody would take minutes for
#       a million); VmRSS when the output reaches each of BENCH_MEMORY
#       ("10000 100000 1000000"), once (not repeated)
#
# BENCH_PHASES (ingest steady idle clients latency memory) runs some of
# them.
#
# Needs the bench packages (scripts/deps.sh bench): strace, linux-perf,
# profanity, go-sendxmpp, python3-slixmpp, tmux.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
PERCH=${PERCH:-$ROOT/build/perch}
TOOLS=$ROOT/build/tools
# shellcheck source=tests/bench/lib.sh
source "$ROOT/tests/bench/lib.sh"
export FREEPORT=${FREEPORT:-$TOOLS/freeport}
REPS=${BENCH_REPS:-3}
N=${BENCH_EVENTS:-5000}
PREFILL=${BENCH_PREFILL:-30000}
PREFILL=$(((PREFILL + N - 1) / N * N)) # published N at a time
IDLE_S=${BENCH_IDLE_SECONDS:-20}
SENDS=${BENCH_SENDS:-10}
NNODES=${BENCH_NODES:-20000}
LAT_RATE=${BENCH_LATENCY_RATE:-200}
LAT_S=${BENCH_LATENCY_SECONDS:-10}
MEMORY=${BENCH_MEMORY:-10000 100000 1000000}
PHASES=${BENCH_PHASES:-ingest steady idle clients latency memory}
TEAM=/finesse/api/Team/5000/Users
IDLE_NODE=/bench/idle LAT_NODE=/bench/latency
COLS=160 ROWS=48 STATUS_ROW=46 # ui.c: the status bar is the line above input
LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)

for tool in strace perf profanity go-sendxmpp tmux /usr/bin/python3; do
    command -v "$tool" >/dev/null || die "$tool is missing (scripts/deps.sh bench)"
done
/usr/bin/python3 -c 'import slixmpp' 2>/dev/null ||
    die "python3-slixmpp is missing (scripts/deps.sh bench)"
for bin in "$PERCH" "$TOOLS/count_receiver" "$TOOLS/pace_pub" "$TOOLS/evilxmpp"; do
    [[ -x $bin ]] || die "no $bin (make bench builds it)"
done

bench_begin perf

# --- helpers ---
alive() {
    local st
    st=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
    st=${st##*) }
    [[ ${st%% *} != Z ]]
}
# cpu_ns PID: time on CPU so far, nanoseconds
cpu_ns() { cut -d' ' -f1 "/proc/$1/schedstat"; }
rss_kb() { awk '/^VmRSS/ { print $2 }' "/proc/$1/status"; }
# put KEY VALUE: one repetition's value of a figure
put() {
    echo "$2" >>"$WORK/fig.$1"
    echo "perf.sh: $1 $2" >&2
}
# idle_settled PID: no CPU used over 300 ms
settled() {
    local a
    a=$(cpu_ns "$1")
    sleep 0.3
    (($(cpu_ns "$1") - a < 2000000))
}
capture() { tm capture-pane -p -t "$1" 2>/dev/null; }

bench_prosody
PING="<iq type='get' to='$DOMAIN'><ping xmlns='urn:xmpp:ping'/></iq>"

# --- the nodes: no item persistence ---
{
    create_iq "$TEAM"
    create_iq "$IDLE_NODE"
    create_iq "$LAT_NODE"
} | publish || die "could not create the nodes"
# the many nodes for `perch nodes`: made after the consoles' runs, whose
# Nodes panes would otherwise hold them
many_nodes() {
    [[ ! -e $WORK/many ]] || return 0
    for ((i = 0; i < NNODES; i++)); do create_iq "/bench/n/$i"; done | publish ||
        die "could not create $NNODES nodes"
    touch "$WORK/many"
}

notification=$(team_notification)
echo "$notification" >"$WORK/notification.xml"
publish_iqs "$N" "$TEAM" "$notification" >"$WORK/stream.xml"

# console NAME JID PWVAR NODE: the console in tmux session NAME, 160x48
console() {
    local cmd
    cmd=$(printf '%q ' exec "$PERCH" -j "$2" --password-env "$3" "${conn[@]}" "$4")
    tm new-session -d -s "$1" -x "$COLS" -y "$ROWS" \
        -e "$3=${!3}" -e "XDG_CONFIG_HOME=$XDG_CONFIG_HOME" \
        -e "XDG_DATA_HOME=$XDG_DATA_HOME" -e LANG=C.UTF-8 \
        "$cmd 2>$(printf '%q' "$WORK/$1.err")"
    tm display-message -p -t "$1" '#{pane_pid}'
}
subscribed() { [[ $(capture "$1" | sed -n "$((STATUS_ROW + 1))p") == *" 1 subs "* ]]; }
# quit_console NAME PID: SIGTERM, and it ends (removing its subscription)
quit_console() {
    kill -TERM "$2"
    wait_for 10 eval '! alive '"$2" || die "the console did not quit"
    tm kill-session -t "$1" 2>/dev/null || true
}

# end_pair NAME CPID WPID: once the console has settled, its CPU (ns) in
# C1; then it and watch end
end_pair() {
    wait_for 60 settled "$2" || true
    C1=$(cpu_ns "$2")
    quit_console "$1" "$2"
    kill -TERM "$3"
    wait "$3" || true
    rm -f "$WORK/watch.fifo"
}

# --- 1. CPU per event: count_receiver, watch --json, the console ---
ingest() {
    local r=$1 rpid wpid cpid w0 c0 c1
    "$TOOLS/count_receiver" "$AGENT_JID/bench$r" "$AGENT_PASS" 127.0.0.1 \
        "$C2S_PORT" "$CA_FILE" "$PUBSUB" "$TEAM" "$N" >"$WORK/recv.out" 2>&1 &
    rpid=$!
    PIDS+=("$rpid")
    mkfifo "$WORK/watch.fifo"
    # no --count: it must still be there when its last event is read
    "$PERCH" watch -j "$SUPERVISOR_JID" --password-env SUP_PW "${conn[@]}" \
        --json "$TEAM" >"$WORK/watch.fifo" 2>"$WORK/watch.err" &
    wpid=$!
    PIDS+=("$wpid")
    # the CPU used when the last event is out (head reads as lines come;
    # mawk would wait for a full buffer)
    { head -n "$N" >/dev/null && cat "/proc/$wpid/schedstat"; } \
        <"$WORK/watch.fifo" >"$WORK/watch.cpu" &
    PIDS+=($!)
    cpid=$(console ingest "$SINKUSER_JID" SINK_PW "$TEAM")
    wait_for 30 grep -q ready "$WORK/recv.out" || die "count_receiver: $(cat "$WORK/recv.out")"
    wait_for 30 grep -q watching "$WORK/watch.err" || die "watch: $(cat "$WORK/watch.err")"
    wait_for 30 subscribed ingest || die "the console did not subscribe: $(cat "$WORK/ingest.err")"
    w0=$(cpu_ns "$wpid") c0=$(cpu_ns "$cpid")
    publish <"$WORK/stream.xml" || die "publishing failed"
    wait "$rpid" || die "count_receiver: $(cat "$WORK/recv.out")"
    wait_for 120 test -s "$WORK/watch.cpu" || die "watch did not get its $N events"
    end_pair ingest "$cpid" "$wpid"
    c1=$C1
    read -r _ r0 < <(grep ready "$WORK/recv.out")
    read -r _ _ r1 < <(grep "^done" "$WORK/recv.out")
    local cev
    cev=$(sed -n 's/^perch: \([0-9]*\) events, .*/\1/p' "$WORK/ingest.err")
    [[ -n $cev && $cev -gt 0 ]] || die "the console read no events: $(cat "$WORK/ingest.err")"
    awk -v n="$N" -v r0="$r0" -v r1="$r1" -v w0="$w0" -v w1="$(cut -d' ' -f1 "$WORK/watch.cpu")" \
        -v c0="$c0" -v c1="$c1" -v cev="$cev" 'BEGIN {
        b = (r1 - r0) / n; w = (w1 - w0) / 1000 / n; c = (c1 - c0) / 1000 / cev
        printf "%.1f %.1f %.1f %.3f %.3f\n", b, w, c, w / b, c / w }' |
        {
            read -r b w c rw rc
            put recv_us "$b"
            put watch_us "$w"
            put console_us "$c"
            put watch_ratio "$rw"
            put console_ratio "$rc"
        }
}

# --- 1b. the same once the console's ring is full ---
steady() {
    local wpid cpid w0 c0 c1 total i
    mkfifo "$WORK/watch.fifo"
    "$PERCH" watch -j "$SUPERVISOR_JID" --password-env SUP_PW "${conn[@]}" \
        --json "$TEAM" >"$WORK/watch.fifo" 2>"$WORK/watch.err" &
    wpid=$!
    PIDS+=("$wpid")
    # the prefill's lines, then the CPU before and after the measured ones
    # (the measured events are published once the prefill's are all out)
    { head -n "$PREFILL" >/dev/null && cat "/proc/$wpid/schedstat" >"$WORK/watch.pre" &&
        head -n "$N" >/dev/null && cat "/proc/$wpid/schedstat"; } \
        <"$WORK/watch.fifo" >"$WORK/watch.cpu" &
    PIDS+=($!)
    cpid=$(console steady "$SINKUSER_JID" SINK_PW "$TEAM")
    wait_for 30 grep -q watching "$WORK/watch.err" || die "watch: $(cat "$WORK/watch.err")"
    wait_for 30 subscribed steady || die "the console did not subscribe: $(cat "$WORK/steady.err")"
    for ((i = 0; i < PREFILL / N; i++)); do
        publish <"$WORK/stream.xml" || die "publishing failed"
    done
    wait_for 300 test -s "$WORK/watch.pre" || die "watch did not get the prefill"
    wait_for 120 settled "$cpid" || true
    w0=$(cut -d' ' -f1 "$WORK/watch.pre") c0=$(cpu_ns "$cpid")
    publish <"$WORK/stream.xml" || die "publishing failed"
    wait_for 120 test -s "$WORK/watch.cpu" || die "watch did not get its $N events"
    end_pair steady "$cpid" "$wpid"
    c1=$C1
    rm -f "$WORK/watch.pre"
    total=$(sed -n 's/^perch: \([0-9]*\) events, .*/\1/p' "$WORK/steady.err")
    [[ $total == "$((PREFILL + N))" ]] ||
        die "the console read ${total:-no} events, not $((PREFILL + N)): $(cat "$WORK/steady.err")"
    awk -v n="$N" -v w0="$w0" -v w1="$(cut -d' ' -f1 "$WORK/watch.cpu")" \
        -v c0="$c0" -v c1="$c1" 'BEGIN {
        w = (w1 - w0) / 1000 / n; c = (c1 - c0) / 1000 / n
        printf "%.1f %.1f %.3f\n", w, c, c / w }' |
        {
            read -r w c rc
            put steady_watch_us "$w"
            put steady_console_us "$c"
            put steady_ratio "$rc"
        }
}

# --- 2. idle: the console, a bare libstrophe client, Profanity ---
# wakeups FILE: "waits-that-slept writes-on-fd-1" of an strace -o file
wakeups() {
    awk '/^[0-9]* *(poll|ppoll|select|pselect6|epoll_wait|epoll_pwait|epoll_pwait2)\(/ {
            if ($0 ~ /^[0-9]* *poll\(.*\], [0-9]+, 0\)/) next
            if ($0 ~ /epoll_p?wait2?\([0-9]+, .*, [0-9]+, 0[,)]/) next
            if ($0 ~ /tv_sec=0, tv_nsec=0\}/ || $0 ~ /tv_sec=0, tv_usec=0\}/) next
            w++ }
         /^[0-9]* *write\(1,/ { t++ }
         END { printf "%d %d\n", w, t }' "$1"
}
idle() {
    local cpid bpid ppid rep
    cpid=$(console idle "$SINKUSER_JID" SINK_PW "$TEAM")
    "$TOOLS/count_receiver" "$PUBLISHER_JID/idle" "$PUBLISHER_PASS" 127.0.0.1 \
        "$C2S_PORT" "$CA_FILE" "$PUBSUB" "$IDLE_NODE" 1 >"$WORK/idle.out" 2>&1 &
    bpid=$!
    PIDS+=("$bpid")
    mkdir -p "$WORK/prof"
    tm new-session -d -s prof -x "$COLS" -y "$ROWS" -e "HOME=$WORK/prof" \
        -e "XDG_CONFIG_HOME=$WORK/prof/config" -e "XDG_DATA_HOME=$WORK/prof/data" \
        -e LANG=C.UTF-8 "exec profanity"
    ppid=$(tm display-message -p -t prof '#{pane_pid}')
    wait_for 15 eval 'capture prof | grep -q "/connect"' || die "Profanity did not start"
    tm send-keys -t prof "/connect $AGENT_JID server 127.0.0.1 port $C2S_PORT tls trust" Enter
    wait_for 15 eval 'capture prof | grep -qi "password"' || die "Profanity asked no password"
    tm send-keys -t prof "$AGENT_PASS" Enter
    wait_for 20 eval 'capture prof | grep -q "logged in successfully"' ||
        die "Profanity did not log in: $(capture prof | grep -v '^ *$' | tail -3)"
    wait_for 30 grep -q ready "$WORK/idle.out" || die "count_receiver: $(cat "$WORK/idle.out")"
    wait_for 30 subscribed idle || die "the console did not subscribe"
    # one agent on the console's screen (in its state for days: the
    # fixture's stateChangeTime)
    head -n 3 "$WORK/stream.xml" | publish
    wait_for 15 eval 'capture idle | grep -q 1001001' || die "the agent is not on screen"
    wait_for 10 settled "$cpid" || true
    local calls=poll,ppoll,select,pselect6,epoll_wait,epoll_pwait,write st
    for ((rep = 1; rep <= REPS; rep++)); do
        st=()
        timeout -s INT "$IDLE_S" strace -qq -o "$WORK/c.st" -e "trace=$calls" -p "$cpid" 2>/dev/null &
        st+=($!)
        timeout -s INT "$IDLE_S" strace -qq -o "$WORK/b.st" -e "trace=$calls" -p "$bpid" 2>/dev/null &
        st+=($!)
        timeout -s INT "$IDLE_S" strace -qq -f -o "$WORK/p.st" -e "trace=$calls" -p "$ppid" 2>/dev/null &
        st+=($!)
        wait "${st[@]}" || true
        read -r cw ct < <(wakeups "$WORK/c.st")
        read -r bw _ < <(wakeups "$WORK/b.st")
        read -r pw _ < <(wakeups "$WORK/p.st")
        put idle_wake "$(awk -v w="$cw" -v s="$IDLE_S" 'BEGIN { printf "%.0f", w * 60 / s }')"
        put idle_writes "$(awk -v w="$ct" -v s="$IDLE_S" 'BEGIN { printf "%.0f", w * 60 / s }')"
        put bare_wake "$(awk -v w="$bw" -v s="$IDLE_S" 'BEGIN { printf "%.0f", w * 60 / s }')"
        put prof_wake "$(awk -v w="$pw" -v s="$IDLE_S" 'BEGIN { printf "%.0f", w * 60 / s }')"
        put idle_wake_ratio "$(awk -v a="$cw" -v b="$pw" 'BEGIN { printf "%.3f", b ? a / b : 0 }')"
        put idle_rss "$(rss_kb "$cpid")"
        put bare_rss "$(rss_kb "$bpid")"
        put prof_rss "$(rss_kb "$ppid")"
        put idle_rss_ratio "$(awk -v a="$(rss_kb "$cpid")" -v b="$(rss_kb "$ppid")" 'BEGIN { printf "%.3f", a / b }')"
    done
    quit_console idle "$cpid"
    tm kill-session -t prof 2>/dev/null || true
    kill "$bpid" 2>/dev/null || true
}

# --- 3. perch send one ping; perch nodes ---
# task_ms RUNS COMMAND: mean task-clock of one run, ms (perf stat)
task_ms() {
    local runs=$1
    shift
    perf stat -x, -e task-clock -r "$runs" "$@" 2>&1 >/dev/null |
        awk -F, '$3 == "task-clock" { printf "%.1f", $1 }'
}
clients() {
    local a b
    many_nodes
    echo "$PING" >"$WORK/ping.xml"
    a=$(task_ms "$SENDS" sh -c "exec \"\$0\" send -j $AGENT_JID --password-env AGENT_PW -s 127.0.0.1 -p $C2S_PORT --ca-file $CA_FILE \"\$1\"" "$PERCH" "$PING")
    b=$(SSL_CERT_FILE=$CA_FILE task_ms "$SENDS" sh -c "exec go-sendxmpp -u $AGENT_JID -p $AGENT_PASS -j 127.0.0.1:$C2S_PORT --raw $AGENT_JID <\"\$0\"" "$WORK/ping.xml")
    put send_ms "$a"
    put gosend_ms "$b"
    put send_ratio "$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.3f", a / b }')"
    a=$(task_ms 1 "$PERCH" nodes -j "$AGENT_JID" --password-env AGENT_PW "${conn[@]}")
    b=$(task_ms 1 /usr/bin/python3 "$ROOT/tests/bench/slix_nodes.py" "$AGENT_JID" \
        "$AGENT_PASS" 127.0.0.1 "$C2S_PORT" "$CA_FILE" "$PUBSUB")
    put nodes_ms "$a"
    put slix_ms "$b"
    put nodes_ratio "$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.3f", a / b }')"
}

# --- 4. BOSH and TCP latency at 500 events/s ---
STAMP='import json, sys, time
for line in sys.stdin:
    t = time.time_ns() // 1000
    print(t - int(json.loads(line)["item"]))'
latency() {
    local total=$((LAT_RATE * LAT_S)) t b how
    for how in tcp bosh; do
        local -a via=("${conn[@]}") who=("$AGENT_JID" AGENT_PW)
        if [[ $how == bosh ]]; then
            via=(--ca-file "$CA_FILE" --bosh "$BOSH_HTTPS_URL")
            who=("$SUPERVISOR_JID" SUP_PW)
        fi
        rm -f "$WORK/$how.fifo"
        mkfifo "$WORK/$how.fifo"
        "$PERCH" watch -j "${who[0]}" --password-env "${who[1]}" "${via[@]}" \
            --json "$LAT_NODE" >"$WORK/$how.fifo" 2>"$WORK/$how.err" &
        eval "${how}_watch=\$!"
        PIDS+=($!)
        /usr/bin/python3 -u -c "$STAMP" <"$WORK/$how.fifo" >"$WORK/$how.lat" &
        eval "${how}_stamp=\$!"
        PIDS+=($!)
    done
    wait_for 30 grep -q watching "$WORK/tcp.err" || die "watch (TCP): $(cat "$WORK/tcp.err")"
    wait_for 30 grep -q watching "$WORK/bosh.err" || die "watch (BOSH): $(cat "$WORK/bosh.err")"
    "$TOOLS/pace_pub" "$PUBLISHER_JID/pace" "$PUBLISHER_PASS" 127.0.0.1 "$C2S_PORT" \
        "$CA_FILE" "$PUBSUB" "$LAT_NODE" "$LAT_RATE" "$LAT_S" "$WORK/notification.xml" \
        >"$WORK/pace.out" 2>&1 || die "pace_pub: $(cat "$WORK/pace.out")"
    # every event printed, or 5 s more at most (a lost one is reported)
    got_all() { (($(wc -l <"$WORK/tcp.lat") >= total && $(wc -l <"$WORK/bosh.lat") >= total)); }
    wait_for 5 got_all ||
        echo "perf.sh: note: of $total events TCP printed $(wc -l <"$WORK/tcp.lat"), BOSH $(wc -l <"$WORK/bosh.lat")" >&2
    # shellcheck disable=SC2154 # set by eval above
    kill -TERM "$tcp_watch" "$bosh_watch" 2>/dev/null || true
    # shellcheck disable=SC2154
    wait "$tcp_watch" "$bosh_watch" "$tcp_stamp" "$bosh_stamp" || true
    rm -f "$WORK/tcp.fifo" "$WORK/bosh.fifo"
    t=$(sort -n "$WORK/tcp.lat" | awk '{ v[NR] = $1 } END { printf "%.1f", v[int((NR + 1) / 2)] / 1000 }')
    b=$(sort -n "$WORK/bosh.lat" | awk '{ v[NR] = $1 } END { printf "%.1f", v[int((NR + 1) / 2)] / 1000 }')
    put tcp_ms "$t"
    put bosh_ms "$b"
    put bosh_ratio "$(awk -v a="$b" -v b="$t" 'BEGIN { printf "%.3f", a / b }')"
}

# --- 5. watch's RSS after 10k, 100k, 1M events ---
memory() {
    local epid wpid apid port marks
    echo "<message from='$PUBSUB' to='agent@localhost/evil'><event xmlns='http://jabber.org/protocol/pubsub#event'><items node='$TEAM'><item id='1'>$notification</item></items></event></message>" >"$WORK/event.xml"
    "$TOOLS/evilxmpp" events "$WORK/event.xml" >"$WORK/evil.out" 2>"$WORK/evil.err" &
    epid=$!
    PIDS+=("$epid")
    wait_for 10 grep -q ready "$WORK/evil.out" || die "evilxmpp did not start"
    port=$(awk '{ print $2 }' "$WORK/evil.out")
    marks=$(tr ' ' '\n' <<<"$MEMORY" | sort -n | tr '\n' ' ')
    mkfifo "$WORK/mem.fifo"
    "$PERCH" watch -j agent@localhost --password-env AGENT_PW -s 127.0.0.1 \
        -p "$port" --tls off --allow-plaintext-auth --json "$TEAM" \
        >"$WORK/mem.fifo" 2>"$WORK/mem.err" &
    wpid=$!
    PIDS+=("$wpid")
    awk -v f="/proc/$wpid/status" -v marks="$marks" 'BEGIN {
            n = split(marks, m, " "); i = 1 }
        NR == m[i] {
            while ((getline s < f) > 0) if (s ~ /^VmRSS/) { split(s, a, " "); r = a[2] }
            close(f); print NR, r; fflush()
            if (++i > n) exit }' <"$WORK/mem.fifo" >"$WORK/mem.marks" &
    apid=$!
    PIDS+=("$apid")
    wait_for 10 grep -q watching "$WORK/mem.err" || die "watch: $(cat "$WORK/mem.err")"
    echo "start $(rss_kb "$wpid")" >"$WORK/mem.rss"
    wait "$apid" || die "the memory run ended early: $(cat "$WORK/mem.err")"
    cat "$WORK/mem.marks" >>"$WORK/mem.rss"
    kill -KILL "$wpid" 2>/dev/null || true
    wait "$wpid" 2>/dev/null || true
    kill "$epid" 2>/dev/null || true
    rm -f "$WORK/mem.fifo"
}

t_start=$SECONDS
phase() { [[ " $PHASES " == *" $1 "* ]]; }
if phase ingest; then for ((r = 1; r <= REPS; r++)); do ingest "$r"; done; fi
if phase steady; then for ((r = 1; r <= REPS; r++)); do steady; done; fi
if phase idle; then idle; fi
if phase clients; then for ((r = 1; r <= REPS; r++)); do clients; done; fi
if phase latency; then for ((r = 1; r <= REPS; r++)); do latency; done; fi
if phase memory; then memory; fi
t_all=$((SECONDS - t_start))

# --- the table ---
# stat KEY: "median min max" of its repetitions
stat() { sort -n "$WORK/fig.$1" 2>/dev/null | awk '{ v[NR] = $1 } END {
    m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
    if (NR) printf "%g %g %g\n", m, v[1], v[NR]; else print "- - -" }'; }
# cell KEY UNIT: "12.3 us (11.9-13.0)"
cell() {
    read -r m lo hi < <(stat "$1")
    printf '%s %s (%s–%s)' "$m" "$2" "$lo" "$hi"
}
ratio() {
    read -r m lo hi < <(stat "$1")
    if [[ $m == - ]]; then printf '—'; else printf '%.2f× (%.2f–%.2f)' "$m" "$lo" "$hi"; fi
}
row() { printf '| %s | %s | %s | %s | %s |\n' "$@"; }
echo
echo "perch performance: $REPS repetitions, median (min–max); $(nproc) cores, $(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -n 1); load before: $LOAD0, after: $(cut -d' ' -f1-3 /proc/loadavg); ${t_all} s"
echo
row figure perch "baseline in the same run" ratio aim
row --- --- --- --- ---
row "CPU per event, \`watch --json\` ($N events)" "$(cell watch_us µs)" "bare libstrophe counting receiver $(cell recv_us µs)" "$(ratio watch_ratio)" "≤ 1.5×"
row "CPU per event, console (Agents visible)" "$(cell console_us µs)" "\`watch --json\` (above)" "$(ratio console_ratio)" "≤ 1.2×"
row "CPU per event, console once its ring is full ($PREFILL events before)" "$(cell steady_console_us µs)" "\`watch --json\` in the same run $(cell steady_watch_us µs)" "$(ratio steady_ratio)" "≤ 1.2× (for a shift, after its first stanzas)"
row "idle console, wake-ups per minute" "$(cell idle_wake '') (+$(cell idle_writes '') terminal writes)" "Profanity $(cell prof_wake ''); bare libstrophe $(cell bare_wake '')" "$(ratio idle_wake_ratio)" "≤ 60, ≤ ¼ of Profanity; no write when nothing visible changed"
mem=-
[[ ! -e $WORK/mem.rss ]] ||
    mem=$(awk '$1 == "start" { printf "%.1f MB once watching", $2 / 1024; next }
        { printf ", %.1f MB after %d", $2 / 1024, $1 }' "$WORK/mem.rss")
row "RSS, \`watch\` (evilxmpp, as fast as it reads; once)" "$mem" "—" "—" "flat: ≤ 16 MB after 1M events"
# fig.NAME_rss (KB) in MB as fig.NAME_mb, when the phase measured it
for f in idle prof bare; do
    [[ ! -e $WORK/fig.${f}_rss ]] ||
        awk '{ printf "%.1f\n", $1 / 1024 }' "$WORK/fig.${f}_rss" >"$WORK/fig.${f}_mb"
done
row "RSS, idle console" "$(cell idle_mb MB)" "Profanity $(cell prof_mb MB); bare libstrophe $(cell bare_mb MB)" "$(ratio idle_rss_ratio)" "≤ 0.25×"
row "\`perch send\` one ping, CPU (mean of $SENDS)" "$(cell send_ms ms)" "go-sendxmpp --raw $(cell gosend_ms ms)" "$(ratio send_ratio)" "≤ 1.5×"
row "\`perch nodes\`, $NNODES nodes, CPU" "$(cell nodes_ms ms)" "slixmpp $(cell slix_ms ms)" "$(ratio nodes_ratio)" "≤ 0.5×"
row "BOSH latency publish → printed at $LAT_RATE events/s, median" "$(cell bosh_ms ms)" "TCP $(cell tcp_ms ms)" "$(ratio bosh_ratio)" "≤ 1.5×"
