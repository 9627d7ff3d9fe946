package web

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"flag"
	"math"
	"os"
	"strconv"
	"testing"
)

var update = flag.Bool("update", false, "rewrite generated files")

// TestOutlineMatchesGazetteer: the map's faint outline is the villages'
// centroids of the tagger's gazetteer, rounded to 0.01°.
func TestOutlineMatchesGazetteer(t *testing.T) {
	f, err := os.Open("../tagger/data/kaltim_desa_kelurahan.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	seen := map[[2]float64]bool{}
	pts := [][2]float64{}
	for _, r := range rows[1:] {
		lat, err1 := strconv.ParseFloat(r[5], 64)
		lng, err2 := strconv.ParseFloat(r[6], 64)
		if err1 != nil || err2 != nil {
			t.Fatalf("bad row %v", r)
		}
		p := [2]float64{math.Round(lng*100) / 100, math.Round(lat*100) / 100}
		if !seen[p] {
			seen[p] = true
			pts = append(pts, p)
		}
	}
	want, _ := json.Marshal(pts)
	if *update {
		if err := os.WriteFile("static/kaltim-desa.json", want, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if !bytes.Equal(outline, want) {
		t.Errorf("static/kaltim-desa.json is out of date: go test ./web -run Outline -update")
	}
}
