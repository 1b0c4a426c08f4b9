# Keys, help, history, the shell around perch (Ctrl-Z), the C locale and
# the demo; sourced by run.sh.
# shellcheck shell=bash
# shellcheck disable=SC2034,SC2153 # SIZE, CONN, SIZES: lib.sh

HELP_FOOT='any (other )?key closes'

t_help_overlay_opens_and_any_other_key_closes_it_doing_nothing_else() {
    SIZE=80x24
    tui_start || return
    wait_tree || return
    keys '?'
    wait_screen "$HELP_FOOT" || return
    expect_screen '│ Keys +│'
    expect_screen '│ Tab/S-Tab  next/previous pane'
    expect_screen '│ Nodes +│' "the focused pane's keys are not in the help"
    expect_screen '│ Enter  subscribe / unsubscribe'
    # longer than 24 lines: it scrolls to the commands' end
    keys NPage NPage NPage NPage NPage
    wait_screen '│ /quit +\[keep\] +quit' || return
    # a long description wraps, indented, instead of being cut
    expect_screen '│     (unless )?keep +│' "the end of /quit's description is not on its next line"
    # q closes it and does not quit
    keys q
    wait_gone "$HELP_FOOT" || return
    perch_exited && { fail "q with the help open quit perch"; return 1; }
    wait_screen '^ ▾ finesse' || return
    # Enter closes it and does not fold the selected folder
    keys '?'
    wait_screen "$HELP_FOOT" || return
    keys Enter
    wait_gone "$HELP_FOOT" || return
    wait_screen '^   ▾ api' || return
    wait_selected '▾ finesse' || return
    # / closes it too, and is not typed
    keys '?'
    wait_screen "$HELP_FOOT" || return
    keys /
    wait_gone "$HELP_FOOT" 2
    expect_screen '^> ?$' "the key that closed the help went to the input line"
    keys C-u x
    wait_gone "$HELP_FOOT" 2 || return
    # /help opens it as well
    keys C-u
    type_line /help
    wait_screen "$HELP_FOOT" || return
    keys x
    wait_gone "$HELP_FOOT" || return
    tui_quit
}

t_q_quits_only_on_an_empty_line() {
    SIZE=80x24
    tui_start || return
    wait_tree || return
    tm send-keys -t "$SESSION" -l '/sq'
    wait_screen '^> /sq$' || return
    perch_exited && fail "q typed on a line quit perch"
    keys BSpace BSpace BSpace
    wait_screen '^> ?$' || return
    keys q
    wait_exit
}

t_history_keeps_typed_lines_across_sessions() {
    local node=/finesse/api/User/1001004 mode
    SIZE=80x24
    tui_start || return
    wait_tree || return
    type_line /info
    wait_screen '^info pubsub\.localhost: ' || return
    type_line "/sub $node"
    wait_screen "^subscribed to $node" || return
    type_line "/unsub $node"
    wait_screen "^unsubscribed from $node" || return
    # recalled in the session, edited, dropped: nothing of it may leak
    keys C-p
    wait_screen "^> /unsub $node\$" || return
    tm send-keys -t "$SESSION" -l 'x'
    wait_screen "^> /unsub ${node}x\$" || return
    keys C-p
    wait_screen "^> /sub $node\$" || return
    keys C-u
    wait_screen '^> ?$' || return
    tui_quit || return
    [[ -f $HISTORY_FILE ]] || { fail "no history file at $HISTORY_FILE"; return 1; }
    [[ $(tail -n 3 "$HISTORY_FILE") == "/info"$'\n'"/sub $node"$'\n'"/unsub $node" ]] ||
        fail "the history ends with: $(tail -n 3 "$HISTORY_FILE" | tr '\n' '|')"
    mode=$(stat -c %a "$HISTORY_FILE")
    [[ $mode == 600 ]] || fail "history file mode $mode, expected 600"
    # a new session recalls them
    tui_start || return
    wait_tree || return
    keys C-p
    wait_screen "^> /unsub $node\$" || return
    keys C-p
    wait_screen "^> /sub $node\$" || return
    keys Up
    wait_screen '^> /info$' || return
    keys C-u
    tui_quit
}

# shell_session: an interactive bash in the session, for job control.
shell_session() {
    new_session "env PS1='tui\$ ' bash --norc --noprofile -i" || return
    wait_screen '^tui\$' || return
    write_env "$TD/shell.env"
    type_line "source $(printf %q "$TD/shell.env"); cd $(printf %q "$TD"); clear"
    wait_screen '^tui\$ ?$'
}

# pane_perch: the pid of perch, child of the session's shell.
pane_perch() {
    local shell deadline pid
    shell=$(tm display -p -t "$SESSION" '#{pane_pid}')
    deadline=$(($(now_us) + 5000000))
    until pid=$(perch_pid "$shell"); do
        (($(now_us) < deadline)) || { fail "no perch under the shell $shell"; return 1; }
        sleep 0.05
    done
    echo "$pid"
}

