package retrieval

import (
	"slices"
	"strings"
	"unicode"

	"github.com/ibidbot/ibid/corpus"
)

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// foldPhrase lower-cases s, folds diacritics and typography and keeps words
// apart by single spaces, so that names can be compared across spellings.
func foldPhrase(s string) string {
	var b strings.Builder
	space := true
	for _, r := range strings.ToLower(string(foldTerm([]byte(s)))) {
		if isWordRune(r) {
			b.WriteRune(r)
			space = false
		} else if !space {
			b.WriteByte(' ')
			space = true
		}
	}
	return strings.TrimSpace(b.String())
}

// aliasGroup is the spellings of one name, and each folded and padded with
// spaces once, at Open, for matching against questions.
type aliasGroup struct {
	names  []string
	folded []string
}

func newAliasGroups(groups [][]string) []aliasGroup {
	out := make([]aliasGroup, 0, len(groups))
	for _, g := range groups {
		ag := aliasGroup{names: g}
		for _, name := range g {
			ag.folded = append(ag.folded, " "+foldPhrase(name)+" ")
		}
		out = append(out, ag)
	}
	return out
}

// aliasMatch is a name of the alias table found in a question: the
// spelling the question uses and the others.
type aliasMatch struct {
	typed  string
	others []string
}

// aliasMatches finds the names in q that the alias table knows, with their
// other spellings ("Chang Tso-lin" → "Zhang Zuolin", "Old Marshal").
func (ix *Index) aliasMatches(q string) []aliasMatch {
	fq := " " + foldPhrase(q) + " "
	var out []aliasMatch
	for _, g := range ix.aliases {
		hit := slices.IndexFunc(g.folded, func(f string) bool { return strings.Contains(fq, f) })
		if hit < 0 {
			continue
		}
		m := aliasMatch{typed: g.names[hit]}
		for i, name := range g.names {
			if i != hit {
				m.others = append(m.others, name)
			}
		}
		out = append(out, m)
	}
	return out
}

// abbreviations learns the abbreviations a corpus defines ("the Far Eastern
// Republic (FER)", "Chinese Eastern Railway (CER)") as aliases, so that a
// question naming the thing finds the paragraphs that use its letters, and
// the reverse ("Far Eastern Republic (FER or DVR in Russian)" counts too).
// An abbreviation counts only when its letters are the
// initials of the capitalised words before it.
func abbreviations(c *corpus.Corpus) [][]string {
	seen := map[string]bool{}
	var out [][]string
	c.All(func(p *corpus.Paragraph) bool {
		text := p.Text
		for i := 0; i < len(text); {
			j := strings.IndexByte(text[i:], '(')
			if j < 0 {
				break
			}
			open := i + j
			i = open + 1
			// The abbreviation opens the parentheses: "(FER)", "(FER or
			// DVR in Russian)", "(CCP, founded 1921)".
			k := strings.IndexAny(text[i:], ") ,;")
			if k < 2 || k > 6 {
				continue
			}
			abbr := text[i : i+k]
			if strings.IndexFunc(abbr, func(r rune) bool { return r < 'A' || r > 'Z' }) >= 0 {
				continue
			}
			if long := expansion(text[:open], abbr); long != "" && !seen[abbr+"\x00"+long] {
				seen[abbr+"\x00"+long] = true
				out = append(out, []string{long, abbr})
			}
		}
		return true
	})
	return out
}

// expansion returns the words before an abbreviation whose initials spell
// it, allowing small words between them ("Union of Soviet Socialist
// Republics"), or "" when they do not.
func expansion(before, abbr string) string {
	fields := strings.Fields(before)
	need := len(abbr)
	start := len(fields)
	for i := len(fields) - 1; i >= 0 && need > 0; i-- {
		w := strings.Trim(fields[i], "“”\"‘’,;:")
		if w == "" {
			return ""
		}
		switch strings.ToLower(w) {
		case "of", "the", "and", "for", "on", "in":
			if need == len(abbr) {
				return "" // an expansion ends with a capitalised word
			}
			start = i
			continue
		}
		r := []rune(w)[0]
		if !unicode.IsUpper(r) || byte(r) != abbr[need-1] || r > unicode.MaxASCII {
			return ""
		}
		need--
		start = i
	}
	if need > 0 {
		return ""
	}
	return strings.Trim(strings.Join(fields[start:], " "), "“”\"‘’,;:")
}
