package chdb

import (
	"context"
	"errors"

	"github.com/diskominfo-kaltim/pantau/store"
)

// Console runs an analyst's statement in a session of its own (see
// SessionQuery) and returns its rows typed.
func (b *Backend) Console(ctx context.Context, query string, write bool) (*store.Table, error) {
	out, err := b.SessionQuery(ctx, query, store.ConsoleFormat, nil, write)
	if err != nil {
		return nil, consoleError(err)
	}
	return store.ParseCompact(out)
}

// SessionQuery runs a statement on a connection of its own, whose session
// has Pantau's database as the current one and, unless write is set,
// readonly = 2 (the engine refuses statements that write or change the
// schema; settings may still be changed, readonly itself not), and returns
// its output in format. Parameters are bound as given (escaped as
// ClickHouse's HTTP interface takes them). The session ends with the
// connection; the backend's own connection is untouched.
func (b *Backend) SessionQuery(ctx context.Context, query, format string, params map[string]string, write bool) ([]byte, error) {
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
			return nil, err
		}
	}
	res, err := c.QueryContext(ctx, query, format, params)
	if err != nil {
		return nil, err
	}
	return res.Data, nil
}

func consoleError(err error) error {
	var e *Error
	if errors.As(err, &e) {
		return store.ConsoleError(0, e.Msg, err)
	}
	return err
}
