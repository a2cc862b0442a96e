package corpus

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// markerSeq validates glued note markers by their sequence: notes are
// numbered in order, so a candidate is a marker only when it is the number
// the sequence expects next (allowing a few missing). That is what tells the
// marker in "founded in 1906.8 Mitsukawa" from a decimal number, and finds
// "Mongolia.111Kuhara".
type markerSeq struct {
	next int // the label expected next
}

// maxMarkerGap is how many markers may be missing between two found ones;
// a larger jump is more likely a number in the text than a marker.
const maxMarkerGap = 3

func (s *markerSeq) reset() { s.next = 1 }

// gluedMarkerBefore reports whether r may stand directly before a glued note
// marker: a letter, or closing punctuation.
func gluedMarkerBefore(r rune) bool {
	if unicode.IsLetter(r) {
		return true
	}
	return strings.ContainsRune(".,;:!?”’\"')]", r)
}

// extractGlued removes glued note markers from text and returns them as
// references. A marker directly followed by a letter (".111Kuhara") is
// replaced by a space.
func extractGlued(text string, seq *markerSeq) (string, []NoteRef) {
	var refs []NoteRef
	var b strings.Builder
	last := 0
	for i := 0; i < len(text); {
		c := text[i]
		if c < '0' || c > '9' {
			i++
			continue
		}
		j := i
		for j < len(text) && text[j] >= '0' && text[j] <= '9' {
			j++
		}
		if i == 0 || j-i > 3 {
			i = j
			continue
		}
		before, _ := utf8.DecodeLastRuneInString(text[:i])
		after, _ := utf8.DecodeRuneInString(text[j:])
		okAfter := j == len(text) || unicode.IsSpace(after) || unicode.IsUpper(after) || strings.ContainsRune("“—,;:)", after)
		if !gluedMarkerBefore(before) || !okAfter {
			i = j
			continue
		}
		n, _ := strconv.Atoi(text[i:j])
		if n < seq.next || n > seq.next+maxMarkerGap {
			i = j
			continue
		}
		seq.next = n + 1
		b.WriteString(text[last:i])
		refs = append(refs, NoteRef{Offset: b.Len(), Label: text[i:j]})
		if j < len(text) && !unicode.IsSpace(after) {
			b.WriteByte(' ')
		}
		last = j
		i = j
	}
	if refs == nil {
		return text, nil
	}
	b.WriteString(text[last:])
	return b.String(), refs
}

var superscriptDigits = map[rune]byte{
	'⁰': '0', '¹': '1', '²': '2', '³': '3', '⁴': '4', '⁵': '5', '⁶': '6', '⁷': '7', '⁸': '8', '⁹': '9',
}

// extractSuperscript removes runs of Unicode superscript digits, which are
// note markers in the extractions that keep them; a marker directly followed
// by a letter or quote ("Japan.³²Indeed") is replaced by a space.
func extractSuperscript(text string) (string, []NoteRef) {
	var refs []NoteRef
	var b strings.Builder
	var label []byte
	flush := func(next rune, atEnd bool) {
		if label == nil {
			return
		}
		refs = append(refs, NoteRef{Offset: b.Len(), Label: string(label)})
		label = nil
		if !atEnd && !unicode.IsSpace(next) && !unicode.IsPunct(next) {
			b.WriteByte(' ')
		}
	}
	for _, r := range text {
		if d, ok := superscriptDigits[r]; ok {
			label = append(label, d)
			continue
		}
		flush(r, false)
		b.WriteRune(r)
	}
	flush(0, true)
	if refs == nil {
		return text, nil
	}
	return b.String(), refs
}

// measureMarkers guesses a document's note-marker style from its lines.
func measureMarkers(lines []string) string {
	sup := 0
	for _, l := range lines {
		for _, r := range l {
			if _, ok := superscriptDigits[r]; ok {
				sup++
			}
		}
	}
	if sup >= 2 {
		return MarkersSuperscript
	}
	return MarkersGlued
}
