package corpus

import (
	"math"
	"strings"
	"unicode"
	"unicode/utf8"
)

// wseg is a segment: a run of consecutive text lines that the extraction
// put out together. Segments end at blank lines and furniture, and a new one
// starts where a text chunk starts (leading space), where a note starts and
// where a displaced marker stands.
type wseg struct {
	first, last int  // line indexes, inclusive
	blank       bool // blank lines before it
	noise       bool // furniture before it
}

// lines returns the segment's line indexes.
func (s wseg) lines() []int { return appendRange(nil, s.first, s.last) }

// segments cuts the text into segments.
func (w *wrapped) segments() []wseg {
	var segs []wseg
	blank, noise := false, false
	divs := w.in.entry.Divisions
	div := ""
	for i := range w.lines {
		l := &w.lines[i]
		switch l.kind {
		case wlSkip, wlBlank:
			blank = true
			continue
		case wlFurniture:
			noise = true
			continue
		}
		d := divisionAt(divs, i+1)
		_, _, displaced := displacedMarker(l.trim)
		if n := len(segs); n > 0 && segs[n-1].last == i-1 && !l.chunk && d == div && noteStart(l.trim) == "" && !displaced {
			segs[n-1].last = i
			continue
		}
		div = d
		segs = append(segs, wseg{first: i, last: i, blank: blank, noise: noise})
		blank, noise = false, false
	}
	return segs
}

// wctx is what the segments just before belong to.
type wctx uint8

const (
	ctxBody wctx = iota
	ctxNotes
	ctxCaption
)

// gapKind is what stands between two body lines.
type gapKind uint8

const (
	gapNone  gapKind = iota // nothing: the lines follow each other
	gapBlank                // blank lines only
	gapPage                 // a page break: a new text chunk, notes, a caption or furniture
)

// wclassifier walks the segments in order and builds the records.
type wclassifier struct {
	w        *wrapped
	segs     []wseg
	o        Overrides
	sections *sectionTracker
	ctx      wctx
	division string
	divHead  bool // nothing but the division's title so far
	lastNote int  // label of the division's last note
	note     *wpara
	orphan   bool // the last note text was the tail of a lost note
	caption  *wpara
	cur      *wpara // the open body paragraph, block quote or timeline
	prev     *wpara // the last closed one, for block-quote lead-ins
	// noise: notes, captions or furniture since the last body line;
	// pageEnd: notes or a running head since then, which end a page.
	noise, pageEnd bool
}

// classify decides what every segment is and builds the records.
func (w *wrapped) classify() {
	c := &wclassifier{w: w, segs: w.segments(), o: w.in.entry.Overrides, sections: newSectionTracker(w.in.entry.Sections), division: "\x00"}
	prevLast := -1
	for k, s := range c.segs {
		for i := prevLast + 1; i < s.first; i++ {
			if l := &w.lines[i]; l.kind == wlFurniture {
				c.noise = true
				if l.folio > 0 && strings.ContainsRune(l.trim, ' ') {
					// a running head opens its page: what follows is
					// the page's text
					w.breakAt(i)
					c.pageEnd, c.ctx = false, ctxBody
				}
			}
		}
		prevLast = s.last
		c.segment(k, s)
	}
	c.close()
}

// segment classifies segment k: a note that opens it or a caption label
// decide at once; otherwise what came before it (notes, a caption, body)
// decides how it is read.
func (c *wclassifier) segment(k int, s wseg) {
	w := c.w
	first := &w.lines[s.first]
	if d := divisionAt(w.in.entry.Divisions, s.first+1); d != c.division {
		c.startDivision(d, s.first)
	}
	c.sections.at(s.first + 1)
	if label := noteStart(first.trim); label != "" && c.validNote(label) {
		c.startNote(s, label)
		return
	}
	if captionStart(first.trim) {
		c.startCaption(s)
		return
	}
	switch c.ctx {
	case ctxCaption:
		if c.continuesCaption(s) {
			c.caption.lines = appendRange(c.caption.lines, s.first, s.last)
			return
		}
	case ctxNotes:
		if c.continuesNotes(k, s) {
			c.noteContinued(s)
			return
		}
	case ctxBody:
		if c.noteTail(k, s) {
			c.noteContinued(s)
			return
		}
	}
	c.body(s)
}

