package chdb

import "context"

// QueryFormat runs a query and returns its output as the engine writes it
// in the given format (Native, JSON, TSVWithNames, ...). It is what the
// read-only ClickHouse HTTP endpoint of a running pantau serves; callers
// check the statement first, and the engine refuses writes as well: the
// query runs in a read-only session with Pantau's database as the current
// one (SessionQuery), bound to ctx.
func (b *Backend) QueryFormat(ctx context.Context, query, format string, params map[string]string) ([]byte, error) {
	return b.SessionQuery(ctx, query, format, params, false)
}
