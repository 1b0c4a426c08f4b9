# perch simulate against Prosody; sourced by run.sh.
# shellcheck shell=bash

# digest_of FILE: the digest of simulate's closing line.
digest_of() {
    sed -n 's/^simulate: [0-9]* events, [0-9]* errors, digest \([0-9a-f]*\)$/\1/p' "$1"
}

t_simulate_creates_the_finesse_node_set_and_reuses_it() {
    local n
    # run.sh created some of these nodes already: a conflict is fine
    expect_rc 0 "$(p simulate "${PUB[@]}" --agents 3 --teams 2 --queues 2 \
        --rate 500 --count 40 --seed 5)"
    expect_err '^simulate: 40 events, 0 errors, digest [0-9a-f]{16}$'
    expect_rc 0 "$(p nodes "${AGENT[@]}")"
    for n in /finesse/api/SystemInfo /finesse/api/Queue/1 /finesse/api/Queue/2 \
        /finesse/api/Team/5000/Users /finesse/api/Team/5001/Users; do
        expect_out "^$n\$"
    done
    for n in 1001001 1001002 1001003; do
        expect_out "^/finesse/api/User/$n\$"
        expect_out "^/finesse/api/User/$n/Dialogs\$"
        expect_out "^/finesse/api/User/$n/Queues\$"
        expect_out "^/finesse/api/User/$n/ClientLog\$"
    done
}

t_simulate_same_seed_prints_the_same_digest() {
    local a b c
    expect_rc 0 "$(p simulate "${PUB[@]}" --agents 5 --rate 2000 --count 300 --seed 9)"
    a=$(digest_of "$ERR")
    expect_rc 0 "$(p simulate "${PUB[@]}" --agents 5 --rate 2000 --count 300 --seed 9)"
    b=$(digest_of "$ERR")
    expect_rc 0 "$(p simulate "${PUB[@]}" --agents 5 --rate 2000 --count 300 --seed 10)"
    c=$(digest_of "$ERR")
    [[ -n $a && $a == "$b" ]] || fail "same seed, digests '$a' and '$b'"
    [[ $a != "$c" ]] || fail "another seed gave the same digest $a"
}

t_simulate_refuses_bad_options() {
    expect_rc 2 "$(p simulate "${PUB[@]}" --agents 0)"
    expect_err 'agents'
    expect_rc 2 "$(p simulate "${PUB[@]}" --rate)"
    expect_rc 2 "$(p simulate "${PUB[@]}" somenode)"
}

# A supervisor watching one agent, its dialogs and its team sees decoded
# events only, and at least one call from ringing to its end.
t_simulate_watch_decodes_a_whole_call() {
    local pid rc=0 out=$WORK/simwatch.out err=$WORK/simwatch.err
    "$PERCH" watch "${SUP[@]}" --json /finesse/api/User/1001001 \
        /finesse/api/User/1001001/Dialogs /finesse/api/Team/5000/Users \
        >"$out" 2>"$err" &
    pid=$!
    wait_for "$err" 'watching 3 nodes'
    expect_rc 0 "$(p simulate "${PUB[@]}" --agents 2 --teams 1 --queues 1 \
        --rate 400 --count 1200 --seed 3 --no-outage)"
    expect_err '^simulate: 1200 events, 0 errors'
    # the last call seen through to its end: what is asserted below is in
    wait_for "$out" '"event":"DELETE".*"kind":"dialogs".*"state":"DROPPED"'
    kill -TERM "$pid"
    wait "$pid" || rc=$?
    expect_rc 0 "$rc"
    cp "$err" "$ERR"
    ! grep -q '"kind":"raw"' "$out" || fail "a raw event: $(grep -m1 '"kind":"raw"' "$out")"
    grep -q '"node":"/finesse/api/User/1001001".*"kind":"user"' "$out" || fail "no user event"
    grep -q '"node":"/finesse/api/Team/5000/Users".*"kind":"user"' "$out" || fail "no team event"
    grep -q '"node":"/finesse/api/User/1001001/Dialogs","item":"[^"]*","event":"POST".*"state":"ALERTING"' "$out" ||
        fail "no ALERTING dialog"
    grep -q '"event":"PUT".*"kind":"dialogs".*"state":"ACTIVE"' "$out" || fail "no ACTIVE dialog"
    grep -q '"event":"DELETE".*"kind":"dialogs".*"state":"DROPPED"' "$out" || fail "no dropped dialog"
}
