#!/usr/bin/env bash
# The mock platform under wrk, as issue 17 measured it: a release
# `idflow serve --no-callbacks` on a fresh SQLite file (or --db URL for
# PostgreSQL), wrk -t2 -c32, 3 s warm-up, then IDFLOW_WRK_SECONDS (15) per
# endpoint, loopback only. Prints req/s, p50 and p99 beside the Prism mock
# server's figures on this machine and the goal.
#
#   cargo build --release && bash benches/platform-wrk.sh [--db postgres://...]
#
# IDFLOW_BIN: another idflow binary (e.g. an earlier release, for
# alternating before/after runs).
#
# Needs wrk, curl and jq. Whole journeys run from
# benches/platform-journey.lua. The in-process bench (`cargo bench -p
# idflow-server --bench load`) measures the same; its client shares the
# two cores with the server, so its figures are lower.
set -euo pipefail
cd "$(dirname "$0")/.."

for tool in wrk curl jq; do
    command -v "$tool" >/dev/null || { echo "platform-wrk: $tool is not installed" >&2; exit 2; }
done
bin="${IDFLOW_BIN:-target/release/idflow}"
[ -x "$bin" ] || { echo "platform-wrk: build it first: cargo build --release" >&2; exit 2; }
seconds="${IDFLOW_WRK_SECONDS:-15}"
work="$(mktemp -d)"
db="$work/server.sqlite"
if [ "${1:-}" = "--db" ] && [ -n "${2:-}" ]; then db="$2"; fi
port=$(( 20000 + RANDOM % 20000 ))
base="http://127.0.0.1:$port"

token="$("$bin" token create --db "$db" --role publisher --name "wrk-$$-$RANDOM")"
RUST_LOG=warn "$bin" serve --db "$db" --bind "127.0.0.1:$port" --no-callbacks >"$work/serve.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 100); do curl -s -o /dev/null "$base/openapi.json" && break; sleep 0.1; done

valid='{"customerInternalReference":"load","userReference":"scenario:ALL_PASS","workflowDefinition":{"key":10011}}'
invalid='{"userReference":"scenario:ALL_PASS","workflowDefinition":{"key":10011}}'

script() { # METHOD BODY -> a wrk Lua script
    local lua="$work/$RANDOM.lua"
    {
        echo "wrk.method = \"$1\""
        [ -n "$2" ] && echo "wrk.body = '$2'"
        echo 'wrk.headers["Content-Type"] = "application/json"'
        echo "wrk.headers[\"Authorization\"] = \"Bearer $token\""
    } >"$lua"
    echo "$lua"
}

measure() { # NAME URL LUA PRISM_RPS PRISM_P99 GOAL_RPS GOAL_P99
    wrk -t2 -c32 -d3s -s "$3" "$2" >/dev/null
    local out rps p50 p99 errors
    out="$(wrk -t2 -c32 -d"${seconds}s" --latency -s "$3" "$2")"
    rps="$(awk '/Requests\/sec/ {print $2}' <<<"$out")"
    p50="$(awk '$1 == "50%" {print $2}' <<<"$out")"
    p99="$(awk '$1 == "99%" {print $2}' <<<"$out")"
    errors="$(awk '/Non-2xx/ {print $5}' <<<"$out")"
    python3 - "$1" "$rps" "$p50" "$p99" "${errors:-0}" "$4" "$5" "$6" "$7" <<'PY'
import sys
name, rps, p50, p99, errors, prism_rps, prism_p99, goal_rps, goal_p99 = sys.argv[1:]
def ms(text):
    for unit, factor in (("us", 0.001), ("ms", 1.0), ("s", 1000.0)):
        if text.endswith(unit):
            return float(text[: -len(unit)]) * factor
    return float(text)
rps, p50, p99 = float(rps), ms(p50), ms(p99)
prism_rps, prism_p99, goal_rps, goal_p99 = map(float, (prism_rps, prism_p99, goal_rps, goal_p99))
met = rps >= goal_rps and p99 < goal_p99
print(f"{name}: {rps:,.0f} req/s, p50 {p50:.2f} ms, p99 {p99:.2f} ms, non-2xx {errors}")
if prism_rps > 0:
    print(f"  Prism {prism_rps:,.0f} req/s, p99 {prism_p99:.0f} ms: {rps / prism_rps:.1f}x the requests/s, p99 {prism_p99 / p99:.1f}x lower; "
          f"goal >= {goal_rps:,.0f} req/s with p99 < {goal_p99:g} ms: {'met' if met else 'NOT met'}")
else:
    print(f"  goal >= {goal_rps:,.0f} req/s with p99 < {goal_p99:g} ms: {'met' if met else 'NOT met'}")
PY
}

