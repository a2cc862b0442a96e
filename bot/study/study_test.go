package study_test

import (
	"context"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"

	"github.com/ibidbot/ibid/bot"
	"github.com/ibidbot/ibid/bot/sqlite"
	"github.com/ibidbot/ibid/bot/study"
	"github.com/ibidbot/ibid/corpus"
)

var update = flag.Bool("update", false, "rewrite golden files")

var (
	corpusOnce sync.Once
	theCorpus  *corpus.Corpus
	corpusErr  error
)

func loadCorpus(t testing.TB) *corpus.Corpus {
	t.Helper()
	corpusOnce.Do(func() { theCorpus, corpusErr = corpus.LoadDefault() })
	if corpusErr != nil {
		t.Fatal(corpusErr)
	}
	return theCorpus
}

// fakeAsker drafts without a search index: the first sentence of an
// in-scope paragraph chosen by the question's length, or a refusal for a
// question about pizza. The quotes are real spans of the corpus.
type fakeAsker struct{ c *corpus.Corpus }

func (f fakeAsker) Ask(_ context.Context, q string, sc bot.Scope, _ *bot.Conversation, _ func(string)) (bot.Answer, error) {
	if strings.Contains(q, "pizza") {
		return bot.Answer{Question: q, Resolved: q, Lead: "The corpus has nothing on this question.", Refused: true}, nil
	}
	var ps []*corpus.Paragraph
	for p := range f.c.All {
		if p.Kind == corpus.KindBody && len(p.Sentences) > 0 && (sc.Doc == "" || p.Doc == sc.Doc) && (sc.Division == "" || p.Division == sc.Division) {
			ps = append(ps, p)
		}
	}
	p := ps[len(q)*7%len(ps)]
	return bot.Answer{Question: q, Resolved: q, Lead: "According to " + p.Citation + ":", Quotes: []bot.Quote{{Paragraph: p, Start: p.Sentences[0].Start, End: p.Sentences[0].End}}}, nil
}

type env struct {
	t    *testing.T
	path string
	db   *sqlite.DB
	svc  *study.Service
	c    *corpus.Corpus
}

var (
	mod   = study.Actor{ID: "m1", Name: "Mira", Moderator: true}
	mod2  = study.Actor{ID: "m2", Name: "Noor", Moderator: true}
	alice = study.Actor{ID: "u1", Name: "Alice"}
	bob   = study.Actor{ID: "u2", Name: "Bob"}
)

const channel = "c1"

func fixedClock() func() time.Time {
	t0 := time.Date(2025, 3, 1, 18, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	return func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		t0 = t0.Add(time.Minute)
		return t0
	}
}

func newEnv(t *testing.T, path string) *env {
	t.Helper()
	if path == "" {
		path = filepath.Join(t.TempDir(), "study.db")
	}
	db, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	c := loadCorpus(t)
	return &env{t: t, path: path, db: db, c: c, svc: study.New(db, fakeAsker{c}, c, study.WithClock(fixedClock()))}
}

func (e *env) must(r study.Reply, err error) study.Reply {
	e.t.Helper()
	if err != nil {
		e.t.Fatal(err)
	}
	return r
}

