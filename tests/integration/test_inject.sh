# Text a server controls, carrying a right-to-left override, a zero-width
# space, a C1 control, DEL, CR-LF with a forged "perch:" line and a bidi
# isolate, in every field that reaches an output: stderr and the human
# lines show it as <U+XXXX>, JSON as \uXXXX, pretty XML as character
# references; nothing of it reaches a file raw. The servers: Prosody where
# it carries the text (pubsub), tests/tools/evilxmpp and boshproxy where
# only a hostile server would send it. Sourced by run.sh.
# shellcheck shell=bash

# As XML text (character references), as the console and stderr show it,
# as JSON writes it.
INJECT='a&#x202E;b&#x200B;c&#x85;d&#x7F;e&#13;&#10;perch: forged&#x2066;'
SHOWN='a<U+202E>b<U+200B>c<U+0085>d<U+007F>e<U+000D><U+000A>perch: forged<U+2066>'
JSONED='a\u202Eb\u200Bc\u0085d\u007Fe\r\nperch: forged\u2066'
INJECT_NODE=/inject/x$'\u202e'y$'\u200b'

# no_raw FILE: none of the injected characters is in FILE as itself.
no_raw() {
    local c
    for c in $'\u202e' $'\u200b' $'\u2066' $'\xc2\x85' $'\x7f' $'\r'; do
        ! LC_ALL=C grep -qF "$c" "$1" ||
            fail "$(basename "$1") holds $(printf '%s' "$c" | od -An -tx1 | tr -s ' ') raw"
    done
}

# no_forged: stderr has no line of the server's that looks like perch's.
no_forged() {
    ! grep -q '^perch: forged' "$ERR" || fail "stderr has a forged line"
}

has_err() {
    grep -qF -- "$1" "$ERR" || fail "stderr lacks '$1'"
}

has_out() {
    grep -qF -- "$1" "$OUT" || fail "stdout lacks '$1'"
}

t_inject_sasl_failure_text_is_shown_escaped() {
    start_evil sasl-failure "$INJECT" || return
    expect_rc 3 "$(evil_rc 10 send $(evil_conn) "$PING")"
    stop_evil
    has_err "authentication failed: not-authorized — $SHOWN"
    no_raw "$ERR"
    no_forged
}

t_inject_iq_error_text_is_shown_escaped_on_stderr_and_in_json() {
    start_evil iq-error "$INJECT" || return
    expect_rc 1 "$(evil_rc 10 send $(evil_conn) "$PING")"
    has_err "failed: item-not-found (cancel)"
    has_err "       $SHOWN"
    no_raw "$ERR"
    no_forged
    no_raw "$OUT"
    expect_rc 1 "$(evil_rc 10 send $(evil_conn) --json "$PING")"
    stop_evil
    has_out "$JSONED"
    no_raw "$OUT"
}

t_inject_stream_error_text_is_shown_escaped_on_stderr_and_in_probe() {
    start_evil stream-error "$INJECT" || return
    expect_rc 3 "$(evil_rc 10 send $(evil_conn) "$PING")"
    has_err "stream error from 127.0.0.1: conflict: $SHOWN"
    no_raw "$ERR"
    no_forged
    expect_rc 3 "$(evil_rc 10 probe $(evil_conn) --json --duration 5)"
    stop_evil
    has_out "\"kind\":\"lost\",\"cause\":\"stream error from 127.0.0.1: conflict: $SHOWN\""
    no_raw "$OUT"
    no_raw "$ERR"
    no_forged
}

t_inject_bound_jid_is_shown_escaped_by_probe() {
    start_evil silent "agent@localhost/$INJECT" || return
    expect_rc 0 "$(evil_rc 10 probe $(evil_conn) --json --duration 1)"
    has_out "\"kind\":\"ready\",\"jid\":\"agent@localhost/$JSONED\""
    no_raw "$OUT"
    expect_rc 0 "$(evil_rc 10 probe $(evil_conn) --duration 1)"
    stop_evil
    has_out "ready    agent@localhost/$SHOWN over TCP"
    no_raw "$OUT"
}

t_inject_bosh_terminate_text_is_shown_escaped() {
    start_proxy --fault "stream-error:$PING_MATCH:$INJECT" || return
    expect_rc 3 "$(p send $(via_proxy) "$PING")"
    stop_proxy
    has_err "BOSH session terminated by the server: remote-stream-error: conflict ($SHOWN)"
    no_raw "$ERR"
    no_forged
}

