package retrieval

import (
	"os"
	"strconv"
	"sync"

	"github.com/ibidbot/ibid/corpus"
	"github.com/ibidbot/ibid/retrieval/internal/related"
)

func envf(name string, def float64) float64 {
	if v, err := strconv.ParseFloat(os.Getenv(name), 64); err == nil {
		return v
	}
	return def
}

// BM25 parameters.
var (
	bm25K1 = envf("IBID_K1", 1.2)
	bm25B  = envf("IBID_B", 0.75)
)

// Related-word expansion (see prepare).
var (
	relatedMinSim = envf("IBID_MINSIM", 0.6)
	relatedMax    = int(envf("IBID_MAXEXP", 10))
	relatedWeight = envf("IBID_RELW", 0.8)
	relatedMinIDF = envf("IBID_MINIDF", 5.5)
	relatedBoost  = envf("IBID_RELBOOST", 0.3)
	coverBase     = envf("IBID_COVBASE", 0.5)
	window2       = envf("IBID_WIN2", 0.5)
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
	text     string
	variants []string // other spellings of the question's names, for candidates
	related  []string // corpus words close in meaning to the question's, for candidates
	terms    []qterm
	slots    []slot
	total    float64 // the sum of the slots' weights
}

// qterm is a term of the index a record can match, with its idf.
type qterm struct {
	id  int32
	idf float64
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

func (ix *Index) prepare(q string) *preparedQuery {
	s := ix.stats
	pq := &preparedQuery{text: q}
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
		typed := partsOnly(s.an.analyze(m.typed))
		if len(typed) == 0 {
			continue
		}
		sum := 0.0
		for _, st := range typed {
			_, idf := term(st)
			sum += idf
		}
		sl := slot{weight: sum}
		for _, name := range append([]string{m.typed}, m.others...) {
			sp, _ := spell(partsOnly(s.an.analyze(name)), sum, 1)
			sl.spellings = append(sl.spellings, sp)
			if name != m.typed {
				pq.variants = append(pq.variants, name)
			}
		}
		pq.slots = append(pq.slots, sl)
		for _, st := range typed {
			stemSlot[st] = true
		}
	}
	// Hyphenated compounds: joined or in parts.
	for i, w := range words {
		parts := partsOf(words, i)
		if len(parts) == 0 || stemSlot[w.stem] {
			continue
		}
		used[i] = true
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
		slot    int
	}
	var singles []single
	for i, w := range words {
		if used[i] || stemSlot[w.stem] {
			continue
		}
		sp, idf := spell([]string{w.stem}, 0, 1)
		sp.scale = 1
		stemSlot[w.stem] = true
		pq.slots = append(pq.slots, slot{weight: idf, spellings: []spelling{sp}})
		if idf >= relatedMinIDF {
			singles = append(singles, single{w.surface, len(pq.slots) - 1})
		}
	}
	// Words close in meaning, for the question's rare words only: a word
	// the corpus uses often is how the corpus says it.
	for _, w := range singles {
		n := 0
		seen := map[int32]bool{}
		sl := &pq.slots[w.slot]
		for _, nb := range related.Of(w.surface) {
			if float64(nb.Sim) < relatedMinSim || n == relatedMax {
				break
			}
			id, ok := s.surface[nb.Word]
			if !ok || stemSlot[s.terms[id]] || seen[id] {
				continue
			}
			seen[id] = true
			n++
			sp, _ := spell([]string{s.terms[id]}, sl.weight, relatedWeight*float64(nb.Sim))
			sl.spellings = append(sl.spellings, sp)
			pq.related = append(pq.related, nb.Word)
		}
	}
	for _, sl := range pq.slots {
		pq.total += sl.weight
	}
	return pq
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

// scorer scores the candidates of one search; it is not shared.
type scorer struct {
	ix     *Index
	q      *preparedQuery
	lookup []int16 // term ID → index in q.terms + 1, or 0
	tf     []float64
	inSent []float64 // per term: 1 when in the current sentence
	prev   []float64 // per term: 1 when in the sentence before
}

func (ix *Index) newScorer(q *preparedQuery) *scorer {
	n := len(ix.stats.terms)
	lk, _ := lookups.Get().([]int16)
	if len(lk) < n {
		lk = make([]int16, n)
	}
	for i, t := range q.terms {
		lk[t.id] = int16(i + 1)
	}
	k := len(q.terms)
	return &scorer{ix: ix, q: q, lookup: lk, tf: make([]float64, k), inSent: make([]float64, k), prev: make([]float64, k)}
}

// release returns the lookup table, cleared, to the pool.
func (sc *scorer) release() {
	for _, t := range sc.q.terms {
		sc.lookup[t.id] = 0
	}
	lookups.Put(sc.lookup)
}

// credit sums, over the slots, each slot's best spelling, where term k
// earns its idf times f(k).
func (sc *scorer) credit(f func(k int) float64) float64 {
	total := 0.0
	for _, sl := range sc.q.slots {
		best := 0.0
		for _, sp := range sl.spellings {
			v := 0.0
			for _, k := range sp.terms {
				v += sc.q.terms[k].idf * f(k)
			}
			best = max(best, v*sp.scale)
		}
		total += best
	}
	return total
}

// bm25 is the record's BM25 over the slots for a record of n tokens whose
// term frequencies are in sc.tf.
func (sc *scorer) bm25(n int) float64 {
	norm := bm25K1 * (1 - bm25B + bm25B*float64(n)/max(sc.ix.stats.avgLen, 1))
	return sc.credit(func(k int) float64 {
		f := sc.tf[k]
		return f * (bm25K1 + 1) / (f + norm)
	})
}

// counts fills sc.tf from toks.
func (sc *scorer) counts(toks []token) {
	clear(sc.tf)
	for _, t := range toks {
		if k := sc.lookup[t.term]; k > 0 {
			sc.tf[k-1]++
		}
	}
}

// rerank scores one candidate: BM25 with true lengths, times the share of
// the question's weight that its best sentence holds (answers sit in one
// sentence), times a prior by kind (headings and captions never outrank
// prose; notes yield to the body).
func (sc *scorer) rerank(p *corpus.Paragraph) Hit {
	s := sc.ix.stats
	h := Hit{Paragraph: p}
	r, ok := s.ord[p.ID]
	if !ok {
		return h
	}
	toks := s.tokensOf(r)
	clear(sc.tf)
	clear(sc.inSent)
	clear(sc.prev)
	present := func(k int) float64 { return sc.inSent[k] }
	both := func(k int) float64 { return max(sc.inSent[k], window2*sc.prev[k]) }
	best, bestIdx := 0.0, 0
	si, any := 0, false
	flush := func() {
		if any {
			c := sc.credit(present)
			if window2 > 0 {
				c = max(c, sc.credit(both))
			}
			if c > best {
				best, bestIdx = c, si
			}
		}
		copy(sc.prev, sc.inSent)
		clear(sc.inSent)
		any = false
	}
	for _, t := range toks {
		for si < len(p.Sentences) && int(t.start) >= p.Sentences[si].End {
			flush()
			si++
		}
		k := sc.lookup[t.term]
		if k == 0 {
			continue
		}
		sc.tf[k-1]++
		sc.inSent[k-1] = 1
		any = true
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
		if lead, ok := sc.ix.leadIns[p.ID]; ok {
			if lr, ok := s.ord[lead]; ok {
				lt := s.tokensOf(lr)
				sc.counts(lt)
				h.Score += leadInWeight * sc.bm25(len(lt))
			}
		}
	}
	return h
}

// leadInWeight is how much of its lead-in's relevance a block quote borrows.
const leadInWeight = 0.5

func kindPrior(k corpus.Kind) float64 {
	switch k {
	case corpus.KindHeading:
		return 0.3
	case corpus.KindCaption:
		return 0.4
	case corpus.KindNote:
		return 0.8
	case corpus.KindEpigraph:
		return 0.9
	}
	return 1
}
