# What holding a password asks of the process, and what perch refuses to
# read it from: not dumpable and no core once logged in, --password-cmd
# bounded in time and size, password and config files regular files,
# JIDs without controls; options it must name. Sourced by run.sh.
# shellcheck shell=bash

# Linux shows whether a process is dumpable in the owner of the files in
# /proc/PID (status, limits, …): root when it is not, its own user when it
# is (/proc/PID/status has no "Dumpable:" line). As root, perch runs as
# nobody here so that the two differ, over plain-HTTP BOSH, which needs no
# file of the suite's (its directory is private).
if [[ $(id -u) == 0 ]]; then
    AS_USER=(env XDG_CONFIG_HOME=/nonexistent setpriv --reuid=65534 --regid=65534 --clear-groups)
    AS_UID=65534
else
    AS_USER=()
    AS_UID=$(id -u)
fi

# owner_of PID: the owner of /proc/PID once PID runs perch (env and
# setpriv exec it in the same process).
owner_of() {
    local deadline=$((${EPOCHSECONDS:-$(date +%s)} + 10))
    until [[ $(readlink "/proc/$1/exe" 2>/dev/null) == "$PERCH" ]]; do
        ((${EPOCHSECONDS:-$(date +%s)} < deadline)) || break
        sleep 0.05
    done
    stat -c %u "/proc/$1/status" 2>/dev/null
}

t_hygiene_a_logged_in_perch_is_not_dumpable_and_has_no_core_limit() {
    local pid limits holder fd
    # the measure first: a perch that holds no password (decode, reading
    # the pipe this shell holds open) is dumpable
    exec {fd}> >(exec "${AS_USER[@]}" "$PERCH" decode - >"$OUT" 2>"$ERR")
    holder=$!
    [[ $(owner_of "$holder") == "$AS_UID" ]] ||
        fail "a perch without a password: /proc/$holder/status owned by $(owner_of "$holder"), expected $AS_UID (dumpable)"
    exec {fd}>&- # end of its input: it ends
    wait "$holder" 2>/dev/null
    # logged in: not dumpable, no core
    "${AS_USER[@]}" "$PERCH" probe -j "agent@$DOMAIN" --password-env AGENT_PW \
        --bosh "$BOSH_HTTP_URL" --allow-plaintext-auth --duration 60 >"$OUT" 2>"$ERR" &
    pid=$!
    if wait_for "$OUT" '^[0-9:.]+  ready ' 20; then
        [[ $(owner_of "$pid") == 0 ]] ||
            fail "a logged-in perch is dumpable: /proc/$pid/status owned by $(owner_of "$pid")"
        limits=$(grep '^Max core file size' "/proc/$pid/limits")
        [[ $limits =~ ^Max\ core\ file\ size\ +0\ +0\ +bytes ]] ||
            fail "core size is not 0: '$limits'"
    fi
    kill -TERM "$pid"
    wait "$pid"
}

t_hygiene_password_cmd_is_killed_after_10_s() {
    local t0 ms
    t0=$(date +%s%N)
    expect_rc 2 "$(timeout -s KILL 30 "$PERCH" send "${TCP[@]}" -j "agent@$DOMAIN" \
        --password-cmd 'sleep 60' "$PING" 2>"$ERR" >"$OUT"; echo $?)"
    ms=$((($(date +%s%N) - t0) / 1000000))
    expect_err "^perch: --password-cmd 'sleep 60' did not finish within 10 s \\(killed\\)$"
    ((ms >= 9500 && ms < 15000)) || fail "took $ms ms, not about 10 s"
}

t_hygiene_password_longer_than_the_buffer_is_refused_not_cut() {
    expect_rc 2 "$(p send "${TCP[@]}" -j "agent@$DOMAIN" \
        --password-cmd 'head -c 2000 /dev/zero | tr "\0" x' "$PING")"
    expect_err 'the password is longer than 1024 bytes \(refused, not cut\)'
    head -c 1025 /dev/zero | tr '\0' x >"$WORK/long.pw"
    chmod 600 "$WORK/long.pw"
    expect_rc 2 "$(p send "${TCP[@]}" -j "agent@$DOMAIN" --password-file "$WORK/long.pw" "$PING")"
    expect_err "^perch: --password-file $WORK/long.pw: the password is longer than 1024 bytes \\(refused, not cut\\)$"
}

t_hygiene_password_and_config_files_must_be_regular_files() {
    local fifo=$WORK/pw.fifo
    mkfifo "$fifo"
    # a FIFO nobody writes to: refused at once, not waited on
    expect_rc 2 "$(timeout -s KILL 10 "$PERCH" send "${TCP[@]}" -j "agent@$DOMAIN" \
        --password-file "$fifo" "$PING" 2>"$ERR" >"$OUT"; echo $?)"
    expect_err "^perch: --password-file $fifo: is not a regular file \\(a FIFO\\)$"
    expect_rc 2 "$(p send "${TCP[@]}" -j "agent@$DOMAIN" --password-file /dev/zero "$PING")"
    expect_err '^perch: --password-file /dev/zero: is not a regular file \(a character device\)$'
    expect_rc 2 "$(p send "${TCP[@]}" -j "agent@$DOMAIN" --password-file "$WORK" "$PING")"
    expect_err "^perch: --password-file $WORK: is a directory$"
    rm -f "$fifo"
    # the config: $XDG_CONFIG_HOME/perch/config as a FIFO, then a directory
    mkdir -p "$XDG_CONFIG_HOME/perch"
    mkfifo "$XDG_CONFIG_HOME/perch/config"
    expect_rc 2 "$(timeout -s KILL 10 "$PERCH" send "${AGENT[@]}" "$PING" 2>"$ERR" >"$OUT"; echo $?)"
    expect_err "config: is not a regular file \\(a FIFO\\)"
    rm -f "$XDG_CONFIG_HOME/perch/config"
    mkdir "$XDG_CONFIG_HOME/perch/config"
    expect_rc 2 "$(p send "${AGENT[@]}" "$PING")"
    expect_err "config: is a directory"
    rmdir "$XDG_CONFIG_HOME/perch/config"
}

t_hygiene_jids_with_controls_or_bad_utf8_are_refused() {
    expect_rc 2 "$(p send "${TCP[@]}" -j $'agent\e[2J@localhost' --password-env AGENT_PW "$PING")"
    expect_err "U\\+001B is not allowed \\(a control, bidi or invisible character\\)"
    ! grep -q $'\e' "$ERR" || fail "the escape reached stderr"
    expect_rc 2 "$(p send "${TCP[@]}" -j $'agent@localhost/\xff' --password-env AGENT_PW "$PING")"
    expect_err "JID 'agent@localhost/\\\\xFF' is not UTF-8 \\(byte 17\\)"
    expect_rc 2 "$(p send "${TCP[@]}" -j $'agent@local\u202ehost' --password-env AGENT_PW "$PING")"
    expect_err 'U\+202E is not allowed'
}

t_hygiene_tls_without_a_value_is_named() {
    expect_rc 2 "$(p send "${AGENT[@]}" --tls)"
    expect_err '^perch: --tls needs a value$'
}