// appendRange appends the indexes first to last.
func appendRange(xs []int, first, last int) []int {
	for i := first; i <= last; i++ {
		xs = append(xs, i)
	}
	return xs
}

// startDivision begins division d at line i, on a new page: note numbers
// start again, and nothing before carries over.
func (c *wclassifier) startDivision(d string, i int) {
	c.close()
	c.division, c.divHead = d, true
	c.ctx, c.lastNote, c.note, c.caption, c.prev = ctxBody, 0, nil, nil, nil
	c.noise, c.pageEnd = false, false
	c.sections.set("")
	c.w.breakAt(i)
}

// validNote checks a note label against the division's sequence: notes
// come in order, and whole pages of them may be missing.
func (c *wclassifier) validNote(label string) bool {
	n := atoiDefault(label, 0)
	return n > c.lastNote && n <= c.lastNote+50
}

// startNote opens note label with segment s, the label cut off its first
// line.
func (c *wclassifier) startNote(s wseg, label string) {
	w := c.w
	first := &w.lines[s.first]
	first.fixed = strings.TrimLeft(first.trim[len(label):], ". ")
	c.orphan = false
	c.note = &wpara{kind: KindNote, label: label, division: c.division, section: c.sections.cur, lines: s.lines()}
	w.notes = append(w.notes, c.note)
	c.lastNote = atoiDefault(label, 0)
	c.ctx, c.noise, c.pageEnd = ctxNotes, true, true
}

// noteContinued adds an unnumbered run of note text to the division's last
// note: the rest of a note after a random blank line, or its continuation at
// the head of the next page's notes. A run at the head of a page's notes
// that cannot continue that note (the note is complete and the run does not
// open a sentence) is the tail of a note the source lost, and is left out,
// as is text before the division's first note and the rest of a lost
// note's tail.
func (c *wclassifier) noteContinued(s wseg) {
	w := c.w
	if c.note != nil {
		last := w.lines[c.note.lines[len(c.note.lines)-1]].text()
		r, _ := utf8.DecodeRuneInString(w.lines[s.first].trim)
		inBlock := c.ctx == ctxNotes && !w.lines[s.first].chunk
		c.orphan = c.orphan || !inBlock && endsNote(last) && !unicode.IsUpper(r) && !strings.ContainsRune("“‘\"(", r)
		if !c.orphan {
			c.note.lines = appendRange(c.note.lines, s.first, s.last)
		}
	}
	c.ctx, c.noise, c.pageEnd = ctxNotes, true, true
}

// noteLike reports whether a segment is set in note type. A segment of one
// or two lines is measured by one line, and a body line can come out a
// little wider than the rest: it must be wider still.
func (w *wrapped) noteLike(s wseg) bool {
	if s.last-s.first < 2 {
		return w.widthOf(s.lines()) >= w.noteWidth+2
	}
	return w.widthOf(s.lines()) >= w.noteWidth
}

// continuesNotes decides a segment after notes. A segment that does not
// open a text chunk goes on with the notes (blank lines fall at random
// inside note blocks); one that opens a chunk is the next page's text unless
// it is set in note type, or is a lone line that a new chunk follows at
// once, or a short stub between notes.
func (c *wclassifier) continuesNotes(k int, s wseg) bool {
	w := c.w
	first := &w.lines[s.first]
	if timelineStart(first.trim) || c.numberedHeading(s) {
		return false
	}
	if !first.chunk || w.widthOf(s.lines()) >= w.noteWidth {
		return true
	}
	if c.loneChunk(k, s) {
		return true
	}
	if s.first != s.last || k+1 >= len(c.segs) {
		return false
	}
	next := c.segs[k+1]
	nl := &w.lines[next.first]
	return first.width*5 < w.median*4 && (noteStart(nl.trim) != "" || nl.chunk && w.noteLike(next))
}

