package bus

import (
	"context"
	"fmt"
	"testing"
)

// BenchmarkPublish measures publishing 1 KB messages one after the other
// (each waits for its acknowledgement, as the crawler and the classifier
// do) into the embedded server's file store, with the store flushed on
// an interval (the default) and with every write fsynced (sync: always).
// Reports messages/s.
func BenchmarkPublish(b *testing.B) {
	data := make([]byte, 1024)
	for _, always := range []bool{false, true} {
		name := "interval"
		if always {
			name = "always"
		}
		b.Run(name, func(b *testing.B) {
			ctx := context.Background()
			bs, err := Open(ctx, Options{StoreDir: b.TempDir(), SyncAlways: always}, quiet())
			if err != nil {
				b.Fatal(err)
			}
			defer bs.Close()
			i := 0
			for b.Loop() {
				if _, err := bs.Publish(ctx, SubjectArticles, fmt.Sprint("m-", i), data); err != nil {
					b.Fatal(err)
				}
				i++
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
		})
	}
}
