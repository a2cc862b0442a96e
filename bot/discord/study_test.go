package discord_test

import (
	"context"
	"encoding/json"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/ibidbot/ibid/bot/discord"
	"github.com/ibidbot/ibid/bot/discord/discordtest"
	"github.com/ibidbot/ibid/bot/sqlite"
	"github.com/ibidbot/ibid/bot/study"
	"github.com/ibidbot/ibid/bot/study/studytest"
	"github.com/ibidbot/ibid/corpus"
)

// studyWorld is a guild with a moderator by permission (mira: Manage
// Messages), one by the configured role (carol, "Study lead", no
// permission), and two members (alice, the fake's default user, and bob),
// with the adapter running study sessions on a real discordgo session.
type studyWorld struct {
	t                 *testing.T
	srv               *discordtest.Server
	mira, carol, bob  discordtest.User
	alice             discordtest.User
	thread            string
	corpus            *corpus.Corpus
	questions, rounds map[string]string // custom ID → message ID of the button
}

func newStudyWorld(t *testing.T) *studyWorld {
	t.Helper()
	srv := discordtest.New(t, discordtest.WithPrivilegedIntents(discordgo.IntentMessageContent))
	w := &studyWorld{t: t, srv: srv, alice: srv.User, corpus: testCore(t).Corpus(),
		mira:  discordtest.User{ID: "900000000000000001", Username: "mira", GlobalName: "Mira"},
		carol: discordtest.User{ID: "900000000000000002", Username: "carol"},
		bob:   discordtest.User{ID: "900000000000000003", Username: "bob"},
	}
	srv.AddMember(srv.GuildID, w.mira, srv.AddRole(srv.GuildID, "Moderators", discordgo.PermissionManageMessages))
	srv.AddMember(srv.GuildID, w.carol, srv.AddRole(srv.GuildID, "Study lead", 0))
	srv.AddMember(srv.GuildID, w.bob)

	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "study.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	core := testCore(t)
	svc := study.New(db, core, core.Corpus())

	a := openAdapter(t, srv, core, discord.Options{Study: svc, ModeratorRole: "study lead"}, nil)
	if err := a.Register(context.Background(), srv.AppID, []string{srv.GuildID}); err != nil {
		t.Fatalf("register: %v", err)
	}
	return w
}

// study sends /study sub by who in channel ("" for the guild's channel).
func (w *studyWorld) study(who discordtest.User, channel, sub string, opts ...discordtest.Option) discordtest.InteractionRef {
	w.t.Helper()
	i := discordtest.Command("study", discordtest.Subcommand(sub, opts...))
	i.User, i.ChannelID = who, channel
	return w.srv.Interact(w.t, i)
}

// press clicks a button by who.
func (w *studyWorld) press(who discordtest.User, messageID, customID string) discordtest.InteractionRef {
	w.t.Helper()
	i := discordtest.Button(messageID, customID)
	i.User, i.ChannelID = who, w.thread
	return w.srv.Interact(w.t, i)
}

// private waits for a command's deferred ephemeral response and returns
// the text that replaced it, as shown.
func (w *studyWorld) private(ref discordtest.InteractionRef) (discordtest.Request, string) {
	w.t.Helper()
	cb := w.srv.WaitRequest(w.t, ref.Callback())
	discordtest.AssertJSON(w.t, cb.Body, `{"type":5,"data":{"tts":false,"content":"","components":null,"embeds":null,"flags":64,"allowed_mentions":{"parse":[],"replied_user":false}}}`)
	edit := w.srv.WaitRequest(w.t, ref.Webhook(http.MethodPatch))
	return edit, payload(w.t, edit).text()
}

// followUp waits for an ephemeral follow-up on an interaction (a button's
// private answer) and returns its text, as shown.
func (w *studyWorld) followUp(ref discordtest.InteractionRef) string {
	w.t.Helper()
	r := w.srv.WaitRequest(w.t, ref.Webhook(http.MethodPost))
	p := payload(w.t, r)
	if p.Flags != 64 {
		w.t.Errorf("follow-up %s is not ephemeral", r.Payload())
	}
	return p.text()
}

