package chdb

import (
	"context"
	"testing"

	"github.com/diskominfo-kaltim/pantau/store"
	"github.com/diskominfo-kaltim/pantau/store/storetest"
)

// BenchmarkInsertMentions compares the insert formats into chDB with
// 10,000-row batches of article-sized rows.
func BenchmarkInsertMentions(b *testing.B) {
	rows := storetest.Rows(10000, "bench")
	text := ""
	for len(text) < 2000 {
		text += "Pemerintah Provinsi Kalimantan Timur meresmikan jembatan baru di Samarinda. "
	}
	for i := range rows {
		rows[i].Text = text
	}
	for _, f := range []string{FormatRowBinary, FormatJSONEachRow} {
		b.Run(f, func(b *testing.B) {
			be, err := Open(sharedDir, "bench_"+f)
			if err != nil {
				b.Fatal(err)
			}
			defer be.Close()
			be.SetInsertFormat(f)
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
		})
	}
}
