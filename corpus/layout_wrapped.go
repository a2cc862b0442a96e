package corpus

import (
	"math"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// segmentHardWrapped segments a PDF text extraction wrapped at the printed
// line (pdftotext without -layout). Such an extraction keeps each page's text
// in order but puts the page's footnotes, figure captions and surviving
// running heads between its lines, so that a paragraph, a block quote or a
// note can be cut by another page's furniture. The segmenter works in four
// steps:
//
//  1. the line model (newWrapped, markFurniture): blank and ornament lines,
//     running heads and folios (page anchors), repeated furniture, chrome;
//  2. segments (segments): runs of text lines, cut where the extraction
//     starts a new text chunk (a leading space), where a note starts
//     ("2For a good …") and where a marker was displaced ("73powers.");
//  3. classification (classify): every segment is body, note, caption or
//     heading, decided from what it is (a glued note label, a caption
//     label, its width: notes are set smaller, so their lines hold more
//     characters; block quotes are indented, so theirs hold fewer) and from
//     what came before it; body paragraphs are joined across page breaks
//     by the lines on either side of the break;
//  4. pages (assignPages): every line gets its page from the anchors and
//     the page breaks counted between them.
//
// Everything is measured on the document (median line width, repeated
// lines); the manifest supplies the divisions and the overrides.
func segmentHardWrapped(in *docInput) (segmentation, error) {
	w := newWrapped(in)
	w.classify()
	w.assignPages()
	return segmentation{blocks: w.blocks()}, nil
}

// wlKind is what a source line is before segmentation.
type wlKind uint8

const (
	wlText      wlKind = iota
	wlSkip             // outside the text (manifest skip ranges)
	wlBlank            // empty, or only ornaments: "* * * * *", timeline "‖", map legend "†"
	wlFurniture        // running head, folio, repeated ornament, chrome, manifest drop
)

// wline is one source line as the hard-wrapped segmenter sees it.
type wline struct {
	kind  wlKind
	trim  string // without leading and trailing white space
	width int    // printed width of trim (printWidth)
	// chunk is true when the line starts with white space: pdftotext starts
	// a new text chunk there, which in practice is the top of a page, a
	// caption, or a block of notes put out of place.
	chunk bool
	folio int // the page a running head or a folio line names
	// fixed, when not empty, is the text handed on instead of the line:
	// a note's first line without its label, or a line whose displaced
	// marker was put back ("73powers." → "powers.73").
	fixed string
	page  int
	exact bool
}

// text is the line as it goes into a record.
func (l *wline) text() string {
	if l.fixed != "" {
		return l.fixed
	}
	return l.trim
}

// wrapped is the working state of the hard-wrapped segmenter for one
// document.
type wrapped struct {
	in    *docInput
	lines []wline // index i is source line i+1
	// median is the median width of the text lines; body lines are about
	// that wide, note lines (smaller type) clearly wider, block-quote lines
	// (indented) narrower.
	median int
	// noteWidth is the width from which a run of lines is set in note type:
	// wider than any but a few body lines.
	noteWidth int

	paras    []*wpara // body paragraphs, block quotes, headings, timelines
	notes    []*wpara
	captions []*wpara
	breaks   []int // line indexes where a new page begins, in order
	anchors  []wanchor
}

// wpara is a record under construction: its source line indexes in reading
// order and what the segmenter learned about it.
type wpara struct {
	kind     Kind
	lines    []int
	division string
	section  string
	label    string
	flags    []Flag
	timeline bool // a timeline box: kept as a caption, ends at its final period
}

// minFootnotes is how many lines must open with a note number before a text
// is read as having footnotes between its lines.
const minFootnotes = 3

func newWrapped(in *docInput) *wrapped {
	w := &wrapped{in: in, lines: make([]wline, len(in.lines))}
	var widths []int
	notes := 0
	for i, l := range in.lines {
		wl := &w.lines[i]
		if in.skipped(i + 1) {
			wl.kind = wlSkip
			continue
		}
		wl.trim = strings.TrimSpace(l)
		wl.width = printWidth(wl.trim)
		wl.chunk = wl.trim != "" && (l[0] == ' ' || l[0] == '\t')
		if !hasAlnum(wl.trim) {
			wl.kind = wlBlank
			continue
		}
		widths = append(widths, wl.width)
		if noteStart(wl.trim) != "" {
			notes++
		}
	}
	w.median = medianInt(widths)
	w.noteWidth = w.median + w.median/8 + 1
	if notes < minFootnotes {
		// A text without footnotes has no note type: a wide line is just
		// a wide line, never a note to drop or attach.
		w.noteWidth = math.MaxInt / 2
	}
	w.markFurniture()
	return w
}

// hasAlnum reports whether s holds a letter or a digit; a line without one
// is an ornament or an empty line.
func hasAlnum(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return true
		}
	}
	return false
}

