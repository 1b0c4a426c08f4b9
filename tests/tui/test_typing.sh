# Typing forgives mistakes (issue 17): a refused stanza stays on the line,
# unknown /words, the search counter, pubsub errors in words, /tpl and
# /theme help, Escape, digits switching panes. Sourced by run.sh.
# shellcheck shell=bash
# shellcheck disable=SC2034,SC2153 # SIZE, CONN, SIZES: lib.sh

# cursor_x: the cursor's column in the pane (0-based).
cursor_x() { tm display-message -p -t "$SESSION" '#{cursor_x}'; }

# The refused stanza stays on the input line, the cursor where the
# checker points (line 1, column C: after the prompt "> ", C - 1 bytes).
t_refused_stanza_stays_on_the_line_with_the_cursor_at_the_error() {
    local st="<iq type='get'><query></iq> trailing" col want
    for SIZE in $SIZES17; do
        tui_start || return
        wait_tree || return
        type_line "$st"
        wait_screen '^not sent: line 1, column [0-9]+: ' || return
        col=$(sed -nE 's/^not sent: line 1, column ([0-9]+): .*/\1/p' <<<"$SCREEN" | head -1)
        expect_screen "^> <iq type='get'><query></iq> trailing *$"
        want=$((2 + col - 1))
        [[ $(cursor_x) == "$want" ]] ||
            fail "cursor at column $(cursor_x), the error at $want (column $col)"
        ((col < ${#st})) || fail "the error's column $col is not inside the line"
        keys C-e C-u
        tui_quit
    done
}

# /word that is no command: Queues has no find, so it says so; Agents
# filters and says it did.
t_unknown_command_says_so_or_what_the_pane_did() {
    for SIZE in $SIZES17; do
        tui_start || return
        wait_tree || return
        keys F6
        wait_active '	 6 Queues ' || return
        type_line /frobnicate
        wait_screen '^unknown command /frobnicate \(Tab lists them\)' || return
        keys F2
        wait_active '	 2 Agents ' || return
        type_line /turing
        wait_screen "^Agents: showing agents matching 'turing' \\(/ alone clears\\)" || return
        tui_quit
    done
}

# /search selects the match, says which of how many, and says when n went
# round the end.
t_search_says_match_n_of_m_and_when_it_wrapped() {
    local i
    for SIZE in $SIZES17; do
        tui_start || return
        wait_tree || return
        for i in 1 2 3; do
            type_line "$(ping "tui-s17-$i")"
            wait_reply_row "tui-s17-$i" || return
        done
        type_line '/search tui-s17-'
        wait_screen '^Console: match 6 of 6 — n next, N previous' || return
        wait_selected '← iq/result id=tui-s17-3 ' || return
        keys n
        wait_screen '^Console: match 1 of 6 \(wrapped\)' || return
        wait_selected '→ ping  iq/get id=tui-s17-1 ' || return
        keys n
        wait_screen '^Console: match 2 of 6 — ' || return
        keys N N
        wait_screen '^Console: match 6 of 6 \(wrapped\)' || return
        tui_quit
    done
}

# An unsubscribe the service refuses is said in words.
t_pubsub_errors_are_said_in_plain_words() {
    for SIZE in $SIZES17; do
        tui_start || return
        wait_tree || return
        type_line '/unsub /finesse/api/Queue/2'
        # at 80 columns the message line ends in "…" where it is cut
        wait_screen '^unsubscribe /finesse/api/Queue/2: unexpected-request: not subscribed to that no(de|…)$' || return
        [[ $SIZE == 80x24 ]] ||
            expect_screen '^unsubscribe /finesse/api/Queue/2: unexpected-request: not subscribed to that node$'
        tui_quit
    done
}

# /tpl NAME without its argument shows its usage; /theme with an unknown
# name lists the themes.
t_tpl_usage_and_theme_list() {
    for SIZE in $SIZES17; do
        tui_start || return
        wait_tree || return
        type_line '/tpl subscribe'
        wait_screen '^usage: /tpl subscribe NODE \[JID\] — ' || return
        type_line '/theme nosuch'
        wait_screen "^/theme: no theme 'nosuch' — themes: default mono solarized-dark high-contrast" || return
        tui_quit
    done
}

# Escape alone closes the help overlay, the Dialogs detail and Console's
# whole-pane view; arrows (which start with Escape) still move.
t_escape_closes_the_help_the_dialogs_detail_and_the_whole_pane() {
    # a Dialogs node no other test publishes to: the resync shows no call
    # an earlier test left, so Enter opens this test's call
    local dialogs=/finesse/api/User/1001006/Dialogs
    for SIZE in $SIZES17; do
        tui_start "$dialogs" || return
        wait_screen "^subscribed to $dialogs" || return
        keys '?'
        wait_screen '│ Keys' || return
        keys Escape
        wait_gone '│ Keys' || return
        keys F3
        wait_active '	 3 Dialogs ' || return
        publish "$dialogs" dialogs_post_alerting || return
        wait_screen '16817512' || return
        keys Enter
        wait_screen 'dialog 16817512.* — Enter or Esc back' || return
        keys Escape
        wait_gone 'Enter or Esc back' || return
        keys F4
        wait_active '	 4 Console ' || return
        wait_screen '^(.*│)?─{20}' || return
        keys Up Enter
        wait_gone '^(.*│)?─{20}' || return
        keys Escape
        wait_screen '^(.*│)?─{20}' || return
        keys Down # an arrow, Escape first, still moves
        tui_quit
    done
}

# The tab bar's numbers switch panes while the input line is empty.
t_digits_switch_panes_on_an_empty_line() {
    for SIZE in $SIZES17; do
        tui_start || return
        wait_tree || return
        keys 4
        wait_active '	 4 Console ' || return
        keys 6
        wait_active '	 6 Queues ' || return
        keys 1
        wait_active '	 1 Nodes ' || return
        # on a line with text, a digit is text
        keys / 4
        wait_screen '^> /4$' || return
        wait_active '	 1 Nodes ' || return
        keys C-u
        tui_quit
    done
}
