package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/diskominfo-kaltim/pantau/classifier"
	"github.com/diskominfo-kaltim/pantau/classifier/train"
	"github.com/diskominfo-kaltim/pantau/labels"
	"github.com/diskominfo-kaltim/pantau/news"
	"github.com/diskominfo-kaltim/pantau/store"
)

var (
	flagEvalData   string
	flagTask       string
	flagOut        string
	flagFolds      int
	flagSubset     int
	flagVectors    string
	flagTrainForce bool
	flagBy         string
	flagNote       string

	flagAllowPrivate bool
)

// classifierFlags declares the flags of classify, eval and train (the
// model file itself is the `model` option).
func classifierFlags(name string, fs *flag.FlagSet) {
	switch name {
	case "eval":
		fs.StringVar(&flagEvalData, "data-file", "", "labelled JSON lines (alias of the positional --data FILE.jsonl)")
		fs.StringVar(&flagTask, "task", "auto", "issue (four classes), polarity, or auto")
	case "train":
		fs.StringVar(&flagOut, "out", "classifier/model/pantau.model", "where to write the model (REPORT.md goes beside it)")
		fs.IntVar(&flagFolds, "folds", 5, "cross-validation folds for the report; 0 fits without measuring")
		fs.IntVar(&flagSubset, "subset", 0, "train on every N-th story or article only (to try the command quickly)")
		fs.StringVar(&flagVectors, "vectors", "shipped", "word vectors: shipped, new (train them; written beside the model as vectors.gz) or a vectors.gz file")
		fs.BoolVar(&flagTrainForce, "force", false, "write over an existing model even if the new one scores lower in cross-validation")
	}
}

// loadModel returns the model named by the model option: a file from
// `pantau train`, "lexicon" for the baseline, or (empty) the shipped model.
func loadModel(env *Env) (classifier.Model, error) {
	return classifier.Open(env.Config.Model)
}

type classifyIn struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	Text  string `json:"text"`
	Kind  string `json:"kind"`
}

type classifyOut struct {
	ID           string             `json:"id"`
	Label        string             `json:"label"`
	Scores       map[string]float32 `json:"scores"`
	Confidence   float32            `json:"confidence"`
	Polarity     string             `json:"polarity"`
	ModelVersion string             `json:"model_version"`
	Evidence     []string           `json:"evidence"`
}

type classifyErr struct {
	Line  int    `json:"line"`
	ID    string `json:"id,omitempty"`
	Error string `json:"error"`
}

