package cli

import (
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/diskominfo-kaltim/pantau/config"
	"github.com/diskominfo-kaltim/pantau/demo"
	"github.com/diskominfo-kaltim/pantau/httpserver"
	"github.com/diskominfo-kaltim/pantau/pipeline"
	"github.com/diskominfo-kaltim/pantau/web"
)

// demoAPIToken is the API token of a demo that keeps running, unless one
// is configured; demoUser its web app login.
const (
	demoAPIToken = "demo"
	demoUser     = "demo"
)

var demoCommand = &command{
	name:    "demo",
	args:    "[--once]",
	summary: "demo tanpa internet: dua pekan contoh media Kaltim di komputer ini, dirayapi, lalu tetap berjalan",
	about: `Menyajikan 1.355 item contoh Kalimantan Timur (berita media rekaan, siaran pers, unggahan media
sosial; semuanya ditandai CONTOH, bukan berita sungguhan) sebagai 270 media dan akun di alamat
loopback, dengan waktu terbit digeser sehingga dua pekannya berakhir hari ini (WITA). Pipeline
merayapinya sekali ke --data, lalu mencetak perintah yang dapat dicoba. Tanpa --once, situs contoh,
pipeline, aplikasi web (pengguna demo dengan kata sandi baru setiap kali) dan HTTP API tetap
berjalan sampai Ctrl-C. Menjalankannya lagi tidak menghitung item yang
sama dua kali.`,
	scope:    config.ScopeAll,
	examples: []string{"pantau demo", "pantau demo --once --data /tmp/pantau-demo"},
	exits:    runCommand.exits,
	new:      func() runner { return &demoCmd{} },
}

type demoCmd struct {
	once     bool
	sitePort int
}

func (c *demoCmd) flags(fs *flag.FlagSet) {
	fs.BoolVar(&c.once, "once", false, "berhenti setelah semua item contoh dirayapi dan tersimpan")
	fs.IntVar(&c.sitePort, "site-port", demo.Port, "port situs contoh (di 127.0.1.x); pakai port yang sama pada setiap demo ke --data yang sama, agar item tidak dihitung baru")
}

