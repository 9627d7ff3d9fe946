package issuemap

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/diskominfo-kaltim/pantau/news"
	"github.com/diskominfo-kaltim/pantau/store"
)

func summary(name string, by [4]int, spike bool, opds ...string) store.IssueSummary {
	n := by[0] + by[1] + by[2] + by[3]
	return store.IssueSummary{Name: name, ByLabel: by, Mentions: n, Spike: spike, OPDs: opds, Today: 6, Baseline: 1,
		NegShareToday: float64(by[2]+by[3]) / float64(n), ByKind: [3]int{n, 0, 0}}
}

func TestRulesFollowTheStrategyMap(t *testing.T) {
	rs, err := DefaultRules()
	if err != nil {
		t.Fatal(err)
	}
	f := func(s store.IssueSummary, strategy, urgency string) {
		t.Helper()
		r := rs.Recommend(s)
		if r.Strategy != strategy || r.Urgency != urgency || r.Reason == "" {
			t.Errorf("%s: got %s/%s (%s: %s), want %s/%s", s.Name, r.Strategy, r.Urgency, r.Rule, r.Reason, strategy, urgency)
		}
	}
	f(summary("Hoaks bendungan jebol, kukar", [4]int{0, 1, 3, 1}, false, "BPBD"), Klarifikasi, "tinggi")
	f(summary("Banjir samarinda, permukiman", [4]int{0, 1, 4, 3}, true, "BPBD"), ResponsCepat, "tinggi")
	f(summary("Jalan rusak, sangatta", [4]int{0, 1, 2, 1}, false, "Dinas PUPR"), ResponsCepat, "sedang")
	f(summary("Jalan rusak, sangatta", [4]int{0, 0, 0, 1}, false, "Dinas PUPR"), ResponsCepat, "sedang")
	f(summary("Air keruh, tenggarong", [4]int{0, 0, 1, 0}, false, "PDAM"), ResponsCepat, "rendah")
	f(summary("Peresmian jembatan, mahakam", [4]int{3, 2, 0, 0}, false), Seremoni, "rendah")
	f(summary("Kisah relawan, banjir", [4]int{3, 1, 0, 0}, false), Entertain, "rendah")
	f(summary("Program beasiswa, kaltim", [4]int{1, 3, 0, 0}, false, "Dinas Pendidikan"), Sosialisasi, "sedang")
	f(summary("Investasi smelter, bontang", [4]int{4, 1, 0, 0}, false), Publikasi, "rendah")
	f(summary("Cuaca, berau", [4]int{0, 3, 0, 0}, false), Pantau, "rendah")
	f(summary("Harga cabai, paser", [4]int{1, 1, 1, 0}, false), Pantau, "sedang")
	// A festival that went wrong is answered, not celebrated.
	f(summary("Festival budaya ricuh, bontang", [4]int{0, 1, 1, 3}, false), ResponsCepat, "sedang")
	r := rs.Recommend(summary("Banjir samarinda, permukiman", [4]int{0, 1, 4, 3}, true, "BPBD"))
	if r.OPD != "BPBD" || r.Reason != "Pemberitaan melonjak atau berbalik negatif (6 pemberitaan dalam 24 jam, rata-rata 1,0/hari; 88% negatif/berpotensi negatif): BPBD perlu segera menyampaikan langkah penanganan dan solusinya." ||
		!slices.Equal(r.Channels, []string{"konferensi pers", "siaran pers"}) {
		t.Errorf("recommendation %+v", r)
	}
	for bad, want := range map[string]string{
		"- name: a\n  strategy: tebak\n  urgency: rendah\n":                              "unknown strategy",
		"- name: a\n  strategy: pantau\n  urgency: segera\n":                             "unknown urgency",
		"- name: a\n  when: {lifecycle: viral}\n  strategy: pantau\n  urgency: rendah\n": "unknown lifecycle",
	} {
		if _, err := parseRules("x.yaml", []byte(bad)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: error %v, want %q", bad, err, want)
		}
	}
	// An office's own rules that would celebrate a negative issue, and
	// have no catch-all, still never do.
	own, err := parseRules("own.yaml", []byte("- name: rayakan\n  strategy: publikasi\n  urgency: rendah\n"))
	if err != nil {
		t.Fatal(err)
	}
	if r := own.Recommend(summary("Banjir", [4]int{0, 0, 2, 2}, false)); r.Strategy != Pantau || r.Rule != "-" {
		t.Errorf("own rules celebrated a negative issue: %+v", r)
	}
}

