# Console: raw stanzas typed on the input line, templates, /save; sourced
# by run.sh.
# shellcheck shell=bash
# shellcheck disable=SC2034,SC2153 # SIZE, CONN, SIZES: lib.sh

# disco_items ID: the service's disco#items with that id, as typed.
disco_items() {
    echo "<iq type='get' id='$1' to='pubsub.localhost'><query xmlns='http://jabber.org/protocol/disco#items'/></iq>"
}

# ping ID: a ping of the server with that id, as typed.
ping() {
    echo "<iq type='get' id='$1' to='localhost'><ping xmlns='urn:xmpp:ping'/></iq>"
}

# id_re ID: ID as a Console row shows it: whole, or shortened from the
# left to "…" and its last characters (at least 5) when the row is narrow.
id_re() {
    printf '(%s|…[^ ]*%s)' "$1" "${1: -5}"
}

# wait_reply_row ID: the Console shows the reply to ID, paired.
wait_reply_row() {
    wait_screen "← (.+  )?iq/result id=$(id_re "$1") +<-> reply in [0-9]+ ms"
}

# console_count: M of the Console title's "N of M stanzas" (settled).
console_count() {
    settle
    sed -nE 's/.* Console [0-9]+ of ([0-9]+) stanzas.*/\1/p' <<<"$SCREEN" | head -1
}

t_raw_disco_items_shows_the_paired_result_in_console() {
    local id
    for SIZE in $SIZES; do
        tui_start || return
        wait_tree || return
        id=tui-disco-$SIZE
        type_line "$(disco_items "$id")"
        wait_reply_row "$id" || return
        wait_active '	 4 Console ' || return
        expect_screen "→ disco#items  iq/get id=$(id_re "$id") +<-> result in [0-9]+ ms"
        expect_screen "← disco#items → [0-9]+ items  iq/result id=$(id_re "$id") +<-> reply in [0-9]+ ms"
        # the reply is the selected row, and the detail shows it
        wait_selected "← disco#items → [0-9]+ items  iq/result id=$(id_re "$id") +<-> reply in [0-9]+ ms" || return
        expect_screen "^(.*│)?<iq from='pubsub\\.localhost' id='$id' to='supervisor@localhost/"
        expect_screen "^(.*│)?  <query xmlns='http://jabber\\.org/protocol/disco#items'>"
        expect_screen "^(.*│)?    <item jid='pubsub\\.localhost' node='/finesse/api/[^']+'/>"
        # p goes to the request, which the detail then shows
        keys p
        wait_selected "→ disco#items  iq/get id=$(id_re "$id") " &&
            wait_screen "^(.*│)?<iq .*type='get'|^(.*│)?<iq .*id='$id'.*to='pubsub\\.localhost'"
        tui_quit
    done
}

# Nothing is sent: after the malformed line a ping and its reply are the
# only two stanzas the Console gains.
t_malformed_stanza_shows_where_and_sends_nothing() {
    local before after
    for SIZE in $SIZES; do
        tui_start || return
        wait_tree || return
        keys F4
        wait_active '	 4 Console ' || return
        # the login's requests all answered: a ping answered after them
        type_line "$(ping tui-ping-1)"
        wait_reply_row tui-ping-1 || return
        before=$(console_count)
        type_line "<iq type='get'><query>"
        wait_screen '^not sent: line 1, column 23: ' || return
        # the refused stanza stays on the line to be mended
        expect_screen "^> <iq type='get'><query>$"
        keys C-u
        screen_e | runs 91 '*' 1 | grep -q 'not sent: line 1, column 23' ||
            fail "the error is not drawn as an error (bright red bold)"
        after=$(console_count)
        [[ $after == "$before" ]] || fail "the Console title went from $before to $after stanzas"
        type_line "$(ping tui-ping-2)"
        wait_reply_row tui-ping-2 || return
        after=$(console_count)
        [[ $after == $((before + 2)) ]] ||
            fail "$before stanzas before, $after after the malformed line and a ping (expected $((before + 2)))"
        tui_quit
    done
}

# /tpl puts a template, filled in, on the input line for editing; Enter
# sends it.
t_tpl_puts_the_stanza_on_the_input_line() {
    SIZE=160x48
    tui_start || return
    wait_tree || return
    type_line '/tpl'
    wait_screen '^templates: disco-items disco-info subscribe unsubscribe items' || return
    type_line '/tpl disco-items'
    wait_screen '^edit and press Enter to send' || return
    wait_screen "^> <iq [^>]*to='pubsub\\.localhost'.*disco#items" 2 || return
    keys Enter
    wait_screen "← (.+  )?iq/result id=[^ ]+ +<-> reply in [0-9]+ ms"
    tui_quit
}

