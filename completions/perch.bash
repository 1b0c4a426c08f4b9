# bash completion for perch(1): commands, options, accounts of the config
# file, node names cached from `perch nodes`. Installed by `make install`
# as $(PREFIX)/share/bash-completion/completions/perch.
#
# Commands and options are read from perch's own --help, so they never
# drift from the program. Node names come from the cache file
# ${XDG_CACHE_HOME:-~/.cache}/perch/nodes, which
#   perch nodes -a ACCOUNT >"${XDG_CACHE_HOME:-$HOME/.cache}/perch/nodes"
# fills (the first word of each line is a node). Nothing here connects.

# The [account NAME] sections of the config file.
_perch_accounts() {
    local conf=${XDG_CONFIG_HOME:-$HOME/.config}/perch/config
    [[ -r $conf ]] || return 0
    sed -n 's/^[[:space:]]*\[account[[:space:]]\{1,\}\([^]]*\)\][[:space:]]*$/\1/p' "$conf"
}

# The node names of the cache, one a line.
_perch_nodes() {
    local cache=${XDG_CACHE_HOME:-$HOME/.cache}/perch/nodes
    [[ -r $cache ]] || return 0
    awk '$1 ~ /^\// { print $1 }' "$cache"
}

# perch's commands, from the "Commands:" part of perch --help.
_perch_commands() {
    "${1:-perch}" --help 2>/dev/null |
        awk '/^Commands:/ { on = 1; next } on && /^$/ { exit } on { print $1 }'
}

# The long options: CONN's (perch --help) and COMMAND's own (its --help).
_perch_options() {
    local perch=$1 cmd=$2
    { "$perch" --help; [[ -z $cmd ]] || "$perch" "$cmd" --help; } 2>/dev/null |
        grep -oE -- '(^|[ ,|[])--[a-z][a-z-]*' | grep -oE -- '--[a-z-]+' | sort -u
}

_perch() {
    local cur prev perch=${COMP_WORDS[0]} cmd="" i w
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=""
    ((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}
    local commands
    commands=$(_perch_commands "$perch")
    for ((i = 1; i < COMP_CWORD; i++)); do
        w=${COMP_WORDS[i]}
        if [[ $w != -* ]] && grep -qxF -- "$w" <<<"$commands"; then
            cmd=$w
            break
        fi
    done
    case $prev in
    -a | --account)
        mapfile -t COMPREPLY < <(compgen -W "$(_perch_accounts)" -- "$cur")
        return
        ;;
    --tls)
        mapfile -t COMPREPLY < <(compgen -W "require prefer direct off" -- "$cur")
        return
        ;;
    --sasl)
        mapfile -t COMPREPLY < <(compgen -W "SCRAM-SHA-256 SCRAM-SHA-1 PLAIN" -- "$cur")
        return
        ;;
    --ca-file | --password-file | --users | --rest-users)
        mapfile -t COMPREPLY < <(compgen -f -- "$cur")
        return
        ;;
    -j | --jid | -s | --server | -p | --port | -b | --bosh | --pin | \
        --password-env | --password-cmd | --service | --resource | --proxy | \
        --rest | --timeout | --duration | --max | --count | --bosh-wait | \
        --keep-ended)
        return
        ;;
    esac
    if [[ $cur == -* ]]; then
        mapfile -t COMPREPLY < <(compgen -W "$(_perch_options "$perch" "$cmd")" -- "$cur")
    elif [[ -z $cmd && $COMP_CWORD == 1 && $cur != /* ]]; then
        mapfile -t COMPREPLY < <(compgen -W "$commands" -- "$cur")
    elif [[ $cmd == decode ]]; then
        mapfile -t COMPREPLY < <(compgen -f -- "$cur")
    else
        mapfile -t COMPREPLY < <(compgen -W "$(_perch_nodes)" -- "$cur")
    fi
}

complete -F _perch perch
