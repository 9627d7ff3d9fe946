// Package tagger tags a news item with what issue mapping needs: the
// Kaltim regions it is about (kabupaten/kota, with kecamatan, desa and
// common aliases resolved to them), the government offices (OPD)
// responsible for its topics, the people and institutions it names, and
// its key phrases. It reads text only; it must not do I/O beyond loading
// its embedded data.
package tagger

import (
	"bytes"
	_ "embed"
	"encoding/csv"
	"fmt"
	"slices"
	"sort"
	"strings"
	"unicode"

	"gopkg.in/yaml.v3"
)

var (
	//go:embed data/kaltim_kecamatan.csv
	kecamatanCSV []byte
	//go:embed data/kaltim_desa_kelurahan.csv
	desaCSV []byte
	//go:embed data/opd.yaml
	opdYAML []byte
	//go:embed data/provinces.csv
	provincesCSV []byte
	//go:embed data/regencies.csv
	regenciesCSV []byte
)

// Province is the region name for items about Kaltim as a whole.
const Province = "Kalimantan Timur"

// Tags are what the tagger finds in one item.
type Tags struct {
	Regions []string // kabupaten/kota names (or Province)
	OPDs    []string // responsible offices, most cues first
	// Elsewhere names the places outside Kaltim an item is about, when it
	// names no place in Kaltim (a national or foreign story): such an item
	// gets no region and no Kaltim office.
	Elsewhere  []string
	Entities   []string // people and institutions named
	KeyPhrases []string // words and pairs that characterise the item
}

// Tagger holds the region gazetteer and the OPD mapping.
type Tagger struct {
	phrases map[string][]match // first word → phrases starting with it
	maxLen  int
	opds    []OPD
}

// OPD is one office with its topic keywords. Regional offices (level
// "daerah", the default) exist in the provincial government and in each
// kabupaten/kota: an item about one kabupaten/kota names that one's
// office ("Dinas PUPR Kota Samarinda"), any other item the province's
// ("Dinas PUPR Provinsi Kaltim"). Offices of the province only (level
// "provinsi") always name the province's; offices of the kabupaten/kota
// only (level "kabkota", a water utility) name that one's or no
// government; "tetap" (central agencies, the IKN authority) keep their
// name as written.
type OPD struct {
	Name     string   `yaml:"opd"`
	Keywords []string `yaml:"keywords"`
	Level    string   `yaml:"level"`
	// Aliases are the office's other names: its short form ("Dishub")
	// and what other governments call the office doing the same work
	// ("Dinas Perdagangan" for the trade office).
	Aliases []string `yaml:"aliases"`
}

// BaseName is an office name without the government it belongs to:
// "BPBD Kota Samarinda" → "BPBD".
func BaseName(office string) string {
	if i := strings.Index(office, " "+ProvinceGovernment); i > 0 {
		return office[:i]
	}
	for _, gov := range []string{" Kota ", " Kabupaten "} {
		if i := strings.LastIndex(office, gov); i > 0 {
			return office[:i]
		}
	}
	return office
}

// SameOffice reports whether an office the tagger named ("Dinas PUPR
// Kota Samarinda") is the office called name, by its name or an alias.
func (t *Tagger) SameOffice(office, name string) bool {
	base := BaseName(office)
	if strings.EqualFold(base, name) {
		return true
	}
	for _, o := range t.opds {
		if o.Name == base {
			for _, a := range o.Aliases {
				if strings.EqualFold(a, name) {
					return true
				}
			}
		}
	}
	return false
}

// OPD levels.
const (
	LevelDaerah   = "daerah"
	LevelProvinsi = "provinsi"
	LevelKabKota  = "kabkota"
	LevelTetap    = "tetap"
)

// ProvinceGovernment is how the provincial government is named in office
// names.
const ProvinceGovernment = "Provinsi Kaltim"

// NameFor names the office of the government responsible for an item
// tagged with regions (the region it is about first).
func (o OPD) NameFor(regions []string) string {
	switch o.Level {
	case LevelTetap:
		return o.Name
	case LevelProvinsi:
		return o.Name + " " + ProvinceGovernment
	}
	// The government of the region the item is about (regions come
	// first-named first): a kabupaten/kota's own office, else the
	// province's; an office the province does not have (a water
	// utility) is named without a government then.
	if len(regions) > 0 && (strings.HasPrefix(regions[0], "Kota ") || strings.HasPrefix(regions[0], "Kabupaten ")) {
		return o.Name + " " + regions[0]
	}
	if o.Level == LevelKabKota {
		return o.Name
	}
	return o.Name + " " + ProvinceGovernment
}

