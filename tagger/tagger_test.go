package tagger

import (
	"slices"
	"strings"
	"testing"
)

func TestTag(t *testing.T) {
	tg, err := New()
	if err != nil {
		t.Fatal(err)
	}
	f := func(title, text string, regions, opds []string) Tags {
		t.Helper()
		got := tg.Tag(title, text)
		for _, r := range regions {
			if !slices.Contains(got.Regions, r) {
				t.Errorf("%q: regions %v lack %q", title, got.Regions, r)
			}
		}
		for _, o := range opds {
			if !slices.Contains(got.OPDs, o) {
				t.Errorf("%q: OPDs %v lack %q", title, got.OPDs, o)
			}
		}
		return got
	}
	f("Jalan berlubang di Sangatta dikeluhkan warga", "Warga Kecamatan Sangatta Utara mengeluhkan jalan berlubang. Dinas PUPR berjanji memperbaiki.",
		[]string{"Kabupaten Kutai Timur"}, []string{"Dinas PUPR Kabupaten Kutai Timur"})
	f("Banjir rendam Samarinda", "Banjir merendam Kelurahan Sempaja Selatan. BPBD mengevakuasi warga.",
		[]string{"Kota Samarinda"}, []string{"BPBD Kota Samarinda"})
	// The office's government follows the item's regions: the province's
	// for the province, for no region, or for several kabupaten/kota.
	f("Pemprov Kaltim salurkan bansos", "Dinas Sosial menyalurkan bantuan sosial bagi warga miskin di Kaltim.",
		[]string{Province}, []string{"Dinas Sosial Provinsi Kaltim"})
	f("Banjir di Samarinda dan Bontang", "Banjir melanda Samarinda dan Bontang; BPBD bersiaga.",
		[]string{"Kota Samarinda", "Kota Bontang"}, []string{"BPBD Provinsi Kaltim"})
	// Provincial authorities and central agencies.
	f("Pembalakan liar dan tambang ilegal di Berau", "Perambahan hutan lindung di Berau; izin tambang batu bara diperiksa.",
		[]string{"Kabupaten Berau"}, []string{"Dinas Kehutanan Provinsi Kaltim", "Dinas ESDM Provinsi Kaltim"})
	// A central agency only when the item names it.
	f("Jalan nasional di Paser rusak", "Jalan nasional poros Paser rusak berat; BBPJN berjanji memperbaikinya.",
		[]string{"Kabupaten Paser"}, []string{"Balai Besar Pelaksanaan Jalan Nasional Kalimantan Timur"})
	// The IKN is Penajam Paser Utara's matter.
	got := f("Progres pembangunan IKN", "Otorita IKN menyebut pembangunan di Penajam Paser Utara berjalan.",
		[]string{"Kabupaten Penajam Paser Utara"}, []string{"Otorita IKN"})
	if slices.Contains(got.Regions, Province) {
		t.Errorf("province kept beside specific regions: %v", got.Regions)
	}
	// Cues that are too broad name no office: "IKN" is a place, not
	// its authority; a queue at a petrol station is not transport's; a
	// hospital asking for an ID card is not the civil registry's.
	for _, c := range []struct{ title, text, not string }{
		{"Kopi lokal Sepaku jadi buruan pengunjung IKN", "Kedai kopi di Sepaku ramai dikunjungi pekerja dan wisatawan IKN.", "Otorita IKN"},
		{"Antrean Pertalite mengular di SPBU Samarinda", "Antrean kendaraan di SPBU Jalan Juanda, Samarinda, meluber ke badan jalan.", "Dinas Perhubungan Kota Samarinda"},
		// A ministry is not the regional office; the office that signs a
		// press release off is not the office of its matter.
		{"Menteri PU tinjau kawasan legislatif", "Menteri PU meninjau kawasan legislatif di Sepaku, Penajam Paser Utara.", "Dinas PUPR Kabupaten Penajam Paser Utara"},
		{"Pemkab Kutim buka posko pengaduan PHK", "SANGATTA – Pemkab Kutai Timur membuka posko pengaduan PHK bagi pekerja tambang. (diskominfo kutim)", "Dinas Kominfo Kabupaten Kutai Timur"},
		{"RSUD AWS tambah loket pendaftaran", "Pasien RSUD Abdul Wahab Sjahranie di Samarinda cukup membawa KTP dan kartu BPJS.", "Disdukcapil Kota Samarinda"},
	} {
		if got := tg.Tag(c.title, c.text).OPDs; slices.Contains(got, c.not) {
			t.Errorf("%q: OPDs %v name %q", c.title, got, c.not)
		}
	}
	// In an article of more than shortText characters an office needs
	// minCues cues; a post names its office with one.
	article := "SAMARINDA – Pemerintah Kota Samarinda meresmikan gedung serbaguna baru di Jalan Pahlawan, Senin. " +
		"Gedung itu dapat dipakai warga untuk pertemuan, pernikahan dan kegiatan kelurahan, kata Wali Kota. " +
		"Pengelolaannya diserahkan kepada kecamatan, dan warga cukup mengajukan surat permohonan. Di halaman gedung ada taman."
	defer func(m int) { minCues = m }(minCues)
	minCues = 2
	if got := tg.Tag("Gedung serbaguna diresmikan", article).OPDs; len(got) != 0 {
		t.Errorf("minCues 2: an article's passing cue named %v", got)
	}
	f("Taman depan gedung serbaguna", "Taman depan gedung serbaguna Samarinda gelap, lampunya mati semua", []string{"Kota Samarinda"}, []string{"Satpol PP Kota Samarinda"})
	minCues = 1
	// The province has no water utility: a provincial item names the
	// utility without a government, a kabupaten/kota's its own.
	f("Air PDAM mati tiga hari", "Pelanggan PDAM di Kaltim mengeluhkan air mati.", []string{Province}, []string{"Perumda Air Minum (PDAM)"})
	f("Air PDAM mati di Bontang", "Pelanggan PDAM di Bontang mengeluhkan air mati.", []string{"Kota Bontang"}, []string{"Perumda Air Minum (PDAM) Kota Bontang"})
	// A kecamatan name that is also an ordinary word needs "kecamatan".
	if got := tg.Tag("", "Harga sembako naik di pasar."); len(got.Regions) != 0 {
		t.Errorf("regions from ordinary words: %v", got.Regions)
	}
	ents := tg.Tag("", "Hal itu disampaikan Gubernur Kalimantan Timur Rudy Mas'ud di Samarinda. Menurut Wali Kota Andi Harun, program berjalan.").Entities
	if len(ents) == 0 {
		t.Errorf("no entities")
	}
}