// TestRecommendationsNeverContradictLabels runs every label mix of up to
// three mentions per class, with and without a spike, in every
// lifecycle, named like every kind of story and spreading in the news or
// on social media, and counts contradictions: a mostly negative issue
// told to publish, celebrate, entertain or only monitor; a single negatif
// article not answered; an urgency that is not the fired rule's; a
// channel that does not follow where the issue spreads.
func TestRecommendationsNeverContradictLabels(t *testing.T) {
	rs, err := DefaultRules()
	if err != nil {
		t.Fatal(err)
	}
	urgency := map[string]string{"-": fallback.Urgency}
	for _, r := range rs {
		urgency[r.Name] = r.Urgency
	}
	names := []string{"Banjir Sempaja, Samarinda", "Hoaks bendungan jebol, Samarinda", "Peresmian jembatan, Berau",
		"Kisah relawan lansia, Paser", "Program beasiswa, Kutai Timur"}
	checked, contradictions := 0, 0
	strategies := map[string]int{}
	complain := func(s store.IssueSummary, r Recommendation, why string) {
		contradictions++
		if contradictions <= 10 {
			t.Errorf("%s %v spike=%v %s kinds=%v: %s/%s (%s): %s", s.Name, s.ByLabel, s.Spike, s.Lifecycle, s.ByKind, r.Strategy, r.Urgency, r.Rule, why)
		}
	}
	for mix := 1; mix < 256; mix++ {
		by := [4]int{mix & 3, mix >> 2 & 3, mix >> 4 & 3, mix >> 6 & 3}
		for _, spike := range []bool{false, true} {
			for _, life := range Lifecycles {
				for _, name := range names {
					for _, social := range []bool{false, true} {
						s := summary(name, by, spike, "BPBD Kota Samarinda")
						s.Lifecycle = life
						if social {
							s.ByKind = [3]int{0, 0, s.Mentions}
							s.Platforms = []string{"facebook"}
						}
						r := rs.Recommend(s)
						checked++
						strategies[r.Strategy]++
						negative := s.NegShare() >= 0.5
						switch {
						case negative && (celebrating[r.Strategy] || r.Strategy == Pantau):
							complain(s, r, "mostly negative, not answered")
						case s.Mentions == 1 && by[3] == 1 && r.Strategy != ResponsCepat && r.Strategy != Klarifikasi:
							complain(s, r, "a single negatif article not answered")
						case r.Urgency != urgency[r.Rule]:
							complain(s, r, "urgency not the rule's")
						case r.Reason == "" || strings.Contains(r.Reason, "{"):
							complain(s, r, "reason "+r.Reason)
						case r.Strategy == Pantau && len(r.Channels) > 0, r.Strategy != Pantau && len(r.Channels) == 0:
							complain(s, r, fmt.Sprint("channels ", r.Channels))
						case social && (r.Strategy == ResponsCepat || r.Strategy == Klarifikasi) && r.Channels[0] != "balasan langsung pada unggahan warga":
							complain(s, r, fmt.Sprint("a social issue answered by ", r.Channels))
						case social && r.Strategy != Pantau && !slices.Contains(r.Channels, "akun Facebook resmi BPBD Kota Samarinda"):
							complain(s, r, fmt.Sprint("a Facebook issue not on the office's Facebook: ", r.Channels))
						case !social && r.Strategy != Pantau && !slices.Contains(r.Channels, "siaran pers"):
							complain(s, r, fmt.Sprint("a news issue without a press release: ", r.Channels))
						}
					}
				}
			}
		}
	}
	t.Logf("%d generated issues, %d contradictions; strategies %v", checked, contradictions, strategies)
	if contradictions > 0 {
		t.Errorf("%d contradictions", contradictions)
	}
}

