package bot

import (
	"regexp"
	"slices"
	"strings"
	"unicode"
)

// answerType is what kind of words answer a question; a sentence holding
// such words (that the question does not already hold) is a better answer.
type answerType int

const (
	answerAny    answerType = iota
	answerPerson            // who, which officer …
	answerDate              // when, which year, what month …
	answerNumber            // how many, how far …
	answerPlace             // where, in which city …
	answerName              // which/what + a proper name expected
	answerReason            // why, how did …
)

// question is a user's question analysed for answering: its content terms
// with their weights, the names and numbers it mentions, and the type of
// answer it expects.
type question struct {
	text  string
	terms []string // distinct content terms (folded, stemmed), in order
	names []string // capitalised words and numbers of the question (folded, stemmed)
	want  answerType
	// year: the question asks in which year ("in what year was he
	// born?"), which a month does not answer.
	year bool
	// focus is the head noun of what is asked for ("admiral" in "which
	// Japanese admiral commanded …", "operator" in "who was the radio
	// operator of …"), stemmed; empty when the question names no such noun.
	// focusWord is it as written, folded.
	focus, focusWord string
	// phrase holds the terms of the wh-phrase up to the focus noun ("which
	// Japanese prime minister"): the kind asked for, not what is said of it.
	phrase map[string]bool
	// kin maps a word of the corpus that stands for a question term to the
	// terms it covers and for how much: another spelling of a name the
	// question uses (in full), a derivation ("Australian" for "Australia",
	// nearly in full), a word close in meaning (for half; not for names,
	// whose neighbours are other names of their kind).
	kin map[string][]cover
}

// cover is a question term a word stands for, and the share of its weight
// the word earns.
type cover struct {
	term   string
	credit float64
}

var (
	personNouns = setOf(`officer general admiral marshal minister diplomat ambassador leader journalist correspondent
	writer author anarchist activist agent spy emperor king prince politician ideologue businessman industrialist magnate
	statesman commander chief premier president secretary envoy consul interpreter translator witness prosecutor judge
	historian scholar man woman person figure individual confidant member founder officer official head
	doctor physician adviser advisor aide assistant deputy delegate negotiator mediator emissary soldier colonel captain
	lieutenant sergeant governor mayor senator lawyer attorney jurist expert professor teacher reporter editor publisher
	banker merchant priest missionary assassin murderer conspirator plotter traitor defector informant informer courier
	messenger successor predecessor rival friend colleague wife husband son daughter father mother brother sister heir`)
	placeNouns = setOf(`city town province country region port village capital place island river prefecture territory district area station`)
	timeNouns  = setOf(`year month date day decade century week season time`)
	countNouns = setOf(`number amount quantity size sum total term level strength percentage share`)
)

var asksYear = regexp.MustCompile(`^\W*(?:in\s+)?(?:what|which)\s+year\b`)

var leadingWh = regexp.MustCompile(`(?i)^\W*(?:and\s+|so\s+|but\s+)?(according to [^,]+,\s*)?`)

// analyse reads a question; th, when not nil, supplies the words close in
// meaning to its own, and aliases the other spellings of the names it uses.
func analyse(text string, v *vocabulary, th Thesaurus, aliases []aliasGroup) question {
	q := question{text: text}
	toks := tokens(text)
	seen := make(map[string]bool)
	for i, t := range toks {
		if stopwords[t.term] || seen[t.term] {
			continue
		}
		seen[t.term] = true
		q.terms = append(q.terms, t.term)
		if t.numeric() || (i > 0 && t.capitalised()) || !v.known(t.term) && t.capitalised() {
			q.names = append(q.names, t.term)
		}
	}
	main := mainClause(leadingWh.ReplaceAllString(strings.ToLower(text), ""))
	q.want = expectedAnswer(main)
	q.year = asksYear.MatchString(main)
	if t, ok := focusNoun(leadingWh.ReplaceAllString(text, "")); ok {
		q.focus, q.focusWord = t.term, fold(t.raw)
		if personNouns[q.focus] {
			q.want = answerPerson // "what was the name of the jurist …"
		}
		q.phrase = make(map[string]bool)
		if i := slices.IndexFunc(toks, func(t token) bool { return whWords[strings.ToLower(t.raw)] }); i >= 0 {
			for _, t := range toks[i+1:] {
				q.phrase[t.term] = true
				if t.term == q.focus {
					break
				}
			}
		}
	}
	q.kin = make(map[string][]cover)
	add := func(word, term string, credit float64) {
		if !seen[word] && !slices.ContainsFunc(q.kin[word], func(c cover) bool { return c.term == term }) {
			q.kin[word] = append(q.kin[word], cover{term, credit})
		}
	}
	for _, group := range aliases {
		for _, spelling := range group.spellings {
			if !containsRun(toks, spelling) {
				continue
			}
			for _, other := range group.spellings {
				for _, t := range other {
					credit := 1.0
					if !group.own[t.term] {
						credit = kinCredit // "Zhang" may be the father or the son
					}
					for _, typed := range spelling {
						add(t.term, typed.term, credit)
					}
				}
			}
		}
	}
	if th != nil {
		cased := slices.ContainsFunc(toks, func(t token) bool { return !t.capitalised() && !t.numeric() })
		for _, t := range toks {
			if stopwords[t.term] {
				continue
			}
			name := cased && t.capitalised() && !sentenceEnd(text[:t.start])
			word := fold(t.raw)
			for _, related := range th.Related(word, kinMinSim) {
				switch {
				case sameRoot(word, related):
					add(stem(related), t.term, derivCredit)
				case !name:
					add(stem(related), t.term, kinCredit)
				}
			}
		}
	}
	return q
}

