package bot

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/ibidbot/ibid/corpus"
)

// UnknownIDError is returned for a paragraph ID the corpus does not have,
// with the nearest existing IDs so that a typo still leads somewhere.
type UnknownIDError struct {
	ID      string
	Nearest []string
}

func (e *UnknownIDError) Error() string {
	msg := fmt.Sprintf("no paragraph has the ID %s", e.ID)
	if len(e.Nearest) > 0 {
		msg += "; nearest: " + strings.Join(e.Nearest, ", ")
	}
	return msg
}

// Unwrap makes errors.Is(err, ErrUnknownID) true.
func (e *UnknownIDError) Unwrap() error { return ErrUnknownID }

// idPattern is the shape of a record ID ("kuromiya2023:ch2:p117:3"),
// optionally with a sentence number ("…:3#2"): typed into /cite, it asks for
// that paragraph or sentence rather than a search.
var idPattern = regexp.MustCompile(`^([\p{L}\p{N}_.-]+(?::[\p{L}\p{N}_.-]+)+)(?:#(\d+))?$`)

// Paragraph returns the record with the given ID.
func (b *Bot) Paragraph(id string) (*corpus.Paragraph, error) {
	id = strings.TrimSpace(id)
	if p, ok := b.corpus.Paragraph(id); ok {
		return p, nil
	}
	return nil, &UnknownIDError{ID: id, Nearest: b.corpus.NearestIDs(id, 3)}
}

// Cite finds the exact words a remembered fragment came from, best first, or
// the whole paragraph when text is a paragraph ID (one sentence of it for
// "ID#N"). An empty result means
// nothing matched well enough; it is not an error.
func (b *Bot) Cite(ctx context.Context, text string, scope Scope, k int) ([]Excerpt, error) {
	text = strings.TrimSpace(strings.ToValidUTF8(text, "�"))
	switch {
	case text == "":
		return nil, ErrEmptyQuestion
	case len(text) > MaxQuestionBytes:
		return nil, ErrQuestionTooLong
	case idPattern.MatchString(text):
		m := idPattern.FindStringSubmatch(text)
		p, err := b.Paragraph(m[1])
		if err != nil {
			return nil, err
		}
		q := Quote{Paragraph: p, End: len(p.Text)}
		if m[2] != "" {
			n, _ := strconv.Atoi(m[2])
			if n < 1 || n > len(p.Sentences) {
				return nil, fmt.Errorf("%s has %d sentences, not %d: %w", p.ID, len(p.Sentences), n, ErrUnknownID)
			}
			q.Start, q.End = p.Sentences[n-1].Start, p.Sentences[n-1].End
		}
		return []Excerpt{{Quote: q, Confidence: 1, Exact: true}}, nil
	}
	ex, err := b.search.Cite(ctx, text, scope, k)
	if err != nil {
		return nil, fmt.Errorf("cite: %w", err)
	}
	return ex, nil
}
