# Reading the console at any width (issue 17): a gist on each Console row,
# nothing hidden (sideways scroll, "…" at every cut), the raw view, the
# Agents title's counts in Finesse's order, the status bar at 80 columns,
# the message line fading. Sourced by run.sh.
# shellcheck shell=bash
# shellcheck disable=SC2034,SC2153 # SIZE, CONN, SIZES: lib.sh

# The sizes issue 17 asks for (SIZES17=80x24 narrows them).
SIZES17=${SIZES17:-80x24 200x50}

# console_focus: Console gets the keys.
console_focus() {
    keys F4
    wait_active '	 4 Console '
}

# A user update, a disco#items result and an error say what they are
# right after the direction; the request names its node.
t_console_rows_say_what_each_stanza_is() {
    local bad="<iq type='get' id='tui-gist-e' to='pubsub.localhost'><pubsub xmlns='http://jabber.org/protocol/pubsub'><items node='/no/such/node'/></pubsub></iq>"
    for SIZE in $SIZES17; do
        tui_start "$USER1" || return
        wait_screen "^subscribed to $USER1 \\([0-9]+ ms\\)" || return
        console_focus || return
        publish "$USER1" user_not_ready_reason || return
        wait_screen '← user 1001001 NOT_READY  message/headline id=' || return
        type_line "$(disco_items tui-gist-d)"
        wait_screen "← disco#items → [0-9]+ items  iq/result id=$(id_re tui-gist-d)" || return
        expect_screen "→ disco#items  iq/get id=$(id_re tui-gist-d)"
        type_line "$bad"
        wait_screen "← error item-not-found  iq/error id=$(id_re tui-gist-e)" || return
        expect_screen "→ items /no/such/node  iq/get id=$(id_re tui-gist-e)"
        tui_quit
    done
}

# At 60 columns a node path gives up its left end, not its id.
t_console_gist_shortens_a_node_path_from_the_left_at_60_columns() {
    SIZE=60x20
    tui_start || return
    wait_screen '^ Nodes [0-9]+ nodes' || return
    console_focus || return
    type_line "/sub $USER1/Dialogs"
    # the path's end, from a whole segment; the id shortened too
    wait_screen "^[0-9:.]+ → subscribe …(/User)?/1001001/Dialogs  iq/set id=…" || return
    tui_quit
}

