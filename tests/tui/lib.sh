# Helpers for the TUI tests: perch in a tmux server of its own, keys sent
# with send-keys, screens read with capture-pane, and waits that poll the
# screen until a deadline instead of sleeping and hoping.
# shellcheck shell=bash

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
PERCH=${PERCH:-$ROOT/build/check/perch}
[[ $PERCH == /* ]] || PERCH=$ROOT/$PERCH
export FREEPORT=${FREEPORT:-$ROOT/build/tools/freeport}
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
FIX=$ROOT/tests/tui/fixtures

# shellcheck disable=SC2034 # run.sh and the tests use these
{
    passed=0
    failed=0
    failed_names=()
}
WORK=$(mktemp -d /tmp/perch-tui.XXXXXX)
FAILURES=$WORK/failures

# Nothing of the user's: config, history, theme, locale, tmux.
export HOME=$WORK/home
export XDG_DATA_HOME=$HOME/.local/share XDG_CONFIG_HOME=$HOME/.config
mkdir -p "$XDG_DATA_HOME" "$XDG_CONFIG_HOME"
export LANG=C.UTF-8
unset LC_ALL LC_CTYPE LC_MESSAGES NO_COLOR PERCH_THEME VISUAL EDITOR TMUX TMUX_PANE
# shellcheck disable=SC2034
HISTORY_FILE=$XDG_DATA_HOME/perch/history

# One tmux server for the run, on its own socket; run.sh kills it at exit.
TMUX_SOCKET=perch-tui-$$
tm() { tmux -L "$TMUX_SOCKET" -f /dev/null "$@"; }

# shellcheck disable=SC2034
SIZES=${SIZES:-80x24 160x48} # the sizes the size loops cover
SIZE=80x24    # of the next tui_start
TUI_LANG=$LANG
SESSION=tui
RUN=0         # perch runs in this test (files perch.N.*)
TUI_WRAP=()   # what write_launch runs perch under (strace …); nothing by default
TD=$WORK      # the test's directory; run() sets it

# ---- failures ----

# Records a failed assertion (with the size under test) and returns 1.
fail() {
    echo "    [$SIZE] $*" | tee -a "$FAILURES" >&2
    return 1
}

# Appends the last screen to the failure record, indented.
dump_screen() {
    {
        echo "    --- screen ($SIZE):"
        while IFS= read -r l; do echo "    |$l"; done <<<"$SCREEN"
        echo "    ---"
    } | tee -a "$FAILURES" >&2
}

# ---- time ----

now_us() {
    local t=${EPOCHREALTIME/[.,]/}
    echo "$((10#$t))"
}

# ---- test servers ----

# tool_port FILE WHAT: the port a test tool (boshproxy, evilxmpp) printed
# as "ready PORT" in FILE, waited for up to 5 s; fails naming WHAT.
tool_port() {
    local n
    for ((n = 0; n < 100; n++)); do
        grep -q '^ready [0-9]*$' "$1" && break
        sleep 0.05
    done
    grep -q '^ready [0-9]*$' "$1" || { fail "$2 not ready: $(cat "$1")"; return 1; }
    sed -n 's/^ready //p' "$1"
}

# ---- perch in tmux ----

# write_env FILE: what every perch of the tests runs with.
write_env() {
    {
        printf 'export HOME=%q XDG_DATA_HOME=%q XDG_CONFIG_HOME=%q\n' \
            "$HOME" "$XDG_DATA_HOME" "$XDG_CONFIG_HOME"
        printf 'export LANG=%q\n' "$TUI_LANG"
        echo 'unset LC_ALL LC_CTYPE LC_MESSAGES NO_COLOR PERCH_THEME'
        [[ -z ${TUI_NO_COLOR:-} ]] || echo 'export NO_COLOR=1'
        printf 'export ASAN_OPTIONS=%q UBSAN_OPTIONS=%q\n' "$ASAN_OPTIONS" "$UBSAN_OPTIONS"
        [[ -z ${LSAN_OPTIONS:-} ]] || printf 'export LSAN_OPTIONS=%q\n' "$LSAN_OPTIONS"
        printf 'export SUP_PW=%q PUB_PW=%q\n' "$SUP_PW" "$PUB_PW"
        printf 'export PERCH=%q FREEPORT=%q\n' "$PERCH" "$FREEPORT"
        # /edit's editor, when a test sets one
        printf 'export VISUAL= EDITOR=%q\n' "${TUI_EDITOR:-false}"
    } >"$1"
}

# new_session COMMAND: the session of this test, SIZE, running COMMAND
# (TERM is what tmux gives its panes).
new_session() {
    tm kill-session -t "$SESSION" 2>/dev/null
    tm new-session -d -s "$SESSION" -x "${SIZE%x*}" -y "${SIZE#*x}" "$1" ||
        fail "tmux new-session failed"
}

# write_launch [ARGS...]: a script running perch with CONN and ARGS, its
# stderr in ERRF, its exit code written to RCF when it ends, in LAUNCH.
# A new RUN: perch.N.err, perch.N.rc, launch.N.sh, launch.N.pid.
write_launch() {
    RUN=$((RUN + 1))
    ERRF=$TD/perch.$RUN.err
    RCF=$TD/perch.$RUN.rc
    LAUNCH=$TD/launch.$RUN.sh
    write_env "$TD/env.$RUN.sh"
    {
        echo '#!/usr/bin/env bash'
        printf 'source %q\n' "$TD/env.$RUN.sh"
        printf 'cd %q || exit 1\n' "$TD"
        printf 'echo $$ >%q\n' "$TD/launch.$RUN.pid"
        printf '%q ' "${TUI_WRAP[@]}" "$PERCH" "${CONN[@]}" "$@"
        printf '2>%q\n' "$ERRF"
        printf 'echo $? >%q && mv %q %q\n' "$RCF.tmp" "$RCF.tmp" "$RCF"
    } >"$LAUNCH"
}

# tui_start [ARGS...]: a fresh perch (write_launch) in a new session of
# SIZE.
tui_start() {
    write_launch "$@"
    new_session "bash $LAUNCH"
}

# The pid of perch: the child of the launcher (or of the pane's shell).
perch_pid() {
    local parent=${1:-}
    [[ -n $parent ]] || parent=$(cat "$TD/launch.$RUN.pid" 2>/dev/null) || return 1
    local kids
    kids=$(cat "/proc/$parent/task/$parent/children" 2>/dev/null) || return 1
    kids=${kids%% *}
    [[ -n $kids ]] && echo "$kids"
}

# alive PID: exists and is not a zombie.
# shellcheck source=tests/prosody/lib.sh
source "$ROOT/tests/prosody/lib.sh"

# proc_state PID: R, S, T ...
proc_state() {
    local st
    st=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
    st=${st##*) }
    echo "${st%% *}"
}

keys() { tm send-keys -t "$SESSION" "$@"; }

# type_line TEXT: TEXT typed on the input line, then Enter.
type_line() {
    tm send-keys -t "$SESSION" -l -- "$1"
    tm send-keys -t "$SESSION" Enter
}

screen() { tm capture-pane -p -t "$SESSION"; }
screen_e() { tm capture-pane -p -e -t "$SESSION"; }

# wait_exit [SECONDS] [RC]: perch ends within SECONDS (10) with RC (0) and
# its closing line on stderr.
wait_exit() {
    local secs=${1:-10} want=${2:-0} deadline rc
    deadline=$(($(now_us) + secs * 1000000))
    until [[ -s $RCF ]]; do
        if (($(now_us) > deadline)); then
            SCREEN=$(screen 2>/dev/null)
            fail "perch still runs ${secs}s after it was asked to quit"
            dump_screen
            return 1
        fi
        sleep 0.05
    done
    rc=$(<"$RCF")
    [[ $rc == "$want" ]] || fail "perch exited $rc, expected $want; stderr: $(tail -c 600 "$ERRF")"
    grep -qE '^perch: [0-9]+ events, [0-9]+ frames drawn in [0-9.]+ s$' "$ERRF" ||
        fail "no closing 'perch: N events, M frames drawn in S s' on stderr: $(tail -c 600 "$ERRF" | cat -A)"
}

# tui_quit: q on an empty line, and perch ends.
tui_quit() {
    keys C-u
    keys q
    wait_exit "$@"
}

# perch_exited: the current perch has ended (its rc file is there).
perch_exited() { [[ -s $RCF ]]; }

# wait_screen REGEX [SECONDS]: until the screen (plain text) matches
# (grep -E, line by line); SCREEN holds the last capture. Fails with the
# screen dumped after SECONDS (5), or at once when perch has ended.
wait_screen() {
    wait_until "$1" $(($(now_us) + ${2:-5} * 1000000)) "${2:-5} s"
}

# wait_ms REGEX MS: the same with a deadline in milliseconds from now.
wait_ms() {
    wait_until "$1" $(($(now_us) + $2 * 1000)) "$2 ms"
}

# wait_until REGEX DEADLINE_US WHAT: the loop behind both.
wait_until() {
    local re=$1 deadline=$2
    while :; do
        SCREEN=$(screen 2>/dev/null)
        grep -qE -- "$re" <<<"$SCREEN" && return 0
        if [[ -n ${RCF:-} && -s $RCF ]]; then
            fail "perch ended (exit $(<"$RCF")) while waiting for /$re/; stderr: $(tail -c 800 "$ERRF")"
            dump_screen
            return 1
        fi
        if (($(now_us) > deadline)); then
            fail "no /$re/ on the screen within $3"
            dump_screen
            return 1
        fi
        sleep 0.05
    done
}

# poll_screen REGEX MS: like wait_ms, but quietly: 1 when it timed out.
poll_screen() {
    local deadline=$(($(now_us) + $2 * 1000))
    while :; do
        SCREEN=$(screen 2>/dev/null)
        grep -qE -- "$1" <<<"$SCREEN" && return 0
        (($(now_us) > deadline)) && return 1
        sleep 0.02
    done
}

# wait_gone REGEX [SECONDS]: until nothing on the screen matches.
wait_gone() {
    local re=$1 secs=${2:-5} deadline
    deadline=$(($(now_us) + secs * 1000000))
    while :; do
        SCREEN=$(screen 2>/dev/null)
        grep -qE -- "$re" <<<"$SCREEN" || return 0
        if (($(now_us) > deadline)); then
            fail "/$re/ still on the screen after ${secs}s"
            dump_screen
            return 1
        fi
        sleep 0.05
    done
}

# settle: SCREEN becomes a capture equal to the one 100 ms before it: a
# capture can fall between two writes of one frame. A screen still
# changing after 2 s fails the test (with the last screen).
settle() {
    local deadline=$(($(now_us) + 2000000)) prev
    SCREEN=$(screen 2>/dev/null)
    while :; do
        prev=$SCREEN
        sleep 0.1
        SCREEN=$(screen 2>/dev/null)
        [[ $SCREEN == "$prev" ]] && return 0
        if (($(now_us) > deadline)); then
            fail "the screen did not settle (still changing after 2 s)"
            dump_screen
            return 1
        fi
    done
}

# expect_screen REGEX [WHAT]: the screen matches (within 2 s: the frame
# that brought what was waited for may still be on its way).
expect_screen() {
    poll_screen "$1" 2000 && return 0
    fail "${2:-the screen lacks /$1/}"
    dump_screen
    return 1
}

# refute_screen REGEX [WHAT]: nothing on the settled screen matches.
refute_screen() {
    settle || return 1
    grep -qE -- "$1" <<<"$SCREEN" || return 0
    fail "${2:-the screen has /$1/}: $(grep -E -- "$1" <<<"$SCREEN" | head -3)"
    dump_screen
    return 1
}

# screen_line N: line N (1-based) of the last SCREEN.
screen_line() { sed -n "${1}p" <<<"$SCREEN"; }

# ---- attributes ----

# runs FG BG BOLD: reads `capture-pane -e` and prints, for each screen line
# holding characters drawn with that foreground, background and boldness
# (SGR numbers; * for any), "LINE<TAB>run<TAB>run...". The SGR state
# carries over from line to line, as tmux writes only the changes.
runs() {
    awk -v WFG="$1" -v WBG="$2" -v WBOLD="$3" '
    function sgr(p,   a, k, m, x, v) {
        if (p == "") p = "0"
        m = split(p, a, ";")
        for (k = 1; k <= m; k++) {
            x = a[k] + 0
            if (x == 0) { fg = "39"; bg = "49"; bold = 0 }
            else if (x == 1) bold = 1
            else if (x == 22) bold = 0
            else if ((x >= 30 && x <= 37) || (x >= 90 && x <= 97) || x == 39) fg = x ""
            else if ((x >= 40 && x <= 47) || (x >= 100 && x <= 107) || x == 49) bg = x ""
            else if (x == 38 || x == 48) {
                if (a[k + 1] == 5) { v = "5:" a[k + 2]; k += 2 }
                else if (a[k + 1] == 2) { v = "2:" a[k + 2] ":" a[k + 3] ":" a[k + 4]; k += 4 }
                if (x == 38) fg = v; else bg = v
            }
        }
    }
    function want() {
        return (WFG == "*" || fg == WFG) && (WBG == "*" || bg == WBG) &&
               (WBOLD == "*" || bold == WBOLD)
    }
    BEGIN { fg = "39"; bg = "49"; bold = 0; ESC = sprintf("%c", 27) }
    {
        line = $0; n = length(line); out = ""; cur = ""; i = 1
        while (i <= n) {
            c = substr(line, i, 1)
            if (c == ESC) {
                if (substr(line, i + 1, 1) == "[") {
                    j = i + 2
                    while (j <= n && substr(line, j, 1) !~ /[@-~]/) j++
                    if (substr(line, j, 1) == "m") sgr(substr(line, i + 2, j - i - 2))
                    i = j + 1
                } else i += 2
                continue
            }
            if (want()) cur = cur c
            else if (cur != "") { out = out "\t" cur; cur = "" }
            i++
        }
        if (cur != "") out = out "\t" cur
        if (out != "") print NR out
    }'
}

# dim_lines: reads `capture-pane -e` and prints "LINE<TAB>text" for each
# screen line with characters drawn dim (SGR 2, until 22 or 0; the state
# carries over from line to line as in runs), the dim text only.
dim_lines() {
    awk '
    BEGIN { dim = 0; ESC = sprintf("%c", 27) }
    {
        line = $0; n = length(line); out = ""; i = 1
        while (i <= n) {
            c = substr(line, i, 1)
            if (c == ESC) {
                if (substr(line, i + 1, 1) == "[") {
                    j = i + 2
                    while (j <= n && substr(line, j, 1) !~ /[@-~]/) j++
                    if (substr(line, j, 1) == "m") {
                        p = substr(line, i + 2, j - i - 2)
                        if (p == "") p = "0"
                        m = split(p, a, ";")
                        for (k = 1; k <= m; k++) {
                            x = a[k] + 0
                            if (x == 0 || x == 22) dim = 0
                            else if (x == 2) dim = 1
                            else if (x == 38 || x == 48) k += (a[k + 1] == 5) ? 2 : 4
                        }
                    }
                    i = j + 1
                } else i += 2
                continue
            }
            if (dim) out = out c
            i++
        }
        if (out ~ /[^ ]/) print NR "\t" out
    }'
}

# The rows drawn as selected in the default theme (black on white, not
# bold: the active tab and the focused title are bold, black on cyan).
selected() { screen_e | runs 30 47 0; }

# The active tab and the focused pane's title (bold black on cyan).
active() { screen_e | runs 30 46 1; }

# wait_selected REGEX [SECONDS]: until a selected row matches.
wait_selected() {
    local re=$1 secs=${2:-5} deadline sel
    deadline=$(($(now_us) + secs * 1000000))
    while :; do
        sel=$(selected)
        grep -qE -- "$re" <<<"$sel" && return 0
        if (($(now_us) > deadline)); then
            SCREEN=$(screen)
            fail "no selected row matches /$re/ within ${secs}s; selected: $(tr '\t' '|' <<<"$sel")"
            dump_screen
            return 1
        fi
        sleep 0.05
    done
}

# select_row REGEX [MAX]: presses j until the selected row matches REGEX
# (each press waits for the selection to move).
select_row() {
    local re=$1 max=${2:-80} i sel before deadline
    for ((i = 0; i <= max; i++)); do
        sel=$(selected)
        grep -qE -- "$re" <<<"$sel" && return 0
        before=$sel
        keys j
        deadline=$(($(now_us) + 2000000))
        while sel=$(selected); [[ $sel == "$before" ]]; do
            if (($(now_us) > deadline)); then
                SCREEN=$(screen)
                fail "j did not move the selection (looking for /$re/)"
                dump_screen
                return 1
            fi
            sleep 0.02
        done
    done
    SCREEN=$(screen)
    fail "no row matching /$re/ after $max presses of j"
    dump_screen
    return 1
}

# wait_active REGEX: until the active tab / focused title matches.
wait_active() {
    local re=$1 secs=${2:-5} deadline a
    deadline=$(($(now_us) + secs * 1000000))
    while :; do
        a=$(active)
        grep -qE -- "$re" <<<"$a" && return 0
        if (($(now_us) > deadline)); then
            SCREEN=$(screen)
            fail "the active tab is not /$re/ within ${secs}s: $(tr '\t' '|' <<<"$a")"
            dump_screen
            return 1
        fi
        sleep 0.05
    done
}

# ---- the service ----

# publish NODE FIXTURE [SED]: the fixture's Update (edited by the sed
# script SED when given), escaped inside a <notification>, the way Finesse
# publishes; returns once the service accepted it.
publish() {
    local node=$1 fixture=$2 edit=${3:-} update rc=0
    update=$(sed -e "${edit:-p;d}" "$FIX/$fixture.update.xml" |
        sed -e 's/&/\&amp;/g' -e 's/</\&lt;/g' -e 's/>/\&gt;/g')
    "$PERCH" send "${PUB[@]}" "<iq type='set' to='$PUBSUB'><pubsub $PS><publish node='$node'><item><notification xmlns='http://jabber.org/protocol/pubsub'>$update</notification></item></publish></pubsub></iq>" \
        >"$TD/publish.out" 2>>"$TD/publish.err" || rc=$?
    ((rc == 0)) || fail "publishing $fixture to $node: exit $rc: $(tail -c 300 "$TD/publish.err")"
}

# subscriptions: the supervisor's subscriptions, one "NODE ..." a line.
subscriptions() {
    "$PERCH" subscriptions "${SUPCLI[@]}" 2>>"$TD/subs.err" ||
        fail "perch subscriptions failed: $(tail -c 300 "$TD/subs.err")"
}

# ISO 8601 UTC time SECONDS ago, as Finesse writes it.
iso_ago() {
    date -u -d "@$(($(date +%s) - $1))" +%Y-%m-%dT%H:%M:%S.000Z
}
