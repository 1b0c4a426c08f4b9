# Agents: a subscribed user's state, live; sourced by run.sh.
# shellcheck shell=bash
# shellcheck disable=SC2034,SC2153 # SIZE, CONN, SIZES: lib.sh

USER1=/finesse/api/User/1001001

# sub_user1: /sub typed, and the mark and the message it brings.
sub_user1() {
    type_line "/sub $USER1"
    wait_screen "^subscribed to $USER1 \\([0-9]+ ms\\)" &&
        wait_screen '^●      ▸ 1001001'
}

# The issue: "the state changes within a second of a publish". Each wait
# starts when the publishing `perch send` has returned (the service has
# accepted the item) and gives the screen 1000 ms.
t_sub_command_shows_the_agent_and_each_state_change_within_a_second() {
    for SIZE in $SIZES; do
        tui_start || return
        wait_tree || return
        sub_user1 || return
        if [[ $SIZE == 80x24 ]]; then
            keys F2
        else
            expect_screen '│ 1 subs │'
        fi
        wait_screen ' Agents 0 agents — none yet — sort: state' || return
        publish $USER1 user_not_ready_reason || return
        wait_ms '^(.*│)?1001001  Ada Lovelace +1001001 +NOT_READY  [0-9a-z]+ +Lunch( |$)' 1000
        expect_screen ' Agents 1 agent — NOT_READY 1 — sort: state'
        publish $USER1 user_ready_1001001 "s/<stateChangeTime>[^<]*</<stateChangeTime>$(iso_ago 2)</" || return
        wait_ms '^(.*│)?1001001  Ada Lovelace +1001001 +READY      ' 1000
        expect_screen ' Agents 1 agent — READY 1 — sort: state'
        refute_screen 'Lunch' 'the reason stayed after the change to READY'
        publish $USER1 user_not_ready_reason || return
        wait_ms '1001001  Ada Lovelace +1001001 +NOT_READY  [0-9a-z]+ +Lunch' 1000
        tui_quit
        grep -q '^perch: 3 events, ' "$ERRF" ||
            fail "3 events published, perch counted: $(grep '^perch: ' "$ERRF")"
        subscriptions | grep -q "^$USER1 " && fail "q left the subscription to $USER1"
    done
}

# TIME is the time in state, counted from the Update's stateChangeTime
# (on the server's clock).
t_agents_time_in_state_counts_from_the_state_change_time() {
    SIZE=160x48
    tui_start || return
    wait_tree || return
    sub_user1 || return
    # 3m05s ago: with the clock drift measured to about a second, 3m0Ns
    publish $USER1 user_not_ready_reason "s/<stateChangeTime>[^<]*</<stateChangeTime>$(iso_ago 185)</" || return
    wait_screen '1001001  Ada Lovelace +1001001 +NOT_READY  ' || return
    wait_screen '1001001  Ada Lovelace +1001001 +NOT_READY  3m0[0-9]s ' 3
    # and it ticks
    publish $USER1 user_ready_1001001 "s/<stateChangeTime>[^<]*</<stateChangeTime>$(iso_ago 10)</" || return
    wait_screen '1001001  Ada Lovelace +1001001 +READY      (9|1[0-9])s ' 3
    wait_screen '1001001  Ada Lovelace +1001001 +READY      1[2-9]s ' 5
    tui_quit
}

# At 80 columns each agent keeps to its row: nothing of it spills onto the
# line below.
t_agents_rows_fit_80_columns() {
    local n
    SIZE=80x24
    tui_start || return
    wait_tree || return
    sub_user1 || return
    keys F2
    publish $USER1 user_not_ready_reason || return
    wait_screen '^1001001  Ada Lovelace +1001001 +NOT_READY' || return
    settle
    n=$(grep -nE '^1001001  Ada Lovelace' <<<"$SCREEN" | cut -d: -f1)
    [[ -z $(screen_line $((n + 1)) | tr -d ' ') ]] ||
        { fail "the agent's row runs over onto the next line: '$(screen_line $((n + 1)))'"; dump_screen; }
    tui_quit
}

# s cycles the sort (state, time, name, id) and the order follows it;
# /TEXT shows only matching agents, / alone shows them all again.
t_agents_sort_and_filter() {
    SIZE=100x30
    tui_start /finesse/api/Team/5000/Users || return
    wait_screen 'subscribed to /finesse/api/Team/5000/Users' || return
    publish /finesse/api/Team/5000/Users team_snapshot || return
    wait_screen '^ Agents 2 agents — ' || return
    # by state: READY (Ada) before TALKING (Alan)
    wait_screen '^1001001 +Ada Lovelace' || return
    expect_screen '^1001002 +Alan Turing'
    [[ $(grep -n '^100100[12] ' <<<"$SCREEN" | head -1) == *1001001* ]] ||
        fail "by state, READY Ada should come before TALKING Alan"
    keys s
    wait_screen 'Agents sorted by time' || return
    keys s
    wait_screen 'Agents sorted by name' || return
    keys s
    wait_screen 'Agents sorted by id' || return
    type_line '/turing'
    wait_screen '^ Agents 2 agents — .* filter: turing' || return
    wait_gone '^1001001 ' || return
    expect_screen '^1001002 +Alan Turing'
    type_line '/'
    wait_screen '^1001001 +Ada Lovelace' || return
    tui_quit
}

