#!/usr/bin/env bash
# Start-up times, each repeated and reported as the median:
#   A. one node's start to ready: from launching the node process to its first 200 from
#      /health/ready, against a database the cluster has already installed;
#   B. first start of an empty database: `pitstop up --detach --nodes 3` against `--nodes 1`,
#      measured in the same run.
#
#   bench/startup.sh [--rev COMMIT] [--repeat N] > report.md
#
# Builds COMMIT (default HEAD) in a temporary export and runs everything from there, in temporary
# homes on free loopback ports. Prints a Markdown report on stdout, progress on stderr. Stops
# everything it started on exit.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

REV=HEAD            # the commit measured; see build_revision in lib.sh
REPEAT=5            # samples per measurement; the median is reported, every sample is shown
READY_TIMEOUT=120   # seconds a node may take before the benchmark gives up on it
POLL_SECONDS=0.02   # /health/ready polling interval; with curl's own start-up, ~30 ms resolution

# --- A. one node, installed database -------------------------------------------------------------

bench_node_start() {
  local home="$WORK/installed" db_url db_user
  log "A: installing a one-node cluster to start nodes against"
  cluster_up "$home" 1
  db_url="$(jq -r .db.url "$home/cluster.json")"
  db_user="$(jq -r .db.user "$home/cluster.json")"
  node_start_samples "$REPEAT" A "$RELEASE" "$db_url" "$db_user" "$home/storage"
  cluster_down "$home"
}

# --- B. first start, empty database --------------------------------------------------------------

# Seconds spent starting nodes and waiting for them, summed from the step timings `up` prints:
# the part of a first start that depends on the node count (database and gateway start are fixed).
node_phase_seconds() {
  awk '
    /^  [0-9]+\. / { step = $0 }
    match($0, /done in [0-9.]+ s/) {
      if (step ~ /^  [0-9]+\. (start node|wait until node)/) sum += substr($0, RSTART + 8, RLENGTH - 10)
    }
    END { printf "%.1f\n", sum }' "$1"
}

# One first start of NODES nodes on an empty database; sets TOTAL_MS (until `up --detach` returned)
# and PHASE_S. In this shell, not a subshell, so the EXIT trap knows the home to bring down.
first_start() {
  local nodes=$1 sample=$2 home port t0 out
  home="$WORK/first-start-$nodes-$sample"
  out="$WORK/first-start-$nodes-$sample.log"
  port="$(free_port)"
  HOMES+=("$home")
  t0="$(now_ms)"
  pitstop --home "$home" up --detach --nodes "$nodes" --port "$port" --release "$RELEASE" >"$out" 2>&1 \
    || { cat "$out" >&2; die "pitstop up --nodes $nodes failed"; }
  TOTAL_MS=$(($(now_ms) - t0))
  PHASE_S="$(node_phase_seconds "$out")"
  cluster_down "$home"
  # Each sample starts from an empty database: no data directory is reused.
  rm -rf "$home"
}

bench_first_start() {
  local i nodes
  ONE_TOTAL=() ONE_PHASE=() THREE_TOTAL=() THREE_PHASE=()
  for ((i = 1; i <= REPEAT; i++)); do
    # Alternate the order, so a drift over the run (caches, other load) does not favour one size.
    local order=(1 3)
    ((i % 2 == 0)) && order=(3 1)
    for nodes in "${order[@]}"; do
      first_start "$nodes" "$i"
      if ((nodes == 1)); then
        ONE_TOTAL+=("$TOTAL_MS") ONE_PHASE+=("$PHASE_S")
      else
        THREE_TOTAL+=("$TOTAL_MS") THREE_PHASE+=("$PHASE_S")
      fi
      log "B: sample $i, $nodes node(s): up --detach returned after $TOTAL_MS ms; nodes phase ${PHASE_S}s"
    done
  done
}

# --- report --------------------------------------------------------------------------------------

report() {
  local i node_median one_total three_total one_phase three_phase
  node_median="$(median "${NODE_MS[@]}")"
  one_total="$(median "${ONE_TOTAL[@]}")" three_total="$(median "${THREE_TOTAL[@]}")"
  one_phase="$(median "${ONE_PHASE[@]}")" three_phase="$(median "${THREE_PHASE[@]}")"

  echo "Command: \`bench/startup.sh --rev $COMMIT --repeat $REPEAT\`"
  echo
  environment_md
  echo
  echo "#### A. One node, installed database: process start to \`/health/ready\` 200"
  echo
  echo "| sample | $(seq -s ' | ' 1 "$REPEAT") | **median** |"
  echo "|---|$(printf -- '---:|%.0s' $(seq 1 "$REPEAT"))---:|"
  echo "| seconds | $(for i in "${NODE_MS[@]}"; do printf '%s | ' "$(ms_to_s "$i")"; done)**$(ms_to_s "$node_median")** |"
  echo
  echo "#### B. First start on an empty database: \`pitstop up --detach\`, 3 nodes vs 1 node"
  echo
  echo "| nodes | measure | $(seq -s ' | ' 1 "$REPEAT") | **median** |"
  echo "|---|---|$(printf -- '---:|%.0s' $(seq 1 "$REPEAT"))---:|"
  echo "| 1 | \`up\` wall time, s | $(for i in "${ONE_TOTAL[@]}"; do printf '%s | ' "$(ms_to_s "$i")"; done)**$(ms_to_s "$one_total")** |"
  echo "| 1 | nodes phase, s | $(printf '%s | ' "${ONE_PHASE[@]}")**$one_phase** |"
  echo "| 3 | \`up\` wall time, s | $(for i in "${THREE_TOTAL[@]}"; do printf '%s | ' "$(ms_to_s "$i")"; done)**$(ms_to_s "$three_total")** |"
  echo "| 3 | nodes phase, s | $(printf '%s | ' "${THREE_PHASE[@]}")**$three_phase** |"
  echo
  echo "Ratio 3 nodes / 1 node: \`up\` wall time **$(ratio "$three_total" "$one_total")x**," \
    "nodes phase **$(ratio "$three_phase" "$one_phase")x**."
}

main() {
  parse_options --rev REV --repeat REPEAT -- "$@"
  require_packages jq curl
  init_run
  build_revision "$REV"
  await_quiet_machine
  bench_node_start
  bench_first_start
  report
}

main "$@"
