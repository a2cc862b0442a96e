package corpus

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// vocab counts the spellings the corpus attests, so that a line-end hyphen
// is kept or removed on evidence ("main-⏎taining" → maintaining because the
// corpus writes "maintaining"; "non¬⏎aggression" → non-aggression because it
// writes "non-aggression") and a word that lost a ligature can be recognised.
type vocab struct {
	// all counts lower-case words and hyphenated compounds seen whole inside
	// a line, in every document.
	all map[string]int
	// clean is all without the documents whose ligatures were dropped, so
	// that their broken words ("condence") do not attest themselves.
	clean map[string]int
}

func newVocab() *vocab { return &vocab{all: map[string]int{}, clean: map[string]int{}} }

// add counts the words of a document's lines. A word broken at a line end is
// not counted: neither the fragment before the hyphen nor the one after it.
func (v *vocab) add(lines []string, ligaturesLost bool) {
	prevHyphen := false
	for _, line := range lines {
		t := strings.TrimRight(line, " \t")
		if t == "" {
			continue // blank lines do not end a hyphenated break
		}
		words := compoundWords(t)
		if prevHyphen && len(words) > 0 {
			words = words[1:]
		}
		endsHyphen := strings.HasSuffix(t, "-") || strings.HasSuffix(t, "¬")
		if endsHyphen && len(words) > 0 {
			words = words[:len(words)-1]
		}
		for _, w := range words {
			w = strings.ToLower(w)
			v.all[w]++
			if !ligaturesLost {
				v.clean[w]++
			}
			if strings.Contains(w, "-") {
				for _, part := range strings.Split(w, "-") {
					if part != "" {
						v.all[part]++
						if !ligaturesLost {
							v.clean[part]++
						}
					}
				}
			}
		}
		prevHyphen = endsHyphen
	}
}

// compoundWords splits s into runs of letters, keeping single hyphens and
// apostrophes that join letters ("non-aggression", "Russia’s").
func compoundWords(s string) []string {
	var out []string
	start := -1
	for i, r := range s {
		if isWordRune(r) {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 && (r == '-' || r == '’' || r == '\'') {
			// keep joiners between letters
			next, _ := utf8.DecodeRuneInString(s[i+utf8.RuneLen(r):])
			if isWordRune(next) {
				continue
			}
		}
		if start >= 0 {
			out = append(out, s[start:i])
			start = -1
		}
	}
	if start >= 0 {
		out = append(out, s[start:])
	}
	return out
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.Is(unicode.Mn, r) }

// hyphenPrefixes keep their hyphen when the solid form is not attested
// ("anti-⏎foreign").
var hyphenPrefixes = map[string]bool{
	"anti": true, "non": true, "pro": true, "co": true, "self": true, "quasi": true, "semi": true,
	"pan": true, "post": true, "pre": true, "ex": true, "neo": true, "ultra": true, "mid": true,
	"half": true, "well": true, "inter": true, "counter": true, "sino": true, "russo": true,
}

// keepHyphen decides a line-end hyphen between the word fragment left (the
// letters before the hyphen) and right (the letters that open the next
// line). ocr says the hyphen was an OCR "¬", which is almost always a soft
// hyphen; nRule applies a romanisation convention that writes "Kan-ichi".
func (v *vocab) keepHyphen(left, right string, ocr, nRule bool) bool {
	if left == "" || right == "" {
		return true
	}
	r, _ := utf8.DecodeRuneInString(right)
	if unicode.IsUpper(r) || unicode.IsDigit(r) {
		return true // Russo-⏎Japanese, non-⏎Western, pp. 12-⏎14
	}
	lw, rw := strings.ToLower(left), strings.ToLower(right)
	hyphenated := v.all[lw+"-"+rw]
	solid := v.all[lw+rw]
	if hyphenated > solid {
		return true
	}
	if solid > 0 || ocr {
		return false
	}
	if hyphenPrefixes[lw] {
		return true
	}
	if nRule && strings.HasSuffix(lw, "n") && strings.ContainsRune("aeiouyāēīōū", r) {
		return true
	}
	return false
}

// isDash reports whether r ends a line without a space before the next
// (em and en dashes, slashes).
func isDash(r rune) bool { return r == '—' || r == '–' || r == '/' }

// joinOptions carry the document's hyphenation conventions.
type joinOptions struct {
	nRule bool
}

// joinLines joins a block's lines into one text: trailing and leading
// spaces go, a line-end hyphen is kept or removed by keepHyphen, a line-end
// dash joins without a space, everything else joins with one space. starts
// holds, per line, the byte offset in text where its trimmed content begins
// and lead the number of bytes trimmed from its start.
func joinLines(lines []rawLine, v *vocab, o joinOptions) (text string, starts, lead []int) {
	var b strings.Builder
	starts = make([]int, len(lines))
	lead = make([]int, len(lines))
	for i, l := range lines {
		trimmed := strings.TrimLeft(l.text, " \t")
		lead[i] = len(l.text) - len(trimmed)
		trimmed = strings.TrimRight(trimmed, " \t")
		cur := b.String()
		if i > 0 && cur != "" && trimmed != "" {
			last, size := utf8.DecodeLastRuneInString(cur)
			switch {
			case last == '-' || last == '¬':
				leftWord := trailingWord(cur[:len(cur)-size])
				rightWord := leadingWord(trimmed)
				keep := v.keepHyphen(leftWord, rightWord, last == '¬', o.nRule)
				if leftWord == "" {
					keep = true
				}
				s := cur[:len(cur)-size]
				if keep {
					s += "-"
				}
				b.Reset()
				b.WriteString(s)
			case isDash(last):
			default:
				b.WriteByte(' ')
			}
		}
		starts[i] = b.Len()
		b.WriteString(trimmed)
	}
	return b.String(), starts, lead
}

// trailingWord returns the run of letters at the end of s.
func trailingWord(s string) string {
	i := len(s)
	for i > 0 {
		r, size := utf8.DecodeLastRuneInString(s[:i])
		if !isWordRune(r) {
			break
		}
		i -= size
	}
	return s[i:]
}

// leadingWord returns the run of letters at the start of s.
func leadingWord(s string) string {
	for i, r := range s {
		if !isWordRune(r) {
			return s[:i]
		}
	}
	return s
}
