# Dialogs: a call comes, ends DROPPED, stays dim and leaves; the detail
# stays on its call; queues. Sourced by run.sh.
# shellcheck shell=bash
# shellcheck disable=SC2034,SC2153 # SIZE, CONN, SIZES: lib.sh

DIALOGS2=/finesse/api/User/1001002/Dialogs
# call_row STATE: the call's row up to its duration (columns 12, 11, 27, 11).
call_row() {
    printf '16817512    %-11s6125551234 → 1001002       ACD_IN     ' "$1"
}

# other_call ID FROM: a sed script making the fixture's call another one.
other_call() {
    printf 's/16817512/%s/g; s/6125551234/%s/g' "$1" "$2"
}

# The node on the command line: subscribed at login, focus on Agents. The
# DELETE carries the final state: the row shows DROPPED (dim), the title
# counts no active call, and the row leaves after --keep-ended seconds.
t_call_appears_in_dialogs_then_shows_dropped_dim_and_leaves() {
    local ended_at left_at ms row
    for SIZE in $SIZES; do
        tui_start --keep-ended 3 "$DIALOGS2" || return
        wait_screen "^subscribed to $DIALOGS2 \\([0-9]+ ms\\)" || return
        wait_active '	 2 Agents ' || return
        if [[ $SIZE == 80x24 ]]; then
            keys F3
            wait_active '	 3 Dialogs ' || return
        fi
        wait_screen ' Dialogs 0 active' || return
        publish "$DIALOGS2" dialogs_post_alerting || return
        wait_ms "$(call_row ALERTING)[0-9hmsd]+ +1001002 A(L|…)" 1000
        [[ $SIZE == 80x24 ]] || expect_screen "$(call_row ALERTING)[0-9hmsd]+ +1001002 ALERTING, 6125551234 INITIATED"
        expect_screen ' Dialogs 1 active — Enter shows one'
        publish "$DIALOGS2" dialogs_delete || return
        wait_ms "$(call_row DROPPED)" 1000 || return
        ended_at=$(now_us)
        [[ $SIZE == 80x24 ]] || expect_screen "$(call_row DROPPED)[0-9hmsd]+ +1001002 DROPPED, 6125551234 DROPPED"
        expect_screen ' Dialogs 0 active — Enter shows one'
        refute_screen 'GONE' 'a made-up state instead of the one the DELETE carries'
        if [[ $SIZE == 160x48 ]]; then
            # not selected (Agents has the focus): drawn dim
            row=$(screen_e | grep -F '16817512    ') # the row, not Console's
            [[ $row == *$'\e[2m'* ]] || fail "the ended row is not dim: $(cat -v <<<"$row")"
        fi
        wait_gone '16817512    ' 8 || return
        left_at=$(now_us)
        ms=$(((left_at - ended_at) / 1000))
        ((ms >= 2000 && ms <= 5000)) || fail "listed $ms ms after it ended, expected about 3 s (--keep-ended 3)"
        wait_screen ' Dialogs 0 active'
        tui_quit
        subscriptions | grep -q "^$DIALOGS2 " && fail "q left the subscription to $DIALOGS2"
    done
}

