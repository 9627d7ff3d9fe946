package issuemap

import (
	"slices"
	"sort"
	"strings"
	"unicode"

	"github.com/diskominfo-kaltim/pantau/tagger"
)

// phrase is a run of words from the issue's titles, as written.
type phrase struct {
	Form  string `json:"f"` // the words as an article wrote them
	N     int    `json:"n"` // articles whose title has it
	Score int    `json:"s"` // forms written by news and releases count double
	// ByLabel counts the articles of each label whose title has it: the
	// name comes from the issue's dominant label.
	ByLabel map[string]int `json:"l,omitempty"`
}

// Words that may sit inside a name's phrase but never at its ends.
var joiners = map[string]bool{"di": true, "dan": true, "ke": true, "dari": true, "untuk": true, "bagi": true}

// titlePhrases returns the runs of one to five words (at most four
// besides joiners) of a title that an issue name can use, keyed by their
// stems, with their written forms. A run stays inside one clause of the
// title: "Atap Tribun Rontok, Stadion …" gives no "Rontok Stadion".
func titlePhrases(title string) map[string]string {
	out := map[string]string{}
	for _, clause := range clauses(title) {
		clausePhrases(clause, out)
	}
	return out
}

// clauses splits a title at its punctuation between clauses (commas,
// colons, dashes between words, quotes, brackets).
func clauses(title string) []string {
	title = strings.ReplaceAll(title, " - ", " – ")
	return strings.FieldsFunc(title, func(r rune) bool {
		return strings.ContainsRune(",:;–—|?!()[]\"“”‘’", r)
	})
}

func clausePhrases(clause string, out map[string]string) {
	var words []string // written forms
	for _, f := range strings.FieldsFunc(clause, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '-' && r != '\'' && r != '.' && r != ','
	}) {
		if f = strings.Trim(f, "-'.,"); f != "" {
			words = append(words, f)
		}
	}
	inside := placeSpans(words)
	for i := range words {
		if inside[i] {
			continue // a run never starts inside a place's name
		}
		if i > 0 && number(words[i-1]) {
			continue // nor with what a number counts: "2 Kilogram Sabu", "30 Hektare Lahan"
		}
		content := 0
		for n := 1; n <= 5 && i+n <= len(words) && content < 4; n++ {
			run := words[i : i+n]
			first, last := strings.ToLower(run[0]), strings.ToLower(run[n-1])
			if !joiners[last] {
				content++
			}
			if i+n < len(words) && inside[i+n] {
				continue // nor ends inside one: "Long Bagun", never "Rumah Long"
			}
			if !leadWord(first) || !nameWord(last) {
				continue
			}
			ok := true
			keys := make([]string, 0, n)
			for _, w := range run {
				lw := strings.ToLower(w)
				switch {
				case joiners[lw]:
					keys = append(keys, lw)
				case nameWord(lw):
					keys = append(keys, stem(lw))
				default:
					ok = false
				}
			}
			if ok {
				out[strings.Join(keys, " ")] = strings.Join(run, " ")
			}
		}
	}
}

// nameWord reports a word a name can hold: a content word (features.go)
// but a filler ("Semalam", "Viral"), or one of the nouns the stopword
// lists hold ("Dapur Umum", "Pasar Pagi").
func nameWord(w string) bool {
	return (content(w) && !fillers[w] || nameNouns[w]) && !strings.ContainsAny(w, ".,")
}

// leadWord reports a word a name can start with: never a stopword, nor
// one of those nouns ("Warga Sepaku", "Kasus"), though they may end one.
func leadWord(w string) bool { return content(w) && !strings.ContainsAny(w, ".,") }

// nameNouns are nouns the stopword lists hold, which a name may use.
var nameNouns = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`kasus masalah pekan warga masyarakat kawasan kampung desa kelurahan kecamatan
		wilayah daerah umum baru pagi tinggi besar`) {
		nameNouns[w] = true
	}
}

// number reports a word that is or carries a number: "300", "2.400",
// "Rp55".
func number(w string) bool { return strings.ContainsAny(w, "0123456789") }

// placeSpans marks the words of a title that continue a Kaltim place
// of more than one word, written as a name ("Long Bagun", "Muara
// Badak"): inside[i] when word i is not the place's first.
func placeSpans(words []string) []bool {
	inside := make([]bool, len(words))
	places := tagger.Places()
	for i := 0; i < len(words); i++ {
		for n := min(5, len(words)-i); n >= 2; n-- {
			run := words[i : i+n]
			named := true
			for _, w := range run {
				named = named && w != "" && unicode.IsUpper([]rune(w)[0])
			}
			if _, ok := places[strings.ToLower(strings.Join(run, " "))]; ok && named {
				for j := i + 1; j < i+n; j++ {
					inside[j] = true
				}
				i += n - 1
				break
			}
		}
	}
	return inside
}

