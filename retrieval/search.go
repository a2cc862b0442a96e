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

// maxCandidates is how many bleve hits the reranker sees: on the development
// questions, 50 to 3,000 rank the same, since bleve is asked with the
// rerank's own weights.
const maxCandidates = 100

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
	// Matches are the byte spans of the words that matched the question's
	// (as written, in another spelling, or close in meaning).
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
	res, err := ix.candidates(ctx, pq, opts.Scope, opts.K)
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	sc := ix.newScorer(pq)
	defer sc.release()
	hits := make([]Hit, 0, len(res.Hits))
	for _, h := range res.Hits {
		p, ok := ix.corpus.Paragraph(h.ID)
		if !ok {
			continue // the index and corpus disagree; Open prevents this
		}
		hits = append(hits, sc.rerank(p))
	}
	sort.SliceStable(hits, func(i, j int) bool {
		if ti, tj := isLabel(hits[i].Paragraph.Kind), isLabel(hits[j].Paragraph.Kind); ti != tj {
			return tj
		}
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

// candidates asks bleve for the records holding the question's terms (its
// words, the other spellings of its names, the words close in meaning to
// its rare words), each boosted by the most it can earn in the rerank,
// within the scope. The terms are already analysed, so no user text
// reaches a query parser. A term in more than a tenth of the records is
// left out when rarer ones remain: it would make bleve visit most of the
// index for candidates it would not rank high, and the rerank still counts
// it. When the rarer terms find fewer than k records (a scope whose
// records spell the question's names otherwise, say), every term is asked.
func (ix *Index) candidates(ctx context.Context, pq *preparedQuery, scope Scope, k int) (*bleve.SearchResult, error) {
	limit := int32(ix.stats.records()/10 + 1)
	var rare, all []query.Query
	for _, t := range pq.terms {
		tq := bleve.NewTermQuery(ix.stats.terms[t.id])
		tq.SetField(fieldText)
		tq.SetBoost(t.best)
		all = append(all, tq)
		if ix.stats.df[t.id] <= limit {
			rare = append(rare, tq)
		}
	}
	search := func(terms []query.Query) (*bleve.SearchResult, error) {
		q := ix.scoped(bleve.NewDisjunctionQuery(terms...), scope)
		return ix.bleve.SearchInContext(ctx, bleve.NewSearchRequestOptions(q, maxCandidates, 0, false))
	}
	if len(rare) == 0 || len(rare) == len(all) {
		return search(all)
	}
	res, err := search(rare)
	if err != nil || res.Total >= uint64(k) {
		return res, err
	}
	return search(all)
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