// A brief draws its points from the issue's own articles and its draft
// states no fact that is not the issue's: every number and capitalised
// word in it comes from the articles, the issue or the draft's fixed
// wording.
func TestBriefInventsNothing(t *testing.T) {
	rs, err := DefaultRules()
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2025, 11, 3, 1, 0, 0, 0, time.UTC)
	arts := []store.IssueArticle{
		{Title: "Hujan Deras, Simpang Sempaja Terendam 60 Sentimeter", Lead: "SAMARINDA – Genangan 40 hingga 60 sentimeter di Simpang Sempaja.",
			Outlet: "Kabar Mahakam", Label: news.LabelBerpotensiNegatif, Kind: news.KindBerita, Published: at},
		{Title: "Sempaja dalam banget nah", Lead: "Sempaja dalam banget nah, yg pakai matic jangan maksa lewat. Airnya sepaha.",
			Outlet: "Facebook: Info Samarinda Kota", Label: news.LabelNegatif, Kind: news.KindSosmed, Platform: "facebook", Published: at.Add(2 * time.Hour)},
		{Title: "Pemkot Samarinda Kerahkan Ekskavator Amfibi ke Sempaja", Lead: "SAMARINDA – Dua unit ekskavator amfibi dikerahkan.",
			Outlet: "Humas Pemkot Samarinda", Label: news.LabelBerpotensiNegatif, Kind: news.KindRilis, Published: at.Add(48 * time.Hour)},
		{Title: "Warga Sempaja Timur Tuding Parit Dangkal", Lead: "SAMARINDA – Warga RT 23 menilai parit tak pernah dikeruk.",
			Outlet: "Tepian Online", Label: news.LabelNegatif, Kind: news.KindBerita, Published: at.Add(30 * time.Hour)},
	}
	s := summary("Banjir Sempaja, Samarinda", [4]int{0, 0, 2, 2}, false, "BPBD Kota Samarinda")
	s.FirstSeen = at
	s.ByKind = [3]int{2, 1, 1}
	var facts strings.Builder
	for _, a := range arts {
		fmt.Fprintln(&facts, a.Title, a.Lead, a.Outlet, a.Published.In(news.WITA).Format("2 January 2006"))
	}
	fmt.Fprintln(&facts, s.Name, "BPBD Kota Samarinda", "3 November 2025 Nov")
	for _, tpl := range drafts {
		fmt.Fprintln(&facts, tpl)
	}
	fmt.Fprintln(&facts, saidBefore, postExample)
	known := map[string]bool{}
	for _, w := range strings.FieldsFunc(facts.String(), notWord) {
		known[w] = true
	}
	for _, strategy := range Strategies {
		rec := rs.Recommend(s)
		rec.Strategy = strategy
		b := rs.Brief(s, rec, arts)
		if strategy == Pantau {
			if b.Draft != "" {
				t.Errorf("a draft for pantau: %q", b.Draft)
			}
			continue
		}
		for _, w := range strings.FieldsFunc(b.Draft, notWord) {
			r := []rune(w)[0]
			if (unicode.IsUpper(r) || unicode.IsDigit(r)) && !known[w] {
				t.Errorf("%s draft has %q, which no article says: %s", strategy, w, b.Draft)
			}
		}
		if !strings.Contains(b.Draft, "[") {
			t.Errorf("%s draft leaves the analyst nothing to fill: %s", strategy, b.Draft)
		}
	}
	b := rs.Brief(s, rs.Recommend(s), arts)
	if len(b.Happened) != 2 || !strings.HasPrefix(b.Happened[0], arts[0].Title) || !strings.HasPrefix(b.Happened[1], arts[3].Title) ||
		len(b.Residents) != 1 || !strings.Contains(b.Residents[0], "yg pakai matic") ||
		len(b.Government) != 1 || !strings.HasPrefix(b.Government[0], arts[2].Title) {
		t.Errorf("brief %+v", b)
	}
	if !strings.Contains(b.Draft, "BPBD Kota Samarinda") || !strings.Contains(b.Draft, "3 November 2025") ||
		!strings.Contains(b.Draft, arts[2].Title) {
		t.Errorf("response draft lacks the issue's facts: %s", b.Draft)
	}
}

func notWord(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }
