package train

import (
	"bufio"
	"strings"
	"unicode"

	"github.com/diskominfo-kaltim/pantau/classifier"
	"github.com/diskominfo-kaltim/pantau/classifier/data"
	"github.com/diskominfo-kaltim/pantau/indonesian"
)

// Normaliser maps surface words to their standard form: colloquial
// Indonesian (the Colloquial Indonesian Lexicon: "yg" → "yang") and the
// words of NusaX's Banjar word list that are rare in the corpus (a Banjar
// word the corpus uses often — kada, banar, ulun, from the Banjar posts
// and NusaX — keeps its own weights and vector).
type Normaliser struct {
	To map[string]string
}

// NewNormaliser builds the map; indonesian reports whether a word is
// common in Indonesian news (such a word keeps its meaning).
func NewNormaliser(indonesianWord func(string) bool) (*Normaliser, error) {
	n := &Normaliser{To: map[string]string{}}
	f, err := data.Open("colloquial/slang.tsv")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		s, formal, ok := strings.Cut(sc.Text(), "\t")
		if ok && s != formal && single(s) && single(formal) {
			n.To[s] = formal
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	rows, err := readCSV("nusax/lexicon_banjarese.csv")
	if err != nil {
		return nil, err
	}
	for _, r := range rows[1:] {
		if len(r) < 3 {
			continue
		}
		id, bjn := strings.ToLower(strings.TrimSpace(r[1])), strings.ToLower(strings.TrimSpace(r[2]))
		if bjn == id || !single(bjn) || !single(id) || indonesianWord(bjn) {
			continue
		}
		if _, ok := n.To[bjn]; !ok {
			n.To[bjn] = id
		}
	}
	// Chains (a → b → c) end at the last form.
	for s, t := range n.To {
		for i := 0; i < 3; i++ {
			if u, ok := n.To[t]; ok && u != s {
				t = u
			}
		}
		n.To[s] = t
	}
	return n, nil
}

func single(w string) bool { return w != "" && !strings.ContainsAny(w, " \t") }

// Word returns the standard form of a lower-case word.
func (n *Normaliser) Word(w string) string {
	if t, ok := n.To[w]; ok {
		return t
	}
	return w
}

// Words reads an item as the classifier does (classifier.Words) and
// normalises its words.
func (n *Normaliser) Words(title, text string) [][]string {
	parts := classifier.Words(title, text)
	for _, p := range parts {
		for i, w := range p {
			p[i] = n.Word(w)
		}
	}
	return parts
}

// Words that explain nothing to an analyst: never evidence.
var (
	// Outlets and agencies (a dateline that escaped Body, a credit).
	outletWords = []string{"cnn", "cnnindonesia", "antara", "antaranews", "kompas", "kompascom", "detik", "detikcom",
		"detiknews", "tribun", "tribunnews", "tribunkaltim", "liputan6", "okezone", "tempo", "tempoco", "kumparan",
		"rimanews", "poskota", "poskotanews", "juara", "dailysocial", "sindonews", "republika", "viva", "jpnn", "inews",
		"kaltimpost", "sapos", "niaga", "reuters", "afp", "bernama", "xinhua", "com", "net", "co", "id", "www", "http",
		"https", "suaracom", "merdekacom", "goal", "news", "utm", "source", "medium", "campaign", "topnews", "html", "php"}
	// Days, months, times.
	dateWords = []string{"senin", "selasa", "rabu", "kamis", "jumat", "sabtu", "minggu", "ahad", "januari", "februari",
		"maret", "april", "mei", "juni", "juli", "agustus", "september", "oktober", "november", "desember", "jan", "feb",
		"mar", "apr", "jun", "jul", "agu", "agt", "sep", "sept", "okt", "nov", "des", "wib", "wita", "wit", "pukul",
		"pagi", "siang", "sore", "malam", "kemarin", "hari", "pekan", "bulan", "tahun", "tanggal"}
	// Stopwords that carry meaning in this task stay possible evidence.
	polarStopwords = []string{"baik", "buruk", "benar", "salah", "penting", "masalah", "sulit", "mudah", "berhasil",
		"gagal", "tidak", "tak", "bukan", "belum", "tanpa", "kurang", "jangan", "enggak", "gak", "nggak", "ga", "tdk"}
	negators = []string{"tidak", "tak", "bukan", "belum", "tanpa", "kurang", "jangan", "enggak", "gak", "nggak", "ga", "tdk"}
)

// wordFlags returns the flags of every standard word.
func wordFlags() func(w string, hasVector bool) uint8 {
	no := indonesian.Stopwords()
	for _, w := range polarStopwords {
		delete(no, w)
	}
	for _, list := range [][]string{outletWords, dateWords} {
		for _, w := range list {
			no[w] = true
		}
	}
	neg := map[string]bool{}
	for _, w := range negators {
		neg[w] = true
	}
	return func(w string, hasVector bool) uint8 {
		var f uint8
		if no[w] || len(w) <= 2 || !letters(w) {
			f |= classifier.FlagNoEvidence
		}
		if neg[w] {
			// A negator is evidence only with the word it negates.
			f |= classifier.FlagNegator | classifier.FlagNoEvidence
		}
		if hasVector {
			f |= classifier.FlagVector
		}
		return f
	}
}

// letters reports whether w has a letter (numbers and emoji are no
// evidence).
func letters(w string) bool {
	for _, r := range w {
		if r >= 'a' && r <= 'z' || r > 127 && unicode.IsLetter(r) {
			return true
		}
	}
	return false
}
