package bot

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Answer is what Ask returns: a lead in plain words, the quotes that carry
// the answer (cut from the corpus), or a refusal with the closest passages.
type Answer struct {
	// Question is the question as asked; Resolved is what was searched for
	// (a follow-up completed from the conversation), equal when no context
	// was needed.
	Question, Resolved string
	// Lead is one or a few plain sentences; it never contains quotation
	// marks around model-written words.
	Lead string
	// Quotes are exact spans of stored records, in the order the lead
	// refers to them ([1], [2] … when a model wrote the lead).
	Quotes []Quote
	// Refused is set when the corpus does not answer the question; Considered
	// then holds the closest passages, which must be labelled as not
	// answering.
	Refused bool
	// Mode says who chose the quotes.
	Mode Mode
	// FallbackReason says why a configured model was not used.
	FallbackReason string
	// Considered are the passages retrieved for the question, best first.
	Considered []Passage
}

// Mode is how an answer was made.
type Mode string

// Modes.
const (
	ModeExtractive Mode = "extractive" // sentences picked by the core's own scoring
	ModeModel      Mode = "model"      // sentences chosen by a language model, validated by the core
)

// MaxQuestionBytes caps a question; anything longer is a paste, not a
// question, and is refused with a clear error before any search.
const MaxQuestionBytes = 1000

// Errors a user can cause; adapters turn them into messages.
var (
	ErrEmptyQuestion   = errors.New("the question is empty")
	ErrQuestionTooLong = fmt.Errorf("the question is longer than %d characters", MaxQuestionBytes)
)

// passagesConsidered is how many retrieved passages an answer looks at.
const passagesConsidered = 8

// Ask answers a question from the corpus within scope. conv, when not nil,
// supplies the earlier turns a follow-up refers to and receives this turn.
// onLead, when not nil, receives the lead text as it grows while a model
// writes it (for adapters that show progress); the returned Answer is final.
func (b *Bot) Ask(ctx context.Context, text string, scope Scope, conv *Conversation, onLead func(lead string)) (Answer, error) {
	text = strings.TrimSpace(strings.ToValidUTF8(text, "�"))
	switch {
	case text == "":
		return Answer{}, ErrEmptyQuestion
	case len(text) > MaxQuestionBytes:
		return Answer{}, ErrQuestionTooLong
	}
	resolved := text
	if conv != nil {
		resolved = b.resolveFollowUp(ctx, text, conv)
	}
	passages, err := b.search.Search(ctx, resolved, scope, passagesConsidered)
	if err != nil {
		return Answer{}, fmt.Errorf("search: %w", err)
	}
	q := analyse(resolved, b.vocab, b.thesaurus, b.aliases)
	var a Answer
	if subject, ok := b.definitionSubject(resolved); ok {
		intro, found, err := b.findIntroduction(ctx, subject, scope)
		if err != nil {
			return Answer{}, fmt.Errorf("search: %w", err)
		}
		if found {
			intro.passage.Sentence = intro.sentence
			passages = withFirst(intro.passage, passages)
			passages = passages[:min(len(passages), passagesConsidered)]
			intros := []introduction{intro}
			if other, ok := b.namesake(subject, scope, intro); ok {
				intros = append(intros, other)
			}
			a = b.defineAnswer(subjectName(subject[0]), intros, passages)
		}
	}
	if len(a.Quotes) == 0 {
		a = b.extractive(q, passages)
	}
	if b.model != nil && len(passages) > 0 {
		if m, err := b.modelAnswer(ctx, q, passages, onLead); err != nil {
			a.FallbackReason = err.Error()
			b.log.Warn("model answer failed; answering extractively", "err", err)
		} else {
			m.Considered = passages
			a = m
		}
	}
	a.Question, a.Resolved = text, resolved
	if conv != nil {
		conv.add(a)
	}
	return a, nil
}

// leadFor is the extractive lead: one plain sentence naming the source.
func leadFor(quotes []Quote) string {
	p := quotes[0].Paragraph
	if p.Kind == "note" {
		return "A note in " + p.Citation + " says:"
	}
	return "According to " + p.Citation + ":"
}

// Truncate shortens s to at most n runes, ending with an ellipsis when cut,
// for previews and adapters' fields that must fit a limit.
func Truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:n-1])) + "…"
}