# Reading one call while others come and go: the detail stays on it (the
# issue: it switched to two other calls). When it ends the detail says so
# and keeps its last state, also once it has left the list. Wide, so that
# Agents shows when the events before a user update have been applied.
t_dialog_detail_stays_on_its_call_while_others_come_and_go() {
    SIZE=160x48
    tui_start --keep-ended 2 "$DIALOGS2" /finesse/api/User/1001002 || return
    wait_screen ' Nodes [0-9]+ nodes, 2 subscribed' || return
    keys F3
    wait_active ' Dialogs ' || return
    publish "$DIALOGS2" dialogs_post_alerting || return
    wait_screen "$(call_row ALERTING)" || return
    keys Enter
    wait_screen ' Dialogs +dialog 16817512 — Enter or Esc back' || return
    expect_screen '│ fromAddress +6125551234'
    # one call sorted before it, one after; the first one ends and leaves
    publish "$DIALOGS2" dialogs_post_alerting "$(other_call 16817500 6125550000)" || return
    publish "$DIALOGS2" dialogs_post_alerting "$(other_call 16817600 6125556000)" || return
    publish "$DIALOGS2" dialogs_delete "$(other_call 16817500 6125550000)" || return
    publish /finesse/api/User/1001002 user_talking_pending || return
    wait_screen '1001002 +Alan Turing +1001002 +TALKING' || return
    expect_screen ' Dialogs +dialog 16817512 — Enter or Esc back'
    expect_screen '│ state +ALERTING'
    expect_screen '│ fromAddress +6125551234'
    refute_screen 'fromAddress +612555[06]000' 'the detail switched to another call'
    # its own end: said, and the final state shown
    publish "$DIALOGS2" dialogs_delete || return
    wait_screen ' Dialogs +dialog 16817512 — ended [0-9]+s ago — Enter or Esc back' || return
    expect_screen '│ This call ended [0-9]+s ago: its last state\.'
    expect_screen '│ state +DROPPED'
    # a page down: the participants and the call variables
    keys NPage
    wait_screen '│ participant 1: 1001002 \(AGENT_DEVICE\) DROPPED' || return
    expect_screen '│   callVariable1( |$)'
    # past --keep-ended it leaves the list; the detail keeps it
    wait_screen '│ This call ended [0-9]+s ago and has left the list: its last state\.' 5 || return
    expect_screen '│ participant 1: 1001002 \(AGENT_DEVICE\) DROPPED'
    keys Enter
    wait_screen ' Dialogs 1 active — Enter shows one' || return
    expect_screen "$(call_row ALERTING | sed 's/16817512/16817600/; s/6125551234/6125556000/')"
    refute_screen '(^|│)16817512 ' 'the ended call is still listed after --keep-ended'
    tui_quit
}

# Queues: a queue's statistics, the longest wait ticking from its start.
t_queues_show_statistics_and_the_longest_wait() {
    local since
    SIZE=100x30
    tui_start /finesse/api/Queue/1 || return
    wait_screen 'subscribed to /finesse/api/Queue/1' || return
    since=$(iso_ago 65)
    publish /finesse/api/Queue/1 queue_stats \
        "s|<startTimeOfLongestCallInQueue>[^<]*<|<startTimeOfLongestCallInQueue>$since<|" || return
    keys F6
    wait_screen '^ Queues 1 queue — ' || return
    # waiting 3, longest 1m05s.., ready 2, not ready 4, talking 5+0+1, wrap-up 1+0
    wait_screen '^Sales +3 +1m0[5-9]s +2 +4 +6 +1 +[0-9]+s ago' || return
    wait_screen '^Sales +3 +1m(0[7-9]|1[0-9])s ' || return
    tui_quit
}

# Enter on a call: its fields, participants with their actions and every
# call variable; Enter again goes back to the list.
t_dialog_detail_shows_fields_actions_and_call_variables() {
    SIZE=100x30
    tui_start "$DIALOGS2" || return
    wait_screen "^subscribed to $DIALOGS2" || return
    keys F3
    wait_active '	 3 Dialogs ' || return
    publish "$DIALOGS2" dialogs_post_alerting || return
    wait_screen "$(call_row ALERTING)" || return
    keys Enter
    wait_screen '^ Dialogs +dialog 16817512 — Enter or Esc back' || return
    expect_screen '^ dialedNumber +1001002'
    expect_screen '^ participant 1: 1001002 \(AGENT_DEVICE\) ALERTING'
    expect_screen '^   actions: ANSWER'
    expect_screen '^   callVariable1 +acct-778812'
    expect_screen '^   callVariable10'
    keys Enter
    wait_screen "$(call_row ALERTING)" || return
    tui_quit
}