// loneChunk reports whether a segment is a text chunk of one line that
// another chunk follows at once: the text of a page does not stop after
// one line, so this is a scrap of a note put out of place ("…through direct
// contact with⏎ 1939, 405.⏎ Moscow in December 1936.").
func (c *wclassifier) loneChunk(k int, s wseg) bool {
	w := c.w
	if w.noteWidth == math.MaxInt/2 || !w.lines[s.first].chunk || s.first != s.last || k+1 >= len(c.segs) {
		return false // no footnotes: a short indented line is text
	}
	next := c.segs[k+1]
	nl := &w.lines[next.first]
	return next.first == s.last+1 && nl.chunk && noteStart(nl.trim) == "" && !captionStart(nl.trim)
}

// noteTail decides whether a segment in body context is note text: set in
// note type (a note's continuation at the head of a page's notes), a lone
// chunk (loneChunk), or a short line that ends a sentence right before a
// note, after a blank line that cut a sentence of the body ("…taking part
// in the Mukden Incident⏎⏎Giichi, 19 May 1928, JACAR, B02031861600.⏎
// 363Liu Mingjiu, …").
func (c *wclassifier) noteTail(k int, s wseg) bool {
	w := c.w
	first := &w.lines[s.first]
	if timelineStart(first.trim) || c.numberedHeading(s) {
		return false
	}
	if w.noteLike(s) || c.loneChunk(k, s) {
		return true
	}
	if s.first != s.last || first.chunk || !s.blank || first.width*4 >= w.median*3 || !strings.HasSuffix(first.trim, ".") {
		return false
	}
	if c.cur == nil || endsSentence(c.lastText(c.cur)) || s.last+1 >= len(w.lines) {
		return false
	}
	label := noteStart(w.lines[s.last+1].trim)
	return label != "" && c.validNote(label)
}

// startCaption opens a caption; it interrupts the open paragraph, which
// goes on after it.
func (c *wclassifier) startCaption(s wseg) {
	c.pageTop(s)
	c.caption = &wpara{kind: KindCaption, division: c.division, section: c.sections.cur, lines: s.lines()}
	c.w.captions = append(c.w.captions, c.caption)
	c.ctx, c.noise = ctxCaption, true
}

// continuesCaption decides a segment after a caption. Captions end at a
// blank line, but a narrow caption beside its figure can hold blank lines,
// and a map's legend and credit come after it: the caption goes on when its
// last line breaks off (a hyphen, a comma, a word that leads on), when it
// does not end a sentence and the segment is narrow (several lines, or one
// that goes on in lower case or with a bracket), or when the segment is set
// in note type.
func (c *wclassifier) continuesCaption(s wseg) bool {
	w := c.w
	last := w.lines[c.caption.lines[len(c.caption.lines)-1]].trim
	if leadsOn(last) || w.noteLike(s) {
		return true
	}
	if endsSentence(last) {
		return false
	}
	for i := s.first; i <= s.last; i++ {
		if w.lines[i].width*5 >= w.median*3 {
			return false
		}
	}
	first := w.lines[s.first].trim
	return s.first < s.last || startsLower(first) || strings.HasPrefix(first, "(")
}

// leadsOn reports whether a line breaks off where the text must go on: a
// hyphen, a comma, a possessive or a word that cannot end a phrase.
func leadsOn(s string) bool {
	s = strings.TrimRight(s, " ")
	if strings.HasSuffix(s, "-") || strings.HasSuffix(s, ",") || strings.HasSuffix(s, "’s") || strings.HasSuffix(s, "'s") {
		return true
	}
	i := strings.LastIndexByte(s, ' ')
	switch strings.ToLower(s[i+1:]) {
	case "that", "because", "namely", "of", "the", "and", "to", "a", "an", "in", "on", "for", "with", "by", "as", "or", "but", "from", "at", "who", "which", "whose", "whom":
		return true
	}
	return false
}

// pageTop is called for a segment of the text proper (body, heading,
// caption): after notes, or opening a chunk, it starts a new page.
func (c *wclassifier) pageTop(s wseg) {
	if c.pageEnd || c.w.lines[s.first].chunk {
		c.w.breakAt(s.first)
	}
	c.pageEnd = false
}