// ParseOPDs reads an OPD mapping (the format of data/opd.yaml) and checks
// every entry.
func ParseOPDs(data []byte) ([]OPD, error) {
	var opds []OPD
	if err := yaml.Unmarshal(data, &opds); err != nil {
		return nil, err
	}
	if len(opds) == 0 {
		return nil, fmt.Errorf("no office defined")
	}
	for i, o := range opds {
		switch {
		case strings.TrimSpace(o.Name) == "":
			return nil, fmt.Errorf("entry %d: opd (the office name) is empty", i+1)
		case len(o.Keywords) == 0:
			return nil, fmt.Errorf("entry %d (%s): no keywords", i+1, o.Name)
		}
		switch o.Level {
		case "":
			opds[i].Level = LevelDaerah
		case LevelDaerah, LevelProvinsi, LevelKabKota, LevelTetap:
		default:
			return nil, fmt.Errorf("entry %d (%s): level %q is not daerah, provinsi, kabkota or tetap", i+1, o.Name, o.Level)
		}
	}
	return opds, nil
}

type match struct {
	words  []string
	region string // kabupaten/kota the phrase resolves to ("" for OPD cues)
	opd    int    // index into opds, or -1
	name   bool   // the phrase names the office (its name or an alias)
	needs  string // a preceding word the phrase requires ("kecamatan", "desa"), if any
	// outside is the place outside Kaltim the phrase names ("" for
	// Kaltim places and OPD cues).
	outside string
}

// Aliases people use for Kaltim's regions.
var aliases = map[string]string{
	"samarinda": "Kota Samarinda", "balikpapan": "Kota Balikpapan", "bontang": "Kota Bontang",
	"kukar": "Kabupaten Kutai Kartanegara", "kutai kartanegara": "Kabupaten Kutai Kartanegara", "tenggarong": "Kabupaten Kutai Kartanegara",
	"kutim": "Kabupaten Kutai Timur", "kutai timur": "Kabupaten Kutai Timur", "sangatta": "Kabupaten Kutai Timur",
	"kubar": "Kabupaten Kutai Barat", "kutai barat": "Kabupaten Kutai Barat", "sendawar": "Kabupaten Kutai Barat",
	"berau": "Kabupaten Berau", "tanjung redeb": "Kabupaten Berau",
	"paser": "Kabupaten Paser", "tanah grogot": "Kabupaten Paser",
	"ppu": "Kabupaten Penajam Paser Utara", "penajam paser utara": "Kabupaten Penajam Paser Utara", "penajam": "Kabupaten Penajam Paser Utara",
	"mahulu": "Kabupaten Mahakam Ulu", "mahakam ulu": "Kabupaten Mahakam Ulu", "ujoh bilang": "Kabupaten Mahakam Ulu",
	// The IKN's core lies in Penajam Paser Utara (Sepaku): its stories
	// are that kabupaten's.
	"ikn": "Kabupaten Penajam Paser Utara", "ibu kota nusantara": "Kabupaten Penajam Paser Utara",
	"otorita ikn": "Kabupaten Penajam Paser Utara", "sepaku": "Kabupaten Penajam Paser Utara",
	"kaltim": Province, "kalimantan timur": Province, "pemprov kaltim": Province,
}

// Kaltim kecamatan whose names are also ordinary words or places
// elsewhere ("Sambutan" is a speech, Teluk Bayur a port in Padang).
var ordinaryKecamatan = map[string]bool{"damai": true, "karangan": true, "sambutan": true, "sandaran": true, "waru": true,
	"tabang": true, "bongan": true, "telen": true, "laham": true, "busang": true, "batu putih": true, "teluk bayur": true,
	"tanjung harapan": true, "batu ampar": true, "kelay": true, "segah": true, "melak": true, "tering": true,
	"gunung tabur": true, "batu engau": true, "muara wis": true, "penyinggahan": true}

// New loads the embedded gazetteer and OPD mapping.
func New() (*Tagger, error) { return NewWithOPDs(nil) }