// derivCredit is what a derivation of a question word earns ("Australian"
// for "Australia"): nearly the word itself.
const derivCredit = 0.9

// aliasGroup is the spellings of one name (the manifest's alias table), as
// tokens, and the words found in no other group's spellings: "Xueliang"
// is the Young Marshal, "Zhang" may be his father.
type aliasGroup struct {
	spellings [][]token
	own       map[string]bool
}

func newAliasGroups(groups [][]string) []aliasGroup {
	out := make([]aliasGroup, len(groups))
	groupsOf := make(map[string]int)
	for i, names := range groups {
		seen := make(map[string]bool)
		for _, name := range names {
			toks := tokens(name)
			out[i].spellings = append(out[i].spellings, toks)
			for _, t := range toks {
				if !seen[t.term] {
					seen[t.term] = true
					groupsOf[t.term]++
				}
			}
		}
	}
	for i := range out {
		out[i].own = make(map[string]bool)
		for _, sp := range out[i].spellings {
			for _, t := range sp {
				if groupsOf[t.term] == 1 && !stopwords[t.term] {
					out[i].own[t.term] = true
				}
			}
		}
	}
	return out
}

// containsRun reports whether toks hold the words of run in a row.
func containsRun(toks, run []token) bool {
	for i := 0; len(run) > 0 && i+len(run) <= len(toks); i++ {
		if startsWith(toks[i:], run) {
			return true
		}
	}
	return false
}

// sentenceEnd reports whether text before a word ends a sentence (or is
// empty): a capital there marks no name.
func sentenceEnd(before string) bool {
	before = strings.TrimRightFunc(before, func(r rune) bool { return unicode.IsSpace(r) || strings.ContainsRune("\"“‘'(", r) })
	return before == "" || strings.ContainsRune(".?!:", rune(before[len(before)-1]))
}

// sameRoot reports whether two words share their first four letters: a
// neighbour in meaning that is also one in form is a derivation.
func sameRoot(a, b string) bool {
	return len(a) >= 4 && len(b) >= 4 && a[:4] == b[:4]
}

// genericNouns name the kind of answer rather than a property of it ("which
// city", "what language", "which man"): the answering text need not use them.
var genericNouns = setOf(`name man woman person people figure individual group one thing event place city town country
officer official leader member agent politician ideologue
region year month date day time number language motive reason way term post role result kind type form area word`)

// focusNoun finds the head noun of the wh-phrase: the last word of the first
// run of lower-case words after "which"/"what" or "who was the".
func focusNoun(text string) (token, bool) {
	toks := tokens(text)
	i := 0
	for i < len(toks) && !whWords[strings.ToLower(toks[i].raw)] {
		i++
	}
	if i == len(toks) {
		return token{}, false
	}
	i++
	if w := strings.ToLower(toks[i-1].raw); w == "who" || w == "what" {
		// "who was the radio operator of …", "what was the name of …"
		if i+1 < len(toks) && (toks[i].term == "wa" || toks[i].term == "is" || toks[i].term == "were" || toks[i].raw == "was") && (toks[i+1].term == "the" || toks[i+1].term == "a") {
			i += 2
		} else if w == "who" {
			return token{}, false
		}
	}
	// "the name of the Soviet jurist …" asks for a jurist.
	if i+2 < len(toks) && toks[i].term == "name" && toks[i+1].term == "of" {
		i += 2
		if toks[i].term == "the" || toks[i].term == "a" || toks[i].term == "an" {
			i++
		}
	}
	// Skip capitalised adjectives and names: "Japanese", "White Russian".
	for i < len(toks) && toks[i].capitalised() {
		i++
	}
	var head token
	for ; i < len(toks); i++ {
		t := toks[i]
		if t.capitalised() || stopwords[t.term] || strings.HasSuffix(strings.ToLower(t.raw), "ed") || t.numeric() {
			break
		}
		head = t
		if i+1 < len(toks) && text[t.end:toks[i+1].start] != " " { // punctuation ends the phrase
			break
		}
		if kindNoun(head.term) || personNouns[head.term] {
			break // a known noun is the head: what follows is the verb ("officer began", "president wrote")
		}
	}
	if head.term == "" || kindNoun(head.term) {
		return token{}, false
	}
	return head, true
}