// Stories about other provinces or countries get no Kaltim region or
// office, even from a Kaltim outlet; an item naming no place at all is the
// outlet's region's.
func TestTagElsewhere(t *testing.T) {
	tg, err := New()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		title, text, home string
		regions, opds     []string
		elsewhere         string
	}{
		{"Panglima TNI ditolak masuk Amerika", "Panglima TNI batal terbang dari bandara setelah ditolak masuk Amerika Serikat.", "Kalimantan Timur",
			nil, nil, "Amerika Serikat"},
		{"Banjir rendam ratusan rumah di Bandung", "BPBD Kota Bandung mengevakuasi warga; banjir juga melanda Kabupaten Bandung.", "Kalimantan Timur",
			nil, nil, "Kota Bandung"},
		{"Jalan rusak dikeluhkan warga", "Warga mengeluhkan jalan berlubang; Dinas PUPR berjanji memperbaiki.", "Kota Samarinda",
			[]string{"Kota Samarinda"}, []string{"Dinas PUPR Kota Samarinda"}, ""},
		// One passing mention elsewhere does not move a local story.
		{"Jalan rusak dikeluhkan warga", "Warga mengeluhkan jalan berlubang; Dinas PUPR sedang rapat di Jakarta.", "Kota Bontang",
			[]string{"Kota Bontang"}, []string{"Dinas PUPR Kota Bontang"}, ""},
		// A Kaltim place wins over places elsewhere; the province named
		// most (its title counts double) leads.
		{"Gubernur Kaltim bertemu menteri di Jakarta", "Pertemuan di Jakarta membahas jalan rusak di Berau dan Jakarta.", "",
			[]string{Province, "Kabupaten Berau"}, []string{"Dinas PUPR Provinsi Kaltim"}, ""},
		{"Jalan poros Berau rusak", "Pertemuan di Jakarta membahas jalan rusak di Berau dan Jakarta.", "",
			[]string{"Kabupaten Berau"}, []string{"Dinas PUPR Kabupaten Berau"}, ""},
		// The issue's own examples: Jakarta's police, a Javanese regency.
		{"Datangi Polda Metro Jaya, aktivis laporkan pencemaran sungai", "Sejumlah aktivis lingkungan mendatangi Polda Metro Jaya untuk melaporkan dugaan pencemaran limbah.", "Kalimantan Timur",
			nil, nil, "DKI Jakarta"},
		{"Wonogiri jadi model pertanian terpadu", "Petani di Wonogiri memanen padi dua kali setahun berkat irigasi tetes; dinas pertanian mendampingi.", "Kalimantan Timur",
			nil, nil, "Kabupaten Wonogiri"},
		// No dateline, elsewhere in the title and named more than twice
		// as often as Kaltim: a passing mention.
		{"Banjir rendam ratusan rumah di Makassar", "Banjir merendam Makassar sejak Senin. BPBD Makassar mengevakuasi warga; seorang korban berasal dari Balikpapan.", "Kalimantan Timur",
			nil, nil, "Kota Makassar"},
		// Filed from elsewhere, Kaltim named in passing: national.
		{"Kemenhub gelar ramp check bus", "JAKARTA – Kementerian Perhubungan memeriksa bus di 120 terminal, termasuk di Samarinda.", "Kalimantan Timur",
			nil, nil, "DKI Jakarta"},
		// A dateline is a place even when the kecamatan's name is an
		// ordinary word; the outlet in its brackets is none.
		{"Admin arisan online ditangkap", "MELAK – Polisi menangkap admin arisan online yang merugikan warga.", "",
			[]string{"Kabupaten Kutai Barat"}, nil, ""},
		{"Antrean truk terurai", "Balikpapan (Lensa Kaltim) – Antrean truk di SPBU Km 13 terurai.", "",
			[]string{"Kota Balikpapan"}, nil, ""},
		// "se-Kaltim" is Kaltim, and the province as a whole outweighs
		// the capital its offices report from.
		{"Gerakan pangan murah serentak", "SAMARINDA – Gerakan pangan murah digelar serentak se-Kaltim mulai pekan ini.", "",
			[]string{Province, "Kota Samarinda"}, nil, ""},
		{"Bantuan untuk nelayan", "SAMARINDA – Pemprov Kaltim menyalurkan bantuan mesin perahu.", "",
			[]string{Province, "Kota Samarinda"}, nil, ""},
		// A resident's post names places in passing: its outlet's
		// kabupaten/kota counts as named; a hashtag names a place.
		{"Puji Tuhan, di kampung kami sdh bisa video call", "Puji Tuhan, di kampung kami sdh bisa video call lawan anak yg kuliah di Samarinda", "Kabupaten Mahakam Ulu",
			[]string{"Kabupaten Mahakam Ulu", "Kota Samarinda"}, nil, ""},
		{"Ada nang tahu festival tahun depan", "Ada nang tahu festival tahun depan bulan apa kah? Handak ajak keluarga dr Samarinda", "Kota Bontang",
			[]string{"Kota Bontang", "Kota Samarinda"}, nil, ""},
		{"Sempaja dalam banget nah", "Sempaja dalam banget nah, jangan maksa lewat. #banjirsamarinda", "Kalimantan Timur",
			[]string{"Kota Samarinda"}, nil, ""},
		// The dateline counts only where nothing else names a place.
		{"Harga daging ayam naik", "BONTANG – Harga daging ayam di pasar terus naik menjelang Ramadan.", "Kalimantan Timur",
			[]string{"Kota Bontang"}, nil, ""},
		{"Pemprov Kaltim bahas APBD", "SAMARINDA – Pemerintah Provinsi Kalimantan Timur dan DPRD Kaltim membahas APBD.", "Kalimantan Timur",
			[]string{Province, "Kota Samarinda"}, []string{"BPKAD Provinsi Kaltim"}, ""},
		// A story that names no place is the outlet's region's only when
		// it reads local (regional government, the province's dialect, a
		// resident's post), never national news a Kaltim outlet carries.
		{"IHSG ditutup menguat, rupiah stabil", "Indeks harga saham gabungan naik 1,2 persen didorong saham perbankan.", "Kalimantan Timur",
			nil, nil, ""},
		{"Menteri tinjau dapur makan bergizi gratis", "Kementerian menargetkan 30 ribu dapur beroperasi akhir tahun.", "Kota Samarinda",
			nil, nil, ""},
		{"Lampu jalan di depan gang kami mati", "Lampu jalan di depan gang kami mati sudah seminggu, gelap banget kalau malam.", "Kota Bontang",
			[]string{"Kota Bontang"}, nil, ""},
		{"Gubernur DKI Jakarta resmikan taman", "Gubernur DKI Jakarta meresmikan taman kota; dinas pertamanan merawatnya.", "Kalimantan Timur",
			nil, nil, "DKI Jakarta"},
		// "Batu" and "Malang" are words before they are cities; a
		// kecamatan with its own name needs no "kecamatan".
		{"Nasib malang penambang batu", "Penambang batu di Loa Janan tertimpa longsor.", "Kalimantan Timur",
			[]string{"Kabupaten Kutai Kartanegara"}, nil, ""},
		{"Truk batu bara rusak jalan", "Angkutan batu bara merusak jalan desa.", "Kabupaten Paser",
			[]string{"Kabupaten Paser"}, nil, ""},
	} {
		got := tg.TagIn(c.title, c.text, c.home)
		if !slices.Equal(got.Regions, c.regions) {
			t.Errorf("%q: regions %v, want %v", c.title, got.Regions, c.regions)
		}
		for _, o := range c.opds {
			if !slices.Contains(got.OPDs, o) {
				t.Errorf("%q: OPDs %v lack %q", c.title, got.OPDs, o)
			}
		}
		if c.opds == nil && c.regions == nil && len(got.OPDs) > 0 {
			t.Errorf("%q: OPDs %v for a story elsewhere", c.title, got.OPDs)
		}
		if c.elsewhere != "" && !slices.Contains(got.Elsewhere, c.elsewhere) {
			t.Errorf("%q: elsewhere %v lacks %q", c.title, got.Elsewhere, c.elsewhere)
		}
		if c.elsewhere == "" && got.Elsewhere != nil {
			t.Errorf("%q: elsewhere %v for a Kaltim story", c.title, got.Elsewhere)
		}
	}
}

