package store

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
	"time"
)

// Result is a query's output: column names, their ClickHouse types, and
// each value in one text form — as ClickHouse prints it in TSV, unescaped
// (arrays as ['a','b'], dates as 2024-06-11, date-times as 2024-06-11
// 06:05:00 in the column's time zone, NULL as \N). Both backends produce
// exactly this form (the native one formats its typed values with
// FormatValue), so `pantau sql` prints the same on either. Code reads
// values with Scan; Rows is for printing whole results.
type Result struct {
	Columns []string
	Types   []string
	Rows    [][]string
}

// ErrNoRows is returned by One when the query returned no row.
var ErrNoRows = errors.New("query returned no row")

// Scan reads row i into dst, one pointer per column, converting each
// value to the pointer's type: *string, *int, *int64, *uint64, *uint32,
// *float64, *float32, *bool, *time.Time (Date, DateTime, in the column's
// time zone), *[]string (Array(String)), or nil to skip a column. A value
// that does not convert is an error naming the column.
func (r *Result) Scan(i int, dst ...any) error {
	if i < 0 || i >= len(r.Rows) {
		return fmt.Errorf("row %d of %d", i, len(r.Rows))
	}
	row := r.Rows[i]
	if len(dst) != len(row) {
		return fmt.Errorf("scanning %d columns into %d values", len(row), len(dst))
	}
	for j, d := range dst {
		typ := ""
		if j < len(r.Types) {
			typ = r.Types[j]
		}
		if err := scanValue(row[j], typ, d); err != nil {
			name := fmt.Sprint(j)
			if j < len(r.Columns) {
				name = r.Columns[j]
			}
			return fmt.Errorf("column %s (%s) of row %d: %w", name, typ, i, err)
		}
	}
	return nil
}

// One reads the only row of a result (a count, a single record).
func (r *Result) One(dst ...any) error {
	switch len(r.Rows) {
	case 0:
		return ErrNoRows
	case 1:
		return r.Scan(0, dst...)
	}
	return fmt.Errorf("query returned %d rows, want one", len(r.Rows))
}

func scanValue(v, typ string, dst any) error {
	if dst == nil {
		return nil
	}
	if v == `\N` {
		// NULL leaves the destination at its zero value.
		return nil
	}
	var err error
	switch d := dst.(type) {
	case *string:
		*d = v
	case *int:
		*d, err = strconv.Atoi(v)
	case *int64:
		*d, err = strconv.ParseInt(v, 10, 64)
	case *uint64:
		*d, err = strconv.ParseUint(v, 10, 64)
	case *uint32:
		var u uint64
		u, err = strconv.ParseUint(v, 10, 32)
		*d = uint32(u)
	case *float64:
		*d, err = strconv.ParseFloat(v, 64)
	case *float32:
		var f float64
		f, err = strconv.ParseFloat(v, 32)
		*d = float32(f)
	case *bool:
		switch v {
		case "1", "true":
			*d = true
		case "0", "false":
			*d = false
		default:
			err = fmt.Errorf("%q is not a boolean", v)
		}
	case *time.Time:
		*d, err = parseTime(v, typ)
	case *[]string:
		*d, err = ParseArray(v)
	default:
		err = fmt.Errorf("cannot scan into %T", dst)
	}
	return err
}

// parseTime reads a Date or DateTime printed in the column's time zone
// (UTC when the type names none).
func parseTime(v, typ string) (time.Time, error) {
	loc := time.UTC
	if _, tz, ok := strings.Cut(typ, "'"); ok {
		tz, _, _ = strings.Cut(tz, "'")
		l, err := time.LoadLocation(tz)
		if err != nil {
			return time.Time{}, fmt.Errorf("time zone of %s: %w", typ, err)
		}
		loc = l
	}
	layout := time.DateTime
	if len(v) == len(time.DateOnly) {
		layout = time.DateOnly
	}
	t, err := time.ParseInLocation(layout, v, loc)
	if err != nil {
		return t, err
	}
	return t.UTC(), nil
}