// NewWithOPDs loads the embedded gazetteer and an office's own OPD
// mapping (nil for the embedded one).
func NewWithOPDs(opdMap []byte) (*Tagger, error) {
	if opdMap == nil {
		opdMap = opdYAML
	}
	t := &Tagger{phrases: map[string][]match{}}
	add := func(phrase string, m match) {
		w := words(phrase)
		if len(w) == 0 {
			return
		}
		m.words = w
		t.phrases[w[0]] = append(t.phrases[w[0]], m)
		t.maxLen = max(t.maxLen, len(w))
	}
	kab, err := addRegencies(add)
	if err != nil {
		return nil, err
	}
	for a, region := range aliases {
		add(a, match{region: region, opd: -1})
	}
	rows, err := csv.NewReader(bytes.NewReader(kecamatanCSV)).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("kecamatan: %w", err)
	}
	for _, r := range rows[1:] {
		if region, ok := kab[r[1]]; ok {
			// Some kecamatan names are ordinary words: those only after
			// "kecamatan"; the others ("Palaran", "Muara Kaman") alone too.
			needs := "kecamatan"
			if !ordinaryKecamatan[strings.ToLower(r[3])] {
				needs = ""
			}
			add(r[3], match{region: region, opd: -1, needs: needs})
		}
	}
	rows, err = csv.NewReader(bytes.NewReader(desaCSV)).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("desa: %w", err)
	}
	for _, r := range rows[1:] {
		if region, ok := kab[r[2]]; ok {
			add(r[3], match{region: region, opd: -1, needs: r[4]}) // "desa" or "kelurahan"
		}
	}
	if t.opds, err = ParseOPDs(opdMap); err != nil {
		return nil, fmt.Errorf("OPD mapping: %w", err)
	}
	for i, o := range t.opds {
		names := map[string]bool{}
		for _, n := range append([]string{o.Name}, o.Aliases...) {
			if n := strings.Join(words(n), " "); !names[n] {
				names[n] = true
				add(n, match{opd: i, name: true})
			}
		}
		for _, k := range o.Keywords {
			if !names[strings.Join(words(k), " ")] {
				add(k, match{opd: i})
			}
		}
	}
	return t, nil
}

// OPDs returns the offices the tagger knows.
func (t *Tagger) OPDs() []OPD { return t.opds }

func words(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '-'
	})
}

// tokens are the words of s for matching: a hyphenated word that no
// phrase starts with is its parts ("se-Kaltim", "Samarinda-Balikpapan",
// "Kaltim-Kaltara"), one that a phrase starts with stays whole ("e-KTP",
// "Biduk-Biduk").
func (t *Tagger) tokens(s string) []string {
	w := words(s)
	for i := 0; i < len(w); i++ {
		if strings.IndexByte(w[i], '-') < 0 || len(t.phrases[w[i]]) > 0 {
			continue
		}
		parts := strings.FieldsFunc(w[i], func(r rune) bool { return r == '-' })
		w = slices.Replace(w, i, i+1, parts...)
		i += len(parts) - 1
	}
	return w
}

// Tag finds the regions, offices, entities and key phrases of an item.
func (t *Tagger) Tag(title, text string) Tags { return t.TagIn(title, text, "") }

// TagIn tags an item published by an outlet of the region home: an item
// that names no place at all is taken to be about the outlet's region,
// and its offices are that government's.
func (t *Tagger) TagIn(title, text, home string) Tags {
	if len(text) > 6000 {
		text = text[:6000] // the lead names the places and the matter
	}
	// The dateline ("SAMARINDA –") says where the report was filed, not
	// what it is about: it counts only when nothing else names a place.
	line, body := dateline(text)
	body = withoutSignOff(body)
	var s scan
	t.match(t.tokens(title), 2, &s)
	t.match(t.tokens(body), 1, &s)
	// A dateline is a place: a kecamatan named like an ordinary word
	// ("MELAK –") needs no "kecamatan" there; the outlet in brackets
	// ("Balikpapan (Lensa Kaltim) –") is no place.
	at := scan{dateline: true}
	t.match(t.tokens(withoutBrackets(line)), 1, &at)
	for r, c := range at.region {
		s.region[r] += c * datelineWeight
	}

	t.hashtags(title+" "+text, &s)

	var tags Tags
	kaltim := 0
	for _, c := range s.region {
		kaltim += c
	}
	if kaltim > 0 && home != "" && home != Province && post(title, text) {
		// A resident's post names other places in passing ("anak kuliah
		// di Samarinda"): its outlet's kabupaten/kota counts as named.
		s.region[home] += homeWeight
	}
	out := 0
	for _, c := range s.out {
		out += c
	}
	switch {
	case len(at.out) > 0 && kaltim < farFiled:
		// Filed from elsewhere, Kaltim named in passing at most (a
		// title mention counts 2): a national or foreign story.
		tags.Elsewhere = topKeys(mergeCounts(at.out, s.out), 3)
	case kaltim > 0 && (len(at.region) > 0 || s.kaltimTitle || out < 2*kaltim || out < 2):
		// Kaltim named in the dateline or the title, or at least half
		// as often as places elsewhere; else a passing mention in a
		// story about elsewhere.
		tags.Regions = rankRegions(s.region, home)
	case s.outTitle || out >= 2:
		// Places outside Kaltim in its title or named twice, none
		// inside: not the province's matter.
		tags.Elsewhere = topKeys(s.out, 3)
	case len(at.region) > 0:
		tags.Regions = rankRegions(at.region, home)
	case home != "" && t.readsLocal(title, text):
		tags.Regions = []string{home}
	}
	// Offices only for an item known to be about Kaltim.
	if len(tags.Regions) > 0 {
		// Two kabupaten/kota named alike: a matter for the province.
		gov := tags.Regions
		if len(gov) > 1 && gov[0] != Province && s.region[gov[0]] == s.region[gov[1]] {
			gov = nil
		}
		need := minCues
		if len(text) < shortText {
			need = 1
		}
		top := topKeys(s.opd, maxOffices)
		for _, i := range top {
			// Offices with far fewer cues than the first are side notes.
			if float64(s.opd[i]) >= officeShare*float64(s.opd[top[0]]) && s.opd[i] >= need {
				tags.OPDs = append(tags.OPDs, t.opds[i].NameFor(gov))
			}
		}
	}
	tags.Entities = entities(title + ". " + text)
	tags.KeyPhrases = KeyPhrases(title, text, 8)
	return tags
}

