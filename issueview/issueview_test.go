package issueview

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/diskominfo-kaltim/pantau/issuemap"
	"github.com/diskominfo-kaltim/pantau/news"
	"github.com/diskominfo-kaltim/pantau/period"
	"github.com/diskominfo-kaltim/pantau/store"
	"github.com/diskominfo-kaltim/pantau/store/chdb"
	"github.com/diskominfo-kaltim/pantau/store/storetest"
)

func TestListAndGet(t *testing.T) {
	dir, err := os.MkdirTemp("", "pantau-issueview-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	b, err := chdb.Open(dir, "issueview_test")
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	ctx := context.Background()
	if _, err := store.Migrate(ctx, b, nil); err != nil {
		t.Fatal(err)
	}
	end := time.Date(2024, 6, 12, 0, 0, 0, 0, news.WITA)
	storetest.IssueFixture(t, b, end)
	rules, err := issuemap.DefaultRules()
	if err != nil {
		t.Fatal(err)
	}

	list, err := List(ctx, b, rules, store.IssueFilter{Since: end.AddDate(0, 0, -30), Until: end})
	if err != nil || len(list) != 3 {
		t.Fatalf("list: %d issues, %v", len(list), err)
	}
	for _, s := range list {
		if s.Recommendation.Strategy == "" {
			t.Errorf("%s has no recommendation", s.ID)
		}
	}

	// Looked up by id long after it was active: the whole life counts.
	now := end.AddDate(2, 0, 0)
	d, err := Get(ctx, b, rules, "isu-steady", period.Window{Until: now}, store.MediaFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if d.Mentions != 30 || len(d.Articles) != 30 || len(d.Series) != 15 || len(d.TalkingPoints) != TalkingPoints {
		t.Errorf("whole life: %d mentions, %d articles, %d days, %d talking points; want 30, 30, 15, 3",
			d.Mentions, len(d.Articles), len(d.Series), len(d.TalkingPoints))
	}
	// A window that misses it finds nothing.
	w, _ := period.Back("7d", "", now)
	if _, err := Get(ctx, b, rules, "isu-steady", w, store.MediaFilter{}); !errors.Is(err, ErrNotFound) {
		t.Errorf("outside its window: %v, want ErrNotFound", err)
	}
	// A window restricts the figures and the series.
	w, _ = period.Back("2d", "2024-06-12", now)
	if d, err = Get(ctx, b, rules, "isu-steady", w, store.MediaFilter{}); err != nil || d.Mentions != 4 || len(d.Series) != 2 {
		t.Errorf("2 days: %+v %v", d, err)
	}

	// The brief's draft says since when the issue has been reported, even
	// where the window starts later.
	if d, err = Get(ctx, b, rules, "isu-spike", w, store.MediaFilter{}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(d.Brief.Draft, "sejak 28 Mei 2024") {
		t.Errorf("2 days of isu-spike (first reported 28 Mei 2024, %s in the window): draft %q", d.FirstSeen.In(news.WITA), d.Brief.Draft)
	}

	// The media filter restricts the figures, the days and the articles.
	storetest.InsertMediaFixture(t, b, end)
	social := store.MediaFilter{Kind: news.KindSosmed}
	if d, err = Get(ctx, b, rules, "isu-media", period.Window{Until: now}, social); err != nil {
		t.Fatal(err)
	}
	days := 0
	for _, m := range d.Series {
		days += m.ByLabel[0] + m.ByLabel[1] + m.ByLabel[2] + m.ByLabel[3]
	}
	if d.Mentions != 6 || d.ByKind != [3]int{0, 0, 6} || len(d.Articles) != 6 || days != 6 {
		t.Errorf("in social media: %d mentions, by kind %v, %d articles, %d in the days", d.Mentions, d.ByKind, len(d.Articles), days)
	}
	for _, a := range d.Articles {
		if a.Kind != news.KindSosmed || a.Platform == "" {
			t.Errorf("article %+v in social media", a)
		}
	}
	if _, err := Get(ctx, b, rules, "isu-rilis", period.Window{Until: now}, social); !errors.Is(err, ErrNotFound) {
		t.Errorf("press releases only, in social media: %v, want ErrNotFound", err)
	}

	// Where an issue spreads, and the channels drawn from it, are the
	// chosen media's: under YouTube no Instagram account is recommended.
	spread := func(m store.MediaFilter) Summary {
		t.Helper()
		list, err := List(ctx, b, rules, store.IssueFilter{ID: "isu-media", Since: end.AddDate(0, 0, -30), Until: end, Media: m})
		if err != nil || len(list) != 1 {
			t.Fatalf("isu-media in %+v: %d issues, %v", m, len(list), err)
		}
		return list[0]
	}
	all := spread(store.MediaFilter{})
	if want := []string{"instagram", "youtube", "x"}; !slices.Equal(all.Platforms, want) {
		t.Errorf("all media: platforms %v, want %v", all.Platforms, want)
	}
	for _, c := range []struct {
		m         store.MediaFilter
		platforms []string
		account   string // the office account the channels name; "" for none
	}{
		{store.MediaFilter{Platform: "youtube"}, []string{"youtube"}, "akun YouTube resmi"},
		{store.MediaFilter{Kind: news.KindSosmed, Platform: "x"}, []string{"x"}, "akun X resmi"},
		{store.MediaFilter{Kind: news.KindSosmed}, []string{"instagram", "youtube", "x"}, "akun Instagram resmi"},
		{store.MediaFilter{Kind: news.KindBerita}, nil, ""},
		{store.MediaFilter{Platform: store.PlatformWeb}, nil, ""},
	} {
		s := spread(c.m)
		if !slices.Equal(s.Platforms, c.platforms) {
			t.Errorf("%+v: platforms %v, want %v", c.m, s.Platforms, c.platforms)
		}
		channels := strings.Join(s.Recommendation.Channels, "; ")
		if c.account != "" && !strings.Contains(channels, c.account) || c.account == "" && strings.Contains(channels, "akun ") {
			t.Errorf("%+v: channels %q, want the office account %q", c.m, channels, c.account)
		}
	}
	// So are a region's: posted on Instagram in Samarinda, on TikTok in
	// Balikpapan.
	var rows []news.Classified
	for i, p := range []struct{ platform, region string }{{"instagram", "Kota Samarinda"}, {"instagram", "Kota Samarinda"}, {"tiktok", "Kota Balikpapan"}} {
		at := end.Add(-time.Duration(i+1) * time.Hour)
		id := news.IDFor(fmt.Sprintf("wilayah/%d", i))
		rows = append(rows, news.Classified{Article: news.Article{ID: id, URL: "https://x.id/" + id, Outlet: "@akun_" + p.platform,
			Title: "jalan rusak " + p.region, Text: "jalan rusak", PublishedAt: at, FetchedAt: at, Kind: news.KindSosmed, Platform: p.platform},
			Label: news.LabelNegatif, Polarity: "negatif", Regions: []string{p.region}, OPDs: []string{"Dinas PUPR"},
			IssueID: "isu-wilayah", IssueName: "Jalan rusak", IssueTerms: []string{"jalan"}})
	}
	if err := b.InsertMentions(ctx, rows); err != nil {
		t.Fatal(err)
	}
	if err := b.InsertIssues(ctx, store.IssuesFrom(rows)); err != nil {
		t.Fatal(err)
	}
	list, err = List(ctx, b, rules, store.IssueFilter{ID: "isu-wilayah", Region: "Kota Balikpapan", Since: end.AddDate(0, 0, -1), Until: end})
	if err != nil || len(list) != 1 || !slices.Equal(list[0].Platforms, []string{"tiktok"}) ||
		!strings.Contains(strings.Join(list[0].Recommendation.Channels, "; "), "akun TikTok resmi") {
		t.Errorf("in Balikpapan: %+v, %v", list, err)
	}

	d, err = Get(ctx, b, rules, "isu-media", period.Window{Until: now}, store.MediaFilter{Platform: "youtube"})
	if err != nil || !slices.Equal(d.Platforms, []string{"youtube"}) {
		t.Errorf("detail in YouTube: platforms %v, %v", d.Platforms, err)
	}
}
