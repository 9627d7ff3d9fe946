package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/diskominfo-kaltim/pantau/store"
	"github.com/diskominfo-kaltim/pantau/store/chdb"
)

// BenchmarkIssueQueries10M measures the analyst queries over 10 million
// mentions (a year of 20,000 issues, generated inside the engine): the
// 30-day issue list with spikes, one issue in detail (figures, daily mix,
// articles) and the 30-day trend by each dimension.
func BenchmarkIssueQueries10M(b *testing.B) {
	ctx := context.Background()
	be, err := chdb.Open(engineDir, "bench10m")
	if err != nil {
		b.Fatal(err)
	}
	defer be.Close()
	if _, err := store.Migrate(ctx, be, nil); err != nil {
		b.Fatal(err)
	}
	res, err := be.Query(ctx, "SELECT count() FROM bench10m.mentions", nil)
	if err != nil {
		b.Fatal(err)
	}
	until := time.Date(2024, 6, 12, 0, 0, 0, 0, time.UTC)
	if res.Rows[0][0] != "10000000" {
		// A year of history, merged, then the last 8 hours as the writer
		// stores them: 40 batches of 240 articles, left unmerged, so FINAL
		// has parts to merge as it would in a running office.
		start := time.Now()
		const recent = 40 * 240
		if err := be.Exec(ctx, benchMentions(recent, 10_000_000-recent)); err != nil {
			b.Fatal(err)
		}
		be.Exec(ctx, "OPTIMIZE TABLE bench10m.mentions FINAL")
		be.Exec(ctx, "OPTIMIZE TABLE bench10m.mention_facts FINAL")
		for i := 0; i < recent; i += 240 {
			if err := be.Exec(ctx, benchMentions(i, 240)); err != nil {
				b.Fatal(err)
			}
		}
		b.Logf("generated 10M mentions in %s", time.Since(start))
	}
	parts, _ := be.Query(ctx, "SELECT table, count() FROM system.parts WHERE database = 'bench10m' AND active AND table IN ('mentions', 'mention_facts') GROUP BY table ORDER BY table", nil)
	b.Logf("active parts: %v", parts.Rows)
	b.Run("issues-30d", func(b *testing.B) {
		for b.Loop() {
			if _, err := store.Issues(ctx, be, store.IssueFilter{Since: until.Add(-30 * 24 * time.Hour), Until: until, Limit: 20}); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/query")
	})
	b.Run("issue-detail", func(b *testing.B) {
		for b.Loop() {
			f := store.IssueFilter{Since: until.Add(-30 * 24 * time.Hour), Until: until, ID: "isu-42", Limit: 1}
			if s, err := store.Issues(ctx, be, f); err != nil || len(s) != 1 {
				b.Fatalf("%v %v", s, err)
			}
			if _, err := store.IssueSeries(ctx, be, "isu-42", store.MediaFilter{}, f.Since, until); err != nil {
				b.Fatal(err)
			}
			if m, err := store.IssueMentions(ctx, be, "isu-42", store.MediaFilter{}, 20); err != nil || len(m) != 20 {
				b.Fatalf("%d mentions, %v", len(m), err)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/query")
	})
	for _, by := range store.TrendDimensions {
		b.Run("trend-"+by+"-30d", func(b *testing.B) {
			for b.Loop() {
				if _, err := store.Trend(ctx, be, store.TrendQuery{By: by, Since: until.Add(-30 * 24 * time.Hour), Until: until}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/query")
		})
	}
}

// benchMentions generates n mentions from the start-th, three seconds
// apart going back from 2024-06-12 00:00 UTC, over 20,000 issues.
func benchMentions(start, n int) string {
	return fmt.Sprintf(`INSERT INTO bench10m.mentions (id, url, outlet, region, published_at, fetched_at, title, text, language,
    label, model_version, ingested_at, story_id, regions, opds, issue_id)
SELECT hex(cityHash64(number)), concat('https://x.id/', toString(number)), concat('Media ', toString(number %% 40)), 'Kalimantan Timur',
    toDateTime('2024-06-12 00:00:00', 'UTC') - toIntervalSecond(number * 3),
    toDateTime('2024-06-12 00:00:00', 'UTC') - toIntervalSecond(number * 3),
    concat('Judul berita ', toString(number)), 'teks', 'id',
    CAST(1 + (cityHash64(number, 1) %% 4) AS Enum8('positif' = 1, 'netral' = 2, 'berpotensi negatif' = 3, 'negatif' = 4)),
    'bench', now(), hex(cityHash64(number)),
    [arrayElement(['Kota Samarinda', 'Kota Balikpapan', 'Kota Bontang', 'Kabupaten Berau', 'Kabupaten Paser'], 1 + number %% 5)],
    [arrayElement(['Dinas PUPR', 'BPBD', 'Dinas Kesehatan'], 1 + number %% 3)],
    concat('isu-', toString(cityHash64(number, 2) %% 20000))
FROM numbers(%d, %d)`, start, n)
}
