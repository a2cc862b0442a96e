package retrieval

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/ibidbot/ibid/corpus"
)

// MaxQueryBytes caps a question; longer text is not a question but a paste.
const MaxQueryBytes = 2000

// candidates is how many bleve hits the reranker sees.
const candidates = 200

// ErrEmptyQuery is returned for a query with no words.
var ErrEmptyQuery = errors.New("the question has no words to search for")

// ErrQueryTooLong is returned for a query over MaxQueryBytes.
var ErrQueryTooLong = fmt.Errorf("the question is longer than %d bytes", MaxQueryBytes)

// Scope limits a search to one document, and optionally one of its
// divisions (chapters).
type Scope struct {
	Doc      string
	Division string
}

// Options tune a search.
type Options struct {
	K     int // hits to return; 10 when zero
	Scope Scope
}

// Hit is one record found for a query.
type Hit struct {
	Paragraph *corpus.Paragraph
	Score     float64
	// Sentence is the index of the sentence that best matches the query.
	Sentence int
	// Matches are the byte spans of the query's words in the text.
	Matches []corpus.Span
}

// Search finds the records that best answer a question. The question is
// plain words: query syntax (":", "+", "-", quotes, "~", "*", "^",
// parentheses) means nothing, so a user cannot trip over it.
func (ix *Index) Search(ctx context.Context, question string, opts Options) ([]Hit, error) {
	q, err := cleanQuery(question)
	if err != nil {
		return nil, err
	}
	if opts.K <= 0 {
		opts.K = 10
	}
	if err := ix.checkScope(opts.Scope); err != nil {
		return nil, err
	}
	pq := ix.prepare(q)
	req := bleve.NewSearchRequestOptions(ix.candidateQuery(pq, opts.Scope), candidates, 0, false)
	res, err := ix.bleve.SearchInContext(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	hits := make([]Hit, 0, len(res.Hits))
	for _, h := range res.Hits {
		p, ok := ix.corpus.Paragraph(h.ID)
		if !ok {
			continue // the index and corpus disagree; Open prevents this
		}
		hits = append(hits, ix.rerank(p, pq))
	}
	sort.SliceStable(hits, func(i, j int) bool {
		if hits[i].Score != hits[j].Score {
			return hits[i].Score > hits[j].Score
		}
		return hits[i].Paragraph.ID < hits[j].Paragraph.ID
	})
	if len(hits) > opts.K {
		hits = hits[:opts.K]
	}
	return hits, nil
}

// cleanQuery folds white space and checks the size of user text.
func cleanQuery(s string) (string, error) {
	if len(s) > MaxQueryBytes {
		return "", ErrQueryTooLong
	}
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, " ")
	}
	s = strings.Join(strings.Fields(s), " ")
	if !strings.ContainsFunc(s, isWordRune) {
		return "", ErrEmptyQuery
	}
	return s, nil
}

func (ix *Index) checkScope(s Scope) error {
	if s.Doc == "" {
		if s.Division != "" {
			return errors.New("a chapter filter needs a document")
		}
		return nil
	}
	d, ok := ix.corpus.Doc(s.Doc)
	if !ok {
		var ids []string
		for _, d := range ix.corpus.Docs {
			ids = append(ids, d.Meta.ID)
		}
		return fmt.Errorf("no document %q (documents: %s)", s.Doc, strings.Join(ids, ", "))
	}
	if s.Division != "" {
		for _, dv := range d.Divisions {
			if dv.Key == s.Division {
				return nil
			}
		}
		return fmt.Errorf("document %s has no chapter %q", s.Doc, s.Division)
	}
	return nil
}

// candidateQuery asks bleve for records sharing words with the question
// (stemmed), with exact wording boosted, and the question's names in their
// other romanisations, within the scope. Only match queries take user text:
// they never parse query syntax.
func (ix *Index) candidateQuery(pq *preparedQuery, scope Scope) query.Query {
	m := bleve.NewMatchQuery(pq.text)
	m.SetField(fieldText)
	p := bleve.NewMatchPhraseQuery(pq.text)
	p.SetField(fieldExact)
	p.SetBoost(3)
	disj := []query.Query{m, p}
	for _, alt := range pq.variants {
		a := bleve.NewMatchPhraseQuery(alt)
		a.SetField(fieldText)
		a.SetBoost(2)
		disj = append(disj, a)
	}
	return ix.scoped(bleve.NewDisjunctionQuery(disj...), scope)
}

