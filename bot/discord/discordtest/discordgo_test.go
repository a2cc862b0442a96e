package discordtest_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"

	"github.com/ibidbot/ibid/bot/discord/discordtest"
)

// timeout bounds every wait on discordgo in these tests.
const timeout = 5 * time.Second

// receive returns the next value from ch or fails the test after timeout.
func receive[T any](t *testing.T, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(timeout):
		t.Fatalf("no %s within %v", what, timeout)
		panic("unreachable")
	}
}

// handle registers a discordgo handler that forwards every event of its
// type to the returned channel, and removes it when the test ends.
func handle[E any](t *testing.T, s *discordgo.Session) <-chan E {
	ch := make(chan E, 16)
	remove := s.AddHandler(func(_ *discordgo.Session, e E) { ch <- e })
	t.Cleanup(remove)
	return ch
}

var noMentions = &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}}

func restCode(t *testing.T, err error) int {
	t.Helper()
	var re *discordgo.RESTError
	if !errors.As(err, &re) || re.Message == nil {
		t.Fatalf("error %v is not a Discord REST error", err)
	}
	return re.Message.Code
}

// TestDiscordgo runs the real discordgo session against the fake through
// one connection's life: open, interactions, REST, a dropped connection
// and an expired session. Subtests share the session because discordgo's
// Close sleeps a second.
func TestDiscordgo(t *testing.T) {
	srv := discordtest.New(t)
	s := srv.Session(t)
	intents := discordgo.IntentsGuilds | discordgo.IntentsGuildMessages
	s.Identify.Intents = intents
	guildCreates := handle[*discordgo.GuildCreate](t, s)
	interactions := handle[*discordgo.InteractionCreate](t, s)
	messages := handle[*discordgo.MessageCreate](t, s)
	if err := s.Open(); err != nil {
		t.Fatalf("Open: %v", err)
	}
	first := srv.WaitIdentify(t)

	t.Run("Open", func(t *testing.T) {
		reqs := srv.Requests()
		if len(reqs) == 0 || reqs[0].Method != "GET" || reqs[0].Path != "/gateway" {
			t.Fatalf("first request is not GET /gateway: %+v", reqs)
		}
		if got := reqs[0].Header.Get("Authorization"); got != "Bot test-token" {
			t.Errorf("Authorization = %q, want %q", got, "Bot test-token")
		}
		if first.Token != "Bot test-token" || first.Intents != intents || first.SessionID == "" {
			t.Errorf("IDENTIFY = %+v, want token %q and intents %d", first, "Bot test-token", intents)
		}
		if first.Properties.Browser != "DiscordGo v0.29.0" || !first.Compress {
			t.Errorf("IDENTIFY properties %+v, compress %v", first.Properties, first.Compress)
		}
		if s.State.User == nil || s.State.User.ID != srv.Bot.ID || !s.State.User.Bot {
			t.Errorf("State.User = %+v, want the bot %s", s.State.User, srv.Bot.ID)
		}
		g := receive(t, guildCreates, "GUILD_CREATE")
		if g.ID != srv.GuildID {
			t.Fatalf("GUILD_CREATE for %s, want %s", g.ID, srv.GuildID)
		}
		if ch, err := s.State.Channel(srv.ChannelID); err != nil || ch.GuildID != srv.GuildID {
			t.Errorf("State.Channel(%s) = %+v, %v", srv.ChannelID, ch, err)
		}
	})

	t.Run("DeferThenEdit", func(t *testing.T) {
		ref := srv.Interact(t, discordtest.Command("ask", discordtest.String("question", "Who signed the treaty?"), discordtest.Bool("private", true)))
		ic := receive(t, interactions, "INTERACTION_CREATE")
		if ic.ID != ref.ID || ic.Type != discordgo.InteractionApplicationCommand {
			t.Fatalf("got interaction %s of type %v, want %s", ic.ID, ic.Type, ref.ID)
		}
		data := ic.ApplicationCommandData()
		if data.Name != "ask" || data.Options[0].StringValue() != "Who signed the treaty?" || !data.Options[1].BoolValue() {
			t.Errorf("command data = %+v", data)
		}
		if ic.Member == nil || ic.Member.User.ID != srv.User.ID || ic.GuildID != srv.GuildID || ic.ChannelID != srv.ChannelID {
			t.Errorf("interaction member %+v in %s/%s", ic.Member, ic.GuildID, ic.ChannelID)
		}
		if ic.Member.Permissions&discordgo.PermissionSendMessages == 0 || ic.Member.Permissions&discordgo.PermissionManageChannels != 0 {
			t.Errorf("member permissions %b, want @everyone's", ic.Member.Permissions)
		}

		err := s.InteractionRespond(ic.Interaction, &discordgo.InteractionResponse{
			Type: discordgo.InteractionResponseDeferredChannelMessageWithSource,
			Data: &discordgo.InteractionResponseData{Flags: discordgo.MessageFlagsEphemeral},
		})
		if err != nil {
			t.Fatalf("deferral: %v", err)
		}
		content := "Top match for \"treaty\""
		embeds := []*discordgo.MessageEmbed{{Title: "Portsmouth, ch. 1 ¶3", Description: "> The treaty was signed. @everyone"}}
		if _, err := s.InteractionResponseEdit(ic.Interaction, &discordgo.WebhookEdit{
			Content: &content, Embeds: &embeds, AllowedMentions: noMentions,
		}); err != nil {
			t.Fatalf("edit: %v", err)
		}

		cb := srv.WaitRequest(t, ref.Callback())
		discordtest.AssertJSON(t, cb.Body, `{"type":5,"data":{"tts":false,"content":"","components":null,"embeds":null,"flags":64}}`)
		edit := srv.WaitRequest(t, ref.Webhook(http.MethodPatch))
		if edit.Path != "/webhooks/"+srv.AppID+"/"+ref.Token+"/messages/@original" {
			t.Errorf("edit path %s", edit.Path)
		}
		discordtest.AssertJSON(t, edit.Body, `{"content":"Top match for \"treaty\"",
			"embeds":[{"title":"Portsmouth, ch. 1 ¶3","description":"> The treaty was signed. @everyone"}],
			"allowed_mentions":{"parse":[],"replied_user":false}}`)
		if len(edit.Pings) != 0 {
			t.Errorf("edit pings %v", edit.Pings)
		}

		err = s.InteractionRespond(ic.Interaction, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseChannelMessageWithSource,
			Data: &discordgo.InteractionResponseData{Content: "again"}})
		if code := restCode(t, err); code != discordgo.ErrCodeInteractionHasAlreadyBeenAcknowledged {
			t.Errorf("second acknowledgement: code %d, want 40060", code)
		}
	})

	t.Run("AutocompleteChoicesLimit", func(t *testing.T) {
		ref := srv.Interact(t, discordtest.Autocomplete("cite", discordtest.String("text", "king")))
		ic := receive(t, interactions, "autocomplete INTERACTION_CREATE")
		opt := ic.ApplicationCommandData().Options[0]
		if ic.ID != ref.ID || ic.Type != discordgo.InteractionApplicationCommandAutocomplete || !opt.Focused || opt.StringValue() != "king" {
			t.Fatalf("autocomplete interaction %+v option %+v", ic.Interaction, opt)
		}
		choices := func(n int) *discordgo.InteractionResponse {
			r := &discordgo.InteractionResponse{Type: discordgo.InteractionApplicationCommandAutocompleteResult,
				Data: &discordgo.InteractionResponseData{}}
			for i := range n {
				r.Data.Choices = append(r.Data.Choices, &discordgo.ApplicationCommandOptionChoice{Name: strings.Repeat("k", i+1), Value: "v"})
			}
			return r
		}
		err := s.InteractionRespond(ic.Interaction, choices(26))
		if code := restCode(t, err); code != discordgo.ErrCodeInvalidFormBody {
			t.Fatalf("26 choices: code %d, want 50035", code)
		}
		if body := string(err.(*discordgo.RESTError).ResponseBody); !strings.Contains(body, `"choices":{"_errors"`) {
			t.Errorf("error body does not point at data.choices: %s", body)
		}
		if err := s.InteractionRespond(ic.Interaction, choices(25)); err != nil {
			t.Errorf("25 choices after a rejected answer: %v", err)
		}
	})

	t.Run("RateLimitIsWaitedOut", func(t *testing.T) {
		limited := handle[*discordgo.RateLimit](t, s)
		srv.RateLimitNext("POST /channels/{channel}/messages", 200*time.Millisecond, false)
		start := time.Now()
		m, err := s.ChannelMessageSendComplex(srv.ChannelID, &discordgo.MessageSend{Content: "after the limit", AllowedMentions: noMentions})
		elapsed := time.Since(start)
		if err != nil {
			t.Fatalf("send: %v", err)
		}
		if elapsed < 200*time.Millisecond {
			t.Errorf("discordgo retried after %v, before retry_after", elapsed)
		}
		if m.ID == "" || m.ChannelID != srv.ChannelID || m.Author.ID != srv.Bot.ID || m.Content != "after the limit" {
			t.Errorf("sent message %+v", m)
		}
		if rl := receive(t, limited, "RateLimit event"); rl.RetryAfter != 200*time.Millisecond {
			t.Errorf("RateLimit event retry after %v", rl.RetryAfter)
		}
		first := srv.WaitRequest(t, discordtest.Match("POST /channels/{channel}/messages"))
		second := srv.WaitRequest(t, discordtest.Match("POST /channels/{channel}/messages"))
		if first.Status != http.StatusTooManyRequests || second.Status != http.StatusOK {
			t.Errorf("statuses %d then %d, want 429 then 200", first.Status, second.Status)
		}
		// The bot's own message comes back over the gateway, as on Discord.
		if echo := receive(t, messages, "MESSAGE_CREATE echo"); echo.ID != m.ID || echo.Author.ID != srv.Bot.ID {
			t.Errorf("echo %+v", echo.Message)
		}
	})

	t.Run("MentionThenThread", func(t *testing.T) {
		plain := srv.MessageCreate(t, discordtest.Message{Content: "no mention here"})
		got := receive(t, messages, "MESSAGE_CREATE")
		if got.ID != plain || got.Content != "" {
			t.Errorf("without MESSAGE_CONTENT content should be empty, got %q", got.Content)
		}
		id := srv.MessageCreate(t, discordtest.Message{Content: "<@" + srv.Bot.ID + "> when was the Meiji restoration?"})
		got = receive(t, messages, "MESSAGE_CREATE")
		if got.ID != id || !strings.Contains(got.Content, "Meiji") || len(got.Mentions) != 1 || got.Mentions[0].ID != srv.Bot.ID {
			t.Fatalf("mention message %+v", got.Message)
		}
		if got.GuildID != srv.GuildID || got.Member == nil {
			t.Errorf("message guild %q member %+v", got.GuildID, got.Member)
		}
		created := handle[*discordgo.ThreadCreate](t, s)
		th, err := s.MessageThreadStartComplex(got.ChannelID, got.ID, &discordgo.ThreadStart{Name: "Meiji restoration", AutoArchiveDuration: 1440})
		if err != nil {
			t.Fatalf("thread: %v", err)
		}
		if th.ID != id || th.Type != discordgo.ChannelTypeGuildPublicThread || th.ParentID != srv.ChannelID ||
			th.GuildID != srv.GuildID || th.ThreadMetadata == nil || th.ThreadMetadata.AutoArchiveDuration != 1440 {
			t.Errorf("thread %+v", th)
		}
		if ev := receive(t, created, "THREAD_CREATE"); ev.ID != th.ID || !ev.NewlyCreated {
			t.Errorf("THREAD_CREATE %+v", ev.Channel)
		}
		if _, err := s.MessageThreadStartComplex(got.ChannelID, got.ID, &discordgo.ThreadStart{Name: "again"}); restCode(t, err) != 160004 {
			t.Errorf("a second thread from the message: %v", err)
		}
		reply, err := s.ChannelMessageSendComplex(th.ID, &discordgo.MessageSend{Content: "In 1868.", AllowedMentions: noMentions})
		if err != nil || reply.ChannelID != th.ID {
			t.Fatalf("answer in thread: %+v, %v", reply, err)
		}
		if echo := receive(t, messages, "echo in thread"); echo.ChannelID != th.ID {
			t.Errorf("echo in %s", echo.ChannelID)
		}
	})

	t.Run("DropConnectionResumes", func(t *testing.T) {
		typing := handle[*discordgo.TypingStart](t, s)
		typingEvent := func(user string) map[string]any {
			return map[string]any{"channel_id": srv.ChannelID, "guild_id": srv.GuildID, "user_id": user, "timestamp": time.Now().Unix()}
		}
		seq := srv.Dispatch(t, "TYPING_START", typingEvent("1"))
		receive(t, typing, "TYPING_START before the drop") // discordgo has stored seq by now

		srv.WaitHeartbeat(t)
		srv.DropConnection(t)
		missed := srv.Dispatch(t, "TYPING_START", typingEvent("2"))
		res := srv.WaitResume(t)
		if !res.Resumed || res.SessionID != first.SessionID || res.Seq != seq || res.Token != "Bot test-token" {
			t.Errorf("RESUME %+v, want session %s at seq %d", res, first.SessionID, seq)
		}
		if ev := receive(t, typing, "TYPING_START replayed after RESUME"); ev.UserID != "2" {
			t.Errorf("replayed event from user %s, want 2 (seq %d)", ev.UserID, missed)
		}
		ref := srv.Interact(t, discordtest.Command("help"))
		if ic := receive(t, interactions, "INTERACTION_CREATE after RESUME"); ic.ID != ref.ID {
			t.Errorf("interaction %s, want %s", ic.ID, ref.ID)
		}
	})

	t.Run("ExpiredSessionIdentifiesAgain", func(t *testing.T) {
		srv.WaitHeartbeat(t) // the resumed connection is up
		srv.ExpireSession(t)
		if res := srv.WaitResume(t); res.Resumed {
			t.Errorf("RESUME of an expired session was accepted: %+v", res)
		}
		again := srv.WaitIdentify(t)
		if again.SessionID == "" || again.SessionID == first.SessionID {
			t.Errorf("second IDENTIFY opened session %q (first %q)", again.SessionID, first.SessionID)
		}
		ref := srv.Interact(t, discordtest.Command("help"))
		if ic := receive(t, interactions, "INTERACTION_CREATE after IDENTIFY"); ic.ID != ref.ID {
			t.Errorf("interaction %s, want %s", ic.ID, ref.ID)
		}
	})
}

// TestDiscordgo_OpenFailsOnRejection shows that discordgo's Open returns
// the gateway's close code instead of hanging or retrying.
func TestDiscordgo_OpenFailsOnRejection(t *testing.T) {
	tests := []struct {
		name    string
		setup   func(s *discordgo.Session)
		code    int
		message string
	}{
		{"WrongToken", func(s *discordgo.Session) { s.Token, s.Identify.Token = "Bot wrong", "Bot wrong" }, 4004, "Authentication failed."},
		{"PrivilegedIntent", func(s *discordgo.Session) { s.Identify.Intents |= discordgo.IntentMessageContent }, 4014, "Disallowed intent(s)."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := discordtest.New(t)
			s := srv.Session(t)
			tt.setup(s)
			done := make(chan error, 1)
			go func() { done <- s.Open() }()
			err := receive(t, done, "return from Open")
			var ce *websocket.CloseError
			if !errors.As(err, &ce) || ce.Code != tt.code || ce.Text != tt.message {
				t.Fatalf("Open = %v, want close %d %q", err, tt.code, tt.message)
			}
			if id := srv.WaitIdentify(t); id.SessionID != "" {
				t.Errorf("rejected IDENTIFY opened session %q", id.SessionID)
			}
		})
	}
}