// What makes an item that names no place read as local (readsLocal):
// regional government and its services (a ministry is a "kementerian",
// never a "dinas"), the Banjar and Kutai words of the province's social
// posts, and the chat words and emoji of any social post.
var (
	govWords = map[string]bool{
		"pemkot": true, "pemkab": true, "pemprov": true, "pemda": true, "dprd": true, "bupati": true,
		"camat": true, "lurah": true, "kelurahan": true, "kecamatan": true, "desa": true,
		"kampung": true, "rt": true, "kades": true, "dinas": true, "puskesmas": true, "posyandu": true, "rsud": true, "posko": true,
		"bpbd": true, "dlh": true, "pdam": true, "perumda": true, "samsat": true, "dishub": true, "disdik": true, "dinsos": true,
		"dinkes": true, "dukcapil": true, "disdukcapil": true, "satpol": true, "damkar": true, "bapenda": true, "tps": true,
		"tpa": true, "wita": true,
	}
	dialectWords = map[string]bool{
		"ulun": true, "kada": true, "banar": true, "bubuhan": true, "umai": true, "kayapa": true, "handak": true,
		"pian": true, "nang": true, "banyu": true, "pajah": true, "bujur": true, "kawa": true, "mun": true, "haja": true,
		"kadada": true, "sidin": true, "ikam": true, "kd": true, "kah": true,
	}
	chatWords = map[string]bool{
		"yg": true, "sdh": true, "udh": true, "udah": true, "jgn": true, "gk": true, "ga": true, "gak": true, "tp": true,
		"blm": true, "min": true, "sy": true, "td": true, "skrg": true, "bgt": true, "aja": true, "dong": true, "sih": true,
		"nih": true, "kok": true, "kyk": true, "utk": true, "jg": true, "lg": true, "bbrp": true, "pake": true, "gimana": true,
		"kalo": true, "emang": true, "jt": true, "rb": true,
	}
)

// readsLocal reports whether an item that names no place in Kaltim reads
// as local news or a resident's post, so that it belongs to its outlet's
// region. A post does (post). In an edited story regional government
// counts unless it is another province's ("Gubernur DKI Jakarta",
// "Kecamatan Tuminting, Manado"); dialect and chat words count as written
// in lower case ("Min" and "LG" are names), chat words only two together
// (celebrity news quotes "udah"). A national story carried by a Kaltim
// outlet (markets, ministries, gadgets, celebrities) does none of these.
func (t *Tagger) readsLocal(title, text string) bool {
	if post(title, text) {
		return true
	}
	s := title + " . " + text
	chat := 0
	for _, w := range strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		if dialectWords[w] {
			return true
		}
		switch {
		case reduplicated(w):
			chat += 2 // "anak2": never in edited news
		case chatWords[w]:
			chat++
		}
	}
	if chat >= 2 || strings.IndexFunc(s, isEmoji) >= 0 {
		return true
	}
	w := words(s)
	for i, x := range w {
		if govWords[x] && !t.placeElsewhereIn(ownName(w[i+1:])) {
			return true
		}
	}
	return false
}

