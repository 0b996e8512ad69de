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

REV=HEAD         # the commit measured; see build_revision in lib.sh
NODES=3          # the default cluster size of `pitstop up`
ITEMS=100        # rows GET /api/items returns: a realistic body, not an empty list
DURATION=20      # seconds per measured wrk run
WARMUP=30        # seconds per path before measuring: the JIT of the gateway and of every node must be done
ROUNDS=3         # measured runs per path; the report gives each and the median
THREADS=2
CONNECTIONS=32

usage() { sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

parse_args() {
  while (($#)); do
    case $1 in
      --rev) REV=$2 ;;
      --nodes) NODES=$2 ;;
      --items) ITEMS=$2 ;;
      --duration) DURATION=$2 ;;
      --warmup) WARMUP=$2 ;;
      --rounds) ROUNDS=$2 ;;
      --threads) THREADS=$2 ;;
      --connections) CONNECTIONS=$2 ;;
      -h | --help) usage ;;
      *) log "unknown option $1"; usage ;;
    esac
    shift 2
  done
}

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
  local i
  for ((i = 1; i <= ITEMS; i++)); do
    curl -sf -o /dev/null -X POST -H 'Content-Type: application/json' \
      -d "{\"name\":\"bench item $i\"}" "$GATEWAY/api/items" || die "POST /api/items failed at item $i"
  done
  # Both paths must answer the same thing, or the comparison means nothing.
  local via_gateway direct
  via_gateway="$(curl -sf "$GATEWAY/api/items" | jq length)"
  direct="$(curl -sf "$DIRECT/api/items" | jq length)"
  [[ $via_gateway == "$ITEMS" && $direct == "$ITEMS" ]] \
    || die "GET /api/items returned $via_gateway items via the gateway and $direct direct; expected $ITEMS"
}

# Runs wrk against URL for SECONDS; prints "req_per_s p99_ms errors requests".
run_wrk() {
  local url=$1 seconds=$2 out
  out="$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"${seconds}s" --timeout 5s --latency "$url")"
  echo "$out" | awk '
    /Requests\/sec:/ { rps = $2 }
    / requests in / { requests = $1 }
    $1 == "99%" {
      v = $2
      if (v ~ /us$/) { sub(/us$/, "", v); p99 = v / 1000 }
      else if (v ~ /ms$/) { sub(/ms$/, "", v); p99 = v }
      else if (v ~ /s$/) { sub(/s$/, "", v); p99 = v * 1000 }
    }
    /Non-2xx or 3xx responses:/ { errors += $NF }
    /Socket errors:/ { gsub(/,/, ""); errors += $4 + $6 + $8 + $10 }
    END { printf "%.0f %.2f %d %d\n", rps, p99, errors, requests }'
}

# CPU time (user + system, in clock ticks) the given processes have used so far.
cpu_ticks() {
  local pid total=0 fields
  for pid in "$@"; do
    # Fields after the command name, which is in parentheses and may hold spaces: utime is the
    # 12th, stime the 13th of them (14 and 15 of the whole line).
    fields="$(sed 's/^.*) //' "/proc/$pid/stat")"
    total=$((total + $(echo "$fields" | awk '{ print $12 + $13 }')))
  done
  echo "$total"
}

# The gateway runs inside the supervisor's JVM, the nodes are its child processes. Their CPU time
# per request says where the cost of the extra hop goes, which throughput alone cannot.
find_processes() {
  SUPERVISOR_PID="$(jq -r .pid "$HOME_DIR/cluster.json")"
  mapfile -t NODE_PIDS < <(pgrep -P "$SUPERVISOR_PID" -f dev.pitstop.node.NodeMain)
  ((${#NODE_PIDS[@]} == NODES)) || die "found ${#NODE_PIDS[@]} node processes under the supervisor, expected $NODES"
}

# Microseconds of CPU per request from a tick delta.
cpu_us_per_request() { awk -v t="$1" -v hz="$CLK_TCK" -v n="$2" 'BEGIN { printf "%.0f\n", t * 1e6 / hz / n }'; }

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
  CLK_TCK="$(getconf CLK_TCK)"
  find_processes
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

# The values of column NAME (an array ROW_NAME) on the rows of PATH.
column_of() {
  local -n column="ROW_$1"
  local i
  for i in "${!ROW_PATH[@]}"; do
    [[ ${ROW_PATH[i]} == "$2" ]] && echo "${column[i]}"
  done
}

report() {
  local i path rps p99 gw_cpu nodes_cpu
  declare -A med
  for path in gateway direct; do
    for col in RPS P99 GW_CPU NODES_CPU; do
      # shellcheck disable=SC2046 # one number per line, split on purpose
      med[$path.$col]="$(median $(column_of "$col" "$path"))"
    done
  done
  echo "Command: \`bench/gateway.sh --rev $COMMIT --nodes $NODES --items $ITEMS --duration $DURATION --warmup $WARMUP" \
    "--rounds $ROUNDS --threads $THREADS --connections $CONNECTIONS\`"
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
  parse_args "$@"
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
