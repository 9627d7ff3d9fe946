// Package labels holds the project's own labelled items — the Kaltim
// example stories (kaltim_synth) and the relabelled national news (news4) —
// embedded in the binary, and reads them. It is data and a reader only: it
// must not train, classify or do I/O beyond its embedded files.
package labels

import (
	"bufio"
	"bytes"
	"compress/gzip"
	_ "embed"
	"encoding/json"
	"fmt"
	"io"
)

//go:embed kaltim_synth.jsonl.gz
var kaltimGz []byte

//go:embed news4_train.jsonl.gz
var news4Gz []byte

// Item is one labelled item. Story, Day, Outlet, Kind, Region, OPD and
// Topic are set for the Kaltim items; Source for news4.
type Item struct {
	ID     string   `json:"id"`
	Story  string   `json:"story,omitempty"`
	Day    int      `json:"day,omitempty"` // 1–14 within the story's fortnight
	Outlet string   `json:"outlet,omitempty"`
	Kind   string   `json:"kind,omitempty"` // news.KindBerita, KindRilis or KindSosmed
	Title  string   `json:"title"`
	Text   string   `json:"text"`
	Label  string   `json:"label"`
	Region string   `json:"region,omitempty"` // "" for national and foreign stories
	OPD    []string `json:"opd,omitempty"`
	Topic  string   `json:"topic,omitempty"`
	Source string   `json:"source,omitempty"` // news4: the outlet or dataset
}

// Kaltim returns the 1,355 Kaltim example items in file order.
func Kaltim() ([]Item, error) { return read("kaltim_synth.jsonl", kaltimGz) }

// News4 returns the 2,501 labelled national news items in file order.
func News4() ([]Item, error) { return read("news4_train.jsonl", news4Gz) }

// ReadJSONL reads labelled items from JSON lines (the same fields).
func ReadJSONL(r io.Reader, name string) ([]Item, error) {
	var out []Item
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 1<<20), 16<<20)
	for n := 1; sc.Scan(); n++ {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		var it Item
		if err := json.Unmarshal(line, &it); err != nil {
			return nil, fmt.Errorf("%s line %d: %w", name, n, err)
		}
		out = append(out, it)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading %s: %w", name, err)
	}
	return out, nil
}

func read(name string, gz []byte) ([]Item, error) {
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return nil, fmt.Errorf("opening %s: %w", name, err)
	}
	defer zr.Close()
	return ReadJSONL(zr, name)
}
