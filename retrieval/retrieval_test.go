package retrieval

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/ibidbot/ibid/corpus"
)

var (
	sharedOnce sync.Once
	sharedIx   *Index
	sharedErr  error
	sharedDir  string
)

func TestMain(m *testing.M) {
	code := m.Run()
	if sharedIx != nil {
		sharedIx.Close()
	}
	if sharedDir != "" {
		os.RemoveAll(sharedDir)
	}
	os.Exit(code)
}

// defaultIndex builds the index of the default corpus once per test binary.
func defaultIndex(t testing.TB) *Index {
	t.Helper()
	sharedOnce.Do(func() {
		c, err := corpus.LoadDefault()
		if err != nil {
			sharedErr = err
			return
		}
		if sharedDir, sharedErr = os.MkdirTemp("", "ibid-retrieval-"); sharedErr != nil {
			return
		}
		sharedIx, _, sharedErr = Open(context.Background(), sharedDir, c, false, nil)
	})
	if sharedErr != nil {
		t.Fatal(sharedErr)
	}
	return sharedIx
}

func TestSearch_FindsTheAnsweringParagraphFirst(t *testing.T) {
	ix := defaultIndex(t)
	cases := []struct {
		question, want string
		within         int // rank the paragraph must reach; 1 when zero
	}{
		{"Who published the first complete Japanese translation of Das Kapital?", "published the first complete Japanese translation of Karl Marx", 0},
		{"In which city did confidential Soviet-Japanese contacts begin in the summer of 1921?", "The initial contact began confidentially in Warsaw", 0},
		// the quote answers; its lead-in says who wrote it and when
		{"In the British reply of 1937 to the Japanese, which dominion's pressure was decisive in ending the Alliance?", "the pressure from Canada had not been enormous and finally decisive", 5},
		// an abbreviation the book defines: the paragraph says "FER"
		{"In which Siberian city was the Far Eastern Republic founded in 1920?", "The FER was a buffer state founded in 1920 in Verkhneudinsk", 0},
		// folding: no macron in the question
		{"What did Kalinin say about Moscow's confidence?", "Moscow’s confidence was apparent", 0},
	}
	for _, tc := range cases {
		hits, err := ix.Search(context.Background(), tc.question, Options{K: 5})
		if err != nil {
			t.Fatalf("%q: %v", tc.question, err)
		}
		within := max(tc.within, 1)
		found := false
		for _, h := range hits[:min(within, len(hits))] {
			found = found || strings.Contains(h.Paragraph.Text, tc.want)
		}
		if !found {
			var got []string
			for _, h := range hits {
				got = append(got, h.Paragraph.ID)
			}
			t.Errorf("%q: the paragraph with %q is not in the first %d; got %v", tc.question, tc.want, within, got)
		}
	}
}

func TestSearch_FoldsDiacriticsTypographyAndHyphens(t *testing.T) {
	ix := defaultIndex(t)
	cases := []struct{ query, wantInText string }{
		{"Goto Shinpei", "Gotō"},
		{"Soviet Russias intentions Mitsukawa", "Mitsukawa"},
		{"nonaggression pact Litvinov Yoshizawa", "non-aggression"},
		{"Toho jiron Mitsukawa", "Tōhō jiron"},
	}
	for _, tc := range cases {
		hits, err := ix.Search(context.Background(), tc.query, Options{K: 3})
		if err != nil {
			t.Fatal(err)
		}
		if len(hits) == 0 || !strings.Contains(hits[0].Paragraph.Text, tc.wantInText) {
			t.Errorf("%q: top hit lacks %q", tc.query, tc.wantInText)
		}
	}
}

func TestSearch_AliasesAcrossRomanisations(t *testing.T) {
	ix := defaultIndex(t)
	// Dean (1932) writes Chang Tso-lin's era in Wade–Giles; Kuromiya writes
	// Zhang Zuolin. Asking with one spelling finds the other.
	hits, err := ix.Search(context.Background(), "the assassination of Chang Tso-lin", Options{K: 5})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, h := range hits {
		if strings.Contains(h.Paragraph.Text, "Zhang Zuolin") {
			found = true
		}
	}
	if !found {
		t.Errorf("no Zhang Zuolin paragraph among the hits for Chang Tso-lin")
	}
}

func TestSearch_QuerySyntaxMeansWords(t *testing.T) {
	ix := defaultIndex(t)
	for _, q := range []string{`Stalin: "Japan`, `+Tanaka -Memorial`, `Kuhara~ (Hitachi)*`, `a:b:c ^ \ /[a-z/`, `title:Stalin AND`} {
		if _, err := ix.Search(context.Background(), q, Options{}); err != nil {
			t.Errorf("%q: %v", q, err)
		}
	}
	hits, err := ix.Search(context.Background(), `"Tanaka Memorial" (forgery)`, Options{K: 3})
	if err != nil || len(hits) == 0 || !strings.Contains(hits[0].Paragraph.Text, "Tanaka Memorial") {
		t.Errorf("quotes and parentheses should just be words: %v", err)
	}
}

func TestSearch_ScopeAndErrors(t *testing.T) {
	ix := defaultIndex(t)
	ctx := context.Background()
	hits, err := ix.Search(ctx, "Soviet Union Japan war", Options{K: 10, Scope: Scope{Doc: "dean1932"}})
	if err != nil || len(hits) == 0 {
		t.Fatalf("scoped search: %v, %d hits", err, len(hits))
	}
	for _, h := range hits {
		if h.Paragraph.Doc != "dean1932" {
			t.Errorf("hit %s outside the scope", h.Paragraph.ID)
		}
	}
	for _, tc := range []struct {
		q     string
		scope Scope
		want  string
	}{
		{"   ", Scope{}, ErrEmptyQuery.Error()},
		{"?!", Scope{}, ErrEmptyQuery.Error()},
		{strings.Repeat("Stalin ", 400), Scope{}, "longer than"},
		{"Stalin", Scope{Doc: "nosuch"}, `no document "nosuch"`},
		{"Stalin", Scope{Doc: "kuromiya2023", Division: "ch9"}, `no chapter "ch9"`},
	} {
		if _, err := ix.Search(ctx, tc.q, Options{Scope: tc.scope}); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%.20q: error %v, want %q", tc.q, err, tc.want)
		}
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := ix.Search(cctx, "Stalin", Options{}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled context: %v", err)
	}
}

