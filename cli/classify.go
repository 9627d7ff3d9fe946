package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/diskominfo-kaltim/pantau/classifier"
	"github.com/diskominfo-kaltim/pantau/config"
	"github.com/diskominfo-kaltim/pantau/news"
	"github.com/diskominfo-kaltim/pantau/store"
)

var classifyCommand = &command{
	name:    "classify",
	args:    "[--model BERKAS]",
	summary: "klasifikasi JSON lines {id,title,text} dari stdin ke stdout (label, skor, polaritas, bukti)",
	about: `Satu jawaban per baris masukan, berurutan. Baris yang bukan JSON atau tanpa title dan text
mendapat baris galat {"line":N,"error":...} dan aliran berlanjut.`,
	examples: []string{
		`echo '{"id":"1","title":"Banjir rendam Samarinda","text":"Warga mengungsi."}' | pantau classify`,
		"pantau classify --model model/pantau.model < berita.jsonl > label.jsonl",
	},
	new: func() runner { return &classifyCmd{} },
}

type classifyCmd struct {
	model string
}

// modelFlag is --model of classify and eval.
func modelFlag(fs *flag.FlagSet, p *string) {
	fs.StringVar(p, "model", "", "`BERKAS` model dari pantau train; lexicon untuk baseline; kosong: model bawaan")
}

func (c *classifyCmd) flags(fs *flag.FlagSet) { modelFlag(fs, &c.model) }

var evalCommand = &command{
	name:    "eval",
	args:    "--data BERKAS.jsonl [--model BERKAS]",
	summary: "mengukur model pada data berlabel: presisi, recall, F1 per kelas, macro-F1, matriks kebingungan",
	about:   `Di sini --data adalah berkas JSON lines berlabel ({title,text,label}), bukan direktori data.`,
	examples: []string{
		"pantau eval --data uji.jsonl",
		"pantau eval --data uji.jsonl --model model/pantau.model --task issue",
	},
	new: func() runner { return &evalCmd{} },
}

type evalCmd struct {
	model, data, task string
}

func (c *evalCmd) flags(fs *flag.FlagSet) {
	modelFlag(fs, &c.model)
	fs.StringVar(&c.data, "data", "", "`BERKAS` JSON lines berlabel yang diukur")
	fs.StringVar(&c.task, "task", "auto", "issue (empat kelas), polarity (polaritas), atau auto")
}

var trainCommand = &command{
	name:    "train",
	args:    "[--shared DIR] [--out BERKAS]",
	summary: "melatih model dari data bersama dan koreksi analis, lalu menulis laporannya",
	scope:   config.ScopeStore | config.ScopeLog,
	examples: []string{
		"pantau train",
		"pantau train --shared ../shared --out model/pantau.model --epochs 3",
	},
	new: func() runner { return &trainCmd{} },
}

type trainCmd struct {
	shared, out, tokenizer string
	epochs                 int
	balance                float64
}

func (c *trainCmd) flags(fs *flag.FlagSet) {
	fs.StringVar(&c.shared, "shared", "../shared", "`DIR` data bersama yang berisi datasets/ dan labels/")
	fs.StringVar(&c.out, "out", "classifier/model/pantau.model", "`BERKAS` model yang ditulis (NAMA.tokenizer.json dan REPORT.md di sebelahnya)")
	fs.IntVar(&c.epochs, "epochs", classifier.DefaultEpochs, "epoch pelatihan kepala polaritas (kepala isu tiga kali lipatnya)")
	fs.Float64Var(&c.balance, "balance", classifier.DefaultBalance, "penyeimbangan kelas, 0 (tidak) sampai 1 (bobot sama per kelas)")
	fs.StringVar(&c.tokenizer, "tokenizer", "shipped", "kosakata subkata: shipped (pakai yang bawaan: data yang sama memberi model yang sama), new (latih BPE baru), atau berkas tokenizer.json")
}

