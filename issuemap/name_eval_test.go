package issuemap

import (
	"fmt"
	"sort"
	"strings"
	"testing"
	"unicode"

	"github.com/diskominfo-kaltim/pantau/indonesian"
	"github.com/diskominfo-kaltim/pantau/tagger"
)

// nameWords are a name's words, lower case, without punctuation.
func nameWords(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '-'
	})
}

// shouting reports a name with a headline's all-caps words that are not
// acronyms: two or more in a row of four letters or more, or one longer
// than five letters that is no known acronym.
func shouting(name string) bool {
	run := 0
	for _, w := range strings.Fields(strings.Trim(name, ",")) {
		w = strings.Trim(w, ",")
		letters := 0
		for _, r := range w {
			if unicode.IsLetter(r) {
				letters++
			}
		}
		allCaps := letters > 0 && strings.ToUpper(w) == w && strings.ToLower(w) != w
		if allCaps && letters > 5 && !acronyms[strings.ToLower(w)] {
			return true
		}
		if allCaps && letters >= 4 && !acronyms[strings.ToLower(w)] {
			run++
			if run >= 2 {
				return true
			}
		} else {
			run = 0
		}
	}
	return false
}

// capitalisedRun is a title's words, with those not capitalised
// replaced by a dot, so that a run of them is a written name.
func capitalisedRun(title string) []string {
	var out []string
	for _, w := range strings.FieldsFunc(title, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '-' }) {
		if r := []rune(w); unicode.IsUpper(r[0]) {
			out = append(out, w)
		} else {
			out = append(out, ".")
		}
	}
	return out
}

// subject is what a name says happened, without its places: the words
// before the region that are neither a place of the gazetteer nor a name
// written capitalised in the issue's texts, joiners left out.
func subject(name string, is *Issue, places map[string]string) []string {
	head, _, _ := strings.Cut(name, ",")
	words := nameWords(head)
	drop := make([]bool, len(words))
	for i := range words {
		for n := min(5, len(words)-i); n >= 1; n-- {
			if _, ok := places[strings.Join(words[i:i+n], " ")]; ok {
				for j := i; j < i+n; j++ {
					drop[j] = true
				}
				break
			}
		}
	}
	var out []string
	for i, w := range words {
		if !drop[i] && !joiners[w] && is.Names[stem(w)] == 0 && !placeWords[w] {
			out = append(out, w)
		}
	}
	return out
}

