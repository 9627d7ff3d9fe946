package chdb

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/diskominfo-kaltim/pantau/store"
)

// Console runs an analyst's statement on a connection of its own, whose
// session has Pantau's database as the current one and, unless write is
// set, readonly = 2 (statements that write or change the schema are
// refused; settings may still be changed, readonly itself not). The
// session ends with the connection.
func (b *Backend) Console(ctx context.Context, query string, write bool) (*store.Table, error) {
	c, err := Connect(b.conn.path)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	setup := []string{"USE " + b.db, "SET output_format_json_quote_64bit_integers = 0, output_format_json_quote_decimals = 0"}
	if !write {
		setup = append(setup, "SET readonly = 2")
	}
	for _, s := range setup {
		if _, err := c.QueryContext(ctx, s, "TSV", nil); err != nil {
			return nil, consoleError(err)
		}
	}
	res, err := c.QueryContext(ctx, query, "JSONCompactEachRowWithNamesAndTypes", nil)
	if err != nil {
		return nil, consoleError(err)
	}
	return parseCompact(res.Data)
}

func consoleError(err error) error {
	var e *Error
	if errors.As(err, &e) {
		return store.ConsoleError(0, e.Msg, err)
	}
	return err
}

// ErrNotCompact is returned when a statement's output is not the console's
// format (a FORMAT clause of its own).
var ErrNotCompact = errors.New("output is not JSONCompactEachRowWithNamesAndTypes (a FORMAT clause in the statement?)")

// parseCompact reads JSONCompactEachRowWithNamesAndTypes: a row of names,
// a row of types, then the rows, numbers kept as json.Number.
func parseCompact(data []byte) (*store.Table, error) {
	t := &store.Table{}
	if len(bytes.TrimSpace(data)) == 0 {
		return t, nil // a statement without output
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if dec.Decode(&t.Columns) != nil || dec.Decode(&t.Types) != nil || len(t.Columns) != len(t.Types) {
		return nil, ErrNotCompact
	}
	for {
		var row []any
		err := dec.Decode(&row)
		if errors.Is(err, io.EOF) {
			return t, nil
		}
		if err != nil || len(row) != len(t.Columns) {
			return nil, fmt.Errorf("reading row %d: %w", len(t.Rows)+1, ErrNotCompact)
		}
		t.Rows = append(t.Rows, row)
	}
}
