package issuemap

import (
	"testing"

	"github.com/diskominfo-kaltim/pantau/store"
)

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
	sum := func(name string, by [4]int, spike bool, opds ...string) store.IssueSummary {
		n := by[0] + by[1] + by[2] + by[3]
		return store.IssueSummary{Name: name, ByLabel: by, Mentions: n, Spike: spike, OPDs: opds, Today: 6, Baseline: 1,
			NegShareToday: float64(by[2]+by[3]) / float64(n)}
	}
	f(sum("Hoaks bendungan jebol, kukar", [4]int{0, 1, 3, 1}, false, "BPBD"), "klarifikasi", "tinggi")
	f(sum("Banjir samarinda, permukiman", [4]int{0, 1, 4, 3}, true, "BPBD"), "respons cepat", "tinggi")
	f(sum("Jalan rusak, sangatta", [4]int{0, 1, 2, 1}, false, "Dinas PUPR"), "respons cepat", "sedang")
	f(sum("Peresmian jembatan, mahakam", [4]int{3, 2, 0, 0}, false), "seremoni", "rendah")
	f(sum("Kisah relawan, banjir", [4]int{3, 1, 0, 0}, false), "entertain", "rendah")
	f(sum("Program beasiswa, kaltim", [4]int{1, 3, 0, 0}, false, "Dinas Pendidikan"), "sosialisasi", "sedang")
	f(sum("Investasi smelter, bontang", [4]int{4, 1, 0, 0}, false), "publikasi", "rendah")
	r := rs.Recommend(sum("Banjir samarinda, permukiman", [4]int{0, 1, 4, 3}, true, "BPBD"))
	if r.OPD != "BPBD" || r.Reason != "Pemberitaan melonjak atau berbalik negatif (6 berita dalam 24 jam, rata-rata 1,0/hari; 88% negatif/berpotensi negatif): BPBD perlu segera menyampaikan langkah penanganan dan solusinya." {
		t.Errorf("reason %q", r.Reason)
	}
	if _, err := parseRules("x.yaml", []byte("- name: a\n  strategy: tebak\n")); err == nil {
		t.Error("unknown strategy accepted")
	}
}
