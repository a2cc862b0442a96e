package corpus

import (
	"io/fs"
	"regexp"
	"strings"
	"testing"
)

// wrappedFile is the hard-wrapped book the segmenter is proven on.
const wrappedFile = "001_278adb613c7d7f2b.txt"

// wrappedDoc is the Kuromiya book.
func wrappedDoc(t testing.TB) *Document {
	t.Helper()
	for _, d := range loadDefaultCorpus(t).Docs {
		if d.Source == wrappedFile {
			return d
		}
	}
	t.Fatalf("%s is not in the default corpus", wrappedFile)
	return nil
}

// wrappedAt returns the record of the given kind whose source lines hold
// line n.
func wrappedAt(t *testing.T, n int, kind Kind) *Paragraph {
	t.Helper()
	d := wrappedDoc(t)
	for i := range d.Paragraphs {
		p := &d.Paragraphs[i]
		if p.Kind == kind && p.Lines[0] <= n && n <= p.Lines[1] {
			return p
		}
	}
	t.Fatalf("no %s record holds line %d", kind, n)
	return nil
}

// wrappedNote returns note label of a division.
func wrappedNote(t *testing.T, division, label string) *Paragraph {
	t.Helper()
	d := wrappedDoc(t)
	for i := range d.Paragraphs {
		p := &d.Paragraphs[i]
		if p.Kind == KindNote && p.Division == division && p.NoteLabel == label {
			return p
		}
	}
	t.Fatalf("no note %s:%s", division, label)
	return nil
}

// wrappedRefAfter reports whether p has a note marker labelled label right
// after the text before.
func wrappedRefAfter(p *Paragraph, before, label string) bool {
	i := strings.Index(p.Text, before)
	if i < 0 {
		return false
	}
	for _, r := range p.NoteRefs {
		if r.Label == label && r.Offset == i+len(before) {
			return true
		}
	}
	return false
}

