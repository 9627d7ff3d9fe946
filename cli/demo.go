package cli

import (
	"crypto/rand"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/diskominfo-kaltim/pantau/config"
	"github.com/diskominfo-kaltim/pantau/demo"
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
	bin := os.Args[0]
	if !strings.Contains(bin, "/") {
		bin = "pantau" // found on PATH
	}
	data := ""
	if cfg.DataDir != "data" && cfg.DataDir != "./data" {
		data = " --data " + cfg.DataDir
	}
	fmt.Fprintf(env.Stdout, `%s

Data contoh: %s item dari %s media, siaran pers dan akun media sosial rekaan di Kalimantan Timur,
dua pekan yang berakhir hari ini (WITA). Semua isinya contoh, bukan berita sungguhan.
`, sum.String(), num(sites.Items()), num(len(outlets)))
	try := fmt.Sprintf(`
Coba selanjutnya:
  %[1]s issues%[2]s                     isu 7 hari terakhir, dengan rekomendasi
  %[1]s issues%[2]s --jenis media-sosial  isu yang dibicarakan di media sosial
  %[1]s trend%[2]s                      jumlah dan sentimen per hari
  %[1]s trend%[2]s --by jenis           media massa, siaran pers dan media sosial per hari
  %[1]s search%[2]s "banjir"            berita yang memuat kata kunci
  %[1]s report%[2]s                     laporan harian untuk Kadis (kemarin)
  %[1]s report%[2]s --out laporan.pdf   laporan yang sama sebagai PDF
`, bin, data)
	if c.once {
		fmt.Fprint(env.Stdout, try)
		return nil
	}
	// A demo login for the web app, with a new password on every run: the
	// demo's data dir may be the default one, and no login there should
	// have a password known to everyone.
	password := strings.ToLower(rand.Text()[:12])
	if err := web.AddUser(ctx, p.Store, demoUser, "admin", password, "pantau demo", false); err != nil {
		return fmt.Errorf("membuat pengguna demo: %w", err)
	}
	fmt.Fprintf(env.Stdout, `
Demo tetap berjalan: situs contoh, pipeline, aplikasi web dan API.
  Aplikasi web: http://%[1]s/   masuk sebagai %[2]s, kata sandi %[3]s (peran admin)
  API:          http://%[1]s/api/issues   (header "Authorization: Bearer %[4]s")
Tekan Ctrl-C untuk berhenti; basis data tersimpan di %[5]s.
%[6]s`, cfg.APIAddr, demoUser, password, cfg.APIToken, cfg.DataDir,
		strings.Replace(try, "Coba selanjutnya:", "Coba juga, di terminal lain selama demo berjalan atau setelahnya:", 1))
	senv := *env
	senv.Config = &cfg
	defer serveInBackground(ctx, &senv, httpParts{store: p.Store, crawler: p.Crawler, door: cfg.ClickHouseDSN == ""})()
	// The first pass's metrics endpoint is still up.
	cfg.MetricsAddr = ""
	_, err = p.Run(ctx, false)
	return err
}
