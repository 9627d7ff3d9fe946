package clickhouse

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"time"

	ch "github.com/ClickHouse/clickhouse-go/v2"

	"github.com/diskominfo-kaltim/pantau/store"
)

// Console runs an analyst's statement on a connection of its own to
// Pantau's database (so unprefixed table names resolve there) with, unless
// write is set, readonly = 2 in the statement's settings: the server
// refuses writes and schema changes.
func (b *Backend) Console(ctx context.Context, query string, write bool) (*store.Table, error) {
	opts := *b.opts
	opts.Auth.Database = b.db
	opts.MaxOpenConns, opts.MaxIdleConns = 1, 1
	conn, err := ch.Open(&opts)
	if err != nil {
		return nil, fmt.Errorf("opening clickhouse: %w", err)
	}
	defer conn.Close()
	if !write {
		ctx = ch.Context(ctx, ch.WithSettings(ch.Settings{"readonly": 2}))
	}
	if isInsert(query) {
		// An INSERT waits for data blocks unless sent as a statement.
		if err := conn.Exec(ctx, query); err != nil {
			return nil, consoleError(err)
		}
		return &store.Table{}, nil
	}
	rows, err := conn.Query(ctx, query)
	if err != nil {
		return nil, consoleError(err)
	}
	defer rows.Close()
	t := &store.Table{}
	cts := rows.ColumnTypes()
	for _, c := range cts {
		t.Columns = append(t.Columns, c.Name())
		t.Types = append(t.Types, c.DatabaseTypeName())
	}
	for rows.Next() {
		dest := make([]any, len(cts))
		for i, c := range cts {
			dest[i] = reflect.New(c.ScanType()).Interface()
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, fmt.Errorf("scanning row %d: %w", len(t.Rows)+1, err)
		}
		row := make([]any, len(dest))
		for i := range dest {
			row[i] = typed(reflect.ValueOf(dest[i]).Elem(), t.Types[i])
		}
		t.Rows = append(t.Rows, row)
	}
	if err := rows.Err(); err != nil {
		return nil, consoleError(err)
	}
	return t, nil
}

var insertRe = regexp.MustCompile(`(?is)^(\s|--[^\n]*\n|/\*.*?\*/)*INSERT\b`)

// isInsert reports whether a statement is an INSERT (it picks the
// protocol path; the server's readonly setting is what refuses writes).
func isInsert(query string) bool { return insertRe.MatchString(query) }

func consoleError(err error) error {
	var exc *ch.Exception
	if errors.As(err, &exc) {
		return store.ConsoleError(int(exc.Code), exc.Message, err)
	}
	return classify(err)
}

// typed turns a scanned value into the console's JSON-like value: numbers
// as json.Number, times as ClickHouse prints them, arrays and tuples as
// []any, maps as map[string]any, NULL as nil.
func typed(v reflect.Value, typ string) any {
	if !v.IsValid() {
		return nil
	}
	base := strings.TrimSuffix(strings.TrimPrefix(typ, "Nullable("), ")")
	switch x := v.Interface().(type) {
	case time.Time:
		if strings.HasPrefix(base, "Date") && !strings.HasPrefix(base, "DateTime") {
			return x.Format(time.DateOnly)
		}
		return x.Format(time.DateTime)
	case fmt.Stringer:
		if v.Kind() != reflect.Pointer && v.Kind() != reflect.Slice && v.Kind() != reflect.Map || strings.HasPrefix(base, "IPv") {
			s := x.String()
			if strings.HasPrefix(base, "Decimal") {
				return json.Number(s)
			}
			return s
		}
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return nil
		}
		return typed(v.Elem(), base)
	case reflect.Bool:
		return v.Bool()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return json.Number(strconv.FormatInt(v.Int(), 10))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return json.Number(strconv.FormatUint(v.Uint(), 10))
	case reflect.Float32, reflect.Float64:
		f := v.Float()
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return nil
		}
		bits := 64
		if v.Kind() == reflect.Float32 {
			bits = 32
		}
		return json.Number(strconv.FormatFloat(f, 'g', -1, bits))
	case reflect.String:
		return v.String()
	case reflect.Slice, reflect.Array:
		if v.Kind() == reflect.Slice && v.IsNil() {
			return []any{}
		}
		elem := strings.TrimSuffix(strings.TrimPrefix(base, "Array("), ")")
		out := make([]any, v.Len())
		for i := range out {
			out[i] = typed(v.Index(i), elem)
		}
		return out
	case reflect.Map:
		out := make(map[string]any, v.Len())
		it := v.MapRange()
		for it.Next() {
			out[fmt.Sprint(it.Key().Interface())] = typed(it.Value(), "")
		}
		return out
	}
	return fmt.Sprint(v.Interface())
}
