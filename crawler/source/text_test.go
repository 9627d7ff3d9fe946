package source

import (
	"testing"
	"unicode/utf8"
)

func TestTitleOf(t *testing.T) {
	f := func(text, want string) {
		t.Helper()
		if got := TitleOf(text); got != want {
			t.Errorf("TitleOf(%q) = %q, want %q", text, got, want)
		}
	}
	// As the labelled examples title social items.
	f("Sempaja dalam banget nah, yg pakai matic jangan maksa lewat 🙏 dari depan Alaya sampai lampu merah airnya sepaha.",
		"Sempaja dalam banget nah")
	f("Sampah di TPS Jl. Pemuda sudah 4 hari kada diangkut, baunya sampai masuk rumah.", "Sampah di TPS Jl. Pemuda sudah 4 hari kada diangkut")
	f("Mantap pak gub 👍", "Mantap pak gub 👍")
	f("Baris pertama saja\nbaris kedua", "Baris pertama saja")
	long := "Jalan poros Samarinda Bontang rusak parah di banyak titik dan warga menunggu perbaikan yang dijanjikan sejak tahun lalu oleh dinas"
	got := TitleOf(long)
	if utf8.RuneCountInString(got) > 80 || got[len(got)-3:] != "…" {
		t.Errorf("long title %q", got)
	}
}
