package bot

import (
	"math"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/ibidbot/ibid/corpus"
)

// token is a word of a text: its folded, stemmed form for matching and its
// byte span in the original for cutting quotes.
type token struct {
	term       string // folded and stemmed
	raw        string // as written
	start, end int
}

// capitalised reports whether the word was written with a capital, which in
// running text marks a name (the first word of a sentence aside).
func (t token) capitalised() bool {
	r, _ := utf8.DecodeRuneInString(t.raw)
	return unicode.IsUpper(r)
}

// numeric reports whether the word is a number or a number word.
func (t token) numeric() bool {
	r, _ := utf8.DecodeRuneInString(t.raw)
	return unicode.IsDigit(r) || numberWords[t.term]
}

// tokens splits s into words: runs of letters and digits, with inner
// apostrophes, hyphens, commas and points between digits kept ("Kan-ichi",
// "1,500", "3.5").
func tokens(s string) []token {
	var out []token
	start := -1
	flush := func(end int) {
		if start < 0 {
			return
		}
		raw := s[start:end]
		out = append(out, token{term: stem(fold(raw)), raw: raw, start: start, end: end})
		start = -1
	}
	for i, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 && joinsWord(s, i, r) {
			continue
		}
		flush(i)
	}
	flush(len(s))
	return out
}

// joinsWord reports whether the separator r at i sits inside a word.
func joinsWord(s string, i int, r rune) bool {
	prev, _ := utf8.DecodeLastRuneInString(s[:i])
	next, _ := utf8.DecodeRuneInString(s[i+utf8.RuneLen(r):])
	switch r {
	case '\'', '’', '-', '‐':
		return unicode.IsLetter(prev) && unicode.IsLetter(next)
	case ',', '.':
		return unicode.IsDigit(prev) && unicode.IsDigit(next)
	}
	return false
}

// fold lower-cases and strips diacritics and typographic variants, so that
// "Gotō" matches "Goto" and "Kan’ichi" matches "Kan'ichi".
func fold(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
		case r == '’' || r == '‘' || r == 'ʼ':
			b.WriteByte('\'')
		case r == '‐' || r == '–':
			b.WriteByte('-')
		case r == ',':
		default:
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// stem reduces an English word to a crude stem, enough for "treaties" to
// meet "treaty" and "signed" to meet "signing" when scoring sentences.
// Retrieval has a real stemmer; this only has to agree with itself.
func stem(w string) string {
	if len(w) <= 4 || !isLetters(w) {
		return strings.TrimSuffix(w, "'s")
	}
	w = strings.TrimSuffix(w, "'s")
	for _, suf := range []struct{ from, to string }{
		{"ies", "y"}, {"ied", "y"}, {"ying", "y"}, {"sses", "ss"}, {"ing", ""}, {"ed", ""},
		{"es", "e"}, {"s", ""}, {"ly", ""},
	} {
		if strings.HasSuffix(w, suf.from) && len(w)-len(suf.from) >= 3 {
			if suf.from == "s" && strings.HasSuffix(w, "ss") {
				return w
			}
			w = w[:len(w)-len(suf.from)] + suf.to
			break
		}
	}
	return strings.TrimSuffix(w, "e")
}

func isLetters(w string) bool {
	for _, r := range w {
		if !unicode.IsLetter(r) && r != '\'' && r != '-' {
			return false
		}
	}
	return true
}

// vocabulary holds document frequencies of terms over the corpus, so that
// rare words (names, specific nouns) weigh more than common ones when
// judging whether a sentence answers a question.
type vocabulary struct {
	df map[string]int
	n  int
	// records and named: the records of the corpus, and for each name (a
	// capitalised word) the records using it, so that how the corpus
	// describes a name can be looked up.
	records []*corpus.Paragraph
	named   map[string][]int32
}

func newVocabulary(c *corpus.Corpus) *vocabulary {
	v := &vocabulary{df: make(map[string]int), named: make(map[string][]int32)}
	seen, seenName := make(map[string]bool), make(map[string]bool)
	for p := range c.All {
		v.n++
		clear(seen)
		clear(seenName)
		for _, t := range tokens(p.Text) {
			if !seen[t.term] {
				seen[t.term] = true
				v.df[t.term]++
			}
			if t.capitalised() && !seenName[t.term] {
				seenName[t.term] = true
				v.named[t.term] = append(v.named[t.term], int32(len(v.records)))
			}
		}
		v.records = append(v.records, p)
	}
	return v
}

// calledNear is how many words apart a name and a noun describing it
// stand: "Foreign Minister Shidehara", "Shidehara, the foreign minister".
const calledNear = 4

// maxCalledRecords bounds the records searched for how a name is described:
// a name used more often is a country or an institution, not an answer.
const maxCalledRecords = 200

// called reports whether the corpus somewhere describes the name with the
// noun, within calledNear words of it.
func (v *vocabulary) called(name, noun string) bool {
	recs := v.named[name]
	if len(recs) > maxCalledRecords || v.df[noun] == 0 {
		return false
	}
	for _, r := range recs {
		text := v.records[r].Text
		if !strings.Contains(strings.ToLower(text), noun) {
			continue // most records lack the noun: skip them before tokenising
		}
		toks := tokens(text)
		for i, t := range toks {
			if t.term != name || !t.capitalised() {
				continue
			}
			for _, u := range toks[max(i-calledNear, 0):min(i+calledNear+1, len(toks))] {
				if u.term == noun {
					return true
				}
			}
		}
	}
	return false
}

// idf is a smoothed inverse document frequency; a term the corpus never
// uses gets the highest weight.
func (v *vocabulary) idf(term string) float64 {
	return math.Log(1 + float64(v.n)/float64(1+v.df[term]))
}

// known reports whether the corpus uses term at all.
func (v *vocabulary) known(term string) bool { return v.df[term] > 0 }

// nearKnown reports whether the corpus uses a word one edit (insertion,
// deletion, substitution or swap of neighbours) away from term.
func (v *vocabulary) nearKnown(term string) bool {
	for w := range v.df {
		if oneEditApart(w, term) {
			return true
		}
	}
	return false
}

// oneEditApart reports whether a and b differ by at most one edit.
func oneEditApart(a, b string) bool {
	if len(a) > len(b) {
		a, b = b, a
	}
	if len(b)-len(a) > 1 {
		return false
	}
	i := 0
	for i < len(a) && a[i] == b[i] {
		i++
	}
	if len(a) == len(b) {
		if i == len(a) || a[i+1:] == b[i+1:] {
			return true
		}
		return i+1 < len(a) && a[i] == b[i+1] && a[i+1] == b[i] && a[i+2:] == b[i+2:]
	}
	return a[i:] == b[i+1:]
}

var numberWords = setOf(`one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen
seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred hundreds thousand thousands
million millions billion billions dozen dozens`)

var months = setOf("january february march april may june july august september october november december")

// stopwords carry no evidence of an answer: function words and the words
// questions are made of.
var stopwords = setOf(`a about above after again against all also am an and any are as at be because been before
being below between both but by can could did do does doing down during each few for from further had has have
having he her here hers herself him himself his how i if in into is it its itself just me more most my myself no nor
not of off on once only or other our ours out over own same she should so some such than that the their theirs them
themselves then there these they this those through to too under until up very was we were what when where which
while who whom whose why will with would you your yours according book author text say said tell told describe
describ explain many much name named call called kind sort way did does do question answer`)

func setOf(words string) map[string]bool {
	m := make(map[string]bool)
	for _, w := range strings.Fields(words) {
		m[w] = true
		m[stem(w)] = true
	}
	return m
}
