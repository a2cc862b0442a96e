package retrieval

import (
	"math"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/ibidbot/ibid/corpus"
	"github.com/ibidbot/ibid/retrieval/internal/related"
)

// BM25's usual parameters.
const (
	bm25K1 = 1.2
	bm25B  = 0.75
)

// How the rerank weighs what a record shares with a question. Chosen on the
// development questions (../shared/eval) and checked on a second set
// written apart from them (about 65 questions in all): too few to trust
// a close fit, so the values are round and each rule says why it holds.
const (
	// coverBase and the best sentence's coverage (the share of the
	// question's weight it holds, 0 to 1) multiply BM25: a record whose
	// matches gather in one sentence beats one that scatters them.
	coverBase = 0.5
	// window2 is what the sentence before counts for when a sentence's
	// coverage is taken with it: answers often run over two sentences.
	window2 = 0.5

	// Words close in meaning (package related) stand in for the question's
	// rare words only, those whose idf is at least relatedMinIDF (about one
	// record in 250): a word the corpus uses often is already how the
	// corpus says it, and expanding it only adds noise. At most relatedMax
	// of them, each at least relatedMinSim similar, earning relatedWeight
	// times their similarity of the slot's weight.
	relatedMinIDF = 5.5
	relatedMinSim = 0.6
	relatedMax    = 10
	relatedWeight = 0.8

	// A neighbour in meaning that shares the word's first morphPrefix
	// letters ("British", "Britain"; "prosecution", "prosecutors") is a
	// derivation the stemmer missed: it stands in for any word, at
	// morphWeight.
	morphPrefix = 4
	morphMinSim = 0.6
	morphWeight = 0.9
)

// preparedQuery is a question made ready once for candidates and rerank.
//
// Each concept of the question is a slot: a word, a hyphenated compound, or
// a name the alias table knows. A slot can be spelt in several ways (the
// compound joined or in parts, the name in each romanisation, a word or, at
// a discount, a word close in meaning), and counts once, by its best
// spelling, so that neither a name with many spellings nor a word with
// many relatives outweighs the rest of the question.
type preparedQuery struct {
	terms []qterm
	slots []slot
	total float64 // the sum of the slots' weights
}

// qterm is a term of the index a record can match, with its idf.
type qterm struct {
	id   int32
	idf  float64
	best float64 // the most the term can earn a record
}

// slot is one concept of the question; full marks earn it weight.
type slot struct {
	weight    float64
	spellings []spelling
}

// spelling is one way to write a slot: the terms that must all be present
// for full marks, and what a term's idf is scaled by so that a complete
// spelling earns the slot's weight times its discount.
type spelling struct {
	terms []int // indexes into preparedQuery.terms
	scale float64
}

