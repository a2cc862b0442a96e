package bot

import (
	"github.com/ibidbot/ibid/corpus"
)

// SourceView is one paragraph shown for reading: the record, its place in
// the document, and the records around it for paging.
type SourceView struct {
	Paragraph  *corpus.Paragraph
	Prev, Next *corpus.Paragraph // nil at either end of the document
	// Notes are the notes the paragraph's markers point to.
	Notes []*corpus.Paragraph
	// Bibliography is the document's full entry.
	Bibliography string
}

// Source returns the paragraph with the given ID and its surroundings.
func (b *Bot) Source(id string) (SourceView, error) {
	p, err := b.Paragraph(id)
	if err != nil {
		return SourceView{}, err
	}
	v := SourceView{Paragraph: p}
	v.Prev, v.Next = b.corpus.Neighbours(p.ID)
	for _, r := range p.NoteRefs {
		if n, ok := b.corpus.Paragraph(r.NoteID); ok {
			v.Notes = append(v.Notes, n)
		}
	}
	if d, ok := b.corpus.Doc(p.Doc); ok {
		v.Bibliography = d.Meta.Bibliography()
	}
	return v, nil
}

// SourceDoc is one document of the corpus as /sources lists it.
type SourceDoc struct {
	ID, Title, Bibliography string
	Paragraphs, Notes       int
}

// Sources lists the corpus's documents in manifest order.
func (b *Bot) Sources() []SourceDoc {
	out := make([]SourceDoc, 0, len(b.corpus.Docs))
	for _, d := range b.corpus.Docs {
		s := SourceDoc{ID: d.Meta.ID, Title: d.Meta.Title, Bibliography: d.Meta.Bibliography(), Notes: d.Stats.ByKind[corpus.KindNote]}
		for k, n := range d.Stats.ByKind {
			if k.Prose() {
				s.Paragraphs += n
			}
		}
		out = append(out, s)
	}
	return out
}
