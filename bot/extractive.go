package bot

import (
	"maps"
	"strings"

	"github.com/ibidbot/ibid/corpus"
)

// Thresholds of the extractive answerer. Coverage is the share of the
// question's term weight (IDF) that a stretch of text holds.
const (
	// minCoverage: below this share in the best window the passages are only
	// related to the question, not an answer to it.
	minCoverage = 0.15
	// typeBonus rewards a window holding words of the expected answer type
	// (a name for "who", a number for "how many" …).
	typeBonus = 0.15
	// rankWeight is how much the retrieval order counts against sentence
	// coverage when picking the window.
	rankWeight = 0.25
	// secondQuoteRatio: a second passage is quoted when its window scores
	// nearly as well as the first and holds an answer itself: when two
	// passages answer about equally well, the reader sees both rather than
	// the bot's guess between them.
	secondQuoteRatio = 0.9
	// maxWindow is the longest quote in sentences.
	maxWindow = 2
	// kinMinSim and kinCredit: a word at least kinMinSim close in meaning
	// to a question word covers it for kinCredit of its weight.
	kinMinSim = 0.6
	kinCredit = 0.5
	// leadInCredit is what a question word earns a block quote by standing
	// in its lead-in.
	leadInCredit = 0.5
)

// window is a candidate quote: consecutive sentences of one passage.
type window struct {
	passage    int
	first      int // sentence indexes, inclusive
	last       int
	coverage   float64
	holds      bool // holds words of the expected answer type
	score      float64
	paragraph  *corpus.Paragraph
	coverTerms map[string]bool
}

// extractive answers by picking the sentences that best cover the question,
// or refuses when none does.
func (b *Bot) extractive(q question, passages []Passage) Answer {
	a := Answer{Mode: ModeExtractive, Considered: passages}
	total := 0.0
	for _, t := range q.terms {
		total += b.vocab.idf(t)
	}
	if len(passages) == 0 || total == 0 {
		return refusal(a, "The corpus has nothing on this question.")
	}
	if missing := b.unknownNames(q); len(missing) > 0 {
		return refusal(a, "The corpus never mentions "+strings.Join(missing, ", ")+", so it cannot answer this.")
	}
	var best []window
	top := passages[0].Score
	for i, p := range passages {
		if !answers(p.Paragraph.Kind) {
			continue
		}
		prior := 0.0
		if top > 0 {
			prior = rankWeight * p.Score / top
		}
		if w, ok := b.bestWindow(q, p.Paragraph, total); ok {
			w.passage = i
			w.score += prior
			best = append(best, w)
		}
	}
	if len(best) == 0 {
		return refusal(a, "The corpus does not seem to answer this.")
	}
	first := 0
	for i, w := range best {
		if w.score > best[first].score {
			first = i
		}
	}
	w := best[first]
	if w.coverage < minCoverage || len(w.coverTerms) < min(2, len(q.terms)) {
		// A passage sharing one word with the question is not about it.
		return refusal(a, "The corpus does not seem to answer this.")
	}
	attr, attributed := b.attribution(w.paragraph)
	if q.focus != "" && b.vocab.known(q.focus) && !b.answersFocus(q, w) && !(attributed && b.answersFocus(q, attr)) {
		// The question asks for an admiral and the passage names none,
		// though the corpus uses the word elsewhere: it is about the
		// subject, not an answer, however much of the question it holds
		// ("the Baltic Fleet destroyed at Tsushima in May 1905").
		return refusal(a, "The corpus does not seem to answer this.")
	}
	if (q.want == answerNumber || q.want == answerDate) && !w.holds {
		// "How many sailors were killed at Tsushima?": a passage on the
		// battle with no number in it does not say.
		return refusal(a, "The corpus does not seem to answer this.")
	}
	if !holdsContent(q, w) {
		return refusal(a, "The corpus does not seem to answer this.")
	}
	if attributed {
		// Whose words these are ("Robertson Scott explained why:") and
		// the words: the two passages this answer shows.
		who := b.quoteWindow(attr)
		who.Attribution = true
		a.Quotes = []Quote{who, b.quoteWindow(w)}
		a.Lead = leadFor(a.Quotes[1:]) // the source of the words quoted
	} else {
		a.Quotes = []Quote{b.quoteWindow(w)}
		for i, o := range best {
			if i != first && o.holds && o.coverage >= minCoverage && o.score >= secondQuoteRatio*w.score &&
				o.paragraph != w.paragraph {
				a.Quotes = append(a.Quotes, b.quoteWindow(o))
				break
			}
		}
		a.Lead = leadFor(a.Quotes)
	}
	return a
}