// lastText is the text of p's last line.
func (c *wclassifier) lastText(p *wpara) string { return c.w.lines[p.lines[len(p.lines)-1]].text() }

// numberedHeading reports whether a segment is a numbered section heading:
// "2.1 Soviet-Japanese Rapprochement", at most two lines ("1.2 …End of the⏎
// Anglo-Japanese Alliance, 1917–1922"), none wider than the text or ending
// a sentence.
func (c *wclassifier) numberedHeading(s wseg) bool {
	w := c.w
	first := &w.lines[s.first]
	if s.last > s.first+1 || first.trim == "" || first.trim[0] < '0' || first.trim[0] > '9' || containsInt(c.o.NotHeading, s.first+1) {
		return false
	}
	if !numberedHeading.MatchString(first.trim) {
		return false
	}
	for i := s.first; i <= s.last; i++ {
		if w.lines[i].width > w.median || strings.HasSuffix(w.lines[i].trim, ".") {
			return false
		}
	}
	return true
}

// body handles a segment of the text proper.
func (c *wclassifier) body(s wseg) {
	w := c.w
	first := &w.lines[s.first]
	gap := gapNone
	switch {
	case c.noise || first.chunk:
		gap = gapPage
	case s.blank, c.cur == nil && c.prev == nil:
		gap = gapBlank // the start of the text is a boundary too
	}
	c.pageTop(s)
	c.ctx, c.noise = ctxBody, false
	if label, rest, ok := displacedMarker(first.trim); ok && c.cur != nil && c.validNote(label) {
		// The blank line before a displaced marker is spurious; a short
		// line that ends a sentence there ends its paragraph.
		first.fixed = repairDisplaced(label, rest)
		c.cur.lines = append(c.cur.lines, s.first)
		if first.width*10 < w.median*9 && endsSentence(first.fixed) {
			c.close()
		}
		c.addLines(s.first+1, s.last, gapNone)
		return
	}
	if c.numberedHeading(s) || containsInt(c.o.Heading, s.first+1) || c.unnumberedHeading(s, gap) {
		c.heading(s)
		return
	}
	if timelineStart(first.trim) {
		c.close()
		c.open(s.first)
		c.cur.kind, c.cur.timeline = KindCaption, true
		c.addLines(s.first, s.last, gapNone)
		return
	}
	c.addLines(s.first, s.last, gap)
}

// addLines adds body lines to the open paragraph, or opens a new one where
// the gap before a line ends the paragraph.
func (c *wclassifier) addLines(first, last int, gap gapKind) {
	for i := first; i <= last; i++ {
		if c.cur == nil || len(c.cur.lines) > 0 && !c.continues(gap, i, last) {
			c.close()
			c.open(i)
		}
		c.cur.lines = append(c.cur.lines, i)
		gap = gapNone
		if containsInt(c.o.ParaBreakAfter, i+1) {
			c.cur.flags = append(c.cur.flags, FlagOverride)
			c.close()
		}
	}
}

// open opens a body paragraph at line i (a block quote where the manifest
// says so).
func (c *wclassifier) open(i int) {
	c.cur = &wpara{kind: KindBody, division: c.division, section: c.sections.cur}
	c.divHead = false
	if inRanges(c.o.BlockQuotes, i+1) {
		c.cur.kind = KindBlockQuote
		c.cur.flags = append(c.cur.flags, FlagOverride)
	}
}

// close ends the open paragraph. A paragraph set narrower than the text
// after a lead-in (a paragraph ending with a colon, or breaking off short)
// or after a block quote (a quotation of several paragraphs) is a block
// quote.
func (c *wclassifier) close() {
	p := c.cur
	if p == nil {
		return
	}
	c.cur = nil
	if p.kind == KindBody && c.prev != nil && c.isQuote(p) {
		p.kind = KindBlockQuote
	}
	c.w.paras = append(c.w.paras, p)
	c.prev = p
}

