package corpus

import (
	"slices"
	"strings"
	"testing"
)

// recordContaining returns the single record of doc whose text contains s.
func recordContaining(t *testing.T, c *Corpus, doc, s string) *Paragraph {
	t.Helper()
	var found []*Paragraph
	c.All(func(p *Paragraph) bool {
		if p.Doc == doc && strings.Contains(p.Text, s) {
			found = append(found, p)
		}
		return true
	})
	if len(found) != 1 {
		t.Fatalf("%s: %d records contain %q, want 1", doc, len(found), s)
	}
	return found[0]
}

// textWithAnchors renders a record's text with its note references as
// [^label], the notation of corpus-notes.md §7.
func textWithAnchors(p *Paragraph) string {
	var b strings.Builder
	last := 0
	for _, r := range p.NoteRefs {
		b.WriteString(p.Text[last:r.Offset])
		b.WriteString("[^" + r.Label + "]")
		last = r.Offset
	}
	b.WriteString(p.Text[last:])
	return b.String()
}

// The test cases of corpus-notes.md §7 for the three shorter texts.
func TestCorpus_NotesCases(t *testing.T) {
	c := loadDefaultCorpus(t)
	cases := []struct {
		name, doc, find, want string
		flag                  Flag
		kind                  Kind
	}{
		{name: "13 marker after a year", doc: "linkhoeva2020-ch3", find: "which Gotō founded in 1906.",
			want: "which Gotō founded in 1906.[^8] Mitsukawa"},
		{name: "13 marker glued to a capital", doc: "linkhoeva2020-ch3", find: "Inner Mongolia.",
			want: "Inner Mongolia.[^111] Kuhara also ventured"},
		{name: "14 ligature, hyphen across double spacing, superscript", doc: "kuromiya-mamoulia2016", find: "at the time testified",
			want: "at the time testified.”[^35] In 1934 and 1935 the tense situation", flag: FlagRepairedLigature},
		{name: "15 dropped ligature", doc: "kuromiya-mamoulia2016", find: "Moscow’s confidence was apparent", want: "Moscow’s confidence was apparent"},
		{name: "15 dropped ff ligature", doc: "kuromiya-mamoulia2016", find: "nose into our affairs. A war with Japan", want: "nose into our affairs. A war with Japan", kind: KindBlockQuote},
		{name: "16 superscript marker with no space", doc: "kuromiya-mamoulia2016", find: "against Japan. Indeed, the", want: "against Japan.[^32] Indeed, the", flag: FlagFragmentStart},
		{name: "17 detached macron", doc: "kuromiya-mamoulia2016", find: "Zenmō ni haru rokoku supaimo", want: "See, for example, “Zenmō ni haru rokoku supaimo.”", flag: FlagDiacriticsUncertain, kind: KindNote},
		{name: "22 link label between references", doc: "bridges1980", find: "pp. 99–113; Lensen",
			want: "Kokusai Seiji, No. 31, pp. 99–113; Lensen, George A., The Damned Inheritance", kind: KindNote},
		{name: "22 CrossRef and Google Scholar", doc: "bridges1980", find: "pp. 309–26. See also",
			want: "Journal of Asian Studies (05 1962), pp. 309–26. See also Eizō", kind: KindNote},
		{name: "epigraph with its attribution", doc: "linkhoeva2020-ch3", find: "invincible. —Stalin’s interview",
			want: "This alliance would be invincible. —Stalin’s interview to Tokyo nichi nichi newspaper, July 1925", kind: KindEpigraph},
		{name: "block quote from the manifest", doc: "linkhoeva2020-ch3", find: "What is the world revolution?", want: "What is the world revolution?", kind: KindBlockQuote},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := recordContaining(t, c, tc.doc, tc.find)
			if got := textWithAnchors(p); !strings.Contains(got, tc.want) {
				t.Errorf("text\n%s\ndoes not contain\n%s", got, tc.want)
			}
			if tc.flag != "" && !p.HasFlag(tc.flag) {
				t.Errorf("flags %v lack %s", p.Flags, tc.flag)
			}
			if tc.kind != "" && p.Kind != tc.kind {
				t.Errorf("kind %s, want %s", p.Kind, tc.kind)
			}
		})
	}
}

