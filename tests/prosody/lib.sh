# What start.sh, restart.sh and stop.sh (and the TUI suite) share: is a
# process alive, do the ports answer, start Prosody from DIR's config.
# Sourced; the port checks and launch expect DOMAIN, CFG, LOG, CONSOLE
# and the ports to be set.
# shellcheck shell=bash

# alive PID: the process exists and is not a zombie waiting to be reaped.
alive() {
    local stat
    stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
    stat=${stat##*) }
    [[ ${stat%% *} != Z ]]
}

# http_ok PORT: the BOSH path answers 200 on plain HTTP (on PROSODY_ADDR,
# default 127.0.0.1: the second node of a pair listens on 127.0.0.2).
http_ok() {
    local line
    (
        exec 3<>"/dev/tcp/${PROSODY_ADDR:-127.0.0.1}/$1" || exit 1
        printf 'GET /http-bind HTTP/1.0\r\nHost: %s\r\n\r\n' "$DOMAIN" >&3
        IFS= read -r -t 2 line <&3 || exit 1
        [[ $line =~ ^HTTP/1\.[01]\ 200 ]]
    ) 2>/dev/null
}

# tcp_ok PORT: something accepts connections on PROSODY_ADDR:PORT.
tcp_ok() {
    (exec 3<>"/dev/tcp/${PROSODY_ADDR:-127.0.0.1}/$1") 2>/dev/null
}

# all_ports_ok: every port of the config answers.
all_ports_ok() {
    http_ok "$HTTP_PORT" && tcp_ok "$C2S_PORT" && tcp_ok "$C2S_TLS_PORT" &&
        tcp_ok "$HTTPS_PORT"
}

# launch: Prosody in the foreground, in its own session (no terminal
# signal reaches it), as our child; sets PROSODY_PID.
launch() {
    setsid prosody --config "$CFG" -F </dev/null >>"$CONSOLE" 2>&1 &
    PROSODY_PID=$!
}