// TestIssueNameQuality names the issues of the Kaltim example items and counts
// the names that read badly: a stopword or filler word first, a place of
// the gazetteer cut in two ("Rumah Long" for Long Bagun), a headline's
// capitals kept ("BERAS MURAH"), a place of another kabupaten/kota than
// the one most of the issue's articles are about, and the vague ones: a
// subject of one word ("Pohon Muara Jawa"), or nothing but one word and
// the region ("Harga, Kutai Timur"). It prints the figures and examples;
// the ceilings it asserts are generous.
func TestIssueNameQuality(t *testing.T) {
	feed, tags, _ := evalFeed(t)
	ix := newIndex(DefaultParams)
	issues := map[string]*Issue{}
	var order []string
	titles := map[string][]string{} // as written
	regions := map[string]map[string]int{}
	labels := map[string]map[string]int{}
	for k := range feed {
		d := newDoc(&feed[k].Article, tags[k].Regions, tags[k].OPDs)
		d.label = feed[k].Gold.Label
		is, _ := ix.assign(d, func() string { return fmt.Sprint("isu-", k) })
		if issues[is.ID] == nil {
			issues[is.ID] = is
			order = append(order, is.ID)
			regions[is.ID], labels[is.ID] = map[string]int{}, map[string]int{}
		}
		titles[is.ID] = append(titles[is.ID], feed[k].Title)
		for _, r := range tags[k].Regions {
			if strings.HasPrefix(r, "Kota ") || strings.HasPrefix(r, "Kabupaten ") {
				regions[is.ID][r]++
			}
		}
		labels[is.ID][feed[k].Gold.Label]++
		ix.prune()
	}
	stop := indonesian.Stopwords()
	places := tagger.Places()
	short := map[string]string{} // "kutai kartanegara" → its full name
	for _, r := range places {
		short[strings.ToLower(regionShort(r))] = r
	}
	top := func(m map[string]int) string {
		best, n := "", 0
		for k, v := range m {
			if v > n || v == n && k < best {
				best, n = k, v
			}
		}
		return best
	}
	var n, lead, fillerFirst, split, caps, elsewhere, oneWord, bare, long, words int
	var examples []string
	for _, id := range order {
		is := issues[id]
		if is.Count < 2 {
			continue
		}
		n++
		w := nameWords(is.Name)
		if len(w) > 0 && stop[w[0]] {
			lead++
		}
		if len(w) > 0 && filler(w[0]) {
			fillerFirst++
		}
		joined := " " + strings.Join(w, " ") + " "
		head, _, _ := strings.Cut(is.Name, ",") // without the region after the comma
		headJoined := " " + strings.Join(nameWords(head), " ") + " "
		cut := false
		for p := range places {
			pw := strings.Fields(p)
			if strings.Contains(headJoined, " "+p+" ") || !strings.Contains(headJoined, " "+pw[0]+" ") {
				continue
			}
			whole := false // another place of the gazetteer starts there ("Long Apari")
			for q := range places {
				whole = whole || strings.HasPrefix(q, pw[0]+" ") && strings.Contains(headJoined, " "+q+" ")
			}
			for _, title := range titles[id] {
				// A title writes the word without the rest of the place
				// ("Truk Batu Bara" beside "Batu Kajang"): a word of its
				// own, not a place cut in two.
				tw := nameWords(title)
				for i, x := range tw {
					whole = whole || x == pw[0] && (i+1 == len(tw) || tw[i+1] != pw[1])
				}
			}
			for _, title := range titles[id] {
				// The title writes the place as a name, capitalised.
				if !whole && strings.Contains(strings.ToLower(" "+strings.Join(capitalisedRun(title), " ")+" "), " "+p+" ") {
					cut = true
				}
			}
		}
		if cut {
			split++
			t.Logf("   place cut: %s", is.Name)
		}
		if shouting(is.Name) {
			caps++
		}
		region, other := top(regions[id]), false
		for s, full := range short {
			if !strings.Contains(joined, " "+s+" ") || full == region || region == "" {
				continue
			}
			longer := false // "paser" in "penajam paser utara"
			for s2 := range short {
				longer = longer || len(s2) > len(s) && strings.Contains(s2, s) && strings.Contains(joined, " "+s2+" ")
			}
			other = other || !longer
		}
		for p, r := range places {
			if strings.Contains(joined, " "+p+" ") && r != region && region != "" {
				other = true
			}
		}
		if other {
			elsewhere++
			t.Logf("   another region: %s (most articles: %s)", is.Name, regionShort(region))
		}
		subj := subject(is.Name, is, places)
		if len(subj) <= 1 {
			oneWord++
			head, _, _ := strings.Cut(is.Name, ",")
			if len(nameWords(head)) <= 1 {
				bare++
			}
		}
		if head, _, _ := strings.Cut(is.Name, ","); len(nameWords(head)) > 6 {
			long++
		}
		words += len(w)
		examples = append(examples, fmt.Sprintf("%s (%d, %s, %s)", is.Name, is.Count, regionShort(region), top(labels[id])))
	}
	share := func(k int) float64 { return float64(k) / float64(n) }
	t.Logf("%d issues of 2+ items: stopword first %.3f, stopword/filler first %.3f, gazetteer place split %.3f, all caps %.3f, place of another region %.3f",
		n, share(lead), share(fillerFirst), share(split), share(caps), share(elsewhere))
	t.Logf("vague: subject of one word %.3f, one word and the region only %.3f; long: over six words before the region %.3f; %.1f words a name",
		share(oneWord), share(bare), share(long), float64(words)/float64(n))
	sort.SliceStable(examples, func(i, j int) bool { return i < j })
	for i, e := range examples {
		if i%max(1, len(examples)/20) == 0 {
			t.Log("  ", e)
		}
	}
	if share(fillerFirst) > 0.02 || share(split) > 0.04 || share(caps) > 0.01 || share(elsewhere) > 0.03 {
		t.Errorf("names read badly: filler first %.3f, split place %.3f, all caps %.3f, other region %.3f",
			share(fillerFirst), share(split), share(caps), share(elsewhere))
	}
	if share(bare) > 0.2 || share(long) > 0.02 {
		t.Errorf("names say too little or too much: one word and the region %.3f, over six words %.3f", share(bare), share(long))
	}
}

