package cli

import (
	"flag"
	"fmt"
	"strings"

	"github.com/diskominfo-kaltim/pantau/config"
	"github.com/diskominfo-kaltim/pantau/store"
)

var searchCommand = &command{
	name:    "search",
	args:    `"kata kunci" [--since 30d] [--jenis J] [--platform P]`,
	summary: "mencari berita, siaran pers dan unggahan yang judul atau isinya memuat kata kunci (tanpa membedakan huruf besar/kecil)",
	scope:   config.ScopeStore,
	examples: []string{
		`pantau search "banjir"`,
		`pantau search "jalan rusak" --since 7d --limit 50`,
		`pantau search "IKN" --json`,
		`pantau search "banjir" --jenis media-sosial`,
		`pantau search "jalan rusak" --platform youtube`,
	},
	new: func() runner { return &searchCmd{} },
}

type searchCmd struct {
	period periodFlags
	media  mediaFlags
	limit  int
	json   bool
}

func (c *searchCmd) flags(fs *flag.FlagSet) {
	c.period.register(fs, "30d", false)
	c.media.register(fs)
	fs.IntVar(&c.limit, "limit", 20, "hasil paling banyak")
	fs.BoolVar(&c.json, "json", false, "JSON lines, bukan teks")
}

// run finds mentions containing a phrase.
func (c *searchCmd) run(env *Env, args []string) error {
	if len(args) != 1 || strings.TrimSpace(args[0]) == "" {
		return usageError{`pakai: pantau search "kata kunci"`}
	}
	if c.limit < 1 {
		return usageError{"--limit paling sedikit 1"}
	}
	w, err := c.period.window()
	if err != nil {
		return err
	}
	m, err := c.media.filter()
	if err != nil {
		return err
	}
	q, err := openQuery(env, false)
	if err != nil {
		return err
	}
	defer q.close()
	rows, err := store.Search(q.ctx, q.b, args[0], w.Since, m, c.limit)
	if err != nil {
		return err
	}
	if c.json {
		return encodeEach(env, rows)
	}
	if len(rows) == 0 {
		fmt.Fprintf(env.Stdout, "Tidak ada pemberitaan%s yang memuat %q dalam %s. Periode lebih panjang: --since 90d\n",
			c.media.describe(), args[0], c.period.describe())
		return nil
	}
	for _, a := range rows {
		fmt.Fprintln(env.Stdout, mentionLine(a, "    "))
	}
	return nil
}
