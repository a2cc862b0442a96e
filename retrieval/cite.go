package retrieval

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"

	"github.com/ibidbot/ibid/corpus"
)

// Quote is the exact passage a remembered fragment came from: whole
// sentences of one record, cut by byte offsets from its text.
type Quote struct {
	Paragraph *corpus.Paragraph
	Start     int // byte offsets into Paragraph.Text, on sentence boundaries
	End       int
	// Confidence is 1 for an exact match of the fragment's words and less
	// the more words are missing, changed or misspelt.
	Confidence float64
	Exact      bool
}

// Text is the quoted passage.
func (q Quote) Text() string { return q.Paragraph.Text[q.Start:q.End] }

// word is a folded word of a text with its byte span there.
type word struct {
	w          string
	start, end int
}

// words splits s into folded words (lower case, no diacritics or
// punctuation) with their spans, so a fragment typed with other case,
// punctuation or accents lines up with the text.
func words(s string) []word {
	var out []word
	start := -1
	for i, r := range s {
		if isWordRune(r) {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 && (r == '\'' || r == '’') { // keep "Russia’s" one word
			if next, _ := utf8.DecodeRuneInString(s[i+utf8.RuneLen(r):]); isWordRune(next) {
				continue
			}
		}
		if start >= 0 {
			out = append(out, word{foldPhrase(s[start:i]), start, i})
			start = -1
		}
	}
	if start >= 0 {
		out = append(out, word{foldPhrase(s[start:]), start, len(s)})
	}
	return out
}

// minCiteWords is the shortest fragment worth looking up: fewer words match
// everywhere.
const minCiteWords = 3

// Cite finds the sentence(s) a remembered fragment came from: an exact match
// of its words always wins; otherwise the sentences that best align with it
// allowing missing, extra or changed words and typos. It returns the best
// quotes first (at most k), or none when nothing aligns well enough.
func (ix *Index) Cite(ctx context.Context, fragment string, scope Scope, k int) ([]Quote, error) {
	q, err := cleanQuery(fragment)
	if err != nil {
		return nil, err
	}
	if err := ix.checkScope(scope); err != nil {
		return nil, err
	}
	if k <= 0 {
		k = 1
	}
	frag := words(quotedPart(q))
	if len(frag) < minCiteWords {
		return nil, fmt.Errorf("give at least %d words of the passage", minCiteWords)
	}
	m := bleve.NewMatchQuery(q)
	m.SetField(fieldExact)
	req := bleve.NewSearchRequestOptions(ix.scoped(m, scope), 50, 0, false)
	res, err := ix.bleve.SearchInContext(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("cite: %w", err)
	}
	var quotes []Quote
	for _, h := range res.Hits {
		p, ok := ix.corpus.Paragraph(h.ID)
		if !ok {
			continue
		}
		if qt, ok := alignQuote(p, frag); ok {
			quotes = append(quotes, qt)
		}
	}
	sort.SliceStable(quotes, func(i, j int) bool {
		if quotes[i].Exact != quotes[j].Exact {
			return quotes[i].Exact
		}
		if quotes[i].Confidence != quotes[j].Confidence {
			return quotes[i].Confidence > quotes[j].Confidence
		}
		return kindPrior(quotes[i].Paragraph.Kind) > kindPrior(quotes[j].Paragraph.Kind)
	})
	if len(quotes) > k {
		quotes = quotes[:k]
	}
	return quotes, nil
}

// quotedPart returns the longest passage in quotation marks when the text
// wraps the words it remembers in a sentence of its own (`who said "the
// soil of the collective"?`), and the whole text otherwise.
func quotedPart(s string) string {
	best := ""
	for _, pair := range [][2]string{{`"`, `"`}, {"“", "”"}, {"«", "»"}} {
		rest := s
		for {
			i := strings.Index(rest, pair[0])
			if i < 0 {
				break
			}
			rest = rest[i+len(pair[0]):]
			j := strings.Index(rest, pair[1])
			if j < 0 {
				// An unclosed quote runs to the end of the text.
				j = len(rest)
			}
			if inner := rest[:j]; len(words(inner)) >= minCiteWords && len(inner) > len(best) {
				best = inner
			}
			if j == len(rest) {
				break
			}
			rest = rest[j+len(pair[1]):]
		}
	}
	if best == "" {
		return s
	}
	return best
}

// minCiteConfidence is the alignment below which a passage is not offered
// as the source of a fragment.
const minCiteConfidence = 0.5

// alignQuote aligns the fragment's words with the paragraph's: the longest
// common subsequence, where words match when equal or one typo apart, over
// a window starting and ending at matched words. The quote is the sentences
// the window touches.
func alignQuote(p *corpus.Paragraph, frag []word) (Quote, bool) {
	text := words(p.Text)
	if len(text) == 0 {
		return Quote{}, false
	}
	// Exact: the fragment's words appear contiguously.
	for i := 0; i+len(frag) <= len(text); i++ {
		j := 0
		for j < len(frag) && text[i+j].w == frag[j].w {
			j++
		}
		if j == len(frag) {
			s, e := sentenceBounds(p, text[i].start, text[i+len(frag)-1].end)
			return Quote{Paragraph: p, Start: s, End: e, Confidence: 1, Exact: true}, true
		}
	}
	// Fuzzy: a local alignment (Smith–Waterman over words).
	const match, mismatch, gap = 2.0, -1.0, -1.0
	n, m := len(frag), len(text)
	prev := make([]float64, m+1)
	cur := make([]float64, m+1)
	startOf := make([][]int, n+1)
	for i := range startOf {
		startOf[i] = make([]int, m+1)
	}
	best, bi, bj := 0.0, 0, 0
	for i := 1; i <= n; i++ {
		for j := 1; j <= m; j++ {
			s := mismatch
			if sameWord(frag[i-1].w, text[j-1].w) {
				s = match
			}
			v, st := 0.0, j
			if d := prev[j-1] + s; d > v {
				v, st = d, startOf[i-1][j-1]
				if prev[j-1] == 0 {
					st = j
				}
			}
			if d := prev[j] + gap; d > v {
				v, st = d, startOf[i-1][j]
			}
			if d := cur[j-1] + gap; d > v {
				v, st = d, startOf[i][j-1]
			}
			cur[j] = v
			startOf[i][j] = st
			if v > best {
				best, bi, bj = v, i, j
			}
		}
		prev, cur = cur, prev
		clear(cur)
	}
	confidence := best / (match * float64(n))
	if confidence < minCiteConfidence {
		return Quote{}, false
	}
	first := startOf[bi][bj]
	s, e := sentenceBounds(p, text[first-1].start, text[bj-1].end)
	return Quote{Paragraph: p, Start: s, End: e, Confidence: min(confidence, 0.99)}, true
}

// sameWord says whether two folded words match, allowing one typo in words
// of five letters or more.
func sameWord(a, b string) bool {
	if a == b {
		return true
	}
	if len(a) < 5 || len(b) < 5 {
		return false
	}
	return editDistanceAtMost1(a, b)
}

func editDistanceAtMost1(a, b string) bool {
	ra, rb := []rune(a), []rune(b)
	if len(ra) < len(rb) {
		ra, rb = rb, ra
	}
	if len(ra)-len(rb) > 1 {
		return false
	}
	i := 0
	for i < len(rb) && ra[i] == rb[i] {
		i++
	}
	if len(ra) == len(rb) {
		return string(ra[i+1:]) == string(rb[i+1:]) || (i+1 < len(ra) && ra[i] == rb[i+1] && ra[i+1] == rb[i] && string(ra[i+2:]) == string(rb[i+2:]))
	}
	return string(ra[i+1:]) == string(rb[i:])
}

// sentenceBounds widens [start, end) to the sentences it touches.
func sentenceBounds(p *corpus.Paragraph, start, end int) (int, int) {
	s, e := start, end
	for _, sp := range p.Sentences {
		if sp.End > start && sp.Start <= start {
			s = sp.Start
		}
		if sp.Start < end && sp.End >= end {
			e = sp.End
		}
	}
	return s, e
}

// CiteID returns a record's whole text as a quote, for /cite by paragraph ID.
func (ix *Index) CiteID(id string) (Quote, error) {
	p, ok := ix.corpus.Paragraph(strings.TrimSpace(id))
	if !ok {
		return Quote{}, fmt.Errorf("no paragraph with ID %q", id)
	}
	return Quote{Paragraph: p, Start: 0, End: len(p.Text), Confidence: 1, Exact: true}, nil
}
