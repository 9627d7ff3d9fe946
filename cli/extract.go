package cli

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/diskominfo-kaltim/pantau/config"
	"github.com/diskominfo-kaltim/pantau/crawler"
)

var extractCommand = &command{
	name:    "extract",
	args:    "BERKAS|URL",
	summary: "menampilkan teks artikel hasil ekstraksi (judul, baris kosong, isi)",
	scope:   config.ScopeFetch,
	examples: []string{
		"pantau extract https://kaltim.antaranews.com/berita/123456/contoh",
		"pantau extract halaman.html",
	},
	new: func() runner { return &extractCmd{} },
}

type extractCmd struct {
	allowPrivate bool
}

func (c *extractCmd) flags(fs *flag.FlagSet) {
	fs.BoolVar(&c.allowPrivate, "allow-private", false, "izinkan alamat loopback dan jaringan privat")
}

// run prints the text extracted from a saved page or a URL: the title, a
// blank line, then the body.
func (c *extractCmd) run(env *Env, args []string) error {
	if len(args) != 1 {
		return usageError{"pakai: pantau extract BERKAS|URL"}
	}
	src := args[0]
	var page []byte
	pageURL := src
	if strings.HasPrefix(src, "http://") || strings.HasPrefix(src, "https://") {
		ctx, cancel := context.WithTimeout(context.Background(), env.Config.FetchTimeout+5*time.Second)
		defer cancel()
		f := crawler.NewFetcher(env.Config.UserAgent+" (+"+env.Config.ContactURL+")", env.Config.FetchTimeout, int64(env.Config.MaxPageBytes))
		resp, err := f.Get(ctx, src, c.allowPrivate, "", "")
		if err != nil {
			return err
		}
		page, pageURL = resp.Body, resp.URL
	} else {
		b, err := os.ReadFile(src)
		if err != nil {
			return err
		}
		page, pageURL = b, "file://"+src
	}
	ex, err := crawler.Extract(page, pageURL)
	if err != nil {
		return fmt.Errorf("teks artikel tidak dapat diekstraksi dari %s: %w", src, err)
	}
	body := strings.TrimSpace(strings.TrimPrefix(ex.Text, ex.Title))
	fmt.Fprintf(env.Stdout, "%s\n\n%s\n", ex.Title, body)
	return nil
}