func TestService_StateMachine(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, "")
	s := e.svc
	type step struct {
		name    string
		do      func() (study.Reply, error)
		wantErr error
		public  string // substring of the public reply, if any
		private string
	}
	steps := []step{
		{"ask before start", func() (study.Reply, error) { return s.Ask(ctx, channel, alice, "Who?") }, study.ErrNoSession, "", ""},
		{"member cannot start", func() (study.Reply, error) {
			return s.Start(ctx, channel, alice, study.StartOptions{Topic: "x"})
		}, study.ErrNotModerator, "", ""},
		{"bad scope", func() (study.Reply, error) {
			return s.Start(ctx, channel, mod, study.StartOptions{Topic: "x", Scope: bot.Scope{Doc: "nope"}})
		}, study.ErrBadScope, "", ""},
		{"start", func() (study.Reply, error) {
			return s.Start(ctx, channel, mod, study.StartOptions{Topic: "The Tanaka Memorial", Scope: bot.Scope{Doc: "kuromiya2023", Division: "ch2"}, PerMember: 2})
		}, nil, "The Tanaka Memorial", ""},
		{"start twice", func() (study.Reply, error) { return s.Start(ctx, channel, mod, study.StartOptions{Topic: "y"}) }, study.ErrSessionOpen, "", ""},
		{"alice asks", func() (study.Reply, error) { return s.Ask(ctx, channel, alice, "Who forged the memorial?") }, nil, "", "#1"},
		{"alice asks again", func() (study.Reply, error) { return s.Ask(ctx, channel, alice, "Was there pizza?") }, nil, "", "does not seem to answer"},
		{"alice over her limit", func() (study.Reply, error) { return s.Ask(ctx, channel, alice, "One more?") }, study.ErrLimit, "", ""},
		{"moderator asks", func() (study.Reply, error) { return s.Ask(ctx, channel, mod, "What did Tanaka decide?") }, nil, "", "#3"},
		{"member cannot see the queue", func() (study.Reply, error) { return s.Queue(ctx, channel, alice) }, study.ErrNotModerator, "", ""},
		{"queue", func() (study.Reply, error) { return s.Queue(ctx, channel, mod) }, nil, "", "3 question(s) waiting"},
		{"member cannot approve", func() (study.Reply, error) { return s.Approve(ctx, channel, bob, 1) }, study.ErrNotModerator, "", ""},
		{"member cannot reject", func() (study.Reply, error) { return s.Reject(ctx, channel, bob, 1, "") }, study.ErrNotModerator, "", ""},
		{"member cannot skip", func() (study.Reply, error) { return s.Skip(ctx, channel, bob, 1) }, study.ErrNotModerator, "", ""},
		{"no self-approval", func() (study.Reply, error) { return s.Approve(ctx, channel, mod, 3) }, study.ErrOwnQuestion, "", ""},
		{"skip 1", func() (study.Reply, error) { return s.Skip(ctx, channel, mod, 1) }, nil, "", "back of the queue"},
		{"approve 1", func() (study.Reply, error) { return s.Approve(ctx, channel, mod, 1) }, nil, "Question #1 from Alice", ""},
		{"approve 1 twice", func() (study.Reply, error) { return s.Approve(ctx, channel, mod2, 1) }, nil, "", "already approved"},
		{"approve by button", func() (study.Reply, error) { return s.Press(ctx, channel, mod2, "study:approve:3") }, nil, "Question #3 from Mira", ""},
		{"reject 2", func() (study.Reply, error) { return s.Reject(ctx, channel, mod, 2, "off topic") }, nil, "", "rejected"},
		{"reject approved", func() (study.Reply, error) { return s.Reject(ctx, channel, mod, 1, "") }, nil, "", "already approved"},
		{"unknown question", func() (study.Reply, error) { return s.Approve(ctx, channel, mod, 9) }, study.ErrNotFound, "", ""},
		{"member cannot quiz", func() (study.Reply, error) { return s.Quiz(ctx, channel, bob, 1) }, study.ErrNotModerator, "", ""},
		{"quiz", func() (study.Reply, error) { return s.Quiz(ctx, channel, mod, 2) }, nil, "2 round(s)", ""},
		{"member cannot end", func() (study.Reply, error) { return s.End(ctx, channel, alice) }, study.ErrNotModerator, "", ""},
		{"end", func() (study.Reply, error) { return s.End(ctx, channel, mod) }, nil, "ended: 3 question(s) asked, 2 answered, 1 rejected", ""},
		{"end twice", func() (study.Reply, error) { return s.End(ctx, channel, mod) }, study.ErrNoSession, "", ""},
	}
	for _, st := range steps {
		r, err := st.do()
		if !errors.Is(err, st.wantErr) {
			t.Fatalf("%s: err = %v, want %v", st.name, err, st.wantErr)
		}
		if !strings.Contains(r.Public, st.public) || !strings.Contains(r.Private, st.private) {
			t.Fatalf("%s: reply %+v lacks %q / %q", st.name, r, st.public, st.private)
		}
		if st.name == "reject 2" && (len(r.Notices) != 1 || r.Notices[0].UserID != alice.ID || !strings.Contains(r.Notices[0].Text, "off topic")) {
			t.Fatalf("the asker is not told privately: %+v", r.Notices)
		}
		if st.name == "approve 1 twice" && r.Public != "" {
			t.Fatal("a second approval posted again")
		}
	}
	log, err := e.db.AuditLog(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, a := range log {
		actions = append(actions, a.Action)
	}
	if got, want := strings.Join(actions, " "), "start skip approve approve reject quiz quiz reveal reveal end"; got != want {
		t.Errorf("audit log = %q, want %q", got, want)
	}
}

