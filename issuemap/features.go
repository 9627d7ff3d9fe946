package issuemap

import (
	"math"
	"strings"
	"sync"
	"unicode"

	"github.com/diskominfo-kaltim/pantau/indonesian"
	"github.com/diskominfo-kaltim/pantau/labels"
	"github.com/diskominfo-kaltim/pantau/news"
)

// Words that carry no story of their own in Kaltim news: reporting verbs,
// office and place words every story has, days and months, and the
// colloquial Indonesian, Banjar and Kutai function words of social posts.
var extraStop = strings.Fields(`kata ujar ungkap jelas tutur sebut menurut katanya pihaknya mengatakan menyampaikan
	disampaikan menjelaskan mengungkapkan menyebutkan dikatakan
	kompas com cnn antara detik tribun merdeka suara kumparan okezone wib wita wit baca juga
	tahun hari senin selasa rabu kamis jumat sabtu minggu pukul pagi siang sore malam kemarin besok
	januari februari maret april mei juni juli agustus september oktober november desember
	pekan sepekan bulan lalu depan sejak hingga sekitar sejumlah puluhan ratusan ribuan belasan
	kota kabupaten provinsi kalimantan timur kaltim pemerintah pemprov pemkot pemkab warga masyarakat
	setempat kepala kelurahan kecamatan desa kampung wilayah daerah kawasan
	yg dgn utk udh udah sdh blm gak ga nggak enggak aja aj jg tp krn dr sm klo kalo kl bgt banget
	kada banar ulun pian kami kita nah lah kah pun ni tu wan jua kah dah tadi gin lagi min admin
	mohon tolong info update terima kasih makasih semoga ya pak bu bapak ibu`)

var stopwords = func() map[string]bool {
	m := indonesian.Stopwords()
	for _, w := range extraStop {
		m[w] = true
	}
	return m
}()

// tokens splits text into lower-case words; a hyphenated reduplication
// ("gatal-gatal") is one word.
func tokens(s string) []string {
	f := strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '-'
	})
	out := f[:0]
	for _, w := range f {
		w = strings.Trim(w, "-")
		if a, b, ok := strings.Cut(w, "-"); ok && a == b {
			w = a
		}
		if w != "" {
			out = append(out, w)
		}
	}
	return out
}

// content reports whether a word can characterise a story.
func content(w string) bool {
	if len(w) < 3 || stopwords[w] {
		return false
	}
	for _, r := range w {
		if unicode.IsDigit(r) {
			return false
		}
	}
	return true
}

// termsOf is an article's bag of words for clustering, before inverse
// document frequency: content words (stemmed) of the title counting
// double, of the first 120 words of the text once, each with log-scaled
// frequency, and title word pairs.
func termsOf(title, text string) map[string]float64 {
	tf := map[string]float64{}
	add := func(ws []string, weight float64, pairs bool) {
		prev := ""
		for _, w := range ws {
			if !content(w) {
				prev = ""
				continue
			}
			s := stem(w)
			tf[s] += weight
			if pairs && prev != "" {
				tf[prev+" "+s] += weight / 2
			}
			prev = s
		}
	}
	add(tokens(title), 2, true)
	body := tokens(text)
	if len(body) > 120 {
		body = body[:120]
	}
	add(body, 1, false)
	for k, v := range tf {
		tf[k] = 1 + math.Log(v)
	}
	return tf
}

// background is the document frequency of words in the labelled national
// news (labels.News4), so the first articles after a start already know
// which words are common; the stream's own counts are added to it.
var background = sync.OnceValues(func() (map[string]int, int) {
	df := map[string]int{}
	items, err := labels.News4()
	if err != nil {
		return df, 0
	}
	for _, it := range items {
		for t := range termsOf(it.Title, it.Text) {
			if !strings.Contains(t, " ") {
				df[t]++
			}
		}
	}
	return df, len(items)
})

// namesOf returns the words written with a capital inside the text's
// sentences (places, people, institutions: "Sempaja", "Kandilo"), lower
// case, and the title's words that are also such names in the text.
func namesOf(title, text string) map[string]bool {
	if len(text) > 3000 {
		text = text[:3000]
	}
	names := map[string]bool{}
	lower := map[string]bool{} // also written in lower case: not a name
	start := true
	for _, f := range strings.Fields(text) {
		w := strings.TrimFunc(f, func(r rune) bool { return !unicode.IsLetter(r) })
		r := []rune(w)
		switch lw := strings.ToLower(w); {
		case len(r) < 3 || stopwords[lw]:
		case unicode.IsLower(r[0]):
			lower[lw] = true
		case !start && !unicode.IsUpper(r[len(r)-1]):
			names[lw] = true
		}
		start = strings.HasSuffix(f, ".") || strings.HasSuffix(f, "!") || strings.HasSuffix(f, "?") || strings.HasSuffix(f, ":") ||
			f == "–" || f == "-" || f == "—"
	}
	out := make(map[string]bool, len(names))
	for w := range names {
		if !lower[w] {
			out[stem(w)] = true
		}
	}
	return out
}

// newDoc prepares an article with the regions and offices the tagger
// found.
func newDoc(a *news.Article, regions, offices []string) *doc {
	d := &doc{id: a.ID, at: a.PublishedAt, tf: termsOf(a.Title, a.Text), story: a.StoryID, names: namesOf(a.Title, a.Text),
		social: a.Kind == news.KindSosmed, titleText: a.Title, parent: a.ParentID}
	d.outlet, d.comment = accountOf(a.Outlet)
	d.comment = d.comment || a.ParentID != ""
	for _, w := range tokens(a.Title) {
		if content(w) {
			d.title = append(d.title, stem(w))
		}
	}
	body := tokens(a.Text)
	if len(body) > 150 {
		body = body[:150]
	}
	seen := map[string]bool{}
	for _, w := range append(tokens(a.Title), body...) {
		if content(w) && !seen[w] {
			seen[w] = true
			d.words = append(d.words, stem(w))
		}
	}
	for _, o := range offices {
		d.offices = append(d.offices, officeBase(o))
	}
	// The tagger ranks regions by how often the item names them: the
	// first kabupaten/kota is the one it is about.
	for _, r := range regions {
		if strings.HasPrefix(r, "Kota ") || strings.HasPrefix(r, "Kabupaten ") {
			d.regions = append(d.regions, r)
			break
		}
	}
	return d
}

// officeBase is an office's name without the government it belongs to
// ("BPBD Kota Samarinda" → "BPBD").
func officeBase(o string) string {
	if i := strings.Index(o, " Provinsi "); i > 0 {
		return o[:i]
	}
	for _, gov := range []string{" Kota ", " Kabupaten "} {
		if i := strings.LastIndex(o, gov); i > 0 {
			return o[:i]
		}
	}
	return o
}

// accountOf is the outlet an article counts for: an account's comment
// threads ("Facebook: Info Samarinda (komentar)", as a sources file may
// name them) are the account's.
func accountOf(outlet string) (account string, comment bool) {
	if name, ok := strings.CutSuffix(outlet, " (komentar)"); ok {
		return name, true
	}
	return outlet, false
}
