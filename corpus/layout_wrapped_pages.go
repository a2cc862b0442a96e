package corpus

import (
	"sort"
	"strings"
)

// wanchor ties a line to the page it is printed on.
type wanchor struct {
	line, page int
	rank       int // how far the anchor is trusted: a running head most
}

// Anchor ranks, most trusted first.
const (
	rankHead = iota
	rankDivision
	rankList // the contents or the list of figures
)

// assignPages gives every line its page. The page breaks the classifier
// counted cut the text into page spans; the anchors (running heads, folios,
// the manifest's division pages, and the pages the front matter's lists give
// for numbered sections and figures) fix the page of some spans, and the
// spans between two anchors share out the pages between them. A line in an
// anchored span has an exact page; the others are estimates, usually right
// to within one page.
func (w *wrapped) assignPages() {
	w.collectAnchors()
	span := func(i int) int { return sort.SearchInts(w.breaks, i+1) }
	type fix struct{ span, page, rank int }
	var fixes []fix
	for _, a := range w.anchors {
		fixes = append(fixes, fix{span(a.line), a.page, a.rank})
	}
	sort.SliceStable(fixes, func(i, j int) bool { return fixes[i].span < fixes[j].span })
	// Keep the anchors in agreement: one page per span, pages rising with
	// the spans; of two that disagree the more trusted one stays.
	var kept []fix
	for _, f := range fixes {
		for len(kept) > 0 {
			k := kept[len(kept)-1]
			if k.span < f.span && k.page < f.page || k.span == f.span && k.page == f.page {
				break
			}
			if k.rank <= f.rank {
				f.page = 0
				break
			}
			kept = kept[:len(kept)-1]
		}
		if f.page > 0 && (len(kept) == 0 || kept[len(kept)-1].span != f.span) {
			kept = append(kept, f)
		}
	}
	if len(kept) == 0 {
		return
	}
	k := 0
	for i := range w.lines {
		s := span(i)
		for k+1 < len(kept) && kept[k+1].span <= s {
			k++
		}
		l := &w.lines[i]
		a := kept[k]
		switch {
		case a.span == s:
			l.page, l.exact = a.page, true
		case s < a.span:
			l.page = a.page - (a.span - s)
		case k+1 < len(kept):
			b := kept[k+1]
			l.page = a.page + (s-a.span)*(b.page-a.page)/(b.span-a.span)
		default:
			l.page = a.page + (s - a.span)
		}
		if l.page < 1 {
			l.page, l.exact = 0, false
		}
	}
}

// collectAnchors gathers the page anchors.
func (w *wrapped) collectAnchors() {
	for i := range w.lines {
		if l := &w.lines[i]; l.kind == wlFurniture && l.folio > 0 {
			w.anchors = append(w.anchors, wanchor{i, l.folio, rankHead})
		}
	}
	for _, d := range w.in.entry.Divisions {
		if d.Page <= 0 {
			continue
		}
		for i := max(d.Line-1, 0); i < len(w.lines); i++ {
			if w.lines[i].kind == wlText {
				w.anchors = append(w.anchors, wanchor{i, d.Page, rankDivision})
				break
			}
		}
	}
	sections, figures := w.frontMatterLists()
	for _, p := range w.paras {
		if p.kind != KindHeading {
			continue
		}
		if m := numberedHeading.FindStringSubmatch(w.lines[p.lines[0]].trim); m != nil {
			if pg, ok := sections[m[1]]; ok {
				w.anchors = append(w.anchors, wanchor{p.lines[0], pg, rankList})
			}
		}
	}
	for _, p := range w.captions {
		if pg, ok := figures[captionNumber(w.lines[p.lines[0]].trim)]; ok {
			w.anchors = append(w.anchors, wanchor{p.lines[0], pg, rankList})
		}
	}
}

// captionNumber returns a caption's figure number: "2.6" for "Figure 2.6.
// A scene …".
func captionNumber(s string) string {
	f := strings.Fields(s)
	if len(f) < 2 {
		return ""
	}
	return strings.TrimSuffix(f[1], ".")
}

// frontMatterLists reads the page numbers of numbered sections from the
// table of contents and of figures from the list of figures, where the
// skipped front matter keeps them: an entry opens with its number and its
// page ends the line, mostly after dot leaders ("2.1 Soviet-Japanese
// Rapprochement . . . . 70"); long entries wrap, a roman folio may fall
// between their lines.
func (w *wrapped) frontMatterLists() (sections, figures map[string]int) {
	sections, figures = map[string]int{}, map[string]int{}
	var list map[string]int
	entry := ""
	for i, l := range w.in.lines {
		if w.lines[i].kind != wlSkip {
			continue
		}
		t := strings.TrimSpace(l)
		switch {
		case t == "Contents":
			list, entry = sections, ""
			continue
		case strings.HasPrefix(t, "List of ") && listOfFigures(t):
			list, entry = figures, ""
			continue
		case list == nil || t == "":
			continue
		}
		if f := strings.Fields(t); len(f) > 1 && listNumber(f[0]) {
			entry = f[0]
		}
		if entry == "" {
			continue
		}
		// the page follows the dot leaders, or (short entries) a space
		j := strings.LastIndexAny(t, " \t")
		last := t[j+1:]
		if pg := atoiDefault(last, 0); pg > 0 && (strings.HasSuffix(strings.TrimSpace(t[:j+1]), " .") || len(last) <= 3) {
			list[entry] = pg
			entry = ""
		}
	}
	return sections, figures
}

// listOfFigures reports whether a front-matter title opens a list of
// figures, maps or illustrations (and not a contents entry naming it).
func listOfFigures(t string) bool {
	last := t[strings.LastIndexByte(t, ' ')+1:]
	if strings.Trim(last, "ivxlc") == "" || atoiDefault(last, 0) > 0 {
		return false
	}
	for _, k := range []string{"Figures", "Illustrations", "Maps", "Plates"} {
		if strings.Contains(t, k) {
			return true
		}
	}
	return false
}

// listNumber reports whether s numbers a contents or figure entry: "12",
// "2.6", "C.1".
func listNumber(s string) bool {
	if s == "" || strings.HasSuffix(s, ".") {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c == '.' || i == 0 && c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return true
}