// prepare analyses a question into its slots: the names the alias table
// knows, hyphenated compounds, then the other words, each with the words
// close in meaning that the corpus uses.
func (ix *Index) prepare(q string) *preparedQuery {
	s := ix.stats
	pq := &preparedQuery{}
	termAt := map[int32]int{}
	// term returns the index of a stem's term, or -1 when the corpus
	// lacks it; idf is the term's weight either way.
	term := func(stem string) (int, float64) {
		id, ok := s.ids[stem]
		if !ok {
			return -1, s.idf(0)
		}
		if k, ok := termAt[id]; ok {
			return k, pq.terms[k].idf
		}
		termAt[id] = len(pq.terms)
		pq.terms = append(pq.terms, qterm{id: id, idf: s.idf(s.df[id])})
		return len(pq.terms) - 1, pq.terms[len(pq.terms)-1].idf
	}
	// spell makes a spelling of stems, to earn weight×discount in full.
	spell := func(stems []string, weight, discount float64) (spelling, float64) {
		var sp spelling
		sum := 0.0
		for _, st := range stems {
			k, idf := term(st)
			sum += idf
			if k >= 0 {
				sp.terms = append(sp.terms, k)
			}
		}
		if sum > 0 {
			sp.scale = weight * discount / sum
		}
		return sp, sum
	}
	words := s.an.analyze(q)
	used := make([]bool, len(words))
	stemSlot := map[string]bool{}

	// Names first: the question's spelling fixes the slot's weight.
	for _, m := range ix.aliasMatches(q) {
		var names [][]string // the stems of each spelling, the typed one first
		for _, name := range append([]string{m.typed}, m.others...) {
			names = append(names, partsOnly(s.an.analyze(name)))
		}
		typed := names[0]
		if len(typed) == 0 {
			continue
		}
		// A name is one concept: its weight is its own rarity, not the
		// sum of its words' (which overcounts, as they come together).
		// Records naming it in some spelling are at least as many as name
		// it in the commonest one, which are at most as many as hold that
		// spelling's rarest word: the least, over the spellings the corpus
		// uses, of the greatest idf among a spelling's words. A name the
		// corpus uses in no spelling weighs what its typed words do.
		weight := math.Inf(1)
		for _, stems := range names {
			most, all := 0.0, true
			for _, st := range stems {
				k, idf := term(st)
				all = all && k >= 0
				most = max(most, idf)
			}
			if all {
				weight = min(weight, most)
			}
		}
		if math.IsInf(weight, 1) {
			weight = 0
			for _, st := range typed {
				_, idf := term(st)
				weight += idf
			}
		}
		sl := slot{weight: weight}
		for _, stems := range names {
			sp, _ := spell(stems, weight, 1)
			sl.spellings = append(sl.spellings, sp)
		}
		pq.slots = append(pq.slots, sl)
		for _, st := range typed {
			stemSlot[st] = true
		}
	}
	// Hyphenated compounds: joined or in parts.
	for i, w := range words {
		parts := partsOf(words, i)
		if len(parts) == 0 {
			continue
		}
		used[i] = true
		if stemSlot[w.stem] || !slices.ContainsFunc(parts, func(p int) bool { return !stemSlot[words[p].stem] }) {
			continue // already a slot, or part of a name
		}
		var stems []string
		for _, p := range parts {
			used[p] = true
			stems = append(stems, words[p].stem)
		}
		joined, jw := spell([]string{w.stem}, 0, 1)
		split, sw := spell(stems, 0, 1)
		weight := max(jw, sw)
		joined.scale, split.scale = weight/jw, weight/sw
		pq.slots = append(pq.slots, slot{weight: weight, spellings: []spelling{split, joined}})
		stemSlot[w.stem] = true
	}
	type single struct {
		surface string
		rare    bool // rare enough for words close in meaning
		name    bool // a name: derivations only
		slot    int
	}
	var singles []single
	cased := slices.ContainsFunc(words, func(w aword) bool { return startsLower(q[w.start:]) })
	for i, w := range words {
		if used[i] || stemSlot[w.stem] {
			continue
		}
		sp, idf := spell([]string{w.stem}, 0, 1)
		sp.scale = 1
		stemSlot[w.stem] = true
		pq.slots = append(pq.slots, slot{weight: idf, spellings: []spelling{sp}})
		singles = append(singles, single{w.surface, idf >= relatedMinIDF, cased && isName(q, w), len(pq.slots) - 1})
	}
	// Words close in meaning, for the question's rare words only (a word
	// the corpus uses often is how the corpus says it), but not for names;
	// derivations for every word.
	for _, w := range singles {
		n := 0
		seen := map[int32]bool{}
		sl := &pq.slots[w.slot]
		for _, nb := range related.Of(w.surface) {
			if float64(nb.Sim) < min(relatedMinSim, morphMinSim) || n == relatedMax {
				break
			}
			id, ok := s.surface[nb.Word]
			if !ok || stemSlot[s.terms[id]] || seen[id] {
				continue
			}
			discount := relatedWeight * float64(nb.Sim)
			if sameRoot(w.surface, nb.Word) && float64(nb.Sim) >= morphMinSim {
				discount = morphWeight
			} else if !w.rare || w.name || float64(nb.Sim) < relatedMinSim {
				continue
			}
			if !s.standsFor(nb.Word, id) {
				continue
			}
			seen[id] = true
			n++
			sp, _ := spell([]string{s.terms[id]}, sl.weight, discount)
			sl.spellings = append(sl.spellings, sp)
		}
	}
	for _, sl := range pq.slots {
		pq.total += sl.weight
		for _, sp := range sl.spellings {
			for _, k := range sp.terms {
				t := &pq.terms[k]
				t.best = max(t.best, t.idf*sp.scale)
			}
		}
	}
	return pq
}

// standsFor reports whether a neighbour in meaning may stand for the
// records holding its stem: only when at least half the stem's uses in the
// corpus are the neighbour or forms close to it in meaning. "evening" is
// stemmed with "even", and would otherwise credit every "even".
func (s *termStats) standsFor(word string, id int32) bool {
	nbs := related.Of(word)
	var near, all int32
	for _, f := range s.forms[id] {
		all += s.uses[f]
		if f == word || slices.ContainsFunc(nbs, func(nb related.Neighbour) bool { return nb.Word == f }) {
			near += s.uses[f]
		}
	}
	return 2*near >= all
}

// isName reports whether w is capitalised inside a sentence of q, as a
// name is ("a native of Australia", "the Hitachi company"). Neighbours in
// meaning of a name are other names of its kind (Britain, New Zealand;
// Mitsubishi), never other ways to say it, so a name is not expanded.
// Callers check first that q is not capitalised throughout.
func isName(q string, w aword) bool {
	if r, _ := utf8.DecodeRuneInString(q[w.start:]); !unicode.IsUpper(r) {
		return false
	}
	before := strings.TrimRightFunc(q[:w.start], func(r rune) bool {
		return unicode.IsSpace(r) || strings.ContainsRune("\"“‘'(", r)
	})
	return before != "" && !strings.ContainsRune(".?!:", rune(before[len(before)-1]))
}

