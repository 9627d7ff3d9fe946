package pipeline

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/diskominfo-kaltim/pantau/config"
)

// TestOfficeOPDMapping loads an office's own mapping through opd-map, and
// names the file and the fault when it is wrong.
func TestOfficeOPDMapping(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "opd.yaml")
	os.WriteFile(good, []byte("- opd: Dinas Perkebunan\n  keywords: [sawit]\n"), 0o644)
	tg, err := NewTagger(&config.Config{OPDMapFile: good})
	if err != nil {
		t.Fatal(err)
	}
	if got := tg.Tag("Harga sawit di Berau", "").OPDs; !slices.Equal(got, []string{"Dinas Perkebunan Kabupaten Berau"}) {
		t.Errorf("OPDs %v", got)
	}
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte("- opd: Dinas Perkebunan\n  level: kecamatan\n  keywords: [sawit]\n"), 0o644)
	for file, want := range map[string]string{bad: "bad.yaml: OPD mapping: entry 1 (Dinas Perkebunan): level", filepath.Join(dir, "none.yaml"): "opd-map: open"} {
		if _, err := NewTagger(&config.Config{OPDMapFile: file}); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: want %q in the error, got %v", file, want, err)
		}
	}
}
