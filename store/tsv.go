package store

import (
	"bytes"
	"fmt"
	"strings"
)

// ParseTSVWithNamesAndTypes parses ClickHouse's TSVWithNamesAndTypes output.
func ParseTSVWithNamesAndTypes(data []byte) (*Result, error) {
	lines := bytes.Split(bytes.TrimSuffix(data, []byte("\n")), []byte("\n"))
	if len(lines) < 2 {
		if len(data) == 0 {
			return &Result{}, nil
		}
		return nil, fmt.Errorf("tsv result has %d header lines, want 2", len(lines))
	}
	r := &Result{Columns: splitTSV(lines[0]), Types: splitTSV(lines[1])}
	for _, l := range lines[2:] {
		f := splitTSV(l)
		if len(f) != len(r.Columns) {
			return nil, fmt.Errorf("tsv row has %d fields, want %d", len(f), len(r.Columns))
		}
		r.Rows = append(r.Rows, f)
	}
	return r, nil
}

func splitTSV(line []byte) []string {
	parts := bytes.Split(line, []byte("\t"))
	out := make([]string, len(parts))
	for i, p := range parts {
		out[i] = UnescapeTSV(string(p))
	}
	return out
}

// UnescapeTSV reverses ClickHouse's TSV escaping of one field.
func UnescapeTSV(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' || i+1 == len(s) {
			b.WriteByte(c)
			continue
		}
		i++
		switch s[i] {
		case 't':
			b.WriteByte('\t')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case '0':
			b.WriteByte(0)
		case 'b':
			b.WriteByte('\b')
		case 'f':
			b.WriteByte('\f')
		default:
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

var tsvEscaper = strings.NewReplacer("\\", `\\`, "\t", `\t`, "\n", `\n`, "\r", `\r`, "\x00", `\0`)

// EscapeTSV escapes one field the way ClickHouse's TSV output does.
func EscapeTSV(s string) string { return tsvEscaper.Replace(s) }
