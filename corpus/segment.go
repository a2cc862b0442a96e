package corpus

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

// Profile is the layout of an extracted text, which decides how its lines
// become paragraphs.
type Profile string

// Layout profiles.
const (
	// ProfileParaPerLine: one paragraph per line, blank lines between (HTML
	// and e-book extractions).
	ProfileParaPerLine Profile = "para_per_line"
	// ProfileListItems: one item per line and no blank lines (reference lists
	// copied from a web page).
	ProfileListItems Profile = "list_items"
	// ProfileHardWrapped: a PDF text extraction wrapped at the printed line,
	// footnotes between the pages' lines.
	ProfileHardWrapped Profile = "hard_wrapped"
	// ProfileDoubleSpaced: hard-wrapped with two blank lines after every
	// line (page-viewer scrapes); single-spaced runs are quotes and notes.
	ProfileDoubleSpaced Profile = "double_spaced"
	// ProfileOCRColumns: OCR of a two-column page, column by column, with
	// notes at the foot of each column.
	ProfileOCRColumns Profile = "ocr_columns"
)

// Note-marker styles.
const (
	MarkersGlued       = "glued"       // digits glued to the word or punctuation they follow: "each.120 In"
	MarkersSuperscript = "superscript" // Unicode superscript digits: "Japan.³²Indeed"
	MarkersOCR         = "ocr"         // OCR tokens separated by spaces, often misread: "fluence, 1 and"
	MarkersNone        = "none"
)

// docInput is one source text on its way through the pipeline.
type docInput struct {
	file  string
	lines []string // NFC, line i+1 of the source at index i, without the newline
	entry DocManifest
	drop  []*regexp.Regexp
}

// skipped reports whether line n (1-based) is outside the text proper, by the
// manifest's skip ranges.
func (in *docInput) skipped(n int) bool { return inRanges(in.entry.Layout.Skip, n) }

// dropped reports whether line n matches one of the manifest's drop patterns
// (chrome, ornaments, running heads); page is the folio the pattern's "page"
// group captured, or 0.
func (in *docInput) dropped(n int) (drop bool, page int) {
	line := in.lines[n-1]
	for _, re := range in.drop {
		m := re.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		if i := re.SubexpIndex("page"); i > 0 && m[i] != "" {
			page = atoiDefault(m[i], 0)
		}
		return true, page
	}
	return false, 0
}

// rawLine is a source line, or the part of one, that belongs to a block.
type rawLine struct {
	no   int    // 1-based source line
	text string // without the trailing newline; trailing spaces are kept and trimmed when joining
	page int    // page the line is printed on; 0 when unknown
	// exact is true when page is anchored (a folio, running head or the
	// manifest), false when estimated.
	exact bool
}

// rawBlock is what a layout segmenter hands to the finishing stage: the lines
// of one record in reading order, with furniture, notes and captions that
// interrupted it already removed, and what the segmenter learned about where
// it sits. Joining, de-hyphenation, marker extraction and all other repairs
// happen in finish.go.
type rawBlock struct {
	kind     Kind
	lines    []rawLine
	division string // Division.Key
	section  string
	label    string // note label for notes
	flags    []Flag
	// markersDone says the segmenter already removed the note markers from
	// the lines and put them in refs (line index, byte offset in that line's
	// text, label).
	markersDone bool
	refs        []lineRef
}

// lineRef is a note marker found by a segmenter, positioned in a block's
// lines before they are joined.
type lineRef struct {
	line   int // index into rawBlock.lines
	offset int // byte offset into that line's text
	label  string
}

// segmentation is a segmenter's output for one document.
type segmentation struct {
	blocks    []rawBlock
	divisions []Division
	// markers overrides the document's note-marker style (for example when
	// a segmenter extracts OCR markers itself).
	markers string
}

// segmenter turns one document's lines into raw blocks.
type segmenter func(in *docInput) (segmentation, error)

func segmenterFor(p Profile) segmenter {
	switch p {
	case ProfileParaPerLine:
		return segmentParaPerLine
	case ProfileListItems:
		return segmentListItems
	case ProfileDoubleSpaced:
		return segmentDoubleSpaced
	case ProfileOCRColumns:
		return segmentOCRColumns
	default:
		return segmentHardWrapped
	}
}

// measureProfile chooses a layout profile from the shape of the text (H1 of
// corpus-notes.md): share of very long lines, blank-line rhythm, line width
// and OCR hyphens.
func measureProfile(lines []string) Profile {
	var long, blankAfter, doubleBlankAfter, narrow, notSign int
	var lengths []int
	for i, l := range lines {
		t := strings.TrimSpace(l)
		if t == "" {
			continue
		}
		n := utf8.RuneCountInString(t)
		lengths = append(lengths, n)
		if n > 300 {
			long++
		}
		if n < 55 {
			narrow++
		}
		if strings.HasSuffix(t, "¬") {
			notSign++
		}
		if i+1 < len(lines) && strings.TrimSpace(lines[i+1]) == "" {
			blankAfter++
			if i+2 < len(lines) && strings.TrimSpace(lines[i+2]) == "" {
				doubleBlankAfter++
			}
		}
	}
	text := len(lengths)
	if text == 0 {
		return ProfileParaPerLine
	}
	switch {
	case long*10 >= text*5 && blankAfter*10 >= text*7:
		return ProfileParaPerLine
	case long*10 >= text*5 || blankAfter*10 < text && medianInt(lengths) > 100:
		// Long lines and no blank lines between them: items of a list.
		return ProfileListItems
	case doubleBlankAfter*10 >= text*5:
		return ProfileDoubleSpaced
	case text >= 100 && (narrow*10 >= text*6 || narrow*10 >= text*5 && notSign*100 >= text):
		// Narrow lines throughout (columns), the more surely with OCR "¬".
		return ProfileOCRColumns
	}
	return ProfileHardWrapped
}

func atoiDefault(s string, def int) int {
	n := 0
	if s == "" {
		return def
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return def
		}
		n = n*10 + int(r-'0')
		if n > 1e9 {
			return def
		}
	}
	return n
}
