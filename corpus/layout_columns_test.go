package corpus

import (
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// columnsDean is the Dean report, the default corpus's two-column OCR.
func columnsDean(t testing.TB) *Document {
	t.Helper()
	d, ok := loadDefaultCorpus(t).Doc("dean1932")
	if !ok {
		t.Fatal("no document dean1932")
	}
	return d
}

// columnsRecord returns the only record of d whose text contains s.
func columnsRecord(t *testing.T, d *Document, s string) *Paragraph {
	t.Helper()
	var found *Paragraph
	for i := range d.Paragraphs {
		if strings.Contains(d.Paragraphs[i].Text, s) {
			if found != nil {
				t.Fatalf("%q is in %s and %s", s, found.ID, d.Paragraphs[i].ID)
			}
			found = &d.Paragraphs[i]
		}
	}
	if found == nil {
		t.Fatalf("no record contains %q", s)
	}
	return found
}

// The cases of corpus-notes.md §7 for the Dean report, and the breaks they
// stand for.
func TestColumns_Cases(t *testing.T) {
	d := columnsDean(t)
	cases := []struct {
		name  string
		find  string // picks the record
		want  string // in its text, markers as [^n]
		kind  Kind
		pages Pages
	}{
		{"18 OCR ¬ soft hyphen and a spaced marker", "sphere of influence",
			"long recognized as Russia’s sphere of influence,[^1] and the consequent paralysis of the Chinese Eastern Railway,[^2] jointly managed",
			KindBody, Pages{Start: 136, Exact: true}},
		{"19 ¬ that is a real hyphen", "reluctance to consider",
			"Japan’s reluctance to consider a non-aggression pact produced an unfavorable impression in Moscow.",
			KindBody, Pages{Start: 143, Exact: true}},
		{"20 page break through notes and furniture, label 61 read as 51", "only country which",
			"the U. S. S. R.—“the only country which practices a policy of peace and pursues no selfish aims in the Far East.”[^51]",
			KindBody, Pages{Start: 142, End: 143, Exact: true}},
		{"21 drop cap", "occupation of North Manchuria, long",
			"JAPAN’S occupation of North Manchuria, long recognized",
			KindBody, Pages{Start: 136, Exact: true}},
		{"de- continues after notes, masthead and furniture", "evacuation, but de",
			"could not effect an immediate evacuation, but denied that it had any designs on Russian territory.",
			KindBody, Pages{Start: 136, End: 137, Exact: true}},
		{"column break inside a sentence", "still fresh in the Soviet",
			"are still fresh in the Soviet Union. The avowed purpose of this intervention,",
			KindBody, Pages{Start: 136, Exact: true}},
		{"marker misread as 1 and a symbol", "established at Urga",
			"Moscow was established at Urga.[^17] Having repudiated",
			KindBody, Pages{Start: 138, End: 139, Exact: true}},
		{"quote that closes nothing is a marker, one that closes stays", "“these most sacred principles.”",
			"“these most sacred principles.”[^25] The American note",
			KindBody, Pages{Start: 140, Exact: true}},
		{"a dagger read as f", "quite unfounded",
			"which are quite unfounded,[^47] shameless and provocative.”",
			KindBody, Pages{Start: 142, Exact: true}},
		{"numbers that are not markers stay", "Article 3 of the",
			"was indicated in Article 3 of the agreement",
			KindBody, Pages{Start: 138, End: 139, Exact: true}},
		{"a note continued in the next column", "Banque du Nord",
			"In 1910 the Russo-Chinese bank was merged with the Banque du Nord, a Paris institution,",
			KindNote, Pages{Start: 136, Exact: true}},
		{"a note's last line alone after a blank", "JTbid., April 5, 1932",
			"(Japan on the Scene of War and Revolution), JTbid., April 5, 1932, p. 61.",
			KindNote, Pages{Start: 141, Exact: true}},
		{"junk after a note's last word", "Hallett Abend, New York Times , May 22",
			"Hallett Abend, New York Times , May 22, 1932.",
			KindNote, Pages{Start: 139, Exact: true}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := columnsRecord(t, d, c.find)
			if got := textWithAnchors(p); !strings.Contains(got, c.want) {
				t.Errorf("%s:\n got %q\nwant …%q…", p.ID, got, c.want)
			}
			if p.Kind != c.kind {
				t.Errorf("%s: kind %s, want %s", p.ID, p.Kind, c.kind)
			}
			if p.Page != c.pages {
				t.Errorf("%s: pages %+v, want %+v", p.ID, p.Page, c.pages)
			}
		})
	}
}

