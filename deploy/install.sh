#!/bin/sh
# Installs Pantau as systemd services on a Debian-like server: the user,
# the directories, /etc/pantau/pantau.yaml (options, no secrets),
# /etc/pantau/secrets/ (one secret per file, root-only, handed to the
# services as systemd credentials), the units, and optionally Caddy in
# front with the office's TLS certificate. Run it again to upgrade: it
# replaces the binary and the units, and keeps the config and secrets.
#
#   make build chdb
#   sudo deploy/install.sh [--secrets DIR] [--site NAME --tls-cert FILE --tls-key FILE]
#   sudo deploy/install.sh --mode cluster --nats-url nats://n1:4222,nats://n2:4222,nats://n3:4222 \
#        --secrets DIR                       # DIR/clickhouse_dsn is required there
#
# Options:
#   --mode single|cluster  single: one `pantau run` with embedded NATS and chDB (default);
#                          cluster: one unit per stage (pantau-stage@) and pantau-api,
#                          against a NATS cluster and a ClickHouse server
#   --bin FILE             the pantau binary (default bin/pantau)
#   --chdb FILE            libchdb.so for single mode (default ~/.cache/pantau/chdb/libchdb.so)
#   --secrets DIR          files api_token, smtp_password, clickhouse_dsn; a missing
#                          api_token is generated, a missing smtp_password left empty
#   --site NAME            the name on the certificate; with --tls-cert and --tls-key
#                          Caddy serves the web app/API (and Grafana under /grafana/)
#   --nats-url URL         cluster: the NATS cluster (comma separated)
#   --nats-replicas N      cluster: stream replicas (default 3)
#   --stages LIST          cluster: stages on this host (default crawler,classifier,writer,reporter)
#   --api                  cluster: also run pantau-api on this host (default on)
#   --no-api               cluster: not
#   --metrics-host HOST    where the metrics endpoints listen (default 127.0.0.1;
#                          the address Prometheus reaches when it runs elsewhere)
#   --root DIR             install under DIR instead of / (packaging, tests): no
#                          user, no ownership, no systemctl
#   --no-start             enable the units but do not start them
set -eu

mode=single
bin=bin/pantau
chdb=${HOME:-/root}/.cache/pantau/chdb/libchdb.so
secrets=""
site=""
tls_cert=""
tls_key=""
nats_url=""
nats_replicas=3
stages=crawler,classifier,writer,reporter
api=1
metrics_host=127.0.0.1
root=""
start=1

die() { echo "install.sh: $*" >&2; exit 1; }
need_arg() { [ $# -ge 2 ] || die "$1 needs a value"; }

while [ $# -gt 0 ]; do
	case $1 in
	--mode) need_arg "$@"; mode=$2; shift 2 ;;
	--bin) need_arg "$@"; bin=$2; shift 2 ;;
	--chdb) need_arg "$@"; chdb=$2; shift 2 ;;
	--secrets) need_arg "$@"; secrets=$2; shift 2 ;;
	--site) need_arg "$@"; site=$2; shift 2 ;;
	--tls-cert) need_arg "$@"; tls_cert=$2; shift 2 ;;
	--tls-key) need_arg "$@"; tls_key=$2; shift 2 ;;
	--nats-url) need_arg "$@"; nats_url=$2; shift 2 ;;
	--nats-replicas) need_arg "$@"; nats_replicas=$2; shift 2 ;;
	--stages) need_arg "$@"; stages=$2; shift 2 ;;
	--api) api=1; shift ;;
	--no-api) api=0; shift ;;
	--metrics-host) need_arg "$@"; metrics_host=$2; shift 2 ;;
	--root) need_arg "$@"; root=$2; shift 2 ;;
	--no-start) start=0; shift ;;
	-h | --help) sed -n '2,/^set -eu/p' "$0" | sed '$d'; exit 0 ;;
	*) die "unknown option $1 (--help lists them)" ;;
	esac
done

