package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/diskominfo-kaltim/pantau/classifier"
	"github.com/diskominfo-kaltim/pantau/news"
	"github.com/diskominfo-kaltim/pantau/store"
)

var (
	flagModel     string
	flagEvalData  string
	flagTask      string
	flagShared    string
	flagOut       string
	flagBy        string
	flagNote      string
	flagEpochs    int
	flagBalance   float64
	flagTokenizer string

	flagAllowPrivate bool
)

// loadModel returns the model named by --model: a file from `pantau train`,
// "lexicon" for the baseline, or (empty) the shipped model.
func loadModel() (classifier.Model, error) {
	switch flagModel {
	case "":
		return classifier.LoadShipped()
	case "lexicon":
		return classifier.NewLexicon(), nil
	}
	return classifier.LoadFile(flagModel)
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

// cmdClassify streams JSON lines from stdin to stdout, one answer per line,
// in order; a malformed line gets an error line and the stream goes on.
func cmdClassify(env *Env, _ []string) error {
	m, err := loadModel()
	if err != nil {
		return err
	}
	return classifyStream(m, os.Stdin, env.Stdout)
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

// cmdEval scores a model on labelled JSON lines (four classes or polarity).
func cmdEval(env *Env, _ []string) error {
	if flagEvalData == "" {
		// `pantau eval --data FILE.jsonl`: here --data names the labelled file.
		flagEvalData = env.Set["data"]
	}
	if flagEvalData == "" {
		return usageError{"pakai: pantau eval --data FILE.jsonl"}
	}
	items, err := classifier.ReadJSONL(flagEvalData)
	if err != nil {
		return err
	}
	m, err := loadModel()
	if err != nil {
		return err
	}
	task := flagTask
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
		fmt.Fprintf(env.Stdout, "empat kelas isu — model %s, %s\n\n", m.Version(), flagEvalData)
	case "polarity":
		ev = classifier.EvaluatePolarity(m, items)
		fmt.Fprintf(env.Stdout, "polaritas — model %s, %s\n\n", m.Version(), flagEvalData)
	default:
		return usageError{fmt.Sprintf("task %q tidak dikenal (auto, issue, polarity)", task)}
	}
	if ev.N == 0 {
		return fmt.Errorf("no item in %s has a %s label", flagEvalData, task)
	}
	fmt.Fprint(env.Stdout, ev.String())
	return nil
}

// cmdTrain trains the model from the shared datasets and the analysts'
// corrections in the store, and writes it with a short report.
func cmdTrain(env *Env, _ []string) error {
	start := time.Now()
	data, err := classifier.LoadData(flagShared)
	if err != nil {
		return fmt.Errorf("reading datasets under %s: %w", flagShared, err)
	}
	corr, err := readCorrections(env)
	if err != nil {
		env.Log.Warn("koreksi label tidak dibaca; melatih tanpa koreksi", "error", err)
	}
	if err := os.MkdirAll(filepath.Dir(flagOut), 0o755); err != nil {
		return err
	}
	var vocab []byte
	switch flagTokenizer {
	case "new":
	case "shipped", "":
		vocab = classifier.ShippedTokenizer()
	default:
		if vocab, err = os.ReadFile(flagTokenizer); err != nil {
			return fmt.Errorf("reading the tokenizer: %w", err)
		}
	}
	tok := classifier.TokenizerPath(flagOut)
	m, err := classifier.Train(data, classifier.TrainOptions{Epochs: flagEpochs, Progress: env.Stderr, Corrections: corr, Seed: 1, Balance: flagBalance, Tokenizer: vocab}, tok)
	if err != nil {
		return err
	}
	f, err := os.Create(flagOut)
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
	if err := os.WriteFile(filepath.Join(filepath.Dir(flagOut), "REPORT.md"), []byte(report), 0o644); err != nil {
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

// cmdLabel records an analyst's correction of a mention's label.
func cmdLabel(env *Env, args []string) error {
	if len(args) != 2 {
		return usageError{"pakai: pantau label ID LABEL   (LABEL: positif, netral, \"berpotensi negatif\", negatif)"}
	}
	id, label := args[0], args[1]
	if !news.ValidLabel(label) {
		return usageError{fmt.Sprintf("label %q tidak dikenal; pilih positif, netral, \"berpotensi negatif\" atau negatif", label)}
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	b, err := openStore(ctx, env, env.Log)
	if err != nil {
		return err
	}
	defer b.Close()
	by := flagBy
	if by == "" {
		by = os.Getenv("USER")
	}
	if err := store.RecordCorrection(ctx, b, store.Correction{ID: id, Label: label, Analyst: by, Note: flagNote}); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "label %s diubah menjadi %q oleh %s; dipakai pada `pantau train` berikutnya\n", id, label, by)
	return nil
}