// posts returns the bot's messages in channel so far.
func (w *studyWorld) posts(channel string) []discordtest.Request {
	var out []discordtest.Request
	for _, r := range w.srv.Requests() {
		if r.Method == http.MethodPost && r.Path == "/channels/"+channel+"/messages" {
			out = append(out, r)
		}
	}
	return out
}

// waitPost waits for the next message in channel whose content starts
// with prefix.
func (w *studyWorld) waitPost(channel, prefix string) (discordtest.Request, messagePayload) {
	w.t.Helper()
	r := w.srv.WaitRequest(w.t, func(r discordtest.Request) bool {
		var p messagePayload
		return r.Method == http.MethodPost && r.Path == "/channels/"+channel+"/messages" &&
			json.Unmarshal(r.Payload(), &p) == nil && strings.HasPrefix(p.text(), prefix)
	})
	return r, payload(w.t, r)
}

type messagePayload struct {
	Content         string `json:"content"`
	Flags           int    `json:"flags"`
	AllowedMentions *struct {
		Parse []string `json:"parse"`
	} `json:"allowed_mentions"`
	Components []struct {
		Components []struct {
			CustomID string `json:"custom_id"`
			Label    string `json:"label"`
		} `json:"components"`
	} `json:"components"`
	MessageReference *struct {
		MessageID string `json:"message_id"`
	} `json:"message_reference"`
}

func payload(t *testing.T, r discordtest.Request) messagePayload {
	t.Helper()
	var p messagePayload
	if err := json.Unmarshal(r.Payload(), &p); err != nil {
		t.Fatalf("%s %s: %v: %s", r.Method, r.Path, err, r.Payload())
	}
	return p
}

// text is the content as Discord shows it: without the escapes.
func (p messagePayload) text() string { return unescapeMarkdown(p.Content) }

func (p messagePayload) customIDs() []string {
	var ids []string
	for _, row := range p.Components {
		for _, c := range row.Components {
			ids = append(ids, c.CustomID)
		}
	}
	return ids
}

func messageID(t *testing.T, r discordtest.Request) string {
	t.Helper()
	var m struct{ ID string }
	if err := json.Unmarshal(r.Response, &m); err != nil || m.ID == "" {
		t.Fatalf("%s %s answered %d %s", r.Method, r.Path, r.Status, r.Response)
	}
	return m.ID
}