var labelCommand = &command{
	name:    "label",
	args:    "ID LABEL [--by NAMA]",
	summary: "mengoreksi label sebuah artikel (dipakai pantau train berikutnya)",
	about:   `ID adalah id artikel (pantau search, pantau issue). LABEL: ` + labelChoices + `.`,
	scope:   config.ScopeStore,
	examples: []string{
		`pantau label 9b1c0e7f2a3d4e5f negatif --by prahum1`,
		`pantau label 9b1c0e7f2a3d4e5f "berpotensi negatif" --note "warga masih mengeluh"`,
	},
	new: func() runner { return &labelCmd{} },
}

type labelCmd struct {
	by, note string
}

func (c *labelCmd) flags(fs *flag.FlagSet) {
	fs.StringVar(&c.by, "by", "", "`NAMA` analis (bawaan $USER)")
	fs.StringVar(&c.note, "note", "", "alasan label diubah")
}

// loadModel returns the model named by --model: a file from `pantau train`,
// "lexicon" for the baseline, or (empty) the shipped model.
func loadModel(model string) (classifier.Model, error) {
	switch model {
	case "":
		return classifier.LoadShipped()
	case "lexicon":
		return classifier.NewLexicon(), nil
	}
	return classifier.LoadFile(model)
}

type classifyIn struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	Text  string `json:"text"`
}

type classifyOut struct {
	ID           string             `json:"id"`
	Label        string             `json:"label"`
	Scores       map[string]float32 `json:"scores"`
	Polarity     string             `json:"polarity"`
	ModelVersion string             `json:"model_version"`
	Evidence     []string           `json:"evidence"`
}

type classifyErr struct {
	Line  int    `json:"line"`
	ID    string `json:"id,omitempty"`
	Error string `json:"error"`
}

// run streams JSON lines from stdin to stdout, one answer per line, in
// order; a malformed line gets an error line and the stream goes on.
func (c *classifyCmd) run(env *Env, _ []string) error {
	m, err := loadModel(c.model)
	if err != nil {
		return err
	}
	return classifyStream(m, env.Stdin, env.Stdout)
}

