package retrieval

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/ibidbot/ibid/corpus"
	"github.com/ibidbot/ibid/retrieval/internal/related"
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

// search runs a query on the default corpus and returns the hits' IDs.
func search(t *testing.T, q string, opts Options) ([]Hit, []string) {
	t.Helper()
	hits, err := defaultIndex(t).Search(context.Background(), q, opts)
	if err != nil {
		t.Fatalf("%q: %v", q, err)
	}
	ids := make([]string, len(hits))
	for i, h := range hits {
		ids[i] = h.Paragraph.ID
	}
	return hits, ids
}

func TestSearch_FindsTheAnsweringParagraphFirst(t *testing.T) {
	cases := []struct {
		question, want string
		within         int // rank the paragraph must reach; 1 when zero
	}{
		{"Who published the first complete Japanese translation of Das Kapital?", "kuromiya2023:intro:p14:2", 0},
		{"In which city did confidential Soviet-Japanese contacts begin in the summer of 1921?", "kuromiya2023:ch2:p72:2", 0},
		// an abbreviation the book defines: the paragraph says "FER"
		{"In which Siberian city was the Far Eastern Republic founded in 1920?", "kuromiya2023:ch1:p56:1", 0},
		// Dean writes Mo Teh-hui; a factoid in his words
		{"Who replaced Mo Teh-hui as Chinese president of the Chinese Eastern Railway?", "dean1932:p144:1", 0},
		// paraphrases: "puppet state" for Manchoukuo, "frontier" for border
		{"How far from the Soviet frontier did the railway section controlled by the puppet state reach?", "dean1932:p146:1", 0},
		{"Which territory did Lenin consider offering the United States to drive a wedge between America and Japan?", "linkhoeva2020-ch3:80", 0},
		// the quote answers; its lead-in says who wrote it and when
		{"In the British reply of 1937 to the Japanese, which dominion's pressure was decisive in ending the Alliance?", "kuromiya2023:concl:p438:1", 5},
		// the statement itself, or the paragraph that sums it up
		{"What did Kalinin say about Moscow's confidence?", "kuromiya-mamoulia2016:ch6:p135:2", 2},
	}
	for _, tc := range cases {
		_, ids := search(t, tc.question, Options{K: 5})
		within := max(tc.within, 1)
		if !slices.Contains(ids[:min(within, len(ids))], tc.want) {
			t.Errorf("%q: %s is not in the first %d; got %v", tc.question, tc.want, within, ids)
		}
	}
}

// A question answered only in a note finds the note; questions answered in
// the body are not crowded out by the notes, which are half the records.
func TestSearch_NotesFoundButYieldToTheBody(t *testing.T) {
	for q, want := range map[string]string{
		"Which volume and document number of D.V.P. records the Litvinov-Yoshizawa conversation?": "bridges1980:n12",
		"In which journal was Radek's speech about Leo Schlageter published?":                     "kuromiya2023:intro:n13",
	} {
		if _, ids := search(t, q, Options{K: 3}); len(ids) == 0 || ids[0] != want {
			t.Errorf("%q: want the note %s first, got %v", q, want, ids)
		}
	}
	for _, q := range []string{
		"Who replaced Mo Teh-hui as Chinese president of the Chinese Eastern Railway?",
		"When did Shidehara Kijuro serve his first term as foreign minister?",
		"the Tanaka Memorial forgery",
		"Kuhara Fusanosuke meeting with Stalin in 1927",
		"the Xi'an Incident and Zhang Xueliang",
	} {
		hits, ids := search(t, q, Options{K: 5})
		notes := 0
		for _, h := range hits {
			if h.Paragraph.Kind == corpus.KindNote {
				notes++
			}
		}
		if len(hits) == 0 || hits[0].Paragraph.Kind != corpus.KindBody || notes > 2 {
			t.Errorf("%q: notes crowd out the body: %v", q, ids)
		}
	}
}

