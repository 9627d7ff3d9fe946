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
	"github.com/diskominfo-kaltim/pantau/config"
	"github.com/diskominfo-kaltim/pantau/labels"
	"github.com/diskominfo-kaltim/pantau/news"
	"github.com/diskominfo-kaltim/pantau/store"
)

var classifyCommand = &command{
	name:    "classify",
	args:    "[--model BERKAS]",
	summary: "klasifikasi JSON lines {id,title,text,kind} dari stdin ke stdout (label, keyakinan, skor, polaritas, bukti)",
	about: `Satu jawaban per baris masukan, berurutan, juga untuk baris kosong. Baris yang bukan JSON atau
tanpa title dan text mendapat baris galat {"line":N,"error":...} dan aliran berlanjut. kind (berita,
rilis, sosmed) boleh diisi; kosong dibaca sebagai berita.`,
	examples: []string{
		`echo '{"id":"1","title":"Banjir rendam Samarinda","text":"Warga mengungsi."}' | pantau classify`,
		"pantau classify --model model/pantau.model < berita.jsonl > label.jsonl",
	},
	new: func() runner { return &classifyCmd{} },
}

type classifyCmd struct {
	model string
}

// modelFlag is --model of classify and eval; empty falls back to the
// config option model.
func modelFlag(fs *flag.FlagSet, p *string) {
	fs.StringVar(p, "model", "", "`BERKAS` model dari pantau train; lexicon: pengklasifikasi leksikon sederhana sebagai pembanding; kosong: opsi model, lalu model bawaan")
}

func (c *classifyCmd) flags(fs *flag.FlagSet) { modelFlag(fs, &c.model) }

var evalCommand = &command{
	name:    "eval",
	args:    "--data BERKAS.jsonl [--model BERKAS]",
	summary: "mengukur model pada data berlabel: presisi, recall, F1 per kelas, macro-F1, matriks kebingungan",
	about:   `Di sini --data adalah berkas JSON lines berlabel ({title,text,kind,label}), bukan direktori data.`,
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
	args:    "[--out BERKAS] [--folds 5] [--force]",
	summary: "melatih model dari data repositori dan koreksi analis, diukur dengan validasi silang di samping dua baseline",
	about: `Data latih ada di repositori (classifier/data, labels); koreksi analis dari penyimpanan ikut.
Validasi silang 5 lipatan dikelompokkan per cerita dan per artikel; naive Bayes dan TF-IDF regresi
logistik dihitung pada lipatan yang sama. Laporan ditulis ke REPORT.md di samping model. Model yang
sudah ada tidak ditimpa bila model baru lebih rendah skornya, kecuali dengan --force. Sekitar
3 menit CPU.`,
	scope: config.ScopeStore | config.ScopeLog,
	examples: []string{
		"pantau train --out model/pantau.model",
		"pantau train --subset 8 --out /tmp/coba.model   # coba cepat pada seperdelapan data",
	},
	new: func() runner { return &trainCmd{} },
}

type trainCmd struct {
	out, vectors  string
	folds, subset int
	force         bool
}

