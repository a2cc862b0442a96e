package corpus

import (
	"regexp"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// segmentOCRColumns segments the OCR of two-column periodical pages. The OCR
// reads page by page and column by column (column 1 body, column 1 notes,
// column 2 body, column 2 notes, then the next page's date, folio and
// running title) and keeps no font sizes, so the layout is read from what
// survives: runs of blank lines, line widths and repetition.
//
//  1. Chunks are the lines between runs of two or more blank lines; inside a
//     chunk a single blank line separates paragraphs or notes (blocks).
//  2. Furniture is a one-line chunk that is a bare number (the folio) or
//     whose text, digits masked, recurs at least three times (date, running
//     title). A run of it is a page break.
//  3. Notes are set in smaller type, so their lines are wider than the
//     body's: the notes of a chunk are the blocks at its foot from the first
//     labelled or wide one. A chunk of unlabelled wide lines continues the
//     last note of the column before.
//  4. Body blocks join across a column or page break unless the block before
//     ends with a short line that ends a sentence.
//  5. OCR turns note markers into loose tokens ("fluence, 1 and",
//     "Sakhalin.*", "Urga. 1 ’"): they are aligned with the notes' labels,
//     taken out of the text and kept as references.
func segmentOCRColumns(in *docInput) (segmentation, error) {
	chunks := columnsChunks(in)
	columnsMarkFurniture(in, chunks)
	pageOf := columnsPages(in, chunks)
	var widths []int
	for _, c := range chunks {
		if c.furniture {
			continue
		}
		for _, b := range c.blocks {
			for _, n := range b {
				widths = append(widths, columnsWidth(in.lines[n-1]))
			}
		}
	}
	median := medianInt(widths)
	// Notes run a fifth or more wider than the body: 52–67 characters
	// against 36–49 in the Dean report, whose median line has 43.
	wide := median * 6 / 5

	o := in.entry.Overrides
	var paras []*rawBlock
	var noteBlocks [][]rawLine
	var cur *rawBlock
	// column numbers the chunks with body text; the notes that follow
	// belong to the last of them.
	column := make([]int, len(in.lines)+1)
	col := 0
	for _, c := range chunks {
		if c.furniture {
			continue
		}
		split := columnsNotesStart(in, c.blocks, wide)
		if split > 0 {
			col++
		}
		for bi, b := range c.blocks {
			for _, n := range b {
				column[n] = col
			}
			lines := make([]rawLine, len(b))
			for i, n := range b {
				p := pageOf(n)
				lines[i] = rawLine{no: n, text: columnsTrimJunk(in.lines[n-1]), page: p, exact: p > 0}
			}
			if bi >= split {
				noteBlocks = append(noteBlocks, lines)
				continue
			}
			join := false
			if cur != nil {
				last := cur.lines[len(cur.lines)-1]
				switch {
				case slices.Contains(o.ParaBreakAfter, last.no):
					cur.flags = append(cur.flags, FlagOverride)
				case slices.Contains(o.NoParaBreakAfter, last.no):
					cur.flags = append(cur.flags, FlagOverride)
					join = true
				case bi == 0:
					// A column or page break, notes or furniture came
					// between: the paragraph goes on unless its last line
					// looks like the last line of a paragraph.
					join = !columnsParaEnds(last.text, lines[0].text, median)
				}
			}
			if !join {
				cur = &rawBlock{kind: KindBody, markersDone: true}
				if len(paras) == 0 && in.entry.Layout.FragmentStart {
					cur.flags = append(cur.flags, FlagFragmentStart)
				}
				paras = append(paras, cur)
			}
			cur.lines = append(cur.lines, lines...)
		}
	}
	notes := columnsNotes(noteBlocks)
	for i := range notes {
		notes[i].column = column[notes[i].lines[0].no]
	}
	if len(paras) > 0 {
		first := &paras[0].lines[0]
		first.text = columnsDropCap(first.text, columnsAttested(in, first.no))
	}
	columnsExtractMarkers(paras, notes, func(n int) int { return column[n] })

	seg := segmentation{markers: MarkersOCR}
	for _, p := range paras {
		seg.blocks = append(seg.blocks, *p)
	}
	for _, n := range notes {
		b := rawBlock{kind: KindNote, lines: n.lines, label: n.label}
		if columnsBreaksOff(n.lines[len(n.lines)-1].text) {
			b.flags = append(b.flags, FlagNoteTruncated)
		}
		seg.blocks = append(seg.blocks, b)
	}
	// Reading order: a paragraph comes where it starts, before the notes at
	// the foot of its column even when it goes on after them.
	slices.SortStableFunc(seg.blocks, func(a, b rawBlock) int { return a.lines[0].no - b.lines[0].no })
	sections := newSectionTracker(in.entry.Sections)
	for i := range seg.blocks {
		b := &seg.blocks[i]
		first := b.lines[0].no
		b.division, b.section = divisionAt(in.entry.Divisions, first), sections.at(first)
	}
	return seg, nil
}

// columnsBreaksOff reports a note whose last line stops mid-phrase, on a
// word or a hyphen: the OCR lost the rest ("…; New York Times, November").
func columnsBreaksOff(s string) bool {
	r, _ := utf8.DecodeLastRuneInString(strings.TrimSpace(s))
	return unicode.IsLetter(r) || r == '-' || r == '¬'
}

// columnsChunk is a run of text lines between two or more blank lines; its
// blocks are the runs between single blank lines, as 1-based line numbers.
// A line the manifest drops becomes a furniture chunk of its own, with no
// blocks and the folio its pattern captured.
type columnsChunk struct {
	blocks    [][]int
	line      int // first source line
	furniture bool
	folio     int
}

// columnsChunks splits the text into chunks and blocks. A line the manifest
// skips (cover, masthead) ends a chunk. Debris, a one-line block with no two
// letters in a row and no digit (the stray "f" of a speck on the scan), is
// left out.
func columnsChunks(in *docInput) []columnsChunk {
	var chunks []columnsChunk
	var cur columnsChunk
	var block []int
	endBlock := func() {
		if len(block) == 1 && columnsDebris(in.lines[block[0]-1]) {
			block = nil
		}
		if len(block) > 0 {
			if len(cur.blocks) == 0 {
				cur.line = block[0]
			}
			cur.blocks = append(cur.blocks, block)
			block = nil
		}
	}
	endChunk := func() {
		endBlock()
		if len(cur.blocks) > 0 {
			chunks = append(chunks, cur)
		}
		cur = columnsChunk{}
	}
	blanks := 0
	for i, l := range in.lines {
		n := i + 1
		if ok, page := in.textLine(n); !ok {
			endChunk()
			if drop, _ := in.dropped(n); drop {
				chunks = append(chunks, columnsChunk{line: n, furniture: true, folio: page})
			}
			blanks = 0
			continue
		}
		if isBlank(l) {
			blanks++
			if blanks == 1 {
				endBlock()
			} else {
				endChunk()
			}
			continue
		}
		blanks = 0
		block = append(block, n)
	}
	endChunk()
	return chunks
}

// columnsDebris reports a line that cannot be text: no two letters in a row
// and no digit.
func columnsDebris(s string) bool {
	run := 0
	for _, r := range s {
		switch {
		case unicode.IsDigit(r):
			return false
		case unicode.IsLetter(r):
			if run++; run >= 2 {
				return false
			}
		default:
			run = 0
		}
	}
	return true
}

// columnsFolio is a line that is only a page number.
var columnsFolio = regexp.MustCompile(`^\s*(\d{1,4})\s*$`)

// columnsMarkFurniture marks the page furniture: one-line chunks that are a
// bare number (a folio), or whose text, digits masked, recurs in at least
// three one-line chunks ("August 17, 1932" and "August 17 , 1932", the
// running title). Body lines do not stand alone between blank-line runs,
// and those that happen to are not repeated word for word.
func columnsMarkFurniture(in *docInput, chunks []columnsChunk) {
	key := func(c *columnsChunk) string {
		if c.furniture || len(c.blocks) != 1 || len(c.blocks[0]) != 1 {
			return ""
		}
		return furnitureKey(in.lines[c.blocks[0][0]-1])
	}
	count := map[string]int{}
	for i := range chunks {
		if k := key(&chunks[i]); k != "" {
			count[k]++
		}
	}
	for i := range chunks {
		c := &chunks[i]
		k := key(c)
		if k == "" {
			continue
		}
		if m := columnsFolio.FindStringSubmatch(in.lines[c.blocks[0][0]-1]); m != nil {
			c.furniture, c.folio = true, atoiDefault(m[1], 0)
		}
		if count[k] >= 3 {
			c.furniture = true
		}
	}
}

// columnsPages returns the page of every source line. Each run of furniture
// chunks is a page break: its folio gives the page, a run without one (a
// verso whose folio the OCR lost) the page after the previous one, and the
// text before the first break the page before it (a first page printed
// without folio). The manifest's page_starts override the breaks; without
// folios its page is the first page. Pages are exact: every one is counted
// from a printed folio or given by the manifest.
func columnsPages(in *docInput, chunks []columnsChunk) func(n int) int {
	type anchor struct{ line, page int }
	var breaks []anchor // page 0: not printed
	for i, c := range chunks {
		if !c.furniture {
			continue
		}
		if i > 0 && chunks[i-1].furniture {
			b := &breaks[len(breaks)-1]
			if b.page == 0 {
				b.page = c.folio
			}
			continue
		}
		breaks = append(breaks, anchor{c.line, c.folio})
	}
	first := 0 // page of the first break
	for i, b := range breaks {
		if b.page > 0 {
			first = b.page - i
			break
		}
	}
	start := in.entry.Layout.Page
	if first > 0 {
		start = first - 1
	}
	var anchors []anchor
	if start > 0 {
		anchors = append(anchors, anchor{0, start})
		page := start
		for _, b := range breaks {
			if b.page <= page {
				b.page = page + 1 // a folio out of sequence is an OCR misreading
			}
			page = b.page
			anchors = append(anchors, b)
		}
	}
	for page, line := range in.entry.Layout.PageStarts {
		anchors = append(anchors, anchor{line, page})
	}
	// The manifest's anchor wins over a break at the same line.
	sort.SliceStable(anchors, func(i, j int) bool { return anchors[i].line < anchors[j].line })
	return func(n int) int {
		i := sort.Search(len(anchors), func(i int) bool { return anchors[i].line > n })
		if i == 0 {
			return 0
		}
		return anchors[i-1].page
	}
}

// columnsWidth is a line's width in characters, without the spaces around it.
func columnsWidth(s string) int { return utf8.RuneCountInString(strings.TrimSpace(s)) }

// columnsJunk holds characters that OCR makes of specks and that prose never
// ends a line with.
const columnsJunk = "„^~|\\_<>{}"

// columnsTrimJunk removes a trailing run of punctuation-only tokens that
// holds OCR junk: "Times , May 22, 1932. , „ .. ^" → "Times , May 22,
// 1932.". An ellipsis or a note marker at the end of a line stays.
func columnsTrimJunk(s string) string {
	end := len(strings.TrimRight(s, " \t"))
	cut, junk := end, false
	for cut > 0 {
		i := strings.LastIndexAny(s[:cut], " \t") + 1
		tok := s[i:cut]
		if strings.IndexFunc(tok, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) >= 0 {
			break
		}
		junk = junk || strings.ContainsAny(tok, columnsJunk)
		cut = len(strings.TrimRight(s[:i], " \t"))
	}
	if !junk {
		return s
	}
	return s[:cut]
}

// columnsParaEnds decides a column or page break: the paragraph before ends
// there when its last line is short, ends a sentence (a note marker may
// follow) and the next line opens with a capital.
func columnsParaEnds(last, next string, median int) bool {
	t := columnsStripMarkerTail(strings.TrimSpace(last))
	if columnsWidth(t)*10 >= median*9 {
		return false
	}
	t = strings.TrimRight(t, `"”’')]`)
	r, _ := utf8.DecodeLastRuneInString(t)
	if !strings.ContainsRune(".!?", r) {
		return false
	}
	for _, r := range strings.TrimSpace(next) {
		if strings.ContainsRune(`"“‘'(`, r) {
			continue
		}
		return unicode.IsUpper(r)
	}
	return false
}

// columnsMarkerTail is what an OCR'd marker leaves at the end of a line:
// digit tokens and symbol runs ("attack. 81", "Japan.” 7 *", "Sakhalin.*").
var columnsMarkerTail = regexp.MustCompile(`(?:\s+(?:\d{1,3}[a-z]?|[*™®§°†‡'’”“"]+)){0,2}[*™®§°†‡]*$`)

// columnsStripMarkerTail removes what a marker left at the end of a line.
func columnsStripMarkerTail(s string) string {
	return strings.TrimSpace(columnsMarkerTail.ReplaceAllString(s, ""))
}

// columnsDropCap joins a drop cap to the rest of its word: an OCR reads the
// large initial as a word of its own ("J APAN’S occupation" → "JAPAN’S
// occupation"), recognisable because the opening word is set in capitals.
// It joins only when the document attests the joined word and not the
// fragment, so that "A NEW" or "I SAID" stay apart.
func columnsDropCap(s string, attested func(word string) bool) string {
	m := columnsDropCapRe.FindStringSubmatchIndex(s)
	if m == nil {
		return s
	}
	initial, rest := s[m[2]:m[3]], s[m[4]:m[5]]
	if !attested(initial+rest) || attested(rest) {
		return s
	}
	return s[:m[3]] + s[m[4]:]
}

var columnsDropCapRe = regexp.MustCompile(`^\s*(\p{Lu}) (\p{Lu}[\p{Lu}’']*\p{Lu})\b`)

// columnsAttested reports whether a word occurs in the document as a whole
// word, in any case, outside line `except`.
func columnsAttested(in *docInput, except int) func(word string) bool {
	var text string
	return func(word string) bool {
		if text == "" {
			lines := slices.Clone(in.lines)
			lines[except-1] = ""
			text = strings.ToLower(strings.Join(lines, "\n"))
		}
		w := strings.ToLower(word)
		for i := 0; ; {
			j := strings.Index(text[i:], w)
			if j < 0 {
				return false
			}
			start, end := i+j, i+j+len(w)
			before, _ := utf8.DecodeLastRuneInString(text[:start])
			after, _ := utf8.DecodeRuneInString(text[end:])
			if !unicode.IsLetter(before) && !unicode.IsLetter(after) {
				return true
			}
			i = end
		}
	}
}