// cmdClassify streams JSON lines from stdin to stdout: every line gets one
// answer line, in order; a line that cannot be classified gets an error
// line and the stream goes on.
func cmdClassify(env *Env, _ []string) error {
	m, err := loadModel(env)
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
			if err := enc.Encode(classifyLine(m, n, line)); err != nil {
				return err
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

// classifyLine answers one input line.
func classifyLine(m classifier.Model, n int, line []byte) (answer any) {
	var it classifyIn
	line = bytes.TrimSpace(line)
	if len(line) == 0 {
		return classifyErr{Line: n, Error: "baris kosong"}
	}
	if err := json.Unmarshal(line, &it); err != nil {
		return classifyErr{Line: n, Error: "JSON tidak valid: " + err.Error()}
	}
	if it.Title == "" && it.Text == "" {
		return classifyErr{Line: n, ID: it.ID, Error: "title dan text kosong"}
	}
	defer func() {
		// The model never panics on any text (fuzzed); should it, the line
		// still gets its answer.
		if p := recover(); p != nil {
			answer = classifyErr{Line: n, ID: it.ID, Error: fmt.Sprintf("gagal mengklasifikasi: %v", p)}
		}
	}()
	res := m.Classify(it.Title, it.Text, it.Kind)
	o := classifyOut{ID: it.ID, Label: res.Label, Confidence: res.Confidence, Polarity: res.Polarity,
		ModelVersion: m.Version(), Evidence: res.Evidence, Scores: make(map[string]float32, 4)}
	if o.Evidence == nil {
		o.Evidence = []string{}
	}
	for i, l := range news.Labels {
		o.Scores[l] = res.Scores[i]
	}
	return o
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
	f, err := os.Open(flagEvalData)
	if err != nil {
		return err
	}
	items, err := labels.ReadJSONL(f, flagEvalData)
	f.Close()
	if err != nil {
		return err
	}
	m, err := loadModel(env)
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
	var gold, got []int
	var classes []string
	switch task {
	case "issue":
		classes = news.Labels[:]
		fmt.Fprintf(env.Stdout, "empat kelas isu — model %s, %s\n\n", m.Version(), flagEvalData)
	case "polarity":
		classes = []string{news.PolarityPositif, news.PolarityNetral, news.PolarityNegatif}
		fmt.Fprintf(env.Stdout, "polaritas — model %s, %s\n\n", m.Version(), flagEvalData)
	default:
		return usageError{fmt.Sprintf("task %q tidak dikenal (auto, issue, polarity)", task)}
	}
	for _, it := range items {
		g := train.IssueIndex(it.Label)
		if task == "polarity" {
			g = train.PolarityIndex(it.Label)
		}
		if g < 0 {
			continue
		}
		r := m.Classify(it.Title, it.Text, it.Kind)
		p := train.IssueIndex(r.Label)
		if task == "polarity" {
			p = train.PolarityIndex(r.Polarity)
		}
		gold, got = append(gold, g), append(got, p)
	}
	if len(gold) == 0 {
		return fmt.Errorf("no item in %s has a %s label", flagEvalData, task)
	}
	fmt.Fprint(env.Stdout, train.Score(classes, gold, got).String())
	return nil
}

// cmdTrain trains the model from the repository's data and the analysts'
// corrections in the store, measures it by cross-validation next to the
// baselines, and writes it with its report — unless it would replace a
// model that scored higher.
func cmdTrain(env *Env, _ []string) error {
	corr, err := readCorrections(env)
	if err != nil {
		env.Log.Warn("koreksi label tidak dibaca; melatih tanpa koreksi", "error", err)
	}
	c, err := train.Load(corr)
	if err != nil {
		return err
	}
	var vec *train.Vectors
	switch flagVectors {
	case "shipped", "":
		vec, err = train.ShippedVectors()
	case "new":
		vec, err = train.NewVectors(c, 1, env.Stderr)
	default:
		var f *os.File
		if f, err = os.Open(flagVectors); err == nil {
			vec, err = train.ReadVectors(f)
			f.Close()
		}
	}
	if err != nil {
		return fmt.Errorf("word vectors: %w", err)
	}
	b, rep, err := train.Train(c, train.Options{Folds: flagFolds, Seed: 1, Vectors: vec, Progress: env.Stderr, Subset: flagSubset})
	if err != nil {
		return err
	}
	report := rep.Markdown()
	fmt.Fprint(env.Stdout, report)
	if old, err := classifier.LoadFile(flagOut); err == nil && !flagTrainForce {
		was, had := old.Header().Scores["cv/all"]
		now, has := rep.Score("all")
		if had && (!has || now < was) {
			return fmt.Errorf("model baru (CV makro-F1 %.3f) tidak ditulis: %s mencatat %.3f; pakai --force untuk tetap menimpanya", now, flagOut, was)
		}
	}
	if err := os.MkdirAll(filepath.Dir(flagOut), 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(flagOut, b, 0o644); err != nil {
		return err
	}
	if flagVectors == "new" {
		f, err := os.Create(filepath.Join(filepath.Dir(flagOut), "vectors.gz"))
		if err != nil {
			return err
		}
		if err := vec.Save(f); err != nil {
			f.Close()
			return err
		}
		if err := f.Close(); err != nil {
			return err
		}
	}
	return os.WriteFile(filepath.Join(filepath.Dir(flagOut), "REPORT.md"), []byte(report), 0o644)
}

// readCorrections returns the analysts' latest label for each corrected
// mention, with its title and text.
func readCorrections(env *Env) ([]train.Item, error) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	b, err := openStore(ctx, env, nil)
	if err != nil {
		return nil, err
	}
	defer b.Close()
	db := b.Database()
	labels, err := b.Query(ctx, "SELECT id, argMax(label, corrected_at) FROM "+db+".label_corrections GROUP BY id", nil)
	if err != nil {
		return nil, err
	}
	if len(labels.Rows) == 0 {
		return nil, nil
	}
	texts, err := b.Query(ctx, "SELECT id, any(title), any(text) FROM "+db+".mentions WHERE id IN (SELECT id FROM "+db+".label_corrections) GROUP BY id", nil)
	if err != nil {
		return nil, err
	}
	byID := map[string][2]string{}
	for _, r := range texts.Rows {
		byID[r[0]] = [2]string{r[1], r[2]}
	}
	var out []train.Item
	for _, r := range labels.Rows {
		if t, ok := byID[r[0]]; ok {
			out = append(out, train.Item{ID: r[0], Title: t[0], Text: t[1], Label: r[1]})
		}
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
