package issuemap

import "testing"

func TestStem(t *testing.T) {
	for w, want := range map[string]string{
		"terendam": "rendam", "merendam": "rendam", "rendam": "rendam",
		"pengerukan": "keru", "dikeruk": "keru", "keruk": "keru", "kerusakan": "rusa", "rusak": "rusa",
		"mengeluhkan": "keluh", "keluhkan": "keluh", "keluhan": "keluh", "dikeluhkan": "keluh",
		"kebakaran": "bakar", "terbakar": "bakar", "membakar": "bakar",
		"penanganan": "tangan", "menangani": "tangan", "ditangani": "tangan",
		"menyalurkan": "salur", "penyaluran": "salur", "disalurkan": "salur",
		"pengangkutan": "angkut", "mengangkut": "angkut", "diangkut": "angkut",
		"perbaikan": "baik", "diperbaiki": "baik", "memperbaiki": "baik",
		"banjir": "banjir", "sampah": "sampah", "drainase": "drainase", "samarinda": "samarinda",
		"meluap": "luap", "luapan": "luap",
	} {
		if got := stem(w); got != want {
			t.Errorf("stem(%q) = %q, want %q", w, got, want)
		}
	}
}
