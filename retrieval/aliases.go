package retrieval

import (
	"strings"
	"unicode"
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

// aliasVariants returns the other spellings of every name in q that the
// corpus's alias table knows ("Chang Tso-lin" → "Zhang Zuolin").
func (ix *Index) aliasVariants(q string) []string {
	fq := " " + foldPhrase(q) + " "
	var out []string
	for _, group := range ix.corpus.Aliases {
		hit := -1
		for i, v := range group {
			if strings.Contains(fq, " "+foldPhrase(v)+" ") {
				hit = i
				break
			}
		}
		if hit < 0 {
			continue
		}
		for i, v := range group {
			if i != hit {
				out = append(out, v)
			}
		}
	}
	return out
}