# A long id is shortened from the left in its row, so the pairing stays;
# the detail line that holds it ends in "…"; Enter, then Right, reveals
# its end ("…" then marks what is left of the view); Left comes back.
t_console_sideways_scroll_reveals_the_end_of_a_long_stanza() {
    local id i right=""
    id=tui-long-$(printf 'x%.0s' {1..230})-END
    for ((i = 0; i < 40; i++)); do right+=" Right"; done
    for SIZE in $SIZES17; do
        tui_start || return
        wait_tree || return
        console_focus || return
        type_line "$(ping "$id")"
        wait_screen "← iq/result id=…x+-END  <-> reply in [0-9]+ ms" || return
        expect_screen "→ ping  iq/get id=…x+-END  <-> result in [0-9]+ ms"
        expect_screen "^(.*│)?<iq .*id='tui-long-x+…$"
        keys Enter
        wait_gone '^(.*│)?─{20}' || return
        refute_screen "x-END'" "the end of the id is in the detail before scrolling"
        # shellcheck disable=SC2086 # one key a word
        keys $right
        wait_screen "^(.*│)?….*x-END' " || return
        # shellcheck disable=SC2086
        keys ${right//Right/Left}
        wait_screen "^(.*│)?<iq .*id='tui-long-x+…$" || return
        tui_quit
    done
}

# r shows the stanza exactly as it went out: one line, escaped text as
# sent, wrapped at the pane's width.
t_console_raw_view_shows_the_stanza_as_on_the_wire() {
    local st="<message to='supervisor@localhost' id='tui-raw' type='headline'><body>a &amp; b &lt;c&gt; END</body></message>"
    for SIZE in $SIZES17; do
        tui_start || return
        wait_tree || return
        console_focus || return
        type_line "$st"
        wait_screen "→ message/headline id=tui-raw" || return
        select_row "→ message/headline id=tui-raw" 40 || return
        keys r
        wait_screen '^Console: raw' || return
        expect_screen "^(.*│)?<message .*id=.tui-raw"
        expect_screen "END</body></message>"
        expect_screen "a &amp; b"
        keys r
        wait_screen '^Console: pretty printed' || return
        refute_screen "END</body></message>" "r again did not go back to the pretty view"
        tui_quit
    done
}

# The title counts in Finesse's order of states (READY before HOLD, which
# sorts first by name), and agrees with the rows.
t_agents_title_counts_states_in_finesse_order() {
    for SIZE in $SIZES17; do
        tui_start "$USER1" /finesse/api/User/1001002 || return
        wait_screen "^subscribed to /finesse/api/User/1001002" || return
        [[ $SIZE == 80x24 ]] && keys F2
        publish "$USER1" user_ready_1001001 || return
        publish /finesse/api/User/1001002 user_talking_pending 's/<state>TALKING</<state>HOLD</' || return
        wait_screen "Agents 2 agents — READY 1  HOLD 1 — sort: state" || return
        expect_screen '1001002  Alan Turing +1001002 +HOLD '
        expect_screen '1001001  Ada Lovelace +1001001 +READY '
        tui_quit
    done
}

# At 80 columns the status bar keeps the transport and drops the least
# useful fields; offline it shows no old round trip.
t_status_bar_keeps_the_transport_and_shows_no_old_rtt_offline() {
    for SIZE in $SIZES17; do
        tui_start || return
        wait_tree || return
        wait_screen '^ supervisor@localhost │ TCP, TLS, verified │ RTT [0-9]+ ms' || return
        if [[ $SIZE == 80x24 ]]; then
            refute_screen 'drift' "drift kept at 80 columns while fields were dropped"
        else
            wait_screen '│ RTT [0-9]+ ms drift [-+][0-9.]+ s │ [0-9.]+ ev/s │ 0 subs │ [0-9]{2}:[0-9]{2} *$' || return
        fi
        type_line /disconnect
        wait_screen '^ supervisor@localhost │ offline │ RTT - ' || return
        refute_screen 'RTT [0-9]+ ms' "an old RTT is shown offline"
        tui_quit
    done
}

# A message fades from the message line after 10 s.
t_message_line_fades_after_10_seconds() {
    SIZE=80x24
    tui_start || return
    wait_tree || return
    type_line /theme
    wait_screen '^theme default; themes: default mono' || return
    wait_gone '^theme default; themes:' 13
    tui_quit
}

# Singulars: "1 agent", "1 node".
t_titles_say_one_agent_and_one_node() {
    SIZE=80x24
    tui_start "$USER1" || return
    wait_screen "^subscribed to $USER1" || return
    keys F2
    publish "$USER1" user_ready_1001001 || return
    wait_screen ' Agents 1 agent — READY 1 — ' || return
    keys F1
    type_line "/$USER1/Dialogs"
    wait_screen '^ Nodes [0-9]+ nodes, 1 subscribed' || return
    tui_quit
}

# A server without XEP-0202: one quiet note in Console, no drift, and the
# time is not asked again at the next login (one error row in all).
t_a_server_without_xep0202_costs_one_quiet_note() {
    local dir=$TD/prosody-notime n
    PROSODY_WITHOUT="time" "$ROOT/tests/prosody/start.sh" "$dir" >"$TD/start.log" 2>&1 ||
        { fail "Prosody without mod_time: $(cat "$TD/start.log")"; return 1; }
    (
        # shellcheck source=/dev/null
        source "$dir/env" # this subshell only
        CONN=(-j "$SUPERVISOR_JID" --password-env SUP_PW -s 127.0.0.1 -p "$C2S_PORT" --ca-file "$CA_FILE")
        SIZE=200x50
        tui_start || exit
        console_focus || exit
        wait_screen '! the server does not tell its time \(XEP-0202\): no clock drift' || exit
        expect_screen '← error service-unavailable  iq/error id='
        type_line /disconnect
        wait_screen '│ offline │' || exit
        type_line /connect
        wait_screen '│ TCP, TLS, verified │ RTT [0-9]+ ms │' || exit
        # what went out to the server's clock: both logins' pings, one time
        type_line "/filter out urn:xmpp:(ping|time)"
        wait_screen ' Console 3 of [0-9]+ stanzas — filter: out' || exit
        n=$(grep -c '→ ping  iq/get' <<<"$SCREEN")
        ((n == 2)) || fail "$n pings in two logins, expected 2"
        n=$(grep -c '→ time  iq/get' <<<"$SCREEN")
        ((n == 1)) || fail "the time was asked $n times in two logins, expected once"
        type_line "/filter XEP-0202"
        wait_screen '^Console: 1 stanza matches$' || exit
        refute_screen 'drift [-+][0-9]' 'a drift without XEP-0202'
        tui_quit
    )
    "$ROOT/tests/prosody/stop.sh" "$dir" >/dev/null 2>&1
}