func startsLower(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsLower(r)
}

// Related returns the words of general English at least minSim similar in
// meaning to word (lower case, unaccented), nearest first. It knows no
// corpus: the words need not occur in the index.
func Related(word string, minSim float64) []string {
	var out []string
	for _, nb := range related.Of(word) {
		if float64(nb.Sim) < minSim {
			break
		}
		out = append(out, nb.Word)
	}
	return out
}

// sameRoot reports whether two words share their first morphPrefix
// letters ("Australia", "Australian"; "prosecution", "prosecutor"): a
// neighbour in meaning that is also one in form is a derivation the
// stemmer missed.
func sameRoot(a, b string) bool {
	n := morphPrefix
	return len(a) >= n && len(b) >= n && a[:n] == b[:n]
}

// partsOf returns the indexes of the words a compound token at i joins
// ("non-aggression" → "non", "aggression"), or none when it is a word.
func partsOf(words []aword, i int) []int {
	var out []int
	for j, w := range words {
		if j != i && w.start >= words[i].start && w.end <= words[i].end {
			out = append(out, j)
		}
	}
	return out
}

// partsOnly returns the stems of words without the joined compounds, so a
// name's spelling counts each word once.
func partsOnly(words []aword) []string {
	var out []string
	for i, w := range words {
		if len(partsOf(words, i)) == 0 {
			out = append(out, w.stem)
		}
	}
	return out
}

// lookups are per-search tables from term ID to query term, pooled because
// they are as long as the corpus vocabulary.
var lookups sync.Pool

// scorer scores the candidates of one search; it is not shared. Its
// scratch arrays are indexed by query term, spelling or slot.
type scorer struct {
	ix     *Index
	q      *preparedQuery
	lookup []int32 // term ID → index in q.terms + 1, or 0
	// spells flattens the spellings: spells[i] belongs to slot slotOf[i];
	// termSpells[k] lists the spellings holding term k.
	spells     []spelling
	slotOf     []int
	termSpells [][]int

	tf       []float64 // per term: frequency in the record
	val      []float64 // per term: what credit multiplies its idf by
	acc      []float64 // per spelling: sum so far
	best     []float64 // per slot: best spelling so far
	touched  []int     // spellings with a sum
	matched  []int     // terms in the record
	cur, prv []int     // terms in the current and the previous sentence
	union    []int
}

func (ix *Index) newScorer(q *preparedQuery) *scorer {
	n := len(ix.stats.terms)
	var lk []int32
	if p, ok := lookups.Get().(*[]int32); ok && len(*p) >= n {
		lk = *p
	} else {
		lk = make([]int32, n)
	}
	for i, t := range q.terms {
		lk[t.id] = int32(i + 1)
	}
	k := len(q.terms)
	sc := &scorer{ix: ix, q: q, lookup: lk, termSpells: make([][]int, k), tf: make([]float64, k), val: make([]float64, k), best: make([]float64, len(q.slots))}
	for si, sl := range q.slots {
		for _, sp := range sl.spellings {
			for _, t := range sp.terms {
				sc.termSpells[t] = append(sc.termSpells[t], len(sc.spells))
			}
			sc.spells = append(sc.spells, sp)
			sc.slotOf = append(sc.slotOf, si)
		}
	}
	sc.acc = make([]float64, len(sc.spells))
	return sc
}

// release returns the lookup table, cleared, to the pool.
func (sc *scorer) release() {
	for _, t := range sc.q.terms {
		sc.lookup[t.id] = 0
	}
	lookups.Put(&sc.lookup)
}

// credit sums, over the slots, each slot's best spelling, where each of
// terms earns its idf times sc.val; terms lists each term once.
func (sc *scorer) credit(terms []int) float64 {
	sc.touched = sc.touched[:0]
	for _, k := range terms {
		v := sc.val[k] * sc.q.terms[k].idf
		if v == 0 {
			continue
		}
		for _, s := range sc.termSpells[k] {
			if sc.acc[s] == 0 {
				sc.touched = append(sc.touched, s)
			}
			sc.acc[s] += v
		}
	}
	total := 0.0
	for _, s := range sc.touched {
		sl, v := sc.slotOf[s], sc.acc[s]*sc.spells[s].scale
		if v > sc.best[sl] {
			total += v - sc.best[sl]
			sc.best[sl] = v
		}
		sc.acc[s] = 0
	}
	for _, s := range sc.touched {
		sc.best[sc.slotOf[s]] = 0
	}
	return total
}

