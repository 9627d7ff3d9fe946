package cli

import (
	"flag"
	"fmt"

	"github.com/diskominfo-kaltim/pantau/config"
)

var configCommand = &command{
	name:    "config",
	summary: "menampilkan konfigurasi efektif sebagai YAML (rahasia disamarkan)",
	about: `Menerima semua opsi, agar pengaruhnya terlihat. Keluarannya dapat disimpan dan dibaca lagi:
pantau config > pantau.yaml, lalu pantau run --config pantau.yaml. Rahasia tidak ikut ditulis;
isi lewat PANTAU_<NAMA> atau PANTAU_<NAMA>_FILE.`,
	scope: config.ScopeAll,
	examples: []string{
		"pantau config",
		"pantau config --config pantau.yaml",
		"pantau config --poll-interval 5m > pantau.yaml",
	},
	new: func() runner { return &configCmd{} },
}

type configCmd struct{}

func (*configCmd) flags(*flag.FlagSet) {}

func (*configCmd) run(env *Env, _ []string) error {
	fmt.Fprint(env.Stdout, env.Config.Print())
	return nil
}

var versionCommand = &command{
	name:     "version",
	summary:  "menampilkan versi",
	examples: []string{"pantau version"},
	new:      func() runner { return &versionCmd{} },
}

type versionCmd struct{}

func (*versionCmd) flags(*flag.FlagSet) {}

func (*versionCmd) run(env *Env, _ []string) error {
	fmt.Fprintf(env.Stdout, "pantau %s\n", Version)
	return nil
}
