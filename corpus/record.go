// Package corpus turns extracted and OCR'd texts into clean, citable records.
//
// Every answer Ibid gives quotes a record of this package verbatim, so the
// records carry only evidence-backed repairs (layout joins, de-hyphenation
// decided by attested spellings, ligature restoration, note markers moved out
// of the text into offsets). Search-only variants (folded diacritics, OCR
// corrections, name aliases) belong to the retrieval layer and never change
// Text.
//
// The pipeline is: read → profile the layout → a layout segmenter turns lines
// into raw blocks (paragraphs, headings, notes …) with pages and divisions →
// the finishing stage joins lines, repairs, extracts note markers, splits
// sentences, numbers, identifies and cites every record. The manifest
// (corpus.yaml) supplies bibliographic facts and overrides what a heuristic
// cannot know.
package corpus

import (
	"strconv"
	"strings"
)

// Kind says what a record is, so that search and answers can treat headings,
// captions and notes differently from the author's prose.
type Kind string

// Record kinds.
const (
	KindBody       Kind = "body"
	KindBlockQuote Kind = "block_quote"
	KindHeading    Kind = "heading"
	KindEpigraph   Kind = "epigraph"
	KindCaption    Kind = "caption"
	KindAbstract   Kind = "abstract"
	KindNote       Kind = "note"
)

// Prose reports whether records of this kind are running text that answers
// questions (as opposed to headings and captions).
func (k Kind) Prose() bool {
	switch k {
	case KindBody, KindBlockQuote, KindAbstract, KindEpigraph:
		return true
	}
	return false
}

// Flag records a doubt or a repair, so that a user (and a maintainer) can see
// what the pipeline did and what it could not know.
type Flag string

// Flags.
const (
	FlagFragmentStart       Flag = "fragment_start"       // begins mid-sentence (the text before is not in the source)
	FlagOCRSuspect          Flag = "ocr_suspect"          // from an OCR'd text; words may be misread
	FlagNoteTextMissing     Flag = "note_text_missing"    // a note marker whose note text is not in the source
	FlagNoteTruncated       Flag = "note_truncated"       // the note text breaks off in the source
	FlagRepairedLigature    Flag = "repaired:ligature"    // a dropped fi/fl/ff ligature was restored
	FlagRepairedMacron      Flag = "repaired:macron"      // a detached combining mark was re-attached
	FlagDiacriticsUncertain Flag = "diacritics_uncertain" // detached combining marks that could not be placed
	FlagOverride            Flag = "manifest_override"    // a manifest override decided a boundary of this record
	FlagNoAnchor            Flag = "no_anchor"            // a note whose marker is not in the source text
)

// Span is a half-open byte range [Start, End) into a record's Text.
type Span struct {
	Start int `json:"start"`
	End   int `json:"end"`
}

// NoteRef is a note marker removed from the text and kept as a reference:
// Offset is the byte offset in Text where the marker stood.
type NoteRef struct {
	Offset int    `json:"offset"`
	Label  string `json:"label"`
	NoteID string `json:"note_id,omitempty"` // empty when the note text is missing
}

// Pages is the page or page range a record sits on. Zero means the source has
// no page numbers. Exact is false when the page was estimated (±1) from the
// nearest anchors.
type Pages struct {
	Start int  `json:"start,omitempty"`
	End   int  `json:"end,omitempty"`
	Exact bool `json:"exact"`
}

// String renders the pages as a citation pinpoint: "117", "~117", "2–3".
func (p Pages) String() string {
	if p.Start == 0 {
		return ""
	}
	s := strconv.Itoa(p.Start)
	if p.End > p.Start {
		s += "–" + strconv.Itoa(p.End)
	}
	if !p.Exact {
		s = "~" + s
	}
	return s
}

// Paragraph is one citable record: a paragraph of prose, a block quote, a
// heading, a caption or a note.
type Paragraph struct {
	ID        string    `json:"id"`
	Doc       string    `json:"doc"`
	Source    string    `json:"source"` // file name in the corpus directory
	Kind      Kind      `json:"kind"`
	Division  string    `json:"division,omitempty"` // key of the chapter or part, e.g. "ch2"
	Section   string    `json:"section,omitempty"`  // numbered section or sub-heading text
	Page      Pages     `json:"page"`
	Number    int       `json:"number"`               // position among records of its kind on its page (or in its division when there are no pages)
	NoteLabel string    `json:"note_label,omitempty"` // for notes: "35", "6a", "*"
	Text      string    `json:"text"`
	Sentences []Span    `json:"sentences"`
	NoteRefs  []NoteRef `json:"note_refs,omitempty"`
	Lines     [2]int    `json:"lines"` // first and last source line, 1-based
	Flags     []Flag    `json:"flags,omitempty"`
	Citation  string    `json:"citation"`
}

// HasFlag reports whether f is among the record's flags.
func (p *Paragraph) HasFlag(f Flag) bool {
	for _, g := range p.Flags {
		if g == f {
			return true
		}
	}
	return false
}

