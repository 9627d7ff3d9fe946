package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/diskominfo-kaltim/pantau/store"
	"github.com/diskominfo-kaltim/pantau/store/chdb"
	"github.com/diskominfo-kaltim/pantau/store/clickhouse"
	"github.com/diskominfo-kaltim/pantau/store/clickhouse/chtest"
)

const day = 24 * time.Hour

// TestRetention sets the TTLs on chDB, checks that they delete old social
// items (from mentions and mention_facts) and empty old article text, and
// nothing else, once ClickHouse merges, that applying them again changes nothing, and that 0 removes
// them.
func TestRetention(t *testing.T) {
	ctx := context.Background()
	b, err := chdb.Open(engineDir, "retensi")
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	b.Exec(ctx, "DROP DATABASE IF EXISTS retensi")
	if _, err := store.Migrate(ctx, b, quietLog()); err != nil {
		t.Fatal(err)
	}
	rows := []struct {
		id, kind string
		age      int
	}{
		{"berita-lama", "berita", 400}, {"sosmed-lama", "sosmed", 200},
		{"sosmed-baru", "sosmed", 10}, {"berita-baru", "berita", 10}, {"rilis-lama", "rilis", 400},
	}
	for _, r := range rows {
		at := time.Now().UTC().Add(-time.Duration(r.age) * day).Format(time.DateTime)
		if err := b.Exec(ctx, "INSERT INTO retensi.mentions (id, kind, title, text, published_at, ingested_at) VALUES ('"+
			r.id+"', '"+r.kind+"', 'Judul "+r.id+"', 'Isi "+r.id+"', '"+at+"', now())"); err != nil {
			t.Fatal(err)
		}
	}
	res, err := store.ApplyRetention(ctx, b, store.Retention{Text: 365 * day, Social: 180 * day}, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Applied) != 3 || res.Skipped != "" ||
		res.Applied[0] != "ALTER TABLE retensi.mentions MODIFY COLUMN text TTL published_at + toIntervalDay(365)" ||
		res.Applied[1] != "ALTER TABLE retensi.mentions MODIFY TTL published_at + toIntervalDay(180) WHERE kind = 'sosmed'" ||
		res.Applied[2] != "ALTER TABLE retensi.mention_facts MODIFY TTL published_at + toIntervalDay(180) WHERE kind = 'sosmed'" {
		t.Fatalf("applied: %q (skipped %q)", res.Applied, res.Skipped)
	}
	if res, err := store.ApplyRetention(ctx, b, store.Retention{Text: 365 * day, Social: 180 * day}, ""); err != nil || len(res.Applied) != 0 {
		t.Fatalf("again: %+v %v, want nothing changed", res, err)
	}
	for _, table := range []string{"mentions", "mention_facts"} {
		if err := b.Exec(ctx, "OPTIMIZE TABLE retensi."+table+" FINAL"); err != nil {
			t.Fatal(err)
		}
	}
	got, err := b.Query(ctx, "SELECT id, title, text FROM retensi.mentions FINAL ORDER BY id", nil)
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"berita-baru", "Judul berita-baru", "Isi berita-baru"},
		{"berita-lama", "Judul berita-lama", ""},
		{"rilis-lama", "Judul rilis-lama", ""},
		{"sosmed-baru", "Judul sosmed-baru", "Isi sosmed-baru"},
	}
	if len(got.Rows) != len(want) {
		t.Fatalf("after the TTLs: %v, want %v", got.Rows, want)
	}
	for i := range want {
		if strings.Join(got.Rows[i], "|") != strings.Join(want[i], "|") {
			t.Errorf("row %d: %v, want %v", i, got.Rows[i], want[i])
		}
	}
	if got, err := b.Query(ctx, "SELECT groupArray(id) FROM (SELECT id FROM retensi.mention_facts FINAL ORDER BY id)", nil); err != nil ||
		got.Rows[0][0] != "['berita-baru','berita-lama','rilis-lama','sosmed-baru']" {
		t.Errorf("mention_facts after the TTLs: %v %v", got, err)
	}
	// 0 keeps forever: the TTLs go.
	res, err = store.ApplyRetention(ctx, b, store.Retention{}, "")
	if err != nil || len(res.Applied) != 3 {
		t.Fatalf("removing: %+v %v", res, err)
	}
	q, err := b.Query(ctx, "SELECT groupArray(create_table_query) FROM system.tables WHERE database = 'retensi' AND name IN ('mentions', 'mention_facts')", nil)
	if err != nil || strings.Contains(q.Rows[0][0], "TTL") {
		t.Fatalf("TTL left after removing: %v %v", q, err)
	}
}

// TestRetentionNeedsTTL: Debian's ClickHouse 18.16 has no TTL; the
// retention is reported as not applied and nothing is changed.
func TestRetentionNeedsTTL(t *testing.T) {
	srv := chtest.Start(t)
	ctx := context.Background()
	b, err := clickhouse.Open(ctx, srv.DSN("pantau"))
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if _, err := store.Migrate(ctx, b, quietLog()); err != nil {
		t.Fatal(err)
	}
	if _, err := store.ApplyRetention(ctx, b, store.Retention{Social: 180 * day}, ""); !errors.Is(err, store.ErrNoTTL) {
		t.Fatalf("on 18.16: %v, want ErrNoTTL", err)
	}
}
