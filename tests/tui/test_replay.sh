# shellcheck shell=bash
# perch replay FILE on a terminal: the console on a capture, with the
# replay bar (time with date and zone, event N/M, playing or paused,
# speed) and its keys: space, '.', '+'/'-', /goto. No server is used.
# states.perch.jsonl (tests/fixtures/evidence/make.py): Ada 1001001 and
# Alan 1001002 change state at 10:00:00.1, .2, 1, 2, 3, 4 and 60 (UTC),
# 9 events with the header and the close.

EVIDENCE=$ROOT/tests/fixtures/evidence
REPLAY_T0=1796119200 # 2026-12-01T10:00:00Z

# replay_start FILE [ARGS...]: perch replay ARGS FILE (copied into the
# test's directory: the bar names it short), without a connection.
replay_start() {
    local file=$1 CONN=()
    shift
    cp "$file" "$TD/" || fail "cannot copy $file" || return
    tui_start replay "$@" "$(basename "$file")"
}

# local_clock SECONDS_AFTER_T0 [MS]: "HH:MM:SS" (or with .MS) on perch's
# clock (the same TZ as this script's).
local_clock() {
    date -d "@$((REPLAY_T0 + $1))" "+%H:%M:%S${2:+.$2}"
}

# bar_event: N of "event N/M" on the bar of the last SCREEN.
bar_event() {
    grep -oE '│ event [0-9]+/' <<<"$SCREEN" | grep -oE '[0-9]+'
}

# agent_state ID STATE: the Agents row of ID says STATE.
agent_state() {
    wait_screen "^$1 +[A-Za-z]+ [A-Za-z]+ +$2 " "${3:-5}"
}

t_replay_opens_a_recording_with_the_replay_bar() {
    replay_start "$EVIDENCE/states.perch.jsonl" || return
    wait_screen "^ replay │ 2026-12-01 [0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3} [+-][0-9]{4} │ (playing|paused|end of capture) │ event [0-9]+/9 │ 1× │ states" || return
    expect_screen '^ Agents '
    agent_state 1001001 '(NOT_READY|READY|TALKING)' || return
    # Console has the recorded stanzas at their recorded times
    keys 4
    wait_screen "^$(local_clock 0 100) ← user 1001001 NOT_READY" || return
    # the help overlay says the replay's keys first
    keys ?
    wait_screen 'Replay:  space  pause/play    \.  one event' || return
    keys Escape
    wait_gone 'Replay:  space' || return
    tui_quit
}

# What is not evidence: the console does not open; the cause, exit 2.
t_replay_of_what_is_not_evidence_says_why_and_exits_2() {
    printf '{"log": [1, 2' >"$WORK/notahar.json"
    replay_start "$WORK/notahar.json" || return
    local deadline=$(($(now_us) + 10000000))
    until perch_exited; do
        (($(now_us) < deadline)) || { fail "perch still runs"; return 1; }
        sleep 0.05
    done
    [[ $(<"$RCF") == 2 ]] || fail "exit $(<"$RCF"), expected 2"
    grep -q 'notahar.json: not a HAR: not JSON at line 1' "$ERRF" ||
        fail "stderr: $(cat "$ERRF")"
}

t_replay_pause_stops_the_position_and_step_feeds_one_event() {
    local p
    replay_start "$EVIDENCE/states.perch.jsonl" || return
    wait_screen '│ playing │ event [1-9]/9' || return
    keys Space
    wait_screen '│ paused │ event [0-9]+/9' || return
    p=$(bar_event)
    # playing at 1x, the events of 10:00:01 to :04 would come within 2 s
    if poll_screen "│ paused │ event $((p + 1))/9" 2000; then
        fail "the position moved while paused"
        dump_screen
        return 1
    fi
    expect_screen "│ paused │ event $p/9" || return
    # from a known point: the next event is Ada's READY of 10:00:01
    type_line "/goto $(local_clock 0 500)"
    wait_screen "│ paused │ event 3/9" || return
    agent_state 1001001 NOT_READY || return
    keys .
    wait_screen "│ $(date -d "@$((REPLAY_T0 + 1))" +%F) $(local_clock 1 000) [+-][0-9]{4} │ paused │ event 4/9" || return
    agent_state 1001001 READY || return
    keys .
    wait_screen "│ paused │ event 5/9" || return
    agent_state 1001001 TALKING || return
    tui_quit
}

