package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"

	"github.com/ibidbot/ibid/bot"
	"github.com/ibidbot/ibid/bot/openai"
	"github.com/ibidbot/ibid/retrieval"
)

// searcher adapts the retrieval index to the core's Searcher, so that the
// core never imports bleve.
type searcher struct{ ix *retrieval.Index }

var _ bot.Searcher = searcher{}

func (s searcher) Search(ctx context.Context, question string, scope bot.Scope, k int) ([]bot.Passage, error) {
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

func (s searcher) Cite(ctx context.Context, fragment string, scope bot.Scope, k int) ([]bot.Excerpt, error) {
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

// openBot opens the index and builds the core over it, with the configured
// model if any. The caller closes the index.
func (e *env) openBot(ctx context.Context) (*bot.Bot, *retrieval.Index, error) {
	ix, _, err := e.openIndex(ctx, false)
	if err != nil {
		return nil, nil, err
	}
	opts, err := e.modelOptions()
	if err != nil {
		ix.Close()
		return nil, nil, err
	}
	return bot.New(ix.Corpus(), searcher{ix}, opts...), ix, nil
}

func (e *env) askCmd(ctx context.Context, args []string) error {
	a, err := parseTextArgs("ask", args)
	if err != nil {
		return err
	}
	b, ix, err := e.openBot(ctx)
	if err != nil {
		return err
	}
	defer ix.Close()
	ans, err := b.Ask(ctx, a.text, bot.Scope{Doc: a.doc}, nil, nil)
	if err != nil {
		return err
	}
	if a.json {
		enc := json.NewEncoder(e.stdout)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		return enc.Encode(answerJSON(ans))
	}
	_, err = fmt.Fprint(e.stdout, bot.FormatText(ans))
	return err
}

// answerOut is an answer as `ibid ask --json` and `ibid eval` write it (the
// format of ../shared/eval/README.md plus the mode and the closest passages
// of a refusal).
type answerOut struct {
	Refused  bool       `json:"refused"`
	Text     string     `json:"text"`
	Resolved string     `json:"resolved,omitempty"`
	Mode     bot.Mode   `json:"mode"`
	Fallback string     `json:"fallback_reason,omitempty"`
	Quotes   []quoteOut `json:"quotes"`
	Closest  []quoteOut `json:"closest,omitempty"`
}

type quoteOut struct {
	ParagraphID string `json:"paragraph_id"`
	Start       int    `json:"start"`
	End         int    `json:"end"`
	Text        string `json:"text"`
	Citation    string `json:"citation"`
}

func quotesOut(qs []bot.Quote) []quoteOut {
	out := make([]quoteOut, 0, len(qs))
	for _, q := range qs {
		out = append(out, quoteOut{ParagraphID: q.Paragraph.ID, Start: q.Start, End: q.End, Text: q.Text(), Citation: q.Paragraph.Citation})
	}
	return out
}

func answerJSON(a bot.Answer) answerOut {
	out := answerOut{Refused: a.Refused, Text: a.Lead, Mode: a.Mode, Fallback: a.FallbackReason, Quotes: quotesOut(a.Quotes)}
	if a.Resolved != a.Question {
		out.Resolved = a.Resolved
	}
	if a.Refused {
		out.Closest = quotesOut(bot.Closest(a))
	}
	return out
}

// modelOptions connects the configured language model, if any.
func (e *env) modelOptions() ([]bot.Option, error) {
	if !e.cfg.LLM.Enabled() {
		return nil, nil
	}
	l := e.cfg.LLM
	m, err := openai.New(openai.Config{BaseURL: l.BaseURL, Model: l.Model, APIKey: l.APIKey})
	if err != nil {
		return nil, err
	}
	return []bot.Option{bot.WithModel(m, l.Timeout), bot.WithLogger(slog.New(slog.NewTextHandler(e.stderr, nil)))}, nil
}