// ParseArray reads an array of strings as ClickHouse prints it:
// ['a','b\'c'] with backslash escapes inside the quotes.
func ParseArray(s string) ([]string, error) {
	if len(s) < 2 || s[0] != '[' || s[len(s)-1] != ']' {
		return nil, fmt.Errorf("%q is not an array", clip(s))
	}
	out := []string{}
	var cur strings.Builder
	in, afterElem := false, false
	for i := 1; i < len(s)-1; i++ {
		c := s[i]
		switch {
		case in && c == '\\' && i+1 < len(s)-1:
			i++
			cur.WriteByte(unescapeChar(s[i]))
		case in && c == '\'':
			in, afterElem = false, true
			out = append(out, cur.String())
			cur.Reset()
		case in:
			cur.WriteByte(c)
		case c == '\'' && !afterElem:
			in = true
		case c == ',' && afterElem:
			afterElem = false
		default:
			return nil, fmt.Errorf("%q is not an array of strings", clip(s))
		}
	}
	if in || (len(out) > 0 && !afterElem) {
		return nil, fmt.Errorf("%q is not an array of strings", clip(s))
	}
	return out, nil
}

func unescapeChar(c byte) byte {
	switch c {
	case 'n':
		return '\n'
	case 't':
		return '\t'
	case 'r':
		return '\r'
	case '0':
		return 0
	case 'b':
		return '\b'
	case 'f':
		return '\f'
	}
	return c
}

func clip(s string) string {
	if len(s) > 60 {
		return s[:60] + "…"
	}
	return s
}

// quotedEscaper escapes a string inside ClickHouse's quoted text output.
var quotedEscaper = strings.NewReplacer(`\`, `\\`, `'`, `\'`, "\n", `\n`, "\t", `\t`, "\r", `\r`, "\x00", `\0`, "\b", `\b`, "\f", `\f`)

// QuoteValue prints s as ClickHouse prints a string inside an array or
// tuple: in single quotes with backslash escapes.
func QuoteValue(s string) string { return "'" + quotedEscaper.Replace(s) + "'" }

// FormatValue prints a typed value of a column of ClickHouse type typ the
// way ClickHouse prints it in TSV (unescaped): the native backend turns
// what clickhouse-go scans into Result's text form with it, so both
// backends give the same text for the same query.
func FormatValue(v any, typ string) string {
	typ = strings.TrimSuffix(strings.TrimPrefix(typ, "Nullable("), ")")
	if b, ok := v.([]byte); ok && strings.HasPrefix(typ, "Array(") {
		// Array(UInt8) scans as []byte: print its numbers.
		ints := make([]int, len(b))
		for i, x := range b {
			ints[i] = int(x)
		}
		v = ints
	}
	switch x := v.(type) {
	case nil:
		return `\N`
	case string:
		return x
	case []byte:
		return string(x)
	case time.Time:
		if strings.HasPrefix(typ, "Date") && !strings.HasPrefix(typ, "DateTime") {
			return x.Format(time.DateOnly)
		}
		return x.Format(time.DateTime)
	case float32:
		return formatFloat(float64(x), 32)
	case float64:
		return formatFloat(x, 64)
	case bool:
		if strings.HasPrefix(typ, "UInt8") {
			if x {
				return "1"
			}
			return "0"
		}
		return strconv.FormatBool(x)
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Pointer:
		if rv.IsNil() {
			return `\N`
		}
		return FormatValue(rv.Elem().Interface(), typ)
	case reflect.Slice, reflect.Array:
		elem := strings.TrimSuffix(strings.TrimPrefix(typ, "Array("), ")")
		parts := make([]string, rv.Len())
		for i := range parts {
			e := rv.Index(i).Interface()
			s := FormatValue(e, elem)
			switch e.(type) {
			case string, time.Time:
				s = QuoteValue(s)
			}
			parts[i] = s
		}
		return "[" + strings.Join(parts, ",") + "]"
	}
	return fmt.Sprint(v)
}

// formatFloat prints the shortest form that reads back, as ClickHouse
// does: 0.1, 1.5, 1e-7, inf, nan.
func formatFloat(f float64, bits int) string {
	switch {
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	case math.IsNaN(f):
		return "nan"
	}
	s := strconv.FormatFloat(f, 'g', -1, bits)
	if m, e, ok := strings.Cut(s, "e"); ok {
		sign := ""
		if e[0] == '-' {
			sign = "-"
		}
		s = m + "e" + sign + strings.TrimLeft(e[1:], "0")
	}
	return s
}