// Searching for the very words of a heading or a caption still puts prose
// first: a label cannot be quoted as an answer.
func TestSearch_HeadingsAndCaptionsNeverOutrankProse(t *testing.T) {
	ix := defaultIndex(t)
	n := 0
	ix.corpus.All(func(p *corpus.Paragraph) bool {
		if !isLabel(p.Kind) {
			return true
		}
		n++
		hits, err := ix.Search(context.Background(), p.Text, Options{K: 10})
		if err != nil {
			t.Errorf("%q: %v", p.Text, err)
			return true
		}
		label := false
		for _, h := range hits {
			if isLabel(h.Paragraph.Kind) {
				label = true
			} else if label {
				t.Errorf("%q: prose %s ranks below a heading or caption", p.Text, h.Paragraph.ID)
				return true
			}
		}
		return true
	})
	if n < 100 {
		t.Errorf("only %d headings and captions", n)
	}
}

func TestSearch_FoldsDiacriticsTypographyAndHyphens(t *testing.T) {
	cases := []struct{ query, wantInText string }{
		{"Goto Shinpei", "Gotō"},
		{"Soviet Russias intentions Mitsukawa", "Mitsukawa"},
		{"nonaggression pact Litvinov Yoshizawa", "non-aggression"},
		{"Toho jiron Mitsukawa", "Tōhō jiron"},
		{"Shidehara Kijuro foreign minister first term", "Shidehara Kijūrō"},
	}
	for _, tc := range cases {
		hits, _ := search(t, tc.query, Options{K: 3})
		if len(hits) == 0 || !strings.Contains(hits[0].Paragraph.Text, tc.wantInText) {
			t.Errorf("%q: top hit lacks %q", tc.query, tc.wantInText)
		}
	}
	// A straight apostrophe finds a curly one, and the match's offsets
	// point at the word as printed.
	hits, _ := search(t, "Moscow's confidence was apparent", Options{K: 1})
	if len(hits) == 0 {
		t.Fatal("no hits")
	}
	var matched []string
	for _, m := range hits[0].Matches {
		matched = append(matched, hits[0].Paragraph.Text[m.Start:m.End])
	}
	if !slices.Contains(matched, "Moscow’s") || !slices.Contains(matched, "confidence") {
		t.Errorf("matches %q lack Moscow’s and confidence", matched)
	}
}

func TestSearch_AliasesAcrossRomanisations(t *testing.T) {
	cases := []struct{ query, wantInText string }{
		// Dean (1932) writes Wade–Giles; Kuromiya writes pinyin.
		{"the assassination of Chang Tso-lin", "Zhang Zuolin"},
		{"Manchukuo Soviet recognition", "Manzhouguo"},
		{"Manzhouguo Chinese Eastern Railway president", "Manchoukuo"},
		{"Blyukher May Day speech", "Bluecher"},
		{"Joffe visit to Japan", "Ioffe"},
	}
	for _, tc := range cases {
		hits, ids := search(t, tc.query, Options{K: 5})
		found := false
		for _, h := range hits {
			found = found || strings.Contains(h.Paragraph.Text, tc.wantInText)
		}
		if !found {
			t.Errorf("%q: no paragraph with %q among %v", tc.query, tc.wantInText, ids)
		}
	}
}

