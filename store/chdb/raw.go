package chdb

import "context"

// QueryFormat runs a query and returns its output as the engine writes it
// in the given format (Native, JSON, TSVWithNames, ...). It is what the
// read-only ClickHouse HTTP endpoint of a running pantau serves; callers
// check the statement first.
func (b *Backend) QueryFormat(_ context.Context, query, format string, params map[string]string) ([]byte, error) {
	res, err := b.conn.Query(query, format, params)
	if err != nil {
		return nil, err
	}
	return res.Data, nil
}