# The message line ends with the outcome ("reply to iq ID: result in N
# ms"), also when the reply is read while the request is still being sent
# (over TCP on loopback, about one time in five here): 40 pings.
t_raw_iq_message_line_says_the_reply_came() {
    local i
    SIZE=160x48
    tui_start || return
    wait_tree || return
    for ((i = 1; i <= 40; i++)); do
        type_line "$(ping "tui-p$i")"
        wait_reply_row "tui-p$i" || return
        if ! poll_screen "^reply to iq tui-p$i: result in [0-9]+ ms" 500; then
            fail "ping $i: its reply is paired in Console, but the message line says '$(screen_line 46)'"
            dump_screen
            break
        fi
    done
    tui_quit
}

SAVED_DATE='^<!-- [0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}[+-][0-9]{2}:[0-9]{2} (in|out) -->$'

t_save_pretty_writes_the_console_stanzas_indented() {
    local file=$TD/console.xml n
    SIZE=80x24
    tui_start || return
    wait_tree || return
    type_line "$(disco_items tui-save)"
    wait_reply_row tui-save || return
    type_line "/save --pretty $file"
    wait_screen "^saved [0-9]+ stanzas to ${file:0:40}" || return
    n=$(sed -nE 's/^saved ([0-9]+) stanzas.*/\1/p' <<<"$SCREEN")
    [[ -s $file ]] || { fail "/save wrote nothing to $file"; return 1; }
    [[ $(grep -cE "$SAVED_DATE" "$file") == "$n" ]] ||
        fail "$n stanzas said, $(grep -cE "$SAVED_DATE" "$file") dated in the file"
    grep -q "^  <query xmlns='http://jabber.org/protocol/disco#items'/>" "$file" ||
        fail "the sent disco#items is not in $file"
    grep -q "^    <item jid='pubsub.localhost' node='/finesse/api/SystemInfo'/>" "$file" ||
        fail "the result's items are not in $file"
    grep -q '\[redacted [0-9]* bytes\]' "$file" || fail "no redacted SASL exchange in $file"
    ! grep -q "$SUP_PW" "$file" || fail "the password is in $file"
    [[ $(stat -c %a "$file") == 600 ]] || fail "$file has mode $(stat -c %a "$file"), not 600"
    # a file that was there, readable by others, becomes private too
    : >"$TD/open.xml"
    chmod 644 "$TD/open.xml"
    type_line "/save $TD/open.xml"
    local deadline=$(($(now_us) + 5000000))
    until [[ -s $TD/open.xml ]]; do
        (($(now_us) < deadline)) || { fail "/save wrote nothing to open.xml"; return 1; }
        sleep 0.05
    done
    [[ $(stat -c %a "$TD/open.xml") == 600 ]] || fail "a saved 0644 file kept mode $(stat -c %a "$TD/open.xml")"
    type_line '/save /nonexistent/dir/console.xml'
    wait_screen '^/save: /nonexistent/dir/console\.xml: No such file or directory'
    tui_quit
}

# /filter keeps what matches (direction, kind, regex) and says how many;
# /filter off shows everything again.
t_filter_shows_only_matching_stanzas() {
    local all
    SIZE=120x40
    tui_start || return
    wait_tree || return
    type_line "$(ping tui-f-1)"
    wait_reply_row tui-f-1 || return
    type_line "$(disco_items tui-f-2)"
    wait_reply_row tui-f-2 || return
    all=$(console_count)
    type_line '/filter out iq'
    wait_screen 'Console: [0-9]+ stanzas? match(es)?' || return
    settle
    expect_screen "→ ping  iq/get id=tui-f-1 "
    refute_screen '← iq/result' 'an incoming stanza passed the filter "out iq"'
    expect_screen " Console [0-9]+ of $all stanzas — filter: out iq"
    type_line '/filter in ping|disco#items'
    wait_screen 'filter: in ping\|disco#items' || return
    settle
    refute_screen '→ iq/get' 'an outgoing stanza passed the filter "in ..."'
    type_line '/filter (unclosed'
    wait_screen '/filter: \(unclosed: ' || return
    type_line '/filter off'
    wait_screen "Console: filter off \\($all stanzas\\)|Console: filter off \\([0-9]+ stanzas\\)" || return
    tui_quit
}

