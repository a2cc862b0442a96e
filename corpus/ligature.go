package corpus

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// ligatures are the letter groups a PDF extraction drops when the font
// draws them as one glyph.
var ligatures = []string{"ffi", "ffl", "ff", "fi", "fl"}

// repairLigatures restores dropped ligatures ("condence" → "confidence") in a
// text whose manifest says they were lost. A word is repaired only when it is
// unknown to the clean vocabulary, has at least three letters, and exactly one
// way of inserting a ligature gives a word the corpus attests at least twice;
// anything less certain stays as printed. It returns the insertions it made,
// so that offsets into the text can follow.
func repairLigatures(text string, v *vocab) (string, []insertion) {
	var b strings.Builder
	var ins []insertion
	last := 0
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		if !unicode.IsLetter(r) {
			i += size
			continue
		}
		j := i
		for j < len(text) {
			r2, s2 := utf8.DecodeRuneInString(text[j:])
			if !unicode.IsLetter(r2) {
				break
			}
			j += s2
		}
		word := text[i:j]
		if fixed, ok := ligatureCandidate(word, v); ok {
			b.WriteString(text[last:i])
			ins = append(ins, insertion{at: i, n: len(fixed) - len(word)})
			b.WriteString(fixed)
			last = j
		}
		i = j
	}
	if ins == nil {
		return text, nil
	}
	b.WriteString(text[last:])
	return b.String(), ins
}

// insertion records n bytes inserted into a word that starts at byte at.
type insertion struct{ at, n int }

// shiftRefs moves note references that stand after an insertion.
func shiftRefs(refs []NoteRef, ins []insertion) {
	for i := range refs {
		d := 0
		for _, in := range ins {
			if refs[i].Offset > in.at {
				d += in.n
			}
		}
		refs[i].Offset += d
	}
}

func ligatureCandidate(word string, v *vocab) (string, bool) {
	lower := strings.ToLower(word)
	if utf8.RuneCountInString(word) < 3 || v.clean[lower] > 0 {
		return "", false
	}
	found := ""
	for pos := 0; pos <= len(lower); pos++ {
		if pos < len(lower) && !utf8.RuneStart(lower[pos]) {
			continue
		}
		for _, lig := range ligatures {
			cand := lower[:pos] + lig + lower[pos:]
			if v.clean[cand] < 2 || cand == found {
				continue
			}
			if found != "" {
				return "", false // ambiguous
			}
			found = cand
		}
	}
	if found == "" {
		return "", false
	}
	// Keep the word's capitalisation.
	if r, _ := utf8.DecodeRuneInString(word); unicode.IsUpper(r) {
		fr, size := utf8.DecodeRuneInString(found)
		found = string(unicode.ToUpper(fr)) + found[size:]
	}
	return found, true
}
