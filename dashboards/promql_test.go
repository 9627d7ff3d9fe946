package dashboards

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// promInput is what two Pantau processes (instances a and b) export, one
// sample a minute for 90 minutes; the Operasional panels are evaluated at
// 80 minutes (time() = 4800).
var promInput = []string{
	`pantau_crawler_fetched_total{source="Kaltim Post",instance="a"} 0+30x90`,
	`pantau_crawler_fetched_total{source="Kaltim Post",instance="b"} 0+30x90`,
	`pantau_crawler_errors_total{source="Kaltim Post",instance="a"} 0+1x90`,
	`pantau_crawler_consecutive_failures{source="Kaltim Post",instance="a"} 3x90`,
	`pantau_crawler_consecutive_failures{source="Kaltim Post",instance="b"} 1x90`,
	`pantau_crawler_consecutive_failures{source="Tribun Kaltim",instance="a"} 0x90`,
	`pantau_crawler_paused_until_timestamp_seconds{source="X Humas",reason="batas laju X API",instance="a"} 6000x90`,
	`pantau_crawler_paused_until_timestamp_seconds{source="YouTube Humas",reason="kuota YouTube Data API habis",instance="a"} 600x90`,
	`pantau_crawler_last_success_timestamp_seconds{source="Kaltim Post",instance="a"} 4500x90`,
	`pantau_crawler_last_success_timestamp_seconds{source="Kaltim Post",instance="b"} 4700x90`,
	`pantau_crawler_last_success_timestamp_seconds{source="Tribun Kaltim",instance="a"} 4790x90`,
	`pantau_crawler_poll_interval_seconds{source="Kaltim Post",instance="a"} 60x90`,
	`pantau_crawler_poll_interval_seconds{source="Tribun Kaltim",instance="a"} 600x90`,
	`pantau_crawler_poll_interval_seconds{source="X Humas",instance="a"} 1800x90`,
	`pantau_consumer_lag{consumer="writer",instance="a"} 5x90`,
	`pantau_consumer_lag{consumer="writer",instance="b"} 5x90`,
	`pantau_consumer_lag{consumer="classifier",instance="a"} 2x90`,
	`pantau_classified_total{label="netral",instance="a"} 0+60x90`,
	`pantau_classified_total{label="netral",instance="b"} 0+30x90`,
	`pantau_stored_total{instance="a"} 0+120x90`,
	`pantau_store_insert_seconds_bucket{le="0.25",instance="a"} 0+60x90`,
	`pantau_store_insert_seconds_bucket{le="0.5",instance="a"} 0+120x90`,
	`pantau_store_insert_seconds_bucket{le="+Inf",instance="a"} 0+120x90`,
	`pantau_dead_lettered_total{stage="writer",instance="a"} 0+1x90`,
	`pantau_stage_panics_total{stage="classifier",instance="a"} 0x90`,
	`pantau_dead_letters{instance="a"} 7x90`,
	`pantau_failed_total{stage="report",instance="a"} 0+2x90`,
	`pantau_report_last_sent_timestamp_seconds{instance="a"} 1800000000x90`,
	`pantau_data_filesystem_avail_bytes{instance="a",path="/var/lib/pantau"} 25x90`,
	`pantau_data_filesystem_size_bytes{instance="a",path="/var/lib/pantau"} 100x90`,
}

// promWant is what each Operasional query (panel title, query number)
// gives over promInput, rounded to 0.001: per source, consumer or stage,
// summed over processes for rates and the largest for gauges that several
// processes report alike.
var promWant = map[string][]string{
	"Dokumen diambil per sumber (per menit)#0":     {`{source="Kaltim Post"} 60`},
	"Pengambilan gagal per sumber (per jam)#0":     {`{source="Kaltim Post"} 60`},
	"Sumber mati: gagal beruntun#0":                {`{source="Kaltim Post"} 3`},
	"Sumber dijeda platform (batas laju, kuota)#0": {`{reason="batas laju X API",source="X Humas"} 1200`},
	"Sejak terakhir berhasil#0":                    {`{source="Kaltim Post"} 100`, `{source="Tribun Kaltim"} 10`},
	"Interval polling (adaptif)#0":                 {`{} 60`},
	"Interval polling (adaptif)#1":                 {`{} 600`},
	"Interval polling (adaptif)#2":                 {`{} 1800`},
	"Sumber dengan interval polling terpendek#0":   {`{source="Kaltim Post"} 60`, `{source="Tribun Kaltim"} 600`, `{source="X Humas"} 1800`},
	"Antrean NATS (lag konsumen)#0":                {`{consumer="writer"} 5`, `{consumer="classifier"} 2`},
	"Klasifikasi dan penyimpanan per menit#0":      {`{label="netral"} 90`},
	"Klasifikasi dan penyimpanan per menit#1":      {`{} 120`},
	"Latensi insert ke ClickHouse#0":               {`{} 0.25`},
	"Latensi insert ke ClickHouse#1":               {`{} 0.475`},
	"Dead letter: pertumbuhan dan antrean#0":       {`{stage="writer"} 60`},
	"Dead letter: pertumbuhan dan antrean#1":       {`{stage="classifier"} 0`},
	"Dead letter: pertumbuhan dan antrean#2":       {`{} 7`},
	"Kegagalan pemrosesan (per jam)#0":             {`{stage="report"} 120`},
	"Laporan harian terakhir terkirim#0":           {`{} 1800000000000`},
	"Ruang disk data tersisa#0":                    {`{instance="a"} 0.25`},
}

// TestPromQLEvaluates runs every Operasional query through Prometheus's own
// engine (promtool test rules, Debian's prometheus package, which `make
// test` installs) over two processes' series and checks what each panel
// would show.
func TestPromQLEvaluates(t *testing.T) {
	promtool, err := exec.LookPath("promtool")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("promtool not installed: `make test` installs Debian's prometheus package")
		}
		t.Skip("promtool not installed (Debian package prometheus; make test installs it)")
	}
	q := func(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }
	var b strings.Builder
	b.WriteString("rule_files: []\nevaluation_interval: 1m\ntests:\n  - interval: 1m\n    input_series:\n")
	for _, s := range promInput {
		i := strings.LastIndexByte(s, ' ')
		fmt.Fprintf(&b, "      - series: %s\n        values: %s\n", q(s[:i]), q(s[i+1:]))
	}
	b.WriteString("    promql_expr_test:\n")
	seen := map[string]bool{}
	for _, d := range All() {
		for _, p := range d.Panels {
			for i, target := range p.PromQL {
				key := fmt.Sprintf("%s#%d", p.Title, i)
				want, ok := promWant[key]
				if !ok {
					t.Errorf("no expectation for %s (%s)", key, target.Expr)
					continue
				}
				seen[key] = true
				fmt.Fprintf(&b, "      - expr: %s\n        eval_time: 80m\n        exp_samples:\n", q("round("+target.Expr+", 0.001)"))
				for _, w := range want {
					i := strings.LastIndexByte(w, ' ')
					fmt.Fprintf(&b, "          - labels: %s\n            value: %s\n", q(w[:i]), w[i+1:])
				}
			}
		}
	}
	for key := range promWant {
		if !seen[key] {
			t.Errorf("expectation %s matches no panel query", key)
		}
	}
	file := filepath.Join(t.TempDir(), "operasional_test.yml")
	if err := os.WriteFile(file, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(promtool, "test", "rules", file).CombinedOutput()
	if err != nil {
		t.Errorf("promtool test rules: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "SUCCESS") {
		t.Errorf("promtool did not report success:\n%s", out)
	}
}
