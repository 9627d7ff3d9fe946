package store_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/diskominfo-kaltim/pantau/store"
)

func TestScanConvertsAndReportsErrors(t *testing.T) {
	res := &store.Result{
		Columns: []string{"n", "at", "arr", "f"},
		Types:   []string{"UInt64", "DateTime('Asia/Makassar')", "Array(String)", "Float32"},
		Rows:    [][]string{{"7", "2024-06-11 08:00:00", `['a','b\'c']`, "0.5"}, {"x", "kemarin", "[1]", "?"}},
	}
	var n int
	var at time.Time
	var arr []string
	var f float32
	if err := res.Scan(0, &n, &at, &arr, &f); err != nil {
		t.Fatal(err)
	}
	if n != 7 || !at.Equal(time.Date(2024, 6, 11, 0, 0, 0, 0, time.UTC)) || len(arr) != 2 || arr[1] != "b'c" || f != 0.5 {
		t.Fatalf("scanned %v %v %q %v", n, at, arr, f)
	}
	// What strconv.Atoi once dropped silently is now an error naming the
	// column.
	err := res.Scan(1, &n, nil, nil, nil)
	if err == nil || !strings.Contains(err.Error(), "column n (UInt64) of row 1") {
		t.Fatalf("bad number: %v", err)
	}
	if err := res.Scan(1, nil, &at, nil, nil); err == nil {
		t.Fatal("bad time scanned")
	}
	if err := res.Scan(1, nil, nil, &arr, nil); err == nil {
		t.Fatal("array of numbers scanned into []string")
	}
	if err := res.Scan(0, &n); err == nil {
		t.Fatal("too few destinations accepted")
	}
	if err := res.Scan(2, &n, nil, nil, nil); err == nil {
		t.Fatal("row out of range accepted")
	}
	var s struct{}
	if err := res.Scan(0, &s, nil, nil, nil); err == nil {
		t.Fatal("unsupported destination accepted")
	}
	if err := res.One(&n, nil, nil, nil); err == nil {
		t.Fatal("One accepted two rows")
	}
	if err := (&store.Result{}).One(&n); !errors.Is(err, store.ErrNoRows) {
		t.Fatalf("One on no rows: %v", err)
	}
}

func TestParseArray(t *testing.T) {
	for in, want := range map[string]string{
		`[]`:                      ``,
		`['']`:                    `""`,
		`['a','b']`:               `"a" "b"`,
		`['it\'s','x\ny','a\\b']`: `"it's" "x\ny" "a\\b"`,
		`['[',']',',']`:           `"[" "]" ","`,
	} {
		got, err := store.ParseArray(in)
		if err != nil {
			t.Errorf("%s: %v", in, err)
			continue
		}
		var q []string
		for _, g := range got {
			q = append(q, strconvQuote(g))
		}
		if strings.Join(q, " ") != want {
			t.Errorf("%s: got %s, want %s", in, strings.Join(q, " "), want)
		}
	}
	for _, bad := range []string{``, `[`, `[1,2]`, `['a'`, `['a' 'b']`, `['a',]`, `x`} {
		if _, err := store.ParseArray(bad); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
}

func strconvQuote(s string) string {
	var b bytes.Buffer
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '\n':
			b.WriteString(`\n`)
		case '\\':
			b.WriteString(`\\`)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

func TestFormatValue(t *testing.T) {
	s := "x"
	var nilPtr *string
	at := time.Date(2024, 6, 11, 6, 5, 0, 0, time.UTC)
	for _, c := range []struct {
		v    any
		typ  string
		want string
	}{
		{"tab\there", "String", "tab\there"},
		{at, "DateTime('UTC')", "2024-06-11 06:05:00"},
		{at, "Date", "2024-06-11"},
		{float32(0.1), "Float32", "0.1"},
		{1e-7, "Float64", "1e-7"},
		{[]string{"a'b", "x\ny"}, "Array(String)", `['a\'b','x\ny']`},
		{[]byte{1, 2}, "Array(UInt8)", "[1,2]"},
		{[]time.Time{at}, "Array(Date)", "['2024-06-11']"},
		{&s, "Nullable(String)", "x"},
		{nilPtr, "Nullable(String)", `\N`},
		{nil, "Nullable(String)", `\N`},
		{int8(-3), "Int8", "-3"},
		{true, "Bool", "true"},
	} {
		if got := store.FormatValue(c.v, c.typ); got != c.want {
			t.Errorf("FormatValue(%v, %s) = %q, want %q", c.v, c.typ, got, c.want)
		}
	}
}

func TestWriteTSV(t *testing.T) {
	res := &store.Result{Columns: []string{"s", "arr", "n"}, Types: []string{"String", "Array(String)", "Nullable(String)"},
		Rows: [][]string{{"a\tb\\c", `['x\'y']`, `\N`}}}
	var b bytes.Buffer
	if err := res.WriteTSV(&b); err != nil {
		t.Fatal(err)
	}
	if want := "s\tarr\tn\na\\tb\\\\c\t['x\\'y']\t\\N\n"; b.String() != want {
		t.Fatalf("got %q, want %q", b.String(), want)
	}
	back, err := store.ParseTSVWithNamesAndTypes([]byte("s\tarr\tn\nString\tArray(String)\tNullable(String)\n" + strings.SplitN(b.String(), "\n", 2)[1]))
	if err != nil {
		t.Fatal(err)
	}
	for i := range res.Rows[0] {
		if back.Rows[0][i] != res.Rows[0][i] {
			t.Errorf("column %d: %q back as %q", i, res.Rows[0][i], back.Rows[0][i])
		}
	}
}
