# Dialogs: a call comes, is deleted, fades and leaves; sourced by run.sh.
# shellcheck shell=bash
# shellcheck disable=SC2034,SC2153 # SIZE, CONN, SIZES: lib.sh

DIALOGS2=/finesse/api/User/1001002/Dialogs
# call_row STATE: the call's row up to its duration (columns 12, 11, 27, 11).
call_row() {
    printf '16817512    %-11s6125551234 → 1001002       ACD_IN     ' "$1"
}

# The node on the command line: subscribed at login, focus on Agents.
t_call_appears_in_dialogs_then_shows_gone_and_leaves() {
    local gone_at left_at ms row
    for SIZE in $SIZES; do
        tui_start "$DIALOGS2" || return
        wait_screen "^subscribed to $DIALOGS2 \\([0-9]+ ms\\)" || return
        wait_active '	 2 Agents ' || return
        if [[ $SIZE == 80x24 ]]; then
            keys F3
            wait_active '	 3 Dialogs ' || return
        fi
        wait_screen ' Dialogs 0 active' || return
        publish "$DIALOGS2" dialogs_post_alerting || return
        wait_ms "$(call_row ALERTING)[0-9hmsd]+ +1001002 AL" 1000
        [[ $SIZE == 80x24 ]] || expect_screen "$(call_row ALERTING)[0-9hmsd]+ +1001002 ALERTING, 6125551234 INITIATED"
        expect_screen ' Dialogs 1 active — Enter shows one'
        publish "$DIALOGS2" dialogs_delete || return
        wait_ms "$(call_row GONE)" 1000 || return
        gone_at=$(now_us)
        if [[ $SIZE == 160x48 ]]; then
            # not selected (Agents has the focus): drawn dim
            row=$(screen_e | grep -F '16817512')
            [[ $row == *$'\e[2m'* ]] || fail "the GONE row is not faded: $(cat -v <<<"$row")"
        fi
        wait_gone '16817512' 8 || return
        left_at=$(now_us)
        ms=$(((left_at - gone_at) / 1000))
        ((ms >= 4000 && ms <= 6500)) || fail "GONE for $ms ms, expected about 5 s"
        wait_screen ' Dialogs 0 active'
        tui_quit
        subscriptions | grep -q "^$DIALOGS2 " && fail "q left the subscription to $DIALOGS2"
    done
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
    wait_screen '^ Queues 1 queues — ' || return
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
    wait_screen '^ Dialogs +dialog 16817512 — Enter or Esc-Left back' || return
    expect_screen '^ dialedNumber +1001002'
    expect_screen '^ participant 1: 1001002 \(AGENT_DEVICE\) ALERTING'
    expect_screen '^   actions: ANSWER'
    expect_screen '^   callVariable1 +acct-778812'
    expect_screen '^   callVariable10'
    keys Enter
    wait_screen "$(call_row ALERTING)" || return
    tui_quit
}
