package tagger

import (
	"bytes"
	"encoding/csv"
	"strings"
	"sync"
)

// Places returns Kaltim's kecamatan, desa and kelurahan names with more
// than one word ("long bagun", "muara badak", "tanjung redeb"), lower
// case, each with the kabupaten/kota it lies in. Issue names keep such a
// place whole. Safe for concurrent use; the map must not be changed.
var Places = sync.OnceValue(func() map[string]string {
	kab := map[string]string{} // Kemendagri code → kabupaten/kota
	if rows, err := csv.NewReader(bytes.NewReader(regenciesCSV)).ReadAll(); err == nil {
		for _, r := range rows[1:] {
			if r[1] == kaltimCode {
				kab[r[0]] = strings.TrimSpace(r[2])
			}
		}
	}
	out := map[string]string{}
	add := func(name, code string) {
		if region, ok := kab[code]; ok {
			if w := words(name); len(w) > 1 {
				out[strings.Join(w, " ")] = region
			}
		}
	}
	if rows, err := csv.NewReader(bytes.NewReader(kecamatanCSV)).ReadAll(); err == nil {
		for _, r := range rows[1:] {
			add(r[3], r[1])
		}
	}
	if rows, err := csv.NewReader(bytes.NewReader(desaCSV)).ReadAll(); err == nil {
		for _, r := range rows[1:] {
			add(r[3], r[2])
		}
	}
	return out
})