// isQuote decides whether a closed paragraph is a block quote (see close).
func (c *wclassifier) isQuote(p *wpara) bool {
	w := c.w
	if len(p.lines) < 2 || c.prev.timeline {
		return false
	}
	lead := c.lastText(c.prev)
	leadIn := c.prev.kind == KindBlockQuote || strings.HasSuffix(strings.TrimRight(lead, "0123456789"), ":") ||
		!endsSentence(lead) && utf8.RuneCountInString(lead)*10 < w.median*9
	x := w.widthOf(p.lines)
	if len(p.lines) < 3 {
		// one full line measures the paragraph: it must be clearly narrow
		return leadIn && x*100 <= w.median*93
	}
	return leadIn && w.narrow(x)
}

// narrow reports whether a run set at width x (-1: unknown) is set
// narrower than the text, as an indented block quote is.
func (w *wrapped) narrow(x int) bool { return x >= 0 && x*100 <= w.median*96 }

// continues decides whether body line i (of a segment that ends at line
// last) goes on with the open paragraph, from the gap before it and the line
// that ends the paragraph so far.
func (c *wclassifier) continues(gap gapKind, i, last int) bool {
	w := c.w
	pi := c.cur.lines[len(c.cur.lines)-1]
	if containsInt(c.o.NoParaBreakAfter, pi+1) {
		c.cur.flags = append(c.cur.flags, FlagOverride)
		return true
	}
	p := w.lines[pi].text()
	if c.cur.timeline {
		return !strings.HasSuffix(p, ".")
	}
	n := w.lines[i].trim
	if gloss(n) || gloss(p) {
		return true
	}
	switch gap {
	case gapBlank:
		if endsSentence(p) {
			return false
		}
		// A blank line inside a sentence is spurious where the sentence
		// plainly goes on: a broken word, a word that leads on, a
		// lower-case continuation, an open quotation, or a full line
		// before it; but a lead-in stays apart from its block quote.
		if c.quoteEdge(p, i, last) {
			return false
		}
		return strings.HasSuffix(p, "-") || leadsOn(p) && !strings.HasSuffix(p, ",") || startsLower(n) || c.unclosed() || !c.short(pi)
	case gapPage:
		// Across a page break a paragraph ends only where a line ends a
		// sentence and the next page opens with a capital, and either the
		// line is short, or the next one is indented, or a block quote
		// starts or ends there.
		return !(endsSentence(p) && startsCapital(n) && (c.short(pi) || w.indented(i, last) || c.quoteEdge(p, i, last)))
	}
	return true
}

// quoteEdge reports whether a block quote begins or ends between the open
// paragraph, whose last line is p, and the segment from line i to last: a
// lead-in (a colon, or a short line that leads on) before narrow lines, or
// narrow lines that end a sentence before full ones or with a note marker.
func (c *wclassifier) quoteEdge(p string, i, last int) bool {
	w := c.w
	next, cur := -1, -1
	if last-i >= 2 {
		next = w.widthOf(appendRange(nil, i, last))
	}
	if len(c.cur.lines) >= 3 {
		cur = w.widthOf(c.cur.lines)
	}
	if w.narrow(cur) && endsSentence(p) && strings.TrimRight(p, "0123456789") != p {
		return true // a block quote ends with the marker of its source
	}
	if next < 0 {
		return false
	}
	if w.narrow(next) && !w.narrow(cur) {
		return strings.HasSuffix(strings.TrimRight(p, "0123456789—"), ":") || leadsOn(p) && c.short(c.cur.lines[len(c.cur.lines)-1])
	}
	return w.narrow(cur) && !w.narrow(next) && endsSentence(p)
}

// widthOf is the width a run of lines is set at: the median of its lines
// but the last (which may be short), or the width of its only line.
func (w *wrapped) widthOf(lines []int) int {
	if len(lines) == 1 {
		return w.lines[lines[0]].width
	}
	ws := make([]int, 0, len(lines)-1)
	for _, i := range lines[:len(lines)-1] {
		ws = append(ws, w.lines[i].width)
	}
	return medianInt(ws)
}

// indented reports whether line i, followed by more lines of its segment up
// to line last, is a paragraph's first line: paragraphs are set with a
// first-line indent, so the first line holds a few characters fewer than
// the full lines after it.
func (w *wrapped) indented(i, last int) bool {
	var ws []int
	for j := i + 1; j < last && j <= i+6; j++ {
		ws = append(ws, w.lines[j].width)
	}
	return len(ws) >= 2 && w.lines[i].width+5 <= medianInt(ws)
}