// Sentence returns the text of sentence i.
func (p *Paragraph) Sentence(i int) string {
	s := p.Sentences[i]
	return p.Text[s.Start:s.End]
}

// Division is a chapter or another top-level part of a document.
type Division struct {
	Key   string `json:"key" yaml:"key"`     // short stable key used in IDs: "ch2", "intro"
	Title string `json:"title" yaml:"title"` // "Stalin, Zhang, and Tanaka (1922–1929)"
	Label string `json:"label" yaml:"label"` // as cited: "ch. 2", "introduction"
	Line  int    `json:"line" yaml:"line"`   // first source line
	Page  int    `json:"page,omitempty" yaml:"page"`
}

// Document is one text of the corpus with its bibliographic entry and records.
type Document struct {
	Meta       DocMeta     `json:"meta"`
	Source     string      `json:"source"`
	Profile    Profile     `json:"profile"`
	Divisions  []Division  `json:"divisions,omitempty"`
	Paragraphs []Paragraph `json:"-"`
	Stats      DocStats    `json:"stats"`
}

// DocStats counts what the pipeline produced and what it could not resolve.
type DocStats struct {
	Records        int          `json:"records"`
	ByKind         map[Kind]int `json:"by_kind"`
	Pages          [2]int       `json:"pages"`
	PagesExact     int          `json:"pages_exact"` // records whose page is exact
	Refs           int          `json:"refs"`
	UnresolvedRefs int          `json:"unresolved_refs"`
	Flags          map[Flag]int `json:"flags"`
	Sections       int          `json:"sections"`
}

// Corpus is the loaded set of documents, in manifest order.
type Corpus struct {
	Docs []*Document
	// Hash identifies the input (texts, manifest and pipeline version); the
	// search index is rebuilt when it changes.
	Hash string
	// Aliases lists name variants across romanisations (from the
	// manifest), for search only: each entry holds the spellings of one name.
	Aliases [][]string

	byID map[string]*Paragraph
	pos  map[string]int // ID → index in its document's Paragraphs
	docs map[string]*Document
}

// Paragraph returns the record with the given ID.
func (c *Corpus) Paragraph(id string) (*Paragraph, bool) {
	p, ok := c.byID[id]
	return p, ok
}

// Doc returns the document with the given ID.
func (c *Corpus) Doc(id string) (*Document, bool) {
	d, ok := c.docs[id]
	return d, ok
}

// Neighbours returns the records before and after id in reading order within
// its document (nil at either end).
func (c *Corpus) Neighbours(id string) (prev, next *Paragraph) {
	p, ok := c.byID[id]
	if !ok {
		return nil, nil
	}
	d := c.docs[p.Doc]
	i := c.pos[id]
	if i > 0 {
		prev = &d.Paragraphs[i-1]
	}
	if i+1 < len(d.Paragraphs) {
		next = &d.Paragraphs[i+1]
	}
	return prev, next
}

// LeadIn returns the body paragraph that introduces the block quote id (the
// quote's attribution is there: "…the British reply of 1937 said:"): the
// one before it in reading order, passing over notes, captions and the
// quote's earlier paragraphs; none when a heading comes first.
func (c *Corpus) LeadIn(id string) (*Paragraph, bool) {
	p, ok := c.byID[id]
	if !ok || p.Kind != KindBlockQuote {
		return nil, false
	}
	d := c.docs[p.Doc]
	for i := c.pos[id] - 1; i >= 0; i-- {
		switch q := &d.Paragraphs[i]; q.Kind {
		case KindBody:
			return q, true
		case KindHeading:
			return nil, false
		}
	}
	return nil, false
}

// All calls yield for every record of every document in reading order.
func (c *Corpus) All(yield func(*Paragraph) bool) {
	for _, d := range c.Docs {
		for i := range d.Paragraphs {
			if !yield(&d.Paragraphs[i]) {
				return
			}
		}
	}
}

// Len is the number of records in the corpus.
func (c *Corpus) Len() int { return len(c.byID) }

// title case helper used by citations for generic documents.
func titleFromFile(name string) string {
	name = strings.TrimSuffix(name, ".txt")
	name = strings.NewReplacer("_", " ", "-", " ").Replace(name)
	return strings.TrimSpace(name)
}

// NearestIDs suggests up to n existing IDs for one that does not exist: those
// sharing the longest prefix with it, so that a typo in a paragraph number
// or a chapter key still leads somewhere.
func (c *Corpus) NearestIDs(id string, n int) []string {
	var best []string
	bestLen := 0
	for p := range c.All {
		k := 0
		for k < len(p.ID) && k < len(id) && p.ID[k] == id[k] {
			k++
		}
		switch {
		case k > bestLen:
			best, bestLen = []string{p.ID}, k
		case k == bestLen && k > 0 && len(best) < n:
			best = append(best, p.ID)
		}
	}
	return best
}
