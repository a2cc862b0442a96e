package bot_test

import (
	"context"
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ibidbot/ibid/bot"
	"github.com/ibidbot/ibid/bot/openai"
	"github.com/ibidbot/ibid/bot/openai/openaitest"
)

const question = "Who published the first complete Japanese translation of Das Kapital?"

var sentenceLine = regexp.MustCompile(`(?m)^\[(\d+\.\d+)\] (.*)$`)

// idOf finds, in the prompt the bot sent, the ID of the first sentence
// containing words, as a model reading the prompt would.
func idOf(r *openaitest.Request, words string) string {
	for _, m := range r.Messages {
		for _, s := range sentenceLine.FindAllStringSubmatch(m.Content, -1) {
			if strings.Contains(s[2], words) {
				return s[1]
			}
		}
	}
	return "none"
}

func reply(claims ...map[string]any) string {
	b, _ := json.Marshal(map[string]any{"answerable": true, "claims": claims})
	return string(b)
}

func claim(text string, ids ...string) map[string]any {
	return map[string]any{"text": text, "sentences": ids}
}

// goodAnswer cites the sentence that answers the question.
func goodAnswer(r *openaitest.Request) string {
	return reply(claim("Takabatake Motoyuki published it in the 1920s.", idOf(r, "Takabatake")))
}

func TestAsk_WithAModel(t *testing.T) {
	const deadline = 800 * time.Millisecond
	tests := []struct {
		name      string
		server    []openaitest.Behaviour
		wantMode  bot.Mode
		wantLead  string // words the lead must contain
		fallsBack bool
	}{
		{name: "a good answer", server: []openaitest.Behaviour{openaitest.ReplyFunc(goodAnswer)},
			wantMode: bot.ModeModel, wantLead: "Takabatake Motoyuki published it in the 1920s. [1]"},
		{name: "IDs it was not given", server: []openaitest.Behaviour{openaitest.Reply(reply(claim("Marx did.", "9.9", "[12.1]")))},
			wantMode: bot.ModeExtractive, fallsBack: true},
		{name: "an invented quotation", server: []openaitest.Behaviour{openaitest.ReplyFunc(func(r *openaitest.Request) string {
			return reply(claim(`He called it “the bible of the working class”.`, idOf(r, "Takabatake")))
		})}, wantMode: bot.ModeExtractive, fallsBack: true},
		{name: "an invented quotation beside a good claim", server: []openaitest.Behaviour{openaitest.ReplyFunc(func(r *openaitest.Request) string {
			id := idOf(r, "Takabatake")
			return reply(claim("Takabatake translated it.", id), claim(`He said "capital is theft".`, id))
		})}, wantMode: bot.ModeModel, wantLead: "Takabatake translated it. [1]"},
		{name: "a quotation the sentence holds", server: []openaitest.Behaviour{openaitest.ReplyFunc(func(r *openaitest.Request) string {
			return reply(claim(`Takabatake was an ideologue of “state socialism”.`, idOf(r, "Takabatake")))
		})}, wantMode: bot.ModeModel, wantLead: "Takabatake was an ideologue of state socialism. [1]"},
		{name: "malformed JSON", server: []openaitest.Behaviour{openaitest.Reply(`{"claims": [{"text": "Takabatake", "sentences": [`)},
			wantMode: bot.ModeExtractive, fallsBack: true},
		{name: "not JSON at all", server: []openaitest.Behaviour{openaitest.Reply("Takabatake Motoyuki did, I think.")},
			wantMode: bot.ModeExtractive, fallsBack: true},
		{name: "an empty reply", server: []openaitest.Behaviour{openaitest.Empty()},
			wantMode: bot.ModeExtractive, fallsBack: true},
		{name: "slower than the deadline", server: []openaitest.Behaviour{openaitest.Slow(5*time.Second, openaitest.ReplyFunc(goodAnswer))},
			wantMode: bot.ModeExtractive, fallsBack: true},
		{name: "429 then an answer", server: []openaitest.Behaviour{
			openaitest.Status(http.StatusTooManyRequests, `{"error":{"message":"slow down"}}`, http.Header{"Retry-After": {"0.2"}}),
			openaitest.ReplyFunc(goodAnswer)}, wantMode: bot.ModeModel, wantLead: "Takabatake"},
		{name: "429 past the deadline", server: []openaitest.Behaviour{
			openaitest.Status(http.StatusTooManyRequests, `{"error":{"message":"slow down"}}`, http.Header{"Retry-After": {"30"}})},
			wantMode: bot.ModeExtractive, fallsBack: true},
		{name: "500", server: []openaitest.Behaviour{openaitest.Status(500, `{"error":{"message":"boom"}}`, nil)},
			wantMode: bot.ModeExtractive, fallsBack: true},
		{name: "a model that finds no answer", server: []openaitest.Behaviour{openaitest.Reply(`{"answerable": false, "claims": []}`)},
			wantMode: bot.ModeExtractive, fallsBack: true},
		{name: "a reply in a Markdown fence", server: []openaitest.Behaviour{openaitest.ReplyFunc(func(r *openaitest.Request) string {
			return "```json\n" + goodAnswer(r) + "\n```"
		})}, wantMode: bot.ModeModel, wantLead: "Takabatake"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := openaitest.New(t, tt.server...)
			m, err := openai.New(openai.Config{BaseURL: srv.URL, Model: "test-model", APIKey: "sk-test"})
			if err != nil {
				t.Fatal(err)
			}
			b := bot.NewTestBot(t, bot.WithModel(m, deadline))
			start := time.Now()
			a, err := b.Ask(context.Background(), question, bot.Scope{}, nil, nil)
			elapsed := time.Since(start)
			if err != nil {
				t.Fatal(err)
			}
			bot.CheckQuotes(t, b.Corpus(), a)
			if elapsed > deadline+300*time.Millisecond {
				t.Errorf("took %v, past the %v deadline", elapsed, deadline)
			}
			if a.Mode != tt.wantMode || (a.FallbackReason != "") != tt.fallsBack {
				t.Errorf("mode %s, fallback %q", a.Mode, a.FallbackReason)
			}
			if a.Refused || len(a.Quotes) == 0 || !strings.Contains(a.Quotes[0].Text(), "Takabatake") {
				t.Errorf("the answer lost its quote: %s", bot.FormatText(a))
			}
			if !strings.Contains(a.Lead, tt.wantLead) {
				t.Errorf("lead %q, want it to contain %q", a.Lead, tt.wantLead)
			}
			if strings.Contains(a.Lead, "theft") || strings.Contains(a.Lead, "bible") {
				t.Errorf("a claim with an invented quotation was kept: %q", a.Lead)
			}
			if strings.ContainsAny(a.Lead, "“”\"") && a.Mode == bot.ModeModel {
				t.Errorf("model words shown in quotation marks: %q", a.Lead)
			}
		})
	}
}

