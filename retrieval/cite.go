package retrieval

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

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
	// score is the alignment's: quotes of one fragment rank by it, so an
	// alignment of the whole text beats an exact match of a few words
	// quoted in it.
	score float64
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
			out = append(out, word{foldWord(s[start:i]), start, i})
			start = -1
		}
	}
	if start >= 0 {
		out = append(out, word{foldWord(s[start:]), start, len(s)})
	}
	return out
}

// foldWord is foldPhrase for one word, without the work for the common
// case of plain ASCII letters and digits.
func foldWord(w string) string {
	for i := 0; i < len(w); i++ {
		c := w[i]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || 'A' <= c && c <= 'Z') {
			return foldPhrase(w)
		}
	}
	return strings.ToLower(w)
}

// minCiteWords is the shortest fragment worth looking up: fewer words match
// everywhere.
const minCiteWords = 3

// citeCandidates is how many records bleve offers for alignment: those
// sharing the most of the fragment's rarer words come first, and the
// source of a fragment with a few words changed is among them.
const citeCandidates = 30

// fragmentQuery asks for the records holding the fragment's words, as
// written (folded, not stemmed), leaving out stop words when others remain.
// The words are analysed here, so no user text reaches a query parser.
func (ix *Index) fragmentQuery(fragment string) query.Query {
	seen := map[string]bool{}
	var all, content []query.Query
	for _, t := range ix.stats.an.exact.Analyze([]byte(fragment)) {
		term := string(t.Term)
		if seen[term] {
			continue
		}
		seen[term] = true
		tq := bleve.NewTermQuery(term)
		tq.SetField(fieldExact)
		all = append(all, tq)
		if !ix.stats.an.stop[term] {
			content = append(content, tq)
		}
	}
	if len(content) > 0 {
		all = content
	}
	return bleve.NewDisjunctionQuery(all...)
}

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
	// A text with a passage in quotation marks may be a question about it
	// (`who said "…"?`) or a fragment that quotes: both are tried, and the
	// better alignment stands.
	quoted := quotedPart(q)
	aligners := []*aligner{newAligner(words(q))}
	if quoted != q {
		aligners = append(aligners, newAligner(words(quoted)))
	}
	if len(aligners[0].frag) < minCiteWords {
		return nil, fmt.Errorf("give at least %d words of the passage", minCiteWords)
	}
	req := bleve.NewSearchRequestOptions(ix.scoped(ix.fragmentQuery(quoted), scope), citeCandidates, 0, false)
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
		// The whole text stands when it aligns more words than the quoted
		// part alone: then the quotation marks are part of the fragment.
		best, found := aligners[0].quote(p)
		if len(aligners) > 1 {
			if qt, ok := aligners[1].quote(p); ok && (!found || best.score <= qt.score+alignMatch) {
				best, found = qt, true
			}
		}
		if found {
			quotes = append(quotes, best)
		}
	}
	sort.SliceStable(quotes, func(i, j int) bool {
		if better(quotes[i], quotes[j]) != better(quotes[j], quotes[i]) {
			return better(quotes[i], quotes[j])
		}
		return kindPrior(quotes[i].Paragraph.Kind) > kindPrior(quotes[j].Paragraph.Kind)
	})
	if len(quotes) > k {
		quotes = quotes[:k]
	}
	return quotes, nil
}

