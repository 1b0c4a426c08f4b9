# Server text with a right-to-left override (U+202E) and a zero-width
# space (U+200B) in a node name, an agent's name and a Finesse reason: the
# console shows them as <U+202E> and <U+200B> — in the Nodes tree, the
# message line, Agents, the Console list and detail, the banner — and
# never draws them (a name shown reversed). Sourced by run.sh.
# shellcheck shell=bash
# shellcheck disable=SC2034,SC2153 # SIZE, CONN: lib.sh

RLO=$'\u202e'
ZWSP=$'\u200b'

# no_raw_on_screen: neither character is on the screen as itself.
no_raw_on_screen() {
    settle || return 1
    if grep -qF -e "$RLO" -e "$ZWSP" <<<"$SCREEN"; then
        fail "a raw U+202E or U+200B is on the screen"
        dump_screen
        return 1
    fi
}

INJECT_NODE="/finesse/api/User/0${RLO}gpj.exe${ZWSP}"

# The node is removed whatever happens: other tests count the nodes.
t_inject_node_and_agent_names_are_shown_escaped() {
    "$PERCH" send "${PUB[@]}" "<iq type='set' to='$PUBSUB'><pubsub $PS><create node='$INJECT_NODE'/></pubsub></iq>" \
        >"$TD/create.out" 2>&1 || { fail "creating the node: $(cat "$TD/create.out")"; return; }
    names_shown_escaped
    "$PERCH" send "${PUB[@]}" "<iq type='set' to='$PUBSUB'><pubsub xmlns='http://jabber.org/protocol/pubsub#owner'><delete node='$INJECT_NODE'/></pubsub></iq>" \
        >"$TD/delete.out" 2>&1 || fail "deleting the node: $(cat "$TD/delete.out")"
}

names_shown_escaped() {
    SIZE=160x48
    tui_start || return
    wait_screen '^         0<U\+202E>gpj\.exe<U\+200B>( |│)' || return
    type_line "/sub $INJECT_NODE"
    wait_screen '^subscribed to /finesse/api/User/0<U\+202E>gpj\.exe<U\+200B> \([0-9]+ ms\)' || return
    publish "$INJECT_NODE" user_not_ready_reason \
        "s|<firstName>[^<]*<|<firstName>${RLO}A<|;s|<lastName>[^<]*<|<lastName>${ZWSP}<|" || return
    # the name fills its 18 columns exactly
    wait_screen '│1001001  <U\+202E>A <U\+200B>1001001  NOT_READY' || return
    # the event in the Console list, and its node in the detail
    expect_screen '← user 1001001 NOT_READY  message/headline id=[^ ]+ /finesse/api/User/0<U\+202E>gpj\.exe<U\+200B>$'
    expect_screen "<items node='/finesse/api/User/0&#x202E;gpj\\.exe&#x200B;'>"
    no_raw_on_screen
    tui_quit
}

t_inject_a_finesse_reason_in_the_banner_is_shown_escaped() {
    SIZE=80x24
    tui_start /finesse/api/SystemInfo || return
    wait_screen 'subscribed to /finesse/api/SystemInfo' || return
    publish /finesse/api/SystemInfo systeminfo_out_of_service \
        "s/CTI connection lost/CTI ${RLO}tsol${ZWSP}/" || return
    wait_ms '^ Finesse is OUT_OF_SERVICE: CTI <U\+202E>tsol<U\+200B>' 1000 || return
    no_raw_on_screen
    publish /finesse/api/SystemInfo systeminfo_out_of_service \
        's/OUT_OF_SERVICE/IN_SERVICE/;s/CTI connection lost//' || return
    wait_gone 'OUT_OF_SERVICE' 2 || return
    tui_quit
}