// ownName is what may name an office's or an area's government after
// its title: up to five words, up to a preposition ("Dinas Pendidikan
// Kota Tangerang Selatan", but not "Dinas PUPR rapat di Jakarta").
func ownName(w []string) []string {
	w = w[:min(len(w), 5)]
	for i, x := range w {
		switch x {
		case "di", "ke", "dari", "pada", "untuk", "dengan", "yang":
			return w[:i]
		}
	}
	return w
}

// post reports whether an item is a post rather than an edited story:
// its title is the start of its text (the crawlers title a post with its
// first words, source.TitleOf), not a headline. A post that names no
// place comes from the outlet's own audience.
func post(title, text string) bool {
	title = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(title), "…"))
	return title != "" && strings.HasPrefix(strings.TrimSpace(text), title)
}

// reduplicated reports a word written with the chat "2" for a repeat
// ("anak2", "terang2an").
func reduplicated(w string) bool {
	i := strings.IndexByte(w, '2')
	return i >= 2 && strings.Trim(w[:i], "abcdefghijklmnopqrstuvwxyz") == "" && strings.Trim(w[i+1:], "abcdefghijklmnopqrstuvwxyz") == ""
}

func isEmoji(r rune) bool { return r >= 0x2600 && (unicode.Is(unicode.So, r) || r >= 0x1F000) }

// placeElsewhereIn reports whether w names a place outside Kaltim.
func (t *Tagger) placeElsewhereIn(w []string) bool {
	for i := range w {
		for _, m := range t.phrases[w[i]] {
			if m.outside != "" && i+len(m.words) <= len(w) && slices.Equal(w[i:i+len(m.words)], m.words) {
				return true
			}
		}
	}
	return false
}

// Tuned on the Kaltim example items (tagger/eval_test.go).
var (
	farFiled       = 4   // Kaltim mentions (title double) that make a story filed elsewhere Kaltim's
	datelineWeight = 1   // what a Kaltim dateline adds to its region's mentions
	maxOffices     = 2   // offices named at most
	officeShare    = 0.5 // cues an office needs, as a share of the first office's
	nameWeight     = 3   // what an office named outright counts, in cues
	// Cues an office needs in an article longer than shortText (a post
	// names its office with one). 2 raises office precision on the tuning
	// stories from 0.796 to 0.830 (recall 0.699 → 0.688), but issue
	// clustering, which weighs shared offices, loses B-cubed F1 (held-out
	// 0.837 → 0.832): kept at 1 until the pair scorer is retrained.
	minCues        = 1
	shortText      = 280
	provinceWeight = 2 // a mention of the province as a whole or by its own institutions (provinceOf)
	homeWeight     = 1 // what a post's outlet region counts when the post names Kaltim places
)

// Words before an office cue that make it the central government's
// ("Menteri PU", "Kementerian Kesehatan"), not a regional office's.
var central = map[string]bool{"menteri": true, "kementerian": true, "wamen": true, "dirjen": true, "ditjen": true}

// Words before "Kaltim" that name the province as a whole or one of its
// own institutions ("se-Kaltim", "Pemprov Kaltim", "Polda Kaltim",
// "Gubernur Kaltim"): such a mention counts provinceWeight times. A
// kabupaten/kota has its own DPRD and offices, so those do not.
var provinceOf = map[string]bool{"se": true, "pemprov": true, "provinsi": true, "polda": true, "kejati": true,
	"gubernur": true, "wagub": true}

// scan is what matching found: mentions per Kaltim region, per place
// elsewhere, per office.
type scan struct {
	region      map[string]int
	out         map[string]int
	outTitle    bool
	kaltimTitle bool
	opd         map[int]int
	dateline    bool // w is a dateline: a kecamatan needs no "kecamatan"
}