// maxPhrases is how many title phrases an issue keeps for its name.
const maxPhrases = 80

// addTitle counts a member's title phrases; written forms from news and
// releases win over a social post's.
func (is *Issue) addTitle(title, label string, social bool) {
	if is.Phrases == nil {
		is.Phrases = map[string]*phrase{}
	}
	weight := 2
	if social {
		weight = 1
	}
	shout := shouted(title)
	for key, form := range titlePhrases(title) {
		if shout {
			// A headline written all in capitals ("JANGAN BELI BERAS DI
			// PASAR MURAH") marks no acronyms: its phrases keep only the
			// capitals of known or short acronyms.
			form = unshout(form)
		}
		p := is.Phrases[key]
		if p == nil {
			p = &phrase{Form: form}
			is.Phrases[key] = p
		} else if betterForm(form, p.Form, social) {
			p.Form = form
		}
		p.N++
		p.Score += weight
		if label != "" {
			if p.ByLabel == nil {
				p.ByLabel = map[string]int{}
			}
			p.ByLabel[label]++
		}
	}
	if len(is.Phrases) > maxPhrases+maxPhrases/4 {
		keys := make([]string, 0, len(is.Phrases))
		for k := range is.Phrases {
			keys = append(keys, k)
		}
		sort.Slice(keys, func(i, j int) bool {
			a, b := is.Phrases[keys[i]], is.Phrases[keys[j]]
			if a.Score != b.Score {
				return a.Score > b.Score
			}
			return keys[i] < keys[j]
		})
		for _, k := range keys[maxPhrases:] {
			delete(is.Phrases, k)
		}
	}
}

// betterForm prefers a form that writes an acronym in capitals ("PDAM"
// over "pdam") and a news title's form over a social post's.
func betterForm(form, old string, social bool) bool {
	if caps(form) != caps(old) {
		return caps(form) > caps(old)
	}
	return !social && form != old && strings.ToLower(old) == old
}

func caps(s string) int {
	n := 0
	shout := shouted(s)
	for _, w := range strings.Fields(s) {
		if acronym(w, shout) {
			n++
		}
	}
	return n
}

// upper reports a word written in capitals.
func upper(w string) bool {
	return len(w) >= 2 && strings.ToUpper(w) == w && strings.ToLower(w) != w
}

// shouted reports a phrase written all in capitals, as some headlines
// and posts are ("BERAS MURAH"): there capitals do not mark acronyms.
func shouted(s string) bool {
	words := strings.Fields(s)
	for _, w := range words {
		if !upper(w) {
			return false
		}
	}
	return len(words) > 1
}

// unshout lower-cases the words of a phrase from a shouted headline,
// keeping acronyms.
func unshout(form string) string {
	words := strings.Fields(form)
	for i, w := range words {
		if !acronym(w, true) {
			words[i] = strings.ToLower(w)
		}
	}
	return strings.Join(words, " ")
}

// acronym reports a word written in capitals that stays so in a name:
// a known acronym (DPRD, PDAM, IKN), or a word of at most five letters
// written in capitals among ordinary words ("RSUD AWS"); in a shouted
// phrase only a known acronym or one of at most three letters.
func acronym(w string, shout bool) bool {
	if !upper(w) {
		return false
	}
	lw := strings.ToLower(w)
	letters := 0
	for _, part := range strings.Split(lw, "-") {
		if acronyms[part] {
			return true
		}
		letters = max(letters, len([]rune(part)))
	}
	if shout {
		return letters <= 3
	}
	return letters <= 5
}

// regionShort is how people name a region in a headline: "Samarinda",
// "Kutai Timur".
func regionShort(r string) string {
	r = strings.TrimPrefix(strings.TrimPrefix(r, "Kota "), "Kabupaten ")
	return strings.TrimSuffix(r, " Nusantara")
}

// oneWord weighs a topic of one word against longer ones.
const oneWord = 0.7

// maxWords is how many words a name has at most before its region.
const maxWords = 6