// TestService_QuizBlankIsTheHiddenWord checks every round of a long quiz
// against the corpus: the sentence is quoted verbatim, the blank is exactly
// the right choice, and the distractors differ from it and are of its kind.
func TestService_QuizBlankIsTheHiddenWord(t *testing.T) {
	ctx := context.Background()
	for _, sc := range []bot.Scope{{}, {Doc: "kuromiya2023", Division: "ch2"}, {Doc: "dean1932"}} {
		e := newEnv(t, "")
		e.must(e.svc.Start(ctx, channel, mod, study.StartOptions{Topic: "quiz", Scope: sc}))
		r := e.must(e.svc.Quiz(ctx, channel, mod, study.MaxRounds))
		if len(r.Items) != study.MaxRounds {
			t.Fatalf("%v: %d rounds", sc, len(r.Items))
		}
		rounds, err := e.db.Rounds(ctx, 1)
		if err != nil {
			t.Fatal(err)
		}
		for _, rd := range rounds {
			p, ok := e.c.Paragraph(rd.Paragraph)
			if !ok || !p.Kind.Prose() || sc.Doc != "" && p.Doc != sc.Doc || sc.Division != "" && p.Division != sc.Division {
				t.Fatalf("round %d: paragraph %s out of scope %v", rd.Number, rd.Paragraph, sc)
			}
			hidden := p.Text[rd.Blank[0]:rd.Blank[1]]
			if hidden != rd.Choices[rd.Correct] {
				t.Errorf("round %d: blank hides %q, answer is %q", rd.Number, hidden, rd.Choices[rd.Correct])
			}
			sentence := p.Text[rd.Sentence[0]:rd.Sentence[1]]
			if !strings.Contains(r.Items[rd.Number-1].Text, p.Text[rd.Sentence[0]:rd.Blank[0]]+"_____"+p.Text[rd.Blank[1]:rd.Sentence[1]]) {
				t.Errorf("round %d: posted text is not the quoted sentence with its blank:\n%s", rd.Number, r.Items[rd.Number-1].Text)
			}
			if len(rd.Choices) != 4 {
				t.Fatalf("round %d: %d choices", rd.Number, len(rd.Choices))
			}
			for i, c := range rd.Choices {
				if i == rd.Correct {
					continue
				}
				if strings.EqualFold(c, hidden) || strings.Contains(sentence, c) {
					t.Errorf("round %d: distractor %q fits the sentence %q", rd.Number, c, sentence)
				}
				if kindOf(c) != rd.Kind {
					t.Errorf("round %d: distractor %q is not a %s", rd.Number, c, rd.Kind)
				}
			}
			if kindOf(hidden) != rd.Kind {
				t.Errorf("round %d: hidden %q is not a %s", rd.Number, hidden, rd.Kind)
			}
			checkWorthGuessing(t, rd, p.Text[:rd.Blank[0]])
		}
	}
}

// checkWorthGuessing fails rounds a member learns nothing from: a page
// number ("see p. _____"), years so far apart the answer stands out, or
// adjectives offered as names ("Confucian", "Eastern").
func checkWorthGuessing(t *testing.T, rd study.Round, before string) {
	t.Helper()
	if rd.Kind == study.KindNumber && regexp.MustCompile(`(?i)\b(pp?|nos?|vols?)\.\s*$`).MatchString(before) {
		t.Errorf("round %d hides a page or volume number: %q_____", rd.Number, before[max(0, len(before)-30):])
	}
	for _, c := range rd.Choices {
		switch rd.Kind {
		case study.KindDate:
			y, _ := strconv.Atoi(c)
			answer, _ := strconv.Atoi(rd.Choices[rd.Correct])
			if y-answer > 60 || answer-y > 60 {
				t.Errorf("round %d: year %d offered against %d", rd.Number, y, answer)
			}
		case study.KindName:
			if regexp.MustCompile(`(ese|ian|ern)$`).MatchString(c) {
				t.Errorf("round %d: adjective %q offered as a name", rd.Number, c)
			}
		}
	}
}

func kindOf(w string) study.BlankKind {
	switch {
	case len(w) == 4 && strings.Trim(w, "0123456789") == "":
		return study.KindDate
	case strings.Trim(w, "0123456789,") == "":
		return study.KindNumber
	case unicode.IsUpper([]rune(w)[0]):
		return study.KindName
	}
	return "?"
}

