package corpus

import (
	"fmt"
	"path"
	"regexp"
	"strings"
	"unicode"

	"go.yaml.in/yaml/v3"
)

// ManifestFile is the name of the manifest in a corpus directory.
const ManifestFile = "corpus.yaml"

// Manifest is the parsed corpus.yaml: per file a stable document ID,
// bibliographic metadata, layout hints and overrides for what the heuristics
// cannot decide.
type Manifest struct {
	// Aliases lists name variants across romanisations, for search only
	// (each entry: the variants of one name).
	Aliases   [][]string    `yaml:"aliases"`
	Documents []DocManifest `yaml:"documents"`
}

// DocManifest is one document's entry in the manifest.
type DocManifest struct {
	File      string        `yaml:"file"`
	Meta      DocMeta       `yaml:",inline"`
	Layout    LayoutHints   `yaml:"layout"`
	Divisions []Division    `yaml:"divisions"`
	Sections  []SectionHint `yaml:"sections"`
	Overrides Overrides     `yaml:"overrides"`
}

// DocMeta is a document's bibliographic entry.
type DocMeta struct {
	ID         string   `yaml:"id" json:"id"`
	Type       string   `yaml:"type" json:"type"` // book, chapter, article, report, excerpt
	Authors    []string `yaml:"authors" json:"authors,omitempty"`
	Title      string   `yaml:"title" json:"title"`
	ShortTitle string   `yaml:"short_title" json:"short_title,omitempty"`
	Container  string   `yaml:"container" json:"container,omitempty"` // the book of a chapter, the journal of an article
	Chapter    string   `yaml:"chapter" json:"chapter,omitempty"`     // chapter number of a book chapter
	Volume     string   `yaml:"volume" json:"volume,omitempty"`
	Issue      string   `yaml:"issue" json:"issue,omitempty"`
	Year       int      `yaml:"year" json:"year,omitempty"`
	Date       string   `yaml:"date" json:"date,omitempty"` // as printed, for periodicals
	Pages      string   `yaml:"pages" json:"pages,omitempty"`
	Publisher  string   `yaml:"publisher" json:"publisher,omitempty"`
	Place      string   `yaml:"place" json:"place,omitempty"`
	Series     string   `yaml:"series" json:"series,omitempty"`
	DOI        string   `yaml:"doi" json:"doi,omitempty"`
	ISBN       string   `yaml:"isbn" json:"isbn,omitempty"`
	License    string   `yaml:"license" json:"license,omitempty"`
	// Verify names the fields identified from outside the text, which a
	// human should confirm; citations still use them.
	Verify []string `yaml:"verify" json:"verify,omitempty"`
	Note   string   `yaml:"note" json:"note,omitempty"`
}

// LayoutHints tell the pipeline what it cannot measure reliably.
type LayoutHints struct {
	// Profile forces a layout profile; empty means measure it.
	Profile Profile `yaml:"profile"`
	// Skip lists source line ranges that are not text (front matter, covers,
	// mastheads).
	Skip []LineRange `yaml:"skip"`
	// Drop lists regular expressions of whole lines to drop (site chrome,
	// ornaments, running heads). A named group "page" makes the line a page
	// anchor.
	Drop []string `yaml:"drop"`
	// Strip lists literal strings removed wherever they occur (link labels
	// such as "Google Scholar" glued into reference lists).
	Strip []string `yaml:"strip"`
	// LigaturesLost says the extraction dropped fi/fl/ff ligatures, which
	// enables their repair.
	LigaturesLost bool `yaml:"ligatures_lost"`
	// OCR marks the text as OCR output: records are flagged ocr_suspect.
	OCR bool `yaml:"ocr"`
	// Markers is the note-marker style: glued, superscript, ocr or none;
	// empty means measure it.
	Markers string `yaml:"markers"`
	// NoteNumbering is per_division (restarting in every chapter) or
	// continuous.
	NoteNumbering string `yaml:"note_numbering"`
	// RomanizationNHyphen keeps a line-end hyphen after "n" before a vowel or
	// "y" (Kan-ichi), for books that state that romanisation rule.
	RomanizationNHyphen bool `yaml:"romanization_n_hyphen"`
	// Page is the page of a one-page excerpt, or the first page of a text
	// whose folios are not otherwise anchored.
	Page int `yaml:"page"`
	// PageStarts maps a page number to its first source line, for texts
	// whose page breaks the heuristics cannot see.
	PageStarts map[int]int `yaml:"page_starts"`
	// FragmentStart says the first paragraph begins mid-sentence.
	FragmentStart bool `yaml:"fragment_start"`
}

// SectionHint places a numbered section the heuristics might miss.
type SectionHint struct {
	Number string `yaml:"number"`
	Title  string `yaml:"title"`
	Line   int    `yaml:"line"`
}

