package bot

import (
	"fmt"
	"strings"
)

// closestShown is how many passages a refusal shows.
const closestShown = 3

// FormatText renders an answer as plain text for a terminal: the lead, then
// each quote as a "> " block followed by its citation and paragraph ID. A
// refusal shows the closest passages under a label saying they do not
// answer.
func FormatText(a Answer) string {
	var b strings.Builder
	b.WriteString(a.Lead)
	b.WriteString("\n")
	if a.Refused {
		for i, p := range Closest(a) {
			fmt.Fprintf(&b, "\nClosest passage %d (does not answer the question):\n", i+1)
			writeQuote(&b, p)
		}
		return b.String()
	}
	for i, q := range a.Quotes {
		if len(a.Quotes) > 1 {
			fmt.Fprintf(&b, "\n[%d]", i+1)
		}
		b.WriteString("\n")
		writeQuote(&b, q)
	}
	return b.String()
}

// Closest returns, for a refusal, the best sentence of each of the closest
// passages, to be shown as not answering.
func Closest(a Answer) []Quote {
	var out []Quote
	for _, p := range a.Considered {
		if len(out) == closestShown {
			break
		}
		par := p.Paragraph
		if !answers(par.Kind) || len(par.Sentences) == 0 {
			continue
		}
		s := par.Sentences[min(p.Sentence, len(par.Sentences)-1)]
		out = append(out, Quote{Paragraph: par, Start: s.Start, End: s.End})
	}
	return out
}

func writeQuote(b *strings.Builder, q Quote) {
	for _, line := range strings.Split(q.Text(), "\n") {
		b.WriteString("> " + line + "\n")
	}
	fmt.Fprintf(b, "— %s [%s]\n", q.Paragraph.Citation, q.Paragraph.ID)
}

// FormatQuote renders one quote as a "> " block with its citation and ID.
func FormatQuote(q Quote) string {
	var b strings.Builder
	writeQuote(&b, q)
	return b.String()
}

// FormatSource renders a paragraph for reading, with its notes and the IDs
// of its neighbours.
func FormatSource(v SourceView) string {
	var b strings.Builder
	writeQuote(&b, Quote{Paragraph: v.Paragraph, End: len(v.Paragraph.Text)})
	for _, n := range v.Notes {
		fmt.Fprintf(&b, "\nNote %s: %s\n", n.NoteLabel, n.Text)
	}
	if v.Prev != nil {
		fmt.Fprintf(&b, "\nprevious: /source id:%s", v.Prev.ID)
	}
	if v.Next != nil {
		fmt.Fprintf(&b, "\nnext: /source id:%s", v.Next.ID)
	}
	fmt.Fprintf(&b, "\n\nSource: %s\n", v.Bibliography)
	return b.String()
}

// FormatSources renders the list of documents with their bibliography.
func FormatSources(docs []SourceDoc) string {
	var b strings.Builder
	for _, d := range docs {
		fmt.Fprintf(&b, "%s — %d paragraphs, %d notes\n  %s\n", d.ID, d.Paragraphs, d.Notes, d.Bibliography)
	}
	return b.String()
}
