#!/usr/bin/env bash
# Gateway throughput and p99 latency for GET /api/items, against the same requests sent straight
# to one node, in the same run.
#
#   bench/gateway.sh [--rev COMMIT] [--nodes N] [--items N] [--duration S] [--warmup S] [--rounds N]
#                    [--threads N] [--connections N] > report.md
#
# Builds COMMIT (default HEAD) in a temporary export, starts a demo cluster there (embedded
# PostgreSQL, gateway, N nodes) in a temporary home, creates the items, warms both paths up, then
# runs wrk alternately through the gateway and straight at node-1, ROUNDS times each. Prints a
# Markdown report (command, environment, table, ratio) on stdout, progress on stderr. Stops
# everything it started on exit.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# The options and their defaults: parse_load_args in lib.sh.

start_cluster() {
  HOME_DIR="$WORK/home"
  GATEWAY_PORT="$(free_port)"
  HOMES+=("$HOME_DIR")
  log "starting $NODES node(s), gateway on port $GATEWAY_PORT"
  pitstop --home "$HOME_DIR" up --detach --nodes "$NODES" --port "$GATEWAY_PORT" --release "$RELEASE" >&2
  GATEWAY="http://127.0.0.1:$GATEWAY_PORT"
  DIRECT="$(pitstop --home "$HOME_DIR" status --json | jq -r '.nodes[0].url')"
}

create_items() {
  log "creating $ITEMS items through the gateway"
  post_items "$GATEWAY" "$ITEMS"
  # Both paths must answer the same thing, or the comparison means nothing.
  local via_gateway direct
  via_gateway="$(curl -sf "$GATEWAY/api/items" | jq length)"
  direct="$(curl -sf "$DIRECT/api/items" | jq length)"
  [[ $via_gateway == "$ITEMS" && $direct == "$ITEMS" ]] \
    || die "GET /api/items returned $via_gateway items via the gateway and $direct direct; expected $ITEMS"
}

# One measured wrk run on PATH (gateway or direct); appends a row to the ROW_* arrays.
measured_run() {
  local path=$1 round=$2 url gw_before nodes_before rps p99 err requests gw_cpu nodes_cpu
  if [[ $path == gateway ]]; then url="$GATEWAY/api/items"; else url="$DIRECT/api/items"; fi
  gw_before="$(cpu_ticks "$SUPERVISOR_PID")" nodes_before="$(cpu_ticks "${NODE_PIDS[@]}")"
  read -r rps p99 err requests < <(run_wrk "$url" "$DURATION")
  [[ -n ${requests:-} && $requests -gt 0 ]] || die "wrk gave no result for $path"
  gw_cpu="$(cpu_us_per_request $(($(cpu_ticks "$SUPERVISOR_PID") - gw_before)) "$requests")"
  nodes_cpu="$(cpu_us_per_request $(($(cpu_ticks "${NODE_PIDS[@]}") - nodes_before)) "$requests")"
  ROW_ROUND+=("$round") ROW_PATH+=("$path") ROW_RPS+=("$rps") ROW_P99+=("$p99")
  ROW_GW_CPU+=("$gw_cpu") ROW_NODES_CPU+=("$nodes_cpu") ROW_ERR+=("$err")
  log "round $round $path: $rps req/s, p99 $p99 ms, CPU/request: gateway ${gw_cpu}us, nodes ${nodes_cpu}us; $err errors"
}

measure() {
  # The gateway runs inside the supervisor's JVM, the nodes are its child processes. Their CPU time
  # per request says where the cost of the extra hop goes, which throughput alone cannot.
  find_cluster_processes "$HOME_DIR" "$NODES"
  log "warming up: ${WARMUP}s through the gateway, ${WARMUP}s direct"
  run_wrk "$GATEWAY/api/items" "$WARMUP" >/dev/null
  run_wrk "$DIRECT/api/items" "$WARMUP" >/dev/null
  ROW_ROUND=() ROW_PATH=() ROW_RPS=() ROW_P99=() ROW_GW_CPU=() ROW_NODES_CPU=() ROW_ERR=()
  local round path
  for ((round = 1; round <= ROUNDS; round++)); do
    # Alternate which path goes first, so a drift over the run does not favour one of them.
    local order=(gateway direct)
    ((round % 2 == 0)) && order=(direct gateway)
    for path in "${order[@]}"; do
      measured_run "$path" "$round"
    done
  done
}

report() {
  local i path rps p99 gw_cpu nodes_cpu
  declare -A med
  column_medians med RPS P99 GW_CPU NODES_CPU
  load_command_md
  echo
  environment_md
  echo "- load: \`wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s --latency\` on \`GET /api/items\` ($ITEMS items," \
    "$(curl -s "$DIRECT/api/items" | wc -c) bytes per response); the gateway in front of $NODES node(s) vs node-1" \
    "direct; ${WARMUP}s warm-up per path, not counted; CPU is user + system time of the gateway's JVM (the" \
    "supervisor) and of all node JVMs during the run, divided by the requests served"
  echo
  echo "| round | path | req/s | p99 ms | gateway CPU µs/req | nodes CPU µs/req | errors |"
  echo "|---|---|---:|---:|---:|---:|---:|"
  for i in "${!ROW_PATH[@]}"; do
    echo "| ${ROW_ROUND[i]} | ${ROW_PATH[i]} | ${ROW_RPS[i]} | ${ROW_P99[i]} | ${ROW_GW_CPU[i]} |" \
      "${ROW_NODES_CPU[i]} | ${ROW_ERR[i]} |"
  done
  for path in gateway direct; do
    echo "| **median** | **$path** | **${med[$path.RPS]%.*}** | **${med[$path.P99]}** |" \
      "**${med[$path.GW_CPU]%.*}** | **${med[$path.NODES_CPU]%.*}** | |"
  done
  echo
  echo "Ratio gateway/direct (medians): throughput **$(ratio "${med[gateway.RPS]}" "${med[direct.RPS]}")x**," \
    "p99 latency **$(ratio "${med[gateway.P99]}" "${med[direct.P99]}")x**."
}

main() {
  parse_load_args "$@"
  require_packages wrk jq curl
  init_run
  build_revision "$REV"
  await_quiet_machine
  start_cluster
  create_items
  measure
  report
  cluster_down "$HOME_DIR"
}

main "$@"
