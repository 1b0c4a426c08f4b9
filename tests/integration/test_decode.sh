# perch decode: captured events decoded offline (no server needed);
# sourced by run.sh.
# shellcheck shell=bash

DECODE_FIX=$ROOT/tests/fixtures

t_decode_bosh_body_prints_two_events() {
    expect_rc 0 "$(p decode "$DECODE_FIX/xmpp/bosh_body_two_events.xml")"
    [[ $(wc -l <"$OUT") == 2 ]] || fail "expected two lines"
    expect_out '^PUT +user +47483648 +Isaac Newton +READY$'
    expect_out '^POST +dialogs +16817512 +ALERTING +6125551234 -> 1001002 +ACD_IN$'
    awk 'length($0) > 80 { bad = 1 } END { exit bad }' "$OUT" ||
        fail "a line is wider than 80 columns"
}

t_decode_json_gives_user_fields() {
    expect_rc 0 "$(p decode --json "$DECODE_FIX/finesse/user_not_ready_reason.stanza.xml")"
    [[ $(wc -l <"$OUT") == 1 ]] || fail "expected one JSON line"
    expect_out '^\{"service":"pubsub.fin1.ucce.local","node":"/finesse/api/User/1001001","item":"item-user_not_ready_reason","event":"PUT"'
    expect_out '"kind":"user","user":\{"loginId":"1001001","loginName":"ada","firstName":"Ada","lastName":"Lovelace"'
    expect_out '"state":"NOT_READY"'
    expect_out '"reasonCode":\{"id":"12","code":"32","label":"Lunch","category":"NOT_READY"'
    expect_out '"roles":\["Agent"\]'
}

t_decode_reads_stdin_and_several_files() {
    local rc=0
    "$PERCH" decode --json - "$DECODE_FIX/finesse/queue_stats.update.xml" \
        <"$DECODE_FIX/finesse/special_chars.stanza.xml" >"$OUT" 2>"$ERR" || rc=$?
    expect_rc 0 "$rc"
    [[ $(wc -l <"$OUT") == 2 ]] || fail "expected two JSON lines"
    expect_out '"callVariable1":"Smith & Sons <VIP>"'
    expect_out '"statistics":\{"callsInQueue":3,'
}

t_decode_input_without_event_exits_1() {
    expect_rc 1 "$(p decode "$DECODE_FIX/xmpp/bosh_body_empty.xml")"
    expect_err 'no pubsub item'
    [[ ! -s $OUT ]] || fail "printed something"
    printf 'HTTP/1.1 200 OK\r\n\r\nnothing here\n' >"$WORK/plain.txt"
    expect_rc 1 "$(p decode "$WORK/plain.txt")"
    expect_err 'no <message>, <iq>, <body> or <Update> element'
}

t_decode_missing_file_exits_2() {
    expect_rc 2 "$(p decode "$WORK/no-such-file.xml")"
    expect_err "cannot open .*no-such-file.xml: No such file or directory"
    expect_rc 2 "$(p decode --bogus)"
    expect_err 'unknown option --bogus'
}

t_decode_shows_broken_payloads_raw_and_goes_on() {
    cat "$DECODE_FIX/finesse/truncated.stanza.xml" "$DECODE_FIX/finesse/user_ready.stanza.xml" \
        >"$WORK/mixed.xml"
    expect_rc 0 "$(p decode "$WORK/mixed.xml")"
    expect_out '^- +raw +/finesse/api/User/1001001: the <Update> document does not'
    expect_out '^PUT +user +47483648'
}

# The lifecycle's shapes: a user DELETE (empty <data>, the id in <source>)
# is a user event, and an Update a log escaped twice is decoded.
t_decode_reads_a_user_delete_and_an_update_escaped_twice() {
    expect_rc 0 "$(p decode --json "$DECODE_FIX/finesse/user_delete.stanza.xml" \
        "$DECODE_FIX/finesse/escaped_twice.stanza.xml")"
    [[ $(wc -l <"$OUT") == 2 ]] || fail "expected two JSON lines"
    expect_out '"item":"item-user_delete","event":"DELETE","source":"/finesse/api/User/1001002","requestId":"","kind":"user","user":\{"loginId":"1001002","uri":"/finesse/api/User/1001002"\}\}$'
    expect_out '"item":"item-escaped_twice","event":"PUT",.*"kind":"user","user":\{.*"state":"TALKING"'
    expect_rc 0 "$(p decode "$DECODE_FIX/finesse/user_delete.stanza.xml")"
    expect_out '^DELETE +user +1001002$'
}
