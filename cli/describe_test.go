package cli

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/diskominfo-kaltim/pantau/config"
	"github.com/diskominfo-kaltim/pantau/crawler"
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
	_, privateErr := crawler.NewFetcher("Pantau-uji", time.Second, 1<<10).Get(context.Background(), "http://127.0.0.1:1/berita", false, "", "")
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
		{privateErr, "alamat http://127.0.0.1:1/berita ada di komputer ini atau di jaringan privat: ditolak kecuali dengan --allow-private"},
		{fmt.Errorf("issues: %w", context.DeadlineExceeded), "waktu habis"},
	} {
		got := config.Redact(describe(tc.err, cfg))
		if !strings.Contains(got, tc.want) || strings.Contains(got, "pw9") || strings.Contains(got, "pw8") {
			t.Errorf("describe(%v) = %q, want %q and no password", tc.err, got, tc.want)
		}
	}
}
