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
	"github.com/diskominfo-kaltim/pantau/crawler"
	"github.com/diskominfo-kaltim/pantau/stage"
)

var (
	flagDLQStage string
	flagDLQAll   bool
)

func dlqFlags(fs *flag.FlagSet) {
	fs.StringVar(&flagDLQStage, "stage", "", "only the dead letters of this stage (classifier, writer)")
	fs.BoolVar(&flagDLQAll, "all", false, "replay or drop every dead letter (of --stage, if given)")
	fs.IntVar(&flagLimit, "limit", 0, "list at most this many (0: all)")
	fs.BoolVar(&flagJSON, "json", false, "JSON lines instead of a table")
}

const dlqUsage = "pakai: pantau dlq list | pantau dlq replay NO... | pantau dlq drop NO...  (atau --all, --stage TAHAP)"

// cmdDLQ lists, replays or drops the messages a stage gave up on.
func cmdDLQ(env *Env, args []string) error {
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
	if action != "list" && len(seqs) == 0 && !flagDLQAll {
		return usageError{fmt.Sprintf("pantau dlq %s butuh nomor pesan atau --all", action)}
	}
	if len(seqs) > 0 && flagDLQAll {
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
		return listDeadLetters(ctx, env, b)
	}
	if flagDLQAll {
		ls, err := b.DeadLetters(ctx, flagDLQStage, 0)
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

func listDeadLetters(ctx context.Context, env *Env, b *bus.Bus) error {
	ls, err := b.DeadLetters(ctx, flagDLQStage, flagLimit)
	if err != nil {
		return err
	}
	if flagJSON {
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
