package cli

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/diskominfo-kaltim/pantau/config"
	"github.com/diskominfo-kaltim/pantau/indonesian"
	"github.com/diskominfo-kaltim/pantau/news"
	"github.com/diskominfo-kaltim/pantau/store"
	"github.com/diskominfo-kaltim/pantau/store/chdb"
)

// A backup of the embedded store is a directory:
//
//	DIR/clickhouse/     ClickHouse's BACKUP DATABASE (tables' parts and definitions)
//	DIR/nats/           a copy of the embedded NATS store (unfinished messages,
//	                    the issue clustering's and the crawler's state)
//	DIR/MANIFEST.json   what it holds: rows per table, versions, time
//
// Both are taken by a process that holds the data directory, so nothing
// writes while they are copied: `pantau run` must be stopped (the embedded
// store belongs to one process).

// backupManifest is DIR/MANIFEST.json.
type backupManifest struct {
	Database string            `json:"database"`
	Engine   string            `json:"engine"`
	Pantau   string            `json:"pantau"`
	Created  time.Time         `json:"created"`
	Tables   map[string]uint64 `json:"tables"`
	NATS     bool              `json:"nats"`
}

const manifestName = "MANIFEST.json"

// openEmbedded opens the embedded store of the data dir with dir allowed
// for BACKUP and RESTORE, or explains why it cannot.
func openEmbedded(env *Env, dir string) (*chdb.Backend, error) {
	if env.Config.ClickHouseDSN != "" {
		return nil, usageError{"pantau backup/restore menyalin penyimpanan tertanam (chDB); untuk server ClickHouse pakai BACKUP/RESTORE server (deploy/README.md, Cadangan)"}
	}
	b, err := chdb.Open(filepath.Join(env.Config.DataDir, "clickhouse"), env.Config.Database, "--backups.allowed_path="+dir)
	if err != nil {
		if strings.Contains(err.Error(), "another process") {
			return nil, fmt.Errorf("data %s sedang dipakai proses lain (pantau run?): hentikan dulu, mis. `systemctl stop pantau`, lalu ulangi: %w", env.Config.DataDir, err)
		}
		return nil, err
	}
	return b, nil
}

var backupCommand = &command{
	name:    "backup",
	args:    "DIR",
	summary: "mencadangkan penyimpanan bawaan (ClickHouse dan NATS) ke DIR; pantau run harus berhenti",
	about: `Menulis BACKUP DATABASE ClickHouse (semua tabel) ke DIR/clickhouse, salinan penyimpanan NATS
bawaan (pesan yang belum selesai, status perayap dan pengelompokan isu) ke DIR/nats, dan
DIR/MANIFEST.json (jumlah baris setiap tabel). DIR belum ada atau kosong. Penyimpanan bawaan
hanya boleh dibuka satu proses: hentikan pantau run dulu (systemctl stop pantau);
pantau-backup.timer melakukannya setiap malam. Untuk server ClickHouse pakai BACKUP server.`,
	scope: config.ScopeCommon | config.ScopeLog,
	examples: []string{
		"pantau backup /var/backups/pantau/2026-11-30 --data /var/lib/pantau",
	},
	new: func() runner { return &backupCmd{} },
}

type backupCmd struct{}

func (*backupCmd) flags(*flag.FlagSet) {}

var restoreCommand = &command{
	name:    "restore",
	args:    "DIR --data DATA_BARU",
	summary: "memulihkan cadangan DIR ke direktori data yang baru dan mencocokkan jumlah baris",
	about: `Memulihkan cadangan dari pantau backup ke --data (direktori baru, atau penyimpanan tanpa data),
termasuk penyimpanan NATS, lalu memeriksa bahwa setiap tabel berisi jumlah baris yang tercatat
di MANIFEST.json. Pemulihan ke penyimpanan yang sudah berisi data ditolak.`,
	scope: config.ScopeCommon | config.ScopeLog,
	examples: []string{
		"pantau restore /var/backups/pantau/2026-11-30 --data /var/lib/pantau.pulih",
	},
	new: func() runner { return &restoreCmd{} },
}

type restoreCmd struct{}

func (*restoreCmd) flags(*flag.FlagSet) {}

func (*backupCmd) run(env *Env, args []string) error {
	if len(args) != 1 {
		return usageError{"pakai: pantau backup DIR (DIR belum ada atau kosong)"}
	}
	dir, err := filepath.Abs(args[0])
	if err != nil {
		return err
	}
	if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 {
		return usageError{fmt.Sprintf("%s sudah berisi; pilih direktori baru untuk cadangan", dir)}
	}
	if _, err := os.Stat(filepath.Join(env.Config.DataDir, "clickhouse")); err != nil {
		return fmt.Errorf("tidak ada penyimpanan di %s: %w", env.Config.DataDir, err)
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return err
	}
	start := time.Now()
	ctx, cancel := signalContext()
	defer cancel()
	b, err := openEmbedded(env, dir)
	if err != nil {
		return err
	}
	defer b.Close()
	if ok, err := store.DatabaseExists(ctx, b); err != nil || !ok {
		return fmt.Errorf("basis data %s tidak ada di %s (%v)", b.Database(), env.Config.DataDir, err)
	}
	m := backupManifest{Database: b.Database(), Engine: "", Pantau: Version, Created: time.Now().UTC()}
	if m.Engine, err = store.EngineVersion(ctx, b); err != nil {
		return err
	}
	if m.Tables, err = store.TableRows(ctx, b); err != nil {
		return err
	}
	if err := store.BackupDatabase(ctx, b, filepath.Join(dir, "clickhouse")); err != nil {
		return err
	}
	natsDir := filepath.Join(env.Config.DataDir, "nats")
	if _, err := os.Stat(natsDir); err == nil {
		if err := copyTree(natsDir, filepath.Join(dir, "nats")); err != nil {
			return fmt.Errorf("copying the NATS store: %w", err)
		}
		m.NATS = true
	}
	if err := writeManifest(dir, m); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "cadangan %s: %s, %s dalam %s dtk\n", dir, describeRows(m.Tables), humanBytes(treeSize(dir)), indonesian.Decimal(time.Since(start).Seconds(), 1))
	return nil
}

