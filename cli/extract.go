package cli

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/diskominfo-kaltim/pantau/crawler"
)

// cmdExtract prints the text extracted from a saved page or a URL: the
// title, a blank line, then the body.
func cmdExtract(env *Env, args []string) error {
	if len(args) != 1 {
		return usageError{"pakai: pantau extract FILE|URL"}
	}
	src := args[0]
	var page []byte
	pageURL := src
	if strings.HasPrefix(src, "http://") || strings.HasPrefix(src, "https://") {
		ctx, cancel := context.WithTimeout(context.Background(), env.Config.FetchTimeout+5*time.Second)
		defer cancel()
		f := crawler.NewFetcher(env.Config.UserAgent+" (+"+env.Config.ContactURL+")", env.Config.FetchTimeout, int64(env.Config.MaxPageBytes))
		resp, err := f.Get(ctx, src, flagAllowPrivate, "", "")
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
		return fmt.Errorf("extracting %s: %w", src, err)
	}
	body := strings.TrimSpace(strings.TrimPrefix(ex.Text, ex.Title))
	fmt.Fprintf(env.Stdout, "%s\n\n%s\n", ex.Title, body)
	return nil
}