// kindNoun reports whether a noun only names the kind of answer ("which
// city", "what year", "how large a number"): the answering text need not use it.
func kindNoun(term string) bool {
	return genericNouns[term] || placeNouns[term] || timeNouns[term] || countNouns[term]
}

var whWords = map[string]bool{"which": true, "what": true, "who": true}

// auxiliaries after "what" make the noun that follows the subject, not
// what is asked for.
var auxiliaries = setOf("did does do would could can will should had has have")

// mainClause drops a clause set before the question ("when he departed
// Peking, what did he say …", "in his 1919 memo, which places …"), whose
// first word is not what the question asks.
func mainClause(lower string) string {
	if i := strings.IndexByte(lower, ','); i > 0 {
		rest := strings.TrimSpace(lower[i+1:])
		if w, _, _ := strings.Cut(rest, " "); whWords[w] || w == "how" || w == "when" || w == "where" || w == "why" {
			return rest
		}
	}
	return lower
}

// expectedAnswer reads the answer type from the question's opening words:
// "who …", "in which city …", "how many …", "which officer …".
func expectedAnswer(lower string) answerType {
	words := strings.FieldsFunc(lower, func(r rune) bool { return !('a' <= r && r <= 'z' || '0' <= r && r <= '9') })
	if len(words) == 0 {
		return answerAny
	}
	// Skip a leading preposition: "in which city", "on which date", "for what term".
	switch words[0] {
	case "in", "on", "at", "for", "from", "to", "by", "through", "with", "during", "about", "besides", "beyond":
		if len(words) > 1 && (words[1] == "which" || words[1] == "what" || words[1] == "whom" || words[1] == "how") {
			words = words[1:]
		}
	}
	switch words[0] {
	case "who", "whom", "whose":
		return answerPerson
	case "when":
		return answerDate
	case "where":
		return answerPlace
	case "why":
		return answerReason
	case "how":
		if len(words) > 1 {
			switch words[1] {
			case "many", "much", "large", "long", "far", "big", "old", "often", "high", "strong":
				return answerNumber
			}
		}
		return answerReason
	case "which", "what":
		if len(words) > 1 && auxiliaries[words[1]] {
			return answerName // "what did the Old Marshal say": he is not what is asked
		}
		// The noun the wh-word asks about, skipping adjectives: "which White
		// Russian officer", "what month and year".
		for _, w := range words[1:min(len(words), 5)] {
			s := stem(w)
			switch {
			case personNouns[s]:
				return answerPerson
			case timeNouns[s]:
				return answerDate
			case placeNouns[s]:
				return answerPlace
			case countNouns[s]:
				return answerNumber
			}
		}
		return answerName
	}
	return answerAny
}

// holdsAnswer reports whether a stretch of tokens has words of the expected
// type that the question does not already mention.
func (q *question) holdsAnswer(toks []token, sentenceStarts map[int]bool) bool {
	mentioned := make(map[string]bool, len(q.terms))
	for _, t := range q.terms {
		mentioned[t] = true
	}
	for word, covers := range q.kin {
		if slices.ContainsFunc(covers, func(c cover) bool { return c.credit >= derivCredit }) {
			mentioned[word] = true // another spelling of a name the question uses, or a derivation of its words
		}
	}
	for i, t := range toks {
		if mentioned[t.term] {
			continue
		}
		switch q.want {
		case answerNumber:
			// A year dates, it does not count; "one" is mostly a pronoun
			// ("one of them").
			if t.numeric() && !isYear(t.raw) && !(i > 0 && endsYearRange(toks[i-1], t)) && t.term != "one" {
				return true
			}
		case answerDate:
			if months[t.term] && !q.year || isYear(t.raw) {
				return true
			}
		case answerPerson, answerPlace, answerName:
			if t.capitalised() && !sentenceStarts[i] && !stopwords[t.term] {
				return true
			}
		default:
			return true
		}
	}
	return false
}

// endsYearRange reports whether t closes a range of years opened by prev:
// the "33" of "1932–33".
func endsYearRange(prev, t token) bool {
	return isYear(prev.raw) && t.start-prev.end <= len("–") && len(t.raw) <= 4 && strings.TrimLeft(t.raw, "0123456789") == ""
}

func isYear(s string) bool {
	if len(s) != 4 {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s[0] == '1' || s[0] == '2'
}