// match counts the places and office cues in w, each weight times.
func (t *Tagger) match(w []string, weight int, s *scan) {
	if s.region == nil {
		s.region, s.out, s.opd = map[string]int{}, map[string]int{}, map[int]int{}
	}
	placeEnd := 0 // a place matched ends here: no shorter place inside it
	cueEnd := 0   // an office cue matched ends here: no shorter cue inside it
	var cueBuf [4]*match
	for i := 0; i < len(w); i++ {
		var place *match
		cues := cueBuf[:0] // the longest office cues starting here
		for k := range t.phrases[w[i]] {
			m := &t.phrases[w[i]][k]
			if i+len(m.words) > len(w) {
				continue
			}
			ok := true
			for j := 1; j < len(m.words); j++ {
				if w[i+j] != m.words[j] {
					ok = false
					break
				}
			}
			if !ok {
				continue
			}
			if m.needs != "" && !(s.dateline && m.needs == "kecamatan") &&
				(i == 0 || (w[i-1] != m.needs && !(m.needs == "kecamatan" && w[i-1] == "kec"))) {
				continue
			}
			if m.opd >= 0 {
				if i > 0 && central[w[i-1]] {
					continue // "Menteri PU", "Kementerian Kesehatan": the ministry's
				}
				if i >= cueEnd && (len(cues) == 0 || len(m.words) >= len(cues[0].words)) {
					if len(cues) > 0 && len(m.words) > len(cues[0].words) {
						cues = cues[:0]
					}
					cues = append(cues, m)
				}
			} else if i >= placeEnd && (place == nil || len(m.words) > len(place.words)) {
				place = m
			}
		}
		if len(cues) > 0 {
			// "minyak goreng" is trade's, not the "minyak" of an oil
			// spill; "Dinas Pendidikan dan Kebudayaan" no culture cue.
			cueEnd = i + len(cues[0].words)
			for _, c := range cues {
				if c.name {
					s.opd[c.opd] += weight * nameWeight
				} else {
					s.opd[c.opd] += weight
				}
			}
		}
		if place == nil {
			continue
		}
		placeEnd = i + len(place.words)
		if place.outside != "" {
			s.out[place.outside] += weight
			if weight > 1 {
				s.outTitle = true
			}
		} else {
			if place.region == Province && (provinceOf[place.words[0]] || i > 0 && provinceOf[w[i-1]]) {
				s.region[place.region] += weight * provinceWeight
			} else {
				s.region[place.region] += weight
			}
			if weight > 1 {
				s.kaltimTitle = true
			}
		}
	}
}

