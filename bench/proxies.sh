#!/usr/bin/env bash
# Throughput and p99 latency of GET /api/items through the built-in gateway, nginx and HAProxy,
# each in front of the same nodes, in the same run.
#
#   bench/proxies.sh [--rev COMMIT] [--nodes N] [--items N] [--duration S] [--warmup S] [--rounds N]
#                    [--threads N] [--connections N] > report.md
#
# Builds COMMIT (default HEAD) in a temporary export and starts a demo cluster there with
# traffic: nginx, so the nginx configuration is the one Pitstop writes; the built-in gateway runs
# as always. HAProxy gets deploy/haproxy/haproxy.cfg with the node slots filled in statically.
# nginx and HAProxy are this run's own processes on free ports (installed from Debian's packages
# when missing). Warms each path up, then runs wrk on the three alternately, ROUNDS times each.
# Prints a Markdown report on stdout, progress on stderr. Stops everything it started on exit.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# The options and their defaults: parse_load_args in lib.sh (nginx and HAProxy need no warm-up,
# but get the same as the gateway).
PATHS=(gateway nginx haproxy)   # in round 1's order; each round starts one later

# nginx's own master in the foreground, with a prefix in the run's directory; its http block
# includes the file Pitstop writes. Workers as many as CPUs, as Debian's default configuration has.
start_nginx() {
  NGINX_DIR="$WORK/nginx"
  NGINX_PORT="$(free_port)"
  mkdir -p "$NGINX_DIR/temp"
  cat >"$NGINX_DIR/nginx.conf" <<CONF
user root;
worker_processes auto;
pid $NGINX_DIR/nginx.pid;
error_log $NGINX_DIR/error.log;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path $NGINX_DIR/temp/client;
    proxy_temp_path $NGINX_DIR/temp/proxy;
    fastcgi_temp_path $NGINX_DIR/temp/fastcgi;
    uwsgi_temp_path $NGINX_DIR/temp/uwsgi;
    scgi_temp_path $NGINX_DIR/temp/scgi;
    include $NGINX_DIR/pitstop*.conf;
}
CONF
  nginx -p "$NGINX_DIR/" -c "$NGINX_DIR/nginx.conf" -g 'daemon off;' >"$NGINX_DIR/nginx.out" 2>&1 &
  PIDS+=("$!")
  NGINX_PID=$!
  local nginx="nginx -p $NGINX_DIR/ -c $NGINX_DIR/nginx.conf"
  cat >"$WORK/pitstop.yml" <<YML
traffic: nginx
nginx:
  include-file: $NGINX_DIR/pitstop.conf
  listen: 127.0.0.1:$NGINX_PORT
  test-command: $nginx -t
  reload-command: $nginx -s reload
YML
}

start_cluster() {
  HOME_DIR="$WORK/home"
  GATEWAY_PORT="$(free_port)"
  HOMES+=("$HOME_DIR")
  log "starting $NODES node(s), gateway on port $GATEWAY_PORT, nginx on $NGINX_PORT (steered by Pitstop)"
  pitstop --home "$HOME_DIR" --config "$WORK/pitstop.yml" up --detach --nodes "$NODES" --port "$GATEWAY_PORT" \
    --release "$RELEASE" >&2
  URL_gateway="http://127.0.0.1:$GATEWAY_PORT"
  URL_nginx="http://127.0.0.1:$NGINX_PORT"
}

# deploy/haproxy/haproxy.cfg, moved into the run's directory, with a server line per node instead
# of the slots Pitstop would point at them.
start_haproxy() {
  local dir="$WORK/haproxy" servers="" url i=0
  HAPROXY_PORT="$(free_port)"
  mkdir -p "$dir"
  while read -r url; do
    i=$((i + 1))
    servers+="    server node$i ${url#http://} check inter 500ms fall 2 rise 1\n"
  done < <(pitstop --home "$HOME_DIR" status --json | jq -r '.nodes[].url')
  sed -e "s#/etc/haproxy/#$dir/#g" -e "s#/run/haproxy/admin.sock#$dir/admin.sock#" \
    -e "s#bind :8080#bind 127.0.0.1:$HAPROXY_PORT#" -e "s#^    server-template .*#$servers#" \
    "$SRC/deploy/haproxy/haproxy.cfg" >"$dir/haproxy.cfg"
  cp "$SRC/deploy/haproxy/pitstop-503.http" "$SRC/deploy/haproxy/pitstop.map" "$dir/"
  haproxy -db -f "$dir/haproxy.cfg" >"$dir/haproxy.out" 2>&1 &
  PIDS+=("$!")
  HAPROXY_PID=$!
  URL_haproxy="http://127.0.0.1:$HAPROXY_PORT"
  log "HAProxy on port $HAPROXY_PORT in front of the same $i node(s)"
}

create_items() {
  log "creating $ITEMS items through the gateway"
  post_items "$URL_gateway" "$ITEMS"
  local i path count url_of
  # Every path must answer the same thing, or the comparison means nothing.
  for path in "${PATHS[@]}"; do
    url_of="URL_$path"
    for ((i = 0; i < 50; i++)); do
      count="$(curl -sf "${!url_of}/api/items" | jq length 2>/dev/null)" && break
      sleep 0.2
    done
    [[ ${count:-} == "$ITEMS" ]] || die "GET /api/items through $path returned '${count:-nothing}'; expected $ITEMS items"
  done
}