// markFurniture finds the lines that belong to the page, not the text:
// chrome and the manifest's drop patterns; running heads, recognised as a
// folio next to the book's or a division's title or next to a text repeated
// on three pages (small caps come out in lower case and years differ, so
// they are compared case-folded with digits masked); folio lines; and short
// lines repeated on three or more pages with blank lines around them
// (ornaments such as "PWO", labels such as "chapter 3").
func (w *wrapped) markFurniture() {
	titles := map[string]bool{}
	for _, t := range []string{w.in.entry.Meta.Title, w.in.entry.Meta.ShortTitle} {
		if t != "" {
			titles[furnitureKey(t)] = true
		}
	}
	for _, d := range w.in.entry.Divisions {
		titles[furnitureKey(d.Title)] = true
	}
	// isolated: a short line set apart from the text around it, as page
	// furniture is: nothing before it but blank lines (or it opens a chunk),
	// nothing after it but blank lines or a new chunk.
	isolated := func(i int) bool {
		return w.lines[i].kind == wlText && w.lines[i].width <= 80 &&
			(i == 0 || w.lines[i-1].kind != wlText || w.lines[i].chunk) &&
			(i+1 == len(w.lines) || w.lines[i+1].kind != wlText || w.lines[i+1].chunk)
	}
	repeated := map[string]int{}
	for i := range w.lines {
		if isolated(i) {
			repeated[furnitureKey(w.lines[i].trim)]++
		}
	}
	for i := range w.lines {
		l := &w.lines[i]
		if l.kind != wlText {
			continue
		}
		if ok, page := w.in.textLine(i + 1); !ok && !w.noteURL(i) {
			l.kind, l.folio = wlFurniture, page
			continue
		}
		if !isolated(i) {
			continue
		}
		if n := atoiDefault(l.trim, 0); n > 0 && len(l.trim) <= 3 {
			l.kind, l.folio = wlFurniture, n
			continue
		}
		if page, rest, ok := splitFolio(l.trim); ok {
			if k := furnitureKey(rest); titles[k] || repeated[furnitureKey(l.trim)] >= 3 && strings.Count(rest, " ") >= 2 {
				l.kind, l.folio = wlFurniture, page
				continue
			}
		}
		if repeated[furnitureKey(l.trim)] >= 3 && !endsSentence(l.trim) && noteStart(l.trim) == "" {
			l.kind = wlFurniture
		}
	}
}

// noteURL reports whether line i is a URL that ends the sentence of the
// note line right before it ("… Tokyo. See⏎https://dl.ndl.go.jp/….") and so
// is note text, not one of the link targets that the extraction repeats on
// lines of their own.
func (w *wrapped) noteURL(i int) bool {
	l := &w.lines[i]
	return i > 0 && w.lines[i-1].kind == wlText && strings.HasSuffix(l.trim, ".") &&
		chromeLines.MatchString(l.trim) && noteStart(l.trim) == ""
}

// splitFolio splits a running head into its folio and its text: "50 stalin,
// japan, …", "… over china 51", "vi stalin, …". page is 0 for a roman folio.
func splitFolio(s string) (page int, rest string, ok bool) {
	if i := strings.IndexByte(s, ' '); i > 0 {
		head := s[:i]
		if n := atoiDefault(head, 0); n > 0 && len(head) <= 4 {
			return n, strings.TrimSpace(s[i+1:]), true
		}
		if strings.Trim(head, "ivxlc") == "" {
			return 0, strings.TrimSpace(s[i+1:]), true
		}
	}
	if i := strings.LastIndexByte(s, ' '); i > 0 {
		if n := atoiDefault(s[i+1:], 0); n > 0 && len(s)-i-1 <= 4 {
			return n, strings.TrimSpace(s[:i]), true
		}
	}
	return 0, "", false
}

// endsSentence reports whether a line ends a sentence: terminal punctuation
// (a colon too: it ends a lead-in), then closing quotes or brackets, then an
// optional glued note marker.
func endsSentence(s string) bool {
	s = strings.TrimRight(s, " \t")
	s = strings.TrimSuffix(s, "—") // "the following objects:—"
	s = strings.TrimRight(s, "0123456789")
	s = strings.TrimRight(s, "\"”’')] ") // "from Tokyo.’ ”430"
	r, _ := utf8.DecodeLastRuneInString(s)
	return r == '.' || r == '?' || r == '!' || r == ':' || r == '…'
}

// noteStart returns the label of a note that starts the line: up to three
// digits glued to the note's first word ("2For a good …", "31“Chichibu …”",
// "335Ōoka …"), or "". A lower-case letter after the digits is a displaced
// marker, not a note; punctuation after them is a number in running text.
func noteStart(s string) string {
	n := 0
	for n < len(s) && n < 4 && s[n] >= '0' && s[n] <= '9' {
		n++
	}
	if n == 0 || n > 3 || s[0] == '0' {
		return ""
	}
	r, _ := utf8.DecodeRuneInString(s[n:])
	if unicode.IsUpper(r) || unicode.IsLetter(r) && !unicode.IsLower(r) || strings.ContainsRune("“‘\"'(«[*", r) {
		return s[:n]
	}
	return ""
}

