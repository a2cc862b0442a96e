package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"

	"github.com/ibidbot/ibid/bot"
	"github.com/ibidbot/ibid/bot/openai"
	"github.com/ibidbot/ibid/bot/searcher"
	"github.com/ibidbot/ibid/retrieval"
)

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
	s := searcher.New(ix)
	return bot.New(ix.Corpus(), s, append(opts, bot.WithThesaurus(s))...), ix, nil
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
	// Attribution: the quote says whose words the next one gives.
	Attribution bool `json:"attribution,omitempty"`
}

func quotesOut(qs []bot.Quote) []quoteOut {
	out := make([]quoteOut, 0, len(qs))
	for _, q := range qs {
		out = append(out, quoteOut{ParagraphID: q.Paragraph.ID, Start: q.Start, End: q.End, Text: q.Text(), Citation: q.Paragraph.Citation, Attribution: q.Attribution})
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
