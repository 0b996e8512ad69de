#!/usr/bin/env bash
# What clients see during an online upgrade of a large table, against the offline upgrade of the
# same change, under the same steady load, in the same run: `pitstop upgrade --to 1.3.0 --online`
# from 1.1.0 (items gain a slug: a column, an index built concurrently, a batched backfill of every
# row, then a validated NOT NULL), then `pitstop upgrade --to 1.3.0` without --online.
#
#   bench/online.sh [--rev COMMIT] [--rows N] [--threads N] [--connections N] [--think-ms MS]
#                   [--writes PERCENT] [--warmup S] [--phase-seconds S] [--ready-timeout S] > report.md
#
# --rows: items generated in app.items (default 5000000). The load is wrk through the gateway:
# --threads and --connections (default 2 and 8) as wrk's -t and -c, each connection waiting
# --think-ms (default 20) after each answer before its next request; --writes percent (default 10)
# of the requests are POST /api/items, the others GET /api/items/{id} of a random generated item.
# Each upgrade is measured in three phases: before (--phase-seconds, default 20, after --warmup
# seconds not counted, default 20), during (from the upgrade command's start to its exit) and after
# (--phase-seconds, right after the command exits). --ready-timeout (default 1800) is each cluster's
# ready-timeout-seconds: the offline upgrade's first node runs every migration, the backfill of all
# rows included, before it is ready, which takes longer than the default 180 s at millions of rows
# on a busy machine (the upgrade then rolls back). Builds COMMIT (default HEAD) in a temporary
# export, installs the SQL parser the online upgrade lints with (npm ci), and runs each upgrade on
# a three-node 1.1.0 cluster of its own (embedded PostgreSQL, built-in gateway, a temporary home,
# free loopback ports), filled the same way; the online one first, brought down before the offline
# one starts. Needs wrk, psql (Debian's postgresql-client), Node.js and npm. Prints a Markdown
# report on stdout, progress on stderr. Stops everything it started on exit.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

REV=HEAD
ROWS=5000000
THREADS=2
CONNECTIONS=8
THINK_MS=20
WRITES=10
WARMUP=20
PHASE_SECONDS=20
READY_TIMEOUT=1800

# --- the build -----------------------------------------------------------------------------------

# The online upgrade lints the release's migrations with PostgreSQL's parser, which runs on Node.js
# from the export's pitstop-lint/parser: installed there, at the versions the commit's lock file pins.
install_sql_parser() {
  log "installing the SQL parser of $COMMIT (npm ci in $SRC/pitstop-lint/parser)"
  npm ci --prefix "$SRC/pitstop-lint/parser" --no-audit --no-fund >"$WORK/npm.log" 2>&1 \
    || { cat "$WORK/npm.log" >&2; die "npm ci of the SQL parser failed; the output above says why"; }
  export PITSTOP_SQL_PARSER="$SRC/pitstop-lint/parser"
}

# --- the clusters and their data -----------------------------------------------------------------

# A three-node 1.1.0 cluster in $WORK/MODE; sets HOME_DIR and GATEWAY, points psql at its database.
start_cluster() {
  local mode=$1 port
  HOME_DIR="$WORK/$mode"
  port="$(free_port)"
  HOMES+=("$HOME_DIR")
  log "$mode: starting a three-node 1.1.0 cluster in $HOME_DIR, gateway on port $port"
  pitstop --home "$HOME_DIR" up --detach --nodes 3 --port "$port" --release "$RELEASE" >"$WORK/$mode-up.log" 2>&1 \
    || { cat "$WORK/$mode-up.log" >&2; die "pitstop up failed"; }
  GATEWAY="http://127.0.0.1:$port"
  echo "ready-timeout-seconds: $READY_TIMEOUT" >"$HOME_DIR/pitstop.yml"
  use_cluster_db "$HOME_DIR"
}

