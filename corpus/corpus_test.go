package corpus

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

var (
	defaultOnce   sync.Once
	defaultLoaded *Corpus
	defaultErr    error
)

// loadDefaultCorpus loads the embedded corpus once for all tests.
func loadDefaultCorpus(t testing.TB) *Corpus {
	t.Helper()
	defaultOnce.Do(func() { defaultLoaded, defaultErr = LoadDefault() })
	if defaultErr != nil {
		t.Fatalf("LoadDefault: %v", defaultErr)
	}
	return defaultLoaded
}

// foldForMatch folds text as ../shared/eval/score.py does: NFKC, straight
// quotes, lower case, single spaces.
func foldForMatch(s string) string {
	s = norm.NFKC.String(s)
	s = strings.NewReplacer("\u2018", "'", "\u2019", "'", "\u201c", `"`, "\u201d", `"`, "\u00ad", "").Replace(s)
	return strings.ToLower(strings.Join(strings.Fields(s), " "))
}

type evalQuestion struct {
	ID   string   `json:"id"`
	Doc  string   `json:"doc"`
	Type string   `json:"type"`
	Gold []string `json:"gold"`
}

// evalQuestions reads the published questions from ../shared beside the
// repository. Outside CI a checkout without shared/ skips the test.
func evalQuestions(t *testing.T) []evalQuestion {
	t.Helper()
	path := filepath.Join("..", "..", "shared", "eval", "dev.jsonl")
	f, err := os.Open(path)
	if err != nil {
		if os.Getenv("CI") == "" {
			t.Skipf("no %s (shared/ is not beside the repository): %v", path, err)
		}
		t.Fatalf("open %s: %v", path, err)
	}
	defer f.Close()
	var qs []evalQuestion
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		var q evalQuestion
		if err := json.Unmarshal(sc.Bytes(), &q); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		qs = append(qs, q)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return qs
}

// Every gold passage of the published questions must lie inside exactly one
// record: otherwise a correct answer cannot quote it whole, or quotes it
// twice.
func TestCorpus_GoldPassagesLieInExactlyOneRecord(t *testing.T) {
	c := loadDefaultCorpus(t)
	var texts []string
	var ids []string
	c.All(func(p *Paragraph) bool {
		texts = append(texts, foldForMatch(p.Text))
		ids = append(ids, p.ID)
		return true
	})
	for _, q := range evalQuestions(t) {
		for _, g := range q.Gold {
			fg := foldForMatch(g)
			var in []string
			for i, tx := range texts {
				if strings.Contains(tx, fg) {
					in = append(in, ids[i])
				}
			}
			if len(in) != 1 {
				t.Errorf("%s (%s): gold %q is in %d records %v", q.ID, q.Doc, g, len(in), in)
			}
		}
	}
}

// noise is what must never reach a quote: page furniture, link labels, site
// chrome, line-end hyphenation artefacts and glued note markers.
var noise = []struct {
	name  string
	re    *regexp.Regexp
	notes bool // also checked in notes
	// allowed lets a match through: a suspended hyphen ("pre- and
	// post-war", "ten- to twenty-year") is English, not an artefact.
	allowed func(match string) bool
}{
	{name: "running head", re: regexp.MustCompile(`(?i)stalin, japan, and the struggle for (supremacy|hegemony) over china`), notes: true},
	{name: "running head (Dean)", re: regexp.MustCompile(`August 1\s?7\s?,\s?1932`)},
	{name: "link label", re: regexp.MustCompile(`Google Scholar|CrossRef`), notes: true},
	{name: "site chrome", re: regexp.MustCompile(`Free download pdf|\(WallPaper\)|\bPWO\b`), notes: true},
	{name: "running head (Eurasian Triangle)", re: regexp.MustCompile(`Ë`), notes: true},
	{name: "OCR hyphen", re: regexp.MustCompile(`¬`), notes: true},
	{name: "line-end hyphen left in", re: regexp.MustCompile(`\p{Ll}- \p{Ll}+`), notes: true, allowed: func(m string) bool {
		w := m[strings.LastIndexByte(m, ' ')+1:]
		return w == "and" || w == "or" || w == "to" || w == "nor"
	}},
	// Notes are exempt: their text has no markers, and a reference list
	// keeps its source's missing spaces ("Secretary,26 April").
	{name: "glued marker", re: regexp.MustCompile(`\p{Ll}[.,;:”’]\d{1,3}(?: \p{Lu}|\p{Lu})`)},
	{name: "superscript marker", re: regexp.MustCompile(`[⁰¹²³⁴⁵⁶⁷⁸⁹]`), notes: true},
}

func TestCorpus_NoNoiseInAnyRecord(t *testing.T) {
	c := loadDefaultCorpus(t)
	c.All(func(p *Paragraph) bool {
		for _, n := range noise {
			if p.Kind == KindNote && !n.notes {
				continue
			}
			for _, loc := range n.re.FindAllStringIndex(p.Text, -1) {
				if n.allowed != nil && n.allowed(p.Text[loc[0]:loc[1]]) {
					continue
				}
				from, to := max(loc[0]-40, 0), min(loc[1]+40, len(p.Text))
				t.Errorf("%s: %s: …%s…", p.ID, n.name, p.Text[from:to])
			}
		}
		return true
	})
}