here=$(cd "$(dirname "$0")" && pwd)
case $mode in single | cluster) ;; *) die "--mode is single or cluster, not $mode" ;; esac
[ -x "$bin" ] || die "$bin is not an executable (make build, or --bin FILE)"
if [ -z "$root" ] && [ "$(id -u)" != 0 ]; then die "run as root (sudo), or with --root DIR"; fi
if [ -n "$tls_cert$tls_key" ]; then
	if [ -z "$site" ] || [ ! -f "$tls_cert" ] || [ ! -f "$tls_key" ]; then
		die "TLS needs --site NAME, --tls-cert FILE and --tls-key FILE"
	fi
fi
if [ "$mode" = cluster ]; then
	[ -n "$nats_url" ] || die "--mode cluster needs --nats-url"
	for st in $(echo "$stages" | tr ',' ' '); do
		case $st in crawler | classifier | writer | reporter) ;; *) die "unknown stage $st" ;; esac
	done
fi

# run prints and runs a command that changes the live system; under --root
# it only prints it.
run() {
	if [ -n "$root" ]; then
		echo "   (skipped under --root) $*"
	else
		"$@"
	fi
}

etc=$root/etc/pantau
echo ">> Pantau ($mode) into ${root:-/}"

# 1. The user the services run as (systemd creates /var/lib/pantau*).
if [ -z "$root" ] && ! getent passwd pantau >/dev/null; then
	useradd --system --user-group --home-dir /var/lib/pantau --no-create-home --shell /usr/sbin/nologin pantau
	echo "   user pantau created"
fi

# 2. Binary and, for the embedded store, the ClickHouse library.
install -d -m 0755 "$root/usr/local/bin" "$root/usr/local/lib"
install -m 0755 "$bin" "$root/usr/local/bin/pantau"
if [ "$mode" = single ]; then
	if [ -f "$chdb" ]; then
		install -m 0644 "$chdb" "$root/usr/local/lib/libchdb.so"
	elif [ ! -f "$root/usr/local/lib/libchdb.so" ]; then
		die "libchdb.so not found at $chdb (make chdb, or --chdb FILE)"
	fi
fi

# 3. Secrets: root-only files, given to the services as credentials.
install -d -m 0755 "$etc"
install -d -m 0700 "$etc/secrets"
secret() { # name required default
	name=$1 dst=$etc/secrets/$1
	if [ -n "$secrets" ] && [ -f "$secrets/$name" ]; then
		install -m 0600 "$secrets/$name" "$dst"
		echo "   secret $name from $secrets/$name"
	elif [ -f "$dst" ]; then
		echo "   secret $name kept"
	elif [ "$2" = required ]; then
		die "secret $name missing: put it in --secrets DIR/$name"
	else
		(umask 077 && printf '%s' "$3" >"$dst")
		echo "   secret $name ${4:-created empty}"
	fi
}
token=$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')
secret api_token optional "$token" "generated (read it with: sudo cat $etc/secrets/api_token)"
secret smtp_password optional ""
if [ "$mode" = cluster ]; then
	secret clickhouse_dsn required ""
fi

# 4. Options. An existing file is the office's: never overwritten.
config=$etc/pantau.yaml
if [ -f "$config" ]; then
	echo "   $config kept"
else
	{
		echo "# Pantau's options, written by deploy/install.sh ($(date -u +%Y-%m-%d))."
		echo "# Every option: pantau help run; the effective set: pantau config --config /etc/pantau/pantau.yaml"
		echo "# Secrets are not here but in /etc/pantau/secrets/ (systemd credentials)."
		if [ "$mode" = single ]; then
			echo "data: /var/lib/pantau"
		else
			echo "nats-url: $nats_url"
			echo "nats-replicas: $nats_replicas"
		fi
		echo "log-format: json"
		echo "metrics-addr: $metrics_host:9464"
		echo "api-addr: 127.0.0.1:8080"
		echo "report-time: \"07:00\""
		echo "# The daily report by e-mail (its password: /etc/pantau/secrets/smtp_password):"
		echo "# smtp-host: mail.kaltimprov.go.id"
		echo "# smtp-user: pantau"
		echo "# report-from: pantau@kaltimprov.go.id"
		echo "# report-to: kadis@kaltimprov.go.id"
		echo "# How long article text and social-media items are kept (0: forever):"
		echo "# retention-text: 0"
		echo "# retention-social: 180d"
	} >"$config.new"
	chmod 0644 "$config.new"
	mv "$config.new" "$config"
	echo "   $config written"