# Items 1 to ROWS as 1.1.0 has them (its trigger gives each its sku), vacuumed and analysed as a
# table that has been in use would be.
generate_data() {
  local mode=$1 t0
  log "$mode: generating $ROWS items in app.items"
  t0="$(now_ms)"
  psql -q -v ON_ERROR_STOP=1 >&2 <<SQL
INSERT INTO app.items (id, name, created_at)
    SELECT g, 'item ' || g || ' ' || md5(g::text), timestamptz '2024-01-01' + g * interval '3 seconds'
    FROM generate_series(1, $ROWS) g;
ALTER SEQUENCE app.items_id_seq RESTART WITH $((ROWS + 1));
VACUUM ANALYZE app.items;
CHECKPOINT;
SQL
  DB_BYTES="$(psql -Atc "SELECT pg_database_size(current_database())")"
  ITEMS_BYTES="$(psql -Atc "SELECT pg_total_relation_size('app.items')")"
  log "$mode: generated in $(ms_to_s $(($(now_ms) - t0))) s; database $(numfmt --to=iec "$DB_BYTES")" \
    "(app.items with its indexes: $(numfmt --to=iec "$ITEMS_BYTES"))"
}

# --- the load ------------------------------------------------------------------------------------

# wrk's script: random existing items read, a share of new ones written, a pause after each answer
# (so the load is a steady trickle, not all the machine can serve); it counts answers by kind and
# notes the first and last second a request failed, and prints one "bench:" line at the end.
write_wrk_script() {
  WRK_SCRIPT="$WORK/load.lua"
  cat >"$WRK_SCRIPT" <<'LUA'
local threads = {}

function setup(thread)
  thread:set("number", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  rows, think, writes = tonumber(args[1]), tonumber(args[2]), tonumber(args[3])
  math.randomseed(os.time() * 100 + number)
  ok, created, unavailable, other, first_failed, last_failed = 0, 0, 0, 0, 0, 0
end

function request()
  if math.random(100) <= writes then
    return wrk.format("POST", "/api/items", { ["Content-Type"] = "application/json" }, '{"name":"Load Item"}')
  end
  return wrk.format("GET", "/api/items/" .. math.random(rows))
end

function delay()
  return think
end

function response(status, headers, body)
  if status >= 200 and status < 300 then
    ok = ok + 1
    if status == 201 then created = created + 1 end
    return
  end
  if status == 503 then unavailable = unavailable + 1 else other = other + 1 end
  local now = os.time()
  if first_failed == 0 then first_failed = now end
  last_failed = now
end

function done(summary, latency, requests)
  local sum = { ok = 0, created = 0, unavailable = 0, other = 0 }
  local first, last = 0, 0
  for _, thread in ipairs(threads) do
    for key in pairs(sum) do sum[key] = sum[key] + thread:get(key) end
    local f, l = thread:get("first_failed"), thread:get("last_failed")
    if f > 0 and (first == 0 or f < first) then first = f end
    if l > last then last = l end
  end
  local e = summary.errors
  io.write(string.format("bench: %d %.3f %d %d %d %d %d %.3f %.3f %.3f %d %d\n", summary.requests,
    summary.duration / 1e6, sum.ok, sum.created, sum.unavailable, sum.other,
    e.connect + e.read + e.write + e.timeout, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, first, last))
end
LUA
}

# wrk's command line for a run of DURATION (wrk's syntax: 20s, 24h), as the array WRK.
wrk_command() {
  WRK=(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$1" --timeout 5s -s "$WRK_SCRIPT" "$GATEWAY" -- "$ROWS" "$THINK_MS" "$WRITES")
}

# Reads the "bench:" line of a wrk run's output into the entries KEY of the PH_* arrays.
record_phase() {
  local key=$1 out=$2 line
  line="$(grep '^bench: ' "$out")" || { cat "$out" >&2; die "wrk printed no result for $key"; }
  read -r _ PH_REQUESTS[$key] PH_SECONDS[$key] PH_OK[$key] PH_CREATED[$key] PH_503[$key] PH_OTHER[$key] \
    PH_SOCKET[$key] PH_P50[$key] PH_P99[$key] PH_MAX[$key] PH_FIRST_FAILED[$key] PH_LAST_FAILED[$key] <<<"$line"
  log "$key: ${PH_REQUESTS[$key]} requests in ${PH_SECONDS[$key]} s, ${PH_503[$key]} answered 503," \
    "${PH_OTHER[$key]} other non-2xx, ${PH_SOCKET[$key]} socket errors; p99 ${PH_P99[$key]} ms"
}
declare -A PH_REQUESTS PH_SECONDS PH_OK PH_CREATED PH_503 PH_OTHER PH_SOCKET PH_P50 PH_P99 PH_MAX \
  PH_FIRST_FAILED PH_LAST_FAILED

# A wrk run of SECONDS in the foreground, recorded as KEY.
load_phase() {
  local key=$1 seconds=$2
  log "$key: wrk for ${seconds}s"
  wrk_command "${seconds}s"
  "${WRK[@]}" >"$WORK/$key.wrk" 2>&1 || { cat "$WORK/$key.wrk" >&2; die "wrk failed in $key"; }
  record_phase "$key" "$WORK/$key.wrk"
}

# --- the upgrade under load ----------------------------------------------------------------------

# wrk runs from just before the upgrade command starts until it exits (stopped by SIGINT, on which
# wrk prints its results), so "during" is the command's whole run, preflight and JVM start included.
upgrade_under_load() {
  local mode=$1 wrk_pid t0 status=0 args=(upgrade --to "$TARGET" --yes)
  [[ $mode == online ]] && args+=(--online)
  wrk_command 24h
  "${WRK[@]}" >"$WORK/$mode.during.wrk" 2>&1 &
  wrk_pid=$!
  PIDS+=("$wrk_pid")
  log "$mode: pitstop ${args[*]} (the steps follow as they finish)"
  t0="$(now_ms)"
  UPGRADE_START_S[$mode]=$((t0 / 1000))
  pitstop --home "$HOME_DIR" "${args[@]}" 2>&1 | tee "$WORK/$mode-upgrade.out" >&2 || status=$?
  UPGRADE_WALL[$mode]="$(ms_to_s $(($(now_ms) - t0)))"
  kill -INT "$wrk_pid"
  wait "$wrk_pid" || true
  record_phase "$mode.during" "$WORK/$mode.during.wrk"
  ((status == 0)) || die "pitstop upgrade ($mode) exited with $status; its output is above (node logs: $HOME_DIR/logs)"
  DOWNTIME[$mode]="$(sed -n 's/.*downtime (status page up to traffic back): \([0-9.]*\) s.*/\1/p' \
    "$WORK/$mode-upgrade.out" | tail -1)"
  [[ $mode == online || -n ${DOWNTIME[$mode]} ]] || die "the offline upgrade printed no downtime line"
  local kind=upgrade
  [[ $mode == online ]] && kind=online-upgrade
  pitstop --home "$HOME_DIR" history --json \
    | jq -e --arg kind "$kind" '[.procedures[] | select(.kind == $kind)][0]' >"$WORK/$mode-procedure.json" \
    || die "history --json has no $kind"
  PROCEDURE_SECONDS[$mode]="$(jq -r .seconds "$WORK/$mode-procedure.json")"
}
declare -A UPGRADE_START_S UPGRADE_WALL DOWNTIME PROCEDURE_SECONDS ROWS_CREATED

# Every generated item kept its data and got its slug, the load's writes are all there, every node
# runs 1.3.0: a benchmark of an upgrade that lost rows is no result.
check_outcome() {
  local mode=$1 counts versions created=0 key kept wrong
  counts="$(psql -Atc "SELECT count(*) FILTER (WHERE id <= $ROWS) || ' ' || count(*) FILTER (WHERE id > $ROWS)
      || ' ' || count(*) FILTER (WHERE slug IS DISTINCT FROM lower(name) OR sku IS DISTINCT FROM 'ITEM-' || id)
      FROM app.items")"
  read -r kept ROWS_CREATED[$mode] wrong <<<"$counts"
  [[ $kept == "$ROWS" && $wrong == 0 ]] \
    || die "$mode: after the upgrade app.items has $kept of the $ROWS generated items and $wrong rows without their slug or sku"
  for key in "$mode.warmup" "$mode.before" "$mode.during" "$mode.after"; do
    created=$((created + ${PH_CREATED[$key]}))
  done
  CREATED_SEEN[$mode]=$created
  versions="$(pitstop --home "$HOME_DIR" status --json | jq -r '[.nodes[].version] | unique | join(",")')"
  [[ $versions == 1.3.0 ]] || die "$mode: after the upgrade the nodes report versions $versions"
  log "$mode: outcome: the $ROWS items kept, each with its slug; ${ROWS_CREATED[$mode]} rows created by the" \
    "load (it saw $created answers 201); every node on 1.3.0"
}
declare -A CREATED_SEEN

run_mode() {
  local mode=$1
  start_cluster "$mode"
  generate_data "$mode"
  MODE_DB_BYTES[$mode]=$DB_BYTES MODE_ITEMS_BYTES[$mode]=$ITEMS_BYTES
  load_phase "$mode.warmup" "$WARMUP"
  load_phase "$mode.before" "$PHASE_SECONDS"
  upgrade_under_load "$mode"
  load_phase "$mode.after" "$PHASE_SECONDS"
  check_outcome "$mode"
  cluster_down "$HOME_DIR"
}
declare -A MODE_DB_BYTES MODE_ITEMS_BYTES

# --- report --------------------------------------------------------------------------------------

phase_row() {
  local label=$1 key=$2 failed
  failed=$((${PH_503[$key]} + ${PH_OTHER[$key]} + ${PH_SOCKET[$key]}))
  echo "| $label | ${PH_SECONDS[$key]} | ${PH_REQUESTS[$key]} |" \
    "$(awk -v n="${PH_REQUESTS[$key]}" -v s="${PH_SECONDS[$key]}" 'BEGIN { printf "%.0f", n / s }') |" \
    "${PH_503[$key]} | ${PH_OTHER[$key]} | ${PH_SOCKET[$key]} | **$failed** | ${PH_P50[$key]} | **${PH_P99[$key]}** |" \
    "${PH_MAX[$key]} |"
}

# When clients saw failures, in seconds after the upgrade command started (wrk's clock has a
# resolution of one second).
failure_window() {
  local mode=$1 key="$1.during"
  if ((${PH_FIRST_FAILED[$key]} == 0)); then
    echo "none"
  else
    echo "from $((${PH_FIRST_FAILED[$key]} - ${UPGRADE_START_S[$mode]})) s to" \
      "$((${PH_LAST_FAILED[$key]} - ${UPGRADE_START_S[$mode]})) s after the command started"
  fi
}

mode_md() {
  local mode=$1 title=$2
  echo "#### $title"
  echo
  echo "| phase | seconds | requests | req/s | 503 | other non-2xx | socket errors | **failed** | p50 ms | **p99 ms** | max ms |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
  phase_row "before (every node on 1.1.0)" "$mode.before"
  phase_row "during (the \`upgrade\` command, start to exit)" "$mode.during"
  phase_row "after (every node on 1.3.0, right after)" "$mode.after"
  echo
  echo "Failed requests during the upgrade: $(failure_window "$mode"). The load created" \
    "${ROWS_CREATED[$mode]} items in this cluster (wrk saw ${CREATED_SEEN[$mode]} answers 201); the $ROWS generated" \
    "items all kept their data and got their slug; every node reports 1.3.0."
  echo
  echo "| step (from \`history --json\`) | seconds |"
  echo "|---|---:|"
  jq -r '.steps[] | select(.rollback | not) | "| \(.position). \(.name) | \(.seconds) |"' "$WORK/$mode-procedure.json"
  [[ $mode == offline ]] && echo "| **downtime** (status page up to traffic back, as \`upgrade\` reports it) | **${DOWNTIME[$mode]}** |"
  echo
  echo "The procedure took ${PROCEDURE_SECONDS[$mode]} s in the journal; the \`upgrade\` command" \
    "${UPGRADE_WALL[$mode]} s of wall time (with its preflight and JVM start)."
  echo
}

report() {
  local failed_online failed_offline
  failed_online=$((${PH_503[online.during]} + ${PH_OTHER[online.during]} + ${PH_SOCKET[online.during]}))
  failed_offline=$((${PH_503[offline.during]} + ${PH_OTHER[offline.during]} + ${PH_SOCKET[offline.during]}))
  echo "Command: \`bench/online.sh --rev $COMMIT --rows $ROWS --threads $THREADS --connections $CONNECTIONS" \
    "--think-ms $THINK_MS --writes $WRITES --warmup $WARMUP --phase-seconds $PHASE_SECONDS --ready-timeout $READY_TIMEOUT\`"
  echo
  environment_md
  echo "- data: $ROWS items in \`app.items\`; database $(numfmt --to=iec "${MODE_DB_BYTES[online]}") before the" \
    "online upgrade, $(numfmt --to=iec "${MODE_DB_BYTES[offline]}") before the offline one (\`app.items\` with its" \
    "indexes $(numfmt --to=iec "${MODE_ITEMS_BYTES[online]}"))"
  echo "- clusters: 3 nodes of 1.1.0, built-in gateway, embedded PostgreSQL, all on this machine; the online upgrade" \
    "first, then the offline one on a second cluster filled the same way (the first brought down before);" \
    "ready-timeout-seconds $READY_TIMEOUT in both"
  echo "- load: \`wrk -t$THREADS -c$CONNECTIONS -d<phase> --timeout 5s -s load.lua GATEWAY -- $ROWS $THINK_MS $WRITES\`" \
    "(the script's \`load.lua\`) through the" \
    "gateway: each connection waits $THINK_MS ms after an answer before its next request (wrk's \`delay()\`);" \
    "$WRITES % of the requests are \`POST /api/items\`, the others \`GET /api/items/{id}\` of a random generated" \
    "item. A closed loop, not a constant rate: a slow answer delays its connection's next request, so the" \
    "rate drops when latency rises and the latencies of a stall are under-counted (wrk2's \`-R\` is not" \
    "installed). Latency is wrk's, from sending a request to its answer; the pause is not in it. *failed* is" \
    "every answer that is not 2xx plus wrk's socket errors (connect, read, write, 5 s timeout). Before: after a" \
    "${WARMUP}s warm-up, not counted"
  echo
  mode_md online "Online: \`pitstop upgrade --to 1.3.0 --online --yes\`"
  mode_md offline "Offline, the same change: \`pitstop upgrade --to 1.3.0 --yes\`"
  echo "#### Side by side"
  echo
  echo "| | online | offline |"
  echo "|---|---:|---:|"
  echo "| failed requests during the upgrade | **$failed_online** of ${PH_REQUESTS[online.during]} |" \
    "**$failed_offline** of ${PH_REQUESTS[offline.during]} |"
  echo "| p99 ms before / during / after | ${PH_P99[online.before]} / ${PH_P99[online.during]} /" \
    "${PH_P99[online.after]} | ${PH_P99[offline.before]} / ${PH_P99[offline.during]} / ${PH_P99[offline.after]} |"
  echo "| upgrade command, wall time s | **${UPGRADE_WALL[online]}** | **${UPGRADE_WALL[offline]}** |"
  echo "| procedure in the journal s | ${PROCEDURE_SECONDS[online]} | ${PROCEDURE_SECONDS[offline]} |"
  echo "| downtime s (status page up to traffic back) | none | **${DOWNTIME[offline]}** |"
  echo "| clients saw failures | $(failure_window online) | $(failure_window offline) |"
}

main() {
  parse_options --rev REV --rows ROWS --threads THREADS --connections CONNECTIONS --think-ms THINK_MS \
    --writes WRITES --warmup WARMUP --phase-seconds PHASE_SECONDS --ready-timeout READY_TIMEOUT -- "$@"
  require_packages wrk jq curl npm
  require_pg_client
  init_run
  build_revision "$REV"
  RELEASE="$SRC/demo/target/releases/1.1.0"
  TARGET="$SRC/demo/target/releases/1.3.0"
  [[ -d $RELEASE && -d $TARGET ]] || die "the build of $COMMIT has no demo releases 1.1.0 and 1.3.0 under demo/target/releases"
  install_sql_parser
  write_wrk_script
  await_quiet_machine
  run_mode online
  run_mode offline
  report
}

main "$@"