// story is one article for nameOf: its title, text, label, and whether
// it is a social post.
type story struct {
	title, text, label string
	social             bool
}

// nameOf names an issue of the given articles about region, without
// clustering them: the rules of the name alone.
func nameOf(region string, stories ...story) string {
	ix := newIndex(DefaultParams)
	is := &Issue{Regions: map[string]int{}, Names: map[string]int{}, Labels: map[string]int{}}
	for _, s := range stories {
		if region != "" {
			is.Regions[region]++
		}
		for w := range namesOf(s.title, s.text) {
			is.Names[w]++
		}
		is.Labels[s.label]++
		is.addTitle(s.title, s.label, s.social)
	}
	return is.name(ix.idf)
}

// A name says what happened, not just to what: a phrase the titles share
// ("Air PDAM Tercemar", "Pemadaman Bergilir") over the one word most of
// them have ("Air", "PLN").
func TestNameSaysWhatHappened(t *testing.T) {
	f := func(want, region string, stories ...story) {
		t.Helper()
		if got := nameOf(region, stories...); got != want {
			t.Errorf("name %q, want %q", got, want)
		}
	}
	f("Air PDAM Tercemar, Balikpapan", "Kota Balikpapan",
		story{"Info dr grup sebelah: air PDAM lg tercemar bakteri", "Info dr grup sebelah: air PDAM lg tercemar bakteri, jangan diminum dulu", "berpotensi negatif", true},
		story{"Pesan Air PDAM Tercemar Beredar, Sebagian Warga Balikpapan Borong Air Galon", "BALIKPAPAN – Pesan berantai yang menyebut air Perumda Tirta Manuntung Balikpapan tercemar bakteri E. coli menyebar di grup WhatsApp sejak Senin pagi.", "berpotensi negatif", false},
		story{"Uji Laboratorium Pastikan Air Tirta Manuntung Layak, Pesan Tercemar E. coli Hoaks", "BALIKPAPAN – Hasil uji laboratorium Dinas Kesehatan memastikan air Perumda Tirta Manuntung layak dikonsumsi.", "netral", false},
		story{"[KLARIFIKASI] Pesan Air PDAM Balikpapan Tercemar Bakteri E. coli Tidak Benar", "BALIKPAPAN – Pemerintah Kota Balikpapan menegaskan pesan berantai tentang air Perumda Tirta Manuntung yang tercemar bakteri E. coli adalah hoaks.", "netral", false})
	f("Pemadaman Bergilir, Samarinda", "Kota Samarinda",
		story{"Gangguan Pembangkit, PLN Berlakukan Pemadaman Bergilir di Sistem Mahakam", "SAMARINDA – PLN memberlakukan pemadaman bergilir di sejumlah wilayah yang dilayani sistem kelistrikan Mahakam.", "berpotensi negatif", false},
		story{"Pemprov Kaltim Minta PLN Percepat Pemulihan Pembangkit dan Umumkan Jadwal Padam Secara Terbuka", "SAMARINDA – Pemerintah Provinsi Kalimantan Timur meminta PLN mempercepat pemulihan pembangkit.", "berpotensi negatif", false},
		story{"Pembangkit Kembali Beroperasi, PLN Hentikan Pemadaman Bergilir di Kaltim", "SAMARINDA – PLN menghentikan pemadaman bergilir di wilayah sistem kelistrikan Mahakam mulai Jumat.", "positif", false},
		story{"PLN Proyeksikan Beban Puncak Sistem Mahakam Capai 1.100 MW pada 2026", "SAMARINDA – PLN memproyeksikan beban puncak sistem kelistrikan Mahakam akan mencapai sekitar 1.100 megawatt.", "netral", false})
	// Titles that share one word only: the word one of them writes after
	// it says more than the word alone.
	f("Hujan Deras, Samarinda", "Kota Samarinda",
		story{"Hujan Deras Sejak Subuh, Simpang Sempaja dan Jalan DI Panjaitan Terendam", "SAMARINDA – Hujan deras yang mengguyur Samarinda sejak subuh membuat sejumlah ruas di utara kota tergenang.", "berpotensi negatif", false},
		story{"Hujan Dua Jam, Sejumlah Ruas di Balikpapan Utara Tergenang", "BALIKPAPAN – Hujan deras selama dua jam membuat sejumlah ruas jalan di Balikpapan Utara tergenang.", "berpotensi negatif", false})
	// No topic the titles share, but the name of a thing they do.
	f("Stadion Aji Imbut, Kutai Kartanegara", "Kabupaten Kutai Kartanegara",
		story{"Stadion Aji Imbut Terbengkalai, Rumput Liar Tumbuh dan Atap Tribun Rontok", "TENGGARONG – Stadion Aji Imbut di Tenggarong Seberang kini tampak terbengkalai. Rumput liar tumbuh di sekitar lintasan.", "negatif", false},
		story{"Dispora Kukar Siapkan Skema Pemeliharaan Stadion Aji Imbut Bersama Pihak Ketiga", "TENGGARONG – Dinas Pemuda dan Olahraga Kutai Kartanegara menyusun skema pemeliharaan Stadion Aji Imbut.", "negatif", false})
	// The place the titles name more than once, though a place named
	// once ("Segah Hijau Perkasa", "Long Ayan") weighs more.
	f("Kebun Karet Segah, Berau", "Kabupaten Berau",
		story{"Kebun Karet Warga Long Ayan Diduga Diserobot Perusahaan Sawit", "TANJUNG REDEB – Warga Long Ayan di Kecamatan Segah melaporkan kebun karet mereka diserobot perusahaan sawit.", "negatif", false},
		story{"DPRD Berau Panggil PT Segah Hijau Perkasa, Minta Peta HGU Dibuka", "TANJUNG REDEB – DPRD Berau memanggil PT Segah Hijau Perkasa terkait sengketa lahan di Segah.", "berpotensi negatif", false},
		story{"kebun karet bapak saya 3 hektar rata dibuldoser", "kebun karet bapak saya 3 hektar rata dibuldoser, ganti rugi tdk ada", "negatif", true},
		story{"Pemkab Berau Bentuk Tim Terpadu Penyelesaian Sengketa Lahan di Segah", "TANJUNG REDEB – Pemkab Berau membentuk tim terpadu penyelesaian sengketa lahan di Segah.", "berpotensi negatif", false})
	// One article: a phrase of its title, not its rarest word.
	f("Layanan Imigrasi Pulih Normal", "",
		story{"Layanan Imigrasi Pulih Normal, Sistem Cadangan Kini Aktif", "JAKARTA – Layanan paspor di kantor imigrasi kembali normal setelah sistem cadangan diaktifkan.", "netral", false})
	f("Pengusaha Khawatir Ongkos Angkut, Kutai Timur", "Kabupaten Kutai Timur",
		story{"Pengusaha Khawatir Ongkos Angkut Naik Usai Jalan Putus", "SANGATTA – Pengusaha di Kutai Timur khawatir ongkos angkut naik.", "berpotensi negatif", false})
	// A noun the stopword lists hold may end a name, never start one.
	f("Dapur Umum, Kutai Timur", "Kabupaten Kutai Timur",
		story{"Dapur umum Dinsos di posko masjid dekat kami masak", "Dapur umum Dinsos di posko masjid dekat kami masak dari subuh", "positif", true},
		story{"BPBD Kutim mendirikan 3 posko pengungsian dan dapur umum", "BPBD Kutim mendirikan 3 posko pengungsian dan dapur umum di Sangatta Utara", "positif", true},
		story{"Pemkab Kutim Dirikan Dapur Umum dan Salurkan Sembako untuk Warga Terdampak Banjir", "SANGATTA – Pemkab Kutim mendirikan dapur umum bagi warga terdampak banjir.", "positif", false})
}

