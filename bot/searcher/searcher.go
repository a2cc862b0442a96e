// Package searcher adapts the retrieval index to the core's Searcher
// interface, so that the core never imports bleve and the index never
// imports the core.
package searcher

import (
	"context"

	"github.com/ibidbot/ibid/bot"
	"github.com/ibidbot/ibid/retrieval"
)

// Searcher is the retrieval index behind the core's interface.
type Searcher struct{ ix *retrieval.Index }

var (
	_ bot.Searcher  = Searcher{}
	_ bot.Thesaurus = Searcher{}
)

// New wraps an open index.
func New(ix *retrieval.Index) Searcher { return Searcher{ix} }

func (s Searcher) Search(ctx context.Context, question string, scope bot.Scope, k int) ([]bot.Passage, error) {
	hits, err := s.ix.Search(ctx, question, retrieval.Options{K: k, Scope: retrieval.Scope(scope)})
	if err != nil {
		return nil, err
	}
	out := make([]bot.Passage, len(hits))
	for i, h := range hits {
		out[i] = bot.Passage{Paragraph: h.Paragraph, Score: h.Score, Sentence: h.Sentence}
	}
	return out, nil
}

func (s Searcher) Cite(ctx context.Context, fragment string, scope bot.Scope, k int) ([]bot.Excerpt, error) {
	quotes, err := s.ix.Cite(ctx, fragment, retrieval.Scope(scope), k)
	if err != nil {
		return nil, err
	}
	out := make([]bot.Excerpt, len(quotes))
	for i, q := range quotes {
		out[i] = bot.Excerpt{Quote: bot.Quote{Paragraph: q.Paragraph, Start: q.Start, End: q.End}, Confidence: q.Confidence, Exact: q.Exact}
	}
	return out, nil
}

// Related returns the words of general English close in meaning to word.
func (Searcher) Related(word string, minSim float64) []string { return retrieval.Related(word, minSim) }