// TestWrappedCases pins the hard cases of corpus-notes §7 (1–12, 23) on
// the real text.
func TestWrappedCases(t *testing.T) {
	tests := []struct {
		name  string
		line  int
		kind  Kind
		want  []string // substrings of the record's text
		check func(t *testing.T, p *Paragraph)
	}{
		{name: "1 soft hyphen", line: 3009, kind: KindBody,
			want: []string{"respective battleships by maintaining a set ratio that allowed"}},
		{name: "2 real hyphen before a capital", line: 1915, kind: KindBody,
			want: []string{"liberator of the non-Western world reached its zenith", "victory in the Russo-Japanese War."}},
		{name: "3 romanisation hyphen", line: 12331, kind: KindNote,
			want: []string{"See Kamei Kan-ichiro and Takahashi Masanori"},
			check: func(t *testing.T, p *Paragraph) {
				if p.Division != "ch3" || p.NoteLabel != "355" {
					t.Errorf("note %s:%s, want ch3:355", p.Division, p.NoteLabel)
				}
			}},
		{name: "4 paragraph across a note block", line: 537, kind: KindBody,
			want: []string{"attempts to use an opponent’s own force against him or her. It was precisely these stealth tactics"},
			check: func(t *testing.T, p *Paragraph) {
				if p.Page.Start != 2 || p.Page.End != 3 {
					t.Errorf("pages %v, want 2–3", p.Page)
				}
				n := wrappedNote(t, "intro", "2")
				if !strings.HasPrefix(n.Text, "For a good exploration of this subject") || !strings.HasSuffix(n.Text, "(Armonk, NY., 1997).") || n.Page.Start != 2 {
					t.Errorf("note intro:2 = %q p. %v", n.Text, n.Page)
				}
			}},
		{name: "5 notes and a running head", line: 2555, kind: KindBody,
			want: []string{"The two remaining Triple Entente powers, France and Britain, were enraged"},
			check: func(t *testing.T, p *Paragraph) {
				if p.Page.Start != 49 || p.Page.End != 50 {
					t.Errorf("pages %v, want 49–50", p.Page)
				}
			}},
		{name: "6 notes before the rest of the page", line: 4599, kind: KindBody,
			want: []string{"Before Besedovskii was posted to Tokyo in May 1926, Stalin gave him explicit instructions."},
			check: func(t *testing.T, p *Paragraph) {
				for _, l := range []string{"105", "106", "107", "108"} {
					if n := wrappedNote(t, "ch2", l); strings.Contains(p.Text, n.Text) {
						t.Errorf("note %s inside the paragraph", l)
					}
				}
			}},
		{name: "7 displaced marker ends a paragraph", line: 2587, kind: KindBody,
			check: func(t *testing.T, p *Paragraph) {
				if !strings.HasSuffix(p.Text, "against and even within the imperial powers.") || !wrappedRefAfter(p, "imperial powers.", "73") {
					t.Errorf("paragraph ends %q, refs %v", p.Text[max(0, len(p.Text)-60):], p.NoteRefs)
				}
				if next := wrappedAt(t, 2588, KindBody); !strings.HasPrefix(next.Text, "Japan presented a special problem for the Bolsheviks.") {
					t.Errorf("next paragraph starts %q", next.Text[:60])
				}
			}},
		{name: "8 displaced marker inside a paragraph", line: 3154, kind: KindBody,
			want: []string{"(передышка) in the arms race. According to Radek, Japan"},
			check: func(t *testing.T, p *Paragraph) {
				if !wrappedRefAfter(p, "in the arms race.", "131") {
					t.Errorf("no marker 131 after “race.”: %v", p.NoteRefs)
				}
			}},
		{name: "9 caption inside a sentence", line: 574, kind: KindBody,
			want: []string{"subversion behind enemy lines—a strategy that would weaken the enemy, which then could be crushed."},
			check: func(t *testing.T, p *Paragraph) {
				if !wrappedRefAfter(p, "could be crushed.", "7") {
					t.Errorf("no marker 7: %v", p.NoteRefs)
				}
				c := wrappedAt(t, 592, KindCaption)
				if c.Text != "Figure 2. Chiang Kai-shek, China’s political leader, 1943" || c.Page.Start != 4 {
					t.Errorf("caption %q p. %v", c.Text, c.Page)
				}
				if strings.Contains(p.Text, "Figure 2") {
					t.Error("caption text in the paragraph")
				}
			}},
		{name: "10 paragraph ends at the page end", line: 1424, kind: KindBody,
			check: func(t *testing.T, p *Paragraph) {
				if !strings.HasSuffix(p.Text, "Japan in 1945.") {
					t.Errorf("paragraph ends %q", p.Text[len(p.Text)-40:])
				}
				if next := wrappedAt(t, 1439, KindBody); !strings.HasPrefix(next.Text, "By its very nature, Stalin’s game") || strings.Contains(next.Text, "http") {
					t.Errorf("next paragraph %q", next.Text[:60])
				}
			}},
		{name: "11 full line ends a paragraph at the page end", line: 5243, kind: KindBody,
			check: func(t *testing.T, p *Paragraph) {
				if !strings.HasSuffix(p.Text, "Stalin’s testimony was not taken.") {
					t.Errorf("paragraph ends %q", p.Text[len(p.Text)-40:])
				}
				if next := wrappedAt(t, 5248, KindBody); !strings.HasPrefix(next.Text, "Kuhara’s plan was hardly realistic") {
					t.Errorf("next paragraph %q", next.Text[:60])
				}
			}},
		{name: "12 dash at the line end", line: 566, kind: KindBody,
			want: []string{"Jiang Jieshi, 1887–1975). According to"}},
		{name: "23 I. at the line start", line: 2995, kind: KindBody,
			want: []string{"after World War I. Earlier, at the Versailles Conference"},
			check: func(t *testing.T, p *Paragraph) {
				if p.Lines[0] > 2994 {
					t.Errorf("paragraph starts at line %d", p.Lines[0])
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := wrappedAt(t, tt.line, tt.kind)
			for _, w := range tt.want {
				if !strings.Contains(p.Text, w) {
					t.Errorf("%s record at line %d lacks %q:\n%s", tt.kind, tt.line, w, p.Text)
				}
			}
			if tt.check != nil {
				tt.check(t, p)
			}
		})
	}
}

// TestWrappedCounts checks the book's yield against the counts the issue
// expects, with tolerances.
func TestWrappedCounts(t *testing.T) {
	d := wrappedDoc(t)
	s := d.Stats
	prose := s.ByKind[KindBody] + s.ByKind[KindBlockQuote]
	numbered := 0
	for _, p := range d.Paragraphs {
		if p.Kind == KindHeading && numberedHeading.MatchString(p.Text) {
			numbered++
		}
	}
	resolved := float64(s.Refs-s.UnresolvedRefs) / float64(s.Refs)
	t.Logf("body %d, block quotes %d, notes %d, refs %d (%.1f%% resolved), headings %d (%d numbered), captions %d, pages exact %d",
		s.ByKind[KindBody], s.ByKind[KindBlockQuote], s.ByKind[KindNote], s.Refs, 100*resolved, s.ByKind[KindHeading], numbered, s.ByKind[KindCaption], s.PagesExact)
	for _, c := range []struct {
		what        string
		got, lo, hi int
	}{
		{"prose paragraphs", prose, 1140, 1260},
		{"notes", s.ByKind[KindNote], 1231, 1251},
		{"refs", s.Refs, 1780, 1800},
		{"numbered sections", numbered, 21, 21},
		{"divisions", len(d.Divisions), 7, 7},
		{"captions", s.ByKind[KindCaption], 54, 60},
	} {
		if c.got < c.lo || c.got > c.hi {
			t.Errorf("%s: %d, want %d–%d", c.what, c.got, c.lo, c.hi)
		}
	}
	if resolved < 0.66 || resolved > 0.72 {
		t.Errorf("resolved refs %.3f, want about 0.69", resolved)
	}
	if s.Pages != [2]int{1, 450} {
		t.Errorf("pages %v, want 1–450", s.Pages)
	}
}

// TestWrappedDivisionEnds checks the estimated pages against the contents:
// every division ends on the page before the next one starts.
func TestWrappedDivisionEnds(t *testing.T) {
	want := map[string]int{"intro": 27, "ch1": 68, "ch2": 173, "ch3": 277, "ch4": 376, "ch5": 433, "concl": 450}
	last := map[string]int{}
	for _, p := range wrappedDoc(t).Paragraphs {
		if p.Kind != KindNote {
			last[p.Division] = max(p.Page.Start, p.Page.End)
		}
	}
	for div, pg := range want {
		if last[div] != pg {
			t.Errorf("%s ends on p. %d, want %d", div, last[div], pg)
		}
	}
}

// TestWrappedClean checks that no record carries page furniture, a line-end
// hyphenation artefact or a glued note marker.
func TestWrappedClean(t *testing.T) {
	artefact := regexp.MustCompile(`\p{Ll}- (\p{Ll}+)`)
	glued := regexp.MustCompile(`\p{Ll}[.,;:”’)]\d{1,3}(\s|$)`)
	// Suspended hyphens are real: "left- and right-wing", "ten- to
	// fifteen-year".
	suspended := map[string]bool{"and": true, "or": true, "to": true}
	for _, p := range wrappedDoc(t).Paragraphs {
		low := strings.ToLower(p.Text)
		for _, bad := range []string{"stalin, japan, and the struggle", "pwo"} {
			if strings.Contains(low, bad) {
				t.Errorf("%s holds %q", p.ID, bad)
			}
		}
		if p.Kind.Prose() && strings.Contains(low, "http") {
			t.Errorf("%s holds a URL", p.ID)
		}
		for _, m := range artefact.FindAllStringSubmatch(p.Text, -1) {
			if !suspended[m[1]] {
				t.Errorf("%s: hyphenation artefact %q", p.ID, m[0])
			}
		}
		if p.Kind != KindNote && glued.MatchString(p.Text) {
			t.Errorf("%s: glued marker %q", p.ID, glued.FindString(p.Text))
		}
	}
}

// TestWrappedPages checks pages against the book's own cross-references to
// its notes ("Chapter 3, p. 214, footnote 142") and the list of figures.
func TestWrappedPages(t *testing.T) {
	for _, c := range []struct {
		div, label string
		page       int
	}{{"intro", "14", 8}, {"ch2", "179", 117}, {"ch2", "300", 143}, {"ch3", "142", 214}, {"ch4", "124", 310}, {"ch4", "178", 321}} {
		if p := wrappedNote(t, c.div, c.label); p.Page.Start != c.page {
			t.Errorf("note %s:%s on p. %v, want %d", c.div, c.label, p.Page, c.page)
		}
	}
	if p := wrappedAt(t, 6189, KindCaption); p.Page != (Pages{Start: 133, Exact: true}) {
		t.Errorf("Figure 2.6 on p. %v, want 133 (list of figures)", p.Page)
	}
}

// TestWrappedHeadings checks sections and that division titles and
// sub-headings come out as headings.
func TestWrappedHeadings(t *testing.T) {
	for _, c := range []struct {
		line    int
		text    string
		section string
	}{
		{1635, "War and Romance (1894–1922)", ""},
		{2523, "1.2\t Soviet-American Secret Cooperation and the End of the Anglo-Japanese Alliance, 1917–1922", "1.2 Soviet-American Secret Cooperation and the End of the Anglo-Japanese Alliance, 1917–1922"},
		{4523, "Secret Soviet-Japanese cooperation", "Secret Soviet-Japanese cooperation"},
		{8759, "3.2 Lull before the Storm", "3.2 Lull before the Storm"},
		{12745, "4.1 The Might of the State", "4.1 The Might of the State"},
		{2333, "“War scare” in the Pacific", "“War scare” in the Pacific"},
	} {
		h := wrappedAt(t, c.line, KindHeading)
		if h.Text != c.text || h.Section != c.section {
			t.Errorf("heading at %d: %q in section %q", c.line, h.Text, h.Section)
		}
	}
	if p := wrappedAt(t, 8761, KindBody); p.Section != "3.2 Lull before the Storm" || p.Division != "ch3" {
		t.Errorf("body after 3.2: section %q, division %q", p.Section, p.Division)
	}
	d := wrappedDoc(t)
	for _, p := range d.Paragraphs {
		if p.Kind == KindHeading && (p.Lines[0] == 3440 || p.Lines[0] == 13183 || p.Lines[0] == 6454 || p.Lines[0] == 19513) {
			t.Errorf("%s is not a heading: %q", p.ID, p.Text)
		}
	}
}

func TestWrappedLineHelpers(t *testing.T) {
	for s, want := range map[string]string{
		"2For a good exploration": "2", "31“Chichibunomiya": "31", "335Ōoka Yūichirō": "335",
		"73powers.": "", "1975). According": "", "2.26 jiken": "", "1886–1940),4": "", "1234Abc": "",
	} {
		if got := noteStart(s); got != want {
			t.Errorf("noteStart(%q) = %q, want %q", s, got, want)
		}
	}
	for s, want := range map[string]string{
		"73powers.":                    "powers.73",
		"94a casus belli.":             "a casus belli.94",
		"131race. According to Radek,": "race.131 According to Radek,",
		"20ones. Zhang Xueliang":       "ones.20 Zhang Xueliang",
		"7said “no.” Then":             "said “no.”7 Then",
		"19th century":                 "",
		"12see":                        "see12",
	} {
		label, rest, ok := displacedMarker(s)
		got := ""
		if ok {
			got = repairDisplaced(label, rest)
		}
		if got != want {
			t.Errorf("displaced %q → %q, want %q", s, got, want)
		}
	}
	for s, want := range map[string]int{"50 stalin, japan": 50, "vi stalin": 0, "over china 51": 51, "chapter": -1} {
		page, _, ok := splitFolio(s)
		if !ok {
			page = -1
		}
		if page != want {
			t.Errorf("splitFolio(%q) = %d, want %d", s, page, want)
		}
	}
	for s, want := range map[string]bool{"Figure 2. Chiang": true, "Figure 1.4. The": true, "Figure C.1. Yin": true, "Figure 2 shows": false, "Figures": false} {
		if captionStart(s) != want {
			t.Errorf("captionStart(%q) != %v", s, want)
		}
	}
	for s, want := range map[string]bool{"crushed.7": true, "from Tokyo.’ ”430": true, "objects:—": true, "proxy—": false, "Mos-": false} {
		if endsSentence(s) != want {
			t.Errorf("endsSentence(%q) != %v", s, want)
		}
	}
	if printWidth("Ozaki (尾崎)") != 12 {
		t.Errorf("printWidth counts CJK as %d", printWidth("Ozaki (尾崎)"))
	}
}

// BenchmarkWrappedSegment measures the segmenter alone on the book.
func BenchmarkWrappedSegment(b *testing.B) {
	data, err := fs.ReadFile(DefaultFS(), wrappedFile)
	if err != nil {
		b.Fatal(err)
	}
	var entry DocManifest
	for _, d := range wrappedManifest(b).Documents {
		if d.File == wrappedFile {
			entry = d
		}
	}
	in, err := newDocInput(wrappedFile, data, entry)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := segmentHardWrapped(in); err != nil {
			b.Fatal(err)
		}
	}
}