// displacedMarker recognises a line whose note marker the extraction moved
// to the front, glued to the first word ("73powers.", "131race. According
// …"), and returns the marker and the rest of the line. Ordinals ("19th
// century") are not markers.
func displacedMarker(s string) (label, rest string, ok bool) {
	n := 0
	for n < len(s) && n < 4 && s[n] >= '0' && s[n] <= '9' {
		n++
	}
	if n == 0 || n > 3 || s[0] == '0' {
		return "", "", false
	}
	r, _ := utf8.DecodeRuneInString(s[n:])
	if !unicode.IsLower(r) {
		return "", "", false
	}
	word := leadingWord(s[n:])
	switch word {
	case "st", "nd", "rd", "th", "s":
		return "", "", false
	}
	return s[:n], s[n:], true
}

// repairDisplaced puts a displaced marker back where it belongs, glued after
// the first word that ends in punctuation ("powers.73", "a casus
// belli.94"), the form the finishing stage extracts; with no such word it
// goes after the first word.
func repairDisplaced(label, rest string) string {
	rest = strings.TrimRight(rest, " ")
	end := len(leadingWord(rest))
	for i, r := range rest {
		if !strings.ContainsRune(".,;:!?", r) {
			continue
		}
		j := i + 1
		for j < len(rest) {
			c, size := utf8.DecodeRuneInString(rest[j:])
			if !strings.ContainsRune("\"')]”’", c) {
				break
			}
			j += size
		}
		if j == len(rest) || rest[j] == ' ' {
			end = j
			break
		}
	}
	return rest[:end] + label + rest[end:]
}

// captionStart reports whether a line opens a figure caption: "Figure 2.",
// "Figure 1.4.", "Figure C.1.", "Map 3.", "Table 2.1.".
func captionStart(s string) bool {
	for _, p := range []string{"Figure ", "Fig. ", "Map ", "Table ", "Plate "} {
		if !strings.HasPrefix(s, p) {
			continue
		}
		t := s[len(p):]
		i := 0
		for i < len(t) && (t[i] >= '0' && t[i] <= '9' || t[i] >= 'A' && t[i] <= 'Z' || t[i] == '.') {
			i++
		}
		return i >= 2 && t[i-1] == '.' && (i == len(t) || t[i] == ' ')
	}
	return false
}

// timelineStart reports whether a line opens a timeline box ("Timeline:
// 1894–95: …").
func timelineStart(s string) bool {
	t, ok := strings.CutPrefix(s, "Timeline")
	return ok && (t == "" || t[0] == ':' || t[0] == ' ')
}

// blocks hands the records on in reading order (by their first line), with
// each line's page.
func (w *wrapped) blocks() []rawBlock {
	var all []*wpara
	all = append(all, w.paras...)
	all = append(all, w.notes...)
	all = append(all, w.captions...)
	sort.SliceStable(all, func(i, j int) bool { return all[i].lines[0] < all[j].lines[0] })
	out := make([]rawBlock, 0, len(all))
	for _, p := range all {
		// A heading's section number ("4.1 The Might …") is not a note
		// marker: its markers count as done.
		b := rawBlock{kind: p.kind, division: p.division, section: p.section, label: p.label, flags: p.flags, markersDone: p.kind == KindHeading}
		for _, i := range p.lines {
			l := &w.lines[i]
			b.lines = append(b.lines, rawLine{no: i + 1, text: l.text(), page: l.page, exact: l.exact})
		}
		if p.kind == KindNote && !endsNote(w.lines[p.lines[len(p.lines)-1]].text()) {
			b.flags = append(b.flags, FlagNoteTruncated)
		}
		out = append(out, b)
	}
	return out
}

// endsNote reports whether a note's text ends as a complete note does: a
// sentence ends (not with a colon, nor with an abbreviation that leads on,
// "66, no."), or a citation ends with its page ("Ibid., 148–49").
func endsNote(s string) bool {
	s = strings.TrimRight(s, " ")
	if t, ok := strings.CutSuffix(s, "."); ok {
		return !citationLeadOn[strings.ToLower(t[strings.LastIndexAny(t, " (")+1:])]
	}
	if i := strings.LastIndex(s, ", "); i >= 0 && strings.Trim(s[i+2:], "0123456789–") == "" && i+2 < len(s) {
		return true
	}
	return endsSentence(s) && !strings.HasSuffix(strings.TrimRight(s, "0123456789"), ":")
}

// citationLeadOn are abbreviations that a citation cannot end with.
var citationLeadOn = map[string]bool{
	"no": true, "nos": true, "vol": true, "vols": true, "p": true, "pp": true, "ed": true, "eds": true,
	"trans": true, "tr": true, "comp": true, "ch": true, "chap": true, "cf": true, "esp": true, "repr": true,
}

// printWidth measures a line as it was printed, in Latin characters: a CJK
// character takes the room of two. Widths tell body lines from notes (set
// smaller) and block quotes (indented).
func printWidth(s string) int {
	n := 0
	for _, r := range s {
		n++
		if r >= 0x2E80 && r <= 0x9FFF || r >= 0xF900 && r <= 0xFAFF || r >= 0xFF00 && r <= 0xFF60 || r >= 0xAC00 && r <= 0xD7A3 {
			n++
		}
	}
	return n
}