t_replay_goto_shows_the_state_then_forward_and_back() {
    replay_start "$EVIDENCE/states.perch.jsonl" || return
    wait_screen '│ event [0-9]+/9' || return
    keys Space
    wait_screen '│ paused │' || return
    # ':' puts /goto on the input line
    keys :
    wait_screen '^> ?/goto' || return
    tm send-keys -t "$SESSION" -l -- "$(local_clock 3 500)"
    keys Enter
    wait_screen "$(local_clock 3 500) [+-][0-9]{4} │ paused │ event 6/9" || return
    agent_state 1001001 TALKING || return
    agent_state 1001002 NOT_READY || return
    # back: rebuilt from the start, Alan not seen yet at 10:00:00.150
    type_line "/goto $(local_clock 0 150)"
    wait_screen "$(local_clock 0 150) [+-][0-9]{4} │ paused │ event 2/9" || return
    agent_state 1001001 NOT_READY || return
    refute_screen '^1001002 ' "Alan is on Agents before his first event"
    type_line "/goto 25:00"
    wait_screen "/goto: '25:00' is not a time" || return
    tui_quit
}

# 10x needs about 6 s for the minute the capture spans (1x: 60 s); max
# feeds it at once. The end stays on screen until q.
t_replay_10x_and_max_reach_the_end_sooner() {
    local start ms
    replay_start "$EVIDENCE/states.perch.jsonl" || return
    wait_screen '│ playing │ event [0-9]+/9 │ 1× │' || return
    keys +
    start=$(now_us)
    wait_screen '│ playing │ event [0-9]+/9 │ 10× │' || return
    wait_screen '│ end of capture │ event 9/9 │ 10× │' 30 || return
    ms=$((($(now_us) - start) / 1000))
    ((ms > 3000)) || fail "10x reached the end in $ms ms: as fast as max"
    expect_screen '^end of capture: 9 events, 1 finding in Console; q quits'
    agent_state 1001002 LOGOUT || return
    # the end paused it: again from the start, at max
    type_line "/goto $(local_clock 0)"
    wait_screen "│ paused │ event 1/9 │ 10× │" || return
    keys +
    wait_screen "│ paused │ event 1/9 │ max │" || return
    keys Space
    start=$(now_us)
    wait_screen '│ end of capture │ event 9/9 │ max │' 3 || return
    ms=$((($(now_us) - start) / 1000))
    ((ms < 3000)) || fail "max took $ms ms"
    keys -
    wait_screen '│ 10× │' || return
    tui_quit
}

t_replay_network_shows_the_recorded_requests_of_a_har() {
    SIZE=160x48 # the notes and the parameters whole
    replay_start "$EVIDENCE/bosh.har" --speed 1000 || return
    wait_screen '│ end of capture │ event [0-9]+/[0-9]+ │ 1000× │ bosh\.har' 10 || return
    keys 5
    wait_screen ' Network 7 of 7 requests' || return
    expect_screen '(^|│)replay of a HAR, nothing sent'
    expect_screen 'inactivity 60 s'
    expect_screen '(^|│)[0-9:]{8}\.000  101 +200 .* 1200 +0 +2 '
    expect_screen '(^|│)[0-9:]{8}\.400  103 +0 .*FAILED: net::ERR_CONNECTION_RESET'
    expect_screen '(^|│)[0-9:]{8}\.000  105 +404 .*FAILED: HTTP 404'
    # back to when rid 102 was held: its age on the recorded clock
    type_line "/goto $(date -d "@$((REPLAY_T0 - 3600 + 30))" +%H:%M:%S)"
    wait_screen "held: rid 102 \(long poll\) since [0-9:]{8}\.300, 27\.7 s" || return
    expect_screen ' Network 2 of 2 requests'
    type_line "/goto $(date -d "@$((REPLAY_T0 - 3600 + 300))" +%H:%M:%S)"
    wait_screen ' Network 7 of 7 requests' || return
    # the findings in Console at the end
    keys 4
    wait_screen '! finding at 2026-12-01 [0-9:.]+ [+-][0-9]{4}: gap — no request held for 108\.4 s' || return
    keys 2
    wait_screen '(^|│)47483648 Isaac Newton +10005 +READY ' || return
    tui_quit
}