// TestStudy_Session runs a whole session through Discord: a start that
// opens a thread, questions by command and by plain message, the limit,
// the moderator's queue, a member refused at Approve, a double-clicked
// Approve, approval by the configured role, rejections told privately
// (ephemerally, or by DM to a member who asked in a plain message), a quiz
// answered with buttons and revealed, status, export and end with the
// transcript attached. Every message the bot sent must disable mentions and
// be accepted by the fake's checks of Discord's limits.
func TestStudy_Session(t *testing.T) {
	w := newStudyWorld(t)
	srv := w.srv

	reg := srv.WaitRequest(t, discordtest.Match("PUT /applications/{app}/guilds/{guild}/commands"))
	if reg.Status != 200 || !strings.Contains(string(reg.Body), `"name":"study"`) {
		t.Fatalf("registration answered %d: %s", reg.Status, reg.Response)
	}

	t.Run("StartIsForModerators", func(t *testing.T) {
		_, text := w.private(w.study(w.alice, "", "start", discordtest.String("topic", "Tanaka")))
		if text != "Only a moderator can do this." {
			t.Errorf("a member starting a session was told %q", text)
		}
		_, text = w.private(w.study(w.mira, "", "start", discordtest.String("topic", "Tanaka"), discordtest.String("source", "nosuch")))
		if !strings.Contains(text, "no such source") {
			t.Errorf("a start with an unknown source was told %q", text)
		}
		for _, r := range srv.Requests() {
			if strings.HasSuffix(r.Path, "/threads") {
				t.Errorf("a refused start opened a thread: %s %s", r.Method, r.Path)
			}
		}
	})

	t.Run("StartOpensAThread", func(t *testing.T) {
		ref := w.study(w.mira, "", "start", discordtest.String("topic", "Stalin, Zhang and *Tanaka*"),
			discordtest.String("source", "kuromiya2023"), discordtest.String("chapter", "ch2"), discordtest.Integer("questions_per_member", 2))
		th := srv.WaitRequest(t, discordtest.Match("POST /channels/"+srv.ChannelID+"/threads"))
		discordtest.AssertJSON(t, th.Body, `{"name":"Study: Stalin, Zhang and *Tanaka*","auto_archive_duration":1440,"invitable":false,"type":11}`)
		w.thread = messageID(t, th)
		_, announce := w.waitPost(w.thread, "Study session")
		if !strings.HasPrefix(announce.Content, `Study session on "Stalin, Zhang and \*Tanaka\*" opened by Mira`) || !strings.Contains(announce.Content, "up to 2 questions each") { // the topic's Markdown escaped
			t.Errorf("announcement %q", announce.Content)
		}
		if _, text := w.private(ref); text != "Posted in <#"+w.thread+">." {
			t.Errorf("the moderator was told %q", text)
		}
	})

	t.Run("AutocompleteOffersSourcesAndChapters", func(t *testing.T) {
		choices := func(focused string, others ...discordtest.Option) string {
			t.Helper()
			opts := append([]discordtest.Option{{Name: focused, Type: discordgo.ApplicationCommandOptionString, Value: "", Focused: true}}, others...)
			ref := srv.Interact(t, discordtest.Interaction{Type: discordgo.InteractionApplicationCommandAutocomplete, Name: "study",
				Options: []discordtest.Option{discordtest.Subcommand("start", opts...)}})
			cb := srv.WaitRequest(t, ref.Callback())
			if cb.Status != 204 {
				t.Fatalf("autocomplete answered %d: %s", cb.Status, cb.Response)
			}
			return string(cb.Body)
		}
		if got := choices("source"); !strings.Contains(got, `"value":"kuromiya2023"`) {
			t.Errorf("source choices %s", got)
		}
		if got := choices("chapter", discordtest.String("source", "kuromiya2023")); !strings.Contains(got, `"value":"ch2"`) {
			t.Errorf("chapter choices %s", got)
		}
	})

	t.Run("MembersAsk", func(t *testing.T) {
		_, text := w.private(w.study(w.alice, w.thread, "ask", discordtest.String("question", "Who killed Zhang Zuolin?")))
		if !strings.Contains(text, "#1 in the queue") {
			t.Errorf("alice's first question: %q", text)
		}
		msg := srv.MessageCreate(t, discordtest.Message{ChannelID: w.thread, Author: w.bob, Content: "Who was Kuhara?"})
		r, reply := w.waitPost(w.thread, "Your question")
		if !strings.Contains(reply.text(), "#2 in the queue") || reply.MessageReference == nil || reply.MessageReference.MessageID != msg || len(r.Pings) != 0 {
			t.Errorf("reply to bob's message: %s", r.Body)
		}
		if _, text := w.private(w.study(w.alice, w.thread, "ask", discordtest.String("question", "What did Tanaka decide about Zhang?"))); !strings.Contains(text, "#3") {
			t.Errorf("alice's second question: %q", text)
		}
		srv.MessageCreate(t, discordtest.Message{ChannelID: w.thread, Author: w.bob, Content: "Why did Stalin fear Japan?"})
		if _, reply := w.waitPost(w.thread, "Your question"); !strings.Contains(reply.text(), "#4") {
			t.Errorf("bob's second question: %q", reply.Content)
		}
	})

	t.Run("LimitPerMember", func(t *testing.T) {
		_, text := w.private(w.study(w.alice, w.thread, "ask", discordtest.String("question", "Who was Bukharin?")))
		if text != "You have asked as many questions as this session allows." {
			t.Errorf("alice's third question: %q", text)
		}
	})

	t.Run("QueueForModerators", func(t *testing.T) {
		if _, text := w.private(w.study(w.alice, w.thread, "queue")); text != "Only a moderator can do this." {
			t.Errorf("a member's queue: %q", text)
		}
		ref := w.study(w.mira, w.thread, "queue")
		if _, text := w.private(ref); text != "4 question(s) waiting:" {
			t.Errorf("queue header %q", text)
		}
		w.questions = map[string]string{}
		for n := 1; n <= 4; n++ {
			r := srv.WaitRequest(t, ref.Webhook(http.MethodPost))
			p := payload(t, r)
			if p.Flags != 64 || !strings.Contains(p.Content, "\n> ") || !strings.Contains(p.Content, "— ") {
				t.Errorf("queue item %d is not a private draft with a quote and citation: %s", n, r.Payload())
			}
			id := messageID(t, r)
			for _, c := range p.customIDs() {
				w.questions[c] = id
			}
		}
		for _, want := range []string{"study:approve:1", "study:reject:1", "study:skip:1", "study:approve:4"} {
			if w.questions[want] == "" {
				t.Errorf("no %s button in the queue (%v)", want, w.questions)
			}
		}
	})

	t.Run("MemberCannotApproveOrReject", func(t *testing.T) {
		before := len(w.posts(w.thread))
		rej := w.press(w.bob, w.questions["study:reject:1"], "study:reject:1")
		discordtest.AssertJSON(t, srv.WaitRequest(t, rej.Callback()).Body,
			`{"type":4,"data":{"tts":false,"content":"Only a moderator can do this.","components":null,"embeds":null,"flags":64,"allowed_mentions":{"parse":[],"replied_user":false}}}`)
		ref := w.press(w.alice, w.questions["study:approve:2"], "study:approve:2")
		discordtest.AssertJSON(t, srv.WaitRequest(t, ref.Callback()).Body, `{"type":6}`)
		if text := w.followUp(ref); text != "Only a moderator can do this." {
			t.Errorf("alice pressing Approve was told %q", text)
		}
		if n := len(w.posts(w.thread)); n != before {
			t.Errorf("a refused approval posted %d message(s)", n-before)
		}
	})

	t.Run("DoubleClickApprovesOnce", func(t *testing.T) {
		msg := w.questions["study:approve:1"]
		first, second := w.press(w.mira, msg, "study:approve:1"), w.press(w.mira, msg, "study:approve:1")
		srv.WaitRequest(t, first.Webhook(http.MethodPatch)) // the buttons cleared: each click done
		srv.WaitRequest(t, second.Webhook(http.MethodPatch))
		late := srv.WaitRequest(t, func(r discordtest.Request) bool {
			return first.Webhook(http.MethodPost)(r) || second.Webhook(http.MethodPost)(r)
		})
		if p := payload(t, late); p.Flags != 64 || p.Content != "Question 1 was already approved." {
			t.Errorf("the second click was told %s", late.Payload())
		}
		var posted []discordtest.Request
		for _, r := range w.posts(w.thread) {
			if strings.Contains(payload(t, r).text(), "Question #1 from") {
				posted = append(posted, r)
			}
		}
		if len(posted) != 1 {
			t.Fatalf("question 1 was posted %d times", len(posted))
		}
		post := payload(t, posted[0])
		if !strings.HasPrefix(post.text(), "Question #1 from Alice: Who killed Zhang Zuolin?") || !strings.Contains(post.Content, "\n> ") || !strings.Contains(post.Content, "\n— Kuromiya") {
			t.Errorf("approved post:\n%s", post.Content)
		}
		if n := checkDiscordQuotes(t, w.corpus, post.Content); n == 0 {
			t.Error("the approved post quotes nothing")
		}
	})

	t.Run("ModeratorByRole", func(t *testing.T) {
		ref := w.press(w.carol, w.questions["study:approve:2"], "study:approve:2")
		srv.WaitRequest(t, ref.Webhook(http.MethodPatch))
		if !slices.ContainsFunc(srv.Requests(), func(r discordtest.Request) bool { return r.Path == "/guilds/"+srv.GuildID+"/roles" }) {
			t.Error("the role name was not looked up")
		}
		found := false
		for _, r := range w.posts(w.thread) {
			found = found || strings.HasPrefix(payload(t, r).text(), "Question #2 from bob: Who was Kuhara?")
		}
		if !found {
			t.Error("carol's approval posted nothing")
		}
	})

	t.Run("RejectWithReasonTellsTheAskerPrivately", func(t *testing.T) {
		msg := w.questions["study:reject:3"]
		ref := w.press(w.mira, msg, "study:reject:3")
		cb := srv.WaitRequest(t, ref.Callback())
		var modal struct {
			Type int `json:"type"`
			Data struct {
				CustomID   string `json:"custom_id"`
				Components []struct {
					Components []struct {
						Type     int    `json:"type"`
						CustomID string `json:"custom_id"`
					} `json:"components"`
				} `json:"components"`
			} `json:"data"`
		}
		json.Unmarshal(cb.Body, &modal)
		if cb.Status != 204 || modal.Type != 9 || modal.Data.CustomID != "study:reject:3" || modal.Data.Components[0].Components[0].CustomID != "reason" {
			t.Fatalf("Reject answered %d with %s", cb.Status, cb.Body)
		}
		i := discordtest.ModalSubmit(msg, "study:reject:3", discordtest.TextInput{CustomID: "reason", Value: "Off topic for *today*"})
		i.User, i.ChannelID = w.mira, w.thread
		sub := srv.Interact(t, i)
		if text := w.followUp(sub); text != "Question 3 rejected; Alice has been told." {
			t.Errorf("the moderator was told %q", text)
		}
		// alice's latest interaction in the thread was her refused /study queue.
		var notice discordtest.Request
		for _, r := range srv.Requests() {
			if r.Method == http.MethodPost && strings.HasPrefix(r.Path, "/webhooks/") && strings.Contains(string(r.Payload()), "not taken up") {
				notice = r
			}
		}
		p := payload(t, notice)
		if p.Flags != 64 || !strings.Contains(p.Content, `Reason: Off topic for \*today\*`) || !strings.Contains(p.Content, "What did Tanaka decide about Zhang?") {
			t.Errorf("alice's notice: %s", notice.Payload())
		}
	})

	t.Run("RejectByCommandReachesAPlainAskerByDM", func(t *testing.T) {
		_, text := w.private(w.study(w.mira, w.thread, "reject", discordtest.Integer("number", 4), discordtest.String("reason", "Asked already")))
		if text != "Question 4 rejected; bob has been told." {
			t.Errorf("the moderator was told %q", text)
		}
		dm := srv.WaitRequest(t, discordtest.Match("POST /users/@me/channels"))
		discordtest.AssertJSON(t, dm.Body, `{"recipient_id":"`+w.bob.ID+`"}`)
		if _, p := w.waitPost(messageID(t, dm), ""); !strings.Contains(p.Content, "Reason: Asked already") {
			t.Errorf("bob's DM %q", p.Content)
		}
	})

	t.Run("QuizWithButtons", func(t *testing.T) {
		ref := w.study(w.mira, w.thread, "quiz", discordtest.Integer("rounds", 2))
		hr, header := w.waitPost(w.thread, "Quiz:")
		if !strings.HasPrefix(header.Content, "Quiz: 2 round(s).") || !slices.Equal(header.customIDs(), []string{"study:reveal"}) {
			t.Fatalf("quiz header %+v", header)
		}
		w.rounds = map[string]string{"study:reveal": messageID(t, hr)}
		for n := 1; n <= 2; n++ {
			r, round := w.waitPost(w.thread, "Round")
			if !strings.Contains(round.Content, `\_\_\_\_\_`) || len(round.customIDs()) != 4 {
				t.Errorf("round %d: %s", n, r.Payload())
			}
			for _, c := range round.customIDs() {
				w.rounds[c] = messageID(t, r)
			}
		}
		w.private(ref)
		if text := w.followUp(w.press(w.alice, w.rounds["study:answer:1:A"], "study:answer:1:A")); !strings.HasPrefix(text, "Round 1: your answer A)") {
			t.Errorf("alice's answer: %q", text)
		}
		if text := w.followUp(w.press(w.bob, w.rounds["study:answer:1:B"], "study:answer:1:B")); !strings.HasPrefix(text, "Round 1: your answer B)") {
			t.Errorf("bob's answer: %q", text)
		}
		if text := w.followUp(w.press(w.bob, w.rounds["study:answer:1:C"], "study:answer:1:C")); text != "You have already answered this round." {
			t.Errorf("bob's second answer: %q", text)
		}
		if _, text := w.private(w.study(w.alice, w.thread, "answer", discordtest.Integer("round", 2), discordtest.String("choice", "C"))); !strings.HasPrefix(text, "Round 2: your answer C)") {
			t.Errorf("alice's answer by command: %q", text)
		}
		if text := w.followUp(w.press(w.alice, w.rounds["study:reveal"], "study:reveal")); text != "Only a moderator can do this." {
			t.Errorf("a member pressing Reveal: %q", text)
		}
		w.press(w.mira, w.rounds["study:reveal"], "study:reveal")
		_, reveal := w.waitPost(w.thread, "Round 1: the answer is")
		if !strings.Contains(reveal.Content, "Round 1: the answer is") || !strings.Contains(reveal.Content, "Round 2: the answer is") ||
			!strings.Contains(reveal.Content, "```\n| Member | Points | Answered |") || !strings.Contains(reveal.Content, "| Alice |") {
			t.Errorf("reveal:\n%s", reveal.Content)
		}
		if n := checkDiscordQuotes(t, w.corpus, reveal.Content); n != 2 {
			t.Errorf("the reveal quotes %d sentences, want 2", n)
		}
	})

	t.Run("StatusAndExport", func(t *testing.T) {
		if _, text := w.private(w.study(w.alice, w.thread, "status")); !strings.Contains(text, "2 approved, 2 rejected") || !strings.Contains(text, "You have asked 2 of 2.") {
			t.Errorf("status %q", text)
		}
		edit, text := w.private(w.study(w.bob, w.thread, "export"))
		if text != "The transcript so far is attached." || len(edit.Files) != 1 || edit.Files[0].Name != "study-transcript.md" ||
			!strings.Contains(string(edit.Files[0].Data), "- In progress") {
			t.Errorf("export %q with files %+v", text, edit.Files)
		}
	})

	t.Run("EndPostsSummaryAndTranscript", func(t *testing.T) {
		if _, text := w.private(w.study(w.bob, w.thread, "end")); text != "Only a moderator can do this." {
			t.Errorf("a member ending: %q", text)
		}
		ref := w.study(w.mira, w.thread, "end")
		r, end := w.waitPost(w.thread, `Study session "`)
		if !strings.Contains(end.text(), "4 question(s) asked, 2 answered, 2 rejected, 0 left in the queue; 2 quiz round(s).") {
			t.Errorf("summary:\n%s", end.Content)
		}
		if len(r.Files) != 1 || r.Files[0].ContentType != "text/markdown; charset=utf-8" {
			t.Fatalf("the summary carries files %+v", r.Files)
		}
		md := string(r.Files[0].Data)
		for _, want := range []string{"# Study session: Stalin, Zhang and *Tanaka*", "### 1. Who killed Zhang Zuolin?", "### 2. Who was Kuhara?", "### Round 2", "## Bibliography"} {
			if !strings.Contains(md, want) {
				t.Errorf("the transcript lacks %q", want)
			}
		}
		if n := checkTranscriptQuotes(t, w.corpus, md); n < 4 {
			t.Errorf("the transcript has %d quotes, want at least 4", n)
		}
		w.private(ref)
	})

	// Everything the bot sent disabled mentions and passed the fake's
	// checks of Discord's limits.
	checked := 0
	for _, r := range srv.Requests() {
		if r.Status >= 400 {
			t.Errorf("%s %s answered %d: %s", r.Method, r.Path, r.Status, r.Response)
		}
		if len(r.Pings) > 0 {
			t.Errorf("%s %s pinged %v", r.Method, r.Path, r.Pings)
		}
		body := r.Payload()
		if r.Route == "POST /interactions/{interaction}/{token}/callback" {
			var cb struct {
				Type int             `json:"type"`
				Data json.RawMessage `json:"data"`
			}
			json.Unmarshal(body, &cb)
			if cb.Type != 4 && cb.Type != 5 && cb.Type != 7 {
				continue // no message: a deferred update, a modal, autocomplete
			}
			body = cb.Data
		} else if r.Method != http.MethodPost && r.Method != http.MethodPatch || !strings.Contains(r.Route, "messages") && !strings.HasPrefix(r.Route, "POST /webhooks/") {
			continue
		}
		var p messagePayload
		json.Unmarshal(body, &p)
		if p.AllowedMentions == nil || p.AllowedMentions.Parse == nil || len(p.AllowedMentions.Parse) != 0 {
			t.Errorf("%s %s without allowed_mentions parse []: %s", r.Method, r.Path, body)
		}
		checked++
	}
	if checked < 40 {
		t.Errorf("only %d messages checked for allowed_mentions", checked)
	}
}

