#!/usr/bin/env bash
# The embedded database killed under load: how long until clients get a fast 503, and how long
# after PostgreSQL is back until the cluster serves every item again.
#
#   bench/faults.sh [--rev COMMIT] [--nodes N] [--items N] [--rounds N] [--threads N] [--connections N] > report.md
#
# Builds COMMIT (default HEAD) in a temporary export, starts a demo cluster there (durable embedded
# PostgreSQL, gateway, N nodes) and creates the items. Each round runs wrk on GET /api/items through
# the gateway, kills the embedded PostgreSQL with SIGKILL 5 s in, and polls the gateway every 20 ms
# with curl meanwhile (its own requests, beside wrk's). Measured per round, from the kill: the first
# 503 (and how long that answer took: one already waiting for a pooled connection when the database
# died gives up after the pool's 1 s), the first fast 503 (answered within 200 ms: the nodes'
# database check has noticed), PostgreSQL accepting connections again (restarted by the
# supervisor), and the first 200 with all the items after it; wrk's totals for the round. Prints a
# Markdown report on stdout, progress on stderr. Stops everything it started on exit.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

REV=HEAD NODES=3 ITEMS=100 ROUNDS=3 THREADS=2 CONNECTIONS=32
WRK_SECONDS=40   # long enough to cover the outage and some service after it
FAST_MS=200      # a 503 answered within this is a fast one
parse_options --rev REV --nodes NODES --items ITEMS --rounds ROUNDS --threads THREADS --connections CONNECTIONS -- "$@"

# Prints "status seconds" of one GET through the gateway; 000 when nothing answered within 5 s.
probe() {
  curl -s -o "$WORK/probe.body" -w '%{http_code} %{time_total}\n' --max-time 5 "$GATEWAY/api/items" || echo "000 5"
}

postmaster_pid() { head -1 "$HOME_DIR/db/postmaster.pid"; }

# One round: sets ROW_* entries.
round() {
  local n=$1 wrk_pid killed t status took first503="" first503_took="" fast503="" db_back="" served="" old_pid
  run_wrk "$GATEWAY/api/items" "$WRK_SECONDS" >"$WORK/wrk-$n.txt" &
  wrk_pid=$!
  PIDS+=("$wrk_pid")
  sleep 5
  old_pid="$(postmaster_pid)"
  killed="$(now_ms)"
  kill -KILL "$old_pid"
  log "round $n: killed PostgreSQL (pid $old_pid)"
  while [[ -z $served ]]; do
    t=$(($(now_ms) - killed))
    ((t < 60000)) || die "round $n: the cluster did not serve all items within 60 s of the kill"
    read -r status took < <(probe)
    if [[ $status == 503 ]]; then
      took="$(awk -v s="$took" 'BEGIN { printf "%.0f", s * 1000 }')"
      [[ -n $first503 ]] || first503=$(($(now_ms) - killed)) first503_took="$took"
      [[ -n $fast503 ]] || ((took >= FAST_MS)) || fast503=$(($(now_ms) - killed))
    fi
    if [[ -z $db_back ]] && [[ $(postmaster_pid 2>/dev/null) != "$old_pid" ]] \
      && psql -Atqc 'SELECT 1' >/dev/null 2>&1; then
      db_back=$(($(now_ms) - killed))
    fi
    if [[ -n $db_back && $status == 200 ]] && [[ $(jq length "$WORK/probe.body") == "$ITEMS" ]]; then
      served=$(($(now_ms) - killed))
    fi
    sleep 0.02
  done
  wait "$wrk_pid" || die "wrk failed in round $n"
  read -r rps p99 err requests <"$WORK/wrk-$n.txt"
  ROW_503+=("${first503:-none}") ROW_503_TOOK+=("${first503_took:-}") ROW_FAST+=("${fast503:-none}") ROW_DB+=("$db_back")
  ROW_SERVED+=("$served") ROW_AFTER_DB+=($((served - db_back))) ROW_REQ+=("$requests") ROW_ERR+=("$err")
  log "round $n: first 503 after ${first503:-never} ms (answered in ${first503_took:-?} ms), first fast 503 after" \
    "${fast503:-never} ms, database back after" \
    "$db_back ms, all items served after $served ms; wrk: $requests requests, $err errors"
}

main() {
  init_run
  require_packages wrk curl jq
  require_pg_client
  REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  build_revision "$REV"
  HOME_DIR="$WORK/home"
  GATEWAY_PORT="$(free_port)"
  HOMES+=("$HOME_DIR")
  pitstop --home "$HOME_DIR" up --detach --nodes "$NODES" --port "$GATEWAY_PORT" --release "$RELEASE" >&2
  GATEWAY="http://127.0.0.1:$GATEWAY_PORT"
  use_cluster_db "$HOME_DIR"
  post_items "$GATEWAY" "$ITEMS"
  await_quiet_machine
  ROW_503=() ROW_503_TOOK=() ROW_FAST=() ROW_DB=() ROW_SERVED=() ROW_AFTER_DB=() ROW_REQ=() ROW_ERR=()
  local i
  for ((i = 1; i <= ROUNDS; i++)); do
    round "$i"
    sleep 5 # the supervisor's restart backoff starts over only after a minute of uptime; keep rounds apart
  done

  echo "Command: \`bench/faults.sh --rev $COMMIT --nodes $NODES --items $ITEMS --rounds $ROUNDS --threads $THREADS" \
    "--connections $CONNECTIONS\`"
  echo
  environment_md
  echo "- database: embedded PostgreSQL $(psql -Atc 'SHOW server_version'), fsync $(psql -Atc 'SHOW fsync')"
  echo
  echo "| round | first 503 after the kill | that 503 answered in | first fast 503 (< $FAST_MS ms) after the kill | PostgreSQL back (restarted by the supervisor) | all items served again | served again after PostgreSQL was back | wrk requests | wrk non-2xx answers and socket errors (the 503s of the outage count here) |"
  echo "|---|---|---|---|---|---|---|---|---|"
  for ((i = 0; i < ROUNDS; i++)); do
    echo "| $((i + 1)) | ${ROW_503[i]} ms | ${ROW_503_TOOK[i]} ms | ${ROW_FAST[i]} ms | ${ROW_DB[i]} ms | ${ROW_SERVED[i]} ms | ${ROW_AFTER_DB[i]} ms | ${ROW_REQ[i]} | ${ROW_ERR[i]} |"
  done
  echo
  echo "Medians: first 503 $(median "${ROW_503[@]}") ms after the kill, first fast 503 $(median "${ROW_FAST[@]}") ms;" \
    "PostgreSQL accepting connections $(median "${ROW_DB[@]}") ms after the kill; all items served again" \
    "$(median "${ROW_AFTER_DB[@]}") ms after PostgreSQL accepted connections again ($(median "${ROW_SERVED[@]}") ms after the kill)."
}

main
