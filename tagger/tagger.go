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
// ("Dinas PUPR Provinsi Kaltim"). Offices of one government
// only (level "provinsi") always name the province's; "tetap" (central
// agencies, the IKN authority) keep their name as written.
type OPD struct {
	Name     string   `yaml:"opd"`
	Keywords []string `yaml:"keywords"`
	Level    string   `yaml:"level"`
}

// OPD levels.
const (
	LevelDaerah   = "daerah"
	LevelProvinsi = "provinsi"
	LevelTetap    = "tetap"
)

// ProvinceGovernment is how the provincial government is named in office
// names.
const ProvinceGovernment = "Provinsi Kaltim"

// NameFor names the office of the government responsible for an item
// tagged with regions.
func (o OPD) NameFor(regions []string) string {
	switch o.Level {
	case LevelTetap:
		return o.Name
	case LevelProvinsi:
		return o.Name + " " + ProvinceGovernment
	}
	var kabkota []string
	for _, r := range regions {
		if strings.HasPrefix(r, "Kota ") || strings.HasPrefix(r, "Kabupaten ") {
			kabkota = append(kabkota, r)
		}
	}
	if len(kabkota) == 1 {
		return o.Name + " " + kabkota[0]
	}
	// The province's, or several kabupaten/kota: provincial coordination.
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
		case LevelDaerah, LevelProvinsi, LevelTetap:
		default:
			return nil, fmt.Errorf("entry %d (%s): level %q is not daerah, provinsi or tetap", i+1, o.Name, o.Level)
		}
	}
	return opds, nil
}

type match struct {
	words  []string
	region string // kabupaten/kota the phrase resolves to ("" for OPD cues)
	opd    int    // index into opds, or -1
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
	"ikn": "IKN Nusantara", "ibu kota nusantara": "IKN Nusantara", "otorita ikn": "IKN Nusantara",
	"kaltim": Province, "kalimantan timur": Province, "pemprov kaltim": Province,
}

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
			// Kecamatan names are often ordinary words: only after "kecamatan".
			add(r[3], match{region: region, opd: -1, needs: "kecamatan"})
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
		for _, k := range o.Keywords {
			add(k, match{opd: i})
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

// Tag finds the regions, offices, entities and key phrases of an item.
func (t *Tagger) Tag(title, text string) Tags { return t.TagIn(title, text, "") }

// TagIn tags an item published by an outlet of the region home: an item
// that names no place at all is taken to be about the outlet's region,
// and its offices are that government's.
func (t *Tagger) TagIn(title, text, home string) Tags {
	if len(text) > 6000 {
		text = text[:6000] // the lead names the places and the matter
	}
	w := words(title)
	nTitle := len(w)
	w = append(w, words(text)...)
	regionScore := map[string]int{}
	outScore := map[string]int{}
	outTitle := false
	opdScore := map[int]int{}
	for i := 0; i < len(w); i++ {
		for _, m := range t.phrases[w[i]] {
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
			if m.needs != "" && (i == 0 || (w[i-1] != m.needs && !(m.needs == "kecamatan" && w[i-1] == "kec"))) {
				continue
			}
			switch {
			case m.opd >= 0:
				opdScore[m.opd]++
			case m.outside != "":
				outScore[m.outside]++
				if i < nTitle {
					outTitle = true
				}
			default:
				regionScore[m.region]++
			}
		}
	}
	var tags Tags
	tags.Regions = topKeys(regionScore, 4)
	if len(tags.Regions) == 0 {
		// A story that names places outside Kaltim, in its title or
		// twice, and none inside is not the province's matter.
		n := 0
		for _, c := range outScore {
			n += c
		}
		if outTitle || n >= 2 {
			tags.Elsewhere = topKeys(outScore, 3)
		} else if home != "" {
			tags.Regions = []string{home}
		}
	}
	// A specific kabupaten/kota makes the province tag redundant.
	if len(tags.Regions) > 1 {
		out := tags.Regions[:0]
		for _, r := range tags.Regions {
			if r != Province {
				out = append(out, r)
			}
		}
		tags.Regions = out
	}
	if tags.Elsewhere == nil {
		for _, i := range topKeys(opdScore, 3) {
			tags.OPDs = append(tags.OPDs, t.opds[i].NameFor(tags.Regions))
		}
	}
	tags.Entities = entities(title + ". " + text)
	tags.KeyPhrases = KeyPhrases(title, text, 8)
	return tags
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
	"tebing tinggi": true, "binjai": true, "sabang": true, "pariaman": true}

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
	for _, r := range rows[1:] {
		name := strings.TrimSpace(r[2])
		if r[1] == kaltimCode {
			kab[r[0]] = name
			add(name, match{region: name, opd: -1})
			continue
		}
		add(name, match{opd: -1, outside: name})
		if short, ok := strings.CutPrefix(name, "Kota "); ok {
			short = strings.TrimPrefix(short, "Administrasi ")
			if !ambiguousKota[strings.ToLower(short)] {
				add(short, match{opd: -1, outside: name})
			}
		}
	}
	for a, place := range outsideAliases {
		add(a, match{opd: -1, outside: place})
	}
	return kab, nil
}

// kaltimCode is the province's Kemendagri code.
const kaltimCode = "64"
