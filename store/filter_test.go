package store_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/diskominfo-kaltim/pantau/store"
	"github.com/diskominfo-kaltim/pantau/store/chdb"
	"github.com/diskominfo-kaltim/pantau/store/storetest"
)

func TestParseKindAndPlatform(t *testing.T) {
	for in, want := range map[string]string{"": "", "media-massa": "berita", "Siaran-Pers": "rilis", " media-sosial ": "sosmed",
		"media sosial": "sosmed", "berita": "berita", "rilis": "rilis", "sosmed": "sosmed"} {
		if got, err := store.ParseKind(in); err != nil || got != want {
			t.Errorf("ParseKind(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := store.ParseKind("koran"); err == nil || err.Error() != `"koran" tidak dikenal; pilih media-massa, siaran-pers atau media-sosial` {
		t.Errorf("ParseKind(koran): %v", err)
	}
	for in, want := range map[string]string{"": "", "web": "web", "Instagram": "instagram", "twitter": "x", "telegram": "telegram"} {
		if got, err := store.ParsePlatform(in); err != nil || got != want {
			t.Errorf("ParsePlatform(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := store.ParsePlatform("friendster"); err == nil ||
		err.Error() != `"friendster" tidak dikenal; pilih web, youtube, facebook, instagram, x, tiktok atau telegram` {
		t.Errorf("ParsePlatform(friendster): %v", err)
	}
	for _, w := range store.KindWords {
		if store.KindWord(w.Kind) != w.Word {
			t.Errorf("KindWord(%s) = %s", w.Kind, store.KindWord(w.Kind))
		}
	}
}

// TestMediaFilters: the kind and platform filters select the same
// mentions in every analyst query, count them per kind, and bind what
// they are given.
func TestMediaFilters(t *testing.T) {
	ctx := context.Background()
	b, err := chdb.Open(engineDir, "media_test")
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	b.Exec(ctx, "DROP DATABASE IF EXISTS media_test")
	if _, err := store.Migrate(ctx, b, nil); err != nil {
		t.Fatal(err)
	}
	until := time.Date(2024, 6, 12, 0, 0, 0, 0, time.UTC)
	since := until.Add(-7 * 24 * time.Hour)
	storetest.InsertMediaFixture(t, b, until)

	issues := func(m store.MediaFilter) map[string]store.IssueSummary {
		t.Helper()
		list, err := store.Issues(ctx, b, store.IssueFilter{Since: since, Until: until, Media: m})
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]store.IssueSummary{}
		for _, s := range list {
			out[s.ID] = s
		}
		return out
	}
	all := issues(store.MediaFilter{})
	if s := all["isu-media"]; s.Mentions != 12 || s.ByKind != [3]int{4, 2, 6} || s.Name != "Isu media" {
		t.Errorf("isu-media unfiltered: %d mentions, by kind %v", s.Mentions, s.ByKind)
	}
	if s := all["isu-rilis"]; s.Mentions != 2 || s.ByKind != [3]int{0, 2, 0} {
		t.Errorf("isu-rilis unfiltered: %d mentions, by kind %v", s.Mentions, s.ByKind)
	}
	for _, c := range []struct {
		m    store.MediaFilter
		want map[string][2]int // issue: mentions, negatif
	}{
		{store.MediaFilter{Kind: "sosmed"}, map[string][2]int{"isu-media": {6, 3}}},
		{store.MediaFilter{Kind: "rilis"}, map[string][2]int{"isu-media": {2, 0}, "isu-rilis": {2, 0}}},
		{store.MediaFilter{Kind: "berita"}, map[string][2]int{"isu-media": {4, 2}}},
		{store.MediaFilter{Platform: "youtube"}, map[string][2]int{"isu-media": {2, 0}}},
		{store.MediaFilter{Platform: "web"}, map[string][2]int{"isu-media": {6, 2}, "isu-rilis": {2, 0}}},
		{store.MediaFilter{Kind: "sosmed", Platform: "instagram"}, map[string][2]int{"isu-media": {3, 3}}},
		{store.MediaFilter{Kind: "berita", Platform: "instagram"}, map[string][2]int{}},
		// Values are bound, never spliced.
		{store.MediaFilter{Kind: "sosmed' OR 1=1 --", Platform: "x') OR ('1'='1"}, map[string][2]int{}},
	} {
		got := issues(c.m)
		if len(got) != len(c.want) {
			t.Errorf("%+v: issues %v, want %v", c.m, got, c.want)
		}
		for id, w := range c.want {
			if s := got[id]; s.Mentions != w[0] || s.ByLabel[3] != w[1] {
				t.Errorf("%+v: %s has %d mentions, %d negatif; want %v", c.m, id, s.Mentions, s.ByLabel[3], w)
			}
		}
	}
	if s := issues(store.MediaFilter{Kind: "sosmed"})["isu-media"]; s.ByKind != [3]int{0, 0, 6} || s.ByLabel != [4]int{0, 1, 2, 3} || len(s.Outlets) != 3 {
		t.Errorf("isu-media in social media: by kind %v, by label %v, outlets %v", s.ByKind, s.ByLabel, s.Outlets)
	}

	// Trends by kind and platform, and filtered.
	trend := func(q store.TrendQuery) map[string]int {
		t.Helper()
		q.Since, q.Until = since, until
		pts, err := store.Trend(ctx, b, q)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]int{}
		for _, p := range pts {
			out[p.Key] += p.Count
		}
		return out
	}
	for _, c := range []struct {
		q    store.TrendQuery
		want string
	}{
		{store.TrendQuery{By: "jenis"}, "map[berita:4 rilis:4 sosmed:6]"},
		{store.TrendQuery{By: "platform"}, "map[instagram:3 web:8 x:1 youtube:2]"},
		{store.TrendQuery{By: "label", Media: store.MediaFilter{Kind: "sosmed"}}, "map[berpotensi negatif:2 negatif:3 netral:1]"},
		{store.TrendQuery{By: "platform", Media: store.MediaFilter{Kind: "sosmed"}}, "map[instagram:3 x:1 youtube:2]"},
		{store.TrendQuery{By: "issue", Media: store.MediaFilter{Platform: "web"}, Issues: 1}, "map[isu-media:6]"},
		{store.TrendQuery{By: "jenis", Interval: "hour", Media: store.MediaFilter{Platform: "instagram"}}, "map[sosmed:3]"},
	} {
		if got := trend(c.q); fmt.Sprint(got) != c.want {
			t.Errorf("trend %+v: %s, want %s", c.q, fmt.Sprint(got), c.want)
		}
	}

	// Search, an issue's articles and its days.
	rows, err := store.Search(ctx, b, "BANJIR", since, store.MediaFilter{Kind: "sosmed"}, 50)
	if err != nil || len(rows) != 6 {
		t.Fatalf("search in social media: %v, %d rows", err, len(rows))
	}
	for _, r := range rows {
		if r.Kind != "sosmed" || r.Platform == "" || !strings.Contains(r.Title, "sosmed "+r.Platform) {
			t.Errorf("search row %+v", r)
		}
	}
	if rows, err := store.Search(ctx, b, "banjir", since, store.MediaFilter{Platform: "web"}, 50); err != nil || len(rows) != 8 || rows[0].Platform != "" {
		t.Errorf("search on the web: %v %d", err, len(rows))
	}
	arts, err := store.IssueMentions(ctx, b, "isu-media", store.MediaFilter{Platform: "youtube"}, 10)
	if err != nil || len(arts) != 2 || arts[0].Platform != "youtube" || arts[0].Label != "berpotensi negatif" {
		t.Errorf("isu-media on youtube: %v %+v", err, arts)
	}
	days, err := store.IssueSeries(ctx, b, "isu-media", store.MediaFilter{Kind: "rilis"}, since, until)
	n := 0
	for _, d := range days {
		n += d.ByLabel[0] + d.ByLabel[1] + d.ByLabel[2] + d.ByLabel[3]
	}
	if err != nil || n != 2 {
		t.Errorf("isu-media's press releases per day: %v %+v", err, days)
	}
	list, err := store.Articles(ctx, b, store.ArticleFilter{Since: since, Until: until, Media: store.MediaFilter{Kind: "rilis"}})
	if err != nil || len(list) != 4 {
		t.Errorf("press releases as articles: %v %d", err, len(list))
	}
}
