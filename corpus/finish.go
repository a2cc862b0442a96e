package corpus

import (
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// finishDocument turns a segmenter's raw blocks into citable records:
// join and repair the text, take the note markers out, split sentences,
// number, identify and cite every record, and link markers to notes.
func finishDocument(in *docInput, seg segmentation, v *vocab) *Document {
	meta := in.entry.Meta
	doc := &Document{Meta: meta, Source: in.file, Divisions: seg.divisions}
	divs := map[string]*Division{}
	for i := range doc.Divisions {
		divs[doc.Divisions[i].Key] = &doc.Divisions[i]
	}
	style := seg.markers
	if style == "" {
		style = in.entry.Layout.Markers
	}
	if style == "" {
		style = measureMarkers(in.lines)
	}
	perDivision := in.entry.Layout.NoteNumbering == "per_division" ||
		(in.entry.Layout.NoteNumbering == "" && len(doc.Divisions) > 1)
	opts := joinOptions{nRule: in.entry.Layout.RomanizationNHyphen}
	seq := &markerSeq{next: 1}
	curDiv := "\x00"
	paged := false
	for _, b := range seg.blocks {
		for _, l := range b.lines {
			if l.page > 0 {
				paged = true
			}
		}
	}
	strip := literalsPattern(in.entry.Layout.Strip)
	counters := map[string]int{}
	ids := map[string]int{}
	for _, b := range seg.blocks {
		if len(b.lines) == 0 {
			continue
		}
		p := Paragraph{Doc: meta.ID, Source: in.file, Kind: b.kind, Division: b.division, Section: b.section, NoteLabel: b.label}
		p.Flags = append(p.Flags, b.flags...)
		lines := make([]rawLine, len(b.lines))
		copy(lines, b.lines)
		for i := range lines {
			lines[i].text = stripLiterals(lines[i].text, strip)
			fixed, ok, uncertain := reattachMacrons(lines[i].text)
			lines[i].text = fixed
			if ok {
				p.addFlag(FlagRepairedMacron)
			}
			if uncertain {
				p.addFlag(FlagDiacriticsUncertain)
			}
		}
		text, starts, lead := joinLines(lines, v, opts)
		if b.division != curDiv {
			if perDivision || curDiv == "\x00" {
				seq.reset()
			}
			curDiv = b.division
		}
		switch {
		case b.markersDone:
			for _, r := range b.refs {
				off := starts[r.line] + r.offset - lead[r.line]
				off = min(max(off, 0), len(text))
				for off > 0 && off < len(text) && !utf8.RuneStart(text[off]) {
					off--
				}
				p.NoteRefs = append(p.NoteRefs, NoteRef{Offset: off, Label: r.label})
			}
		case b.kind == KindNote:
		case style == MarkersGlued:
			text, p.NoteRefs = extractGlued(text, seq)
		case style == MarkersSuperscript:
			text, p.NoteRefs = extractSuperscript(text)
		}
		if in.entry.Layout.LigaturesLost {
			var ins []insertion
			if text, ins = repairLigatures(text, v); ins != nil {
				shiftRefs(p.NoteRefs, ins)
				p.addFlag(FlagRepairedLigature)
			}
		}
		text, p.NoteRefs = trimText(text, p.NoteRefs)
		if text == "" {
			continue
		}
		p.Text = text
		p.Sentences = splitSentences(text)
		p.Lines = [2]int{b.lines[0].no, b.lines[0].no}
		p.Page = Pages{Exact: true}
		for _, l := range b.lines {
			p.Lines[0] = min(p.Lines[0], l.no)
			p.Lines[1] = max(p.Lines[1], l.no)
			if l.page == 0 {
				continue
			}
			if p.Page.Start == 0 || l.page < p.Page.Start {
				p.Page.Start = l.page
			}
			p.Page.End = max(p.Page.End, l.page)
			if !l.exact {
				p.Page.Exact = false
			}
		}
		if p.Page.Start == 0 {
			p.Page = Pages{}
		} else if p.Page.End == p.Page.Start {
			p.Page.End = 0
		}
		if in.entry.Layout.OCR {
			p.addFlag(FlagOCRSuspect)
		}
		p.ID, p.Number = recordID(meta.ID, &p, paged, counters)
		if n := ids[p.ID]; n > 0 {
			ids[p.ID] = n + 1
			p.ID += "-" + strconv.Itoa(n+1)
		} else {
			ids[p.ID] = 1
		}
		p.Citation = citation(meta, divs[p.Division], &p)
		doc.Paragraphs = append(doc.Paragraphs, p)
	}
	linkNotes(doc, perDivision)
	doc.Stats = docStats(doc)
	return doc
}

func (p *Paragraph) addFlag(f Flag) {
	if !p.HasFlag(f) {
		p.Flags = append(p.Flags, f)
	}
}

// recordID gives a record its stable ID and its number: prose is numbered
// per page (or per division when the text has no pages), headings and
// captions likewise in their own series, and notes by their label.
// "kuromiya2023:ch2:p117:3", "kuromiya2023:ch2:p117:h1", "dean1932:n51".
func recordID(doc string, p *Paragraph, paged bool, counters map[string]int) (string, int) {
	parts := []string{doc}
	if p.Division != "" {
		parts = append(parts, p.Division)
	}
	if p.Kind == KindNote {
		label := p.NoteLabel
		if label == "*" || label == "" {
			label = "0"
		}
		return strings.Join(append(parts, "n"+label), ":"), 0
	}
	if paged && p.Page.Start > 0 {
		parts = append(parts, "p"+strconv.Itoa(p.Page.Start))
	}
	prefix := ""
	switch p.Kind {
	case KindHeading:
		prefix = "h"
	case KindCaption:
		prefix = "fig"
	}
	key := strings.Join(parts, ":") + ":" + prefix
	counters[key]++
	n := counters[key]
	return key + strconv.Itoa(n), n
}

// linkNotes resolves every marker to its note by (division, label) — or by
// label alone when numbering runs through the document — and flags what
// stays unresolved on both sides.
func linkNotes(doc *Document, perDivision bool) {
	key := func(div, label string) string {
		if !perDivision {
			div = ""
		}
		return div + "\x00" + label
	}
	notes := map[string]int{}
	for i := range doc.Paragraphs {
		p := &doc.Paragraphs[i]
		if p.Kind == KindNote {
			k := key(p.Division, p.NoteLabel)
			if _, dup := notes[k]; !dup {
				notes[k] = i
			}
		}
	}
	anchored := map[int]bool{}
	for i := range doc.Paragraphs {
		p := &doc.Paragraphs[i]
		for j := range p.NoteRefs {
			r := &p.NoteRefs[j]
			if ni, ok := notes[key(p.Division, r.Label)]; ok {
				r.NoteID = doc.Paragraphs[ni].ID
				anchored[ni] = true
			} else {
				p.addFlag(FlagNoteTextMissing)
			}
		}
	}
	for _, ni := range notes {
		if !anchored[ni] {
			doc.Paragraphs[ni].addFlag(FlagNoAnchor)
		}
	}
}

func docStats(doc *Document) DocStats {
	s := DocStats{ByKind: map[Kind]int{}, Flags: map[Flag]int{}}
	sections := map[string]bool{}
	for i := range doc.Paragraphs {
		p := &doc.Paragraphs[i]
		s.Records++
		s.ByKind[p.Kind]++
		if p.Page.Start > 0 {
			if s.Pages[0] == 0 || p.Page.Start < s.Pages[0] {
				s.Pages[0] = p.Page.Start
			}
			s.Pages[1] = max(s.Pages[1], p.Page.Start, p.Page.End)
			if p.Page.Exact {
				s.PagesExact++
			}
		}
		for _, r := range p.NoteRefs {
			s.Refs++
			if r.NoteID == "" {
				s.UnresolvedRefs++
			}
		}
		for _, f := range p.Flags {
			s.Flags[f]++
		}
		if p.Section != "" {
			sections[p.Division+"\x00"+p.Section] = true
		}
	}
	s.Sections = len(sections)
	return s
}

// stripLiterals removes the manifest's literal strings (link labels glued
// into reference lists: "pp. 99–113;Google ScholarLensen") and keeps the
// words around them one space apart.
func stripLiterals(s string, re *regexp.Regexp) string {
	if re == nil || !re.MatchString(s) {
		return s
	}
	var b strings.Builder
	last := 0
	for _, m := range re.FindAllStringIndex(s, -1) {
		b.WriteString(s[last:m[0]])
		before, _ := utf8.DecodeLastRuneInString(s[:m[0]])
		after, _ := utf8.DecodeRuneInString(s[m[1]:])
		switch {
		case m[0] == 0 || m[1] == len(s):
		case unicode.IsSpace(before) && unicode.IsSpace(after):
			m[1]++ // one of the two spaces goes with the label
		case !unicode.IsSpace(before) && (unicode.IsLetter(after) || unicode.IsDigit(after)):
			b.WriteByte(' ')
		}
		last = m[1]
	}
	b.WriteString(s[last:])
	return b.String()
}

// literalsPattern matches runs of the given literals.
func literalsPattern(lits []string) *regexp.Regexp {
	if len(lits) == 0 {
		return nil
	}
	q := make([]string, len(lits))
	for i, l := range lits {
		q[i] = regexp.QuoteMeta(l)
	}
	return regexp.MustCompile("(?:" + strings.Join(q, "|") + ")+")
}

// detachedMacron is a combining mark that the extraction separated from its
// vowel and put after a space: "Zenm ̄o" for "Zenmō".
var detachedMacron = regexp.MustCompile(`(\pL) ([\x{0300}-\x{036F}])([aeiouAEIOU])`)

// reattachMacrons puts a detached combining mark back on the vowel that
// follows it when the word around it is unbroken; marks that cannot be
// placed are reported as uncertain and left as they are.
func reattachMacrons(s string) (out string, repaired, uncertain bool) {
	if !strings.ContainsFunc(s, func(r rune) bool { return r >= 0x300 && r <= 0x36F }) {
		return s, false, false
	}
	out = detachedMacron.ReplaceAllStringFunc(s, func(m string) string {
		sub := detachedMacron.FindStringSubmatch(m)
		if strings.Count(sub[0], " ") != 1 {
			return m
		}
		repaired = true
		return sub[1] + norm.NFC.String(sub[3]+sub[2])
	})
	for i, r := range out {
		if r >= 0x300 && r <= 0x36F {
			prev, _ := utf8.DecodeLastRuneInString(out[:i])
			if prev == ' ' || unicode.Is(unicode.Mn, prev) || i == 0 {
				uncertain = true
			}
		}
	}
	return out, repaired, uncertain
}

// trimText trims spaces at both ends and keeps the references pointing at
// the same characters.
func trimText(text string, refs []NoteRef) (string, []NoteRef) {
	lead := len(text) - len(strings.TrimLeft(text, " "))
	text = strings.TrimSpace(text)
	for i := range refs {
		refs[i].Offset = min(max(refs[i].Offset-lead, 0), len(text))
	}
	return text, refs
}
