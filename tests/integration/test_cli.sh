# perch in the shell: --version, the help texts against the man page, the
# bash and zsh completion scripts (syntax, and one scripted completion
# each); sourced by run.sh. No server needed.
# shellcheck shell=bash

COMPLETIONS=$ROOT/completions

t_version_names_the_libraries_perch_runs_with() {
    expect_rc 0 "$(p --version)"
    expect_out '^perch [0-9]+\.[0-9]+\.[0-9]+$'
    local lib
    for lib in 'libstrophe [0-9.]+' 'libcurl [0-9.]+' 'OpenSSL [0-9.]+' \
        'libevent [0-9.]+' 'ncurses [0-9.]+' 'readline [0-9.]+'; do
        expect_out "^  $lib"
    done
}

# What -s defaults to is said the same way in --help and perch(1), and it
# is what src/conf/conn.c does: the JID's domain, no SRV lookup.
t_help_and_man_page_agree_on_the_server_default() {
    expect_rc 0 "$(p --help)"
    expect_out "-s, --server HOST +host to connect to \\(default: the JID's"
    grep -qE "^ +domain; no SRV lookup\\)" "$OUT" ||
        fail "--help does not say that no SRV lookup is made"
    grep -qF "Host to connect to (default: the JID's domain; no SRV lookup is made)." \
        "$ROOT/docs/perch.1" || fail "perch.1 does not say the same"
}

