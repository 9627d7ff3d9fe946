package classifier

import (
	"reflect"
	"strings"
	"testing"

	"github.com/diskominfo-kaltim/pantau/indonesian"
	"github.com/diskominfo-kaltim/pantau/labels"
)

func TestBodyDropsDatelinesAndCredits(t *testing.T) {
	f := func(text string, want ...string) {
		t.Helper()
		if got := Body(nil, text); !reflect.DeepEqual(got, want) {
			t.Errorf("Body(%q) = %q, want %q", text, got, want)
		}
	}
	f("Jakarta, CNN Indonesia - - Serikat Pekerja PT JICT menyatakan", "Serikat Pekerja PT JICT menyatakan")
	f("JAKARTA (Pos Kota) – Penasihat spiritual ditangkap", "Penasihat spiritual ditangkap")
	f("Singapura (ANTARA News) - Pebalap Ferrari", "Pebalap Ferrari")
	f("Merdeka.com - Muncikari ditangkap", "Muncikari ditangkap")
	f("Rimanews - Arab Saudi menawarkan", "Arab Saudi menawarkan")
	f("JUARA.NET, PARIS \u00a0 - Pasangan ganda campuran", "Pasangan ganda campuran")
	f("SAMARINDA – Hujan deras mengguyur", "Hujan deras mengguyur")
	// Not datelines: a sentence with a dash, lower-case words.
	f("Warga Sempaja - Timur tak serta-merta", "Warga Sempaja - Timur tak serta-merta")
	f("Menurut dia - dan warga - jalan rusak", "Menurut dia - dan warga - jalan rusak")
	f("Isi berita.\nBaca juga: Berita lain\nEDITOR: Ahmad\nPenutup kalimat. (ant/ded)", "Isi berita.", "Penutup kalimat. ")
	f("")
}

func TestWords(t *testing.T) {
	got := Words("Banjir di São Paulo!", "Jakarta, CNN Indonesia - - Warga 12/11 mengungsi 🙏 anak-anak \xff x")
	want := [][]string{{"banjir", "di", "são", "paulo"}, {"warga", "0", "0", "mengungsi", "🙏", "anak-anak", "x"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Words = %q, want %q", got, want)
	}
	long := strings.Repeat("kata ", 2*MaxWords)
	n := 0
	for _, p := range Words(long, long) {
		n += len(p)
	}
	if n != MaxWords {
		t.Errorf("%d words read, want at most %d", n, MaxWords)
	}
}

// Evidence is content: never a stopword, an outlet, a day or month, a
// number or a symbol — checked on the labelled news and Kaltim items.
func TestEvidenceIsContent(t *testing.T) {
	m := shipped(t)
	bad := indonesian.Stopwords()
	for _, w := range []string{"baik", "buruk", "benar", "salah", "penting", "masalah", "sulit", "mudah", "berhasil", "gagal",
		"tidak", "tak", "bukan", "belum", "tanpa", "kurang", "jangan"} {
		delete(bad, w) // polar words are content
	}
	for _, w := range []string{"cnn", "antara", "news", "com", "kompas", "merdeka.com", "senin", "selasa", "rabu", "kamis", "jumat",
		"sabtu", "januari", "desember", "wib", "wita", "pukul", "0", "pt"} {
		bad[w] = true
	}
	news4, err := labels.News4()
	if err != nil {
		t.Fatal(err)
	}
	kaltim, err := labels.Kaltim()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, it := range append(news4[:400], kaltim[:400]...) {
		r := m.Classify(it.Title, it.Text, it.Kind)
		if len(r.Evidence) > 0 {
			n++
		}
		for _, e := range r.Evidence {
			words := strings.Fields(e)
			if bad[e] || len(words) == 0 || len(words) > 2 {
				t.Errorf("%s: evidence %q in %q", it.ID, e, r.Evidence)
			}
			for _, w := range words {
				if bad[w] && !negator(w) || !hasLetter(w) {
					t.Errorf("%s: evidence %q has %q", it.ID, e, w)
				}
			}
		}
	}
	if n < 780 {
		t.Errorf("only %d of 800 items have evidence", n)
	}
}

func negator(w string) bool {
	switch w {
	case "tidak", "tak", "bukan", "belum", "tanpa", "kurang", "jangan":
		return true
	}
	return false
}

func hasLetter(w string) bool {
	for _, r := range w {
		if isWordRune(r) && !(r >= '0' && r <= '9') {
			return true
		}
	}
	return false
}

// The hash scanWords computes on the way is foldHash of the word passed,
// and the words are those of the scanner before it hashed (refScanWords).
func TestScanWordsHash(t *testing.T) {
	texts := []string{"Banjir ROB rendam Samarinda-Seberang, anak-anak tak'sekolah 2024 x1 🙏🙏 ÇA ǅemal İstanbul Ωmega straße",
		"\xff\xfe ab\xc3\x28cd \xe2\x82 ꦲꦏ꧀ꦱꦫ - -a- a-- 'b' 12-13 Новости ١٢٣ é\u0301", "", "-", "a"}
	for _, s := range texts {
		type w struct{ start, end, kind int }
		var got, want []w
		for _, max := range []int{1000, 3} {
			got, want = got[:0], want[:0]
			n := scanWords(s, max, func(start, end, kind int, h uint64) {
				got = append(got, w{start, end, kind})
				if h != foldHash(s[start:end]) {
					t.Errorf("%q: hash of %q is not its foldHash", s, s[start:end])
				}
			})
			m := refScanWords(s, max, func(start, end, kind int) { want = append(want, w{start, end, kind}) })
			if n != m || !reflect.DeepEqual(got, want) {
				t.Errorf("%q max %d: %v (%d), before %v (%d)", s, max, got, n, want, m)
			}
		}
	}
}