# A user DELETE (empty <data>, the id in <source>) removes the agent; an
# agent absent from a new team snapshot has left the team, and the team
# was all that brought it. The selection was on the deleted agent: the
# pane must neither crash nor show it (ASan watches every perch).
t_a_deleted_user_and_one_absent_from_a_snapshot_leave_agents() {
    SIZE=100x30
    tui_start /finesse/api/Team/5000/Users /finesse/api/User/1001002 || return
    wait_screen '^subscribed to /finesse/api/User/1001002' || return
    publish /finesse/api/Team/5000/Users team_snapshot || return
    wait_screen '^ Agents 2 agents — ' || return
    select_row '1001002 +Alan Turing' || return
    publish /finesse/api/User/1001002 user_delete || return
    wait_screen '^ Agents 1 agent — READY 1 — ' || return
    wait_gone '^1001002 ' || return
    expect_screen '^1001001 +Ada Lovelace'
    keys k
    keys j
    # back through the team, then gone from its snapshot
    publish /finesse/api/Team/5000/Users team_snapshot || return
    wait_screen '^1001002 +Alan Turing' || return
    publish /finesse/api/Team/5000/Users team_snapshot_left || return
    wait_screen '^ Agents 1 agent — READY 1 — ' || return
    wait_gone '^1001002 ' || return
    tui_quit
}

# A chat channel (Finesse's Media per MRD) shows under its agent, with its
# own state and reason; a state without a reason clears the reason.
t_an_agents_media_state_shows_under_it() {
    SIZE=100x30
    tui_start $USER1 $USER1/Media/2 || return
    wait_screen "^subscribed to $USER1/Media/2|^subscribed to $USER1 " || return
    publish $USER1 user_not_ready_reason || return
    wait_screen '^1001001  Ada Lovelace +1001001 +NOT_READY  [0-9a-z-]+ +Lunch' || return
    publish $USER1/Media/2 media_put "s/<stateChangeTime>[^<]*</<stateChangeTime>$(iso_ago 65)</" || return
    wait_screen '^ +→ Chat +NOT_READY  1m0[0-9]s +Training' || return
    expect_screen '^ Agents 1 agent — NOT_READY 1 — '
    publish $USER1/Media/2 media_ready || return
    wait_screen '^ +→ Chat +READY  ' || return
    refute_screen 'Training' 'the medium kept its reason after a state without one'
    expect_screen '^1001001  Ada Lovelace +1001001 +NOT_READY  [0-9a-z-]+ +Lunch'
    tui_quit
}

# A flood: 2,000 team events in one stream to a node that keeps no items
# (Prosody then takes them at thousands a second), the agent's state
# changing with each and TALKING last. The console draws less often
# during a flood (ui/pace.c: 4 frames a second), never less: every
# event is applied, and the last state is on screen once it is over. The
# node goes afterwards, whatever happened (later tests count the tree's
# rows).
FLOOD_NODE=/finesse/api/Team/5009/Users

t_a_flood_of_events_leaves_its_last_state_on_screen() {
    "$PERCH" send "${PUB[@]}" "<iq type='set' to='$PUBSUB'><pubsub $PS><create node='$FLOOD_NODE'/><configure><x xmlns='jabber:x:data' type='submit'><field var='FORM_TYPE' type='hidden'><value>http://jabber.org/protocol/pubsub#node_config</value></field><field var='pubsub#persist_items'><value>0</value></field></x></configure></pubsub></iq>" \
        >"$TD/create.out" 2>"$TD/create.err" || {
        fail "creating $FLOOD_NODE: $(cat "$TD/create.err")"
        return
    }
    flood_on_screen
    "$PERCH" send "${PUB[@]}" "<iq type='set' to='$PUBSUB'><pubsub xmlns='http://jabber.org/protocol/pubsub#owner'><delete node='$FLOOD_NODE'/></pubsub></iq>" \
        >"$TD/delete.out" 2>"$TD/delete.err" ||
        fail "deleting $FLOOD_NODE: $(cat "$TD/delete.err")"
}

flood_on_screen() {
    local stream=$TD/flood.xml update i state
    SIZE=160x48
    update=$(sed -e 's|<state>READY</state>|<state>@STATE@</state>|' \
        -e 's/&/\&amp;/g' -e 's/</\&lt;/g' -e 's/>/\&gt;/g' "$FIX/user_ready_1001001.update.xml")
    for ((i = 1; i <= 2000; i++)); do
        if ((i == 2000)); then state=TALKING; elif ((i % 2)); then state=NOT_READY; else state=READY; fi
        printf "<iq type='set' to='%s'><pubsub %s><publish node='%s'><item><notification xmlns='http://jabber.org/protocol/pubsub'>%s</notification></item></publish></pubsub></iq>\n" \
            "$PUBSUB" "$PS" "$FLOOD_NODE" "${update/@STATE@/$state}"
    done >"$stream"
    tui_start "$FLOOD_NODE" || return
    wait_screen "subscribed to $FLOOD_NODE" || return
    "$PERCH" send "${PUB[@]}" --timeout 120 - <"$stream" >"$TD/flood.out" 2>"$TD/flood.err" || {
        fail "publishing the flood: $(tail -c 300 "$TD/flood.err")"
        return
    }
    wait_screen '^(.*│)?1001001  Ada Lovelace +1001001 +TALKING ' 10 || return
    expect_screen '│ Agents 1 agent — TALKING 1 — '
    tui_quit
    grep -q '^perch: 2000 events, ' "$ERRF" ||
        fail "2000 events published, perch counted: $(grep '^perch: ' "$ERRF")"
}