# /search REGEX (and /TEXT in Console) selects the last match; n and N
# move between matches; the match is highlighted in the detail.
t_search_finds_and_n_N_move_between_matches() {
    SIZE=120x40
    tui_start || return
    wait_tree || return
    type_line "$(ping tui-s-1)"
    wait_reply_row tui-s-1 || return
    type_line "$(ping tui-s-2)"
    wait_reply_row tui-s-2 || return
    type_line '/search id=.tui-s-1'
    wait_selected 'id=tui-s-1 ' || return
    keys n
    wait_selected 'id=tui-s-1 ' || return
    type_line '/tui-s-2'
    wait_selected 'id=tui-s-2 ' || return
    type_line '/search (bad'
    wait_screen '/search: ' || return
    tui_quit
}

# /edit: $EDITOR writes the stanza; what it saved is checked and sent, and
# its reply paired; a broken text is not sent and /edit reopens it.
t_edit_sends_what_the_editor_saved() {
    local ed=$TD/editor.sh
    cat >"$ed" <<'EOF2'
#!/bin/sh
if grep -q broken "$1"; then
    printf "<iq type='get' id='tui-e-2' to='localhost'>\n  <ping xmlns='urn:xmpp:ping'/>\n</iq>\n" >"$1"
elif [ -s "$1" ]; then
    printf "<iq type='get' id='tui-e-1'><broken>\n" >"$1"
else
    printf "<iq type='get' id='tui-e-1' to='localhost'>\n  <ping xmlns='urn:xmpp:ping'/>\n</iq>\n" >"$1"
fi
EOF2
    chmod +x "$ed"
    SIZE=120x40
    TUI_EDITOR=$ed tui_start || return
    wait_tree || return
    type_line '/edit'
    wait_reply_row tui-e-1 || return
    type_line '/edit <iq/>'
    wait_screen 'not sent: line 2, column 1: .* \(/edit reopens it\)' || return
    type_line '/edit'
    wait_reply_row tui-e-2 || return
    tui_quit
}

# The reply to a typed stanza is selected and held (FROZEN) until f
# follows the newest again; f freezes; k moves up and End follows.
t_console_freezes_and_follows() {
    SIZE=120x40
    tui_start || return
    wait_tree || return
    type_line "$(ping tui-z-1)"
    wait_selected 'id=tui-z-1 +<-> reply' || return
    expect_screen 'FROZEN \(f follows\)'
    type_line "$(disco_items tui-z-2)"
    wait_selected 'id=tui-z-2 +<-> reply' || return
    keys f
    wait_screen 'following \(f freezes\)' || return
    keys f
    wait_screen 'FROZEN \(f follows\)' || return
    keys k
    wait_selected 'id=tui-z-2 +<-> result' || return
    keys End
    wait_screen 'following \(f freezes\)' || return
    tui_quit
}

# The line between the Console's rows and its detail spans the pane to
# its right edge, in the border's colour (blue): "─", or "-" in the C
# locale. (ui_hline draws it in one call.)
t_console_separator_spans_the_pane() {
    local lang line
    SIZE=80x24
    for lang in C.UTF-8 C; do
        if [[ $lang == C ]]; then line=-; else line=─; fi
        TUI_LANG=$lang tui_start || return
        if [[ $lang == C ]]; then wait_tree '\+' || return; else wait_tree || return; fi
        type_line "$(ping "tui-sep-$RUN")"
        wait_selected "id=tui-sep-$RUN +<-> reply" || return
        expect_screen "^${line}{80}\$" "no $line line across the 80 columns ($lang)" || return
        screen_e | runs 34 '*' '*' | grep -qE "^[0-9]+	${line}{80}\$" ||
            fail "the $line line is not all in the border's blue ($lang)"
        tui_quit
    done
}

# A Finesse event in Console: the <Update> escaped in <notification> is
# shown parsed, as elements.
t_console_shows_the_escaped_update_parsed() {
    SIZE=120x40
    tui_start /finesse/api/User/1001001 || return
    wait_screen 'subscribed to /finesse/api/User/1001001' || return
    publish /finesse/api/User/1001001 user_not_ready_reason || return
    keys Escape 4
    wait_screen '← user 1001001 [A-Z_]+  message/headline .*/finesse/api/User/1001001' || return
    keys f
    select_row '← user 1001001 [A-Z_]+  message/headline' || return
    keys Enter
    wait_screen '<!-- escaped XML in the text, shown parsed: -->' || return
    expect_screen '^ +<Update>'
    expect_screen '^ +<loginId>1001001</loginId>'
    refute_screen '&lt;Update' 'the Update is still escaped'
    tui_quit
}