// A name's spellings, a compound's forms and a word's relatives each make
// one slot of the question, so none outweighs the rest.
func TestPrepare_OneSlotPerConcept(t *testing.T) {
	ix := defaultIndex(t)
	cases := []struct {
		q         string
		slots     int
		spellings int // of the first slot, at least
	}{
		{"Chang Tso-lin", 1, 3},           // Chang Tso-lin, Zhang Zuolin, Old Marshal
		{"Anglo-Japanese Alliance", 2, 2}, // anglo japanese | anglojapanese; alliance
		{"nonaggression", 1, 1},
	}
	for _, tc := range cases {
		pq := ix.prepare(tc.q)
		if len(pq.slots) != tc.slots || len(pq.slots[0].spellings) < tc.spellings {
			t.Errorf("%q: %d slots, first with %d spellings; want %d, %d", tc.q, len(pq.slots), len(pq.slots[0].spellings), tc.slots, tc.spellings)
		}
	}
	// A name weighs as one concept, as rare as its commonest spelling, not
	// as the sum of its words: "Young Marshal" counts no more than
	// "Xueliang", which is how the corpus mostly names him.
	pq0 := ix.prepare("the Young Marshal")
	xueliang := ix.stats.idf(ix.stats.df[ix.stats.ids["xueliang"]])
	if w := pq0.slots[0].weight; w > xueliang+1e-9 {
		t.Errorf("Young Marshal weighs %.2f, more than xueliang's idf %.2f", w, xueliang)
	}
	// A rare word brings its relatives the corpus uses: "magnate" is not in
	// the corpus, "industrialist" is.
	pq := ix.prepare("magnate")
	var words []string
	for _, sp := range pq.slots[0].spellings {
		for _, k := range sp.terms {
			words = append(words, ix.stats.terms[pq.terms[k].id])
		}
	}
	if !slices.Contains(words, "industrialist") {
		t.Errorf("magnate: relatives %v lack industrialist", words)
	}
	// A common word brings only its derivations ("Japanese"): the corpus
	// says it that way.
	pq = ix.prepare("Japan")
	for _, sp := range pq.slots[0].spellings {
		for _, k := range sp.terms {
			if w := ix.stats.terms[pq.terms[k].id]; !sameRoot(w, "japan") {
				t.Errorf("Japan brings %q", w)
			}
		}
	}
}

