package retrieval

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"os"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/registry"

	"github.com/ibidbot/ibid/corpus"
)

// textAnalysis is the prose field's analysis split in two, so that the
// reranker knows both forms of a word: the surface form (folded, lower
// case, possessive dropped: what a word list such as package related knows)
// and its stem (what the index matches on).
type textAnalysis struct {
	surface analysis.Analyzer    // the prose analyzer without its stemmer
	stemmer analysis.TokenFilter // the prose analyzer's stemmer
	exact   analysis.Analyzer    // the exact field's analyzer
	stop    analysis.TokenMap    // English stop words
}

func newTextAnalysis() (*textAnalysis, error) {
	cache := registry.NewCache()
	tok, err := cache.TokenizerNamed(tokenizerName)
	if err != nil {
		return nil, err
	}
	var filters []analysis.TokenFilter
	for _, name := range []string{en.PossessiveName, lowercase.Name, foldFilterName, en.StopName} {
		f, err := cache.TokenFilterNamed(name)
		if err != nil {
			return nil, err
		}
		filters = append(filters, f)
	}
	stem, err := cache.TokenFilterNamed(en.SnowballStemmerName)
	if err != nil {
		return nil, err
	}
	stop, err := cache.TokenMapNamed(en.StopName)
	if err != nil {
		return nil, err
	}
	return &textAnalysis{
		surface: &analysis.DefaultAnalyzer{Tokenizer: tok, TokenFilters: filters},
		stemmer: stem,
		exact:   &analysis.DefaultAnalyzer{Tokenizer: tok, TokenFilters: filters[1:3]}, // lower case, fold
		stop:    stop,
	}, nil
}

// aword is one analysed word of a text: as written (folded) and stemmed.
type aword struct {
	surface, stem string
	start, end    int
}

func (a *textAnalysis) analyze(text string) []aword {
	stream := a.surface.Analyze([]byte(text))
	out := make([]aword, len(stream))
	for i, t := range stream {
		out[i] = aword{surface: string(t.Term), start: t.Start, end: t.End}
	}
	for i, t := range a.stemmer.Filter(stream) {
		out[i].stem = string(t.Term)
	}
	return out
}

// termStats are the statistics of the reranker. bleve v2.6.1's own BM25
// takes the number of distinct terms for the field length, which favours
// short passages; these are the true lengths. Terms are numbered, so that
// the reranker compares integers, not strings.
type termStats struct {
	an      *textAnalysis
	terms   []string         // term ID → stem
	ids     map[string]int32 // stem → term ID
	surface map[string]int32 // surface form in the corpus → its stem's term ID
	// uses counts each surface form's occurrences; forms lists each
	// term's surface forms ("even", "evening", "evenly" for even).
	uses  map[string]int32
	forms [][]string
	df    []int32 // term ID → number of records holding it
	// toks holds every record's tokens, in corpus order: record r's are
	// toks[off[r]:off[r+1]].
	toks   []token
	off    []int32
	ord    map[string]int32 // record ID → its position in corpus order
	avgLen float64
}

// token is one analysed word of a record: its term and its byte offsets
// into the record's text.
type token struct {
	term       int32
	start, end int32
}

// newTermStats analyses every record of c.
func newTermStats(c *corpus.Corpus, an *textAnalysis) *termStats {
	s := &termStats{an: an, ids: map[string]int32{}, surface: map[string]int32{}, uses: map[string]int32{}, off: []int32{0}}
	c.All(func(p *corpus.Paragraph) bool {
		for _, w := range an.analyze(p.Text) {
			id, ok := s.ids[w.stem]
			if !ok {
				id = int32(len(s.terms))
				s.ids[w.stem] = id
				s.terms = append(s.terms, w.stem)
			}
			if _, ok := s.surface[w.surface]; !ok {
				s.surface[w.surface] = id
			}
			s.uses[w.surface]++
			s.toks = append(s.toks, token{term: id, start: int32(w.start), end: int32(w.end)})
		}
		s.off = append(s.off, int32(len(s.toks)))
		return true
	})
	s.finish(c)
	return s
}

// finish derives what is cheaper to compute than to store: document
// frequencies, each term's forms, the mean length, and the position of
// each record.
func (s *termStats) finish(c *corpus.Corpus) {
	s.forms = make([][]string, len(s.terms))
	for w, id := range s.surface {
		s.forms[id] = append(s.forms[id], w)
	}
	s.df = make([]int32, len(s.terms))
	last := make([]int32, len(s.terms))
	for r := range len(s.off) - 1 {
		for _, t := range s.toks[s.off[r]:s.off[r+1]] {
			if last[t.term] != int32(r)+1 {
				last[t.term] = int32(r) + 1
				s.df[t.term]++
			}
		}
	}
	n := len(s.off) - 1
	if n > 0 {
		s.avgLen = float64(len(s.toks)) / float64(n)
	}
	s.ord = make(map[string]int32, n)
	i := int32(0)
	c.All(func(p *corpus.Paragraph) bool {
		s.ord[p.ID] = i
		i++
		return true
	})
}