fi

# 5. Units. Cluster stages each get their own metrics port.
units=$root/etc/systemd/system
install -d -m 0755 "$units"
enable=""
if [ "$mode" = single ]; then
	install -m 0644 "$here/systemd/pantau.service" "$here/systemd/pantau-backup.service" "$here/systemd/pantau-backup.timer" "$units/"
	install -d -m 0750 "$root/var/backups/pantau"
	run chown pantau:pantau "$root/var/backups/pantau"
	enable="pantau.service pantau-backup.timer"
else
	install -m 0644 "$here/systemd/pantau-stage@.service" "$here/systemd/pantau-api.service" "$units/"
	port=9464
	for st in crawler classifier writer reporter api; do
		port=$((port + 1))
		env=$etc/stage-$st.env
		[ -f "$env" ] || printf 'PANTAU_METRICS_ADDR=%s:%d\n' "$metrics_host" "$port" >"$env"
	done
	for st in $(echo "$stages" | tr ',' ' '); do
		enable="$enable pantau-stage@$st.service"
	done
	[ "$api" = 1 ] && enable="$enable pantau-api.service"
fi

# 6. TLS in front: Debian's caddy with the office's certificate.
if [ -n "$tls_cert" ]; then
	if [ -z "$root" ] && ! command -v caddy >/dev/null; then
		die "--tls-cert needs Caddy: apt-get install caddy"
	fi
	install -d -m 0755 "$root/etc/caddy" "$units/caddy.service.d"
	install -d -m 0750 "$root/etc/caddy/tls"
	install -m 0644 "$here/caddy/Caddyfile" "$root/etc/caddy/Caddyfile"
	install -m 0640 "$tls_cert" "$root/etc/caddy/tls/cert.pem"
	install -m 0640 "$tls_key" "$root/etc/caddy/tls/key.pem"
	run chgrp -R caddy "$root/etc/caddy/tls"
	cat >"$units/caddy.service.d/pantau.conf" <<EOF
# Written by Pantau's deploy/install.sh: the settings of deploy/caddy/Caddyfile.
[Service]
Environment=PANTAU_SITE=$site
Environment=PANTAU_TLS_CERT=/etc/caddy/tls/cert.pem
Environment=PANTAU_TLS_KEY=/etc/caddy/tls/key.pem
Environment=PANTAU_UPSTREAM=127.0.0.1:8080
Environment=PANTAU_GRAFANA=127.0.0.1:3000
EOF
	echo "   Caddy serves https://$site/ with $tls_cert"
	enable="$enable caddy.service"
fi

# 7. Alert rules for a Prometheus on this host (Debian's prometheus).
if [ -d "$root/etc/prometheus" ]; then
	install -m 0644 "$here/prometheus/pantau-rules.yml" "$root/etc/prometheus/pantau-rules.yml"
	echo "   alert rules in /etc/prometheus/pantau-rules.yml: add it to rule_files in prometheus.yml"
fi

# 8. Start.
run systemctl daemon-reload
# shellcheck disable=SC2086
run systemctl enable $enable
if [ "$start" = 1 ]; then
	# restart: starts what is stopped, and an upgrade runs the new binary
	# shellcheck disable=SC2086
	run systemctl restart $enable
fi
echo ">> done: $enable"
echo "   status: systemctl status $enable"
if [ "$mode" = single ]; then
	echo "   logs:   journalctl -u pantau -f    metrics: curl -s $metrics_host:9464/metrics"
	echo "   backups: nightly 02:30 WITA into /var/backups/pantau (systemctl list-timers pantau-backup)"
fi
exit 0