# wait_state PID STATE [SECONDS]: until the process is in STATE (T, ...).
wait_state() {
    local deadline st
    deadline=$(($(now_us) + ${3:-5} * 1000000))
    while st=$(proc_state "$1"); [[ $st != "$2" ]]; do
        if (($(now_us) > deadline)); then
            fail "perch $1 is in state '$st', not $2, after ${3:-5}s"
            return 1
        fi
        sleep 0.05
    done
}

# wait_dead PID [SECONDS]
wait_dead() {
    local deadline
    deadline=$(($(now_us) + ${2:-10} * 1000000))
    while alive "$1"; do
        (($(now_us) < deadline)) || { fail "perch $1 still runs"; return 1; }
        sleep 0.05
    done
}

# Run from an interactive shell, perch is the job: Ctrl-Z stops it and
# gives the terminal back, fg brings the screen back as it was.
t_ctrl_z_suspends_and_fg_restores() {
    local pid
    SIZE=80x24
    shell_session || return
    ERRF=$TD/perch.direct.err RCF=$TD/perch.direct.rc
    type_line "$(printf '%q ' "$PERCH" "${CONN[@]}")2>$(printf %q "$ERRF")"
    wait_tree || return
    pid=$(pane_perch) || return
    keys F2
    wait_active ' 2 Agents ' || return
    keys C-z
    wait_screen '^\[1\]\+ +Stopped ' || return
    wait_state "$pid" T || return
    wait_screen '^tui\$ ?$' || return
    refute_screen '^ 1 Nodes   2 Agents' 'the console stayed on the screen after Ctrl-Z'
    type_line fg
    wait_screen '^ Agents 0 agents' || return
    wait_active ' 2 Agents ' || return
    [[ $(proc_state "$pid") != T ]] || fail "perch is still stopped after fg"
    # and it takes keys again
    keys F1
    wait_screen '^       ▸ 1001009' || return
    keys q
    wait_dead "$pid" || return
    type_line "echo \$? >$(printf %q "$RCF.tmp"); mv $(printf %q "$RCF.tmp") $(printf %q "$RCF")"
    wait_exit
}

# The same when perch runs in a script (a wrapper that sets the password,
# say). Ctrl-Z stops the whole job: the script at once, perch only once it
# has handled SIGTSTP, and by then the shell has usually taken the
# terminal back. That order is made certain here: the script gets SIGTSTP,
# the shell reports the job stopped, then perch gets its SIGTSTP.
t_ctrl_z_suspends_and_fg_restores_when_run_from_a_script() {
    local script pid
    SIZE=80x24
    shell_session || return
    write_launch
    type_line "bash $(printf %q "$LAUNCH")"
    wait_tree || return
    script=$(pane_perch) || return # the launcher's bash
    pid=$(perch_pid "$script") || { fail "no perch under the launcher"; return 1; }
    kill -TSTP "$script"
    wait_screen '^\[1\]\+ +Stopped ' || return
    wait_screen '^tui\$ ?$' || return
    kill -TSTP "$pid"
    wait_state "$pid" T || return
    type_line fg
    if ! wait_screen '^       ▸ 1001009' 3; then
        fail "after fg perch is in state $(proc_state "$pid") and the screen was not restored"
        kill -CONT "$pid" 2>/dev/null
        wait_screen '^       ▸ 1001009' || return
    fi
    keys q
    wait_exit
}

# A frame reaches the terminal in one write(2): ncurses 6.4 flushed its
# buffer after every cursor motion (about 20 writes a frame) until the
# screen had once been suspended and resumed, which screen_start does.
# perch runs under strace (LeakSanitizer cannot run under ptrace: this
# run alone goes without it); every frame it says it drew may add one
# write, beside the few of starting and ending.
t_a_frame_is_one_write_to_the_terminal() {
    local i frames writes
    SIZE=160x48
    # shellcheck disable=SC2054 # the commas are strace's
    TUI_WRAP=(env "ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
        strace -f -qq -e trace=write,writev -o "$TD/writes.st")
    tui_start || return
    wait_tree || return
    for i in 1 2 3; do
        type_line "$(ping "tui-w-$i")"
        wait_selected "id=tui-w-$i +<-> reply" || return
    done
    for i in 1 2 3 4 5 6; do
        keys k
        sleep 0.1
    done
    tui_quit || return
    frames=$(sed -nE 's/^perch: [0-9]+ events, ([0-9]+) frames drawn.*/\1/p' "$ERRF")
    writes=$(grep -cE '^([0-9]+ +)?writev?\(1,' "$TD/writes.st")
    [[ -n $frames ]] || fail "no frame count in $ERRF: $(cat "$ERRF")" || return
    ((frames >= 10)) || fail "only $frames frames drawn: the test drew too few to tell" || return
    ((writes <= frames + 6)) ||
        fail "$writes writes to the terminal for $frames frames"
}