# A help paragraph has no line cut far shorter than its neighbours (a
# stray break): every line of prose but a paragraph's last is at least 50
# columns wide.
t_help_texts_have_no_stray_line_breaks() {
    local cmd
    for cmd in send nodes info subscribe unsubscribe subscriptions items \
        watch probe decode simulate rest; do
        expect_rc 0 "$(p "$cmd" --help)"
        awk -v cmd="$cmd" '
            { line[NR] = $0 }
            END {
                for (i = 1; i < NR; i++) {
                    if (line[i] ~ /^[A-Z(a-z]/ && line[i] !~ /^Usage:|^Exit:/ &&
                        line[i + 1] ~ /^[A-Za-z"(-]/ && length(line[i]) < 50)
                        { print cmd ": short line " i ": " line[i]; bad = 1 }
                }
                exit bad
            }' "$OUT" >>"$FAILURES"
    done
}

t_bash_completion_completes_commands_options_accounts_and_nodes() {
    local out
    bash -n "$COMPLETIONS/perch.bash" || fail "bash -n perch.bash failed"
    mkdir -p "$WORK/bc/config/perch" "$WORK/bc/cache/perch"
    printf '[account fin1]\njid = a@b\n[account lab]\n' >"$WORK/bc/config/perch/config"
    printf '/finesse/api/User/1001001\n/finesse/api/Team/5000/Users  (Team)\n' \
        >"$WORK/bc/cache/perch/nodes"
    out=$(XDG_CONFIG_HOME=$WORK/bc/config XDG_CACHE_HOME=$WORK/bc/cache \
        PERCH="$PERCH" bash -c '
        source "$1"
        perch() { "$PERCH" "$@"; }
        c() { COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
              COMPREPLY=(); _perch; echo "${COMPREPLY[*]}"; }
        c perch subs
        c perch watch -a ""
        c perch watch /finesse/api/T
        c perch watch --jso
        c perch send --tim' _ "$COMPLETIONS/perch.bash" 2>&1)
    [[ $(sed -n 1p <<<"$out") == "subscribe subscriptions" ]] ||
        fail "perch subs<Tab>: '$(sed -n 1p <<<"$out")'"
    [[ $(sed -n 2p <<<"$out") == "fin1 lab" ]] ||
        fail "perch watch -a <Tab>: '$(sed -n 2p <<<"$out")'"
    [[ $(sed -n 3p <<<"$out") == "/finesse/api/Team/5000/Users" ]] ||
        fail "perch watch /finesse/api/T<Tab>: '$(sed -n 3p <<<"$out")'"
    [[ $(sed -n 4p <<<"$out") == "--json" ]] ||
        fail "perch watch --jso<Tab>: '$(sed -n 4p <<<"$out")'"
    [[ $(sed -n 5p <<<"$out") == "--timeout" ]] ||
        fail "perch send --tim<Tab>: '$(sed -n 5p <<<"$out")'"
}

# zsh's completion system driven by hand: compadd and _files recorded,
# words/CURRENT/PREFIX set as the shell sets them.
t_zsh_completion_completes_commands_options_accounts_and_nodes() {
    local out
    command -v zsh >/dev/null || { fail "zsh is not installed (scripts/deps.sh test)"; return; }
    zsh -n "$COMPLETIONS/_perch" || fail "zsh -n _perch failed"
    mkdir -p "$WORK/zc/config/perch" "$WORK/zc/cache/perch"
    printf '[account fin1]\n[account lab]\n' >"$WORK/zc/config/perch/config"
    printf '/finesse/api/User/1001001\n/finesse/api/Team/5000/Users\n' \
        >"$WORK/zc/cache/perch/nodes"
    # perch runs under bash, not as zsh's own child: LeakSanitizer stops
    # the process with ptrace at exit, and zsh seeing its child stopped
    # can continue it before the sanitizer's tracer sees the stop (both
    # then wait for ever; seen several times under load).
    printf '#!/usr/bin/env bash\n%q "$@"\nexit $?\n' "$PERCH" >"$WORK/zc/perch"
    chmod +x "$WORK/zc/perch"
    out=$(XDG_CONFIG_HOME=$WORK/zc/config XDG_CACHE_HOME=$WORK/zc/cache \
        zsh -f -c '
        source <(sed "\$d" "$1")   # the functions, without the last call
        compadd() {
            local -a got
            if [[ $1 == -a ]]; then got=(${(P)2}); else got=("$@"); fi
            reply+=(${(M)got:#${PREFIX}*})
        }
        _files() { reply+=(FILES); }
        c() { words=("$@"); CURRENT=$#; PREFIX=${words[-1]}; reply=()
              _perch; print -r -- "${reply[*]}"; }
        c "$2" subs
        c "$2" watch -a ""
        c "$2" watch /finesse/api/T
        c "$2" watch --jso
        c "$2" decode ""' _ "$COMPLETIONS/_perch" "$WORK/zc/perch" 2>&1)
    [[ $(sed -n 1p <<<"$out") == "subscribe subscriptions" ]] ||
        fail "perch subs<Tab>: '$(sed -n 1p <<<"$out")'"
    [[ $(sed -n 2p <<<"$out") == "fin1 lab" ]] ||
        fail "perch watch -a <Tab>: '$(sed -n 2p <<<"$out")'"
    [[ $(sed -n 3p <<<"$out") == "/finesse/api/Team/5000/Users" ]] ||
        fail "perch watch /finesse/api/T<Tab>: '$(sed -n 3p <<<"$out")'"
    [[ $(sed -n 4p <<<"$out") == "--json" ]] ||
        fail "perch watch --jso<Tab>: '$(sed -n 4p <<<"$out")'"
    [[ $(sed -n 5p <<<"$out") == "FILES" ]] ||
        fail "perch decode <Tab>: '$(sed -n 5p <<<"$out")'"
}

# make install puts the themes and the completions where perch --help and
# perch(1) say (the default PREFIX), and make uninstall removes them.
t_install_puts_themes_and_completions_where_the_help_says() {
    local dirs
    expect_rc 0 "$(p --help)"
    expect_out '^Installed by make install: themes in /usr/local/share/perch/themes;$'
    expect_out '^completion for bash in /usr/local/share/bash-completion/completions/perch$'
    expect_out '^and for zsh in /usr/local/share/zsh/site-functions/_perch '
    for f in /usr/local/share/perch/themes /usr/local/share/bash-completion/completions/perch \
        /usr/local/share/zsh/site-functions/_perch; do
        grep -qF "$(sed 's/-/\\-/g' <<<"$f")" "$ROOT/docs/perch.1" || fail "perch.1 does not name $f"
    done
    # what make would run (nothing is built or installed: -n)
    dirs=$(make -s -n -C "$ROOT" install uninstall DESTDIR=/dest PREFIX=/usr/local 2>&1)
    grep -qE 'install -m 644 "\$t" /dest/usr/local/share/perch/themes/' <<<"$dirs" ||
        fail "make install does not put the themes in share/perch/themes: $dirs"
    grep -qF 'completions/perch.bash /dest/usr/local/share/bash-completion/completions/perch' <<<"$dirs" ||
        fail "make install does not install the bash completion"
    grep -qF 'completions/_perch /dest/usr/local/share/zsh/site-functions/_perch' <<<"$dirs" ||
        fail "make install does not install the zsh completion"
    grep -qF 'rm -f /dest/usr/local/share/bash-completion/completions/perch /dest/usr/local/share/zsh/site-functions/_perch' <<<"$dirs" ||
        fail "make uninstall does not remove the completions"
    grep -qF 'rm -rf /dest/usr/local/share/perch' <<<"$dirs" ||
        fail "make uninstall does not remove the themes"
}