func (*restoreCmd) run(env *Env, args []string) error {
	if len(args) != 1 {
		return usageError{"pakai: pantau restore DIR --data DATA_BARU"}
	}
	dir, err := filepath.Abs(args[0])
	if err != nil {
		return err
	}
	m, err := readManifest(dir)
	if err != nil {
		return err
	}
	natsDir := filepath.Join(env.Config.DataDir, "nats")
	if m.NATS {
		if entries, err := os.ReadDir(natsDir); err == nil && len(entries) > 0 {
			return usageError{fmt.Sprintf("%s sudah berisi; pulihkan ke direktori data yang baru (--data)", natsDir)}
		}
	}
	start := time.Now()
	ctx, cancel := signalContext()
	defer cancel()
	b, err := openEmbedded(env, dir)
	if err != nil {
		return err
	}
	defer b.Close()
	if ok, err := store.DatabaseExists(ctx, b); err != nil {
		return err
	} else if ok {
		n, err := store.DropEmptyDatabase(ctx, b)
		if err != nil {
			return err
		}
		if n > 0 {
			return usageError{fmt.Sprintf("basis data %s di %s sudah berisi %d baris; pulihkan ke direktori data yang baru (--data)", b.Database(), env.Config.DataDir, n)}
		}
	}
	if err := store.RestoreDatabase(ctx, b, filepath.Join(dir, "clickhouse"), m.Database); err != nil {
		return err
	}
	if m.NATS {
		if err := copyTree(filepath.Join(dir, "nats"), natsDir); err != nil {
			return fmt.Errorf("restoring the NATS store: %w", err)
		}
	}
	got, err := store.TableRows(ctx, b)
	if err != nil {
		return err
	}
	var diff []string
	for name, n := range m.Tables {
		if got[name] != n {
			diff = append(diff, fmt.Sprintf("%s: %d di cadangan, %d dipulihkan", name, n, got[name]))
		}
	}
	if len(diff) > 0 {
		sort.Strings(diff)
		return fmt.Errorf("hasil pemulihan tidak sama dengan cadangan:\n  %s", strings.Join(diff, "\n  "))
	}
	fmt.Fprintf(env.Stdout, "dipulihkan ke %s dari cadangan %s (%s): %s, sama dengan cadangan, dalam %s dtk\n",
		env.Config.DataDir, indonesian.DateTime(m.Created.In(news.WITA)), m.Pantau, describeRows(got), indonesian.Decimal(time.Since(start).Seconds(), 1))
	return nil
}

func writeManifest(dir string, m backupManifest) error {
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, manifestName), append(data, '\n'), 0o640)
}

func readManifest(dir string) (backupManifest, error) {
	var m backupManifest
	data, err := os.ReadFile(filepath.Join(dir, manifestName))
	if err != nil {
		return m, fmt.Errorf("%s bukan cadangan Pantau: %w", dir, err)
	}
	if err := json.Unmarshal(data, &m); err != nil {
		return m, fmt.Errorf("%s: %w", filepath.Join(dir, manifestName), err)
	}
	if m.Database == "" || len(m.Tables) == 0 {
		return m, fmt.Errorf("%s: manifest without database or tables", filepath.Join(dir, manifestName))
	}
	return m, nil
}

// describeRows is "8 tabel, 1.234 baris (mentions 600, ...)".
func describeRows(t map[string]uint64) string {
	names := make([]string, 0, len(t))
	var total uint64
	for name, n := range t {
		names = append(names, name)
		total += n
	}
	sort.Strings(names)
	parts := make([]string, len(names))
	for i, name := range names {
		parts[i] = name + " " + indonesian.Int(int64(t[name]))
	}
	return fmt.Sprintf("%d tabel, %s baris (%s)", len(t), indonesian.Int(int64(total)), strings.Join(parts, ", "))
}

// copyTree copies a directory of regular files; dst must not exist or be
// empty.
func copyTree(src, dst string) error {
	return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		info, err := d.Info()
		if err != nil {
			return err
		}
		switch {
		case d.IsDir():
			return os.MkdirAll(target, info.Mode().Perm()|0o700)
		case info.Mode().IsRegular():
			return copyFile(path, target, info.Mode().Perm())
		}
		return fmt.Errorf("%s: not a regular file", path)
	})
}

func copyFile(src, dst string, perm fs.FileMode) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_EXCL|os.O_WRONLY, perm)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

func treeSize(dir string) int64 {
	var n int64
	filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if info, err := d.Info(); err == nil {
				n += info.Size()
			}
		}
		return nil
	})
	return n
}

func humanBytes(n int64) string {
	switch {
	case n >= 1<<30:
		return indonesian.Decimal(float64(n)/(1<<30), 1) + " GiB"
	case n >= 1<<20:
		return indonesian.Decimal(float64(n)/(1<<20), 1) + " MiB"
	case n >= 1<<10:
		return indonesian.Decimal(float64(n)/(1<<10), 1) + " KiB"
	}
	return indonesian.Int(n) + " B"
}