// Garbled note labels are read by their place in the sequence.
func TestColumns_NoteLabels(t *testing.T) {
	cases := []struct{ label, opens string }{
		{"6a", "League of Nations Treaty Series, No. LXXX (1928)"},
		{"20", "The China Year Book, 19S1"},    // no dot
		{"45", "New York Times, and New York"}, // "6 ' ii^New York"
		{"47", "Walter Duranty, New York Times , November 15"},
		{"72a", "New York Times, April 19, 1932"},
		{"81", "j?ew York Times, June 3, 1932."}, // "31 ."
		{"84", "Il)id., May 13, 1932."},
	}
	for _, c := range cases {
		p, ok := loadDefaultCorpus(t).Paragraph("dean1932:n" + c.label)
		if !ok {
			t.Errorf("no note %s", c.label)
			continue
		}
		if !strings.HasPrefix(p.Text, c.opens) {
			t.Errorf("note %s: %q, want it to open with %q", c.label, p.Text, c.opens)
		}
	}
	if p, _ := loadDefaultCorpus(t).Paragraph("dean1932:n44"); p == nil || !p.HasFlag(FlagNoteTruncated) {
		t.Error("note 44, which breaks off on a word, is not flagged note_truncated")
	}
}

func TestColumns_Counts(t *testing.T) {
	d := columnsDean(t)
	s := d.Stats
	if d.Profile != ProfileOCRColumns {
		t.Errorf("profile %s", d.Profile)
	}
	if n := s.ByKind[KindBody]; n < 49 || n > 55 {
		t.Errorf("%d body paragraphs, want 52±3", n)
	}
	if n := s.ByKind[KindHeading]; n != 0 {
		t.Errorf("%d headings, want none", n)
	}
	var labels []string
	for _, p := range d.Paragraphs {
		if p.Kind == KindNote {
			labels = append(labels, p.NoteLabel)
		}
	}
	var want []string
	for i := 1; i <= 84; i++ {
		want = append(want, strconv.Itoa(i))
		if i == 6 || i == 72 {
			want = append(want, strconv.Itoa(i)+"a")
		}
	}
	if !slices.Equal(labels, want) {
		t.Errorf("note labels in reading order:\n got %v\nwant %v", labels, want)
	}
	// 83 of 86 notes are anchored; the markers of three are lost in the
	// OCR. Fewer means markers are missed, more that text is taken for them.
	anchored := map[string]bool{}
	for _, p := range d.Paragraphs {
		for _, r := range p.NoteRefs {
			if anchored[r.Label] {
				t.Errorf("note %s has two markers", r.Label)
			}
			anchored[r.Label] = true
		}
	}
	if n := len(anchored); n < 82 || n > 84 {
		t.Errorf("%d notes anchored, want 83±1", n)
	}
	if s.UnresolvedRefs != 0 {
		t.Errorf("%d unresolved references", s.UnresolvedRefs)
	}
}

func TestColumns_Pages(t *testing.T) {
	d := columnsDean(t)
	if d.Stats.Pages != [2]int{136, 146} {
		t.Errorf("pages %v, want 136–146", d.Stats.Pages)
	}
	seen := map[int]bool{}
	for _, p := range d.Paragraphs {
		if !p.Page.Exact || p.Page.Start < 136 || max(p.Page.Start, p.Page.End) > 146 {
			t.Errorf("%s: pages %+v", p.ID, p.Page)
		}
		for pg := p.Page.Start; pg <= max(p.Page.Start, p.Page.End); pg++ {
			seen[pg] = true
		}
	}
	for pg := 136; pg <= 146; pg++ {
		if !seen[pg] {
			t.Errorf("no record on p. %d", pg)
		}
	}
	// Pages without a printed folio: the first, and 144 and 146 whose
	// folios the OCR lost; the column-2 notes of p. 142 precede p. 143.
	for id, page := range map[string]int{"dean1932:n2": 136, "dean1932:n61": 144, "dean1932:n84": 146, "dean1932:n50": 142} {
		if p, ok := loadDefaultCorpus(t).Paragraph(id); !ok || p.Page.Start != page {
			t.Errorf("%s: not on p. %d", id, page)
		}
	}
}

