package cli

import (
	"bytes"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDemoStopsAtOnceWhenItsAddressIsTaken: a web app address in use (an
// earlier demo, a pantau run) stops the demo before it serves or crawls
// anything, saying how to choose another address, instead of printing a
// login to the other process's app after the crawl.
func TestDemoStopsAtOnceWhenItsAddressIsTaken(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	data := t.TempDir()
	var out, errb bytes.Buffer
	code := Main([]string{"demo", "--data", data, "--api-addr", ln.Addr().String(), "--metrics-addr", ""}, &out, &errb)
	if code != exitFailed || out.Len() != 0 {
		t.Errorf("exit %d, stdout %q", code, out.String())
	}
	for _, want := range []string{"alamat aplikasi web " + ln.Addr().String() + " tidak dapat dipakai (port sudah dipakai)",
		"--api-addr 127.0.0.1:8081", "127.0.0.1:0"} {
		if !strings.Contains(errb.String(), want) {
			t.Errorf("stderr lacks %q:\n%s", want, errb.String())
		}
	}
	// Nothing was crawled or stored.
	if _, err := os.Stat(filepath.Join(data, "clickhouse")); !os.IsNotExist(err) {
		t.Errorf("the demo opened a store: %v", err)
	}
}