func TestCorpus_LigatureRepairLeavesKnownWordsAlone(t *testing.T) {
	c := loadDefaultCorpus(t)
	// The only words of the Eurasian Triangle's records that its source does
	// not spell are the nine repaired ligatures (eight words) and the word
	// the hyphen join and the repair make together: "state", "statement"
	// and "Stalin" are left as printed.
	src, err := fsReadDefault("004_561ceef106423b6b.txt")
	if err != nil {
		t.Fatal(err)
	}
	printed := map[string]bool{}
	for _, w := range compoundWords(src) {
		printed[w] = true
	}
	changed := map[string]bool{}
	c.All(func(p *Paragraph) bool {
		if p.Doc == "kuromiya-mamoulia2016" {
			for _, w := range compoundWords(p.Text) {
				if !printed[w] {
					changed[w] = true
				}
			}
		}
		return true
	})
	want := []string{"affairs", "confidence", "difficult", "fifty", "fight", "filled", "reflected", "testified",
		// de-hyphenated across lines, no ligature involved
		"adventurism", "approximately", "Zenmō"}
	var got []string
	for w := range changed {
		got = append(got, w)
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("words not as printed: %v, want %v", got, want)
	}
	c.All(func(p *Paragraph) bool {
		if p.Doc != "kuromiya-mamoulia2016" && p.HasFlag(FlagRepairedLigature) {
			t.Errorf("%s: ligature repair outside the document that lost them", p.ID)
		}
		return true
	})
}

// Per-document counts against corpus-notes.md §7, with tolerances where the
// notes give them.
func TestCorpus_CountsOfTheShorterTexts(t *testing.T) {
	c := loadDefaultCorpus(t)
	type counts struct{ prose, quotes, headings, notes, refs, unresolved int }
	want := map[string]counts{
		"linkhoeva2020-ch3":     {prose: 78, quotes: 7, headings: 1, notes: 0, refs: 130, unresolved: 130},
		"bridges1980":           {prose: 1, notes: 73},
		"kuromiya-mamoulia2016": {prose: 4, quotes: 1, headings: 1, notes: 4, refs: 4},
	}
	for id, w := range want {
		d, ok := c.Doc(id)
		if !ok {
			t.Fatalf("no document %s", id)
		}
		k := d.Stats.ByKind
		got := counts{
			prose: k[KindBody] + k[KindAbstract] + k[KindEpigraph], quotes: k[KindBlockQuote], headings: k[KindHeading],
			notes: k[KindNote], refs: d.Stats.Refs, unresolved: d.Stats.UnresolvedRefs,
		}
		if got != w {
			t.Errorf("%s: got %+v, want %+v", id, got, w)
		}
	}
}

func TestCorpus_PagesAndCitations(t *testing.T) {
	c := loadDefaultCorpus(t)
	p := recordContaining(t, c, "kuromiya-mamoulia2016", "Moscow’s confidence was apparent")
	if p.Page != (Pages{Start: 135, Exact: true}) {
		t.Errorf("page %+v, want exact 135", p.Page)
	}
	if want := "Kuromiya and Mamoulia, The Eurasian Triangle (2016), ch. 6, p. 135, ¶2"; p.Citation != want {
		t.Errorf("citation %q, want %q", p.Citation, want)
	}
	n, ok := c.Paragraph("kuromiya-mamoulia2016:ch6:n35")
	if !ok {
		t.Fatal("no note 35")
	}
	if want := "Kuromiya and Mamoulia, The Eurasian Triangle (2016), ch. 6, p. 135 n. 35"; n.Citation != want {
		t.Errorf("note citation %q, want %q", n.Citation, want)
	}
	if !strings.HasSuffix(n.Text, "I.303.4.2015.") || !strings.Contains(n.Text, "66, no. 5 (July 2014), 777.") {
		t.Errorf("note 35 is not whole: %q", n.Text)
	}
	e := recordContaining(t, c, "linkhoeva2020-ch3", "Sometime in the spring of 1922")
	if e.Page.Start != 0 || e.Citation != "Linkhoeva, “The Anti-Western Revolution” (2020), ¶2" {
		t.Errorf("page %+v, citation %q", e.Page, e.Citation)
	}
	if !e.HasFlag(FlagNoteTextMissing) || e.NoteRefs[0].NoteID != "" {
		t.Errorf("a marker with no note text must be flagged and unresolved: %v %v", e.Flags, e.NoteRefs)
	}
}
