package corpus

import (
	"bufio"
	"encoding/json"
	"io"
)

// ExportRecord is one line of `ibid corpus export`: a record with its page
// as cited ("~117") and its page range spelled out for programs.
type ExportRecord struct {
	ID        string    `json:"id"`
	Doc       string    `json:"doc"`
	Source    string    `json:"source"`
	Kind      Kind      `json:"kind"`
	Division  string    `json:"division,omitempty"`
	Section   string    `json:"section,omitempty"`
	Page      string    `json:"page"`
	PageStart int       `json:"page_start,omitempty"`
	PageEnd   int       `json:"page_end,omitempty"`
	PageExact bool      `json:"page_exact"`
	Number    int       `json:"number,omitempty"`
	NoteLabel string    `json:"note_label,omitempty"`
	Text      string    `json:"text"`
	Citation  string    `json:"citation"`
	Sentences []Span    `json:"sentences"`
	NoteRefs  []NoteRef `json:"note_refs,omitempty"`
	Lines     [2]int    `json:"lines"`
	Flags     []Flag    `json:"flags,omitempty"`
}

// Export returns the record's export form.
func (p *Paragraph) Export() ExportRecord {
	end := p.Page.End
	if end == 0 {
		end = p.Page.Start
	}
	return ExportRecord{
		ID: p.ID, Doc: p.Doc, Source: p.Source, Kind: p.Kind, Division: p.Division, Section: p.Section,
		Page: p.Page.String(), PageStart: p.Page.Start, PageEnd: end, PageExact: p.Page.Exact && p.Page.Start > 0,
		Number: p.Number, NoteLabel: p.NoteLabel, Text: p.Text, Citation: p.Citation,
		Sentences: p.Sentences, NoteRefs: p.NoteRefs, Lines: p.Lines, Flags: p.Flags,
	}
}

// WriteJSONL writes every record of the corpus as JSON Lines, in reading
// order.
func (c *Corpus) WriteJSONL(w io.Writer) error {
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	var err error
	c.All(func(p *Paragraph) bool {
		err = enc.Encode(p.Export())
		return err == nil
	})
	if err != nil {
		return err
	}
	return bw.Flush()
}