// unclosed reports whether the open paragraph has opened a quotation or a
// bracket that it has not closed.
func (c *wclassifier) unclosed() bool {
	quotes, brackets := 0, 0
	for _, i := range c.cur.lines {
		t := c.w.lines[i].trim
		quotes += strings.Count(t, "“") - strings.Count(t, "”")
		brackets += strings.Count(t, "(") - strings.Count(t, ")") + strings.Count(t, "[") - strings.Count(t, "]")
	}
	return quotes > 0 || brackets > 0
}

// gloss reports whether a line holds nothing but CJK characters: a gloss
// the extraction moved out of its brackets ("Ōsumi Mineo ( , 1876–1941)"⏎⏎
// "大角岑生"), which stays in the paragraph it was cut from.
func gloss(s string) bool {
	for _, r := range s {
		if printWidth(string(r)) != 2 && !unicode.IsSpace(r) && r != '・' {
			return false
		}
	}
	return s != ""
}

// short reports whether line i is short for the open paragraph: narrower
// than nine tenths of its other lines (or of the text, for a paragraph of
// one or two lines), as the last line of a paragraph usually is.
func (c *wclassifier) short(i int) bool {
	w := c.w
	ref := w.median
	if n := len(c.cur.lines); n >= 3 {
		ws := make([]int, 0, n-1)
		for _, j := range c.cur.lines {
			if j != i {
				ws = append(ws, w.lines[j].width)
			}
		}
		ref = medianInt(ws)
	}
	return w.lines[i].width*10 < ref*9
}

// startsLower reports whether s opens with a lower-case letter.
func startsLower(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsLower(r)
}

// startsCapital reports whether s opens as a sentence can: a capital, a
// digit, an opening quote or bracket.
func startsCapital(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsUpper(r) || unicode.IsDigit(r) || strings.ContainsRune("“‘\"'([", r)
}

// unnumberedHeading recognises a sub-heading ("Bolshevik diplomacy"): one
// short capitalised line without terminal punctuation, with a blank line
// after it and a capitalised line after that, where the text before it
// ended a sentence. At the head of a division it is the division's title.
func (c *wclassifier) unnumberedHeading(s wseg, gap gapKind) bool {
	w := c.w
	l := &w.lines[s.first]
	if s.first != s.last || gap == gapNone || containsInt(c.o.NotHeading, s.first+1) || l.width*10 > w.median*9 || !looksLikeHeading(strings.TrimLeft(l.trim, "“‘\"'")) || leadsOn(l.trim) {
		return false
	}
	if s.last+1 < len(w.lines) && w.lines[s.last+1].kind == wlText {
		return false
	}
	if c.cur != nil && !endsSentence(c.lastText(c.cur)) && !c.divHead {
		return false
	}
	for j := s.last + 1; j < len(w.lines); j++ {
		if w.lines[j].kind == wlText {
			return startsCapital(w.lines[j].trim)
		}
	}
	return false
}

// heading emits a heading record; numbered and unnumbered headings become
// the section of what follows, a division's title does not.
func (c *wclassifier) heading(s wseg) {
	c.close()
	h := &wpara{kind: KindHeading, division: c.division, lines: s.lines()}
	if containsInt(c.o.Heading, s.first+1) {
		h.flags = append(h.flags, FlagOverride)
	}
	if !c.divHead {
		var parts []string
		for i := s.first; i <= s.last; i++ {
			parts = append(parts, c.w.lines[i].trim)
		}
		c.sections.set(strings.Join(strings.Fields(strings.Join(parts, " ")), " "))
	}
	h.section = c.sections.cur
	c.w.paras = append(c.w.paras, h)
	c.prev = nil
}

// breakAt records that a new page begins at line i. Two page breaks a few
// lines apart are one (a caption at the top of a page, then its text).
func (w *wrapped) breakAt(i int) {
	if n := len(w.breaks); n > 0 && i-w.breaks[n-1] < 5 {
		return
	}
	w.breaks = append(w.breaks, i)
}