# publish_update NODE UPDATE: UPDATE (a Finesse <Update>) escaped inside a
# <notification>, as Finesse publishes.
publish_update() {
    local update
    update=$(sed -e 's/&/\&amp;/g' -e 's/</\&lt;/g' -e 's/>/\&gt;/g' <<<"$2")
    "$PERCH" send "${PUB[@]}" "<iq type='set' to='$PUBSUB'><pubsub $PS><publish node='$1'><item id='i$(date +%s%N)'><notification xmlns='http://jabber.org/protocol/pubsub'>$update</notification></item></publish></pubsub></iq>" >"$WORK/pub.out" 2>&1 ||
        fail "publishing on $1 failed: $(tr '\n' ' ' <"$WORK/pub.out")"
}

INJECT_UPDATE="<Update><data><user><firstName>$INJECT</firstName><lastName>L</lastName><loginId>1</loginId><state>READY</state></user></data><event>PUT</event><requestId></requestId><source>/finesse/api/User/1</source></Update>"

# watch_one [--json]: watch takes the one event published on the node
# (within 30 s: a lost event fails the test, it does not hang it).
watch_one() {
    local rc=0 pid
    # emptied before: the background watch truncates them only when it
    # runs, and the wait below could read the last call's lines
    : >"$WORK/inj.out"
    : >"$WORK/inj.err"
    "$PERCH" watch "${SUP[@]}" "$@" --count 1 --duration 30 "$INJECT_NODE" >"$WORK/inj.out" 2>"$WORK/inj.err" &
    pid=$!
    wait_for "$WORK/inj.err" 'watching 1 node' && publish_update "$INJECT_NODE" "$INJECT_UPDATE"
    wait "$pid" || rc=$?
    cp "$WORK/inj.out" "$OUT"
    expect_rc 0 "$rc" || fail "watch said: $(tr '\n' ' ' <"$WORK/inj.err")"
    [[ -s $OUT ]] || fail "watch printed no event"
}

t_inject_pubsub_names_and_payloads_are_shown_escaped() {
    expect_rc 0 "$(p send "${PUB[@]}" "<iq type='set' to='$PUBSUB'><pubsub $PS><create node='$INJECT_NODE'/></pubsub></iq>")"
    # nodes: the human line and JSON
    expect_rc 0 "$(p nodes "${AGENT[@]}")"
    has_out '/inject/x<U+202E>y<U+200B>'
    no_raw "$OUT"
    expect_rc 0 "$(p nodes "${AGENT[@]}" --json)"
    has_out '"node":"/inject/x\u202Ey\u200B"'
    no_raw "$OUT"
    # watch: the human line and JSON of a published event
    watch_one
    has_out 'PUT    user       …/x<U+202E>y<U+200B>   1        a<U+202E>b<U+200B> READY'
    no_raw "$OUT"
    watch_one --json
    has_out '"node":"/inject/x\u202Ey\u200B"'
    has_out "\"firstName\":\"$JSONED\""
    no_raw "$OUT"
    # items --json decodes the same way; send prints the pretty XML
    expect_rc 0 "$(p items "${AGENT[@]}" --json "$INJECT_NODE")"
    has_out "\"firstName\":\"$JSONED\""
    no_raw "$OUT"
    expect_rc 0 "$(p send "${AGENT[@]}" "<iq type='get' to='$PUBSUB'><pubsub $PS><items node='$INJECT_NODE'/></pubsub></iq>")"
    has_out "<items node='/inject/x&#x202E;y&#x200B;'>"
    has_out 'a&amp;#x202E;' # the Update is escaped text: its references stay
    no_raw "$OUT"
    p send "${PUB[@]}" "<iq type='set' to='$PUBSUB'><pubsub xmlns='http://jabber.org/protocol/pubsub#owner'><delete node='$INJECT_NODE'/></pubsub></iq>" >/dev/null
}

# (Prosody normalises CR, LF and tab in attribute values to spaces: a
# hostile server sends them.)
t_inject_pretty_xml_writes_cr_lf_and_tab_in_values_as_references() {
    start_evil iq-result "<x xmlns='urn:example:x' v='a&#13;&#10;b&#9;c&#x202E;d'>t&#x200B;u&#x85;&#13;</x>" || return
    expect_rc 0 "$(evil_rc 10 send $(evil_conn) "$PING")"
    stop_evil
    has_out "<x xmlns='urn:example:x' v='a&#xD;&#xA;b&#x9;c&#x202E;d'>t&#x200B;u&#x85;&#xD;</x>"
    no_raw "$OUT"
}
