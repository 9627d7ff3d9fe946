package report

import (
	"testing"
	"time"

	"github.com/diskominfo-kaltim/pantau/store"
)

func TestIssueAndArticleWords(t *testing.T) {
	day := time.Date(2026, 11, 28, 0, 0, 0, 0, WITA)
	for _, c := range []struct {
		s    store.IssueSummary
		want string
	}{
		{store.IssueSummary{}, ""},
		{store.IssueSummary{Lifecycle: "berlangsung"}, "berlangsung"},
		{store.IssueSummary{Lifecycle: "baru", LifecycleSince: day}, "baru, muncul 28 Nov"},
		{store.IssueSummary{Lifecycle: "meningkat", LifecycleSince: day.Add(8 * time.Hour).UTC()}, "meningkat sejak 28 Nov"},
		{store.IssueSummary{Lifecycle: "mereda", LifecycleSince: day}, "mereda sejak 28 Nov"},
	} {
		if got := Stage(c.s); got != c.want {
			t.Errorf("Stage(%s, %v) = %q, want %q", c.s.Lifecycle, c.s.LifecycleSince, got, c.want)
		}
	}
	for _, st := range []string{"baru", "meningkat", "ditangani", "mereda", "berlangsung"} {
		if StageHint(st) == "" {
			t.Errorf("no hint for %s", st)
		}
	}
	for _, c := range []struct {
		by        [3]int
		platforms []string
		want      string
	}{
		{[3]int{}, nil, ""},
		{[3]int{3, 0, 0}, nil, "media massa 3"},
		{[3]int{1200, 1, 5}, []string{"instagram", "x", "tiktok"}, "media massa 1.200, siaran pers 1, media sosial 5 (Instagram, X (Twitter), TikTok)"},
	} {
		if got := Spread(store.IssueSummary{ByKind: c.by, Platforms: c.platforms}); got != c.want {
			t.Errorf("Spread(%v, %v) = %q, want %q", c.by, c.platforms, got, c.want)
		}
	}
	for _, c := range []struct {
		a    store.Article
		want string
	}{
		{store.Article{Outlet: "Kaltim Post", Kind: "berita", Label: "negatif", Confidence: 0.724}, "Kaltim Post · negatif, keyakinan model 72%"},
		{store.Article{Outlet: "Humas Kaltim", Kind: "rilis", Label: "netral", Confidence: 0.5}, "Humas Kaltim · siaran pers · netral, keyakinan model 50%"},
		{store.Article{Outlet: "@warga", Kind: "sosmed", Platform: "tiktok", Label: "positif", Confidence: 0.41, LabelSource: "human", LabeledBy: "sari"},
			"@warga · media sosial · TikTok · positif, dikoreksi analis (sari); keyakinan model 41%"},
		// An outlet that names its platform does not get it twice.
		{store.Article{Outlet: "Facebook: Warga Balikpapan Barat", Kind: "sosmed", Platform: "facebook", Label: "negatif", Confidence: 0.9},
			"Facebook: Warga Balikpapan Barat · media sosial · negatif, keyakinan model 90%"},
		{store.Article{Outlet: "X: @kaltimku", Kind: "sosmed", Platform: "x", Label: "netral", Confidence: 0.6},
			"X: @kaltimku · media sosial · netral, keyakinan model 60%"},
	} {
		if got := articleNote(c.a); got != c.want {
			t.Errorf("articleNote = %q, want %q", got, c.want)
		}
	}
}