func TestKeyPhrases(t *testing.T) {
	kp := KeyPhrases("Banjir rendam permukiman warga Samarinda", "Banjir merendam permukiman warga di Samarinda sejak pagi. Banjir setinggi lutut.", 5)
	if len(kp) < 3 || !slices.ContainsFunc(kp[:3], func(s string) bool { return s == "banjir" || s == "banjir rendam" }) {
		t.Errorf("key phrases %v", kp)
	}
}

func TestOwnOPDMapping(t *testing.T) {
	tg, err := NewWithOPDs([]byte(`
- opd: Dinas Perkebunan
  keywords: [sawit, kebun sawit]
  level: provinsi
- opd: Bagian Protokol
  keywords: [upacara]
`))
	if err != nil {
		t.Fatal(err)
	}
	got := tg.Tag("Kebun sawit di Kutai Timur", "Upacara panen sawit di Sangatta. Upacara dihadiri warga; upacara adat digelar di kebun sawit.").OPDs
	if !slices.Equal(got, []string{"Dinas Perkebunan Provinsi Kaltim", "Bagian Protokol Kabupaten Kutai Timur"}) {
		t.Errorf("own mapping: %v", got)
	}
	for bad, want := range map[string]string{
		"- opd: X\n":        "no keywords",
		"- keywords: [a]\n": "office name",
		"- opd: X\n  keywords: [a]\n  level: desa\n": "not daerah",
		"- opd: [tidak\n": "line 1",
		"":                "no office",
	} {
		if _, err := NewWithOPDs([]byte(bad)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: want an error with %q, got %v", bad, want, err)
		}
	}
}