// focusKinMinSim is how close in meaning a word must be to the focus noun to
// stand for it: "cat" for "animals" (0.75), not "fleet" for "admiral" (0.64).
const focusKinMinSim = 0.7

// answersFocus reports whether the window's passage gives something of the
// kind the question asks for: it uses the focus noun; or, for a thing, a word
// the thesaurus puts close to it ("what animals" – "a cat"); or, for a person,
// it names someone the corpus elsewhere calls by it.
func (b *Bot) answersFocus(q question, w window) bool {
	kind := map[string]bool{q.focus: true}
	if q.want != answerPerson && b.thesaurus != nil {
		for _, word := range b.thesaurus.Related(q.focusWord, focusKinMinSim) {
			kind[stem(fold(word))] = true
			kind[strings.TrimSuffix(fold(word), "s")] = true // stem keeps short plurals ("cats")
		}
	}
	for _, t := range tokens(w.paragraph.Text) {
		if kind[t.term] {
			return true
		}
	}
	return b.namesOne(q, w)
}

// attribution is the sentence of a block quote's lead-in that says whose
// words the quote gives ("He wrote to Rice in June 1904:"), when p is a
// block quote and has one.
func (b *Bot) attribution(p *corpus.Paragraph) (window, bool) {
	lead, ok := b.corpus.LeadIn(p.ID)
	if !ok || len(lead.Sentences) == 0 {
		return window{}, false
	}
	last := len(lead.Sentences) - 1
	first := last
	if t := tokens(lead.Sentence(last)); first > 0 && len(t) > 0 && anaphora[t[0].term] {
		first-- // "He wrote to Rice": who he is comes before
	}
	return window{paragraph: lead, first: first, last: last}, true
}

// namesOne reports whether the window names someone or something the
// corpus elsewhere calls by the question's focus noun: "Shidehara told the
// US ambassador" answers "which foreign minister told the envoy" when the
// corpus says "Foreign Minister Shidehara" somewhere.
func (b *Bot) namesOne(q question, w window) bool {
	asked := make(map[string]bool, len(q.terms))
	for _, t := range q.terms {
		asked[t] = true
	}
	text := w.paragraph.Text[w.paragraph.Sentences[w.first].Start:w.paragraph.Sentences[w.last].End]
	tried := make(map[string]bool)
	for _, t := range tokens(text) {
		if !t.capitalised() || t.numeric() || stopwords[t.term] || asked[t.term] || tried[t.term] {
			continue
		}
		tried[t.term] = true
		if b.vocab.called(t.term, q.focus) {
			return true
		}
	}
	return false
}

// answers reports whether records of kind k can answer a question: prose and
// notes, not headings or captions.
func answers(k corpus.Kind) bool { return k.Prose() || k == corpus.KindNote }

// unknownNames lists the question's rare names the corpus never uses in any
// spelling: a question about them cannot be answered from it.
func (b *Bot) unknownNames(q question) []string {
	var missing []string
	toks := tokens(q.text)
	for _, t := range toks {
		if !t.capitalised() || t.numeric() || stopwords[t.term] || b.vocab.known(t.term) || b.aliasWords[t.term] {
			continue
		}
		// Initials and short words are too often variants, and a name one
		// letter away from a word of the corpus is more likely misspelt
		// than absent.
		if len([]rune(t.raw)) < 4 || b.vocab.nearKnown(t.term) || b.knownParts(t.raw) {
			continue
		}
		missing = append(missing, strings.TrimSuffix(strings.TrimSuffix(t.raw, "'s"), "’s"))
	}
	return missing
}

// knownParts reports whether a hyphenated word joins words the corpus knows
// ("the Litvinov-Yoshizawa conversation").
func (b *Bot) knownParts(raw string) bool {
	parts := strings.FieldsFunc(raw, func(r rune) bool { return r == '-' || r == '‐' })
	if len(parts) < 2 {
		return false
	}
	for _, p := range parts {
		if t := tokens(p); len(t) != 1 || !b.vocab.known(t[0].term) && !b.aliasWords[t[0].term] {
			return false
		}
	}
	return true
}

