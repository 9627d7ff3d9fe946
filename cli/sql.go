package cli

import (
	"encoding/json"
	"flag"
	"fmt"
	"strconv"
	"strings"

	"github.com/diskominfo-kaltim/pantau/config"
	"github.com/diskominfo-kaltim/pantau/store"
)

var sqlCommand = &command{
	name:    "sql",
	args:    `[--format tsv|json] "QUERY"`,
	summary: "menjalankan query SQL pada basis data Pantau (TSV dengan header, atau JSON lines)",
	scope:   config.ScopeStore,
	examples: []string{
		`pantau sql "SELECT label, count() FROM pantau.mentions FINAL GROUP BY label"`,
		`pantau sql --format json "SELECT title, label, evidence FROM pantau.mentions FINAL LIMIT 5"`,
	},
	new: func() runner { return &sqlCmd{} },
}

type sqlCmd struct {
	format string
}

func (c *sqlCmd) flags(fs *flag.FlagSet) {
	fs.StringVar(&c.format, "format", "tsv", "format keluaran: tsv (dengan baris header) atau json (JSON lines)")
}

func (c *sqlCmd) run(env *Env, args []string) error {
	if len(args) != 1 {
		return usageError{`pakai: pantau sql "SELECT ..."`}
	}
	if c.format != "tsv" && c.format != "json" {
		return usageError{fmt.Sprintf("format %q tidak dikenal (tsv atau json)", c.format)}
	}
	ctx, cancel := signalContext()
	defer cancel()
	b, err := openShared(ctx, env, nil, false) // cli/door.go
	if err != nil {
		return err
	}
	defer b.Close()
	res, err := b.Query(ctx, args[0], nil)
	if err != nil {
		return err
	}
	if c.format == "json" {
		return writeJSONLines(env, res)
	}
	return res.WriteTSV(env.Stdout)
}

func writeJSONLines(env *Env, res *store.Result) error {
	enc := jsonOut(env)
	for _, r := range res.Rows {
		obj := make(orderedRow, len(r))
		for i, v := range r {
			obj[i] = field{res.Columns[i], jsonValue(res.Types[i], v)}
		}
		if err := enc.Encode(obj); err != nil {
			return err
		}
	}
	return nil
}

type field struct {
	k string
	v any
}

// orderedRow keeps the query's column order in the JSON object.
type orderedRow []field

func (o orderedRow) MarshalJSON() ([]byte, error) {
	var b strings.Builder
	b.WriteByte('{')
	for i, f := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(f.k)
		v, err := json.Marshal(f.v)
		if err != nil {
			return nil, err
		}
		b.Write(k)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteByte('}')
	return []byte(b.String()), nil
}

// jsonValue gives numbers as JSON numbers and everything else as strings.
func jsonValue(typ, v string) any {
	t := strings.TrimSuffix(strings.TrimPrefix(typ, "Nullable("), ")")
	if v == `\N` {
		return nil
	}
	if strings.HasPrefix(t, "Int") || strings.HasPrefix(t, "UInt") || strings.HasPrefix(t, "Float") {
		if _, err := strconv.ParseFloat(v, 64); err == nil {
			return json.Number(v)
		}
	}
	return v
}
