package alert

import (
	"fmt"
	"os"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/diskominfo-kaltim/pantau/tagger"
)

// Recipient is who hears of an office's issues: e-mail addresses and
// Telegram chats (a chat id, or @channelname).
type Recipient struct {
	OPD      string   `yaml:"opd"` // office name without its government ("BPBD"), a full name, or "*" for every issue
	Email    []string `yaml:"email"`
	Telegram []string `yaml:"telegram"`
	Line     int      `yaml:"-"`
}

// Recipients is the per-office list from the alert-recipients file.
type Recipients []Recipient

// ParseRecipients reads a recipients file: a YAML list of entries with
// opd, email and telegram; errors name the file and line.
func ParseRecipients(name string, data []byte) (Recipients, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if len(root.Content) == 0 {
		return nil, fmt.Errorf("%s: kosong: tulis daftar penerima (opd, email, telegram)", name)
	}
	doc := root.Content[0]
	if doc.Kind != yaml.SequenceNode {
		return nil, fmt.Errorf("%s baris %d: harus berupa daftar penerima (- opd: ...)", name, doc.Line)
	}
	var out Recipients
	for _, n := range doc.Content {
		var r Recipient
		if err := n.Decode(&r); err != nil {
			return nil, fmt.Errorf("%s baris %d: %w", name, n.Line, err)
		}
		r.Line = n.Line
		switch {
		case strings.TrimSpace(r.OPD) == "":
			return nil, fmt.Errorf("%s baris %d: opd kosong (nama OPD, atau \"*\" untuk semua isu)", name, n.Line)
		case len(r.Email) == 0 && len(r.Telegram) == 0:
			return nil, fmt.Errorf("%s baris %d (%s): tidak ada email atau telegram", name, n.Line, r.OPD)
		}
		for _, e := range r.Email {
			if !strings.Contains(e, "@") || strings.ContainsAny(e, " ,;") {
				return nil, fmt.Errorf("%s baris %d (%s): alamat e-mail %q tidak sah", name, n.Line, r.OPD, e)
			}
		}
		out = append(out, r)
	}
	return out, nil
}

// LoadRecipients reads a recipients file.
func LoadRecipients(path string) (Recipients, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("alert-recipients: %w", err)
	}
	return ParseRecipients(path, data)
}

// For returns who hears of an issue whose offices are opds (the main one
// first): the entries for any of its offices, by full name or by name
// without the government, and the "*" entries; each address once.
func (rs Recipients) For(opds []string) (email, telegram []string) {
	for _, r := range rs {
		match := r.OPD == "*"
		for _, o := range opds {
			match = match || strings.EqualFold(r.OPD, o) || strings.EqualFold(r.OPD, tagger.BaseName(o))
		}
		if !match {
			continue
		}
		for _, e := range r.Email {
			if !slices.Contains(email, e) {
				email = append(email, e)
			}
		}
		for _, c := range r.Telegram {
			if !slices.Contains(telegram, c) {
				telegram = append(telegram, c)
			}
		}
	}
	return email, telegram
}
