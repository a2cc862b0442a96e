package corpus

import (
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"
)

// paraEnd matches a line that ends a sentence: terminal punctuation, then
// closing quotes or brackets, then an optional note marker (glued digits or
// superscripts).
var paraEnd = regexp.MustCompile(`[.!?:…]["”’)\]]*(?:\d{1,3}|[⁰¹²³⁴⁵⁶⁷⁸⁹]+)?\s*$`)

// segmentDoubleSpaced segments page-viewer scrapes in which every printed
// line is followed by two blank lines. Body text is double-spaced, so a run
// of single-spaced lines is something else: notes when it opens with a note
// label, a block quote otherwise. A paragraph ends at a short line that ends
// a sentence; "6.2 Title" lines are section headings. A running head dropped
// by the manifest gives the page.
func segmentDoubleSpaced(in *docInput) (segmentation, error) {
	var seg segmentation
	o := in.entry.Overrides
	sections := newSectionTracker(in.entry.Sections)
	page, exact := in.entry.Layout.Page, in.entry.Layout.Page > 0
	type item struct {
		no     int
		single bool // no blank line before or after it: part of a single-spaced run
	}
	var items []item
	var lengths []int
	for i, l := range in.lines {
		n := i + 1
		ok, pg := in.textLine(n)
		if pg > 0 {
			page, exact = pg, true
		}
		if !ok || isBlank(l) {
			continue
		}
		prevText := i > 0 && !isBlank(in.lines[i-1])
		nextText := i+1 < len(in.lines) && !isBlank(in.lines[i+1])
		items = append(items, item{no: n, single: prevText || nextText})
		lengths = append(lengths, utf8.RuneCountInString(strings.TrimSpace(l)))
	}
	median := medianInt(lengths)
	var cur *rawBlock
	flush := func() {
		if cur != nil && len(cur.lines) > 0 {
			seg.blocks = append(seg.blocks, *cur)
		}
		cur = nil
	}
	start := func(kind Kind, n int) {
		flush()
		cur = &rawBlock{kind: kind, division: divisionAt(in.entry.Divisions, n), section: sections.at(n)}
	}
	inNotes := false
	first := true
	for k, it := range items {
		l := in.lines[it.no-1]
		line := rawLine{no: it.no, text: l, page: page, exact: exact}
		switch {
		case it.single && !inRanges(o.BlockQuotes, it.no) && (inNotes || noteLabel.MatchString(l) && (cur == nil || cur.kind != KindBlockQuote)):
			inNotes = true
			if m := noteLabel.FindStringSubmatchIndex(l); m != nil && (cur == nil || cur.kind != KindNote || followsLabel(cur.label, l[m[2]:m[3]])) {
				start(KindNote, it.no)
				cur.label = l[m[2]:m[3]]
				line.text = strings.TrimLeft(l[m[3]:], ". ")
			}
			if cur == nil {
				start(KindNote, it.no)
			}
			cur.lines = append(cur.lines, line)
			continue
		case it.single || inRanges(o.BlockQuotes, it.no):
			if cur == nil || cur.kind != KindBlockQuote {
				start(KindBlockQuote, it.no)
			}
			cur.lines = append(cur.lines, line)
			if !it.single || k+1 < len(items) && !items[k+1].single {
				flush()
			}
			continue
		}
		if m := numberedHeading.FindStringSubmatch(l); m != nil && !containsInt(o.NotHeading, it.no) && len([]rune(l)) < median {
			sections.set(strings.TrimSpace(l))
			start(KindHeading, it.no)
			cur.lines = append(cur.lines, line)
			flush()
			continue
		}
		if cur == nil || cur.kind != KindBody {
			start(KindBody, it.no)
			if first && in.entry.Layout.FragmentStart {
				cur.flags = append(cur.flags, FlagFragmentStart)
			}
			first = false
		}
		cur.lines = append(cur.lines, line)
		n := utf8.RuneCountInString(strings.TrimSpace(l))
		short := n*10 < median*6
		if (short && paraEnd.MatchString(l) && !slices.Contains(o.NoParaBreakAfter, it.no)) || slices.Contains(o.ParaBreakAfter, it.no) {
			flush()
		}
	}
	flush()
	return seg, nil
}

func medianInt(xs []int) int {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[len(s)/2]
}