func TestCorpus_IDsAreUniqueAndStableAcrossLoads(t *testing.T) {
	a := loadDefaultCorpus(t)
	b, err := LoadDefault()
	if err != nil {
		t.Fatal(err)
	}
	if a.Hash != b.Hash {
		t.Errorf("hash changed between loads: %s, %s", a.Hash, b.Hash)
	}
	var ia, ib []string
	a.All(func(p *Paragraph) bool { ia = append(ia, p.ID+"\x00"+p.Text); return true })
	b.All(func(p *Paragraph) bool { ib = append(ib, p.ID+"\x00"+p.Text); return true })
	if len(ia) != len(ib) {
		t.Fatalf("record counts differ: %d, %d", len(ia), len(ib))
	}
	seen := map[string]bool{}
	for i := range ia {
		if ia[i] != ib[i] {
			t.Fatalf("record %d differs between loads:\n%s\n%s", i, ia[i], ib[i])
		}
		id := strings.SplitN(ia[i], "\x00", 2)[0]
		if seen[id] {
			t.Errorf("duplicate ID %s", id)
		}
		seen[id] = true
	}
	if a.Len() != len(ia) {
		t.Errorf("Len() = %d, want %d", a.Len(), len(ia))
	}
}

// alnumStream lower-cases s and keeps only letters and digits, with
// diacritics removed, so that a record can be compared with its source
// whatever the joining, de-hyphenation and marker removal did.
func alnumStream(s string, ligatures bool) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(strings.ToLower(s)) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	out := b.String()
	if ligatures {
		out = strings.NewReplacer("ffi", "", "ffl", "", "ff", "", "fi", "", "fl", "").Replace(out)
	}
	return out
}

// Every word of every record appears, in order, in the source lines the
// record names: the pipeline may drop furniture, notes and markers between
// them, but never invent, reorder or lose the text it quotes.
func TestCorpus_RecordWordsAppearInOrderInTheirSource(t *testing.T) {
	c := loadDefaultCorpus(t)
	sources := map[string][]string{}
	for _, d := range c.Docs {
		data, err := fsReadDefault(d.Source)
		if err != nil {
			t.Fatal(err)
		}
		sources[d.Source] = strings.Split(norm.NFC.String(data), "\n")
	}
	c.All(func(p *Paragraph) bool {
		lig := p.HasFlag(FlagRepairedLigature)
		var src strings.Builder
		for _, line := range sources[p.Source][p.Lines[0]-1 : p.Lines[1]] {
			src.WriteString(alnumStream(line, lig))
			if t := strings.TrimRight(line, " "); strings.HasSuffix(t, "-") || strings.HasSuffix(t, "¬") {
				src.WriteByte(hyphenMark)
			}
		}
		pos := 0
		for _, w := range strings.Fields(p.Text) {
			w = alnumStream(w, lig)
			if w == "" {
				continue
			}
			end, ok := findWord(src.String(), w, pos)
			if !ok {
				t.Errorf("%s: word %q not found in order in %s lines %d–%d", p.ID, w, p.Source, p.Lines[0], p.Lines[1])
				return true
			}
			pos = end
		}
		return true
	})
}

// hyphenMark stands in the source stream where a line ended in a hyphen.
const hyphenMark = 1

// findWord finds the earliest occurrence of w in src at or after pos and
// returns where it ends: its letters in order, contiguous but for hyphen
// marks, or broken at a hyphen mark with other text between the halves (a
// word hyphenated at the foot of a column, continued after the notes).
func findWord(src, w string, pos int) (int, bool) {
	for i := pos; i < len(src); i++ {
		if end, ok := matchWordAt(src, i, w, true); ok {
			return end, true
		}
	}
	return 0, false
}

func matchWordAt(src string, i int, w string, mayJump bool) (int, bool) {
	j := 0
	for j < len(w) {
		if i >= len(src) {
			return 0, false
		}
		if src[i] == hyphenMark {
			i++
			if end, ok := matchWordAt(src, i, w[j:], false); ok {
				return end, true
			}
			if !mayJump || j == 0 {
				return 0, false
			}
			for k := i; k < len(src); k++ {
				if end, ok := matchWordAt(src, k, w[j:], false); ok {
					return end, true
				}
			}
			return 0, false
		}
		if src[i] != w[j] {
			return 0, false
		}
		i++
		j++
	}
	return i, true
}

func fsReadDefault(name string) (string, error) {
	b, err := defaultFS.ReadFile("defaultcorpus/" + name)
	return string(b), err
}

// Sentence spans cover each record's text in order, trimmed, and note
// references point inside it.
func TestCorpus_SentencesAndRefsAreValidOffsets(t *testing.T) {
	c := loadDefaultCorpus(t)
	c.All(func(p *Paragraph) bool {
		if len(p.Sentences) == 0 {
			t.Errorf("%s: no sentences", p.ID)
			return true
		}
		prev := 0
		for _, s := range p.Sentences {
			if s.Start < prev || s.End <= s.Start || s.End > len(p.Text) {
				t.Errorf("%s: bad sentence span %v", p.ID, s)
				return true
			}
			if strings.TrimSpace(p.Text[prev:s.Start]) != "" {
				t.Errorf("%s: text %q between sentences is in none", p.ID, p.Text[prev:s.Start])
			}
			prev = s.End
		}
		if prev != len(p.Text) {
			t.Errorf("%s: last sentence ends at %d of %d", p.ID, prev, len(p.Text))
		}
		for _, r := range p.NoteRefs {
			if r.Offset < 0 || r.Offset > len(p.Text) {
				t.Errorf("%s: note ref %v outside the text", p.ID, r)
			}
		}
		return true
	})
}
