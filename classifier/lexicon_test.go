package classifier

import (
	"math"
	"testing"

	"github.com/diskominfo-kaltim/pantau/news"
)

func TestLexiconFollowsTheGuideline(t *testing.T) {
	m := NewLexicon()
	f := func(title, text, wantLabel string) {
		t.Helper()
		r := m.Classify(title, text, "")
		if r.Label != wantLabel {
			t.Errorf("%q: label %q (scores %v, evidence %v), want %q", title, r.Label, r.Scores, r.Evidence, wantLabel)
		}
		var sum float64
		for _, s := range r.Scores {
			sum += float64(s)
		}
		if math.Abs(sum-1) > 1e-4 {
			t.Errorf("%q: scores sum to %v", title, sum)
		}
	}
	f("Kejati Kaltim tetapkan tersangka korupsi dana hibah", "Kejaksaan menetapkan dua tersangka korupsi dana hibah yang merugikan negara.", news.LabelNegatif)
	f("Warga keluhkan jalan rusak dan berlubang di Samarinda", "Jalan poros rusak dan berlubang dikeluhkan warga, dinas berjanji memperbaiki pekan depan.", news.LabelBerpotensiNegatif)
	f("Kaltim raih penghargaan pelayanan publik terbaik", "Pemprov Kaltim meraih penghargaan pelayanan publik terbaik dari Kementerian PANRB.", news.LabelPositif)
	f("Jadwal rapat paripurna DPRD pekan depan", "Rapat paripurna akan digelar Senin pukul 09.00 di gedung DPRD.", news.LabelNetral)
}

func TestNegationFlipsPolarity(t *testing.T) {
	m := NewLexicon()
	pos := m.Classify("", "petugasnya sangat ramah dan kami senang", "")
	neg := m.Classify("", "petugasnya tidak ramah dan kami tidak senang", "")
	if pos.Polarity != news.PolarityPositif || neg.Polarity != news.PolarityNegatif {
		t.Fatalf("polarity %s / %s, want positif / negatif", pos.Polarity, neg.Polarity)
	}
	for _, e := range pos.Evidence {
		if e == "ini" || e == "dan" {
			t.Errorf("stopword %q in evidence %v", e, pos.Evidence)
		}
	}
}

func BenchmarkLexiconClassify(b *testing.B) {
	m := NewLexicon()
	text := "Pemerintah Provinsi Kalimantan Timur meresmikan jembatan baru di Samarinda. " +
		"Warga mengeluhkan kemacetan yang masih terjadi di beberapa ruas jalan, namun gubernur berjanji memperbaiki. "
	for len(text) < 2048 {
		text += text
	}
	text = text[:2048]
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		m.Classify("Jembatan baru diresmikan", text, "")
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "docs/s")
}