// hashtags counts the Kaltim places that start or end a post's hashtags
// ("#banjirsamarinda", "#BeasiswaKutim"): a hashtag that is only a place
// ("#samarinda") was matched as a word already.
func (t *Tagger) hashtags(text string, s *scan) {
	for i := strings.IndexByte(text, '#'); i >= 0; i = strings.IndexByte(text, '#') {
		text = text[i+1:]
		end := strings.IndexFunc(text, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
		if end < 0 {
			end = len(text)
		}
		tag := strings.ToLower(text[:end])
		for k := len(tag) - 1; k >= 3; k-- {
			if r := t.placeWord(tag[:k]); r != "" {
				s.region[r]++
				break
			}
			if r := t.placeWord(tag[len(tag)-k:]); r != "" {
				s.region[r]++
				break
			}
		}
	}
}

// placeWord returns the Kaltim region a place of one word names, if any.
func (t *Tagger) placeWord(w string) string {
	for _, m := range t.phrases[w] {
		if len(m.words) == 1 && m.region != "" && m.needs == "" {
			return m.region
		}
	}
	return ""
}

// rankRegions orders the regions an item names, most named first (a
// tie goes to the outlet's own kabupaten/kota, then to a kabupaten/kota
// over the province, then by name); the province comes
// first only when named more than any kabupaten/kota (a provincial
// matter reported from Samarinda), and is left out when a
// kabupaten/kota leads.
func rankRegions(score map[string]int, home string) []string {
	r := make([]string, 0, len(score))
	for k := range score {
		r = append(r, k)
	}
	sort.Slice(r, func(i, j int) bool {
		if score[r[i]] != score[r[j]] {
			return score[r[i]] > score[r[j]]
		}
		if home != Province && (r[i] == home) != (r[j] == home) {
			return r[i] == home
		}
		if (r[i] == Province) != (r[j] == Province) {
			return r[j] == Province
		}
		return r[i] < r[j]
	})
	if len(r) > 1 && r[0] != Province {
		r = slices.DeleteFunc(r, func(x string) bool { return x == Province })
	}
	return r[:min(len(r), 4)]
}

func mergeCounts(a, b map[string]int) map[string]int {
	m := make(map[string]int, len(a)+len(b))
	for k, v := range a {
		m[k] += v
	}
	for k, v := range b {
		m[k] += v
	}
	return m
}

// dateline splits a text into its dateline ("SAMARINDA –", "Samarinda
// (Borneo Terkini) –", "Borneo Terkini, SAMARINDA –") and the rest.
func dateline(text string) (string, string) {
	head := text[:min(len(text), 90)]
	for _, dash := range []string{" – ", " — ", " - "} {
		if i := strings.Index(head, dash); i > 0 && i < 80 && !strings.ContainsAny(head[:i], ".!?") ||
			i > 0 && i < 80 && strings.Contains(strings.ToUpper(head[:i]), ".ID") {
			return text[:i], text[i+len(dash):]
		}
	}
	return "", text
}

// withoutSignOff drops a press release's closing credit ("… ujarnya.
// (diskominfo kutim)"): the office that published it is not the office
// its matter belongs to.
func withoutSignOff(text string) string {
	t := strings.TrimRightFunc(text, unicode.IsSpace)
	if !strings.HasSuffix(t, ")") {
		return text
	}
	if i := strings.LastIndexByte(t, '('); i >= 0 && len(t)-i <= 40 {
		return t[:i]
	}
	return text
}

// withoutBrackets drops what is in round brackets.
func withoutBrackets(s string) string {
	for {
		i := strings.IndexByte(s, '(')
		j := strings.IndexByte(s, ')')
		if i < 0 || j < i {
			return s
		}
		s = s[:i] + " " + s[j+1:]
	}
}

func topKeys[K comparable](m map[K]int, n int) []K {
	keys := make([]K, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.SliceStable(keys, func(i, j int) bool {
		if m[keys[i]] != m[keys[j]] {
			return m[keys[i]] > m[keys[j]]
		}
		return fmt.Sprint(keys[i]) < fmt.Sprint(keys[j])
	})
	if len(keys) > n {
		keys = keys[:n]
	}
	return keys
}

// Titles that introduce a named person or office.
var titles = map[string]bool{"gubernur": true, "wagub": true, "bupati": true, "wali": true, "walikota": true,
	"kapolda": true, "kapolres": true, "kapolresta": true, "kepala": true, "ketua": true, "menteri": true,
	"presiden": true, "sekda": true, "kadis": true, "direktur": true, "camat": true, "lurah": true, "anggota": true}

// entities finds capitalised names of two to four words inside sentences
// (people, institutions), most frequent first.
func entities(s string) []string {
	count := map[string]int{}
	fields := strings.Fields(s)
	for i := 0; i < len(fields); i++ {
		if !capitalised(fields[i]) || i == 0 || strings.HasSuffix(fields[i-1], ".") {
			if !(i > 0 && titles[strings.ToLower(strings.Trim(fields[i-1], ",.\"'()"))] && capitalised(fields[i])) {
				continue
			}
		}
		j := i
		for j < len(fields) && j-i < 4 && capitalised(fields[j]) {
			j++
			if strings.ContainsAny(fields[j-1], ",.;:\")") {
				break
			}
		}
		if j-i >= 2 {
			name := strings.Trim(strings.Join(fields[i:j], " "), ",.;:\"'()")
			count[name]++
		}
		i = j
	}
	return topKeys(count, 6)
}

func capitalised(w string) bool {
	w = strings.TrimLeft(w, "\"'(")
	if w == "" {
		return false
	}
	r := []rune(w)[0]
	return unicode.IsUpper(r)
}

// Short names of kota outside Kaltim that are also ordinary words or
// names ("batu", "malang", "medan"): only their full "Kota X" form counts.
var ambiguousKota = map[string]bool{"batu": true, "metro": true, "palu": true, "banjar": true, "bima": true,
	"padang": true, "malang": true, "medan": true, "serang": true, "tual": true, "tegal": true, "solok": true,
	"tebing tinggi": true, "binjai": true, "sabang": true, "pariaman": true,
	// Kabupaten named like common words.
	"batu bara": true, "agam": true, "lingga": true, "alor": true, "sumba": true}

// Other names of places outside Kaltim, and countries often in the news.
var outsideAliases = map[string]string{
	"jakarta": "DKI Jakarta", "dki jakarta": "DKI Jakarta", "dki": "DKI Jakarta",
	"yogyakarta": "DI Yogyakarta", "yogya": "DI Yogyakarta", "jogja": "DI Yogyakarta", "diy": "DI Yogyakarta",
	"palangka raya": "Kota Palangkaraya", "baubau": "Kota Bau Bau",
	"kaltara": "Kalimantan Utara", "kalsel": "Kalimantan Selatan", "kalteng": "Kalimantan Tengah", "kalbar": "Kalimantan Barat",
	"jabar": "Jawa Barat", "jateng": "Jawa Tengah", "jatim": "Jawa Timur", "sulsel": "Sulawesi Selatan",
	"sumut": "Sumatera Utara", "sumbar": "Sumatera Barat", "sumsel": "Sumatera Selatan", "ntb": "Nusa Tenggara Barat", "ntt": "Nusa Tenggara Timur",
	"amerika": "Amerika Serikat", "amerika serikat": "Amerika Serikat", "tiongkok": "Tiongkok", "china": "Tiongkok",
	"malaysia": "Malaysia", "singapura": "Singapura", "jepang": "Jepang", "korea selatan": "Korea Selatan", "korea utara": "Korea Utara",
	"australia": "Australia", "arab saudi": "Arab Saudi", "rusia": "Rusia", "ukraina": "Ukraina", "israel": "Israel",
	"palestina": "Palestina", "gaza": "Palestina", "iran": "Iran", "india": "India", "filipina": "Filipina",
	"thailand": "Thailand", "vietnam": "Vietnam", "belanda": "Belanda", "prancis": "Prancis", "jerman": "Jerman", "eropa": "Eropa",
	"korut": "Korea Utara", "korsel": "Korea Selatan", "myanmar": "Myanmar", "timor leste": "Timor Leste", "brunei": "Brunei",
	"taiwan": "Taiwan", "hong kong": "Hong Kong", "kanada": "Kanada", "meksiko": "Meksiko", "brasil": "Brasil",
	"argentina": "Argentina", "spanyol": "Spanyol", "italia": "Italia", "turki": "Turki", "mesir": "Mesir", "qatar": "Qatar",
	"uni emirat arab": "Uni Emirat Arab", "afghanistan": "Afghanistan", "pakistan": "Pakistan", "suriah": "Suriah",
	"irak": "Irak", "yaman": "Yaman",
	"paris": "Prancis", "london": "Inggris", "inggris": "Inggris", "tokyo": "Jepang", "beijing": "Tiongkok", "seoul": "Korea Selatan",
	"washington": "Amerika Serikat", "new york": "Amerika Serikat", "houston": "Amerika Serikat", "texas": "Amerika Serikat",
	"manila": "Filipina", "bangkok": "Thailand", "hanoi": "Vietnam", "kuala lumpur": "Malaysia", "sabah": "Malaysia",
	"sarawak": "Malaysia", "canberra": "Australia", "sydney": "Australia", "dubai": "Uni Emirat Arab", "mekkah": "Arab Saudi",
	"makkah": "Arab Saudi", "madinah": "Arab Saudi", "jeddah": "Arab Saudi", "riyadh": "Arab Saudi", "kairo": "Mesir",
	"istanbul": "Turki", "moskow": "Rusia", "kyiv": "Ukraina", "den haag": "Belanda", "jenewa": "Swiss", "swiss": "Swiss",
	"senayan": "DKI Jakarta", "jabodetabek": "DKI Jakarta", "polda metro": "DKI Jakarta", "polda metro jaya": "DKI Jakarta",
	"gbk": "DKI Jakarta", "gelora bung karno": "DKI Jakarta", "monas": "DKI Jakarta", "tanjung priok": "DKI Jakarta",
	"soetta": "Banten", "bogor": "Kota Bogor", "bekasi": "Kota Bekasi", "depok": "Kota Depok",
}

// addRegencies adds every kabupaten/kota: Kaltim's as regions (returned
// by Kemendagri code, for the kecamatan and desa tables), the others, with
// the provinces and the aliases above, as places outside the province.
func addRegencies(add func(string, match)) (map[string]string, error) {
	rows, err := csv.NewReader(bytes.NewReader(provincesCSV)).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("provinces: %w", err)
	}
	for _, r := range rows[1:] {
		if r[1] != Province {
			add(r[1], match{opd: -1, outside: r[1]})
		}
	}
	rows, err = csv.NewReader(bytes.NewReader(regenciesCSV)).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("regencies: %w", err)
	}
	kab := map[string]string{} // Kaltim's, code → name
	kotaNames := map[string]bool{}
	for _, r := range rows[1:] {
		if short, ok := strings.CutPrefix(strings.TrimSpace(r[2]), "Kota "); ok {
			kotaNames[strings.TrimPrefix(short, "Administrasi ")] = true
		}
	}
	for _, r := range rows[1:] {
		name := strings.TrimSpace(r[2])
		if r[1] == kaltimCode {
			kab[r[0]] = name
			add(name, match{region: name, opd: -1})
			continue
		}
		add(name, match{opd: -1, outside: name})
		short, kota := strings.CutPrefix(name, "Kota ")
		if !kota {
			short = strings.TrimPrefix(name, "Kabupaten ")
		}
		short = strings.TrimPrefix(short, "Administrasi ")
		// A kabupaten shares its name with its kota ("Bandung"): the
		// short name is the kota's.
		if !ambiguousKota[strings.ToLower(short)] && (kota || !kotaNames[short]) {
			add(short, match{opd: -1, outside: name})
		}
	}
	for a, place := range outsideAliases {
		add(a, match{opd: -1, outside: place})
	}
	return kab, nil
}

// kaltimCode is the province's Kemendagri code.
const kaltimCode = "64"