# The processes of each proxy: the supervisor's JVM holds the gateway; nginx's workers are
# children of its master; HAProxy is one process with a thread per CPU.
find_processes() {
  find_cluster_processes "$HOME_DIR" "$NODES"
  PROCS_gateway="$SUPERVISOR_PID"
  PROCS_nginx="$NGINX_PID $(pgrep -P "$NGINX_PID" | tr '\n' ' ')"
  PROCS_haproxy="$HAPROXY_PID"
}

measured_run() {
  local path=$1 round=$2 proxy_before nodes_before rps p99 err requests proxy_cpu nodes_cpu
  local -n url="URL_$path" procs="PROCS_$path"
  # shellcheck disable=SC2086 # a list of pids, split on purpose
  proxy_before="$(cpu_ticks $procs)" nodes_before="$(cpu_ticks "${NODE_PIDS[@]}")"
  read -r rps p99 err requests < <(run_wrk "$url/api/items" "$DURATION")
  [[ -n ${requests:-} && $requests -gt 0 ]] || die "wrk gave no result for $path"
  # shellcheck disable=SC2086
  proxy_cpu="$(cpu_us_per_request $(($(cpu_ticks $procs) - proxy_before)) "$requests")"
  nodes_cpu="$(cpu_us_per_request $(($(cpu_ticks "${NODE_PIDS[@]}") - nodes_before)) "$requests")"
  ROW_ROUND+=("$round") ROW_PATH+=("$path") ROW_RPS+=("$rps") ROW_P99+=("$p99")
  ROW_PROXY_CPU+=("$proxy_cpu") ROW_NODES_CPU+=("$nodes_cpu") ROW_ERR+=("$err")
  log "round $round $path: $rps req/s, p99 $p99 ms, CPU/request: proxy ${proxy_cpu}us, nodes ${nodes_cpu}us; $err errors"
}

measure() {
  find_processes
  local path round i url_of
  for path in "${PATHS[@]}"; do
    url_of="URL_$path"
    log "warming up: ${WARMUP}s through $path"
    run_wrk "${!url_of}/api/items" "$WARMUP" >/dev/null
  done
  ROW_ROUND=() ROW_PATH=() ROW_RPS=() ROW_P99=() ROW_PROXY_CPU=() ROW_NODES_CPU=() ROW_ERR=()
  for ((round = 1; round <= ROUNDS; round++)); do
    # Rotate which path goes first, so a drift over the run favours none of them.
    for ((i = 0; i < ${#PATHS[@]}; i++)); do
      measured_run "${PATHS[(i + round - 1) % ${#PATHS[@]}]}" "$round"
    done
  done
}

report() {
  local i path col
  declare -A med
  column_medians med RPS P99 PROXY_CPU NODES_CPU
  load_command_md
  echo
  environment_md
  echo "- proxies: the built-in gateway (in the supervisor's JVM), $(nginx -v 2>&1 | sed 's#.*/##; s#^#nginx #')" \
    "(worker_processes auto, the configuration Pitstop writes), HAProxy $(haproxy -v | awk 'NR == 1 { print $3 }')" \
    "(deploy/haproxy/haproxy.cfg), each in front of the same $NODES node(s)"
  echo "- load: \`wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s --latency\` on \`GET /api/items\` ($ITEMS items," \
    "$(curl -s "$URL_gateway/api/items" | wc -c) bytes per response); ${WARMUP}s warm-up per path, not counted;" \
    "CPU is user + system time of the proxy's processes and of all node JVMs during the run, per request served"
  echo
  echo "| round | path | req/s | p99 ms | proxy CPU µs/req | nodes CPU µs/req | errors |"
  echo "|---|---|---:|---:|---:|---:|---:|"
  for i in "${!ROW_PATH[@]}"; do
    echo "| ${ROW_ROUND[i]} | ${ROW_PATH[i]} | ${ROW_RPS[i]} | ${ROW_P99[i]} | ${ROW_PROXY_CPU[i]} |" \
      "${ROW_NODES_CPU[i]} | ${ROW_ERR[i]} |"
  done
  for path in "${PATHS[@]}"; do
    echo "| **median** | **$path** | **${med[$path.RPS]%.*}** | **${med[$path.P99]}** |" \
      "**${med[$path.PROXY_CPU]%.*}** | **${med[$path.NODES_CPU]%.*}** | |"
  done
  echo
  echo "Ratios (medians): gateway/nginx throughput **$(ratio "${med[gateway.RPS]}" "${med[nginx.RPS]}")x**," \
    "p99 **$(ratio "${med[gateway.P99]}" "${med[nginx.P99]}")x**; gateway/HAProxy throughput" \
    "**$(ratio "${med[gateway.RPS]}" "${med[haproxy.RPS]}")x**, p99 **$(ratio "${med[gateway.P99]}" "${med[haproxy.P99]}")x**;" \
    "HAProxy/nginx throughput **$(ratio "${med[haproxy.RPS]}" "${med[nginx.RPS]}")x**," \
    "p99 **$(ratio "${med[haproxy.P99]}" "${med[nginx.P99]}")x**."
}

main() {
  parse_load_args "$@"
  require_packages wrk jq curl nginx haproxy
  init_run
  build_revision "$REV"
  await_quiet_machine
  start_nginx
  start_cluster
  start_haproxy
  create_items
  measure
  report
  cluster_down "$HOME_DIR"
}

main "$@"
