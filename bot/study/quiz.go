package study

import (
	"context"
	"fmt"
	"math/rand/v2"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/ibidbot/ibid/bot"
	"github.com/ibidbot/ibid/corpus"
)

// BlankKind is what kind of word a quiz round hides; its distractors are of
// the same kind, so the right answer cannot be guessed from its shape.
type BlankKind string

// Blank kinds. Places are names here: telling "Mukden" from "Tanaka" needs a
// gazetteer the corpus does not have.
const (
	KindName   BlankKind = "name"
	KindDate   BlankKind = "date"
	KindNumber BlankKind = "number"
)

// MaxRounds caps one /study quiz.
const MaxRounds = 10

// choiceLetters label the four choices; members answer with them.
const choiceLetters = "ABCD"

// notNames are capitalised words that are not names: months are dates in
// words, the rest are sentence furniture that a capital does not make a name.
var notNames = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`january february march april may june july august september october november december
		monday tuesday wednesday thursday friday saturday sunday the this that these those there their they then when where
		what which while with from into after before during although however moreover thus hence since until unless also
		both each every some many most much such other another first second third his her its our your mr mrs dr
		article chapter section volume part page note ibid north south east west`) {
		notNames[w] = true
	}
}

// reference ends the text before a number that only locates something
// ("see p. 209", "no. 4", "vol. 2"): nothing to learn by guessing it.
var reference = regexp.MustCompile(`(?i)\b(?:pp?|nos?|vols?|chs?|n|art)\.\s*(?:\d+[–-]?\d*,\s*)*$`)

// adjectival reports whether a capitalised word is a nationality or other
// adjective ("Confucian", "Eastern", "Japanese"), which reads as no kind of
// answer beside names.
func adjectival(w string) bool {
	lw := strings.ToLower(w)
	for _, suf := range []string{"ese", "ian", "ern", "ist", "ish", "ic", "ean"} {
		if strings.HasSuffix(lw, suf) {
			return true
		}
	}
	return false
}

// articles come before a name used as an adjective ("the Soviet side").
var articles = map[string]bool{"the": true, "a": true, "an": true, "The": true, "A": true, "An": true}

// placeWords come before a place ("in Mukden", "to Harbin").
var placeWords = map[string]bool{"in": true, "at": true, "from": true, "to": true, "near": true, "via": true, "toward": true, "towards": true, "across": true, "into": true}

// word is a candidate blank: byte offsets into the paragraph's text.
type word struct {
	start, end int
	text       string
	kind       BlankKind
}

// blankCandidates returns the words of sentence sent of p that a quiz can
// hide: years, other numbers and capitalised names not opening the
// sentence.
func blankCandidates(p *corpus.Paragraph, sent corpus.Span) []word {
	var out []word
	s := p.Text[sent.Start:sent.End]
	first := true
	ws := words(s)
	// joined reports whether word i is part of a longer name ("Zhang
	// Zuolin"), whose halves make a give-away blank.
	joined := func(i int) bool {
		cap := func(j int) bool {
			r, _ := utf8.DecodeRuneInString(ws[j].text)
			return unicode.IsUpper(r)
		}
		return i > 0 && cap(i-1) && strings.TrimSpace(s[ws[i-1].end:ws[i].start]) == "" ||
			i+1 < len(ws) && cap(i+1) && strings.TrimSpace(s[ws[i].end:ws[i+1].start]) == ""
	}
	for i, w := range ws {
		w.start += sent.Start
		w.end += sent.Start
		opening := first
		first = false
		r, _ := utf8.DecodeRuneInString(w.text)
		switch {
		case isYear(w.text):
			w.kind = KindDate
		case unicode.IsDigit(r) && allDigits(w.text) && len(w.text) >= 2 && !reference.MatchString(s[:w.start-sent.Start]): // single digits are mostly list markers
			w.kind = KindNumber
		case unicode.IsUpper(r) && !opening && utf8.RuneCountInString(w.text) >= 4 && !notNames[fold(w.text)] && restLower(w.text) && !adjectival(w.text) &&
			!strings.HasSuffix(w.text, "’s") && !strings.HasSuffix(w.text, "'s") && !joined(i):
			w.kind = KindName
		default:
			continue
		}
		out = append(out, w)
	}
	return out
}

func isYear(s string) bool {
	return len(s) == 4 && allDigits(s) && (s[0] == '1' || s[:2] == "20")
}