// What must never reach a quotation from the Dean report.
func TestColumns_NoNoise(t *testing.T) {
	d := columnsDean(t)
	noise := []struct {
		name  string
		re    *regexp.Regexp
		notes bool // also checked in notes
	}{
		{"date line", regexp.MustCompile(`August 1\s?7\s?,\s?1932`), false},
		{"running title", regexp.MustCompile(`The Soviet Union and Japan in the Far East`), true},
		{"masthead", regexp.MustCompile(`Published bi-weekly|Subscription Rates|Research Associates`), true},
		{"folio", regexp.MustCompile(`\b1[34]\d\b`), false},
		{"OCR hyphen", regexp.MustCompile(`¬`), true},
		{"line-end hyphen", regexp.MustCompile(`\p{Ll}- \p{Ll}`), true},
		{"stray f", regexp.MustCompile(`(?:^|\s)f(?:\s|$)`), true},
		{"marker left in", regexp.MustCompile(`[.,;:”’"] \d{1,2}[a-z]?(?:\s|$)|[*™®°†]`), false},
		{"OCR junk", regexp.MustCompile(`[„^]`), true},
	}
	var noteOpenings []string
	for _, p := range d.Paragraphs {
		if p.Kind == KindNote && len(p.Text) > 30 {
			noteOpenings = append(noteOpenings, p.Text[:30])
		}
	}
	for _, p := range d.Paragraphs {
		for _, n := range noise {
			if p.Kind == KindNote && !n.notes {
				continue
			}
			if loc := n.re.FindStringIndex(p.Text); loc != nil {
				t.Errorf("%s: %s: …%s…", p.ID, n.name, p.Text[max(loc[0]-30, 0):min(loc[1]+30, len(p.Text))])
			}
		}
		if p.Kind != KindBody {
			continue
		}
		for _, o := range noteOpenings {
			if strings.Contains(p.Text, o) {
				t.Errorf("%s: holds note text %q", p.ID, o)
			}
		}
		for _, r := range p.NoteRefs {
			// A marker stands after a word or punctuation, before a space.
			if r.Offset == 0 || p.Text[r.Offset-1] == ' ' || r.Offset < len(p.Text) && p.Text[r.Offset] != ' ' {
				t.Errorf("%s: marker %s at %d: …%s|%s…", p.ID, r.Label, r.Offset, p.Text[max(r.Offset-20, 0):r.Offset], p.Text[r.Offset:min(r.Offset+20, len(p.Text))])
			}
		}
	}
}

// The segmenter on a small page: furniture found by repetition, the first
// page numbered from the next folio, a page without folio counted, the
// manifest's page_starts, a paragraph across a page break and one that
// ends at a column's foot, notes by width, a garbled label and a marker.
func TestColumns_SmallFixture(t *testing.T) {
	body := "Tokyo fears that the Soviet government will\nchallenge its hold on Manchuria, 1 which any\n"
	note := "1. A note set in smaller type, so that its lines are wider than the\nbody's lines.\n"
	text := "J APAN’S occupation of North Manchuria was\nlong feared in Moscow.\n\n" + body + "\n" + note +
		"\n\nRunning Title\n\n\n101\n\n\ngreat power would regard as a hostile act\nwhile Japan’s army waits.\n\n" +
		"9 ' zz^Garbled label of a note whose lines are wider than the\nbody's lines, as notes are.\n\n3. Third note, short.\n" +
		"\n\nRunning Title\n\n\nA new paragraph opens on this page and it\nends here.\n\n\nRunning Title\n\n\n103\n\n\nThe last page.\n"
	in, err := newDocInput("fixture.txt", []byte(text), DocManifest{File: "fixture.txt", Meta: DocMeta{ID: "fx"}})
	if err != nil {
		t.Fatal(err)
	}
	seg, err := segmentOCRColumns(in)
	if err != nil {
		t.Fatal(err)
	}
	type rec struct {
		kind  Kind
		label string
		first string
		pages []int
		refs  int
	}
	var got []rec
	for _, b := range seg.blocks {
		r := rec{kind: b.kind, label: b.label, first: strings.TrimSpace(b.lines[0].text), refs: len(b.refs)}
		for _, l := range b.lines {
			if !slices.Contains(r.pages, l.page) {
				r.pages = append(r.pages, l.page)
			}
		}
		got = append(got, r)
	}
	want := []rec{
		{KindBody, "", "JAPAN’S occupation of North Manchuria was", []int{100}, 0},
		{KindBody, "", "Tokyo fears that the Soviet government will", []int{100, 101}, 1},
		{KindNote, "1", "A note set in smaller type, so that its lines are wider than the", []int{100}, 0},
		{KindNote, "2", "Garbled label of a note whose lines are wider than the", []int{101}, 0},
		{KindNote, "3", "Third note, short.", []int{101}, 0},
		{KindBody, "", "A new paragraph opens on this page and it", []int{102}, 0},
		{KindBody, "", "The last page.", []int{103}, 0},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got\n%v\nwant\n%v", got, want)
	}
	if seg.markers != MarkersOCR {
		t.Errorf("markers %q", seg.markers)
	}

	// The manifest's page_starts override what the furniture says.
	in.entry.Layout.PageStarts = map[int]int{50: 1}
	seg, _ = segmentOCRColumns(in)
	if p := seg.blocks[0].lines[0].page; p != 50 {
		t.Errorf("page_starts: first line on p. %d, want 50", p)
	}
}