// name makes the issue's name from its articles' own words: what
// happened, as the phrase whose words its titles share most and say most
// ("Banjir", "Antrean BBM di SPBU", "Air PDAM Tercemar", "Pemadaman
// Bergilir"), the place its articles name ("Sempaja") and the
// kabupaten/kota it is about: "Banjir Sempaja, Samarinda". idf weighs how
// specific a word is.
func (is *Issue) name(idf func(string) float64) string {
	type cand struct {
		key, form string
		score     float64
		named     bool // has a place or other name inside: "Listrik di Muara Jawa"
		lone      bool // in one title only, with a word no other title has
	}
	var topics, places, complements []cand
	// The name comes from the dominant label's titles: a mostly negative
	// issue is not named by its few positive articles' words.
	dominant := is.dominantLabel()
	region := is.region()
	gazetteer := tagger.Places()
	// Words count by how many titles share them; but where the titles
	// share none (one article, or two that put it in other words), a
	// title's phrase is all there is.
	alone := true
	for key, p := range is.Phrases {
		alone = alone && (p.N < 2 || strings.Contains(key, " ") || placeWords[strings.ToLower(p.Form)])
	}
	for key, p := range is.Phrases {
		words := strings.Fields(key)
		forms := strings.Fields(strings.ToLower(p.Form))
		if filler(forms[0]) {
			continue // "Alhamdulillah", "Atasnya" never lead a name
		}
		// "Jadwalnya", "Dipanggil": a sentence's words, not a name's.
		suffixed := false
		for _, f := range forms {
			suffixed = suffixed || strings.HasSuffix(f, "nya") && len(f) > 5 ||
				strings.HasPrefix(f, "di") && !joiners[f] && verbLike(f)
		}
		if suffixed {
			continue
		}
		// A phrase's worth is what its words tell of the issue: each
		// word's specificity times how many titles have it, added up, so
		// that "Air PDAM" says more than "Air", and a word the titles do
		// not share adds nothing but length.
		info, worth, content, names, regions, lone := 0.0, 0.0, 0, 0, 0, 0
		headName, headVerb, tailVerb, midVerb, repeated := false, false, false, false, false
		for i, w := range words {
			if joiners[forms[i]] {
				continue
			}
			content++
			verb := verbLike(forms[i])
			switch {
			case placeWords[forms[i]]:
				regions++
			case is.Names[w] > 0:
				names++
				headName = headName || i == 0
			}
			spec := min(idf(w), 6)
			if verb {
				spec /= 2 // "Tercemar", "Bergilir" tell less than a noun
			}
			info += spec
			if q := is.Phrases[w]; q != nil && (q.N >= 2 || alone) {
				worth += float64(q.Score) * spec
			} else if alone {
				worth += float64(p.Score) * spec
			} else {
				lone++
				worth += spec
			}
			headVerb = headVerb || i == 0 && verb
			tailVerb = tailVerb || i == len(words)-1 && verb
			// Inside a name only a bare verb, as in "Ritual Tolak Bala",
			// and not after an actor: "OJK Imbau Masyarakat".
			midVerb = midVerb || i > 0 && i < len(words)-1 && verb &&
				(!headlineVerbs[forms[i]] || upper(strings.Fields(p.Form)[0]) || is.Names[words[0]] > 0)
			repeated = repeated || slices.Contains(words[:i], w)
		}
		switch {
		case regions > 0: // the region part names it
		case names == content:
			if r, ok := gazetteer[strings.Join(forms, " ")]; ok && region != "" && r != region {
				continue // a place in another kabupaten/kota than the issue's
			}
			if content == 1 && commonNouns[forms[len(forms)-1]] {
				continue // "Kantor", "Rumah": capitalised, but no place
			}
			places = append(places, cand{key, p.Form, float64(p.Score) * info, true, lone > 0 && p.N < 2})
		case headName || headVerb || midVerb:
			// "Kariangau Tolak", "Dibuka", "BMKG Prakirakan Hujan": a
			// sentence's words, not what the issue is.
		case tailVerb && (content < 2 || active(forms[len(forms)-1])):
			// A verb ends a name only as what the subject undergoes
			// ("Pemadaman Bergilir", "Air PDAM Tercemar"), never as an
			// action wanting its object ("BMKG Prakirakan").
		case repeated: // "Jalan di SPBU Jalan Juanda"
		case content == 2 && len(words) == 2 && lone == 1 && p.N < 2 && !tailVerb && !filler(forms[1]) &&
			is.Phrases[words[0]] != nil && is.Phrases[words[0]].N >= 2:
			// A word the titles share and the one that follows it in one
			// of them: "Hujan Deras", "Antrean Paspor".
			complements = append(complements, cand{key, p.Form, worth, names > 0, true})
		case content > 1 && lone > 0 && p.N < 2:
			// A longer phrase only of words the titles share.
		case names > 0 && elsewhere(forms, region, gazetteer):
		case dominant == "" || p.ByLabel[dominant] > 0:
			if content == 1 {
				// One word seldom says what happened ("PLN", "Harga"): a
				// phrase the titles share ("Pemadaman Bergilir") is worth
				// more even if fewer titles have it.
				worth *= oneWord
			}
			topics = append(topics, cand{key, p.Form, worth, names > 0, lone > 0 && p.N < 2})
		}
	}
	byScore := func(c []cand) {
		sort.Slice(c, func(i, j int) bool {
			if c[i].score != c[j].score {
				return c[i].score > c[j].score
			}
			return c[i].key < c[j].key
		})
	}
	byScore(topics)
	byScore(places)

	var parts []string
	used := map[string]bool{}
	if len(topics) > 0 && topics[0].lone && len(places) > 0 && is.Phrases[places[0].key].N >= 2 &&
		strings.Contains(places[0].key, " ") && gazetteer[strings.ToLower(places[0].form)] == "" {
		// No topic the titles share, but the name of a thing they do:
		// "Stadion Aji Imbut" says more than one title's rarest word
		// ("Rontok Stadion Aji Imbut"); a place alone ("Long Apari") not.
		topics = nil
	}
	if len(topics) > 0 {
		best := topics[0]
		parts = append(parts, titleCase(best.form))
		for _, w := range strings.Fields(best.key) {
			used[w] = true
		}
	}
	for _, c := range places {
		if len(topics) > 0 && topics[0].named {
			break // the topic names its place: "Listrik di Muara Jawa"
		}
		if is.Phrases[c.key].N < 2 && len(parts) > 0 {
			continue // named once only: not what the story is known by
		}
		clash := false
		for _, w := range strings.Fields(c.key) {
			clash = clash || used[w]
		}
		if len(parts) > 0 && len(strings.Fields(parts[0]))+len(strings.Fields(c.form)) > maxWords {
			continue // short: "Kolam Bekas Tambang Batu Kajang" is as far as a name goes
		}
		if !clash {
			parts = append(parts, titleCase(c.form))
			break
		}
	}
	if len(parts) == 1 && len(topics) > 0 && !strings.Contains(topics[0].key, " ") {
		// One word and nothing else says little ("Hujan"): the word one
		// of the titles writes after it says more ("Hujan Deras").
		byScore(complements)
		for _, c := range complements {
			if strings.HasPrefix(c.key, topics[0].key+" ") {
				parts[0] = titleCase(c.form)
				break
			}
		}
	}
	if len(parts) == 0 {
		return "Isu tanpa nama"
	}
	name := strings.Join(parts, " ")
	if r := region; r != "" {
		short := regionShort(r)
		if !strings.Contains(" "+strings.ToLower(name)+" ", " "+strings.ToLower(short)+" ") {
			name += ", " + short
		}
	}
	return name
}

