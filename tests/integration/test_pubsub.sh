# Disco, pubsub and decoded events against Prosody; sourced by run.sh.
# shellcheck shell=bash

FIX=$ROOT/tests/fixtures/finesse
SUP=(-j "supervisor@$DOMAIN" "${TCP[@]}" --password-env SUP_PW --ca-file "$CA_FILE")
SUP_BOSH=(-j "supervisor@$DOMAIN" --password-env SUP_PW --bosh "$BOSH_HTTPS_URL" --ca-file "$CA_FILE")
export SUP_PW=$SUPERVISOR_PASS

# publish NODE FIXTURE [ITEM_ID]: the fixture's Update, escaped inside a
# <notification>, the way Finesse publishes.
publish() {
    local node=$1 fixture=$2 id=${3:-} update
    update=$(sed -e 's/&/\&amp;/g' -e 's/</\&lt;/g' -e 's/>/\&gt;/g' "$FIX/$fixture.update.xml")
    "$PERCH" send "${PUB[@]}" "<iq type='set' to='$PUBSUB'><pubsub $PS><publish node='$node'><item${id:+ id='$id'}><notification xmlns='http://jabber.org/protocol/pubsub'>$update</notification></item></publish></pubsub></iq>" >/dev/null
}

t_nodes_lists_what_the_publisher_created() {
    expect_rc 0 "$(p nodes "${AGENT[@]}")"
    for n in "${NODES[@]}"; do
        expect_out "^$n\$"
    done
    expect_rc 0 "$(p nodes "${AGENT[@]}" --json)"
    expect_out "^\\{\"jid\":\"$PUBSUB\",\"node\":\"/finesse/api/SystemInfo\"\\}\$"
}

t_info_shows_the_node_meta_data_and_fails_on_a_missing_node() {
    expect_rc 0 "$(p info "${AGENT[@]}" /finesse/api/SystemInfo)"
    expect_out '^identity  pubsub/leaf'
    expect_out 'pubsub#access_model = open'
    expect_rc 1 "$(p info "${AGENT[@]}" /no/such/node)"
    expect_err 'item-not-found'
}

t_items_returns_published_items_decoded() {
    publish /finesse/api/User/1001001 user_not_ready_reason it1
    expect_rc 0 "$(p items "${AGENT[@]}" --json /finesse/api/User/1001001)"
    expect_out '"kind":"user"'
    expect_out '"loginId":"1001001"'
    expect_out '"state":"NOT_READY"'
    expect_out '"label":"Lunch"'
    expect_out "\"service\":\"$PUBSUB\""
    expect_rc 0 "$(p items "${AGENT[@]}" /finesse/api/User/1001001)"
    expect_out 'PUT +user +1001001 +Ada Lovelace +NOT_READY \(Lunch\)'
    expect_rc 1 "$(p items "${AGENT[@]}" /no/such/node)"
}

t_subscribe_list_unsubscribe_round_trip() {
    expect_rc 0 "$(p subscribe "${AGENT[@]}" /finesse/api/SystemInfo)"
    expect_out '^subscribed /finesse/api/SystemInfo'
    expect_rc 0 "$(p subscriptions "${AGENT[@]}" --json)"
    expect_out "\"node\":\"/finesse/api/SystemInfo\",\"jid\":\"agent@$DOMAIN\".*\"subscription\":\"subscribed\""
    expect_rc 0 "$(p unsubscribe "${AGENT[@]}" /finesse/api/SystemInfo)"
    expect_out '^unsubscribed /finesse/api/SystemInfo'
    expect_rc 0 "$(p subscriptions "${AGENT[@]}")"
    ! grep -q SystemInfo "$OUT" || fail "still subscribed"
    expect_rc 1 "$(p subscribe "${AGENT[@]}" /no/such/node)"
    expect_err 'item-not-found'
}

# watch_run NAME CONN...: starts watch --json --count 3 on the team and
# dialogs nodes, publishes three events in order, waits for it to end.
watch_run() {
    local name=$1 rc=0 pid
    shift
    "$PERCH" watch "$@" --json --count 3 /finesse/api/Team/5000/Users \
        /finesse/api/User/1001001/Dialogs >"$WORK/$name.out" 2>"$WORK/$name.err" &
    pid=$!
    wait_for "$WORK/$name.err" 'watching 2 nodes'
    publish /finesse/api/User/1001001/Dialogs dialogs_post_alerting
    publish /finesse/api/Team/5000/Users team_user_put
    publish /finesse/api/User/1001001/Dialogs dialog_put_active
    wait "$pid" || rc=$?
    cp "$WORK/$name.out" "$OUT"
    cp "$WORK/$name.err" "$ERR"
    expect_rc 0 "$rc"
}

