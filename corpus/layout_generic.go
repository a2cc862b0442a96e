package corpus

import (
	"regexp"
	"sort"
	"strings"
	"unicode"
)

// chromeLines are lines that page viewers and publisher sites put into
// extracted text; no corpus wants them, so they are dropped everywhere
// (manifests add their own with layout.drop).
var chromeLines = regexp.MustCompile(`^\s*(?:\(WallPaper\) #\d+|Free download pdf|Published online by Cambridge University Press: .*|https?://\S+|mailto:\S+)\s*$`)

// textLine reports whether line n (1-based) is text to segment: not skipped
// by the manifest, not chrome, not dropped. A dropped line that names a page
// returns it.
func (in *docInput) textLine(n int) (ok bool, page int) {
	if in.skipped(n) {
		return false, 0
	}
	if chromeLines.MatchString(in.lines[n-1]) {
		return false, 0
	}
	if drop, pg := in.dropped(n); drop {
		return false, pg
	}
	return true, 0
}

// sectionTracker follows the manifest's section hints and the headings a
// segmenter finds, so that every block knows its section.
type sectionTracker struct {
	hints []SectionHint
	cur   string
}

func newSectionTracker(hints []SectionHint) *sectionTracker {
	h := append([]SectionHint(nil), hints...)
	sort.Slice(h, func(i, j int) bool { return h[i].Line < h[j].Line })
	return &sectionTracker{hints: h}
}

// at advances to line n and returns the section in force there.
func (t *sectionTracker) at(n int) string {
	for len(t.hints) > 0 && t.hints[0].Line <= n {
		t.cur = strings.TrimSpace(t.hints[0].Number + " " + t.hints[0].Title)
		t.hints = t.hints[1:]
	}
	return t.cur
}

// set makes a heading found in the text the current section.
func (t *sectionTracker) set(s string) { t.cur = s }

// divisionAt returns the key of the manifest division in force at line n.
func divisionAt(divs []Division, n int) string {
	key := ""
	for _, d := range divs {
		if d.Line <= n {
			key = d.Key
		}
	}
	return key
}

// looksLikeHeading is the generic test for an unnumbered heading line:
// short, capitalised, no terminal punctuation, not ending in a word that
// leads into more text.
func looksLikeHeading(t string) bool {
	t = strings.TrimSpace(t)
	if t == "" || len([]rune(t)) > 80 {
		return false
	}
	r := []rune(t)
	if !isUpperRune(r[0]) && !(r[0] >= '0' && r[0] <= '9') {
		return false
	}
	if strings.ContainsRune(".,;:!?—–-", r[len(r)-1]) {
		return false
	}
	fields := strings.Fields(t)
	switch strings.ToLower(fields[len(fields)-1]) {
	case "that", "because", "namely", "of", "the", "and", "to", "a", "an", "in", "on", "for", "with", "by", "as", "or", "but":
		return false
	}
	return true
}

// numberedHeading matches a numbered section heading: "6.2 Japan and …".
var numberedHeading = regexp.MustCompile(`^\s*(\d+(?:\.\d+)+)\.?\s+(\p{Lu}.*?)\s*$`)

// noteLabel matches a note at the start of a line: "35 Hiroaki Kuromiya",
// "6a. Ibid.".
var noteLabel = regexp.MustCompile(`^\s*(\d{1,3}[a-z]?)\.?\s+\S`)

// followsLabel reports whether a note label found at the start of a line can
// be the note after prev: notes are numbered in order, so "5 (July 2014)"
// after note 35 is the continuation of note 35, not note 5.
func followsLabel(prev, next string) bool {
	p, n := atoiDefault(strings.TrimRight(prev, "abcdefghijklmnopqrstuvwxyz"), -1), atoiDefault(strings.TrimRight(next, "abcdefghijklmnopqrstuvwxyz"), -1)
	if p < 0 || n < 0 {
		return true
	}
	return n == p || (n > p && n <= p+maxMarkerGap+1)
}

// furnitureKey masks a line for comparison with other pages' furniture
// (running heads, dates, folios):
// lower case, digits as '#', no space before punctuation, single spaces.
func furnitureKey(s string) string {
	var b strings.Builder
	space := false
	for _, r := range strings.TrimSpace(s) {
		switch {
		case unicode.IsSpace(r):
			space = true
			continue
		case unicode.IsDigit(r):
			r = '#'
		default:
			r = unicode.ToLower(r)
		}
		if space && (unicode.IsLetter(r) || r == '#') {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}