func TestColumns_Helpers(t *testing.T) {
	attested := func(w string) bool { return w == "JAPAN’S" || w == "NEW" }
	for _, c := range []struct{ in, want string }{
		{"J APAN’S occupation", "JAPAN’S occupation"},
		{"A NEW policy", "A NEW policy"},
		{"A merican", "A merican"},
		{"Japan’S occupation", "Japan’S occupation"},
	} {
		if got := columnsDropCap(c.in, attested); got != c.want {
			t.Errorf("columnsDropCap(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	for _, c := range []struct{ in, want string }{
		{"Times , May 22, 1932. , „ .. ^ ", "Times , May 22, 1932."},
		{"from any act . . . ", "from any act . . . "},
		{"relations with Japan.” 7 * ", "relations with Japan.” 7 * "},
		{"^", ""},
	} {
		if got := columnsTrimJunk(c.in); got != c.want {
			t.Errorf("columnsTrimJunk(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	for _, c := range []struct {
		a, b string
		want bool
	}{{"31", "81", true}, {"6b", "66", true}, {"1S", "15", true}, {"86", "35", false}, {"6", "45", false}, {"", "", false}} {
		if got := columnsConfusable(c.a, c.b); got != c.want {
			t.Errorf("columnsConfusable(%q, %q) = %v", c.a, c.b, got)
		}
	}
	for _, c := range []struct {
		before, tok string
		text        bool
	}{
		{"p.", "12", true}, {"No.", "8", true}, {"March", "8", true}, {"Sept.", "18", true},
		{"tember", "18", true}, {"tember", "82", false}, {"Kiakhta.", "13", false}, {"l.", "72a", false},
		{"mayor", "3", false},
	} {
		if got := columnsTextNumber(c.before, c.tok); got != c.text {
			t.Errorf("columnsTextNumber(%q, %q) = %v", c.before, c.tok, got)
		}
	}
	if a, b := furnitureKey("August 17 , 1932 "), furnitureKey("August 17, 1932"); a != b {
		t.Errorf("furniture keys differ: %q, %q", a, b)
	}
	for _, c := range []struct {
		last, next string
		ends       bool
	}{
		{"could obtain it by joint action. 40", "Developments in Manchuria had mean¬", true},
		{"1918-1920, are still fresh in the Soviet", "Union. The avowed purpose of this inter¬", false},
		{"is almost entirely officered by Russians, and ended.", "Bank, which owns 50 per cent", false},
		{"ends here.", "and goes on", false},
	} {
		if got := columnsParaEnds(c.last, c.next, 43); got != c.ends {
			t.Errorf("columnsParaEnds(%q, %q) = %v", c.last, c.next, got)
		}
	}
}

// An absurdly long text keeps its markers rather than exhaust memory.
func TestColumns_AlignIsBounded(t *testing.T) {
	cands := make([]columnsCand, 1<<12+1)
	notes := make([]columnsNote, 1<<12)
	for _, m := range columnsAlign(cands, notes) {
		if m >= 0 {
			t.Fatal("aligned beyond the bound")
		}
	}
	if m := columnsAlign([]columnsCand{{digits: "1", strong: true}}, []columnsNote{{label: "1"}}); m[0] != 0 {
		t.Errorf("a marker 1 and a note 1: %v", m)
	}
}

// The segmenter takes a few milliseconds of the pipeline's budget.
func BenchmarkColumns_Segment(b *testing.B) {
	data, err := defaultFS.ReadFile("defaultcorpus/003_be1d1abdf54f382f.txt")
	if err != nil {
		b.Fatal(err)
	}
	yaml, err := defaultFS.ReadFile("defaultcorpus/" + ManifestFile)
	if err != nil {
		b.Fatal(err)
	}
	m, err := ParseManifest(yaml)
	if err != nil {
		b.Fatal(err)
	}
	in, err := newDocInput("003_be1d1abdf54f382f.txt", data, m.entryFor("003_be1d1abdf54f382f.txt"))
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := segmentOCRColumns(in); err != nil {
			b.Fatal(err)
		}
	}
}
