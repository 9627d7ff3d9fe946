package chdb

import (
	"context"
	"testing"

	"github.com/diskominfo-kaltim/pantau/store"
	"github.com/diskominfo-kaltim/pantau/store/storetest"
)

// BenchmarkInsertMentions measures RowBinary inserts into chDB with
// 10,000-row batches of article-sized rows (2 KB of text). Reports rows/s.
func BenchmarkInsertMentions(b *testing.B) {
	rows := storetest.Rows(10000, "bench")
	text := ""
	for len(text) < 2000 {
		text += "Pemerintah Provinsi Kalimantan Timur meresmikan jembatan baru di Samarinda. "
	}
	for i := range rows {
		rows[i].Text = text
	}
	be, err := Open(sharedDir, "bench_insert")
	if err != nil {
		b.Fatal(err)
	}
	defer be.Close()
	ctx := context.Background()
	if _, err := store.Migrate(ctx, be, nil); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		if err := be.InsertMentions(ctx, rows); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*len(rows))/b.Elapsed().Seconds(), "rows/s")
}