func wrappedManifest(t testing.TB) *Manifest {
	t.Helper()
	data, err := fs.ReadFile(DefaultFS(), ManifestFile)
	if err != nil {
		t.Fatal(err)
	}
	m, err := ParseManifest(data)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// FuzzWrappedSegment runs the segmenter on arbitrary text: it is the
// default for any text whose profile is not recognised, so it must not
// panic, and every record must keep to its source lines.
func FuzzWrappedSegment(f *testing.F) {
	for _, s := range []string{
		"",
		"\n\n\n",
		"1\n",
		" Figure 1. A\n\n12see\n",
		"Timeline\n‖\n\n",
		"chapter 1\n\nchapter 2\n\nchapter 3\n",
		"A line that ends a sentence.\n\n1Note one.\n 2Note two\n body again\n\n3.1 A Heading\n\nText:\n\nquoted\nlines here\n",
		"12 stalin, japan\n\n13 stalin, japan\n\n14 stalin, japan\n",
		"word-\n\n73powers.\nNext one.\n",
		"大角岑生\n\n(\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		in, err := newDocInput("fuzz.txt", []byte(s), DocManifest{File: "fuzz.txt", Meta: DocMeta{ID: "fuzz"}, Layout: LayoutHints{Profile: ProfileHardWrapped}})
		if err != nil {
			return
		}
		seg, err := segmentHardWrapped(in)
		if err != nil {
			t.Fatal(err)
		}
		for _, b := range seg.blocks {
			for _, l := range b.lines {
				if l.no < 1 || l.no > len(in.lines) {
					t.Fatalf("line %d out of range", l.no)
				}
			}
		}
	})
}
