# The node tree, panes, layouts and resize; sourced by run.sh.
# shellcheck shell=bash
# shellcheck disable=SC2034,SC2153 # SIZE, CONN, SIZES: lib.sh

# wait_tree [SYMBOL]: the tree the login's disco#items brought.
# shellcheck disable=SC2119,SC2120
wait_tree() {
    wait_screen "^ *${1:-▸} 1001009"
}

t_node_tree_lists_the_finesse_nodes() {
    local n count
    # as many as the server lists (other tests' simulators add some to the
    # ones run.sh created)
    count=$("$PERCH" nodes "${SUPCLI[@]}" --json | grep -c '"node"') ||
        { fail "perch nodes listed nothing"; return; }
    ((count >= ${#NODES[@]})) || fail "the server lists $count nodes, fewer than the ${#NODES[@]} created"
    for SIZE in $SIZES; do
        tui_start || return
        wait_tree || return
        expect_screen "^ 1 Nodes   2 Agents   3 Dialogs   4 Console   5 Network   6 Queues  $([[ $SIZE == 80x24 ]] && echo tabs || echo wide)  \\? help$"
        expect_screen "^ Nodes $count nodes, 0 subscribed"
        expect_screen '^ ▾ finesse'
        expect_screen '^   ▾ api'
        expect_screen '^     ▾ Queue'
        expect_screen '^         1( |│|$)' 'Queue/1 is not a leaf row under Queue'
        expect_screen '^       SystemInfo'
        expect_screen '^     ▾ Team'
        expect_screen '^       ▸ 5000'
        expect_screen '^     ▾ User'
        for n in 1 2 3 9; do
            expect_screen "^       ▸ 100100$n( |│|$)"
        done
        if [[ $SIZE == 160x48 ]]; then
            expect_screen '^       ▸ 1001024' 'the wide layout shows all 24 users'
            expect_screen '│ Agents 0 agents — none yet — sort: state'
            expect_screen '│ Dialogs 0 active'
            expect_screen '│ Console [0-9]+ of [0-9]+ stanzas'
            expect_screen "^ supervisor@localhost │ (TCP, TLS, verified|TLS) │ RTT [0-9]+ ms( drift [-+][0-9.]+ s)? │ [0-9.]+ ev/s │ 0 subs │ [0-9]{2}:[0-9]{2} *$"
        else
            refute_screen 'Agents [0-9]+ agents|Dialogs [0-9]+ active|Console [0-9]+ of' 'tabs show one pane'
            expect_screen '^ supervisor@localhost │ (TCP, TLS, verified|TLS) │'
        fi
        expect_screen '^> ?$' 'an empty input line'
        wait_active '^[0-9]+	 1 Nodes ' || return
        # the first row is selected; l unfolds a user to its Dialogs node
        wait_selected '^[0-9]+	 ▾ finesse' || return
        select_row ' 1001002( |$)' || return
        keys l
        wait_screen '^       ▾ 1001002' || return
        wait_screen '^           Dialogs' || return
        keys h
        wait_gone '^           Dialogs' || return
        tui_quit
    done
}

t_tab_alt_and_f_keys_switch_panes_and_layout_switches() {
    SIZE=80x24
    tui_start || return
    wait_tree || return
    keys Tab
    wait_active ' 2 Agents ' && wait_screen '^ Agents 0 agents — none yet'
    keys BTab
    wait_active ' 1 Nodes ' && wait_screen '^ Nodes [0-9]+ nodes'
    keys F3
    wait_active ' 3 Dialogs ' && wait_screen '^ Dialogs 0 active'
    keys Escape 4
    wait_active ' 4 Console ' && wait_screen '^ Console [0-9]+ of [0-9]+ stanzas'
    keys Escape 5
    wait_active ' 5 Network ' &&
        wait_screen 'one TCP stream: no HTTP requests to show \(see Console\)'
    keys Tab
    wait_active ' 6 Queues ' && wait_screen '^ Queues 0 queues — 0 teams seen — system unknown \(/sub /finesse/api/SystemInfo\)'
    keys Tab
    wait_active ' 1 Nodes ' || return
    keys F6
    wait_active ' 6 Queues '
    keys F2
    wait_active ' 2 Agents '
    keys F1
    wait_active ' 1 Nodes '
    type_line '/layout wide'
    wait_screen '  wide  \? help' && wait_screen '│ Agents 0 agents'
    type_line '/layout tabs'
    wait_screen '  tabs  \? help' && wait_gone '│ Agents'
    type_line '/layout sideways'
    wait_screen '^/layout tabs\|wide\|auto$'
    type_line '/layout auto'
    wait_screen '  tabs  \? help'
    tm resize-window -t "$SESSION" -x 160 -y 48
    wait_screen '  wide  \? help' && wait_screen '│ Agents 0 agents'
    # wide: Queues takes the Dialogs slot, Network the Console one
    keys Escape 6
    wait_screen '│ Queues 0 queues' && wait_gone '│ Dialogs'
    keys Escape 5
    wait_screen '│ Network ' && wait_gone '│ Console'
    keys Escape 3
    wait_screen '│ Dialogs 0 active' && wait_gone '│ Queues'
    tui_quit
}

# The selection is kept by identity (agent id, node path) through
# resizes that change the layout and the rows shown.
t_resize_keeps_the_selected_agent_and_node() {
    local s
    SIZE=160x48
    tui_start /finesse/api/Team/5000/Users || return
    wait_screen 'subscribed to /finesse/api/Team/5000/Users' || return
    publish /finesse/api/Team/5000/Users team_snapshot || return
    # (the extension: an earlier test's latest item on the node may give it)
    wait_screen '1001002 +Alan Turing +(1001002 +)?TALKING' || return
    wait_active '	 Agents ' || return
    wait_selected 'Ada Lovelace' || return
    keys j
    wait_selected 'Alan Turing' || return
    for s in 80x24 120x40 160x48 80x24; do
        tm resize-window -t "$SESSION" -x "${s%x*}" -y "${s#*x}"
        SIZE=$s
        wait_screen "  $([[ $s == 160x48 ]] && echo wide || echo tabs)  \\? help" || return
        wait_selected 'Alan Turing' || return
        ! selected | grep -q 'Ada Lovelace' || fail "Ada is selected too after the resize to $s"
    done
    # a node far down the tree: off screen at 80x24 unless it scrolls
    keys F1
    tm resize-window -t "$SESSION" -x 160 -y 48
    SIZE=160x48
    wait_screen '  wide  \? help' || return
    select_row ' 1001020( |$)' || return
    for s in 80x24 120x40 160x48 80x24 120x40; do
        tm resize-window -t "$SESSION" -x "${s%x*}" -y "${s#*x}"
        SIZE=$s
        wait_screen "  $([[ $s == 160x48 ]] && echo wide || echo tabs)  \\? help" || return
        wait_selected ' 1001020( |$)' || return
    done
    # and it is the one an action takes
    keys i
    wait_screen '^info /finesse/api/User/1001020: pubsub/leaf'
    keys F2
    wait_selected 'Alan Turing'
    tui_quit
}

t_enter_on_a_node_row_subscribes_and_unsubscribes() {
    for SIZE in $SIZES; do
        tui_start || return
        wait_tree || return
        select_row ' 1001001( |$)' || return
        keys Enter
        wait_screen '^subscribed to /finesse/api/User/1001001 \([0-9]+ ms\)' || return
        wait_screen '^●      ▸ 1001001' || return
        wait_screen '^ Nodes [0-9]+ nodes, 1 subscribed' || return
        subscriptions | grep -q '^/finesse/api/User/1001001 ' ||
            fail "the service has no subscription to /finesse/api/User/1001001"
        if [[ $SIZE == 80x24 ]]; then
            keys F2
            wait_screen '^ Agents 0 agents' || return
        fi
        publish /finesse/api/User/1001001 user_not_ready_reason
        wait_ms '1001001 +Ada Lovelace +1001001 +NOT_READY +[^ ]+ +Lunch' 1000
        [[ $SIZE == 80x24 ]] && keys F1
        wait_selected ' 1001001( |$)' || return
        keys Enter
        wait_screen '^unsubscribed from /finesse/api/User/1001001' || return
        wait_gone '^●' || return
        subscriptions | grep -q '^/finesse/api/User/1001001 ' &&
            fail "still subscribed to /finesse/api/User/1001001 after Enter again"
        # a folded folder says it holds a subscribed node
        type_line '/sub /finesse/api/User/1001002/Dialogs'
        wait_screen '^○      ▸ 1001002' || return
        type_line '/unsub /finesse/api/User/1001002/Dialogs'
        wait_gone '^○' || return
        tui_quit
    done
}

# /TEXT in Nodes lists the full paths containing TEXT; r fetches the
# selected node's items into the panes; / alone brings the tree back.
t_nodes_filter_and_items() {
    SIZE=100x30
    tui_start || return
    wait_tree || return
    publish /finesse/api/User/1001001 user_not_ready_reason || return
    type_line '/1001001'
    wait_screen "^ Nodes [0-9]+ nodes, 0 subscribed — filter: 1001001" || return
    expect_screen '^ /finesse/api/User/1001001 *$'
    expect_screen '^ /finesse/api/User/1001001/Dialogs'
    refute_screen '1001002' 'the filter shows a path without 1001001'
    select_row ' /finesse/api/User/1001001 *$' || return
    keys r
    wait_screen '^/finesse/api/User/1001001: [1-9][0-9]* items? \([0-9]+ ms\)' || return
    keys F2
    wait_screen '^1001001 +Ada Lovelace +1001001 +NOT_READY' || return
    keys F1
    type_line '/'
    wait_screen '^ *▾ finesse' || return
    tui_quit
}
