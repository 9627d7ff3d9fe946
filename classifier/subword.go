package classifier

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/sugarme/tokenizer"
	"github.com/sugarme/tokenizer/model/bpe"
	"github.com/sugarme/tokenizer/normalizer"
	"github.com/sugarme/tokenizer/pretokenizer"
	"github.com/sugarme/tokenizer/pretrained"
)

// Subword splits words into the subword units of a BPE vocabulary trained
// on Indonesian text with github.com/sugarme/tokenizer. Words are encoded
// by the library once and then remembered: news repeats its words, and the
// library's per-call cost is far above the classifier's budget.
type Subword struct {
	tk    *tokenizer.Tokenizer
	mu    sync.RWMutex
	cache map[string][]string
}

const subwordCacheMax = 500_000

// LoadSubword loads a tokenizer file (Hugging Face tokenizer.json format).
func LoadSubword(r io.Reader) (*Subword, error) {
	tk, err := pretrained.FromReader(r)
	if err != nil {
		return nil, fmt.Errorf("loading tokenizer: %w", err)
	}
	return &Subword{tk: tk, cache: make(map[string][]string, 1<<15)}, nil
}

// Pieces returns the subword units of one lower-case word.
func (s *Subword) Pieces(word string) []string {
	s.mu.RLock()
	p, ok := s.cache[word]
	s.mu.RUnlock()
	if ok {
		return p
	}
	enc, err := s.tk.EncodeSingle(word, false)
	if err == nil {
		p = enc.Tokens
	}
	if len(p) == 1 && p[0] == word {
		p = nil // whole words are already word features
	}
	s.mu.Lock()
	if len(s.cache) < subwordCacheMax {
		s.cache[word] = p
	}
	s.mu.Unlock()
	return p
}

// VocabSize is the number of subword units.
func (s *Subword) VocabSize() int { return s.tk.GetVocabSize(true) }

// TrainSubword trains a BPE vocabulary of at most vocabSize units on the
// text files with the library's trainer and writes a tokenizer.json that
// LoadSubword (and the library's pretrained.FromFile) reads.
func TrainSubword(files []string, vocabSize int, out string) error {
	model, err := bpe.NewBpeBuilder().Build()
	if err != nil {
		return err
	}
	tk := tokenizer.NewTokenizer(model)
	tk.WithNormalizer(normalizer.Lowercase())
	tk.WithPreTokenizer(pretokenizer.NewBertPreTokenizer())
	// The trainer prints its own progress to stdout; keep our output clean.
	stdout := os.Stdout
	devnull, _ := os.Open(os.DevNull)
	os.Stdout = devnull
	err = tk.Train(bpe.NewBpeTrainer(2, vocabSize), files)
	os.Stdout = stdout
	devnull.Close()
	if err != nil {
		return fmt.Errorf("training subwords: %w", err)
	}
	dir, err := os.MkdirTemp("", "pantau-bpe-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	if err := tk.GetModel().Save(dir, "bpe"); err != nil {
		return err
	}
	vb, err := os.ReadFile(filepath.Join(dir, "bpe-vocab.json"))
	if err != nil {
		return err
	}
	var vocab map[string]int
	if err := json.Unmarshal(vb, &vocab); err != nil {
		return err
	}
	mf, err := os.Open(filepath.Join(dir, "bpe-merges.txt"))
	if err != nil {
		return err
	}
	defer mf.Close()
	merges := []string{}
	sc := bufio.NewScanner(mf)
	for sc.Scan() {
		l := strings.TrimSpace(sc.Text())
		// The trainer's output holds a few entries that are not pairs.
		if l == "" || strings.HasPrefix(l, "#") || len(strings.Fields(l)) != 2 {
			continue
		}
		merges = append(merges, l)
	}
	return writeTokenizerJSON(out, vocab, merges)
}

func writeTokenizerJSON(path string, vocab map[string]int, merges []string) error {
	// Stable output: vocab keys sorted by id.
	type kv struct {
		k string
		v int
	}
	items := make([]kv, 0, len(vocab))
	for k, v := range vocab {
		items = append(items, kv{k, v})
	}
	sort.Slice(items, func(i, j int) bool { return items[i].v < items[j].v })
	var b strings.Builder
	b.WriteString(`{"version":"1.0","truncation":null,"padding":null,"added_tokens":[],` +
		`"normalizer":{"type":"Lowercase"},"pre_tokenizer":{"type":"BertPreTokenizer"},` +
		`"post_processor":null,"decoder":null,"model":{"type":"BPE","dropout":null,"unk_token":null,` +
		`"continuing_subword_prefix":null,"end_of_word_suffix":null,"fuse_unk":false,"vocab":{`)
	for i, it := range items {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(it.k)
		fmt.Fprintf(&b, "\n%s:%d", k, it.v)
	}
	b.WriteString("},\"merges\":[")
	for i, m := range merges {
		if i > 0 {
			b.WriteByte(',')
		}
		q, _ := json.Marshal(m)
		b.WriteString("\n")
		b.Write(q)
	}
	b.WriteString("]}}\n")
	return os.WriteFile(path, []byte(b.String()), 0o644)
}