// run serves the Kaltim example outlets on loopback, crawls the fortnight
// that ends today once into the configured data dir, prints what to try
// next and, unless --once, keeps the pipeline and the API running over
// the demo outlets.
func (c *demoCmd) run(env *Env, _ []string) error {
	outlets, err := demo.Outlets(time.Now())
	if err != nil {
		return err
	}
	if c.sitePort < 1 || c.sitePort > 65535 {
		return usageError{"--site-port harus 1..65535"}
	}
	// The web app's address is taken first, before the sites and the crawl,
	// so that a port in use (another demo, a pantau run) stops the demo at
	// once with the way out, rather than after the crawl with a login to
	// someone else's app.
	var app net.Listener
	if !c.once && env.Config.APIAddr != "" {
		if app, err = httpserver.Listen(env.Config.APIAddr, httpserver.Default); err != nil {
			why := err.Error()
			if errors.Is(err, syscall.EADDRINUSE) {
				why = "port sudah dipakai"
			}
			return fmt.Errorf("alamat aplikasi web %s tidak dapat dipakai (%s). Demo atau pantau run lain sedang berjalan? "+
				"Hentikan dulu (Ctrl-C), atau pilih alamat lain: %s demo --api-addr 127.0.0.1:8081 (127.0.0.1:0: port bebas mana saja)",
				env.Config.APIAddr, why, binName())
		}
		defer app.Close()
	}
	sites, err := demo.Serve(outlets, c.sitePort)
	if err != nil {
		return err
	}
	defer sites.Close()
	if sites.Moved {
		env.Log.Warn("alamat situs demo tetap tidak tersedia; memakai port acak (item akan dianggap baru)")
	}
	env.Log.Info("situs contoh berjalan", slog.Int("media", len(outlets)), slog.Int("item", sites.Items()),
		slog.String("contoh", sites.Bases[0]))

	cfg := *env.Config
	cfg.Sources = sites.Sources()
	cfg.HostDelay = demo.HostDelay
	cfg.Workers = max(cfg.Workers, 16)
	if !c.once && cfg.APIToken == "" {
		cfg.APIToken = demoAPIToken
	}
	ctx, cancel := signalContext()
	defer cancel()
	p, err := pipeline.Open(ctx, &cfg, env.Log)
	if err != nil {
		return err
	}
	defer p.Close()
	sum, err := p.Run(ctx, true)
	if err != nil {
		return err
	}
	if err := onceOutcome(sum, cfg.DrainTimeout); err != nil {
		fmt.Fprintln(env.Stdout, sum.String())
		return err
	}
	fmt.Fprintf(env.Stdout, `%s

Data contoh: %s item dari %s media, siaran pers dan akun media sosial rekaan di Kalimantan Timur,
dua pekan yang berakhir hari ini (WITA). Semua isinya contoh, bukan berita sungguhan.
`, sum.String(), num(sites.Items()), num(len(outlets)))
	if c.once {
		fmt.Fprint(env.Stdout, "\nCoba selanjutnya:\n"+demoHints(cfg.DataDir))
		return nil
	}
	// A demo login for the web app, with a new password on every run: the
	// demo's data dir may be the default one, and no login there should
	// have a password known to everyone.
	password := strings.ToLower(rand.Text()[:12])
	if err := web.AddUser(ctx, p.Store, demoUser, "admin", password, "pantau demo", false); err != nil {
		return fmt.Errorf("membuat pengguna demo: %w", err)
	}
	fmt.Fprintln(env.Stdout, "\nDemo tetap berjalan: situs contoh, pipeline, aplikasi web dan API.")
	if app != nil {
		addr := app.Addr().String()
		fmt.Fprintf(env.Stdout, `  Aplikasi web: http://%[1]s/   masuk sebagai %[2]s, kata sandi %[3]s (peran admin)
  API:          http://%[1]s/api/issues   (header "Authorization: Bearer %[4]s")
`, addr, demoUser, password, cfg.APIToken)
	} else {
		fmt.Fprintln(env.Stdout, "  (tanpa aplikasi web: api-addr kosong)")
	}
	fmt.Fprintf(env.Stdout, "Tekan Ctrl-C untuk berhenti; basis data tersimpan di %s.\n\nCoba juga, di terminal lain selama demo berjalan atau setelahnya:\n%s",
		cfg.DataDir, demoHints(cfg.DataDir))
	senv := *env
	senv.Config = &cfg
	if app != nil {
		defer serveInBackground(ctx, &senv, httpParts{ln: app, store: p.Store, crawler: p.Crawler, door: cfg.ClickHouseDSN == ""})()
	}
	// The first pass's metrics endpoint is still up.
	cfg.MetricsAddr = ""
	_, err = p.Run(ctx, false)
	return err
}

// demoHints are the analyst commands worth trying on the demo's data, as
// this binary is called and with the demo's --data, aligned.
func demoHints(dataDir string) string {
	bin := binName()
	data := ""
	if dataDir != "data" && dataDir != "./data" {
		data = " --data " + dataDir
	}
	var b strings.Builder
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	for _, h := range []struct{ cmd, args, what string }{
		{"issues", "", "isu 7 hari terakhir, dengan rekomendasi"},
		{"issues", " --jenis media-sosial", "isu yang dibicarakan di media sosial"},
		{"trend", "", "jumlah dan sentimen per hari"},
		{"trend", " --by jenis", "media massa, siaran pers dan media sosial per hari"},
		{"search", ` "banjir"`, "berita yang memuat kata kunci"},
		{"report", "", "laporan harian untuk Kadis (kemarin)"},
		{"report", " --out laporan.pdf", "laporan yang sama sebagai PDF"},
		{"sources", "", "kesehatan setiap media dan akun contoh"},
	} {
		fmt.Fprintf(tw, "  %s %s%s%s\t%s\n", bin, h.cmd, data, h.args, h.what)
	}
	tw.Flush()
	return b.String()
}