// Overrides decide what a heuristic cannot know, by source line number. Each
// use is recorded on the record it shaped (FlagOverride).
type Overrides struct {
	ParaBreakAfter   []int       `yaml:"para_break_after"`    // a paragraph ends at this line
	NoParaBreakAfter []int       `yaml:"no_para_break_after"` // the paragraph goes on after this line
	Heading          []int       `yaml:"heading"`             // this line is a heading
	NotHeading       []int       `yaml:"not_heading"`         // this line is not a heading
	BlockQuotes      []LineRange `yaml:"block_quotes"`        // these lines are a block quote
	Epigraph         []LineRange `yaml:"epigraph"`            // these lines are an epigraph (with its attribution)
	Abstract         []LineRange `yaml:"abstract"`            // these lines are an abstract or extract
	Notes            []LineRange `yaml:"notes"`               // these lines are notes
}

// LineRange is an inclusive range of source lines. In YAML it is a single
// line number or a two-element list.
type LineRange [2]int

// Contains reports whether line n is in the range.
func (r LineRange) Contains(n int) bool { return n >= r[0] && n <= r[1] }

// UnmarshalYAML accepts 12 or [12, 15].
func (r *LineRange) UnmarshalYAML(n *yaml.Node) error {
	var one int
	if err := n.Decode(&one); err == nil {
		*r = LineRange{one, one}
		return nil
	}
	var two []int
	if err := n.Decode(&two); err != nil || len(two) != 2 || two[0] > two[1] {
		return fmt.Errorf("line %d: a line range is a line number or [first, last]", n.Line)
	}
	*r = LineRange{two[0], two[1]}
	return nil
}

func inRanges(rs []LineRange, n int) bool {
	for _, r := range rs {
		if r.Contains(n) {
			return true
		}
	}
	return false
}

// ParseManifest reads a corpus.yaml. Unknown fields are errors, so that a
// misspelt override is not silently ignored.
func ParseManifest(data []byte) (*Manifest, error) {
	var m Manifest
	dec := yaml.NewDecoder(strings.NewReader(string(data)))
	dec.KnownFields(true)
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("parse %s: %w", ManifestFile, err)
	}
	seen := map[string]string{}
	files := map[string]bool{}
	for i := range m.Documents {
		d := &m.Documents[i]
		if d.File == "" {
			return nil, fmt.Errorf("%s: document %d has no file", ManifestFile, i+1)
		}
		if files[d.File] {
			return nil, fmt.Errorf("%s: file %s is listed twice", ManifestFile, d.File)
		}
		files[d.File] = true
		if d.Meta.ID == "" {
			d.Meta.ID = docIDFromFile(d.File)
		}
		if !validDocID(d.Meta.ID) {
			return nil, fmt.Errorf("%s: document id %q: use letters, digits, '-' and '.' only", ManifestFile, d.Meta.ID)
		}
		if prev, dup := seen[d.Meta.ID]; dup {
			return nil, fmt.Errorf("%s: document id %q is used by %s and %s", ManifestFile, d.Meta.ID, prev, d.File)
		}
		seen[d.Meta.ID] = d.File
		for _, re := range d.Layout.Drop {
			if _, err := regexp.Compile(re); err != nil {
				return nil, fmt.Errorf("%s: %s: drop pattern %q: %w", ManifestFile, d.File, re, err)
			}
		}
		switch d.Layout.Profile {
		case "", ProfileParaPerLine, ProfileListItems, ProfileHardWrapped, ProfileDoubleSpaced, ProfileOCRColumns:
		default:
			return nil, fmt.Errorf("%s: %s: unknown layout profile %q", ManifestFile, d.File, d.Layout.Profile)
		}
		switch d.Layout.Markers {
		case "", MarkersGlued, MarkersSuperscript, MarkersOCR, MarkersNone:
		default:
			return nil, fmt.Errorf("%s: %s: unknown marker style %q", ManifestFile, d.File, d.Layout.Markers)
		}
	}
	return &m, nil
}

// entryFor returns the manifest entry of a file, or a generic one with an ID
// and title taken from the file name.
func (m *Manifest) entryFor(file string) DocManifest {
	if m != nil {
		for _, d := range m.Documents {
			if d.File == file {
				return d
			}
		}
	}
	return DocManifest{File: file, Meta: DocMeta{ID: docIDFromFile(file), Title: titleFromFile(file)}}
}

func validDocID(id string) bool {
	if id == "" {
		return false
	}
	for _, r := range id {
		if !(r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' || r == '.')) {
			return false
		}
	}
	return true
}

// docIDFromFile derives a stable ID from a file name: lower case, letters
// and digits, runs of anything else folded to '-'.
func docIDFromFile(file string) string {
	base := strings.TrimSuffix(path.Base(file), path.Ext(file))
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(base) {
		if r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	id := strings.TrimSuffix(b.String(), "-")
	if id == "" {
		id = "doc"
	}
	return id
}