# /disconnect closes and stays offline (raw stanzas are refused), /connect
# logs in again; Ctrl-X Ctrl-E edits the input line in $EDITOR.
t_disconnect_connect_and_ctrl_x_ctrl_e() {
    local ed=$TD/editor.sh
    cat >"$ed" <<'EOF2'
#!/bin/sh
sed -i "s/id='tui-x-0'/id='tui-x-1'/" "$1"
EOF2
    chmod +x "$ed"
    SIZE=120x40
    TUI_EDITOR=$ed tui_start || return
    wait_tree || return
    type_line '/disconnect'
    wait_screen '^disconnected' || return
    expect_screen '^ supervisor@localhost │ offline │'
    type_line "$(ping tui-x-9)"
    wait_screen '^not sent: not connected \(/connect\)' || return
    type_line '/connect'
    wait_screen '^ supervisor@localhost │ (TCP, TLS, verified|TLS) │' || return
    keys "$(ping tui-x-0)" C-x C-e
    wait_reply_row tui-x-1 || return
    tui_quit
}

# A Finesse apiErrors Update (a request that failed): said on the message
# line with its requestId, and a row of perch's own in Console.
t_finesse_api_errors_show_in_console_and_on_the_message_line() {
    local dialogs=/finesse/api/User/1001002/Dialogs
    SIZE=160x48
    tui_start "$dialogs" || return
    wait_screen "^subscribed to $dialogs" || return
    publish "$dialogs" dialog_api_error || return
    wait_screen '^Finesse: Call Operation Failure: CF_RESOURCE_OUT_OF_SERVICE \(request 07f14a42-6b3c-4855-a4c9-af50ab5e7cc6\)' || return
    expect_screen "! Finesse apiError on $dialogs: Call Operation Failure: CF_RES"
    tui_quit
}

# /save without --pretty: each stanza on one line as the console holds it
# (a Finesse Update's escaped text left escaped), after a line with its
# date, time and zone; ~ is the home directory.
t_save_writes_stanzas_as_held_with_iso_dates_under_home() {
    local file=$HOME/saved-raw.xml n
    SIZE=80x24
    rm -f "$file"
    tui_start || return
    wait_tree || return
    type_line "/sub /finesse/api/User/1001001"
    wait_screen '^subscribed to /finesse/api/User/1001001' || return
    publish /finesse/api/User/1001001 user_not_ready_reason || return
    # the service sent the notification before it answered the publisher:
    # it is in before the reply to this
    type_line "$(disco_items tui-raw)"
    wait_reply_row tui-raw || return
    type_line "/save ~/saved-raw.xml"
    wait_screen "^saved [0-9]+ stanzas to $HOME/saved-raw" || return
    n=$(sed -nE 's/^saved ([0-9]+) stanzas.*/\1/p' <<<"$SCREEN")
    [[ -s $file ]] || { fail "/save ~/… wrote nothing to $file"; return 1; }
    [[ $(stat -c %a "$file") == 600 ]] || fail "mode $(stat -c %a "$file")"
    # a date line and one stanza line each, nothing else
    [[ $(grep -cE "$SAVED_DATE" "$file") == "$n" ]] || fail "$n stanzas, dates: $(grep -cE "$SAVED_DATE" "$file")"
    [[ $(wc -l <"$file") == $((2 * n)) ]] || fail "$(wc -l <"$file") lines for $n stanzas"
    grep -q '&lt;Update&gt;&lt;data&gt;&lt;user&gt;' "$file" || fail "the Update is not kept escaped"
    ! grep -q '<Update>' "$file" || fail "an Update was unescaped"
    grep -q "^<iq [^>]*id=.tui-raw.*<query xmlns=.http://jabber.org/protocol/disco#items./></iq>$" "$file" ||
        fail "the sent disco#items is not one line in $file"
    tui_quit
}

