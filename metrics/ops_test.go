package metrics

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

var descNameRe = regexp.MustCompile(`fqName: "([^"]+)"`)

// exported lists the metric names a process exports: the pipeline's
// collectors and the operations gauges.
func exported(t *testing.T) map[string]bool {
	t.Helper()
	m := New()
	m.WatchDisk(t.TempDir())
	m.WatchReports(func(context.Context) (time.Time, error) { return time.Time{}, nil })
	names := map[string]bool{}
	ch := make(chan *prometheus.Desc, 256)
	v := reflect.ValueOf(m).Elem()
	for i := 0; i < v.NumField(); i++ {
		if c, ok := v.Field(i).Interface().(prometheus.Collector); ok && v.Type().Field(i).Name != "Registry" {
			c.Describe(ch)
		}
	}
	close(ch)
	for d := range ch {
		names[descNameRe.FindStringSubmatch(d.String())[1]] = true
	}
	fams, err := m.Registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fams {
		names[f.GetName()] = true
	}
	return names
}

// TestAlertRulesUseExportedMetrics: every pantau_* series the alert rules
// (and their tests) read is one the binary exports.
func TestAlertRulesUseExportedMetrics(t *testing.T) {
	names := exported(t)
	files, _ := filepath.Glob("../deploy/prometheus/*.yml")
	used := regexp.MustCompile(`\bpantau_[a-z_]+`)
	n := 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range used.FindAllString(string(data), -1) {
			n++
			base := strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(name, "_bucket"), "_sum"), "_count")
			if !names[name] && !names[base] {
				t.Errorf("%s uses %s, which Pantau does not export", filepath.Base(f), name)
			}
		}
	}
	if n < 8 {
		t.Fatalf("only %d pantau_* names found in %v", n, files)
	}
}

func TestWatchDisk(t *testing.T) {
	m := New()
	dir := t.TempDir()
	m.WatchDisk(dir)
	fams, err := m.Registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]float64{}
	for _, f := range fams {
		if strings.HasPrefix(f.GetName(), "pantau_data_filesystem_") {
			got[f.GetName()] = f.GetMetric()[0].GetGauge().GetValue()
			if l := f.GetMetric()[0].GetLabel(); len(l) != 1 || l[0].GetValue() != dir {
				t.Errorf("%s labels %v, want path=%s", f.GetName(), l, dir)
			}
		}
	}
	size, avail := got["pantau_data_filesystem_size_bytes"], got["pantau_data_filesystem_avail_bytes"]
	if size <= 0 || avail < 0 || avail > size {
		t.Fatalf("size %v, avail %v", size, avail)
	}
}

func TestWatchReports(t *testing.T) {
	m := New()
	var last time.Time
	var err error
	m.WatchReports(func(context.Context) (time.Time, error) { return last, err })
	read := func() float64 {
		t.Helper()
		return gauge(t, m, "pantau_report_last_sent_timestamp_seconds")
	}
	if v := read(); v != 0 {
		t.Fatalf("never sent: %v, want 0", v)
	}
	last = time.Date(2026, 11, 29, 23, 0, 0, 0, time.UTC)
	if v := read(); v != float64(last.Unix()) {
		t.Fatalf("sent: %v, want %d", v, last.Unix())
	}
	err = context.DeadlineExceeded
	if v := read(); v != float64(last.Unix()) {
		t.Fatalf("store error: %v, want the last value %d", v, last.Unix())
	}
}

// gauge reads one unlabelled gauge through the registry.
func gauge(t *testing.T, m *Metrics, name string) float64 {
	t.Helper()
	fams, err := m.Registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fams {
		if f.GetName() == name {
			return f.GetMetric()[0].GetGauge().GetValue()
		}
	}
	t.Fatalf("%s not exported", name)
	return 0
}