t_replay_network_shows_the_frames_of_a_websocket_har() {
    replay_start "$EVIDENCE/websocket.har" || return
    keys +
    keys +
    wait_screen '│ end of capture │' 10 || return
    keys 5
    wait_screen '^ Network ' || return
    expect_screen '^[0-9:]{8}\.[0-9]{3}  upgrade  101 '
    expect_screen '^[0-9:]{8}\.010  out  text .*<open>'
    expect_screen '^[0-9:]{8}\.500  in   text .*<message>'
    tui_quit
}

t_replay_says_sending_is_not_available() {
    replay_start "$EVIDENCE/states.perch.jsonl" || return
    wait_screen '│ event [0-9]+/9' || return
    type_line "/sub /finesse/api/User/1001001"
    wait_screen 'subscribe: not available in replay' || return
    type_line "<presence/>"
    wait_screen 'not available in replay \(nothing is sent\)' || return
    type_line "/connect"
    wait_screen 'connect: not available in replay' || return
    tui_quit
}

# End to end: the console records a session against the harness's Prosody
# (--record), then replays it: the published states come back, and /goto
# to the recorded time of the first shows it.
t_replay_of_a_console_recording_made_here_shows_what_was_published() {
    local rec=$TD/rec/console.jsonl line iso clock
    mkdir -p "$TD/rec"
    tui_start --record "$rec" "$USER1" || return
    wait_screen "^subscribed to $USER1 " || return
    publish $USER1 user_not_ready_reason || return
    wait_screen '^1001001  Ada Lovelace +1001001 +NOT_READY ' || return
    publish $USER1 user_ready_1001001 "s/<stateChangeTime>[^<]*</<stateChangeTime>$(iso_ago 1)</" || return
    wait_screen '^1001001  Ada Lovelace +1001001 +READY ' || return
    tui_quit || return
    # the event's message (the resync's items came in an iq result)
    line=$(grep -m1 '"dir":"in","xml":"<message .*NOT_READY' "$rec") ||
        fail "no NOT_READY stanza in the recording" || return
    iso=${line#*\"time\":\"}
    iso=${iso%%\"*}
    clock=$(date -d "$iso" +%H:%M:%S.%3N) || fail "time '$iso'" || return
    replay_start "$rec" || return
    # the session lasted a few seconds: played at 1x to its end
    wait_screen '│ end of capture │ event ([0-9]+)/\1 │ 1× │' 20 || return
    wait_screen '^1001001  Ada Lovelace +1001001 +READY ' || return
    type_line "/goto $clock"
    wait_screen "$clock [+-][0-9]{4} │ paused │" || return
    wait_screen '^1001001  Ada Lovelace +1001001 +NOT_READY .*Lunch' || return
    keys 4
    wait_screen "→ subscribe .*1001001" || return
    expect_screen "← user 1001001 NOT_READY"
    keys 5
    wait_screen 'one TCP stream: no HTTP requests to show' || return
    tui_quit
}

# Without UTF-8 the bar is ASCII: "|" between its fields, "1x".
t_replay_bar_is_ascii_without_utf8() {
    TUI_LANG=C replay_start "$EVIDENCE/states.perch.jsonl" || return
    wait_screen '^ replay \| 2026-12-01 [0-9:.]+ [+-][0-9]{4} \| (playing|paused|end of capture) \| event [0-9]+/9 \| 1x \|' || return
    keys +
    wait_screen '\| 10x \|' || return
    expect_screen '^replay speed 10x'
    tui_quit
}
