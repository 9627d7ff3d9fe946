package cli

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/nats-io/nats.go"

	"github.com/diskominfo-kaltim/pantau/config"
	"github.com/diskominfo-kaltim/pantau/store"
	"github.com/diskominfo-kaltim/pantau/store/chdb"
)

// TestDescribeErrors: the errors analysts meet most are told in Bahasa
// Indonesia, with what to do, and without credentials.
func TestDescribeErrors(t *testing.T) {
	cfg := &config.Config{DataDir: "/var/lib/pantau", ClickHouseDSN: "clickhouse://u:pw9@db:9000/pantau", NATSURL: "nats://n:pw8@nats:4222"}
	_, dnsErr := http.Get("http://tidak-ada.invalid/")
	_, badURL := http.Get("htp//x")
	_, fileErr := os.ReadFile("/tidak/ada.html")
	for _, tc := range []struct {
		err  error
		want string
	}{
		{fmt.Errorf("opening embedded clickhouse in x: %w", errors.New("chdb_connect failed for x (is another process using this data dir?)")), "sedang dipakai proses lain"},
		{fmt.Errorf("opening: %w", chdb.ErrLibraryNotFound), "make chdb"},
		{fmt.Errorf("creating database: %w", fmt.Errorf("%w: dial tcp: refused", store.ErrUnavailable)), "server ClickHouse tidak dapat dijangkau"},
		{fmt.Errorf("connecting to nats: %w", nats.ErrNoServers), "server NATS tidak dapat dijangkau"},
		{dnsErr, `nama host "tidak-ada.invalid" tidak ditemukan`},
		{badURL, "tidak valid"},
		{fileErr, "berkas /tidak/ada.html tidak ada"},
		{context.DeadlineExceeded, "context deadline exceeded"},
	} {
		got := config.Redact(describe(tc.err, cfg))
		if !strings.Contains(got, tc.want) || strings.Contains(got, "pw9") || strings.Contains(got, "pw8") {
			t.Errorf("describe(%v) = %q, want %q and no password", tc.err, got, tc.want)
		}
	}
}
