package corpus

import (
	"strconv"
	"strings"
)

// authorSurnames renders the authors as cited in a short form: "Kuromiya",
// "Kuromiya and Mamoulia", "Dean et al.". An author written "Family, Given"
// gives its family name; otherwise the last word is taken.
func (m DocMeta) authorSurnames() string {
	var names []string
	for _, a := range m.Authors {
		if i := strings.Index(a, ","); i >= 0 {
			names = append(names, strings.TrimSpace(a[:i]))
			continue
		}
		f := strings.Fields(a)
		if len(f) > 0 {
			names = append(names, f[len(f)-1])
		}
	}
	switch len(names) {
	case 0:
		return ""
	case 1:
		return names[0]
	case 2:
		return names[0] + " and " + names[1]
	}
	return names[0] + " et al."
}

// shortTitle is the title as cited in a short form: the manifest's
// short_title, or the title up to a subtitle colon.
func (m DocMeta) shortTitle() string {
	if m.ShortTitle != "" {
		return m.ShortTitle
	}
	t := m.Title
	if i := strings.Index(t, ": "); i > 0 {
		t = t[:i]
	}
	return t
}

// quotedTitle says whether the title is a part of something larger (a
// chapter or an article) and so is cited in quotation marks, not as a book.
func (m DocMeta) quotedTitle() bool {
	switch m.Type {
	case "chapter", "article", "report":
		return true
	}
	return false
}

// ShortCitation is the document part of every citation: "Kuromiya, Stalin,
// Japan, and the Struggle for Supremacy over China (2023)".
func (m DocMeta) ShortCitation() string {
	var b strings.Builder
	if s := m.authorSurnames(); s != "" {
		b.WriteString(s)
		b.WriteString(", ")
	}
	if m.quotedTitle() {
		b.WriteString("“" + m.shortTitle() + "”")
	} else {
		b.WriteString(m.shortTitle())
	}
	if m.Year != 0 {
		b.WriteString(" (" + strconv.Itoa(m.Year) + ")")
	}
	return b.String()
}

// citation renders a record's pinpoint citation in a consistent scholarly
// short form: "Kuromiya, Stalin, Japan, and the Struggle for Supremacy over
// China (2023), ch. 2, p. ~117, ¶3" and for notes "…, p. 31 n. 6".
func citation(m DocMeta, div *Division, p *Paragraph) string {
	parts := []string{m.ShortCitation()}
	if div != nil && div.Label != "" {
		parts = append(parts, div.Label)
	}
	pin := ""
	if pg := p.Page.String(); pg != "" {
		if p.Page.End > p.Page.Start {
			pin = "pp. " + pg
		} else {
			pin = "p. " + pg
		}
	}
	switch {
	case p.Kind == KindNote:
		label := "n. " + p.NoteLabel
		if p.NoteLabel == "*" {
			label = "unnumbered note"
		}
		if pin != "" {
			pin += " " + label
		} else {
			pin = label
		}
	case p.Kind.Prose():
		if pin != "" {
			pin += ", "
		}
		pin += "¶" + strconv.Itoa(p.Number)
	case p.Kind == KindHeading:
		if pin != "" {
			pin += ", "
		}
		pin += "heading"
	case p.Kind == KindCaption:
		if pin != "" {
			pin += ", "
		}
		pin += "caption"
	}
	if pin != "" {
		parts = append(parts, pin)
	}
	return strings.Join(parts, ", ")
}

// Bibliography renders the full bibliographic entry in Chicago bibliography
// style, for /sources and transcripts.
func (m DocMeta) Bibliography() string {
	var b strings.Builder
	b.WriteString(bibAuthors(m.Authors))
	title := m.Title
	switch m.Type {
	case "chapter":
		b.WriteString("“" + title + ".” ")
		if m.Chapter != "" {
			b.WriteString("Chap. " + m.Chapter + " in ")
		} else {
			b.WriteString("In ")
		}
		b.WriteString(m.Container + ". ")
		b.WriteString(pubPlace(m))
		if m.Pages != "" {
			b.WriteString(", " + m.Pages)
		}
		b.WriteString(".")
	case "article", "report":
		b.WriteString("“" + title + ".” " + m.Container)
		if m.Volume != "" {
			b.WriteString(" " + m.Volume)
		}
		if m.Issue != "" {
			b.WriteString(", no. " + m.Issue)
		}
		when := m.Date
		if when == "" && m.Year != 0 {
			when = strconv.Itoa(m.Year)
		}
		if when != "" {
			b.WriteString(" (" + when + ")")
		}
		if m.Pages != "" {
			b.WriteString(": " + m.Pages)
		}
		b.WriteString(".")
		if m.Type == "report" && m.Publisher != "" {
			b.WriteString(" " + pubPlace(m) + ".")
		}
	default:
		b.WriteString(title + ". ")
		if m.Series != "" {
			b.WriteString(m.Series + ". ")
		}
		b.WriteString(pubPlace(m))
		if m.Pages != "" {
			b.WriteString(", " + m.Pages)
		}
		b.WriteString(".")
	}
	if m.DOI != "" {
		b.WriteString(" https://doi.org/" + m.DOI + ".")
	}
	return strings.TrimSpace(b.String())
}

func pubPlace(m DocMeta) string {
	s := m.Publisher
	if m.Place != "" && s != "" {
		s = m.Place + ": " + s
	}
	if m.Year != 0 {
		if s != "" {
			s += ", "
		}
		s += strconv.Itoa(m.Year)
	}
	return s
}

// bibAuthors inverts the first author's name ("Kuromiya, Hiroaki") and joins
// the rest in natural order, as Chicago bibliographies do.
func bibAuthors(authors []string) string {
	if len(authors) == 0 {
		return ""
	}
	first := authors[0]
	if !strings.Contains(first, ",") {
		if f := strings.Fields(first); len(f) > 1 {
			first = f[len(f)-1] + ", " + strings.Join(f[:len(f)-1], " ")
		}
	}
	s := first
	for i, a := range authors[1:] {
		if i == len(authors)-2 {
			s += ", and " + a
		} else {
			s += ", " + a
		}
	}
	return s + ". "
}