func (c *trainCmd) flags(fs *flag.FlagSet) {
	fs.StringVar(&c.out, "out", "classifier/model/pantau.model", "`BERKAS` model yang ditulis (REPORT.md di sebelahnya)")
	fs.IntVar(&c.folds, "folds", 5, "lipatan validasi silang untuk laporan; 0: melatih tanpa mengukur")
	fs.IntVar(&c.subset, "subset", 0, "hanya setiap cerita atau artikel ke-N (untuk mencoba perintah dengan cepat)")
	fs.StringVar(&c.vectors, "vectors", "shipped", "vektor kata: shipped, new (dilatih; ditulis di samping model sebagai vectors.gz) atau berkas vectors.gz")
	fs.BoolVar(&c.force, "force", false, "timpa model yang ada walau model baru lebih rendah skornya dalam validasi silang")
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

// loadModel returns the model named by --model or, when that is empty,
// the config option model: a file from `pantau train`, "lexicon" for the
// baseline, or (empty) the shipped model.
func loadModel(env *Env, model string) (classifier.Model, error) {
	if model == "" {
		model = env.Config.Model
	}
	return classifier.Open(model)
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

// run streams JSON lines from stdin to stdout: every line gets one
// answer line, in order; a line that cannot be classified gets an error
// line and the stream goes on.
func (c *classifyCmd) run(env *Env, _ []string) error {
	m, err := loadModel(env, c.model)
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
		return classifyErr{Line: n, Error: jsonProblem(err)}
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

// run scores a model on labelled JSON lines (four classes or polarity).
func (c *evalCmd) run(env *Env, _ []string) error {
	if c.data == "" {
		return usageError{"pakai: pantau eval --data BERKAS.jsonl"}
	}
	f, err := os.Open(c.data)
	if err != nil {
		return err
	}
	items, err := labels.ReadJSONL(f, c.data)
	f.Close()
	if err != nil {
		return err
	}
	m, err := loadModel(env, c.model)
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
	var gold, got []int
	var classes []string
	switch task {
	case "issue":
		classes = news.Labels[:]
		fmt.Fprintf(env.Stdout, "empat kelas isu — model %s, %s\n\n", m.Version(), c.data)
	case "polarity":
		classes = []string{news.PolarityPositif, news.PolarityNetral, news.PolarityNegatif}
		fmt.Fprintf(env.Stdout, "polaritas — model %s, %s\n\n", m.Version(), c.data)
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
		return fmt.Errorf("tidak ada item di %s yang berlabel %s", c.data, task)
	}
	fmt.Fprint(env.Stdout, train.Score(classes, gold, got).String())
	return nil
}

// run trains the model from the repository's data and the analysts'
// corrections in the store, measures it by cross-validation next to the
// baselines, and writes it with its report — unless it would replace a
// model that scored higher.
func (c *trainCmd) run(env *Env, _ []string) error {
	corr, err := readCorrections(env)
	if err != nil {
		env.Log.Warn("koreksi label tidak dibaca; melatih tanpa koreksi", "error", err)
	}
	data, err := train.Load(corr)
	if err != nil {
		return err
	}
	var vec *train.Vectors
	switch c.vectors {
	case "shipped", "":
		vec, err = train.ShippedVectors()
	case "new":
		vec, err = train.NewVectors(data, 1, env.Stderr)
	default:
		var f *os.File
		if f, err = os.Open(c.vectors); err == nil {
			vec, err = train.ReadVectors(f)
			f.Close()
		}
	}
	if err != nil {
		return fmt.Errorf("word vectors: %w", err)
	}
	b, rep, err := train.Train(data, train.Options{Folds: c.folds, Seed: 1, Vectors: vec, Progress: env.Stderr, Subset: c.subset})
	if err != nil {
		return err
	}
	report := rep.Markdown()
	fmt.Fprint(env.Stdout, report)
	if old, err := classifier.LoadFile(c.out); err == nil && !c.force {
		was, had := old.Header().Scores["cv/all"]
		now, has := rep.Score("all")
		if had && (!has || now < was) {
			return fmt.Errorf("model baru (CV makro-F1 %.3f) tidak ditulis: %s mencatat %.3f; pakai --force untuk tetap menimpanya", now, c.out, was)
		}
	}
	if err := os.MkdirAll(filepath.Dir(c.out), 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(c.out, b, 0o644); err != nil {
		return err
	}
	if c.vectors == "new" {
		f, err := os.Create(filepath.Join(filepath.Dir(c.out), "vectors.gz"))
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
	return os.WriteFile(filepath.Join(filepath.Dir(c.out), "REPORT.md"), []byte(report), 0o644)
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
	corrected, err := store.CorrectedMentions(ctx, b)
	if err != nil {
		return nil, err
	}
	out := make([]train.Item, len(corrected))
	for i, c := range corrected {
		out[i] = train.Item{ID: c.ID, Title: c.Title, Text: c.Text, Label: c.Label}
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
		by = whoami()
	}
	if err := store.RecordCorrection(ctx, b, store.Correction{ID: id, Label: label, Analyst: by, Note: c.note}); err != nil {
		if errors.Is(err, store.ErrNoSuchMention) {
			return fmt.Errorf("artikel %s tidak ada di basis data (id dari pantau search atau pantau issue)", id)
		}
		return err
	}
	fmt.Fprintf(env.Stdout, "label %s diubah menjadi %q oleh %s; dipakai pada pelatihan berikutnya (pantau train)\n", id, label, by)
	return nil
}

// jsonProblem says in Bahasa Indonesia what is wrong with a line that is
// not an item: where the JSON breaks, or which field has the wrong type.
func jsonProblem(err error) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return fmt.Sprintf("bukan JSON yang sah (rusak pada karakter ke-%d); satu baris satu objek {\"id\",\"title\",\"text\",\"kind\"}", syn.Offset)
	case errors.As(err, &typ) && typ.Field != "":
		return fmt.Sprintf("JSON tidak sesuai: %s harus berupa teks", typ.Field)
	case errors.As(err, &typ):
		return "JSON tidak sesuai: satu baris harus satu objek {\"id\",\"title\",\"text\",\"kind\"}"
	}
	return "bukan JSON yang sah; satu baris satu objek {\"id\",\"title\",\"text\",\"kind\"}"
}
