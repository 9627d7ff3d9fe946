package store

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
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
	r := &Result{Columns: splitTSV(lines[0], nil), Types: splitTSV(lines[1], nil)}
	// Composite values (arrays, tuples, maps) are printed with their
	// strings quoted and escaped once, not escaped again for TSV.
	raw := make([]bool, len(r.Types))
	for i, t := range r.Types {
		raw[i] = composite(t)
	}
	for _, l := range lines[2:] {
		f := splitTSV(l, raw)
		if len(f) != len(r.Columns) {
			return nil, fmt.Errorf("tsv row has %d fields, want %d", len(f), len(r.Columns))
		}
		r.Rows = append(r.Rows, f)
	}
	return r, nil
}

func splitTSV(line []byte, raw []bool) []string {
	parts := bytes.Split(line, []byte("\t"))
	out := make([]string, len(parts))
	for i, p := range parts {
		switch {
		case string(p) == `\N`: // NULL
			out[i] = `\N`
		case i < len(raw) && raw[i]:
			out[i] = string(p)
		default:
			out[i] = UnescapeTSV(string(p))
		}
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

// WriteTSV prints r as ClickHouse's TSVWithNames does: a header of column
// names, then one line per row, scalar values escaped for TSV and
// composite ones (arrays, tuples, maps) as they are.
func (r *Result) WriteTSV(w io.Writer) error {
	bw := bufio.NewWriter(w)
	line := make([]string, len(r.Columns))
	for i, c := range r.Columns {
		line[i] = EscapeTSV(c)
	}
	bw.WriteString(strings.Join(line, "\t") + "\n")
	for _, row := range r.Rows {
		for i, v := range row {
			if v == `\N` || (i < len(r.Types) && composite(r.Types[i])) {
				line[i] = v
			} else {
				line[i] = EscapeTSV(v)
			}
		}
		bw.WriteString(strings.Join(line, "\t") + "\n")
	}
	return bw.Flush()
}

// composite reports whether values of ClickHouse type t print their
// strings quoted and escaped once (and are not escaped again for TSV).
func composite(t string) bool {
	t = strings.TrimPrefix(t, "Nullable(")
	return strings.HasPrefix(t, "Array(") || strings.HasPrefix(t, "Tuple(") || strings.HasPrefix(t, "Map(")
}
