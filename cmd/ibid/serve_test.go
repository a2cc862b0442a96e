package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/ibidbot/ibid/bot/discord/discordtest"
	"github.com/ibidbot/ibid/bot/sqlite"
)

// syncBuffer is a log both the bot and the test use.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestRun_ServeKeepsAutoAnswerAndFeedbackAcrossRestarts runs `ibid serve`
// against a local Discord, switches auto-answer on and votes on an answer,
// stops it as SIGTERM does, starts it again on the same data directory, and
// finds the channel still answered and the vote in the database.
func TestRun_ServeKeepsAutoAnswerAndFeedbackAcrossRestarts(t *testing.T) {
	srv := discordtest.New(t, discordtest.WithPrivilegedIntents(discordgo.IntentMessageContent))
	data := t.TempDir()
	cfg := filepath.Join(t.TempDir(), "ibid.yaml")
	if err := os.WriteFile(cfg, []byte("discord: {message_content: true, guilds: ["+srv.GuildID+"]}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"DISCORD_TOKEN": srv.Token, "IBID_DISCORD_API": srv.URL}
	if out, err := runIbid(t, nil, "--data", data, "index"); err != nil { // so that serve starts at once
		t.Fatalf("index: %v\n%s", err, out)
	}
	var log syncBuffer
	serve := func() (stop func()) {
		t.Helper()
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() {
			done <- run(ctx, []string{"--data", data, "--config", cfg, "serve"}, func(k string) string { return env[k] }, strings.NewReader(""), &log, &log)
		}()
		// The commands are registered once READY has arrived.
		srv.WaitRequest(t, discordtest.Match("PUT /applications/{app}/guilds/{guild}/commands"))
		return func() {
			t.Helper()
			cancel()
			if err := <-done; err != nil {
				t.Fatalf("serve: %v\n%s", err, log.String())
			}
		}
	}

	stop := serve()
	mod := discordtest.User{ID: "800000000000000005", Username: "mod"}
	srv.AddMember(srv.GuildID, mod, srv.AddRole(srv.GuildID, "moderators", discordgo.PermissionManageChannels))
	on := discordtest.Command("autoanswer", discordtest.Bool("enabled", true))
	on.User = mod
	ic := srv.Interact(t, on)
	if cb := srv.WaitRequest(t, ic.Callback()); !strings.Contains(string(cb.Body), "now on") {
		t.Fatalf("/autoanswer: %s", cb.Body)
	}
	const question = "Who published the first complete Japanese translation of Das Kapital?"
	ic = srv.Interact(t, discordtest.Command("ask", discordtest.String("question", question)))
	edit := srv.WaitRequest(t, ic.Webhook("PATCH"))
	var answer struct {
		ID         string
		Components []struct {
			Components []struct {
				CustomID string `json:"custom_id"`
			}
		}
	}
	json.Unmarshal(edit.Response, &answer)
	var up string
	for _, row := range answer.Components {
		for _, c := range row.Components {
			if strings.HasPrefix(c.CustomID, "fb|up|") {
				up = c.CustomID
			}
		}
	}
	if answer.ID == "" || up == "" {
		t.Fatalf("answer without a 👍 button: %s", edit.Response)
	}
	ic = srv.Interact(t, discordtest.Button(answer.ID, up))
	srv.WaitRequest(t, ic.Callback())
	stop()

	stop = serve()
	asked := srv.MessageCreate(t, discordtest.Message{Content: "In which city was the Far Eastern Republic founded in 1920?"})
	th := srv.WaitRequest(t, discordtest.Match("POST /channels/"+srv.ChannelID+"/messages/"+asked+"/threads"))
	var thread struct{ ID string }
	json.Unmarshal(th.Response, &thread)
	if ans := srv.WaitRequest(t, discordtest.Match("POST /channels/"+thread.ID+"/messages")); !strings.Contains(string(ans.Body), "Verkhneudinsk") {
		t.Errorf("the auto-answered channel's answer: %s", ans.Body)
	}
	stop()

	db, err := sqlite.Open(context.Background(), filepath.Join(data, studyDBName))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if on, err := db.AutoAnswer(context.Background(), srv.ChannelID); err != nil || !on {
		t.Errorf("auto-answer in the database: %v, %v", on, err)
	}
	votes, err := db.Feedback(context.Background())
	if err != nil || len(votes) != 1 || votes[0].MessageID != answer.ID || votes[0].Question != question || !votes[0].Up ||
		!strings.Contains(votes[0].Answer, "Takabatake") {
		t.Errorf("votes in the database: %+v (%v)", votes, err)
	}
}