check_three_events_in_order() {
    [[ $(wc -l <"$OUT") == 3 ]] || fail "$(wc -l <"$OUT") events, expected 3"
    sed -n 1p "$OUT" | grep -q '"event":"POST".*"kind":"dialogs".*"state":"ALERTING"' ||
        fail "first is not the POSTed ALERTING dialog"
    sed -n 2p "$OUT" | grep -q '"kind":"user"' || fail "second is not the team user"
    sed -n 3p "$OUT" | grep -q '"kind":"dialogs".*"state":"ACTIVE"' || fail "third is not the ACTIVE dialog"
    ! grep -q '"kind":"raw"' "$OUT" || fail "an event was not decoded"
}

t_watch_count_gets_exactly_n_events_in_order_and_cleans_up() {
    watch_run watch_tcp "${SUP[@]}"
    check_three_events_in_order
    expect_rc 0 "$(p subscriptions "${SUP[@]}")"
    [[ ! -s $OUT ]] || fail "subscriptions left behind: $(cat "$OUT")"
}

t_watch_over_bosh_gets_the_same_events() {
    watch_run watch_bosh "${SUP_BOSH[@]}"
    check_three_events_in_order
    expect_rc 0 "$(p subscriptions "${SUP[@]}")"
    [[ ! -s $OUT ]] || fail "subscriptions left behind: $(cat "$OUT")"
}

t_watch_keeps_a_subscription_it_did_not_create() {
    expect_rc 0 "$(p subscribe "${SUP[@]}" /finesse/api/SystemInfo)"
    local rc=0 pid
    "$PERCH" watch "${SUP[@]}" --json /finesse/api/SystemInfo /finesse/api/User/1001001 \
        >"$WORK/keep.out" 2>"$WORK/keep.err" &
    pid=$!
    wait_for "$WORK/keep.err" 'watching 2 nodes \(1 new subscription\)'
    kill -TERM "$pid"
    wait "$pid" || rc=$?
    expect_rc 0 "$rc"
    expect_rc 0 "$(p subscriptions "${SUP[@]}")"
    expect_out '^/finesse/api/SystemInfo '
    ! grep -q 'User/1001001' "$OUT" || fail "the created subscription was left"
    p unsubscribe "${SUP[@]}" /finesse/api/SystemInfo >/dev/null
}

t_watch_shows_retract_purge_and_node_delete() {
    local rc=0 pid node=/finesse/api/User/2002002
    expect_rc 0 "$(p send "${PUB[@]}" "<iq type='set' to='$PUBSUB'><pubsub $PS><create node='$node'/></pubsub></iq>")"
    publish "$node" user_ready keep1
    "$PERCH" watch "${SUP[@]}" --json --count 4 "$node" >"$WORK/rp.out" 2>"$WORK/rp.err" &
    pid=$!
    wait_for "$WORK/rp.err" 'watching 1 node'
    publish "$node" user_ready gone1
    p send "${PUB[@]}" "<iq type='set' to='$PUBSUB'><pubsub $PS><retract node='$node' notify='true'><item id='gone1'/></retract></pubsub></iq>" >/dev/null
    p send "${PUB[@]}" "<iq type='set' to='$PUBSUB'><pubsub xmlns='http://jabber.org/protocol/pubsub#owner'><purge node='$node'/></pubsub></iq>" >/dev/null
    p send "${PUB[@]}" "<iq type='set' to='$PUBSUB'><pubsub xmlns='http://jabber.org/protocol/pubsub#owner'><delete node='$node'/></pubsub></iq>" >/dev/null
    wait "$pid" || rc=$?
    cp "$WORK/rp.out" "$OUT"
    cp "$WORK/rp.err" "$ERR"
    expect_rc 0 "$rc"
    sed -n 1p "$OUT" | grep -q '"item":"gone1".*"kind":"user"' || fail "first is not the published item"
    sed -n 2p "$OUT" | grep -q '"item":"gone1","kind":"retract"' || fail "second is not the retraction"
    sed -n 3p "$OUT" | grep -q "\"node\":\"$node\",\"kind\":\"purge\"" || fail "third is not the purge"
    sed -n 4p "$OUT" | grep -q "\"node\":\"$node\",\"kind\":\"delete\"" || fail "fourth is not the deletion"
}

# Options may follow the NODEs (they were taken for NODEs); after -- every
# word is a NODE.
t_options_after_a_node_are_options() {
    publish /finesse/api/User/1001001 user_not_ready_reason it1
    expect_rc 0 "$(p items /finesse/api/User/1001001 "${AGENT[@]}" --json --max 1)"
    expect_out '^\{"time":.*"kind":"user"'
    expect_rc 1 "$(p items "${AGENT[@]}" -- --json)"
    expect_err '^perch: --json: item-not-found'
}
