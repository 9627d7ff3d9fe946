package tagger

import (
	"slices"
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
		[]string{"Kabupaten Kutai Timur"}, []string{"Dinas PUPR"})
	f("Banjir rendam Samarinda", "Banjir merendam Kelurahan Sempaja Selatan. BPBD mengevakuasi warga.",
		[]string{"Kota Samarinda"}, []string{"BPBD"})
	got := f("Progres pembangunan IKN", "Otorita IKN menyebut pembangunan di Penajam Paser Utara berjalan.",
		[]string{"IKN Nusantara", "Kabupaten Penajam Paser Utara"}, []string{"Otorita IKN"})
	if slices.Contains(got.Regions, Province) {
		t.Errorf("province kept beside specific regions: %v", got.Regions)
	}
	// A kecamatan name that is also an ordinary word needs "kecamatan".
	if got := tg.Tag("", "Harga sembako naik di pasar."); len(got.Regions) != 0 {
		t.Errorf("regions from ordinary words: %v", got.Regions)
	}
	ents := tg.Tag("", "Hal itu disampaikan Gubernur Kalimantan Timur Rudy Mas'ud di Samarinda. Menurut Wali Kota Andi Harun, program berjalan.").Entities
	if len(ents) == 0 {
		t.Errorf("no entities")
	}
}

func TestKeyPhrases(t *testing.T) {
	kp := KeyPhrases("Banjir rendam permukiman warga Samarinda", "Banjir merendam permukiman warga di Samarinda sejak pagi. Banjir setinggi lutut.", 5)
	if len(kp) < 3 || !slices.ContainsFunc(kp[:3], func(s string) bool { return s == "banjir" || s == "banjir rendam" }) {
		t.Errorf("key phrases %v", kp)
	}
}
