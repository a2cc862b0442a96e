package discord_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/ibidbot/ibid/bot"
	"github.com/ibidbot/ibid/bot/discord"
	"github.com/ibidbot/ibid/bot/discord/discordtest"
	"github.com/ibidbot/ibid/bot/searcher"
	"github.com/ibidbot/ibid/corpus"
	"github.com/ibidbot/ibid/retrieval"
)

var (
	coreOnce sync.Once
	core     *bot.Bot
	coreErr  error
)

// testCore is the real core over the default corpus, built once.
func testCore(t testing.TB) *bot.Bot {
	t.Helper()
	coreOnce.Do(func() {
		var c *corpus.Corpus
		if c, coreErr = corpus.LoadDefault(); coreErr != nil {
			return
		}
		dir, err := os.MkdirTemp("", "ibid-discord-test")
		if err != nil {
			coreErr = err
			return
		}
		ix, _, err := retrieval.Open(context.Background(), dir, c, false, nil)
		if err != nil {
			coreErr = err
			return
		}
		s := searcher.New(ix)
		core = bot.New(c, s, bot.WithThesaurus(s)) // as cmd/ibid wires it
	})
	if coreErr != nil {
		t.Fatal(coreErr)
	}
	return core
}

// connect runs the adapter on a real discordgo session against a local
// Discord.
func connect(t *testing.T) (*discordtest.Server, *discord.Adapter) {
	t.Helper()
	return connectWith(t, discord.Options{}, nil)
}

// connectWith is connect with the adapter's options, and setup (if not nil)
// called on the session before it opens.
func connectWith(t testing.TB, opts discord.Options, setup func(*discordgo.Session)) (*discordtest.Server, *discord.Adapter) {
	t.Helper()
	srv := discordtest.New(t, discordtest.WithPrivilegedIntents(discordgo.IntentMessageContent))
	return srv, openAdapter(t, srv, testCore(t), opts, setup)
}

// openAdapter connects a real discordgo session to srv with an adapter over
// core, and waits for READY; the adapter is shut down when the test ends.
func openAdapter(t testing.TB, srv *discordtest.Server, core *bot.Bot, opts discord.Options, setup func(*discordgo.Session)) *discord.Adapter {
	t.Helper()
	s := srv.Session(t)
	s.Identify.Intents = discordgo.IntentsGuilds | discordgo.IntentsGuildMessages | discordgo.IntentMessageContent
	if setup != nil {
		setup(s)
	}
	a := discord.New(core, discord.Bounded{S: s}, opts)
	ready := make(chan struct{})
	s.AddHandler(func(s *discordgo.Session, r *discordgo.Ready) { a.Ready(s, r); close(ready) })
	s.AddHandler(a.OnInteraction)
	s.AddHandler(a.OnMessage)
	if err := s.Open(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-ready:
	case <-time.After(5 * time.Second):
		t.Fatal("no READY")
	}
	t.Cleanup(func() { a.Shutdown(context.Background()) })
	return a
}

func TestAsk_DefersThenAnswersWithQuotedSource(t *testing.T) {
	srv, a := connect(t)
	if err := a.Register(context.Background(), srv.AppID, []string{srv.GuildID}); err != nil {
		t.Fatal(err)
	}
	ic := srv.Interact(t, discordtest.Command("ask", discordtest.String("question", "Who published the first complete Japanese translation of Das Kapital? @everyone")))
	cb := srv.WaitRequest(t, ic.Callback())
	discordtest.AssertJSON(t, cb.Body, `{"type":5,"data":{"tts":false,"content":"","components":null,"embeds":null,"allowed_mentions":{"parse":[],"replied_user":false}}}`)
	edit := srv.WaitRequest(t, ic.Webhook("PATCH"))
	if edit.Status != 200 || len(edit.Pings) != 0 {
		t.Fatalf("edit answered %d, pings %v", edit.Status, edit.Pings)
	}
	// The whole payload, exactly: the lead as content, the quote as a
	// block-quoted embed with its citation in the footer, the buttons, and
	// "allowed_mentions":{"parse":[]}. The answer's ID in the buttons'
	// custom IDs differs every run.
	goldenJSON(t, "ask_followup.json", answerIDs.ReplaceAll(edit.Body, []byte(`"${1}ANSWER_ID"`)))
}

// answerIDs matches the answer ID in the custom IDs of an answer's buttons.
var answerIDs = regexp.MustCompile(`"((?:more|fb\|up|fb\|down)\|)[0-9a-z]+"`)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// goldenJSON fails unless got is the JSON value in testdata/name, and
// rewrites that file under -update.
func goldenJSON(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		var v any
		if err := json.Unmarshal(got, &v); err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		if err := enc.Encode(v); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	discordtest.AssertJSON(t, got, string(want))
}

func TestMention_OpensAThreadAndFollowUpsKeepContext(t *testing.T) {
	srv, _ := connect(t)
	msgID := srv.MessageCreate(t, discordtest.Message{Content: "<@" + srv.AppID + "> In which city was the Far Eastern Republic founded in 1920?"})
	th := srv.WaitRequest(t, discordtest.Match("POST /channels/"+srv.ChannelID+"/messages/"+msgID+"/threads"))
	var thread struct{ ID string }
	json.Unmarshal(th.Response, &thread)
	if thread.ID == "" {
		t.Fatalf("thread %s", th.Response)
	}
	ans := srv.WaitRequest(t, discordtest.Match("POST /channels/"+thread.ID+"/messages"))
	if !strings.Contains(string(ans.Body), "Verkhneudinsk") || len(ans.Pings) != 0 {
		t.Fatalf("answer %s", ans.Body)
	}
	srv.MessageCreate(t, discordtest.Message{ChannelID: thread.ID, Content: "What is it called today?"})
	var follow discordtest.Request
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		reqs := srv.Requests()
		n := 0
		for _, r := range reqs {
			if r.Method == "POST" && r.Path == "/channels/"+thread.ID+"/messages" {
				n++
				follow = r
			}
		}
		if n == 2 {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if !strings.Contains(string(follow.Body), "Read as") || !strings.Contains(string(follow.Body), "Ulan-Ude") {
		t.Errorf("the follow-up lost its context: %s", follow.Body)
	}
}

func TestRateLimitedEditIsWaitedOut(t *testing.T) {
	srv, _ := connect(t)
	srv.RateLimitNext("PATCH /webhooks/", 200*time.Millisecond, false)
	ic := srv.Interact(t, discordtest.Command("cite", discordtest.String("text", "kuromiya2023:intro:p14:2#3")))
	srv.WaitRequest(t, ic.Callback())
	var ok discordtest.Request
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) && ok.Status != 200 {
		for _, r := range srv.Requests() {
			if r.Method == "PATCH" && r.Status == 200 && strings.HasPrefix(r.Path, "/webhooks/") {
				ok = r
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	if ok.Status != 200 || !strings.Contains(string(ok.Body), "One of the most important") {
		t.Fatalf("the edit after a 429 never succeeded: %+v", ok)
	}
}
