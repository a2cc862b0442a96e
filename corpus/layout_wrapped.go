package corpus

// segmentHardWrapped segments a PDF text extraction wrapped at the printed
// line. Placeholder: paragraphs at blank lines.
func segmentHardWrapped(in *docInput) (segmentation, error) {
	return segmentOnBlanks(in, KindBody), nil
}

// segmentOnBlanks is the simplest segmentation: a paragraph ends at a blank
// line.
func segmentOnBlanks(in *docInput, kind Kind) segmentation {
	var seg segmentation
	var cur []rawLine
	flush := func() {
		if len(cur) > 0 {
			seg.blocks = append(seg.blocks, rawBlock{kind: kind, lines: cur, division: divisionAt(in.entry.Divisions, cur[0].no)})
			cur = nil
		}
	}
	for i, l := range in.lines {
		n := i + 1
		ok, _ := in.textLine(n)
		if !ok || isBlank(l) {
			flush()
			continue
		}
		cur = append(cur, rawLine{no: n, text: l})
	}
	flush()
	return seg
}
