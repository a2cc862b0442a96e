package bot

import (
	"context"
	"regexp"
	"slices"
	"strings"

	"github.com/ibidbot/ibid/corpus"
)

// "Who was Kuhara?" asks for the place where the corpus introduces its
// subject, which is seldom where the name is most often repeated: a history
// introduces a person once, with life dates or an apposition ("Kuhara
// Fusanosuke (久原房之助, 1869–1965) was one such example. An affluent and
// powerful industrialist …"), and then uses the bare name for chapters. So
// such questions look past the best-matching passages for that sentence.

// definitionQuestion matches "who was X", "what is X", "who's X", "tell me
// about X"; the subject is group 1.
var definitionQuestion = regexp.MustCompile(`(?i)^\s*(?:(?:who|what)(?:\s+(?:was|is|were|are)|'s|’s)|tell\s+me\s+about)\s+(?:the\s+)?(.+?)[\s?.!]*$`)

const (
	// maxSubjectWords: longer subjects are descriptions ("the radio
	// operator of Sorge's ring"), which the ordinary answerer handles.
	maxSubjectWords = 5
	// introSearch is how many passages naming the subject are searched for
	// its introduction.
	introSearch = 50
	// shortIntro: an introducing sentence of fewer words ("… was one such
	// example.") is quoted with the sentence after it.
	shortIntro = 20
)

// lifeDatesScore marks an introduction with life dates, surer than an
// apposition.
const lifeDatesScore = 2

// introFollows is what follows a name where it is introduced: optional
// parentheses (another spelling, the name in its own script) and then life
// dates "(1869–1965)", "(久原房之助, 1869–1965)", "(b. 1902)"; group 1 is
// set when dates were found.
var (
	lifeDates  = regexp.MustCompile(`^\s*(?:\([^()]*\)\s*)?(\((?:[^()]*?,\s*)?(?:c\.\s*|b\.\s*|born\s+)?\d{3,4}\s*(?:[–—-]\s*(?:\d{2,4}|\?)?)?\s*\))`)
	apposition = regexp.MustCompile(`^\s*(?:\([^()]*\)\s*)*(?:,\s*(?:a|an|the|then|who|one|later)\b|\s+(?:was|is|had\s+been|became)\s+(?:a|an|the|one)\b)`)
)

// definitionSubject returns the spellings of what a definitional question
// (or a bare name) asks about (the words typed, then the manifest's other
// names for it), when it is one and the corpus knows every word of it.
func (b *Bot) definitionSubject(text string) ([][]token, bool) {
	var subject []token
	if m := definitionQuestion.FindStringSubmatch(text); m != nil {
		subject = tokens(m[1])
	} else if toks := tokens(text); !slices.ContainsFunc(toks, func(t token) bool { return !t.capitalised() }) {
		subject = toks // a bare name ("Stalin", "Chang Tso-lin") asks who or what it is
	}
	if len(subject) == 0 || len(subject) > maxSubjectWords {
		return nil, false
	}
	for _, t := range subject {
		if !b.vocab.known(t.term) && !b.aliasWords[t.term] {
			return nil, false // unknown: the ordinary answerer refuses
		}
	}
	spellings := [][]token{subject}
	for _, names := range b.corpus.Aliases {
		if slices.ContainsFunc(names, func(n string) bool { return sameWords(tokens(n), subject) }) {
			for _, n := range names {
				if t := tokens(n); !sameWords(t, subject) {
					spellings = append(spellings, t)
				}
			}
		}
	}
	return spellings, true
}

func sameWords(a, b []token) bool {
	return len(a) == len(b) && startsWith(a, b)
}

// introduction is the sentence that introduces a subject, and how surely.
type introduction struct {
	passage  Passage
	sentence int
	score    int    // lifeDatesScore for life dates, 1 for an apposition, 3 for both
	born     string // the first year of the life dates, if any
}

// findIntroduction looks for the sentence introducing the subject: the
// best-marked, in the body rather than a note, and else the best-ranked,
// among the passages search finds for it; and unless one gives life dates,
// among every passage using its name, in corpus order: a name as common as
// Stalin's is introduced once, in a passage no search for the name ranks
// high.
func (b *Bot) findIntroduction(ctx context.Context, spellings [][]token, scope Scope) (introduction, bool, error) {
	var query []string
	for _, sp := range spellings {
		for _, t := range sp {
			query = append(query, t.raw)
		}
	}
	found, err := b.search.Search(ctx, strings.Join(query, " "), scope, introSearch)
	if err != nil {
		return introduction{}, false, err
	}
	intro, ok := bestIntroduction(found, spellings, false)
	if ok && intro.score >= lifeDatesScore {
		return intro, true, nil
	}
	if other, found := bestIntroduction(b.naming(spellings, scope), spellings, true); found && (!ok || better(other, intro)) {
		intro, ok = other, true
	}
	return intro, ok, nil
}

// naming returns the passages, in corpus order and within the scope, that
// use the first word of a spelling of the subject as a name.
func (b *Bot) naming(spellings [][]token, scope Scope) []Passage {
	seen := make(map[int32]bool)
	var ords []int32
	for _, sp := range spellings {
		if len(sp) == 0 {
			continue
		}
		for _, r := range b.vocab.named[sp[0].term] {
			if !seen[r] {
				seen[r] = true
				ords = append(ords, r)
			}
		}
	}
	slices.Sort(ords)
	var out []Passage
	for _, r := range ords {
		p := b.vocab.records[r]
		if scope.Doc != "" && p.Doc != scope.Doc || scope.Division != "" && p.Division != scope.Division {
			continue
		}
		out = append(out, Passage{Paragraph: p})
	}
	return out
}

