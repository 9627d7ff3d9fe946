package e2e

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/diskominfo-kaltim/pantau/demo/indosum"
)

// BenchmarkPipeline is the pipeline load test: a local site of 10 outlets
// with 1,000 articles each (the bundled articles, re-published under new
// slugs), crawled once by the binary with no politeness delay, with each
// sync setting; it reports end-to-end articles/s (fetch, extract,
// publish, classify, store).
func BenchmarkPipeline(b *testing.B) {
	arts, err := indosum.Articles()
	if err != nil {
		b.Fatal(err)
	}
	const outlets, perOutlet = 10, 1000
	mux := http.NewServeMux()
	for o := 0; o < outlets; o++ {
		site := &indosum.Site{Name: fmt.Sprintf("Outlet %d", o)}
		for i := 0; i < perOutlet; i++ {
			a := arts[(o*perOutlet+i)%len(arts)]
			a.Slug = fmt.Sprintf("%s-%d-%d", a.Slug, o, i)
			a.Time = a.Time.Add(time.Duration(i) * time.Minute)
			site.Articles = append(site.Articles, a)
		}
		prefix := fmt.Sprintf("/o%d", o)
		mux.Handle(prefix+"/", http.StripPrefix(prefix, site))
	}
	srv := httptest.NewServer(mux)
	defer srv.Close()
	var y strings.Builder
	for o := 0; o < outlets; o++ {
		fmt.Fprintf(&y, "- name: Outlet %d\n  feed: %s/o%d/rss.xml\n  region: Kalimantan Timur\n  allow_private: true\n", o, srv.URL, o)
	}
	sources := filepath.Join(b.TempDir(), "sources.yaml")
	os.WriteFile(sources, []byte(y.String()), 0o644)
	total := outlets * perOutlet
	re := regexp.MustCompile(`(\d+) tersimpan`)
	// sync: interval, and sync: always (every JetStream write and chDB
	// insert fsynced before it is acknowledged).
	for _, sync := range []string{"interval", "always"} {
		b.Run("sync-"+sync, func(b *testing.B) {
			var elapsed time.Duration
			for b.Loop() {
				data := b.TempDir()
				start := time.Now()
				r := pantau(b, 10*time.Minute, "run", "--once", "--config", sources, "--data", data,
					"--host-delay", "0s", "--workers", "4", "--log-level", "warn", "--sync", sync)
				elapsed += time.Since(start)
				m := re.FindStringSubmatch(r.stdout)
				if r.code != 0 || m == nil {
					b.Fatalf("exit %d: %s\n%s", r.code, r.stdout, r.stderr)
				}
				if n, _ := strconv.Atoi(m[1]); n != total {
					b.Fatalf("stored %d of %d: %s", n, total, r.stdout)
				}
			}
			b.ReportMetric(float64(b.N*total)/elapsed.Seconds(), "articles/s")
		})
	}
}