# /save writes what came in as the server sent it, byte for byte: a
# notification spelt oddly but validly (attribute order and quotes,
# whitespace inside tags and between elements, a character reference for
# "<", an escaped Update) from tests/tools/evilxmpp, whose bytes are
# known (Prosody re-serialises, so only a scripted server can say what the
# wire held). The console's own serialisation is shown by --pretty only.
t_save_writes_the_bytes_as_received() {
    local file=$HOME/saved-wire.xml unit=$TD/odd.xml ready=$TD/evil.ready evil_pid port
    local odd="<message to=\"supervisor@localhost/evil\"  from='pubsub.localhost' id = \"odd-1\"><event xmlns='http://jabber.org/protocol/pubsub#event'>  <items node=\"/finesse/api/User/1001001\"><item id='odd-item'	><notification xmlns=\"http://jabber.org/protocol/pubsub\">&#x3C;Update&gt;&lt;data&gt;&lt;user&gt;&lt;loginId&gt;1001001&lt;/loginId&gt;&lt;state&gt;READY&lt;/state&gt;&lt;/user&gt;&lt;/data&gt;&lt;event&gt;PUT&lt;/event&gt;&#x3c;/Update&#62;</notification></item> </items></event></message>"
    printf '%s\n' "$odd" >"$unit"
    rm -f "$file"
    "$ROOT/build/tools/evilxmpp" events "$unit" 1 >"$ready" 2>"$TD/evil.log" &
    evil_pid=$!
    # shellcheck disable=SC2064 # the pid now
    trap "kill -TERM $evil_pid 2>/dev/null" EXIT
    port=$(tool_port "$ready" evilxmpp) || return 1
    CONN=(-j "supervisor@localhost" --password-env SUP_PW -s 127.0.0.1
        -p "$port" --tls off --allow-plaintext-auth)
    SIZE=100x30
    tui_start || return
    wait_screen '^ supervisor@localhost' 10 || return
    type_line "/sub /finesse/api/User/1001001"
    wait_screen '1001001 .* 1 ev' 10 || return
    keys F4
    wait_screen 'odd-1' || return
    type_line "/save ~/saved-wire.xml"
    wait_screen "^saved [0-9]+ stanzas to $HOME/saved-wire" || return
    grep -qxF -- "$odd" "$file" ||
        fail "the notification is not in $file as sent: $(grep -F 'odd-1' "$file" | head -c 700)"
    [[ $(grep -cF 'odd-1' "$file") == 1 ]] || fail "odd-1 saved $(grep -cF 'odd-1' "$file") times"
    # what perch sent is as perch sent it, one line
    grep -q "^<iq [^>]*type=.set.*<subscribe [^>]*node=./finesse/api/User/1001001.*</iq>$" "$file" ||
        fail "the subscribe is not one line in $file: $(grep -F subscribe "$file" | head -c 400)"
    type_line "/save --pretty ~/saved-wire.pretty"
    wait_screen "^saved [0-9]+ stanzas to $HOME/saved-wire.pretty" || return
    ! grep -qF -- "$odd" "$HOME/saved-wire.pretty" || fail "--pretty wrote the wire bytes"
    grep -qx "<message from='pubsub.localhost' id='odd-1' to='supervisor@localhost/evil'>" "$HOME/saved-wire.pretty" ||
        fail "--pretty did not write the notification re-serialised: $(grep -A3 odd-1 "$HOME/saved-wire.pretty" | head -c 400)"
    grep -qx ' *<state>READY</state>' "$HOME/saved-wire.pretty" || fail "--pretty did not show the Update parsed"
    tui_quit
    kill -TERM "$evil_pid" 2>/dev/null
    wait "$evil_pid" 2>/dev/null
    trap - EXIT
}

# Against Prosody: what /save wrote for a notification is the very text
# the --record file holds for it (both the bytes received).
t_save_and_record_hold_the_same_bytes() {
    local file=$HOME/saved-rec.xml rec=$TD/console.jsonl line esc
    rm -f "$file" "$rec"
    SIZE=80x24
    tui_start --record "$rec" || return
    wait_tree || return
    type_line "/sub /finesse/api/User/1001002"
    wait_screen '^subscribed to /finesse/api/User/1001002' || return
    publish /finesse/api/User/1001002 user_not_ready_reason || return
    type_line "$(disco_items tui-rec)"
    wait_reply_row tui-rec || return
    type_line "/save ~/saved-rec.xml"
    wait_screen "^saved [0-9]+ stanzas to $HOME/saved-rec" || return
    tui_quit
    # Prosody's own spelling (single quotes), not perch's serialisation
    # (double quotes): the bytes received
    line=$(grep -m1 "^<message .*node='/finesse/api/User/1001002'" "$file") ||
        { fail "no notification as Prosody spells it in $file: $(grep -m1 'User/1001002' "$file" | head -c 300)"; return 1; }
    ! grep -q "^<message .*node=\"/finesse/api/User/1001002\"" "$file" ||
        fail "a notification saved as perch serialises it"
    esc=${line//\\/\\\\}
    esc=${esc//\"/\\\"}
    grep -qF -- "\"kind\":\"stanza\",\"dir\":\"in\",\"xml\":\"$esc\"}" "$rec" ||
        fail "the saved notification is not the recorded one: $(grep -m1 'User/1001002.*item id' "$rec" | head -c 600)"
}
