package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/diskominfo-kaltim/pantau/news"
	"github.com/diskominfo-kaltim/pantau/store"
)

// MediaItem is one item of MediaFixture.
type MediaItem struct {
	Issue, Kind, Platform, Label string
}

// MediaFixture are the items MediaFixture inserts over the three days
// before until: an issue ("isu-media") that spreads over news, press
// releases and three platforms, and one of press releases only
// ("isu-rilis").
var MediaFixture = []MediaItem{
	{"media", news.KindBerita, "", news.LabelNetral},
	{"media", news.KindBerita, "", news.LabelNetral},
	{"media", news.KindBerita, "", news.LabelNegatif},
	{"media", news.KindBerita, "", news.LabelNegatif},
	{"media", news.KindRilis, "", news.LabelPositif},
	{"media", news.KindRilis, "", news.LabelPositif},
	{"media", news.KindSosmed, "instagram", news.LabelNegatif},
	{"media", news.KindSosmed, "instagram", news.LabelNegatif},
	{"media", news.KindSosmed, "instagram", news.LabelNegatif},
	{"media", news.KindSosmed, "youtube", news.LabelBerpotensiNegatif},
	{"media", news.KindSosmed, "youtube", news.LabelBerpotensiNegatif},
	{"media", news.KindSosmed, "x", news.LabelNetral},
	{"rilis", news.KindRilis, "", news.LabelPositif},
	{"rilis", news.KindRilis, "", news.LabelPositif},
}

// InsertMediaFixture stores MediaFixture: item i is published i*5 hours
// before until, titled "<issue> <kind> <platform> <i>", in Kota Samarinda.
func InsertMediaFixture(t testing.TB, b store.Backend, until time.Time) {
	t.Helper()
	rows := make([]news.Classified, len(MediaFixture))
	for i, it := range MediaFixture {
		at := until.Add(-time.Duration(i+1) * 5 * time.Hour)
		id := news.IDFor(fmt.Sprintf("media/%d", i))
		outlet := fmt.Sprintf("Media %d", i%3)
		if it.Platform != "" {
			outlet = "@akun_" + it.Platform
		}
		rows[i] = news.Classified{Article: news.Article{ID: id, URL: "https://x.id/" + id, Outlet: outlet,
			Title: fmt.Sprintf("%s %s %s %d", it.Issue, it.Kind, it.Platform, i), Text: "teks banjir", PublishedAt: at, FetchedAt: at,
			Kind: it.Kind, Platform: it.Platform},
			Label: it.Label, Polarity: "netral", Regions: []string{"Kota Samarinda"}, OPDs: []string{"BPBD"}, IssueID: "isu-" + it.Issue,
			IssueName: "Isu " + it.Issue, IssueTerms: []string{it.Issue}}
	}
	ctx := context.Background()
	if err := b.InsertMentions(ctx, rows); err != nil {
		t.Fatal(err)
	}
	if err := b.InsertIssues(ctx, store.IssuesFrom(rows)); err != nil {
		t.Fatal(err)
	}
}
