package retrieval

import (
	"fmt"
	"math"

	"github.com/blevesearch/bleve/v2/analysis"

	"github.com/ibidbot/ibid/corpus"
)

// BM25 parameters, the usual ones.
const (
	bm25K1 = 1.2
	bm25B  = 0.75
)

// termStats are the statistics of the reranker: per record its analysed
// tokens (in order, with byte offsets into the text), and per term the
// number of records holding it. bleve v2.6.1's own BM25 takes the number of
// distinct terms for the field length, which favours short passages; these
// are the true lengths.
type termStats struct {
	analyzer analysis.Analyzer
	tokens   map[string][]token // record ID → tokens
	df       map[string]int
	n        int
	avgLen   float64
}

// token is one analysed word of a record.
type token struct {
	term       string
	start, end int // byte offsets into the record's text
}

func newTermStats(c *corpus.Corpus) (*termStats, error) {
	m, err := newMapping()
	if err != nil {
		return nil, err
	}
	a := m.AnalyzerNamed(analyzerProse)
	if a == nil {
		return nil, fmt.Errorf("analyzer %s not registered", analyzerProse)
	}
	s := &termStats{analyzer: a, tokens: make(map[string][]token, c.Len()), df: map[string]int{}}
	total := 0
	c.All(func(p *corpus.Paragraph) bool {
		toks := s.analyze(p.Text)
		s.tokens[p.ID] = toks
		seen := map[string]bool{}
		for _, t := range toks {
			if !seen[t.term] {
				seen[t.term] = true
				s.df[t.term]++
			}
		}
		total += len(toks)
		s.n++
		return true
	})
	if s.n > 0 {
		s.avgLen = float64(total) / float64(s.n)
	}
	return s, nil
}

func (s *termStats) analyze(text string) []token {
	stream := s.analyzer.Analyze([]byte(text))
	out := make([]token, 0, len(stream))
	for _, t := range stream {
		out = append(out, token{term: string(t.Term), start: t.Start, end: t.End})
	}
	return out
}

// idf is BM25's inverse document frequency, never negative.
func (s *termStats) idf(term string) float64 {
	df := float64(s.df[term])
	return math.Log(1 + (float64(s.n)-df+0.5)/(df+0.5))
}

// bm25 scores a record of length n whose query-term frequencies are tf.
func (s *termStats) bm25(tf []int, n int, q *preparedQuery) float64 {
	norm := bm25K1 * (1 - bm25B + bm25B*float64(n)/max(s.avgLen, 1))
	score := 0.0
	for k, f := range tf {
		if f == 0 {
			continue
		}
		ff := float64(f)
		score += q.idf[k] * ff * (bm25K1 + 1) / (ff + norm)
	}
	return score
}
