#!/bin/sh
# NAME    bench-mockserver.sh
# PURPOSE The mock server's performance figures (issue 3), loopback only, bounded in time:
#         1. throughput at / against Debian's nginx (one worker, 13-byte body, same wrk load,
#            rounds interleaved so machine noise hits both alike), with the ratio;
#         2. delay accuracy: p50/p99 at 1000 connections on /delay/100 (wrk --latency);
#         3. 10,000 concurrent connections on /delay/1000: all answered, RSS per connection.
# USAGE   scripts/bench-mockserver.sh [BUILD_DIR]   (env: DURATION=5 ROUNDS=3)
#         Kills only the processes it started.
set -eu
build=${1:-build}
duration=${DURATION:-5}
rounds=${ROUNDS:-3}
root=$(cd "$(dirname "$0")/.." && pwd)
ms_bin=$build/bin/mockserver
# nginx and wrk are this script's alone: installed here, not by make bench.
"$(dirname "$0")/install-deps.sh" --check mockserver-bench >/dev/null 2>&1 ||
    "$(dirname "$0")/install-deps.sh" mockserver-bench
nginx_bin=${NGINX:-/usr/sbin/nginx}
for tool in "$ms_bin" "$nginx_bin" "$(command -v wrk || echo wrk)"; do
    [ -x "$tool" ] || { echo "bench-mockserver: $tool missing (build first; make deps)" >&2; exit 2; }
done
ulimit -n 20000 2>/dev/null || true # the 10,000-connection client needs one descriptor each

tmp=$(mktemp -d /tmp/bench-mockserver.XXXXXX)
ms_pid=
nginx_pid=
cleanup() {
    for pid in $ms_pid $nginx_pid; do
        kill -TERM "$pid" 2>/dev/null || true
    done
    for pid in $ms_pid $nginx_pid; do
        wait "$pid" 2>/dev/null || true
    done
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Waits up to 5 s until something accepts connections on 127.0.0.1:$1.
wait_port() {
    python3 - "$1" <<'EOF'
import socket, sys, time
deadline = time.monotonic() + 5
while True:
    try:
        socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=1).close()
        break
    except OSError:
        if time.monotonic() > deadline:
            sys.exit("nothing listening on port " + sys.argv[1])
        time.sleep(0.05)
EOF
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

start_mockserver() { # args: extra options
    rm -f "$tmp/port"
    "$ms_bin" --port 0 --port-file "$tmp/port" "$@" >"$tmp/mockserver.out" 2>&1 &
    ms_pid=$!
    i=0
    while [ ! -s "$tmp/port" ]; do
        i=$((i + 1))
        [ $i -le 500 ] || { echo "bench-mockserver: mockserver did not start" >&2; exit 1; }
        sleep 0.01
    done
    ms_port=$(cat "$tmp/port")
}

stop_mockserver() {
    kill -TERM "$ms_pid" 2>/dev/null || true
    wait "$ms_pid" 2>/dev/null || true
    ms_pid=
}

# Requests/sec from one wrk run: args: URL, connections, extra wrk options.
wrk_rps() {
    timeout $((duration + 30)) wrk -t1 -c"$2" -d"${duration}s" "$1" >"$tmp/wrk.out" 2>&1 || true
    awk '/^Requests\/sec:/ {print int($2)}' "$tmp/wrk.out"
}

median() {
    tr ' ' '\n' | grep . | sort -n | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : int((v[NR / 2] + v[NR / 2 + 1]) / 2)}'
}

echo "== 1. throughput at /: wrk -t1 -c50 -d${duration}s, $rounds interleaved rounds"
nginx_port=$(free_port)
mkdir -p "$tmp/nginx"
cat >"$tmp/nginx/nginx.conf" <<EOF
worker_processes 1;
worker_rlimit_nofile 20000;
daemon off;
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx/error.log;
events { worker_connections 16384; }
http {
    access_log off;
    keepalive_requests 10000000;
    client_body_temp_path $tmp/nginx; proxy_temp_path $tmp/nginx; fastcgi_temp_path $tmp/nginx;
    uwsgi_temp_path $tmp/nginx; scgi_temp_path $tmp/nginx;
    server {
        listen 127.0.0.1:$nginx_port;
        location / { default_type text/plain; return 200 "Hello, world\n"; }
    }
}
EOF
"$nginx_bin" -p "$tmp/nginx" -e "$tmp/nginx/error.log" -c "$tmp/nginx/nginx.conf" &
nginx_pid=$!
wait_port "$nginx_port"
start_mockserver
ms_all=
nginx_all=
r=1
while [ $r -le "$rounds" ]; do
    n=$(wrk_rps "http://127.0.0.1:$nginx_port/" 50)
    m=$(wrk_rps "http://127.0.0.1:$ms_port/" 50)
    echo "round $r: nginx ${n:-?} req/s, mockserver ${m:-?} req/s"
    nginx_all="$nginx_all ${n:-0}"
    ms_all="$ms_all ${m:-0}"
    r=$((r + 1))
done
kill -TERM "$nginx_pid" 2>/dev/null || true
wait "$nginx_pid" 2>/dev/null || true
nginx_pid=
n=$(echo "$nginx_all" | median)
m=$(echo "$ms_all" | median)
ratio=$(awk -v m="$m" -v n="$n" 'BEGIN {printf "%.3f", (n > 0) ? m / n : 0}')
verdict=$(awk -v r="$ratio" 'BEGIN {print (r >= 1.0) ? "PASS" : "FAIL"}')
echo "median: nginx $n req/s, mockserver $m req/s, ratio $ratio (target >= 1.0: $verdict)"

echo "== 2. delay accuracy: wrk -t1 -c1000 -d${duration}s --latency /delay/100"
timeout $((duration + 30)) wrk -t1 -c1000 -d"${duration}s" --latency \
    "http://127.0.0.1:$ms_port/delay/100" >"$tmp/wrk.out" 2>&1 || true
p50=$(awk '$1 == "50%" {print $2}' "$tmp/wrk.out")
p99=$(awk '$1 == "99%" {print $2}' "$tmp/wrk.out")
rps=$(awk '/^Requests\/sec:/ {print int($2)}' "$tmp/wrk.out")
errs=$(grep -E "Socket errors|Non-2xx" "$tmp/wrk.out" || true)
p99_ms=$(echo "$p99" | awk '/ms$/ {sub("ms", ""); print; next} /us$/ {sub("us", ""); print $1 / 1000; next} /s$/ {sub("s", ""); print $1 * 1000}')
verdict=$(awk -v p="${p99_ms:-999}" 'BEGIN {print (p <= 102) ? "PASS" : "FAIL"}')
echo "p50 $p50, p99 $p99 at $rps req/s (target p99 <= 102ms: $verdict)${errs:+; $errs}"
stop_mockserver

echo "== 3. 10,000 concurrent connections on /delay/1000"
start_mockserver
python3 "$root/tests/mockserver/many_clients.py" "$ms_port" 10000 /delay/1000 60 --hold-pid "$ms_pid"
stop_mockserver