func TestService_QuizAnswersAndScoreboard(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, "")
	e.must(e.svc.Start(ctx, channel, mod, study.StartOptions{Topic: "quiz", Scope: bot.Scope{Doc: "kuromiya2023"}}))
	e.must(e.svc.Quiz(ctx, channel, mod, 2))
	rounds, _ := e.db.Rounds(ctx, 1)
	right := string("ABCD"[rounds[0].Correct])
	wrong := string("ABCD"[(rounds[0].Correct+1)%4])
	e.must(e.svc.Answer(ctx, channel, alice, 1, right))
	e.must(e.svc.Press(ctx, channel, bob, "study:answer:1:"+wrong))
	if _, err := e.svc.Answer(ctx, channel, alice, 1, wrong); !errors.Is(err, study.ErrAnswered) {
		t.Fatalf("second answer: %v", err)
	}
	if _, err := e.svc.Reveal(ctx, channel, alice); !errors.Is(err, study.ErrNotModerator) {
		t.Fatalf("member reveal: %v", err)
	}
	r := e.must(e.svc.Reveal(ctx, channel, mod))
	if !strings.Contains(r.Public, "| Alice | 1 | 1 |") || !strings.Contains(r.Public, "| Bob | 0 | 1 |") || !strings.Contains(r.Public, rounds[0].Paragraph) {
		t.Fatalf("reveal:\n%s", r.Public)
	}
	if _, err := e.svc.Answer(ctx, channel, bob, 2, "A"); !errors.Is(err, study.ErrRoundClosed) {
		t.Fatalf("answer after reveal: %v", err)
	}
}

func TestService_PersistsAcrossReopen(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, "")
	e.must(e.svc.Start(ctx, channel, mod, study.StartOptions{Topic: "reopen"}))
	e.must(e.svc.Ask(ctx, channel, alice, "Who signed the pact?"))
	e.must(e.svc.Approve(ctx, channel, mod, 1))
	e.db.Close()

	e2 := newEnv(t, e.path)
	r := e2.must(e2.svc.Approve(ctx, channel, mod, 1))
	if r.Public != "" || !strings.Contains(r.Private, "already approved") {
		t.Fatalf("after reopen, approve again: %+v", r)
	}
	e2.must(e2.svc.Ask(ctx, channel, bob, "Who broke the pact?"))
	e2.must(e2.svc.Approve(ctx, channel, mod, 2))
	tr := e2.must(e2.svc.End(ctx, channel, mod)).Transcript
	for _, want := range []string{"### 1. Who signed the pact?", "### 2. Who broke the pact?"} {
		if !strings.Contains(tr, want) {
			t.Errorf("transcript lacks %q:\n%s", want, tr)
		}
	}
}

func TestService_TranscriptGolden(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, "")
	s := e.svc
	e.must(s.Start(ctx, channel, mod, study.StartOptions{Topic: "The Tanaka Memorial", Scope: bot.Scope{Doc: "kuromiya2023", Division: "ch2"}}))
	for _, q := range []struct {
		who study.Actor
		q   string
	}{{alice, "Who forged the memorial?"}, {bob, "What did Tanaka decide?"}, {alice, "Any pizza?"}, {bob, "Who was Kuhara?"}} {
		e.must(s.Ask(ctx, channel, q.who, q.q))
	}
	e.must(s.Approve(ctx, channel, mod, 1))
	e.must(s.Approve(ctx, channel, mod, 2))
	e.must(s.Reject(ctx, channel, mod, 3, "off topic"))
	e.must(s.Quiz(ctx, channel, mod, 2))
	e.must(s.Answer(ctx, channel, alice, 1, "A"))
	e.must(s.Answer(ctx, channel, bob, 1, "B"))
	e.must(s.Answer(ctx, channel, alice, 2, "C"))
	r := e.must(s.End(ctx, channel, mod))
	golden := filepath.Join("testdata", "transcript.golden")
	if *update {
		os.MkdirAll("testdata", 0o755)
		if err := os.WriteFile(golden, []byte(r.Transcript), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if r.Transcript != string(want) {
		t.Errorf("transcript differs from %s (run with -update):\n%s", golden, r.Transcript)
	}
}

func TestService_MissingParagraphIsSaidNotCrashed(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, "")
	e.must(e.svc.Start(ctx, channel, mod, study.StartOptions{Topic: "gone"}))
	sess, _ := e.db.OpenSession(ctx, channel)
	if _, err := e.db.AddQuestion(ctx, study.Question{Session: sess.ID, Asker: alice, Text: "Old?", Draft: study.Draft{Lead: "According to an old edition:", Quotes: []study.QuoteRef{{Paragraph: "removed-p1", Start: 0, End: 10}}}, Asked: time.Now()}, 0); err != nil {
		t.Fatal(err)
	}
	r := e.must(e.svc.Approve(ctx, channel, mod, 1))
	if !strings.Contains(r.Public, "removed-p1 is no longer in the corpus") {
		t.Fatalf("missing paragraph not reported:\n%s", r.Public)
	}
}

func TestOpen_CorruptFileNamesIt(t *testing.T) {
	path := filepath.Join(t.TempDir(), "study.db")
	if err := os.WriteFile(path, []byte(strings.Repeat("not a database ", 500)), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := sqlite.Open(context.Background(), path)
	if err == nil || !strings.Contains(err.Error(), path) {
		t.Fatalf("err = %v, want one naming %s", err, path)
	}
}
