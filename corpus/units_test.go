package corpus

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"testing/fstest"
)

func TestJoinLines_DecidesHyphensByAttestedSpelling(t *testing.T) {
	v := newVocab()
	v.add([]string{
		"maintaining the ratio; a non-aggression pact; the non-aggression pact; decision-making",
		"co-operate and cooperate and co-operate",
	}, false)
	cases := []struct {
		name  string
		lines []string
		nRule bool
		want  string
	}{
		{"solid form attested joins", []string{"by main-", "taining a set ratio"}, false, "by maintaining a set ratio"},
		{"capital continuation keeps", []string{"the Russo-", "Japanese War"}, false, "the Russo-Japanese War"},
		{"hyphenated form attested keeps", []string{"the decision-", "making process"}, false, "the decision-making process"},
		{"more often hyphenated keeps", []string{"to co-", "operate"}, false, "to co-operate"},
		{"OCR not-sign joins", []string{"sphere of in¬ ", "fluence, and"}, false, "sphere of influence, and"},
		{"OCR not-sign keeps an attested hyphen", []string{"a non¬ ", "aggression pact"}, false, "a non-aggression pact"},
		{"prefix keeps when solid unattested", []string{"anti-", "foreign riots"}, false, "anti-foreign riots"},
		{"romanisation rule", []string{"Kamei Kan-", "ichiro and"}, true, "Kamei Kan-ichiro and"},
		{"no romanisation rule joins", []string{"Kamei Kan-", "ichiro and"}, false, "Kamei Kanichiro and"},
		{"unknown words join", []string{"impera-", "tives of"}, false, "imperatives of"},
		{"dash joins without space", []string{"Jiang Jieshi, 1887– ", "1975). According"}, false, "Jiang Jieshi, 1887–1975). According"},
		{"digits keep", []string{"pp. 12-", "14"}, false, "pp. 12-14"},
		{"plain lines join with one space", []string{"one two   ", "  three"}, false, "one two three"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var lines []rawLine
			for i, l := range tc.lines {
				lines = append(lines, rawLine{no: i + 1, text: l})
			}
			got, _, _ := joinLines(lines, v, joinOptions{nRule: tc.nRule})
			if got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestExtractGlued_ValidatesBySequence(t *testing.T) {
	cases := []struct {
		name, in string
		next     int
		want     string
		labels   []string
	}{
		{"after a year", "which Gotō founded in 1906.8 Mitsukawa", 8, "which Gotō founded in 1906. Mitsukawa", []string{"8"}},
		{"glued to a capital", "Inner Mongolia.111Kuhara also", 111, "Inner Mongolia. Kuhara also", []string{"111"}},
		{"after a quote", "imperialist.”30 In fact,", 30, "imperialist.” In fact,", []string{"30"}},
		{"after a comma and bracket", "(1886–1940),4 the commander", 4, "(1886–1940), the commander", []string{"4"}},
		{"a decimal that is not next", "rose by 3.5 million", 9, "rose by 3.5 million", nil},
		{"a number out of sequence", "the year 1925.87 Then", 12, "the year 1925.87 Then", nil},
		{"small gap allowed", "Japan.1 War.4 Peace", 1, "Japan. War. Peace", []string{"1", "4"}},
		{"end of text", "crushed.7", 7, "crushed.", []string{"7"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, refs := extractGlued(tc.in, &markerSeq{next: tc.next})
			if got != tc.want {
				t.Errorf("text %q, want %q", got, tc.want)
			}
			var labels []string
			for _, r := range refs {
				labels = append(labels, r.Label)
				if before := got[:r.Offset]; r.Offset == 0 || r.Offset > len(got) || !strings.HasSuffix(before, ".") && !strings.HasSuffix(before, "”") && !strings.HasSuffix(before, ",") {
					t.Errorf("ref %v does not follow the word it marks in %q", r, got)
				}
			}
			if strings.Join(labels, ",") != strings.Join(tc.labels, ",") {
				t.Errorf("labels %v, want %v", labels, tc.labels)
			}
		})
	}
}

func TestSplitSentences_KeepsAbbreviationsAndInitials(t *testing.T) {
	cases := []struct {
		in   string
		want []string
	}{
		{"Iosif V. Stalin was determined. He went on.", []string{"Iosif V. Stalin was determined.", "He went on."}},
		{"Sergei Iu. Witte denied the bribe. He lied.", []string{"Sergei Iu. Witte denied the bribe.", "He lied."}},
		{"See p. 31 and cf. Dr. Smith. Then U. S. S. R. troops came.", []string{"See p. 31 and cf. Dr. Smith.", "Then U. S. S. R. troops came."}},
		{"It ended in 1906. Mitsukawa left.", []string{"It ended in 1906.", "Mitsukawa left."}},
		{"He said, “No.” Then he left!", []string{"He said, “No.”", "Then he left!"}},
		{"Why? Because.", []string{"Why?", "Because."}},
		{"no end", []string{"no end"}},
	}
	for _, tc := range cases {
		var got []string
		for _, s := range splitSentences(tc.in) {
			got = append(got, tc.in[s.Start:s.End])
		}
		if strings.Join(got, "|") != strings.Join(tc.want, "|") {
			t.Errorf("%q:\n got %q\nwant %q", tc.in, got, tc.want)
		}
	}
}

func TestRepairLigatures_OnlyUnambiguousAttestedWords(t *testing.T) {
	v := newVocab()
	v.add([]string{"confidence confidence difficult difficult affairs affairs fight fight fine fine"}, false)
	got, ins := repairLigatures("the condence and dicult aairs; a ght; ne ex state", v)
	if want := "the confidence and difficult affairs; a fight; ne ex state"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if len(ins) != 4 {
		t.Errorf("%d insertions, want 4", len(ins))
	}
}

func TestParseManifest_RejectsMistakes(t *testing.T) {
	cases := []struct{ name, yaml, want string }{
		{"unknown field", "documents:\n  - file: a.txt\n    titel: X\n", "titel"},
		{"duplicate id", "documents:\n  - {file: a.txt, id: x}\n  - {file: b.txt, id: x}\n", "used by a.txt and b.txt"},
		{"bad id", "documents:\n  - {file: a.txt, id: 'a b'}\n", "letters, digits"},
		{"bad regexp", "documents:\n  - file: a.txt\n    layout: {drop: ['(']}\n", "drop pattern"},
		{"bad profile", "documents:\n  - file: a.txt\n    layout: {profile: scroll}\n", "unknown layout profile"},
		{"bad line range", "documents:\n  - file: a.txt\n    overrides: {block_quotes: [[5, 2]]}\n", "line range"},
		{"no file", "documents:\n  - {id: x}\n", "has no file"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseManifest([]byte(tc.yaml))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one mentioning %q", err, tc.want)
			}
		})
	}
}

func TestLoad_ErrorsAreSpecific(t *testing.T) {
	cases := []struct {
		name string
		fs   fstest.MapFS
		want string
	}{
		{"empty directory", fstest.MapFS{}, ErrEmpty.Error()},
		{"not UTF-8", fstest.MapFS{"a.txt": {Data: []byte("good line\nbad \xff byte\n")}}, "a.txt: not UTF-8 text (invalid byte at line 2)"},
		{"listed file missing", fstest.MapFS{"a.txt": {Data: []byte("x")}, "corpus.yaml": {Data: []byte("documents:\n  - file: b.txt\n")}}, "lists b.txt"},
		{"two files, one id", fstest.MapFS{"a b.txt": {Data: []byte("x")}, "a-b.txt": {Data: []byte("y")}}, "both have the document id"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Load(tc.fs)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
	if _, err := Load(fstest.MapFS{}); !errors.Is(err, ErrEmpty) {
		t.Errorf("empty corpus: %v is not ErrEmpty", err)
	}
}

// A text with no manifest entry still loads, with the generic rules and a
// title from its file name.
func TestLoad_FileWithoutManifestEntry(t *testing.T) {
	text := "A Short History\n\nThe treaty was signed in 1925.1 It lasted.\n\nA second paragraph, with a line-\nbreak inside it.\n"
	c, err := Load(fstest.MapFS{"my_notes-1925.txt": {Data: []byte(text)}})
	if err != nil {
		t.Fatal(err)
	}
	d := c.Docs[0]
	if d.Meta.ID != "my-notes-1925" || d.Meta.Title != "my notes 1925" {
		t.Errorf("meta %+v", d.Meta)
	}
	var texts []string
	for _, p := range d.Paragraphs {
		texts = append(texts, string(p.Kind)+": "+p.Text)
	}
	want := []string{"heading: A Short History", "body: The treaty was signed in 1925. It lasted.", "body: A second paragraph, with a linebreak inside it."}
	if strings.Join(texts, "\n") != strings.Join(want, "\n") {
		t.Errorf("records:\n%s\nwant:\n%s", strings.Join(texts, "\n"), strings.Join(want, "\n"))
	}
	if p := d.Paragraphs[1]; p.Citation != "my notes 1925, ¶1" || len(p.NoteRefs) != 1 {
		t.Errorf("citation %q refs %v", p.Citation, p.NoteRefs)
	}
}

func TestBibliography(t *testing.T) {
	c := loadDefaultCorpus(t)
	want := map[string]string{
		"kuromiya2023":          "Kuromiya, Hiroaki. Stalin, Japan, and the Struggle for Supremacy over China, 1894–1945. Routledge Open History. Abingdon and New York: Routledge, 2023. https://doi.org/10.4324/9781003203353.",
		"linkhoeva2020-ch3":     "Linkhoeva, Tatiana. “The Anti-Western Revolution.” Chap. 3 in Revolution Goes East: Imperial Japan and Soviet Communism. Ithaca, NY: Cornell University Press, 2020.",
		"bridges1980":           "Bridges, Brian. “Yoshizawa Kenkichi and the Soviet–Japanese Non-aggression Pact Proposal.” Modern Asian Studies 14, no. 1 (1980): 111–127.",
		"dean1932":              "Dean, Vera Micheles. “The Soviet Union and Japan in the Far East.” Foreign Policy Reports 8, no. 12 (August 17, 1932): 136–146. New York: Foreign Policy Association, 1932.",
		"kuromiya-mamoulia2016": "Kuromiya, Hiroaki, and Georges Mamoulia. The Eurasian Triangle: Russia, the Caucasus and Japan, 1904–1945. Warsaw and Berlin: De Gruyter Open, 2016, p. 135.",
	}
	for id, w := range want {
		d, _ := c.Doc(id)
		if got := d.Meta.Bibliography(); got != w {
			t.Errorf("%s:\n got %s\nwant %s", id, got, w)
		}
	}
}

// The layout profile measured from each default text is the one its
// manifest states, so a new text of the same kind needs no profile hint.
func TestMeasureProfile_MatchesTheManifest(t *testing.T) {
	data, err := fsReadDefault(ManifestFile)
	if err != nil {
		t.Fatal(err)
	}
	m, err := ParseManifest([]byte(data))
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range m.Documents {
		text, err := fsReadDefault(d.File)
		if err != nil {
			t.Fatal(err)
		}
		if got := measureProfile(strings.Split(text, "\n")); got != d.Layout.Profile {
			t.Errorf("%s: measured %s, manifest says %s", d.File, got, d.Layout.Profile)
		}
	}
}

func TestLeadIn_TheBodyParagraphBeforeAQuote(t *testing.T) {
	kinds := []Kind{KindBody, KindBlockQuote, KindNote, KindBlockQuote, KindHeading, KindBlockQuote, KindBody}
	d := &Document{Meta: DocMeta{ID: "d"}}
	for i, k := range kinds {
		d.Paragraphs = append(d.Paragraphs, Paragraph{ID: fmt.Sprintf("d:%d", i), Doc: "d", Kind: k})
	}
	c := &Corpus{Docs: []*Document{d}}
	c.index()
	for id, want := range map[string]string{
		"d:1": "d:0", // right after its lead-in
		"d:3": "d:0", // past a note and the quote's first paragraph
		"d:5": "",    // a heading between: no lead-in
		"d:6": "",    // not a quote
	} {
		got, ok := c.LeadIn(id)
		if ok != (want != "") || ok && got.ID != want {
			t.Errorf("LeadIn(%s) = %v, %v; want %q", id, got, ok, want)
		}
	}
}