// elsewhere reports a phrase that names a place of the gazetteer in
// another kabupaten/kota than the issue's.
func elsewhere(forms []string, region string, gazetteer map[string]string) bool {
	if region == "" {
		return false
	}
	for i := range forms {
		for j := i + 1; j <= len(forms); j++ {
			if r, ok := gazetteer[strings.Join(forms[i:j], " ")]; ok && r != region {
				return true
			}
		}
	}
	return false
}

// dominantLabel is the label most of the issue's articles carry, or ""
// when none is known or two are as frequent.
func (is *Issue) dominantLabel() string {
	best, n, tie := "", 0, false
	for l, k := range is.Labels {
		switch {
		case k > n:
			best, n, tie = l, k, false
		case k == n:
			tie = true
		}
	}
	if tie {
		return "" // no label dominates
	}
	return best
}

// filler reports a word that never leads a name: a stopword, a
// discourse word or interjection, a word with a pronoun suffix
// ("atasnya", "harganya").
func filler(w string) bool {
	return stopwords[w] || fillers[w] || strings.HasSuffix(w, "nya") && len(w) > 5
}

// commonNouns are words headlines capitalise that name no place.
var commonNouns = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`kantor rumah jalan gedung pasar sekolah warga masyarakat pemerintah kota kabupaten
		desa kelurahan kecamatan provinsi daerah negeri dinas badan kampung pusat balai aula lapangan taman pantai
		sungai jembatan pelabuhan bandara terminal stasiun hotel masjid gereja kampus rumah-sakit utara selatan barat
		timur tengah hulu hilir baru lama atas bawah nasional negara internasional murah gratis`) {
		commonNouns[w] = true
	}
}

