package bot

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"time"

	"github.com/ibidbot/ibid/corpus"
)

// Searcher is what the core needs from the search index. The retrieval
// package implements it behind a small adapter (wired in cmd/ibid), so the
// core never sees bleve.
type Searcher interface {
	// Search returns the records that best answer question, best first.
	Search(ctx context.Context, question string, scope Scope, k int) ([]Passage, error)
	// Cite finds the sentences a remembered fragment came from, best first.
	Cite(ctx context.Context, fragment string, scope Scope, k int) ([]Excerpt, error)
}

// Thesaurus knows which words of general English mean nearly the same as a
// word (the retrieval index has one); the core uses it to tell that "a cat"
// answers "what animals".
type Thesaurus interface {
	// Related returns the words at least minSim similar to word (lower
	// case), nearest first.
	Related(word string, minSim float64) []string
}

// Scope limits retrieval to one document and optionally one of its
// divisions (chapters). The zero Scope is the whole corpus.
type Scope struct {
	Doc      string
	Division string
}

// Passage is a record found for a question.
type Passage struct {
	Paragraph *corpus.Paragraph
	Score     float64
	// Sentence is the index of the sentence that best matches the question.
	Sentence int
}

// Excerpt is a passage found for a remembered fragment.
type Excerpt struct {
	Quote
	// Confidence is 1 for the fragment's exact words, less the more words
	// are missing, changed or misspelt.
	Confidence float64
	Exact      bool
}

// Quote is an exact span of a stored record: whatever Ibid shows inside
// quotation marks is cut from Paragraph.Text by these byte offsets, so it is
// verbatim by construction.
type Quote struct {
	Paragraph  *corpus.Paragraph
	Start, End int
	// Attribution marks a quote that says whose words the next one gives
	// (a block quote's lead-in: "He wrote to Rice in June 1904:"); it is
	// context for the answer, not the answer.
	Attribution bool
}

// Text is the quoted words.
func (q Quote) Text() string { return q.Paragraph.Text[q.Start:q.End] }

// Whole reports whether the quote is the entire record.
func (q Quote) Whole() bool { return q.Start == 0 && q.End == len(q.Paragraph.Text) }

// Bot answers questions from a corpus. It is safe for concurrent use; the
// per-conversation state lives in Conversation values the caller keeps.
type Bot struct {
	corpus *corpus.Corpus
	search Searcher
	model  Completer // nil: extractive answers only
	// thesaurus is nil when there is none: answers then go by the
	// question's own words.
	thesaurus Thesaurus
	// modelTimeout bounds one model answer, retries included.
	modelTimeout time.Duration
	vocab        *vocabulary
	// aliasWords are the words of every name variant the manifest lists,
	// so that a question spelling a name the corpus spells otherwise is not
	// taken for a question about something the corpus lacks.
	aliasWords map[string]bool
	aliases    []aliasGroup
	log        *slog.Logger
}

// Option configures a Bot.
type Option func(*Bot)

// WithModel makes answers fluent with a language model, which only chooses
// sentences; timeout bounds each model answer, after which the extractive
// answer is given.
func WithModel(m Completer, timeout time.Duration) Option {
	return func(b *Bot) { b.model, b.modelTimeout = m, timeout }
}

// WithThesaurus lets answers recognise words close in meaning to the question's.
func WithThesaurus(t Thesaurus) Option { return func(b *Bot) { b.thesaurus = t } }

// WithLogger sets where the core logs model failures it recovered from.
func WithLogger(l *slog.Logger) Option { return func(b *Bot) { b.log = l } }

// New returns a Bot over corpus c searched through s.
func New(c *corpus.Corpus, s Searcher, opts ...Option) *Bot {
	b := &Bot{corpus: c, search: s, vocab: newVocabulary(c), log: slog.New(slog.DiscardHandler), modelTimeout: 20 * time.Second}
	b.aliases = newAliasGroups(c.Aliases)
	b.aliasWords = make(map[string]bool)
	for _, group := range c.Aliases {
		for _, name := range group {
			for _, t := range tokens(name) {
				b.aliasWords[t.term] = true
			}
			b.aliasWords[strings.ReplaceAll(fold(name), "-", "")] = true
		}
	}
	for _, o := range opts {
		o(b)
	}
	return b
}

// Corpus is the corpus the bot answers from.
func (b *Bot) Corpus() *corpus.Corpus { return b.corpus }

// ErrUnknownID is returned for a paragraph ID the corpus does not have.
var ErrUnknownID = errors.New("no paragraph has this ID")