// bestIntroduction finds the sentence of passages that best introduces the
// subject in one of its spellings; with firstDated, the first in the body
// that gives life dates, for passages in corpus order: a history gives
// them where it first introduces a person.
func bestIntroduction(passages []Passage, spellings [][]token, firstDated bool) (introduction, bool) {
	var best introduction
	ok := false
	eachIntroduction(passages, spellings, false, func(c introduction) bool {
		if !ok || better(c, best) {
			best, ok = c, true
		}
		return !(firstDated && c.score >= lifeDatesScore && c.passage.Paragraph.Kind != corpus.KindNote)
	})
	return best, ok
}

// eachIntroduction calls yield, until it returns false, for each sentence of
// passages that introduces the subject in one of its spellings, with its
// best mark; with dated, only for those giving life dates.
func eachIntroduction(passages []Passage, spellings [][]token, dated bool, yield func(introduction) bool) {
	for _, p := range passages {
		if !answers(p.Paragraph.Kind) {
			continue
		}
		for i := range p.Paragraph.Sentences {
			s := p.Paragraph.Sentence(i)
			if dated && (!strings.Contains(s, "(") || !strings.ContainsAny(s, "0123456789")) {
				continue // no life dates: not worth tokenising
			}
			c := introduction{passage: p, sentence: i}
			for _, sp := range spellings {
				if score, born := introScore(s, sp); score > c.score {
					c.score, c.born = score, born
				}
			}
			if c.score == 0 || dated && c.score < lifeDatesScore {
				continue
			}
			if !yield(c) {
				return
			}
		}
	}
}

// better orders introductions: body before notes (a note's name is mostly
// an author's or a title's), then the surer mark; the first found wins ties.
func better(a, b introduction) bool {
	aBody, bBody := a.passage.Paragraph.Kind != corpus.KindNote, b.passage.Paragraph.Kind != corpus.KindNote
	if aBody != bBody {
		return aBody
	}
	return a.score > b.score
}

// introScore tells whether sentence introduces subject: the subject's words
// in order (the start of a longer name: "Kuhara" in "Kuhara Fusanosuke"),
// then life dates or an apposition after the full name. born is the first
// year of the life dates of the best mark.
func introScore(sentence string, subject []token) (best int, born string) {
	toks := tokens(sentence)
	for i := 0; i+len(subject) <= len(toks); i++ {
		if !startsWith(toks[i:], subject) || !toks[i].capitalised() {
			continue
		}
		// The rest of the name: capitalised words right after.
		end := i + len(subject)
		for end < len(toks) && end < i+len(subject)+3 && toks[end].capitalised() && onlySpaceBetween(sentence, toks[end-1], toks[end]) {
			end++
		}
		rest := sentence[toks[end-1].end:]
		score, year := 0, ""
		if m := lifeDates.FindStringSubmatch(rest); m != nil {
			score += lifeDatesScore
			year = firstYear.FindString(m[1])
			rest = rest[len(m[0]):]
		}
		if apposition.MatchString(rest) {
			score++
		}
		if score > best {
			best, born = score, year
		}
	}
	return best, born
}

var firstYear = regexp.MustCompile(`\d{3,4}`)

// namesake finds, among the passages using the subject's name, the dated
// introduction of someone else of that name: born in another year
// ("Tanaka Giichi (1864–1929)" beside "Tanaka Ryūkichi (1896–1972)"). A
// one-word name is often shared; asked "Who was Tanaka?", the reader sees
// both.
func (b *Bot) namesake(spellings [][]token, scope Scope, intro introduction) (introduction, bool) {
	if intro.born == "" || len(spellings[0]) != 1 {
		return introduction{}, false
	}
	var other introduction
	found := false
	eachIntroduction(b.naming(spellings, scope), spellings, true, func(c introduction) bool {
		found = c.passage.Paragraph.Kind != corpus.KindNote && c.born != "" && c.born != intro.born
		other = c
		return !found
	})
	return other, found
}

func startsWith(toks, subject []token) bool {
	for k, s := range subject {
		if toks[k].term != s.term {
			return false
		}
	}
	return true
}

// onlySpaceBetween reports whether two tokens are words of one name, not
// separated by punctuation.
func onlySpaceBetween(s string, a, b token) bool {
	return strings.TrimSpace(s[a.end:b.start]) == ""
}

// defineAnswer quotes the introduction (the sentence, and the one after it
// when it is short), and a namesake's when there is one.
func (b *Bot) defineAnswer(subject string, intros []introduction, considered []Passage) Answer {
	a := Answer{Mode: ModeExtractive, Considered: considered}
	for _, intro := range intros {
		p := intro.passage.Paragraph
		last := intro.sentence
		if last+1 < len(p.Sentences) && len(tokens(p.Sentence(last))) < shortIntro {
			last++
		}
		a.Quotes = append(a.Quotes, b.quoteWindow(window{paragraph: p, first: intro.sentence, last: last}))
	}
	a.Lead = leadFor(a.Quotes)
	if len(intros) > 1 {
		a.Lead = "The corpus introduces more than one " + subject + ". " + a.Lead
	}
	return a
}

// withFirst returns passages with p first and not repeated.
func withFirst(p Passage, passages []Passage) []Passage {
	out := []Passage{p}
	for _, o := range passages {
		if o.Paragraph != p.Paragraph {
			out = append(out, o)
		}
	}
	return out
}

// subjectName is the subject as the question wrote it.
func subjectName(words []token) string {
	raw := make([]string, len(words))
	for i, t := range words {
		raw[i] = t.raw
	}
	return strings.Join(raw, " ")
}
