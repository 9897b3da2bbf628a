#!/usr/bin/env bash
# HTTP figures of examples/website next to nginx's: requests per second and
# latency under wrk (1 thread, 50 connections, --latency) for a 1 KiB and a
# 1 MiB file, the website on the socket stack against nginx on the loopback
# of one namespace, and the website on spt and hvt (a tap) against nginx in
# a second namespace behind a veth pair, each pair measured in the same
# run, without and with a log line per request. Not a test: see bench/README.md. Needs
# root (namespaces, taps, apt-get for wrk and nginx-light when missing) and
# `make` (`make http-bench` does both).
#
#   bench/http.sh [SECONDS]   each measurement's length (default $SECS or 10)
#   HTTP_BENCH_HVT_MEM=MiB    the spt and hvt guests' memory (default 8)
ROOT=$(cd "$(dirname "$0")/.." && pwd)
source "$ROOT/tests/e2e/lib.sh"
source "$ROOT/tests/netlib.sh"
E2E_NAME=httpbench
SECS=${1:-${SECS:-10}}
HVT_MEM=${HTTP_BENCH_HVT_MEM:-8}
CONNS=50
W=$E2E_TMP
[ -x "$MORGANA" ] || fail "$MORGANA is not built (make)"

# The load generator and the peer are Debian packages that only this
# benchmark needs, so it installs them rather than scripts/deps.
need=()
command -v wrk >/dev/null || need+=(wrk)
[ -x /usr/sbin/nginx ] || need+=(nginx-light)
if [ ${#need[@]} -gt 0 ]; then
	[ "$(id -u)" = 0 ] || fail "missing ${need[*]} (apt-get install them)"
	echo "installing ${need[*]}"
	DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install -y -qq \
		--no-install-recommends "${need[@]}" >"$W/apt.log" 2>&1 || {
		timeout 300 apt-get update -qq &&
			DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install \
				-y -qq --no-install-recommends "${need[@]}"
	} >>"$W/apt.log" 2>&1 || fail "apt-get: $(tail -n 5 "$W/apt.log")"
fi

# The site: the example's folder plus the two measured files (random
# bytes, so that both servers send exactly these sizes).
SITE=$W/site
cp -R "$ROOT/examples/website/site" "$SITE"
head -c 1024 /dev/urandom >"$SITE/1k.bin"
head -c $((1 << 20)) /dev/urandom >"$SITE/1m.bin"
FILES=(1k.bin 1m.bin)

# build NAME TARGET: examples/website over $SITE for TARGET in $W/NAME.
build() {
	local dir=$W/$1
	mkdir -p "$dir"
	cp -R "$ROOT/examples/website/." "$dir/" &&
		rm -rf "$dir/_build" "$dir/dist" "$dir/site" &&
		cp -R "$SITE" "$dir/site"
	(cd "$dir" && "$MORGANA" configure -t "$2" && "$MORGANA" build) \
		>"$dir.log" 2>&1 || fail "the website for $1 did not build: $(tail -n 20 "$dir.log")"
}

# nginx TAG ADDR PORT LOG: nginx (one worker) in namespace TAG serving
# $SITE on ADDR:PORT, access_log to LOG or off. Settings as Debian ships
# them (sendfile, tcp_nopush), connections kept for any number of requests
# as the website keeps them (nginx's default closes after 1000), and open
# files cached (nginx's best for a fixed set of files; the website's are
# in its image).
nginx() {
	local conf=$W/nginx-$1-$3.conf log=off
	[ "$4" != off ] && log="$4"
	mkdir -p "$W/nginx-$1-$3"
	cat >"$conf" <<EOF
user root;
worker_processes 1;
daemon off;
pid $W/nginx-$1-$3/pid;
error_log $W/nginx-$1-$3/error.log;
events { worker_connections 1024; }
http {
	types { application/octet-stream bin; text/html html; }
	default_type application/octet-stream;
	sendfile on;
	tcp_nopush on;
	keepalive_requests 1000000;
	keepalive_timeout 30s;
	open_file_cache max=1000 inactive=600s;
	open_file_cache_valid 600s;
	access_log $log;
	client_body_temp_path $W/nginx-$1-$3/body;
	proxy_temp_path $W/nginx-$1-$3/proxy;
	fastcgi_temp_path $W/nginx-$1-$3/fastcgi;
	uwsgi_temp_path $W/nginx-$1-$3/uwsgi;
	scgi_temp_path $W/nginx-$1-$3/scgi;
	server {
		listen $2:$3;
		root $SITE;
	}
}
EOF
	NL_LOG=$W/nginx-$1-$3.out nl_bg "$1" /usr/sbin/nginx -p "$W" -c "$conf"
	NGINX_PIDS+=("$NL_PID")
	nl_wait_until 10 nl_tcp_listening "$1" "$3"
}

# website TAG LOG CMD...: start CMD (a website) in namespace TAG, its
# output in LOG, until it says it listens; $SRV_PID is its pid.
website() {
	local tag=$1 log=$2
	shift 2
	NL_LOG=$log nl_bg "$tag" "$@"
	SRV_PID=$NL_PID
	nl_wait_until 60 grep -q "listening on" "$log"
}

# check TAG URL: every measured file comes back from URL whole.
check() {
	local f got
	for f in "${FILES[@]}"; do
		got=$(nl_in "$1" curl -sS --max-time 60 "$2/$f" | sha256sum)
		[ "${got%% *}" = "$(sha256sum <"$SITE/$f" | cut -d' ' -f1)" ] ||
			fail "$2/$f is not the file"
	done
}

# measure TAG URL [CONNS]: wrk from TAG against URL (CONNS connections,
# default $CONNS); sets RPS, P50 and P99 (ms) and ERR (socket errors and
# non-2xx/3xx answers).
measure() {
	local out
	out=$(timeout $((SECS * 3 + 60)) ip netns exec "$(nl_name "$1")" \
		wrk -t1 -c"${3:-$CONNS}" -d"${SECS}s" --latency --timeout 30s "$2") ||
		fail "wrk $2 failed: $out"
	read -r RPS P50 P99 ERR < <(echo "$out" | awk '
		function ms(v) {
			if (v ~ /us$/) return v * 0.001
			if (v ~ /ms$/) return v + 0
			if (v ~ /m$/) return v * 60000
			return v * 1000
		}
		/^Requests\/sec:/ { rps = $2 }
		/^ +50%/ { p50 = ms($2) }
		/^ +99%/ { p99 = ms($2) }
		/Socket errors:/ { gsub(",", ""); err += $4 + $6 + $8 + $10 }
		/Non-2xx or 3xx/ { err += $5 }
		END { printf "%s %s %s %d\n", rps, p50, p99, err }')
	[ -n "$RPS" ] || fail "no figures from wrk: $out"
	printf '    %-7s %10.1f req/s  p50 %9.3f ms  p99 %9.3f ms  errors %d\n' \
		"${2##*/}" "$RPS" "$P50" "$P99" "$ERR"
}

NGINX_PIDS=()
ROWS=()
# pair LABEL TAG URL NGINX_URL [CONNS]: each file from the website, then
# nginx; a summary row per file.
pair() {
	local f
	for f in "${FILES[@]}"; do
		echo "  $1, website:"
		measure "$2" "$3/$f" "${5:-}"
		local rps=$RPS p50=$P50 p99=$P99 err=$ERR
		kill -0 "$SRV_PID" 2>/dev/null || fail "the website exited"
		echo "  $1, nginx:"
		measure "$2" "$4/$f" "${5:-}"
		ROWS+=("$(awk -v l="$1" -v f="$f" -v r="$rps" -v nr="$RPS" \
			-v p="$p50" -v np="$P50" -v q="$p99" -v nq="$P99" \
			-v e="$err" -v ne="$ERR" 'BEGIN {
			printf "%-28s %-6s %9.1f %9.1f %6.3g  %8.3f %8.3f %6.3g  %8.3f %8.3f %6.3g  %d/%d",
			l, f, r, nr, r / nr, p, np, p / np, q, nq, q / nq, e, ne }')")
	done
}

echo "building examples/website for unix (socket stack), spt and hvt"
build socket unix
GUESTS=()
for t in spt hvt; do
	if target_ready $t; then
		build $t $t
		GUESTS+=("$t")
	else
		echo "  $t: skipped ($TARGET_WHY)"
	fi
done
ulimit -n 4096

echo "each measurement ${SECS} s: wrk -t1 -c$CONNS --latency --timeout 30s"
# Namespace c: the socket stack and nginx on its loopback.
nl_ns c
URL=http://127.0.0.1:8080
NGINX=http://127.0.0.1:8081
nginx c 127.0.0.1 8081 off
nginx c 127.0.0.1 8082 "$W/access.log"
website c "$W/socket.out" "$W/socket/dist/website.unix" --port=8080 \
	--log-requests=false
check c "$URL"
check c "$NGINX"
pair "socket, no log" c "$URL" "$NGINX"
kill "$SRV_PID"
wait "$SRV_PID" 2>/dev/null
website c "$W/socket-log.out" "$W/socket/dist/website.unix" --port=8080
pair "socket, log" c "$URL" http://127.0.0.1:8082

# Namespace a: the client, tap0 (10.0.0.1; the guest is 10.0.0.2) and a
# veth to namespace b, where nginx is (10.0.1.2): one virtual link from
# the client's stack either way.
if [ ${#GUESTS[@]} -gt 0 ]; then
	nl_ns a
	nl_ns b
	nl_tap a tap0 10.0.0.1/24
	nl_veth a veth0 10.0.1.1/24 b veth1 10.0.1.2/24
	nginx b 10.0.1.2 80 off
	nginx b 10.0.1.2 81 "$W/access-b.log"
fi
for t in "${GUESTS[@]}"; do
	for log in false true; do
		ip -n "$(nl_name a)" neigh flush dev tap0
		website a "$W/$t-$log.out" "$O/bin/morgana-$t" \
			--mem="$HVT_MEM" --net:service=tap0 \
			"$W/$t/dist/website.$t" --port=8080 --log-requests=$log
		nl_wait_tcp a 10.0.0.2 8080 30
		if [ $log = false ]; then
			check a http://10.0.0.2:8080
			check a http://10.0.1.2
			pair "$t --mem=$HVT_MEM, no log" a http://10.0.0.2:8080 \
				http://10.0.1.2
			# 50 clients of 1 MiB each share a few MB/s on hvt under
			# an emulated CPU: none may finish in a short run. One at
			# a time shows what a request costs the guest.
			pair "$t --mem=$HVT_MEM, no log, 1 conn" a \
				http://10.0.0.2:8080 http://10.0.1.2 1
		else
			pair "$t --mem=$HVT_MEM, log" a http://10.0.0.2:8080 \
				http://10.0.1.2:81
		fi
		kill "$SRV_PID"
		wait "$SRV_PID" 2>/dev/null
	done
done

# nginx's master ends its worker on TERM (the clean-up's later kill -9
# of what is left in a namespace would find it still exiting).
for p in "${NGINX_PIDS[@]}"; do
	kill "$p"
	wait "$p" 2>/dev/null
done

echo
echo "website / nginx: req/s, then latency p50 and p99 in ms (lower is better)"
printf '%-28s %-6s %9s %9s %6s  %8s %8s %6s  %8s %8s %6s  %s\n' "server" \
	"file" "req/s" "nginx" "ratio" "p50" "nginx" "ratio" "p99" "nginx" \
	"ratio" "errors"
printf '%s\n' "${ROWS[@]}"