// The words a name is cut from: one clause of a title, never crossing
// its commas; no run led by what a number counts; no active verb
// ending or inside a name.
func TestNamePhrases(t *testing.T) {
	has := func(title, form string) bool {
		for _, f := range titlePhrases(title) {
			if f == form {
				return true
			}
		}
		return false
	}
	for _, c := range []struct {
		title, form string
		want        bool
	}{
		{"Stadion Aji Imbut Terbengkalai, Rumput Liar Tumbuh dan Atap Tribun Rontok", "Rumput Liar", true},
		{"Stadion Aji Imbut Terbengkalai, Rumput Liar Tumbuh dan Atap Tribun Rontok", "Terbengkalai Rumput", false},
		{"BMKG: Curah Hujan di Hulu Mahakam Diprakirakan Menurun Pekan Depan", "BMKG Curah", false},
		{"Polres Kutim Sita 2 Kilogram Sabu dari Kurir di Sangatta", "Kilogram Sabu", false},
		{"Polres Kutim Sita 2 Kilogram Sabu dari Kurir di Sangatta", "Sabu", true},
		{"Pemkab Kutim Dirikan Dapur Umum dan Salurkan Sembako", "Dapur Umum", true},
		{"Pemkab Kutim Dirikan Dapur Umum dan Salurkan Sembako", "Umum", false},
		{"Hujan turun semalam & tim gabungan berhasil padamkan semua", "turun semalam", false},
		{"Hujan turun semalam & tim gabungan berhasil padamkan semua", "tim gabungan", true},
	} {
		if got := has(c.title, c.form); got != c.want {
			t.Errorf("%q has %q: %v, want %v", c.title, c.form, got, c.want)
		}
	}
	bmkg := nameOf("Kota Samarinda",
		story{"BMKG Prakirakan Puncak Musim Hujan di Kaltim Terjadi Desember hingga Januari", "SAMARINDA – BMKG memprakirakan puncak musim hujan.", "netral", false},
		story{"BMKG Prakirakan Hujan Lebat Masih Berpeluang Turun di Samarinda Hingga Akhir Pekan", "SAMARINDA – BMKG memprakirakan hujan lebat.", "netral", false},
		story{"BMKG: Curah Hujan di Hulu Mahakam Diprakirakan Menurun Pekan Depan", "SAMARINDA – Curah hujan di hulu Mahakam menurun.", "netral", false})
	if strings.Contains(bmkg, "Prakirakan") {
		t.Errorf("name %q: an active verb wanting its object", bmkg)
	}
}

// No label dominates an issue whose two labels are as frequent, so the
// name is not taken from one of them alone.
func TestDominantLabelTie(t *testing.T) {
	if got := (&Issue{Labels: map[string]int{"negatif": 2, "netral": 2, "positif": 1}}).dominantLabel(); got != "" {
		t.Errorf("tie: %q", got)
	}
	if got := (&Issue{Labels: map[string]int{"negatif": 3, "netral": 2}}).dominantLabel(); got != "negatif" {
		t.Errorf("majority: %q", got)
	}
}