// better reports whether a is a better quote than b: more words aligned,
// then exact (an exact match aligns every word, so nothing inexact beats
// it), then by confidence.
func better(a, b Quote) bool {
	if a.score != b.score {
		return a.score > b.score
	}
	if a.Exact != b.Exact {
		return a.Exact
	}
	return a.Confidence > b.Confidence
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

// aligner aligns one fragment with candidate paragraphs, reusing its
// buffers.
type aligner struct {
	frag      []word
	prev, cur []float64
	po, co    []origin // where the alignment ending here started
}

// origin is where an alignment starts: a fragment word and a text word,
// counted from 1.
type origin struct{ f, t int }

func newAligner(frag []word) *aligner { return &aligner{frag: frag} }

// alignMatch is what each aligned word scores (a missing, extra or changed
// word costs 1).
const alignMatch = 2.0

// quote aligns the fragment's words with the paragraph's: first as an exact
// run of words, else locally (Smith–Waterman over words, which match when
// equal or one typo apart). The quote is the sentences the aligned words
// touch; and when the fragment goes on past the aligned words at a
// sentence boundary, the sentence it goes on into ("…taché. After his
// return" remembered from "attaché. After his return"). The quote's score
// is alignMatch per aligned word less the costs.
func (al *aligner) quote(p *corpus.Paragraph) (Quote, bool) {
	frag := al.frag
	text := words(p.Text)
	if len(text) == 0 {
		return Quote{}, false
	}
	for i := 0; i+len(frag) <= len(text); i++ {
		j := 0
		for j < len(frag) && text[i+j].w == frag[j].w {
			j++
		}
		if j == len(frag) {
			s, e := quoteBounds(p, text[i].start, text[i+len(frag)-1].end, false, false)
			return Quote{Paragraph: p, Start: s, End: e, Confidence: 1, Exact: true, score: alignMatch * float64(len(frag))}, true
		}
	}
	const match, mismatch, gap = alignMatch, -1.0, -1.0
	n, m := len(frag), len(text)
	al.prev, al.cur = grow(al.prev, m+1), grow(al.cur, m+1)
	if cap(al.po) < m+1 {
		al.po, al.co = make([]origin, m+1), make([]origin, m+1)
	}
	prev, cur, po, co := al.prev, al.cur, al.po[:m+1], al.co[:m+1]
	clear(prev)
	best, bo, bf, bt := 0.0, origin{}, 0, 0
	for i := 1; i <= n; i++ {
		cur[0] = 0
		for j := 1; j <= m; j++ {
			s := mismatch
			if sameWord(frag[i-1].w, text[j-1].w) {
				s = match
			}
			v, o := 0.0, origin{i, j}
			if d := prev[j-1] + s; d > v {
				v = d
				if prev[j-1] > 0 {
					o = po[j-1]
				}
			}
			if d := prev[j] + gap; d > v {
				v, o = d, po[j]
			}
			if d := cur[j-1] + gap; d > v {
				v, o = d, co[j-1]
			}
			cur[j], co[j] = v, o
			if v > best {
				best, bo, bf, bt = v, o, i, j
			}
		}
		prev, cur, po, co = cur, prev, co, po
	}
	confidence := best / (match * float64(n))
	if confidence < minCiteConfidence {
		return Quote{}, false
	}
	first, last := text[bo.t-1], text[bt-1]
	back := bo.f > 1 && (bo.t == 1 || sentenceOf(p, text[bo.t-2].start) != sentenceOf(p, first.start))
	fwd := bf < n && (bt == m || sentenceOf(p, text[bt].start) != sentenceOf(p, last.start))
	s, e := quoteBounds(p, first.start, last.end, back, fwd)
	return Quote{Paragraph: p, Start: s, End: e, Confidence: min(confidence, 0.99), score: best}, true
}

// sentenceOf is the index of the sentence holding byte offset at.
func sentenceOf(p *corpus.Paragraph, at int) int {
	for i, sp := range p.Sentences {
		if at < sp.End {
			return i
		}
	}
	return len(p.Sentences) - 1
}

func grow(b []float64, n int) []float64 {
	if cap(b) < n {
		return make([]float64, n)
	}
	return b[:n]
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

// editDistanceAtMost1 reports whether one insertion, deletion, change or
// swap of neighbours turns a into b.
func editDistanceAtMost1(a, b string) bool {
	if len(a) < len(b) {
		a, b = b, a
	}
	if !isASCII(a) || !isASCII(b) {
		return editDistanceAtMost1Runes([]rune(a), []rune(b))
	}
	if len(a)-len(b) > 1 {
		return false
	}
	i := 0
	for i < len(b) && a[i] == b[i] {
		i++
	}
	if len(a) == len(b) {
		return a[i+1:] == b[i+1:] || (i+1 < len(a) && a[i] == b[i+1] && a[i+1] == b[i] && a[i+2:] == b[i+2:])
	}
	return a[i+1:] == b[i:]
}

func editDistanceAtMost1Runes(ra, rb []rune) bool {
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

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// quoteBounds widens [start, end) to the sentences it touches, one more
// sentence before or after when back or fwd, and the sentences joined to
// them by a conjunction: a sentence that opens with "And" or "But"
// continues the one before, so a quote neither starts with it nor stops
// short of it.
func quoteBounds(p *corpus.Paragraph, start, end int, back, fwd bool) (int, int) {
	first, last := -1, -1
	for i, sp := range p.Sentences {
		if sp.End > start && first < 0 {
			first = i
		}
		if sp.Start < end {
			last = i
		}
	}
	if first < 0 || last < 0 {
		return start, end
	}
	if back && first > 0 {
		first--
	}
	if fwd && last+1 < len(p.Sentences) {
		last++
	}
	for first > 0 && opensWithConjunction(p.Text[p.Sentences[first].Start:p.Sentences[first].End]) {
		first--
	}
	for last+1 < len(p.Sentences) && opensWithConjunction(p.Text[p.Sentences[last+1].Start:p.Sentences[last+1].End]) {
		last++
	}
	return min(start, p.Sentences[first].Start), max(end, p.Sentences[last].End)
}

// opensWithConjunction reports whether a sentence opens with a coordinating
// conjunction ("And now this day has come.").
func opensWithConjunction(sentence string) bool {
	w := sentence
	if i := strings.IndexFunc(w, func(r rune) bool { return !isWordRune(r) }); i >= 0 {
		w = w[:i]
	}
	switch w {
	case "And", "But", "Yet", "Or", "Nor", "So":
		return true
	}
	return false
}
