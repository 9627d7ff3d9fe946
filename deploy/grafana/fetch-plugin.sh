#!/bin/sh
# Fetches Grafana's ClickHouse data source plugin once, on any machine with
# internet, into deploy/grafana/plugins/ - the directory the compose file
# mounts as Grafana's plugin directory - so Grafana starts in an office
# without internet. Copy the unpacked directory (or the zip) to the office
# server with the rest of deploy/. Grafana checks the plugin's signature
# (MANIFEST.txt) when it loads it.
#
#   deploy/grafana/fetch-plugin.sh VERSION        e.g. a 4.x release for Grafana 11.2
#   deploy/grafana/fetch-plugin.sh --zip FILE     (a zip you already have)
#
# Grafana's compatibility table: plugin v4.0-v4.14 for Grafana 9.x-11.5,
# v4.15+ for Grafana 11.6 and later; the compose file runs Grafana 11.2.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
dest="$here/plugins"
plugin=grafana-clickhouse-datasource
zip=""
case "${1:-}" in
--zip) zip=$2 ;;
"" | -h | --help) sed -n '2,15p' "$0"; exit 2 ;;
*)
	version=$1
	zip=$(mktemp /tmp/$plugin.XXXXXX.zip)
	trap 'rm -f "$zip"' EXIT
	url="https://grafana.com/api/plugins/$plugin/versions/$version/download?os=linux&arch=amd64"
	echo ">> $url"
	curl -fsSL -o "$zip" "$url"
	;;
esac
command -v unzip >/dev/null || { echo "unzip is needed (apt-get install unzip)" >&2; exit 1; }
rm -rf "${dest:?}/$plugin"
mkdir -p "$dest"
unzip -q "$zip" -d "$dest"
test -f "$dest/$plugin/plugin.json" || { echo "$zip does not hold $plugin/plugin.json" >&2; exit 1; }
echo ">> $plugin $(sed -n 's/.*"version": *"\([^"]*\)".*/\1/p' "$dest/$plugin/plugin.json" | head -1) in $dest"