func allDigits(s string) bool {
	for _, r := range s {
		if !unicode.IsDigit(r) && r != ',' {
			return false
		}
	}
	return s != ""
}

// restLower rejects acronyms and all-capital headings ("USSR", "TANAKA"),
// which read oddly blanked and have few distractors of their shape.
func restLower(s string) bool {
	_, n := utf8.DecodeRuneInString(s)
	for _, r := range s[n:] {
		if unicode.IsUpper(r) || unicode.IsDigit(r) {
			return false
		}
	}
	return true
}

// words splits s into words with their byte offsets: letters, digits and
// combining marks, with apostrophes and hyphens between letters and commas
// between digits kept inside ("Kan’ichi", "1,500").
func words(s string) []word {
	var out []word
	start := -1
	for i, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 && inner(s, i, r) {
			continue
		}
		if start >= 0 {
			out = append(out, word{start: start, end: i, text: s[start:i]})
			start = -1
		}
	}
	if start >= 0 {
		out = append(out, word{start: start, end: len(s), text: s[start:]})
	}
	return out
}

func inner(s string, i int, r rune) bool {
	prev, _ := utf8.DecodeLastRuneInString(s[:i])
	next, _ := utf8.DecodeRuneInString(s[i+utf8.RuneLen(r):])
	switch r {
	case '\'', '’', '-':
		return unicode.IsLetter(prev) && unicode.IsLetter(next)
	case ',':
		return unicode.IsDigit(prev) && unicode.IsDigit(next)
	}
	return false
}