// bm25 is the record's BM25 over the slots for a record of n tokens whose
// term frequencies are in sc.tf, for the terms in sc.matched.
func (sc *scorer) bm25(n int) float64 {
	norm := bm25K1 * (1 - bm25B + bm25B*float64(n)/max(sc.ix.stats.avgLen, 1))
	for _, k := range sc.matched {
		f := sc.tf[k]
		sc.val[k] = f * (bm25K1 + 1) / (f + norm)
	}
	c := sc.credit(sc.matched)
	for _, k := range sc.matched {
		sc.val[k] = 0
	}
	return c
}

// count adds one occurrence of term k to the record.
func (sc *scorer) count(k int) {
	if sc.tf[k] == 0 {
		sc.matched = append(sc.matched, k)
	}
	sc.tf[k]++
}

// reset forgets the record counted.
func (sc *scorer) reset() {
	for _, k := range sc.matched {
		sc.tf[k] = 0
	}
	sc.matched = sc.matched[:0]
}

// sentenceCredit is the credit of the sentence whose terms are in sc.cur,
// or of it with the sentence before at a discount (window2), whichever is
// more: an answer often takes two sentences.
func (sc *scorer) sentenceCredit() float64 {
	for _, k := range sc.cur {
		sc.val[k] = 1
	}
	c := sc.credit(sc.cur)
	if window2 > 0 && len(sc.prv) > 0 {
		sc.union = append(sc.union[:0], sc.cur...)
		for _, k := range sc.prv {
			if sc.val[k] == 0 {
				sc.val[k] = window2
				sc.union = append(sc.union, k)
			}
		}
		c = max(c, sc.credit(sc.union))
		for _, k := range sc.union {
			sc.val[k] = 0
		}
	}
	for _, k := range sc.cur {
		sc.val[k] = 0
	}
	return c
}

// rerank scores one candidate: BM25 with true lengths, times the share of
// the question's weight that its best sentence holds, alone or with the
// one before (proximity: an answer gathers the question's terms in a
// sentence or two, where a long record that merely mentions them scatters
// them), times a prior by kind (notes yield to the body). It also notes
// the best sentence and where the question's terms matched.
func (sc *scorer) rerank(p *corpus.Paragraph) Hit {
	s := sc.ix.stats
	h := Hit{Paragraph: p}
	r, ok := s.ord[p.ID]
	if !ok {
		return h
	}
	toks := s.tokensOf(r)
	sc.reset()
	sc.cur, sc.prv = sc.cur[:0], sc.prv[:0]
	best, bestIdx := 0.0, 0
	si := 0
	flush := func() {
		if len(sc.cur) > 0 {
			if c := sc.sentenceCredit(); c > best {
				best, bestIdx = c, si
			}
		}
		sc.cur, sc.prv = sc.prv[:0], sc.cur
	}
	for _, t := range toks {
		for si < len(p.Sentences) && int(t.start) >= p.Sentences[si].End {
			flush()
			si++
		}
		k := int(sc.lookup[t.term]) - 1
		if k < 0 {
			continue
		}
		sc.count(k)
		if !slices.Contains(sc.cur, k) {
			sc.cur = append(sc.cur, k)
		}
		h.Matches = append(h.Matches, corpus.Span{Start: int(t.start), End: int(t.end)})
	}
	flush()
	h.Sentence = min(bestIdx, max(len(p.Sentences)-1, 0))
	coverage := 0.0
	if sc.q.total > 0 {
		coverage = best / sc.q.total
	}
	h.Score = sc.bm25(len(toks)) * (coverBase + coverage) * kindPrior(p.Kind)
	if p.Kind == corpus.KindBlockQuote {
		// A block quote is attributed in its lead-in ("…the British reply
		// of 1937 said:"): a question about who said it and when matches
		// there.
		if lead, ok := sc.ix.corpus.LeadIn(p.ID); ok {
			if lr, ok := s.ord[lead.ID]; ok {
				lt := s.tokensOf(lr)
				sc.reset()
				for _, t := range lt {
					if k := int(sc.lookup[t.term]) - 1; k >= 0 {
						sc.count(k)
					}
				}
				h.Score += leadInWeight * sc.bm25(len(lt))
			}
		}
	}
	return h
}

// leadInWeight is how much of its lead-in's relevance a block quote borrows.
const leadInWeight = 0.5

// isLabel reports whether records of kind k only label others (headings,
// captions): they follow every passage of prose in the results, however
// well their few words match, since they cannot be quoted as an answer.
func isLabel(k corpus.Kind) bool { return k == corpus.KindHeading || k == corpus.KindCaption }

// kindPrior weighs a record by its kind: a note is found when the answer is
// only there, but yields to the body when both answer.
func kindPrior(k corpus.Kind) float64 {
	switch k {
	case corpus.KindNote:
		return 0.8
	case corpus.KindEpigraph:
		return 0.9
	}
	return 1
}