# A PROCESSED execution for the details measurement.
created="$(curl -sf -X POST -H "Authorization: Bearer $token" -H 'Content-Type: application/json' -d "$valid" "$base/api/v1/accounts")"
execution="$(jq -r '.workflowExecution.credentials[0].api.workflowExecution' <<<"$created")"
curl -sf -o /dev/null -X PUT -H "Authorization: Bearer $token" "$execution"
for _ in $(seq 100); do
    [ "$(curl -sf -H "Authorization: Bearer $token" "$execution/status" | jq -r .workflowExecution.status)" = PROCESSED ] && break
    sleep 0.05
done

echo "idflow serve (release, ${db%%://*}), wrk -t2 -c32, ${seconds} s per endpoint"
# Issue 17's goal for account creation: 20,000 req/s, p99 < 10 ms on
# SQLite; 5,000 req/s, p99 < 20 ms on a local PostgreSQL.
if [ "${db%%://*}" = postgres ]; then create_goal=(5000 20); else create_goal=(20000 10); fi
measure "POST /api/v1/accounts (valid)" "$base/api/v1/accounts" "$(script POST "$valid")" 908 133 "${create_goal[@]}"
measure "POST /api/v1/accounts (invalid, 400)" "$base/api/v1/accounts" "$(script POST "$invalid")" 1080 100 10800 10
measure "GET execution details (PROCESSED)" "$execution" "$(script GET '')" 927 140 30000 5
measure "GET published workflow (store API)" "$base/api/store/v1/workflows/10011/versions/1" "$(script GET '')" 0 0 20000 10

# Whole journeys (create, every API part, finalize, status until
# PROCESSED, details): one Lua state per connection, so -t32 -c32.
IDFLOW_TOKEN="$token" wrk -t32 -c32 -d3s -s benches/platform-journey.lua "$base" >/dev/null
journeys="$(IDFLOW_TOKEN="$token" wrk -t32 -c32 -d"${seconds}s" -s benches/platform-journey.lua "$base" | awk '/^journeys:/ {sub(/^journeys: /, ""); print}')"
echo "Whole journeys at 32 connections: $journeys"
echo "  goal >= 1,000 journeys/s"

# A returning user (issue 29): an account with IDFLOW_WRK_HISTORY (1,000)
# earlier PROCESSED executions of 10011, then new executions on it of a
# copy of 10011 whose ID is Reusable Identity (reused from the account:
# only the selfie is uploaded). Reuse reads the account's records, so
# these figures show what a long history costs.
history="${IDFLOW_WRK_HISTORY:-1000}"
store() { # METHOD PATH [IF-MATCH BODY] -> the store API's answer
    curl -sf -X "$1" -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
        ${3:+-H "If-Match: \"$3\""} ${4:+--data-binary "$4"} "$base/api/store/v1$2"
}
ri_key="$(store POST /workflows/10011/duplicate | jq -r .key)"
draft="$(store GET "/workflows/$ri_key")"
workflow="$(jq -c '.workflow | .nodes |= map(if .kind.ACQUISITION.category? == "ID"
    then .kind.ACQUISITION.acquisition_type = "REUSABLE_IDENTITY" else . end)' <<<"$draft")"
revision="$(store PUT "/workflows/$ri_key/draft" "$(jq -r .revision <<<"$draft")" "$workflow" | jq -r .revision)"
store POST "/workflows/$ri_key/publish" "$revision" '{"note":"bench: Reusable Identity"}' >/dev/null
account="$(curl -sf -X POST -H "Authorization: Bearer $token" -H 'Content-Type: application/json' -d "$valid" "$base/api/v1/accounts" | jq -r .account.id)"
seeded=0
while [ "$seeded" -lt "$history" ]; do
    done_now="$(IDFLOW_TOKEN="$token" IDFLOW_ACCOUNT="$account" wrk -t8 -c8 -d2s -s benches/platform-journey.lua "$base" | awk '/^journeys:/ {print $2}')"
    seeded=$(( seeded + ${done_now:-0} ))
done
echo "An account with $seeded earlier PROCESSED executions; Reusable Identity workflow $ri_key:"
measure "PUT /api/v1/accounts/{id} (Reusable Identity, $seeded earlier executions)" "$base/api/v1/accounts/$account" "$(script PUT "{\"customerInternalReference\":\"load\",\"userReference\":\"scenario:ALL_PASS\",\"workflowDefinition\":{\"key\":$ri_key}}")" 0 0 "${create_goal[@]}"
IDFLOW_TOKEN="$token" IDFLOW_ACCOUNT="$account" IDFLOW_KEY="$ri_key" wrk -t32 -c32 -d3s -s benches/platform-journey.lua "$base" >/dev/null
journeys="$(IDFLOW_TOKEN="$token" IDFLOW_ACCOUNT="$account" IDFLOW_KEY="$ri_key" wrk -t32 -c32 -d"${seconds}s" -s benches/platform-journey.lua "$base" | awk '/^journeys:/ {sub(/^journeys: /, ""); print}')"
echo "Returning users' journeys on that account at 32 connections: $journeys"
echo "  goal >= 1,000 journeys/s"