# LANG=C: the ASCII fallbacks, and nothing drawn as '?'.
t_lang_c_shows_ascii_fallbacks() {
    SIZE=80x24
    TUI_LANG=C tui_start || return
    wait_tree '\+' || return
    expect_screen '^ - finesse'
    expect_screen '^   - api'
    expect_screen '^       \+ 1001001'
    expect_screen '^ supervisor@localhost \| (TCP, TLS, verified|TLS) \| RTT'
    refute_screen '[▸▾│●→←…—]' 'UTF-8 symbols in the C locale'
    refute_screen '\?\?' "characters drawn as '?' in the C locale (Nodes)"
    type_line "/sub $USER1"
    wait_screen '^\*      \+ 1001001' || return
    keys F2
    wait_screen ' Agents 0 agents' || return
    refute_screen '\?\?' "characters drawn as '?' in the C locale (Agents)"
    keys F3
    wait_screen ' Dialogs 0 active' || return
    refute_screen '\?\?' "characters drawn as '?' in the C locale (Dialogs)"
    expect_screen 'FROM -> TO' "Dialogs' header has no ASCII arrow"
    tui_quit
}

# make demo: its Prosody, perch simulate, and the console on the live feed
# over BOSH; q ends it all.
t_demo_runs_the_console_on_a_live_feed_and_cleans_up() {
    local pids=$TD/demo.pids pid dir
    SIZE=160x48
    RUN=$((RUN + 1))
    ERRF=$TD/demo.err RCF=$TD/demo.rc
    write_env "$TD/demo.env"
    {
        printf 'source %q\n' "$TD/demo.env"
        printf 'echo $$ >%q\n' "$TD/launch.$RUN.pid"
        printf 'DEMO_PERCH=%q DEMO_RATE=50 DEMO_AGENTS=6 DEMO_PIDFILE=%q bash %q 2>%q\n' \
            "$PERCH" "$pids" "$ROOT/scripts/demo.sh" "$ERRF"
        printf 'echo $? >%q.tmp && mv %q.tmp %q\n' "$RCF" "$RCF" "$RCF"
        echo 'read -r _ # the pane stays for capture-pane'
    } >"$TD/demo.sh"
    new_session "bash $TD/demo.sh" || return
    wait_screen ' Agents [1-9][0-9]* agents — ' 30 || return
    wait_screen '│ ([1-9][0-9]*\.[0-9]|0\.[1-9]) ev/s │' 15 || return
    expect_screen '^ supervisor@localhost │ (BOSH, TLS, verified|TLS) │'
    expect_screen '│ 7 subs │'
    keys q
    wait_exit 20 || return
    while read -r pid; do
        ! alive "$pid" || fail "the demo left process $pid running"
    done <"$pids"
    [[ $(wc -l <"$pids") == 3 ]] || fail "the demo recorded $(wc -l <"$pids") PIDs, expected 3"
    dir=$(tm capture-pane -p -t "$SESSION" -S - | sed -n 's/.*log: \(\/tmp\/perch-demo\.[^/]*\)\/simulate.log.*/\1/p')
    [[ -n $dir && ! -e $dir ]] || fail "the demo left its temp dir '$dir'"
}

# An SGR sequence that sets a colour (8, 16 or 256), as capture-pane -e
# writes them.
COLOR_SGR=$'\e\\[([0-9]+;)*(3[0-7]|4[0-7]|9[0-7]|10[0-7]|38;5;[0-9]+|48;5;[0-9]+)(;[0-9]+)*m'

# NO_COLOR: not one colour on the screen, the states told apart by
# attributes; the default theme colours; /theme mono takes them away;
# an unknown theme is refused with a reason.
t_no_color_and_themes() {
    SIZE=100x30
    TUI_NO_COLOR=1 tui_start || return
    wait_tree || return
    settle
    ! screen_e | grep -qE "$COLOR_SGR" ||
        fail "colours on the screen under NO_COLOR: $(screen_e | grep -oE "$COLOR_SGR" | head -3 | cat -v)"
    tui_quit || return
    tui_start || return
    wait_tree || return
    settle
    screen_e | grep -qE "$COLOR_SGR" || fail "no colour on the screen with the default theme"
    type_line '/theme mono'
    wait_screen '^theme mono' || return
    settle
    ! screen_e | grep -qE "$COLOR_SGR" || fail "colours on the screen with the mono theme"
    type_line '/theme nosuch'
    wait_screen '^/theme: .*nosuch' || return
    type_line '/theme solarized-dark'
    wait_screen '^theme solarized-dark' || return
    tui_quit
}

# Tab completes command names (a second Tab lists the matches on the
# message line), node names, JIDs in a stanza's to='', template names.
t_tab_completes_commands_nodes_jids_and_templates() {
    SIZE=120x40
    tui_start || return
    wait_tree || return
    keys '/su' Tab
    wait_screen '^> /sub *$' || return
    keys Tab
    wait_screen '^2 matches: /sub /subs' || return
    keys C-u '/items /finesse/api/Sys' Tab
    wait_screen '^> /items /finesse/api/SystemInfo *$' || return
    keys C-u "<iq type='get' to='pub" Tab
    wait_screen "^> <iq type='get' to='pubsub\\.localhost'" || return
    keys C-u '/tpl pi' Tab
    wait_screen '^> /tpl ping *$' || return
    keys C-u
    tui_quit
}