// A place of two words stays one key phrase: "long bagun", never "long"
// and "bagun" apart.
func TestKeyPhrasesKeepPlacesWhole(t *testing.T) {
	kp := KeyPhrases("Rumah Long Bagun Terendam", "Rumah Long Bagun terendam banjir. Rumah warga terendam, Bagun terendam sejak pagi.", 8)
	whole := false
	for _, k := range kp {
		whole = whole || k == "long bagun"
		if k != "long bagun" && (strings.Contains(" "+k+" ", " long ") || strings.Contains(" "+k+" ", " bagun ")) {
			whole = false
			break
		}
	}
	if !whole {
		t.Errorf("key phrases %q: want \"long bagun\" whole", kp)
	}
}

// No text panics the tagger or gives it more than it names at most.
func FuzzTagIn(f *testing.F) {
	tg, err := New()
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{"SAMARINDA – Banjir di Sempaja. (diskominfo smd)", "#banjirsamarinda se-Kaltim", "Balikpapan (Lensa) –",
		"--- ( ) # - – ", "Menteri PU", "anak2 kada kawa 😭"} {
		f.Add("Judul", s, "Kota Samarinda")
	}
	f.Fuzz(func(t *testing.T, title, text, home string) {
		got := tg.TagIn(title, text, home)
		if len(got.Regions) > 4 || len(got.OPDs) > maxOffices {
			t.Errorf("%q %q: %d regions, %d offices", title, text, len(got.Regions), len(got.OPDs))
		}
	})
}