func TestSearch_QuerySyntaxMeansWords(t *testing.T) {
	ix := defaultIndex(t)
	for _, q := range []string{`Stalin: "Japan`, `+Tanaka -Memorial`, `Kuhara~ (Hitachi)*`, `a:b:c ^ \ /[a-z/`, `title:Stalin AND`, `text_exact:Stalin`, `*`, `"`} {
		if _, err := ix.Search(context.Background(), q, Options{}); err != nil && !errors.Is(err, ErrEmptyQuery) {
			t.Errorf("%q: %v", q, err)
		}
	}
	hits, _ := search(t, `"Tanaka Memorial" (forgery)`, Options{K: 3})
	if len(hits) == 0 || !strings.Contains(hits[0].Paragraph.Text, "Tanaka Memorial") {
		t.Error("quotes and parentheses should just be words")
	}
	// "-Memorial" does not exclude the word, nor "+" require one.
	a, _ := search(t, "Tanaka Memorial", Options{K: 5})
	b, _ := search(t, "+Tanaka -Memorial", Options{K: 5})
	if len(a) == 0 || len(b) == 0 || a[0].Paragraph.ID != b[0].Paragraph.ID {
		t.Error("+ and - changed the search")
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
	// dean1932 predates Nomonhan: the scope still answers with the
	// question's other words.
	hits, err = ix.Search(ctx, "Nomonhan: the Soviet Union and Japan at war", Options{K: 5, Scope: Scope{Doc: "dean1932"}})
	if err != nil || len(hits) != 5 {
		t.Errorf("scoped search with a word the scope lacks: %v, %d hits, want 5", err, len(hits))
	}
	hits, err = ix.Search(ctx, "Stalin Japan", Options{K: 10, Scope: Scope{Doc: "kuromiya2023", Division: "ch3"}})
	if err != nil || len(hits) == 0 {
		t.Fatalf("chapter scope: %v, %d hits", err, len(hits))
	}
	for _, h := range hits {
		if h.Paragraph.Division != "ch3" {
			t.Errorf("hit %s outside chapter 3", h.Paragraph.ID)
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
		{"Stalin", Scope{Division: "ch1"}, "needs a document"},
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
	if _, err := ix.Cite(cctx, "the road to Paris and London", Scope{}, 1); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled cite: %v", err)
	}
}

func TestCite_ExactAndAlteredFragments(t *testing.T) {
	ix := defaultIndex(t)
	cases := []struct {
		name, fragment, want string
		exact                bool
	}{
		{"exact", "Japan might do well to renounce the Anglo-Japanese Alliance", "He went even further, stating that at some point, Japan might do well to renounce the Anglo-Japanese Alliance", true},
		{"other case and punctuation", "THIS IS THE GREATEST SERVICE TO JAPAN; THAT ANYONE COULD POSSIBLY RENDER", "This is the greatest service to Japan that anyone could possibly render.", true},
		{"diacritics and straight quotes", "Kita compared Ioffe to a cat and likened Goto and other Japanese politicians", "Kita compared Ioffe to a cat and likened Gotō and other Japanese politicians", true},
		{"a changed word", "the road to Paris and London lay via the towns of", "the road to Paris and London lies via the towns of Afghanistan", false},
		{"missing words", "the Tanaka Memorial one of the most spectacular active measures", "made the Tanaka Memorial one of the most spectacular of all active measures", false},
		{"a typo", "Japan might do well to renounse the Anglo-Japanese Alliance", "Japan might do well to renounce the Anglo-Japanese Alliance", false},
		{"missing words and a typo", "the Tanaka Memorial one of the most spectaculr active measures", "made the Tanaka Memorial one of the most spectacular of all active measures", false},
		{"quoted inside a question", `Who wrote "if we beat Japan no scoundrel in the West would poke his nose"?`, "If we beat Japan, no scoundrel in the West would poke his nose into our affairs.", true},
		// The fragment starts with the end of the sentence before (the end
		// of a word broken across lines: "at-/taché").
		{"a fragment running on from the sentence before", "taché after his return to moscow he maintained close relations with japanese", "attaché. After his return to Moscow, he maintained close relations with Japanese", false},
		// Quotation marks inside a fragment are part of it.
		{"a fragment quoting", "train. The caption says, in Japanese, “scene [of the bombing] as photographed", "Zuolin’s train. The caption says, in Japanese, “scene [of the bombing]", true},
		// The next sentence opens with "But": it continues this one.
		{"a sentence joined by a conjunction", "did not do away with mutual distrust, which died particularly hard among military leaders", "mutual distrust, which died particularly hard among military leaders on both sides. But some Japanese", true},
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
			if q.Paragraph.Text[q.Start:q.End] != q.Text() || !isSentenceStart(q.Paragraph, q.Start) {
				t.Errorf("the quote %d:%d is not whole sentences cut from the paragraph", q.Start, q.End)
			}
			for _, other := range qs[1:] {
				if other.Exact && !q.Exact || other.Confidence > q.Confidence {
					t.Errorf("%s (%.2f) ranks below %s (%.2f)", other.Paragraph.ID, other.Confidence, q.Paragraph.ID, q.Confidence)
				}
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

func isSentenceStart(p *corpus.Paragraph, at int) bool {
	return slices.ContainsFunc(p.Sentences, func(s corpus.Span) bool { return s.Start == at })
}

// An exact occurrence comes before any alignment, however close; a phrase
// the corpus repeats cites each exact occurrence before the near ones.
func TestCite_ExactMatchWins(t *testing.T) {
	ix := defaultIndex(t)
	qs, err := ix.Cite(context.Background(), "the termination of the Anglo-Japanese Alliance", Scope{}, 5)
	if err != nil || len(qs) < 3 {
		t.Fatalf("%v, %d quotes", err, len(qs))
	}
	exact := 0
	for i, q := range qs {
		if q.Exact {
			exact++
			if i > 0 && !qs[i-1].Exact {
				t.Errorf("exact quote %s after an inexact one", q.Paragraph.ID)
			}
		} else if i > 0 && !qs[i-1].Exact && q.Confidence > qs[i-1].Confidence {
			t.Errorf("quotes out of order at %d", i)
		}
	}
	if exact < 2 {
		t.Errorf("%d exact quotes, want the corpus's two", exact)
	}
}

func TestQuoteBounds_ConjunctionsJoinSentences(t *testing.T) {
	text := "We waited forty years for this day. And now this day has come. It was 1945. But the war went on."
	p := &corpus.Paragraph{Text: text, Sentences: []corpus.Span{{Start: 0, End: 35}, {Start: 36, End: 62}, {Start: 63, End: 75}, {Start: 76, End: 96}}}
	cases := []struct {
		start, end int
		want       string
	}{
		{3, 9, "We waited forty years for this day. And now this day has come."},
		{40, 45, "We waited forty years for this day. And now this day has come."},
		{66, 70, "It was 1945. But the war went on."},
	}
	for _, tc := range cases {
		s, e := quoteBounds(p, tc.start, tc.end, false, false)
		if text[s:e] != tc.want {
			t.Errorf("%d:%d → %q, want %q", tc.start, tc.end, text[s:e], tc.want)
		}
	}
}

// Many goroutines share one index; each gets the answers a lone caller
// gets.
func TestIndex_ConcurrentSearchesAndCites(t *testing.T) {
	ix := defaultIndex(t)
	questions := benchLines(t, "questions.txt")[:12]
	fragments := benchLines(t, "fragments.txt")
	want := map[string]string{}
	for _, q := range questions {
		_, ids := search(t, q, Options{K: 3})
		want[q] = fmt.Sprint(ids)
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range questions {
				q := questions[(i+g)%len(questions)]
				hits, err := ix.Search(context.Background(), q, Options{K: 3})
				if err != nil {
					t.Error(err)
					return
				}
				var ids []string
				for _, h := range hits {
					ids = append(ids, h.Paragraph.ID)
				}
				if got := fmt.Sprint(ids); got != want[q] {
					t.Errorf("%q: %s concurrently, %s alone", q, got, want[q])
				}
				if _, err := ix.Cite(context.Background(), fragments[(i+g)%len(fragments)], Scope{}, 1); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
}

// benchLines reads the non-comment lines of a file in testdata.
func benchLines(t testing.TB, name string) []string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, l := range strings.Split(string(raw), "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			out = append(out, l)
		}
	}
	return out
}

// The index is rebuilt when the corpus changes and reused when it does not;
// term statistics that are missing or damaged are recomputed.
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
	ix.Close()
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("stale indexes left behind: %d entries", len(entries))
	}
	stats := filepath.Join(ix.Dir, statsFile)
	for name, damage := range map[string]func() error{
		"missing":   func() error { return os.Remove(stats) },
		"truncated": func() error { return os.Truncate(stats, 40) },
		"garbage":   func() error { return os.WriteFile(stats, []byte(statsMagic+"\xff\xff\xff\xff"), 0o644) },
	} {
		if err := damage(); err != nil {
			t.Fatal(err)
		}
		ix, rep, err := Open(ctx, dir, c2, false, nil)
		if err != nil || rep.Built {
			t.Fatalf("%s statistics: built=%v err=%v", name, rep.Built, err)
		}
		hits, err := ix.Search(ctx, "Tokyo pact", Options{})
		ix.Close()
		if err != nil || len(hits) != 1 {
			t.Errorf("%s statistics: %v, %d hits", name, err, len(hits))
		}
		if err := newTermStatsFor(t, c2).write(stats); err != nil {
			t.Fatal(err)
		}
	}
	// An incomplete index (a build that was killed) is rebuilt, not opened.
	os.Remove(filepath.Join(ix.Dir, completeMarker))
	ix2, rep, err := Open(ctx, dir, c2, false, nil)
	if err != nil || !rep.Built {
		t.Errorf("an index without its completion marker must be rebuilt: built=%v err=%v", rep.Built, err)
	}
	if err == nil {
		ix2.Close()
	}
}

func newTermStatsFor(t *testing.T, c *corpus.Corpus) *termStats {
	t.Helper()
	an, err := newTextAnalysis()
	if err != nil {
		t.Fatal(err)
	}
	return newTermStats(c, an)
}

// What build stores is what Open reads back.
// relatives lists the terms a slot can be spelt with.
func relatives(ix *Index, pq *preparedQuery, slot int) []string {
	var words []string
	for _, sp := range pq.slots[slot].spellings {
		for _, k := range sp.terms {
			words = append(words, ix.stats.terms[pq.terms[k].id])
		}
	}
	return words
}

// A name's neighbours in meaning are other names of its kind: a question
// about Australia is not about Britain, one about the Hitachi company not
// about Mitsubishi. Its derivations still count ("Australian").
func TestPrepare_NamesBringOnlyTheirDerivations(t *testing.T) {
	ix := defaultIndex(t)
	for _, tc := range []struct {
		q      string
		slot   int
		want   string
		banned string
	}{
		{"Who was the adviser, a native of Australia?", 2, "australian", "britain"},
		{"Did the founder of Hitachi meet Stalin?", 1, "", "mitsubishi"},
	} {
		words := relatives(ix, ix.prepare(tc.q), tc.slot)
		if tc.want != "" && !slices.Contains(words, tc.want) || slices.Contains(words, tc.banned) {
			t.Errorf("%q: slot %d spelt %v; want %q, not %q", tc.q, tc.slot, words, tc.want, tc.banned)
		}
	}
	// Capitals tell nothing in a question written all in them: its rare
	// words keep their relatives.
	if words := relatives(ix, ix.prepare("WHICH MAGNATE MET STALIN?"), 0); !slices.Contains(words, "industrialist") {
		t.Errorf("MAGNATE: relatives %v lack industrialist", words)
	}
}

// A word close in meaning stands for its stem only when the stem is mostly
// that word in the corpus: "evening" shares the stem of "even", and must
// not credit every "even".
func TestPrepare_NeighboursDoNotBringAnotherWordsStem(t *testing.T) {
	ix := defaultIndex(t)
	if !slices.ContainsFunc(related.Of("eve"), func(n related.Neighbour) bool { return n.Word == "evening" }) {
		t.Fatal("the table no longer relates eve and evening; pick another example")
	}
	if words := relatives(ix, ix.prepare("on the eve of the seizure"), 0); slices.Contains(words, "even") {
		t.Errorf("eve: relatives %v include even", words)
	}
}

func TestTermStats_RoundTrip(t *testing.T) {
	c, err := corpus.Load(fstest.MapFS{
		"a.txt": {Data: []byte("The Anglo-Japanese Alliance ended in 1923.\n\nGotō met Ioffe; Russia’s envoy stayed.\n")},
	})
	if err != nil {
		t.Fatal(err)
	}
	s := newTermStatsFor(t, c)
	path := filepath.Join(t.TempDir(), statsFile)
	if err := s.write(path); err != nil {
		t.Fatal(err)
	}
	r, err := readTermStats(path, c, s.an)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(r.terms, s.terms) || !slices.Equal(r.toks, s.toks) || !slices.Equal(r.off, s.off) || !slices.Equal(r.df, s.df) || r.avgLen != s.avgLen || len(r.surface) != len(s.surface) {
		t.Error("the statistics read back differ")
	}
	for w, id := range s.surface {
		if r.surface[w] != id {
			t.Errorf("surface %q: %d, want %d", w, r.surface[w], id)
		}
	}
	if r.uses["anglo"] != 1 || !maps.Equal(r.uses, s.uses) || len(r.forms) != len(s.forms) {
		t.Errorf("use counts %v, want %v", r.uses, s.uses)
	}
	if _, ok := r.surface["goto"]; !ok {
		t.Errorf("surface forms %v lack the folded goto", r.surface)
	}
}

func TestFoldTerm(t *testing.T) {
	for in, want := range map[string]string{"gotō": "goto", "russia’s": "russia's", "blücher": "blucher", "łódź": "lodz", "plain": "plain"} {
		if got := string(foldTerm([]byte(in))); got != want {
			t.Errorf("foldTerm(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSameRoot(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want bool
	}{{"british", "britain", true}, {"prosecution", "prosecutors", true}, {"war", "wars", false}, {"magnate", "tycoon", false}} {
		if got := sameRoot(tc.a, tc.b); got != tc.want {
			t.Errorf("sameRoot(%q, %q) = %v", tc.a, tc.b, got)
		}
	}
}
