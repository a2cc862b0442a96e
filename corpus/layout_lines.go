package corpus

import (
	"strings"
	"unicode"
)

func isBlank(s string) bool { return strings.TrimSpace(s) == "" }

func isUpperRune(r rune) bool { return unicode.IsUpper(r) }

// segmentParaPerLine segments texts with one paragraph per line (e-book and
// HTML extractions): every text line is a record. A short capitalised line
// without terminal punctuation is a heading; a line opening with a dash right
// after an early paragraph is an epigraph's attribution, and makes that
// paragraph an epigraph. The manifest marks block quotes, which such texts do
// not show.
func segmentParaPerLine(in *docInput) (segmentation, error) {
	var seg segmentation
	o := in.entry.Overrides
	sections := newSectionTracker(in.entry.Sections)
	var blocks []rawBlock
	for i, l := range in.lines {
		n := i + 1
		if ok, _ := in.textLine(n); !ok || isBlank(l) {
			continue
		}
		b := rawBlock{kind: KindBody, lines: []rawLine{{no: n, text: l}}, division: divisionAt(in.entry.Divisions, n), section: sections.at(n)}
		switch {
		case inRanges(o.Epigraph, n):
			b.kind = KindEpigraph
			b.flags = append(b.flags, FlagOverride)
			if k := len(blocks) - 1; k >= 0 && blocks[k].kind == KindEpigraph && inRanges(o.Epigraph, blocks[k].lines[len(blocks[k].lines)-1].no) {
				blocks[k].lines = append(blocks[k].lines, b.lines...)
				continue
			}
		case inRanges(o.BlockQuotes, n):
			b.kind = KindBlockQuote
			b.flags = append(b.flags, FlagOverride)
		case inRanges(o.Abstract, n):
			b.kind = KindAbstract
			b.flags = append(b.flags, FlagOverride)
		case containsInt(o.Heading, n):
			b.kind = KindHeading
			b.flags = append(b.flags, FlagOverride)
		case containsInt(o.NotHeading, n):
			b.flags = append(b.flags, FlagOverride)
		case looksLikeHeading(l):
			b.kind = KindHeading
		case strings.HasPrefix(strings.TrimSpace(l), "—") && len([]rune(l)) < 200 && len(blocks) > 0 && len(blocks) <= 3 && blocks[len(blocks)-1].kind == KindBody:
			// "—Stalin’s interview …": the attribution of an epigraph.
			prev := &blocks[len(blocks)-1]
			prev.kind = KindEpigraph
			prev.lines = append(prev.lines, b.lines...)
			continue
		}
		if b.kind == KindHeading {
			sections.set(strings.TrimSpace(l))
			if len(blocks) > 0 {
				b.section = ""
			}
		}
		blocks = append(blocks, b)
	}
	seg.blocks = blocks
	return seg, nil
}

// segmentListItems segments reference lists copied from a web page: one item
// per line, no blank lines. A line that opens with a note label ("12 See …")
// is a note; lines the manifest marks as notes get the label "*" when they
// have none. Anything else is body text (or an abstract, by the manifest).
func segmentListItems(in *docInput) (segmentation, error) {
	var seg segmentation
	o := in.entry.Overrides
	for i, l := range in.lines {
		n := i + 1
		if ok, _ := in.textLine(n); !ok || isBlank(l) {
			continue
		}
		b := rawBlock{kind: KindBody, lines: []rawLine{{no: n, text: l}}, division: divisionAt(in.entry.Divisions, n)}
		m := noteLabel.FindStringSubmatchIndex(l)
		switch {
		case inRanges(o.Abstract, n):
			b.kind = KindAbstract
		case m != nil && !inRanges(o.BlockQuotes, n):
			b.kind = KindNote
			b.label = l[m[2]:m[3]]
			b.lines[0].text = strings.TrimLeft(l[m[3]:], ". ")
		case inRanges(o.Notes, n):
			b.kind = KindNote
			b.label = "*"
		}
		seg.blocks = append(seg.blocks, b)
	}
	return seg, nil
}

func containsInt(xs []int, n int) bool {
	for _, x := range xs {
		if x == n {
			return true
		}
	}
	return false
}
