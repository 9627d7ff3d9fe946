package report

import (
	"strings"

	"github.com/diskominfo-kaltim/pantau/indonesian"
	"github.com/diskominfo-kaltim/pantau/issuemap"
	"github.com/diskominfo-kaltim/pantau/news"
	"github.com/diskominfo-kaltim/pantau/store"
)

// How an issue's life, its spread and an article's label are said, the
// same in the report and the web app (which calls these).

// stageHints say what each lifecycle state means (issuemap.Lifecycle).
var stageHints = map[string]string{
	issuemap.Baru:        "pertama muncul dalam tiga hari terakhir",
	issuemap.Meningkat:   "pemberitaan melonjak dibanding 14 hari sebelumnya",
	issuemap.Ditangani:   "pemerintah sudah menanggapi dan nada pemberitaan membaik sejak itu",
	issuemap.Mereda:      "pemberitaan menurun atau berhenti dalam dua hari terakhir",
	issuemap.Berlangsung: "masih diberitakan, tanpa lonjakan",
}

// StageHint says what a lifecycle state means: "pemberitaan melonjak
// dibanding 14 hari sebelumnya"; "" for an unknown state.
func StageHint(state string) string { return stageHints[state] }

// Stage writes where an issue is in its life and since when: "meningkat
// sejak 29 Nov", "baru, muncul 28 Nov", "berlangsung"; "" when it was not
// judged.
func Stage(s store.IssueSummary) string {
	if s.Lifecycle == "" {
		return ""
	}
	if s.LifecycleSince.IsZero() {
		return s.Lifecycle
	}
	day := indonesian.DayMonth(s.LifecycleSince.In(WITA))
	if s.Lifecycle == issuemap.Baru {
		return "baru, muncul " + day
	}
	return s.Lifecycle + " sejak " + day
}

// Spread writes where an issue's mentions are, by kind of source, with
// the platforms of its social ones: "media massa 3, siaran pers 1, media
// sosial 5 (Instagram, TikTok)"; "" when the kinds were not counted.
func Spread(s store.IssueSummary) string {
	var parts []string
	for i, k := range news.Kinds {
		if s.ByKind[i] == 0 {
			continue
		}
		p := news.KindName(k) + " " + indonesian.Int(int64(s.ByKind[i]))
		if k == news.KindSosmed && len(s.Platforms) > 0 {
			names := make([]string, len(s.Platforms))
			for j, pl := range s.Platforms {
				names[j] = PlatformName(pl)
			}
			p += " (" + strings.Join(names, ", ") + ")"
		}
		parts = append(parts, p)
	}
	return strings.Join(parts, ", ")
}

// PlatformName writes a platform as it calls itself: "Instagram", "X
// (Twitter)", "Situs web" for none.
func PlatformName(p string) string {
	switch p {
	case "", "web":
		return "Situs web"
	case "x":
		return "X (Twitter)"
	case "youtube":
		return "YouTube"
	case "tiktok":
		return "TikTok"
	}
	return strings.ToUpper(p[:1]) + p[1:]
}

// LabelNote says who set an article's label and how sure the model is:
// "keyakinan model 72%", or for an analyst's correction "dikoreksi
// analis (sari); keyakinan model 41%".
func LabelNote(a store.Article) string {
	conf := "keyakinan model " + indonesian.Decimal(100*a.Confidence, 0) + "%"
	if a.LabelSource == store.LabelSourceHuman {
		who := "dikoreksi analis"
		if a.LabeledBy != "" {
			who += " (" + a.LabeledBy + ")"
		}
		return who + "; " + conf
	}
	return conf
}

// ArticleKind says an article's kind and platform after its outlet: ""
// for mass media, "siaran pers", "media sosial · Instagram".
func ArticleKind(a store.Article) string {
	switch a.Kind {
	case "", news.KindBerita:
		return ""
	case news.KindSosmed:
		if a.Platform != "" && a.Platform != "web" {
			return news.KindName(a.Kind) + " · " + PlatformName(a.Platform)
		}
	}
	return news.KindName(a.Kind)
}