func TestCite_ExactAndFuzzyFragments(t *testing.T) {
	ix := defaultIndex(t)
	cases := []struct {
		name, fragment, want string
		exact                bool
	}{
		{"exact, other case and punctuation", "THIS IS THE GREATEST SERVICE TO JAPAN THAT ANYONE COULD POSSIBLY RENDER", "This is the greatest service to Japan that anyone could possibly render.", true},
		{"changed word", "the road to Paris and London lay via the towns of", "the road to Paris and London lies via the towns of Afghanistan", false},
		{"missing words and a typo", "the Tanaka Memorial one of the most spectaculr active measures", "made the Tanaka Memorial one of the most spectacular of all active measures", false},
		{"quoted inside a question", `Who wrote "if we beat Japan no scoundrel in the West would poke his nose"?`, "If we beat Japan, no scoundrel in the West would poke his nose into our affairs.", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			qs, err := ix.Cite(context.Background(), tc.fragment, Scope{}, 3)
			if err != nil || len(qs) == 0 {
				t.Fatalf("%v, %d quotes", err, len(qs))
			}
			q := qs[0]
			if !strings.Contains(q.Text(), tc.want) {
				t.Errorf("quote %q lacks %q", q.Text(), tc.want)
			}
			if q.Exact != tc.exact || (q.Exact && q.Confidence != 1) || (!q.Exact && q.Confidence >= 1) {
				t.Errorf("exact %v confidence %.2f", q.Exact, q.Confidence)
			}
			if q.Paragraph.Text[q.Start:q.End] != q.Text() {
				t.Error("the quote is not cut from the paragraph by its offsets")
			}
		})
	}
	if qs, err := ix.Cite(context.Background(), "zebra quantum blockchain synergy", Scope{}, 1); err != nil || len(qs) != 0 {
		t.Errorf("unrelated words must find nothing: %v %v", qs, err)
	}
	if _, err := ix.Cite(context.Background(), "Stalin", Scope{}, 1); err == nil {
		t.Error("a one-word fragment must be refused")
	}
}

// The index is rebuilt when the corpus changes and reused when it does not.
func TestOpen_RebuildsWhenTheCorpusChanges(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	load := func(text string) *corpus.Corpus {
		c, err := corpus.Load(fstest.MapFS{"a.txt": {Data: []byte(text)}})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	c1 := load("The treaty was signed in Moscow in 1941.\n")
	ix, rep, err := Open(ctx, dir, c1, false, nil)
	if err != nil || !rep.Built {
		t.Fatalf("first open: built=%v err=%v", rep.Built, err)
	}
	ix.Close()
	ix, rep, err = Open(ctx, dir, c1, false, nil)
	if err != nil || rep.Built {
		t.Fatalf("second open must reuse the index: built=%v err=%v", rep.Built, err)
	}
	ix.Close()
	c2 := load("The pact was signed in Tokyo in 1925.\n")
	ix, rep, err = Open(ctx, dir, c2, false, nil)
	if err != nil || !rep.Built {
		t.Fatalf("changed corpus must rebuild: built=%v err=%v", rep.Built, err)
	}
	defer ix.Close()
	hits, err := ix.Search(ctx, "Tokyo pact", Options{})
	if err != nil || len(hits) != 1 {
		t.Fatalf("%v %d", err, len(hits))
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("stale indexes left behind: %d entries", len(entries))
	}
	// An incomplete index (a build that was killed) is rebuilt, not opened.
	os.Remove(filepath.Join(ix.Dir, completeMarker))
	ix2, rep, err := Open(ctx, dir, c2, false, nil)
	if err == nil {
		ix2.Close()
	}
	if rep.Built != true {
		t.Errorf("an index without its completion marker must be rebuilt (err %v)", err)
	}
}

func TestFoldTerm(t *testing.T) {
	for in, want := range map[string]string{"gotō": "goto", "russia’s": "russia's", "blücher": "blucher", "łódź": "lodz", "plain": "plain"} {
		if got := string(foldTerm([]byte(in))); got != want {
			t.Errorf("foldTerm(%q) = %q, want %q", in, got, want)
		}
	}
}

// BenchmarkSearch measures a search with reranking on the default corpus:
// go test -bench Search -run '^$' ./retrieval
func BenchmarkSearch(b *testing.B) {
	ix := defaultIndex(b)
	questions := []string{
		"Who published the first complete Japanese translation of Das Kapital?",
		"How did the prospect of war affect the émigrés' view of Japan?",
		"What did Stalin tell Chiang Kai-shek about the size of his army?",
		"Why did Japan refuse the non-aggression pact in 1931?",
	}
	ctx := context.Background()
	i := 0
	for b.Loop() {
		if _, err := ix.Search(ctx, questions[i%len(questions)], Options{K: 10}); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkCite measures a fragment lookup: go test -bench Cite -run '^$' ./retrieval
func BenchmarkCite(b *testing.B) {
	ix := defaultIndex(b)
	ctx := context.Background()
	for b.Loop() {
		if _, err := ix.Cite(ctx, "the road to Paris and London lay via the towns of", Scope{}, 1); err != nil {
			b.Fatal(err)
		}
	}
}
