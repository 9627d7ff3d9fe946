package cli

import (
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/diskominfo-kaltim/pantau/config"
	"github.com/diskominfo-kaltim/pantau/demo"
	"github.com/diskominfo-kaltim/pantau/pipeline"
)

// DemoAddr is where the demo outlet listens.
const DemoAddr = "127.0.0.1:18088"

var demoCommand = &command{
	name:    "demo",
	summary: "demo tanpa internet: situs berita contoh di loopback, lalu pipeline sekali jalan",
	about: `Menyajikan artikel contoh sebagai media di 127.0.0.1, menjalankan pipeline sekali atasnya ke
--data, lalu mencetak perintah yang dapat dicoba selanjutnya. Menjalankannya lagi tidak menghitung
artikel yang sama dua kali.`,
	scope:    config.ScopeAll,
	examples: []string{"pantau demo", "pantau demo --data /tmp/pantau-demo"},
	exits:    runCommand.exits,
	new:      func() runner { return &demoCmd{} },
}

type demoCmd struct{}

func (*demoCmd) flags(*flag.FlagSet) {}

// run serves the bundled outlet on loopback and runs the pipeline over it
// once, with the configured data dir.
func (*demoCmd) run(env *Env, _ []string) error {
	arts, err := demo.Articles()
	if err != nil {
		return err
	}
	// A fixed port keeps article URLs, and so their ids, the same from one
	// demo run to the next.
	ln, err := net.Listen("tcp", DemoAddr)
	if err != nil {
		env.Log.Warn("port demo terpakai; memakai port acak (artikel akan dianggap baru)", slog.String("addr", DemoAddr))
		if ln, err = net.Listen("tcp", "127.0.0.1:0"); err != nil {
			return err
		}
	}
	site := &demo.Site{Name: "Warta Demo Kaltim", Articles: arts}
	srv := &http.Server{Handler: site, ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(ln)
	defer srv.Close()
	base := "http://" + ln.Addr().String()
	env.Log.Info("situs demo berjalan", slog.String("url", base), slog.Int("artikel", len(arts)))

	cfg := *env.Config
	cfg.Sources = []config.Source{{Name: site.Name, Feed: base + "/rss.xml", Site: base, Region: "Kalimantan Timur", AllowPrivate: true}}
	cfg.HostDelay = 0
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
	data := cfg.DataDir
	fmt.Fprintf(env.Stdout, `%s

Coba selanjutnya:
  pantau sql --data %[2]s "SELECT label, count() AS jumlah FROM pantau.mentions FINAL GROUP BY label ORDER BY jumlah DESC"
  pantau sql --data %[2]s "SELECT toDate(published_at, 'Asia/Makassar') AS hari, count() FROM pantau.mentions FINAL GROUP BY hari ORDER BY hari DESC LIMIT 7"
  pantau sql --data %[2]s --format json "SELECT title, label, evidence FROM pantau.mentions FINAL WHERE label = 'negatif' LIMIT 5"
  pantau demo --data %[2]s     (jalankan lagi: artikel yang sama tidak dihitung dua kali)
`, sum.String(), data)
	return nil
}