// records is the number of records.
func (s *termStats) records() int { return len(s.off) - 1 }

// tokensOf returns the tokens of the record at position r.
func (s *termStats) tokensOf(r int32) []token { return s.toks[s.off[r]:s.off[r+1]] }

// idf is BM25's inverse document frequency, never negative; a term the
// corpus lacks (df 0) gets the highest.
func (s *termStats) idf(df int32) float64 {
	n, d := float64(s.records()), float64(df)
	return math.Log(1 + (n-d+0.5)/(d+0.5))
}

// statsFile is where build stores the term statistics, next to the bleve
// index they belong to: analysing the corpus again at every Open would take
// longer than the rest of opening.
const statsFile = "ibid-terms"

// statsMagic starts the file; change it when its layout changes.
const statsMagic = "IBIDTS2\n"

// write stores s: the magic, the counts (records, terms, surface forms,
// tokens), the terms, the surface forms with their terms and uses, the
// records' token offsets, then the tokens.
func (s *termStats) write(path string) error {
	var b bytes.Buffer
	b.WriteString(statsMagic)
	put := func(vs ...uint32) {
		for _, v := range vs {
			b.Write(binary.LittleEndian.AppendUint32(nil, v))
		}
	}
	putStr := func(x string) {
		put(uint32(len(x)))
		b.WriteString(x)
	}
	put(uint32(s.records()), uint32(len(s.terms)), uint32(len(s.surface)), uint32(len(s.toks)))
	for _, t := range s.terms {
		putStr(t)
	}
	for w, id := range s.surface {
		putStr(w)
		put(uint32(id), uint32(s.uses[w]))
	}
	for _, o := range s.off[1:] {
		put(uint32(o))
	}
	for _, t := range s.toks {
		put(uint32(t.term), uint32(t.start), uint32(t.end))
	}
	return os.WriteFile(path, b.Bytes(), 0o644)
}

// errStats says the stored statistics cannot be used.
var errStats = errors.New("term statistics unreadable")

// decoder reads the little-endian values write stored, remembering the
// first overrun.
type decoder struct {
	b   []byte
	bad bool
}

func (d *decoder) u32() uint32 {
	if len(d.b) < 4 {
		d.bad = true
		return 0
	}
	v := binary.LittleEndian.Uint32(d.b)
	d.b = d.b[4:]
	return v
}

func (d *decoder) str() string {
	n := d.u32()
	if uint64(n) > uint64(len(d.b)) {
		d.bad = true
		return ""
	}
	v := string(d.b[:n])
	d.b = d.b[n:]
	return v
}

// readTermStats loads what write stored, checking it fits c.
func readTermStats(path string, c *corpus.Corpus, an *textAnalysis) (*termStats, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if !bytes.HasPrefix(raw, []byte(statsMagic)) {
		return nil, fmt.Errorf("%s: %w: not a statistics file", path, errStats)
	}
	d := &decoder{b: raw[len(statsMagic):]}
	nRec, nTerms, nSurf, nToks := d.u32(), d.u32(), d.u32(), d.u32()
	if int(nRec) != c.Len() || uint64(nTerms)+uint64(nSurf)+3*uint64(nToks) > uint64(len(raw)) {
		return nil, fmt.Errorf("%s: %w: counts do not fit the corpus", path, errStats)
	}
	s := &termStats{an: an, terms: make([]string, nTerms), ids: make(map[string]int32, nTerms), surface: make(map[string]int32, nSurf), uses: make(map[string]int32, nSurf)}
	for i := range s.terms {
		s.terms[i] = d.str()
		s.ids[s.terms[i]] = int32(i)
	}
	for range nSurf {
		w := d.str()
		s.surface[w] = int32(d.u32())
		s.uses[w] = int32(d.u32())
	}
	s.off = make([]int32, nRec+1)
	for i := 1; i <= int(nRec); i++ {
		s.off[i] = int32(d.u32())
		if s.off[i] < s.off[i-1] || s.off[i] > int32(nToks) {
			d.bad = true
		}
	}
	s.toks = make([]token, nToks)
	for i := range s.toks {
		s.toks[i] = token{term: int32(d.u32()), start: int32(d.u32()), end: int32(d.u32())}
		if uint32(s.toks[i].term) >= nTerms {
			d.bad = true
		}
	}
	if d.bad || len(d.b) != 0 || s.off[nRec] != int32(nToks) {
		return nil, fmt.Errorf("%s: %w: truncated or inconsistent", path, errStats)
	}
	for id := range s.surface {
		if uint32(s.surface[id]) >= nTerms {
			return nil, fmt.Errorf("%s: %w: bad surface form", path, errStats)
		}
	}
	s.finish(c)
	return s, nil
}
