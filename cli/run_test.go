package cli

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/diskominfo-kaltim/pantau/crawler"
	"github.com/diskominfo-kaltim/pantau/pipeline"
)

// TestRunOnceAllSourcesFailed: `run --once` where no source answers exits
// 3 and says that the demo works without internet (it exited 0 before).
func TestRunOnceAllSourcesFailed(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	defer srv.Close()
	dir := t.TempDir()
	sources := filepath.Join(dir, "sources.yaml")
	var y strings.Builder
	for i := 0; i < 2; i++ {
		fmt.Fprintf(&y, "- name: Hilang %d\n  feed: %s/rss-%d.xml\n  region: Kota Samarinda\n  allow_private: true\n", i, srv.URL, i)
	}
	if err := os.WriteFile(sources, []byte(y.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	code := Main([]string{"run", "--once", "--config", sources, "--data", filepath.Join(dir, "data"), "--metrics-addr", "", "--api-addr", "",
		"--host-delay", "0s", "--drain-timeout", "10s"}, &out, &errb)
	if code != exitAllSourcesFailed || !strings.Contains(errb.String(), "semua 2 sumber gagal dirayapi") ||
		!strings.Contains(errb.String(), "make demo") || !strings.Contains(out.String(), "2 sumber (2 gagal)") {
		t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, exitAllSourcesFailed, out.String(), errb.String())
	}
}

func TestOnceOutcome(t *testing.T) {
	f := func(sum pipeline.Summary, want int) {
		t.Helper()
		err := onceOutcome(sum, time.Minute)
		var ee exitError
		got := 0
		if errors.As(err, &ee) {
			got = ee.code
		}
		if got != want {
			t.Errorf("%+v: exit %d, want %d (%v)", sum, got, want, err)
		}
	}
	f(pipeline.Summary{Stats: crawler.Stats{Sources: 3, SourcesFailed: 2}}, 0)
	f(pipeline.Summary{Stats: crawler.Stats{Sources: 3, SourcesFailed: 3}}, exitAllSourcesFailed)
	f(pipeline.Summary{Stats: crawler.Stats{Sources: 3}, DrainErr: errors.New("still pending")}, exitNotDrained)
	f(pipeline.Summary{Stats: crawler.Stats{Sources: 3}, CountErr: errors.New("store down")}, exitNoCount)
	if s := (pipeline.Summary{CountErr: errors.New("x")}).String(); !strings.Contains(s, "total tidak diketahui") {
		t.Errorf("a failed count printed as %q", s)
	}
}