// checkDiscordQuotes asserts that every block quote of a Discord message
// (escaped "> " lines followed by an escaped "— citation [ID]" line) is
// verbatim from the paragraph it cites, and returns how many there were.
func checkDiscordQuotes(t *testing.T, c *corpus.Corpus, content string) int {
	t.Helper()
	return studytest.CheckQuotes(t, c, content, unescapeMarkdown)
}

// checkTranscriptQuotes is checkDiscordQuotes for the Markdown transcript,
// which is not escaped: it quotes the corpus byte for byte.
func checkTranscriptQuotes(t *testing.T, c *corpus.Corpus, md string) int {
	t.Helper()
	return studytest.CheckQuotes(t, c, md, nil)
}

// unescapeMarkdown undoes the adapter's escaping, as Discord renders it.
func unescapeMarkdown(s string) string {
	s = strings.ReplaceAll(s, "@\u200b", "@")
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// TestStudy_InAThreadAndWhenDiscordRefuses opens a session inside an
// existing thread (where Discord allows no thread, so the session runs in
// place) and checks that a post or a private notice Discord refuses is
// reported to the moderator rather than lost silently.
func TestStudy_InAThreadAndWhenDiscordRefuses(t *testing.T) {
	w := newStudyWorld(t)
	srv := w.srv
	w.thread = srv.AddChannel(discordtest.Channel{Name: "reading group", Type: discordgo.ChannelTypeGuildPublicThread, ParentID: srv.ChannelID}).ID

	ref := w.study(w.mira, w.thread, "start", discordtest.String("topic", "Kuhara's mission"))
	if th := srv.WaitRequest(t, discordtest.Match("POST /channels/"+w.thread+"/threads")); th.Status != 400 {
		t.Fatalf("a thread in a thread answered %d", th.Status)
	}
	w.waitPost(w.thread, "Study session on")
	if _, text := w.private(ref); text != "Posted in <#"+w.thread+">." {
		t.Errorf("the moderator was told %q", text)
	}

	for _, q := range []string{"Who was Kuhara?", "Why did Stalin fear Japan?"} {
		srv.MessageCreate(t, discordtest.Message{ChannelID: w.thread, Author: w.bob, Content: q})
		w.waitPost(w.thread, "Your question")
	}

	srv.FailNext("POST /channels/"+w.thread+"/messages", 403, discordgo.ErrCodeMissingPermissions, "Missing Permissions")
	if _, text := w.private(w.study(w.mira, w.thread, "approve", discordtest.Integer("number", 1))); !strings.HasPrefix(text, "I could not post this in <#"+w.thread+">") {
		t.Errorf("a refused post was reported as %q", text)
	}

	srv.FailNext("POST /users/@me/channels", 403, discordgo.ErrCodeCannotSendMessagesToThisUser, "Cannot send messages to this user")
	edit, text := w.private(w.study(w.mira, w.thread, "reject", discordtest.Integer("number", 2)))
	if !strings.HasPrefix(text, "Question 2 rejected; bob has been told.\nCorrection: I could not reach <@"+w.bob.ID+"> privately") || len(edit.Pings) != 0 {
		t.Errorf("an unreachable asker was reported as %q (pinging %v)", text, edit.Pings)
	}
}
