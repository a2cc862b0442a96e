package corpus

import (
	"regexp"
	"strconv"
	"strings"
)

// columnsNotesStart returns the index of the first note block of a chunk, or
// len(blocks) when it has none. Notes sit at the foot of a column, so they
// are the run of blocks that ends the chunk, opening with a wide block or a
// short labelled one ("22. Ibid."), every block after it wide, labelled or
// a single line (the "p. 61." a note's last line left alone). A wide
// quotation in smaller type is followed by more body text, so it is not
// taken for notes.
func columnsNotesStart(in *docInput, blocks [][]int, wide int) int {
	isWide := func(b []int) bool {
		ws := make([]int, 0, len(b))
		for _, n := range b[:max(len(b)-1, 1)] { // a note's last line may be short
			ws = append(ws, columnsWidth(in.lines[n-1]))
		}
		return medianInt(ws) >= wide
	}
	start := len(blocks)
	for i := len(blocks) - 1; i >= 0; i-- {
		b := blocks[i]
		switch {
		case isWide(b) || len(b) <= 2 && columnsLabel(in.lines[b[0]-1]) != nil:
			start = i
		case len(b) == 1:
			// may belong to the notes if a note opens before it
		default:
			return start
		}
	}
	return start
}

// columnsLabelRe matches a note label as OCR leaves it: "1. By", "20 The",
// "6a. League", "47§ ~ Walter", "31 . j?ew". Group 2 is where the text starts.
var columnsLabelRe = regexp.MustCompile(`^\s*(\d{1,3}[a-z]?)(?:\s?[.,:;§])?(?:\s+[^\pL\pN\s]{1,2})?\s+(\S)`)

// columnsGarbledRe matches a label the OCR garbled beyond reading: a digit,
// junk and at most a two-letter fragment before the first capital ("6 '
// ii^New York Times" for "45. New York Times"). Group 1 is where the text
// starts.
var columnsGarbledRe = regexp.MustCompile(`^\s*\d[^\pL]{0,6}(?:\p{Ll}{1,2}[^\pL\s]{1,2})?\s*(\p{Lu})`)

// columnsLabel returns the label of a note's first line and the byte offset
// where its text starts, or nil.
func columnsLabel(s string) []int { return columnsLabelRe.FindStringSubmatchIndex(s) }

// columnsNote is a note's label and lines, the label taken off the first,
// and the column at whose foot it is printed.
type columnsNote struct {
	label  string
	lines  []rawLine
	column int
}

// columnsNotes turns note blocks, in reading order, into notes. Notes are
// numbered in sequence, which repairs what the OCR misread: a label is
// taken when it is the next number ("6a" may follow "6"), or a misreading
// of it ("31" for 81), or when it is garbled but the next note has the
// number after; a few notes may be missing. A block without a label that
// fits continues the note before it, across a column or page break.
func columnsNotes(blocks [][]rawLine) []columnsNote {
	raw := make([]string, len(blocks))
	for i, b := range blocks {
		if m := columnsLabel(b[0].text); m != nil {
			raw[i] = b[0].text[m[2]:m[3]]
		}
	}
	// nextRaw is the label of the next block that has one.
	nextRaw := func(i int) string {
		for j := i + 1; j < len(blocks); j++ {
			if raw[j] != "" {
				return raw[j]
			}
		}
		return ""
	}
	var notes []columnsNote
	prev := 0 // number of the last note
	for i, b := range blocks {
		exp := strconv.Itoa(prev + 1)
		label, text := "", 0
		m := columnsLabel(b[0].text)
		if m != nil {
			text = m[4]
		}
		r := raw[i]
		n, suffix := columnsLabelNumber(r)
		switch {
		case r == "":
		case r == exp || suffix != "" && n == prev && prev > 0:
			label = r
		case suffix == "" && columnsConfusable(r, exp):
			label = exp
		case suffix == "" && n > prev && n <= prev+1+maxMarkerGap:
			label = r
		}
		if label == "" {
			after := nextRaw(i)
			next := strconv.Itoa(prev + 2)
			if g := columnsGarbledRe.FindStringSubmatchIndex(b[0].text); g != nil && (after == next || columnsConfusable(after, next)) {
				label, text = exp, g[2]
			}
		}
		if label == "" && len(notes) > 0 {
			last := &notes[len(notes)-1]
			last.lines = append(last.lines, b...)
			continue
		}
		lines := append([]rawLine(nil), b...)
		if label == "" {
			label = "*" // an unnumbered note
		} else {
			lines[0].text = lines[0].text[text:]
			prev, _ = columnsLabelNumber(label)
		}
		notes = append(notes, columnsNote{label: label, lines: lines})
	}
	return notes
}

// columnsLabelNumber splits a label into its number and letter suffix:
// "72a" → 72, "a".
func columnsLabelNumber(label string) (int, string) {
	i := strings.IndexFunc(label, func(r rune) bool { return r < '0' || r > '9' })
	if i < 0 {
		i = len(label)
	}
	return atoiDefault(label[:i], 0), label[i:]
}

// columnsConfusions are the characters OCR takes for one another in small
// type: 3 and 8, 1 and l and I, 5 and S, 6 and G and b, 0 and O.
var columnsConfusions = map[[2]byte]bool{}

func init() {
	for _, set := range []string{"38", "1lI", "5S", "6Gb", "0O"} {
		for i := 0; i < len(set); i++ {
			for j := 0; j < len(set); j++ {
				columnsConfusions[[2]byte{set[i], set[j]}] = true
			}
		}
	}
}

// columnsConfusable reports whether a reads as b with some characters
// confused: same length, every difference a known confusion.
func columnsConfusable(a, b string) bool {
	if len(a) != len(b) || a == "" {
		return false
	}
	for i := 0; i < len(a); i++ {
		if a[i] != b[i] && !columnsConfusions[[2]byte{a[i], b[i]}] {
			return false
		}
	}
	return true
}