func TestAsk_StreamsTheLead(t *testing.T) {
	var chunks []string
	srv := openaitest.New(t, func(w http.ResponseWriter, r *openaitest.Request) {
		full := goodAnswer(r)
		for i := 0; i < len(full); i += 7 {
			chunks = append(chunks, full[i:min(i+7, len(full))])
		}
		openaitest.Stream(chunks...)(w, r)
	})
	m, _ := openai.New(openai.Config{BaseURL: srv.URL, Model: "test-model"})
	b := bot.NewTestBot(t, bot.WithModel(m, 2*time.Second))
	var mu sync.Mutex
	var leads []string
	a, err := b.Ask(context.Background(), question, bot.Scope{}, nil, func(lead string) {
		mu.Lock()
		leads = append(leads, lead)
		mu.Unlock()
	})
	if err != nil {
		t.Fatal(err)
	}
	if a.Mode != bot.ModeModel || len(leads) < 3 {
		t.Fatalf("mode %s, %d lead updates", a.Mode, len(leads))
	}
	for i := 1; i < len(leads); i++ {
		if !strings.HasPrefix(leads[i], leads[i-1]) {
			t.Errorf("the streamed lead went back: %q then %q", leads[i-1], leads[i])
		}
	}
	if last := leads[len(leads)-1]; !strings.HasPrefix(a.Lead, last) {
		t.Errorf("final lead %q, last streamed %q", a.Lead, last)
	}
	if reqs := srv.Requests(); len(reqs) != 1 || !reqs[0].Stream {
		t.Errorf("requests %+v", reqs)
	}
}

func TestAsk_ModelRewritesFollowUps(t *testing.T) {
	srv := openaitest.New(t, func(w http.ResponseWriter, r *openaitest.Request) {
		if r.ResponseFormat == "" { // the rewrite asks for plain text
			openaitest.Reply("When was Takabatake Motoyuki born?")(w, r)
			return
		}
		openaitest.ReplyFunc(goodAnswer)(w, r)
	})
	m, _ := openai.New(openai.Config{BaseURL: srv.URL, Model: "test-model"})
	b := bot.NewTestBot(t, bot.WithModel(m, 2*time.Second))
	var conv bot.Conversation
	if _, err := b.Ask(context.Background(), question, bot.Scope{}, &conv, nil); err != nil {
		t.Fatal(err)
	}
	a, err := b.Ask(context.Background(), "When was he born?", bot.Scope{}, &conv, nil)
	if err != nil {
		t.Fatal(err)
	}
	if a.Resolved != "When was Takabatake Motoyuki born?" {
		t.Errorf("resolved %q", a.Resolved)
	}
}
