package discord_test

import (
	"context"
	"encoding/json"
	"os"
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
func testCore(t *testing.T) *bot.Bot {
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
		core = bot.New(c, searcher.New(ix))
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
	srv := discordtest.New(t, discordtest.WithPrivilegedIntents(discordgo.IntentMessageContent))
	s := srv.Session(t)
	s.Identify.Intents = discordgo.IntentsGuilds | discordgo.IntentsGuildMessages | discordgo.IntentMessageContent
	a := discord.New(testCore(t), discord.Bounded{S: s}, discord.Options{})
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
	return srv, a
}

func decode(t *testing.T, r discordtest.Request) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.Body, &m); err != nil {
		t.Fatalf("%s %s: %v", r.Method, r.Path, err)
	}
	return m
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
	m := decode(t, edit)
	content, _ := m["content"].(string)
	embeds, _ := m["embeds"].([]any)
	if !strings.HasPrefix(content, "According to Kuromiya") || len(embeds) == 0 {
		t.Fatalf("edit %s", edit.Body)
	}
	e := embeds[0].(map[string]any)
	desc, _ := e["description"].(string)
	footer, _ := e["footer"].(map[string]any)
	if !strings.HasPrefix(desc, "> ") || !strings.Contains(desc, "Takabatake Motoyuki") || !strings.Contains(footer["text"].(string), "kuromiya2023:intro:p14:2") {
		t.Errorf("quote embed %v", e)
	}
	if am, _ := m["allowed_mentions"].(map[string]any); am == nil || len(am["parse"].([]any)) != 0 {
		t.Errorf("allowed_mentions %v", m["allowed_mentions"])
	}
	if !strings.Contains(string(edit.Body), `"custom_id":"more|`) || !strings.Contains(string(edit.Body), `"custom_id":"fb|up|`) {
		t.Errorf("buttons missing: %s", edit.Body)
	}
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