// fold compares words without case or diacritics ("Gotō" = "Goto").
func fold(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(strings.ToLower(s)) {
		if !unicode.Is(unicode.Mn, r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// inScope reports whether p is prose within scope.
func inScope(p *corpus.Paragraph, sc bot.Scope) bool {
	return p.Kind.Prose() && (sc.Doc == "" || p.Doc == sc.Doc) && (sc.Division == "" || p.Division == sc.Division)
}

// candidate is a possible round before its distractors are chosen.
type candidate struct {
	p    *corpus.Paragraph
	sent corpus.Span
	w    word
}

// nameCounts tells, from how a scope uses its capitalised words, which are
// names worth guessing and which are places.
type nameCounts struct {
	// lower: words the scope also writes in lower case ("committee",
	// "north"), common nouns that a capital at a heading made look like
	// names.
	lower map[string]bool
	// uses, asPlace (after "in", "to", "from" …) and asModifier (between
	// an article and a lower-case word: "the Soviet government"), by
	// folded word.
	uses, asPlace, asModifier map[string]int
}

func countNames(c *corpus.Corpus, sc bot.Scope) nameCounts {
	n := nameCounts{lower: map[string]bool{}, uses: map[string]int{}, asPlace: map[string]int{}, asModifier: map[string]int{}}
	for p := range c.All {
		if !inScope(p, sc) {
			continue
		}
		ws := words(p.Text)
		for i, w := range ws {
			r, _ := utf8.DecodeRuneInString(w.text)
			f := fold(w.text)
			if unicode.IsLower(r) {
				n.lower[f] = true
			}
			if !unicode.IsUpper(r) {
				continue
			}
			n.uses[f]++
			if i > 0 && placeWords[ws[i-1].text] {
				n.asPlace[f]++
			}
			if i > 0 && i+1 < len(ws) && articles[ws[i-1].text] {
				if r, _ := utf8.DecodeRuneInString(ws[i+1].text); unicode.IsLower(r) {
					n.asModifier[f]++
				}
			}
		}
	}
	return n
}

// guessable reports whether a capitalised word is a name to quiz on: not a
// common noun, used more than once (not a foreign title or a coinage), not
// mostly an adjective, not hyphenated.
func (n nameCounts) guessable(w string) bool {
	f := fold(w)
	return !n.lower[f] && n.uses[f] >= 2 && 3*n.asModifier[f] < n.uses[f] && !strings.ContainsAny(w, "-‐")
}

// pool is the distractor pool of a blank: its kind, with names parted into
// places (mostly after "in", "to", "from" …) and the rest, mostly people,
// so that "Vladivostok" is not offered against three men.
func (n nameCounts) pool(w word) string {
	if f := fold(w.text); w.kind == KindName && n.uses[f] > 0 && 3*n.asPlace[f] >= n.uses[f] {
		return "place"
	}
	return string(w.kind)
}

// makeRounds builds n rounds from scope, avoiding paragraphs already used.
// The choice is random but seeded by the session and round numbers, so the
// same session always gets the same quiz.
func makeRounds(c *corpus.Corpus, sc bot.Scope, session int64, next, n int, used map[string]bool) []Round {
	names := countNames(c, sc)
	pools := map[string][]string{}
	seen := map[string]map[string]bool{}
	var cands []candidate
	for p := range c.All {
		if !inScope(p, sc) {
			continue
		}
		for _, sent := range p.Sentences {
			ws := slices.DeleteFunc(blankCandidates(p, sent), func(w word) bool { return w.kind == KindName && !names.guessable(w.text) })
			for _, w := range ws {
				k := names.pool(w)
				if seen[k] == nil {
					seen[k] = map[string]bool{}
				}
				if f := fold(w.text); !seen[k][f] {
					seen[k][f] = true
					pools[k] = append(pools[k], w.text)
				}
			}
			if l := sent.End - sent.Start; l < 60 || l > 320 || used[p.ID] {
				continue
			}
			for _, w := range ws {
				cands = append(cands, candidate{p: p, sent: sent, w: w})
			}
		}
	}
	var out []Round
	rng := rand.New(rand.NewPCG(uint64(session), uint64(next)))
	for len(out) < n && len(cands) > 0 {
		i := rng.IntN(len(cands))
		cd := cands[i]
		cands = slices.Delete(cands, i, i+1)
		if used[cd.p.ID] {
			continue
		}
		ds := distractors(rng, pools[names.pool(cd.w)], cd)
		if len(ds) < len(choiceLetters)-1 {
			continue
		}
		choices := append(ds, cd.w.text)
		rng.Shuffle(len(choices), func(i, j int) { choices[i], choices[j] = choices[j], choices[i] })
		r := Round{Number: next + len(out), Paragraph: cd.p.ID, Sentence: [2]int{cd.sent.Start, cd.sent.End},
			Blank: [2]int{cd.w.start, cd.w.end}, Kind: cd.w.kind, Choices: choices, Correct: slices.Index(choices, cd.w.text)}
		used[cd.p.ID] = true
		out = append(out, r)
	}
	return out
}

// distractors picks three words of the candidate's kind from the scope that
// are neither the hidden word nor anywhere in its sentence, so exactly one
// choice fits the source.
func distractors(rng *rand.Rand, pool []string, cd candidate) []string {
	sentence := fold(cd.p.Text[cd.sent.Start:cd.sent.End])
	answer := fold(cd.w.text)
	var out []string
	picked := map[string]bool{}
	order := rng.Perm(len(pool))
	if cd.w.kind == KindDate {
		// Years near the answer: a choice sixty years off gives it away.
		year, _ := strconv.Atoi(cd.w.text)
		far := func(i int) int {
			y, _ := strconv.Atoi(pool[i])
			return max(0, abs(y-year)-dateSpread)
		}
		slices.SortStableFunc(order, func(a, b int) int { return far(a) - far(b) })
		// None at all from another age: the round is skipped instead.
		order = slices.DeleteFunc(order, func(i int) bool { return far(i) > 3*dateSpread })
	}
	for _, i := range order {
		w := pool[i]
		f := fold(w)
		if f == answer || picked[f] || strings.Contains(sentence, f) {
			continue
		}
		picked[f] = true
		out = append(out, w)
		if len(out) == len(choiceLetters)-1 {
			break
		}
	}
	return out
}

// dateSpread is how far from the answer, in years, a date's distractors are
// preferably taken.
const dateSpread = 15

func abs(n int) int { return max(n, -n) }

// Quiz opens rounds quiz rounds (1 to MaxRounds; 0 means 3). Moderators
// only. Each round is posted with its choices as buttons.
func (s *Service) Quiz(ctx context.Context, channel string, who Actor, rounds int) (Reply, error) {
	if !who.Moderator {
		return Reply{}, ErrNotModerator
	}
	if rounds == 0 {
		rounds = 3
	}
	if rounds < 1 || rounds > MaxRounds {
		return Reply{}, fmt.Errorf("a quiz has 1 to %d rounds", MaxRounds)
	}
	sess, err := s.store.OpenSession(ctx, channel)
	if err != nil {
		return Reply{}, err
	}
	existing, err := s.store.Rounds(ctx, sess.ID)
	if err != nil {
		return Reply{}, err
	}
	used := map[string]bool{}
	for _, r := range existing {
		used[r.Paragraph] = true
	}
	made := makeRounds(s.corpus, sess.Scope, sess.ID, len(existing)+1, rounds, used)
	if len(made) == 0 {
		return Reply{}, ErrNoRounds
	}
	reply := Reply{Public: fmt.Sprintf("Quiz: %d round(s). Pick the word that fills the blank; answers are revealed with the source.", len(made))}
	for _, r := range made {
		r.Session, r.Created = sess.ID, s.now()
		r, err = s.store.AddRound(ctx, r, Audit{Session: sess.ID, Actor: who, Action: "quiz", Target: fmt.Sprintf("round %d", r.Number), Detail: r.Paragraph, At: r.Created})
		if err != nil {
			return Reply{}, err
		}
		it := Item{Text: s.renderRound(r)}
		for i, c := range r.Choices {
			it.Actions = append(it.Actions, Action{ID: fmt.Sprintf("study:answer:%d:%c", r.Number, choiceLetters[i]), Label: fmt.Sprintf("%c) %s", choiceLetters[i], c)})
		}
		reply.Items = append(reply.Items, it)
	}
	return reply, nil
}

// Answer records a member's choice in round n: a letter A–D, a number 1–4
// or the word itself. The answer is revealed with the round.
func (s *Service) Answer(ctx context.Context, channel string, who Actor, n int, choice string) (Reply, error) {
	sess, err := s.store.OpenSession(ctx, channel)
	if err != nil {
		return Reply{}, err
	}
	r, err := s.round(ctx, sess.ID, n)
	if err != nil {
		return Reply{}, err
	}
	i := parseChoice(choice, r.Choices)
	if i < 0 {
		return Reply{}, fmt.Errorf("choose A, B, C or D")
	}
	if err := s.store.Answer(ctx, r.ID, QuizAnswer{Member: who, Choice: i, At: s.now()}); err != nil {
		return Reply{}, err
	}
	return Reply{Private: fmt.Sprintf("Round %d: your answer %c) %s is in.", n, choiceLetters[i], r.Choices[i])}, nil
}

func parseChoice(s string, choices []string) int {
	s = strings.TrimSpace(s)
	if len(s) == 1 {
		if i := strings.IndexByte(choiceLetters, byte(unicode.ToUpper(rune(s[0])))); i >= 0 && i < len(choices) {
			return i
		}
		if s[0] >= '1' && int(s[0]-'1') < len(choices) {
			return int(s[0] - '1')
		}
	}
	for i, c := range choices {
		if fold(c) == fold(s) {
			return i
		}
	}
	return -1
}

func (s *Service) round(ctx context.Context, session int64, n int) (Round, error) {
	rs, err := s.store.Rounds(ctx, session)
	if err != nil {
		return Round{}, err
	}
	for _, r := range rs {
		if r.Number == n {
			return r, nil
		}
	}
	return Round{}, fmt.Errorf("%w: round %d", ErrNotFound, n)
}

// Reveal closes the open rounds, showing each answer with the full quote
// and its citation, and the scoreboard. Moderators only.
func (s *Service) Reveal(ctx context.Context, channel string, who Actor) (Reply, error) {
	if !who.Moderator {
		return Reply{}, ErrNotModerator
	}
	sess, err := s.store.OpenSession(ctx, channel)
	if err != nil {
		return Reply{}, err
	}
	text, err := s.revealOpen(ctx, sess, who)
	if err != nil {
		return Reply{}, err
	}
	if text == "" {
		return Reply{Private: "No quiz round is open."}, nil
	}
	rounds, err := s.store.Rounds(ctx, sess.ID)
	if err != nil {
		return Reply{}, err
	}
	return Reply{Public: text + "\n" + scoreboard(rounds)}, nil
}

// revealOpen closes the open rounds and renders their answers.
func (s *Service) revealOpen(ctx context.Context, sess Session, who Actor) (string, error) {
	rounds, err := s.store.Rounds(ctx, sess.ID)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	for _, r := range rounds {
		if r.Closed {
			continue
		}
		changed, err := s.store.Reveal(ctx, r.ID, Audit{Session: sess.ID, Actor: who, Action: "reveal", Target: fmt.Sprintf("round %d", r.Number), At: s.now()})
		if err != nil {
			return "", err
		}
		if changed {
			b.WriteString(s.renderReveal(r))
			b.WriteString("\n")
		}
	}
	return b.String(), nil
}