func classifyStream(m classifier.Model, in io.Reader, out io.Writer) error {
	r := bufio.NewReaderSize(in, 1<<20)
	w := bufio.NewWriterSize(out, 1<<16)
	defer w.Flush()
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for n := 1; ; n++ {
		line, err := r.ReadBytes('\n')
		if len(line) > 0 {
			var it classifyIn
			if s := strings.TrimSpace(string(line)); s == "" {
				// Blank lines are no items; line numbers stay physical.
			} else if jerr := json.Unmarshal([]byte(s), &it); jerr != nil {
				enc.Encode(classifyErr{Line: n, Error: "JSON tidak valid: " + jerr.Error()})
			} else if it.Title == "" && it.Text == "" {
				enc.Encode(classifyErr{Line: n, ID: it.ID, Error: "title dan text kosong"})
			} else {
				res := m.Classify(it.Title, it.Text)
				o := classifyOut{ID: it.ID, Label: res.Label, Polarity: res.Polarity, ModelVersion: m.Version(),
					Evidence: res.Evidence, Scores: make(map[string]float32, 4)}
				if o.Evidence == nil {
					o.Evidence = []string{}
				}
				for i, l := range news.Labels {
					o.Scores[l] = res.Scores[i]
				}
				if err := enc.Encode(o); err != nil {
					return err
				}
			}
			if r.Buffered() == 0 {
				w.Flush() // answer interactive callers line by line
			}
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// run scores a model on labelled JSON lines (four classes or polarity).
func (c *evalCmd) run(env *Env, _ []string) error {
	if c.data == "" {
		return usageError{"pakai: pantau eval --data BERKAS.jsonl"}
	}
	items, err := classifier.ReadJSONL(c.data)
	if err != nil {
		return err
	}
	m, err := loadModel(c.model)
	if err != nil {
		return err
	}
	task := c.task
	if task == "auto" {
		task = "polarity"
		for _, it := range items {
			if it.Label == news.LabelBerpotensiNegatif {
				task = "issue"
				break
			}
		}
	}
	var ev classifier.Eval
	switch task {
	case "issue":
		ev = classifier.EvaluateIssue(m, items)
		fmt.Fprintf(env.Stdout, "empat kelas isu — model %s, %s\n\n", m.Version(), c.data)
	case "polarity":
		ev = classifier.EvaluatePolarity(m, items)
		fmt.Fprintf(env.Stdout, "polaritas — model %s, %s\n\n", m.Version(), c.data)
	default:
		return usageError{fmt.Sprintf("task %q tidak dikenal (auto, issue, polarity)", task)}
	}
	if ev.N == 0 {
		return fmt.Errorf("tidak ada item di %s yang berlabel %s", c.data, task)
	}
	fmt.Fprint(env.Stdout, ev.String())
	return nil
}

// run trains the model from the shared datasets and the analysts'
// corrections in the store, and writes it with a short report.
func (c *trainCmd) run(env *Env, _ []string) error {
	start := time.Now()
	data, err := classifier.LoadData(c.shared)
	if err != nil {
		return fmt.Errorf("reading datasets under %s: %w", c.shared, err)
	}
	corr, err := readCorrections(env)
	if err != nil {
		env.Log.Warn("koreksi label tidak dibaca; melatih tanpa koreksi", "error", err)
	}
	if err := os.MkdirAll(filepath.Dir(c.out), 0o755); err != nil {
		return err
	}
	var vocab []byte
	switch c.tokenizer {
	case "new":
	case "shipped", "":
		vocab = classifier.ShippedTokenizer()
	default:
		if vocab, err = os.ReadFile(c.tokenizer); err != nil {
			return fmt.Errorf("reading the tokenizer: %w", err)
		}
	}
	tok := classifier.TokenizerPath(c.out)
	m, err := classifier.Train(data, classifier.TrainOptions{Epochs: c.epochs, Progress: env.Stderr, Corrections: corr, Seed: 1, Balance: c.balance, Tokenizer: vocab}, tok)
	if err != nil {
		return err
	}
	f, err := os.Create(c.out)
	if err != nil {
		return err
	}
	if err := m.Params().Save(f); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	report := classifier.Report(m, data, time.Since(start))
	if err := os.WriteFile(filepath.Join(filepath.Dir(c.out), "REPORT.md"), []byte(report), 0o644); err != nil {
		return err
	}
	fmt.Fprint(env.Stdout, report)
	return nil
}

// readCorrections returns the analysts' latest label for each corrected
// mention, with its title and text.
func readCorrections(env *Env) ([]classifier.Item, error) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	b, err := openStore(ctx, env, nil)
	if err != nil {
		return nil, err
	}
	defer b.Close()
	corrected, err := store.CorrectedMentions(ctx, b)
	if err != nil {
		return nil, err
	}
	out := make([]classifier.Item, len(corrected))
	for i, c := range corrected {
		out[i] = classifier.Item{ID: c.ID, Title: c.Title, Text: c.Text, Label: c.Label}
	}
	env.Log.Info("koreksi analis dipakai untuk pelatihan", "jumlah", len(out))
	return out, nil
}

// run records an analyst's correction of a mention's label.
func (c *labelCmd) run(env *Env, args []string) error {
	if len(args) != 2 {
		return usageError{"pakai: pantau label ID LABEL   (LABEL: " + labelChoices + ")"}
	}
	id, label := args[0], args[1]
	if !news.ValidLabel(label) {
		return usageError{fmt.Sprintf("label %q tidak dikenal; pilih %s", label, labelChoices)}
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	b, err := openStore(ctx, env, env.Log)
	if err != nil {
		return err
	}
	defer b.Close()
	by := c.by
	if by == "" {
		by = os.Getenv("USER")
	}
	if err := store.RecordCorrection(ctx, b, store.Correction{ID: id, Label: label, Analyst: by, Note: c.note}); err != nil {
		if errors.Is(err, store.ErrNoSuchMention) {
			return fmt.Errorf("artikel %s tidak ada di basis data (id dari pantau search atau pantau issue)", id)
		}
		return err
	}
	fmt.Fprintf(env.Stdout, "label %s diubah menjadi %q oleh %s; dipakai pada `pantau train` berikutnya\n", id, label, by)
	return nil
}