// bestWindow finds the stretch of at most maxWindow sentences of p that best
// covers the question.
func (b *Bot) bestWindow(q question, p *corpus.Paragraph, total float64) (window, bool) {
	if len(p.Sentences) == 0 {
		return window{}, false
	}
	toks := tokens(p.Text)
	// Tokens per sentence.
	per := make([][]token, len(p.Sentences))
	starts := make(map[int]bool)
	s := 0
	for i, t := range toks {
		for s < len(p.Sentences)-1 && t.start >= p.Sentences[s].End {
			s++
		}
		if len(per[s]) == 0 {
			starts[i] = true
		}
		per[s] = append(per[s], t)
	}
	want := make(map[string]bool, len(q.terms))
	for _, t := range q.terms {
		want[t] = true
	}
	// A block quote is attributed in its lead-in ("…the British reply of
	// 1937 said:"): the names and numbers of the question there (who said
	// it, when, where) count, at a discount, for every window of the quote.
	attributed := make(map[string]float64)
	if lead, ok := b.corpus.LeadIn(p.ID); ok {
		named := make(map[string]bool, len(q.names))
		for _, n := range q.names {
			named[n] = true
		}
		for _, t := range tokens(lead.Text) {
			if named[t.term] {
				attributed[t.term] = leadInCredit
			}
			for _, c := range q.kin[t.term] {
				if named[c.term] && c.credit >= derivCredit {
					attributed[c.term] = max(attributed[c.term], leadInCredit*c.credit)
				}
			}
		}
	}
	var best window
	found := false
	for first := range per {
		for last := first; last < min(len(per), first+maxWindow); last++ {
			covered := make(map[string]bool)
			credit := maps.Clone(attributed)
			var span []token
			for k := first; k <= last; k++ {
				for _, t := range per[k] {
					if want[t.term] {
						covered[t.term] = true
						credit[t.term] = 1
					}
					for _, c := range q.kin[t.term] {
						credit[c.term] = max(credit[c.term], c.credit)
						if c.credit >= derivCredit {
							covered[c.term] = true
						}
					}
				}
				span = append(span, per[k]...)
			}
			cov := 0.0
			for _, t := range q.terms { // in order: a sum over a map varies in its last bits
				cov += credit[t] * b.vocab.idf(t)
			}
			cov /= total
			w := window{first: first, last: last, coverage: cov, paragraph: p, coverTerms: covered}
			w.holds = q.holdsAnswer(span, starts)
			w.score = cov - 0.04*float64(last-first)
			if w.holds {
				w.score += typeBonus
			}
			if !found || w.score > best.score {
				best, found = w, true
			}
		}
	}
	return best, found
}

// anaphora open sentences that cannot stand alone: the quote then starts one
// sentence earlier so that a reader knows who "he" is.
var anaphora = setOf("he she it they this these those his her its their such there then thus however")

// quoteWindow cuts the window's sentences from the paragraph, extended back
// by one sentence when it opens with a pronoun.
func (b *Bot) quoteWindow(w window) Quote {
	p := w.paragraph
	first := w.first
	if first > 0 && w.last == first {
		if t := tokens(p.Sentence(first)); len(t) > 0 && anaphora[t[0].term] {
			first--
		}
	}
	return Quote{Paragraph: p, Start: p.Sentences[first].Start, End: p.Sentences[w.last].End}
}

// refusal turns a into a refusal that shows the closest passages.
func refusal(a Answer, why string) Answer {
	a.Refused = true
	a.Quotes = nil
	a.Lead = why + " The closest passages are below; they do not answer the question."
	return a
}

// holdsContent reports whether the window shares with the question more
// than the kind of thing asked for and a date, when the question says more
// than that: "which prime minister resigned after a scandal in June 1922"
// is not answered by a prime minister in office in June 1922.
// A question of a word or so besides ("which incident happened in
// September 1931") is left to the other checks.
func holdsContent(q question, w window) bool {
	content := func(term string) bool { return !q.phrase[term] && !months[term] && !isYear(term) }
	n := 0
	for _, t := range q.terms {
		if content(t) {
			n++
		}
	}
	if n < 2 {
		return true
	}
	for term := range w.coverTerms {
		if content(term) {
			return true
		}
	}
	return false
}