// scoped restricts q to the scope's document and division.
func (ix *Index) scoped(q query.Query, scope Scope) query.Query {
	if scope.Doc == "" {
		return q
	}
	must := []query.Query{q, keywordQuery(fieldDoc, scope.Doc)}
	if scope.Division != "" {
		must = append(must, keywordQuery(fieldDivision, scope.Division))
	}
	return bleve.NewConjunctionQuery(must...)
}

func keywordQuery(field, value string) query.Query {
	t := bleve.NewTermQuery(value)
	t.SetField(field)
	return t
}

// preparedQuery is a question made ready once for candidates and rerank:
// its text, the other spellings of the names it uses, and the analysed
// terms of both, each once, with their weights.
type preparedQuery struct {
	text     string
	variants []string
	terms    []string
	idf      []float64
	total    float64
}

func (ix *Index) prepare(q string) *preparedQuery {
	pq := &preparedQuery{text: q, variants: ix.aliasVariants(q)}
	add := func(s string) {
		for _, t := range ix.stats.analyze(s) {
			if pq.index(t.term) < 0 {
				w := ix.stats.idf(t.term)
				pq.terms = append(pq.terms, t.term)
				pq.idf = append(pq.idf, w)
				pq.total += w
			}
		}
	}
	add(q)
	for _, alt := range pq.variants {
		add(alt)
	}
	return pq
}

// index is the position of term among the query's terms, or -1. Questions
// have few terms, so a scan beats a map.
func (q *preparedQuery) index(term string) int {
	for i, t := range q.terms {
		if t == term {
			return i
		}
	}
	return -1
}

// counts is the frequency of each query term in toks.
func (q *preparedQuery) counts(toks []token) []int {
	tf := make([]int, len(q.terms))
	for _, t := range toks {
		if k := q.index(t.term); k >= 0 {
			tf[k]++
		}
	}
	return tf
}

// rerank scores one candidate: BM25 with true lengths, times the share of
// the question's weight that its best sentence holds (answers sit in one
// sentence), times a prior by kind (headings and captions never outrank
// prose; notes yield to the body).
func (ix *Index) rerank(p *corpus.Paragraph, q *preparedQuery) Hit {
	toks := ix.stats.tokens[p.ID]
	h := Hit{Paragraph: p}
	tf := make([]int, len(q.terms))
	best, bestIdx := 0.0, 0
	si, cover, seen := 0, 0.0, uint64(0)
	for _, t := range toks {
		for si < len(p.Sentences) && t.start >= p.Sentences[si].End {
			if cover > best {
				best, bestIdx = cover, si
			}
			si, cover, seen = si+1, 0, 0
		}
		k := q.index(t.term)
		if k < 0 {
			continue
		}
		tf[k]++
		h.Matches = append(h.Matches, corpus.Span{Start: t.start, End: t.end})
		if bit := uint64(1) << (k % 64); seen&bit == 0 {
			seen |= bit
			cover += q.idf[k]
		}
	}
	if cover > best {
		best, bestIdx = cover, si
	}
	h.Sentence = min(bestIdx, max(len(p.Sentences)-1, 0))
	coverage := 0.0
	if q.total > 0 {
		coverage = best / q.total
	}
	h.Score = ix.stats.bm25(tf, len(toks), q) * (0.5 + coverage) * kindPrior(p.Kind)
	if p.Kind == corpus.KindBlockQuote {
		// A block quote is attributed in its lead-in ("…the British reply
		// of 1937 said:"): a question about who said it and when matches
		// there.
		if lead, ok := ix.leadIns[p.ID]; ok {
			h.Score += leadInWeight * ix.stats.bm25(q.counts(ix.stats.tokens[lead]), len(ix.stats.tokens[lead]), q)
		}
	}
	return h
}

// leadInWeight is how much of its lead-in's relevance a block quote borrows.
const leadInWeight = 0.5

func kindPrior(k corpus.Kind) float64 {
	switch k {
	case corpus.KindHeading:
		return 0.3
	case corpus.KindCaption:
		return 0.4
	case corpus.KindNote:
		return 0.8
	case corpus.KindEpigraph:
		return 0.9
	}
	return 1
}