// verbLike reports a verb form ("dibuka", "meluap", "terendam",
// "berencana") that makes a poor head for a name.
func verbLike(w string) bool {
	if headlineVerbs[w] || strings.HasSuffix(w, "kan") {
		return true
	}
	for _, p := range []string{"di", "me", "ter", "ber"} {
		if strings.HasPrefix(w, p) && stem(w) != w {
			return true
		}
	}
	return false
}

// active reports a verb of the active voice ("memperbaiki",
// "tetapkan"), which wants an object after it.
func active(w string) bool {
	return strings.HasPrefix(w, "me") && stem(w) != w || strings.HasSuffix(w, "kan") || headlineVerbs[w]
}

// Verbs headlines use in their bare form.
var headlineVerbs = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`gelar tembus tinjau bahas minta beri buka tutup capai raih ajak dorong sebut tolak
		tuntut kritik jadi naik turun mulai tetap ikut bantu janji akui nilai siap kirim serah tambah terima cair
		rencana lanjut tunda pantau pesan kena kata catat data cek temui tetapkan lantik resmi klaim imbau tegur
		soroti desak sambut jelang usai pasca hanya masih belum sudah akan bisa harus wajib kembali lagi
		mengaku layani sambangi datangi kunjungi awasi atur rendam landa terjang hantam tabrak serbu berhasil
		lampaui penuhi dalami sikapi hadiri ikuti warnai dampingi lengkapi patuhi akhiri atasi`) {
		headlineVerbs[w] = true
	}
}

// placeWords are the names of Kaltim's kabupaten/kota and their short
// forms, which the region part of a name already carries, and words
// capitalised for other reasons.
var placeWords = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`samarinda balikpapan bontang kukar kutai kartanegara tenggarong kutim sangatta
		kubar sendawar berau paser ppu penajam mahulu mahakam ulu ikn nusantara kaltim kalimantan timur
		pemkot pemkab pemprov wali gubernur bupati dinas`) {
		placeWords[w] = true
	}
}

// titleCase capitalises each word as a headline does, keeping acronyms
// and words written with inner capitals as they are, and joiners lower.
func titleCase(s string) string {
	words := strings.Fields(s)
	shout := shouted(s)
	for i, w := range words {
		lw := strings.ToLower(w)
		switch {
		case i > 0 && joiners[lw]:
			words[i] = lw
		case acronym(w, shout):
			// DPRD, PDAM, IKN: as written.
		case w != lw && w != capitalise(lw) && !upper(w):
			// KTP-el, BerAKHLAK: as written.
		default:
			words[i] = capitalise(lw)
		}
	}
	return strings.Join(words, " ")
}

func capitalise(w string) string {
	r := []rune(w)
	r[0] = unicode.ToUpper(r[0])
	return string(r)
}

// fillers are discourse words, interjections and pronoun-suffixed words
// that open a post or headline but never name what it is about.
var fillers = map[string]bool{}

// acronyms are the acronyms Kaltim's news writes in capitals, longer
// than a headline's short words or easy to take for one.
var acronyms = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`alhamdulillah astaghfirullah masyaallah masya allah insyaallah innalillahi subhanallah
		wah waduh aduh duh kok sih dong deh lho loh nih tuh nang yuk ayo ayolah mohon tolong gimana bagaimana kenapa mengapa
		apakah benarkah inilah itulah begini begitu ternyata akhirnya semoga mantap keren viral breaking update info
		terkini terbaru heboh simak cek lihat kabar berita halo hai selamat terima kasih bismillah please guys min
		atasnya bawahnya sini situ sana hari ini kemarin besok tadi barusan pagi siang sore malam semalam sekarang kini`) {
		fillers[w] = true
	}
	for _, w := range strings.Fields(`dprd pdam ikn rsud spbu bbm bpbd pupr opd asn pns pppk ktp bpjs pln tni polri polda
		polres polresta kpu bawaslu umkm pkk bumd bumn apbd apbn dlh dishub diskominfo disdik dinkes kpk bnn bmkg
		bpom sman smpn smkn sdn paud korpri
		ppu lpg`) {
		acronyms[w] = true
	}
}
