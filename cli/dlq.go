package cli

import (
	"context"
	"flag"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/diskominfo-kaltim/pantau/bus"
	"github.com/diskominfo-kaltim/pantau/config"
	"github.com/diskominfo-kaltim/pantau/crawler"
	"github.com/diskominfo-kaltim/pantau/stage"
)

var dlqCommand = &command{
	name:    "dlq",
	args:    "list | replay NO...|--all | drop NO...|--all [--stage TAHAP]",
	summary: "pesan yang gagal diproses (dead-letter): lihat, kirim ulang ke tahapnya, atau hapus",
	about: `Pesan yang tidak dapat diproses sebuah tahap (artikel rusak, basis data menolak baris, panic)
disimpan di stream dead-letter beserta alasannya, tidak hilang. dlq list menampilkannya (NO, tahap,
waktu, jumlah pengiriman, ID artikel, alasan); setelah penyebabnya diperbaiki, dlq replay mengirimnya
kembali ke tahap asalnya, dan dlq drop menghapusnya. Dengan NATS bawaan, hentikan pantau run dulu
(penyimpanan NATS dipakai satu proses).`,
	scope: config.ScopeBus | config.ScopeCommon,
	examples: []string{
		"pantau dlq list",
		"pantau dlq replay 12 13",
		"pantau dlq replay --all --stage writer",
		"pantau dlq drop 7",
	},
	new: func() runner { return &dlqCmd{} },
}

type dlqCmd struct {
	stage string
	all   bool
	limit int
	json  bool
}

func (c *dlqCmd) flags(fs *flag.FlagSet) {
	fs.StringVar(&c.stage, "stage", "", "hanya pesan dari `TAHAP` ini (classifier, writer)")
	fs.BoolVar(&c.all, "all", false, "kirim ulang atau hapus semua pesan (dari --stage, bila diberikan)")
	fs.IntVar(&c.limit, "limit", 0, "dlq list: paling banyak sekian pesan (0: semua)")
	fs.BoolVar(&c.json, "json", false, "dlq list: JSON lines, bukan tabel")
}

const dlqUsage = "pakai: pantau dlq list | pantau dlq replay NO... | pantau dlq drop NO...  (atau --all, --stage TAHAP)"

// run lists, replays or drops the messages a stage gave up on.
func (c *dlqCmd) run(env *Env, args []string) error {
	if len(args) == 0 {
		return usageError{dlqUsage}
	}
	action, rest := args[0], args[1:]
	if action != "list" && action != "replay" && action != "drop" {
		return usageError{fmt.Sprintf("aksi %q tidak dikenal; %s", action, dlqUsage)}
	}
	if action == "list" && len(rest) > 0 {
		return usageError{"pantau dlq list tidak menerima nomor; pakai --stage atau --limit"}
	}
	var seqs []uint64
	for _, a := range rest {
		n, err := strconv.ParseUint(a, 10, 64)
		if err != nil || n == 0 {
			return usageError{fmt.Sprintf("nomor pesan %q tidak valid (lihat kolom NO pada pantau dlq list)", a)}
		}
		seqs = append(seqs, n)
	}
	if action != "list" && len(seqs) == 0 && !c.all {
		return usageError{fmt.Sprintf("pantau dlq %s butuh nomor pesan atau --all", action)}
	}
	if len(seqs) > 0 && c.all {
		return usageError{"pakai nomor pesan atau --all, tidak keduanya"}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cfg := env.Config
	b, err := bus.Open(ctx, bus.Options{URL: cfg.NATSURL, StoreDir: filepath.Join(cfg.DataDir, "nats"), Replicas: cfg.NATSReplicas}, env.Log)
	if err != nil {
		return fmt.Errorf("bus tidak dapat dibuka (hentikan pantau run bila NATS berjalan di dalamnya): %w", err)
	}
	defer b.Close()
	if action == "list" {
		return c.list(ctx, env, b)
	}
	if c.all {
		ls, err := b.DeadLetters(ctx, c.stage, 0)
		if err != nil {
			return err
		}
		for _, l := range ls {
			seqs = append(seqs, l.Seq)
		}
	}
	done := 0
	for _, seq := range seqs {
		if action == "replay" {
			l, err := b.Replay(ctx, seq)
			if err != nil {
				return fmt.Errorf("pesan %d tidak dapat dikirim ulang (%d sudah): %w", seq, done, err)
			}
			fmt.Fprintf(env.Stdout, "pesan %d (tahap %s) dikirim ulang ke %s\n", seq, l.Stage, l.Subject)
		} else {
			if err := b.Drop(ctx, seq); err != nil {
				return fmt.Errorf("pesan %d tidak dapat dihapus (%d sudah): %w", seq, done, err)
			}
			fmt.Fprintf(env.Stdout, "pesan %d dihapus\n", seq)
		}
		done++
	}
	verb := map[string]string{"replay": "dikirim ulang", "drop": "dihapus"}[action]
	fmt.Fprintf(env.Stdout, "%d pesan %s\n", done, verb)
	return nil
}

// deadLetterJSON is one dead letter in `pantau dlq list --json`.
type deadLetterJSON struct {
	No         uint64    `json:"no"`
	Stage      string    `json:"stage"`
	At         time.Time `json:"at"`
	Deliveries int       `json:"deliveries"`
	ID         string    `json:"id"`
	Subject    string    `json:"subject"`
	Reason     string    `json:"reason"`
	Stack      string    `json:"stack,omitempty"`
	Bytes      int       `json:"bytes"`
}

func (c *dlqCmd) list(ctx context.Context, env *Env, b *bus.Bus) error {
	ls, err := b.DeadLetters(ctx, c.stage, c.limit)
	if err != nil {
		return err
	}
	if c.json {
		enc := jsonOut(env)
		for _, l := range ls {
			if err := enc.Encode(deadLetterJSON{l.Seq, l.Stage, l.At, l.Deliveries, l.MsgID, l.Subject, l.Reason,
				l.Header.Get(stage.HeaderStack), len(l.Data)}); err != nil {
				return err
			}
		}
		return nil
	}
	if len(ls) == 0 {
		fmt.Fprintln(env.Stdout, "tidak ada pesan di dead-letter")
		return nil
	}
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NO\tTAHAP\tWAKTU (WITA)\tPENGIRIMAN\tID\tALASAN")
	for _, l := range ls {
		at := "-"
		if !l.At.IsZero() {
			at = l.At.In(crawler.WITA).Format("02/01/2006 15:04")
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%d\t%s\t%s\n", l.Seq, l.Stage, at, l.Deliveries, l.MsgID, oneLine(l.Reason, 100))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "%d pesan; kirim ulang dengan pantau dlq replay NO (atau --all), hapus dengan pantau dlq drop NO\n", len(ls))
	return nil
}

// oneLine shortens s to n characters on one line.
func oneLine(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}
