package cli

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"

	"golang.org/x/term"

	"github.com/diskominfo-kaltim/pantau/config"
	"github.com/diskominfo-kaltim/pantau/store"
)

var sqlCommand = &command{
	name:    "sql",
	args:    `[--format tsv|json] [--write] "QUERY"`,
	summary: "menjalankan query SQL pada basis data Pantau (TSV dengan header, atau JSON lines)",
	about: `Query berjalan di basis data Pantau (bawaan pantau): nama tabel tanpa awalan, mis. mentions,
mention_facts, issues, label_corrections. Hanya-baca: perintah yang mengubah data atau skema
(INSERT, ALTER, DROP, ...) ditolak oleh mesin basis data, kecuali dengan --write (di terminal
ditanya dulu). Dengan --format json setiap baris menjadi objek JSON dengan angka sebagai angka dan
array sebagai array; pada TSV, array dan map ditulis sebagai JSON. Tabel yang hilang disebut
namanya; pantau migrate membuatnya lagi.`,
	scope: config.ScopeStore,
	examples: []string{
		`pantau sql "SELECT count() FROM mentions FINAL"`,
		`pantau sql "SELECT label, count() AS jumlah FROM mentions FINAL GROUP BY label ORDER BY jumlah DESC"`,
		`pantau sql --format json "SELECT title, label, regions FROM mentions FINAL LIMIT 5"`,
		`pantau sql --write "OPTIMIZE TABLE mentions FINAL"`,
	},
	new: func() runner { return &sqlCmd{} },
}

type sqlCmd struct {
	format string
	write  bool
}

func (c *sqlCmd) flags(fs *flag.FlagSet) {
	fs.StringVar(&c.format, "format", "tsv", "format keluaran: tsv (dengan baris header) atau json (JSON lines bertipe)")
	fs.BoolVar(&c.write, "write", false, "izinkan perintah yang mengubah data atau skema (di terminal ditanya dulu)")
}

func (c *sqlCmd) run(env *Env, args []string) error {
	if len(args) != 1 || strings.TrimSpace(args[0]) == "" {
		return usageError{`pakai: pantau sql "SELECT ..."`}
	}
	if c.format != "tsv" && c.format != "json" {
		return usageError{fmt.Sprintf("--format %q tidak dikenal (tsv atau json)", c.format)}
	}
	if c.write && !confirmWrite(env) {
		return errors.New("dibatalkan; tidak ada yang diubah")
	}
	ctx, cancel := signalContext()
	defer cancel()
	b, err := openShared(ctx, env, nil, false) // cli/door.go
	if err != nil {
		return err
	}
	defer b.Close()
	t, err := store.RunConsole(ctx, b, args[0], c.write)
	var missing *store.MissingError
	switch {
	case errors.Is(err, store.ErrReadOnly):
		if m := doorRefusal.FindStringSubmatch(err.Error()); m != nil {
			// The running pantau run's door refused it, and says why.
			return fmt.Errorf("ditolak oleh pantau run yang memegang penyimpanan: %s. "+
				"Untuk mengubah data, hentikan pantau run (atau pantau demo) dulu, lalu pantau sql --write", m[1])
		}
		return fmt.Errorf("hanya-baca: perintah yang mengubah data atau skema ditolak. " +
			"Bila memang perlu, ulangi dengan --write")
	case errors.Is(err, store.ErrNotCompact):
		return usageError{"hapus klausa FORMAT dari query; format keluaran dipilih dengan --format tsv|json"}
	case errors.As(err, &missing) && missing.Kind == "database":
		return fmt.Errorf("basis data %s belum ada; jalankan pantau migrate", b.Database())
	case errors.As(err, &missing) && missing.Name != "":
		return fmt.Errorf("tabel %s tidak ada. Tabel Pantau yang hilang dibuat lagi oleh pantau migrate; "+
			"daftar tabel: pantau sql \"SHOW TABLES\"", missing.Name)
	case errors.As(err, &missing):
		return fmt.Errorf("tabel tidak ada (%s); tabel Pantau yang hilang dibuat lagi oleh pantau migrate", missing.Msg)
	case err != nil:
		return err
	}
	if c.format == "json" {
		return writeJSONLines(env.Stdout, t)
	}
	return writeTSV(env.Stdout, t)
}

// doorRefusal reads the reason the door's read-only endpoint gives.
var doorRefusal = regexp.MustCompile(`Pantau: (.+?)\.? \(READONLY\)`)

// confirmWrite asks on a terminal before a statement may write; elsewhere
// (scripts) --write is the confirmation.
func confirmWrite(env *Env) bool {
	f, ok := env.Stdin.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return true
	}
	fmt.Fprintf(env.Stderr, "Perintah ini dapat mengubah atau menghapus data di basis data %s. Lanjutkan? [y/T] ", env.Config.Database)
	line, _ := bufio.NewReader(f).ReadString('\n')
	switch strings.ToLower(strings.TrimSpace(line)) {
	case "y", "ya", "yes":
		return true
	}
	return false
}

// writeTSV prints a header and the rows, strings TSV-escaped, NULL as \N,
// arrays and maps as JSON.
func writeTSV(w io.Writer, t *store.Table) error {
	if len(t.Columns) == 0 {
		return nil
	}
	bw := bufio.NewWriter(w)
	fields := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		fields[i] = store.EscapeTSV(c)
	}
	fmt.Fprintln(bw, strings.Join(fields, "\t"))
	for _, r := range t.Rows {
		for i, v := range r {
			switch x := v.(type) {
			case nil:
				fields[i] = `\N`
			case string:
				fields[i] = store.EscapeTSV(x)
			case json.Number:
				fields[i] = x.String()
			default:
				j, err := marshal(x)
				if err != nil {
					return err
				}
				fields[i] = store.EscapeTSV(string(j))
			}
		}
		fmt.Fprintln(bw, strings.Join(fields, "\t"))
	}
	return bw.Flush()
}

// writeJSONLines prints one object per row, keys in the query's column
// order, values typed.
func writeJSONLines(w io.Writer, t *store.Table) error {
	bw := bufio.NewWriter(w)
	for _, r := range t.Rows {
		bw.WriteByte('{')
		for i, v := range r {
			if i > 0 {
				bw.WriteByte(',')
			}
			k, _ := marshal(t.Columns[i])
			val, err := marshal(v)
			if err != nil {
				return err
			}
			bw.Write(k)
			bw.WriteByte(':')
			bw.Write(val)
		}
		bw.WriteString("}\n")
	}
	return bw.Flush()
}

// marshal is json.Marshal without HTML escaping.
func marshal(v any) ([]byte, error) {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return []byte(strings.TrimSuffix(b.String(), "\n")), nil
}
