package discord_test

import (
	"context"
	"encoding/json"
	"errors"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/ibidbot/ibid/bot"
	"github.com/ibidbot/ibid/bot/discord"
	"github.com/ibidbot/ibid/bot/discord/discordtest"
	"github.com/ibidbot/ibid/corpus"
)

// These tests drive the adapter through a real discordgo session connected
// to the local Discord, one fake per test, so they run in parallel (closing
// a discordgo session sleeps a second).

// collect returns every string under key anywhere in a decoded JSON value,
// in document order.
func collect(v any, key string) []string {
	var out []string
	switch v := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			if s, ok := v[k].(string); ok && k == key {
				out = append(out, s)
				continue
			}
			out = append(out, collect(v[k], key)...)
		}
	case []any:
		for _, x := range v {
			out = append(out, collect(x, key)...)
		}
	}
	return out
}

// messageOf decodes the message a REST call answered with (an edit, a
// follow-up, a channel message).
func messageOf(t *testing.T, r discordtest.Request) *discordgo.Message {
	t.Helper()
	var m discordgo.Message
	if err := json.Unmarshal(r.Response, &m); err != nil || m.ID == "" {
		t.Fatalf("%s %s answered %d %s: %v", r.Method, r.Path, r.Status, r.Response, err)
	}
	return &m
}

// callbackData is the part of an interaction callback's data the tests
// read (discordgo's InteractionResponseData cannot decode components).
type callbackData struct {
	Content    string
	Flags      discordgo.MessageFlags
	Embeds     []*discordgo.MessageEmbed
	Components json.RawMessage
	Choices    []*discordgo.ApplicationCommandOptionChoice
}

// callback decodes an interaction callback's body, failing unless the fake
// accepted it.
func callback(t *testing.T, r discordtest.Request) (discordgo.InteractionResponseType, callbackData) {
	t.Helper()
	var cb struct {
		Type discordgo.InteractionResponseType
		Data callbackData
	}
	if err := json.Unmarshal(r.Body, &cb); err != nil {
		t.Fatalf("callback %s: %v", r.Body, err)
	}
	if r.Status != 204 {
		t.Fatalf("callback %s answered %d %s", r.Body, r.Status, r.Response)
	}
	return cb.Type, cb.Data
}

// The question these tests ask; its answer quotes kuromiya2023:intro:p14:2.
const kapital = "Who published the first complete Japanese translation of Das Kapital?"

func TestCite_AutocompleteOffersSentencesWithinDiscordsLimits(t *testing.T) {
	t.Parallel()
	srv, _ := connect(t)
	ic := srv.Interact(t, discordtest.Autocomplete("cite", discordtest.String("text", "the Soviet Union and Japan")))
	typ, data := callback(t, srv.WaitRequest(t, ic.Callback()))
	if typ != discordgo.InteractionApplicationCommandAutocompleteResult || len(data.Choices) == 0 || len(data.Choices) > 25 {
		t.Fatalf("type %d with %d choices", typ, len(data.Choices))
	}
	ref := regexp.MustCompile(`^[\w.-]+(:[\w.-]+)+#\d+$`)
	cut := 0
	for _, c := range data.Choices {
		value, _ := c.Value.(string)
		if n := utf8.RuneCountInString(c.Name); n == 0 || n > 100 {
			t.Errorf("choice name of %d characters: %q", n, c.Name)
		}
		if len(value) > 100 || !ref.MatchString(value) {
			t.Errorf("choice value %q is not a sentence ID within 100 characters", value)
		}
		if strings.HasSuffix(c.Name, "…") {
			cut++
		}
	}
	if cut == 0 {
		t.Errorf("no sentence was cut to fit the 100 characters of a name; the test lost its long sentences")
	}

	// Picking a choice sends its value, which /cite resolves exactly.
	value := data.Choices[0].Value.(string)
	ic = srv.Interact(t, discordtest.Command("cite", discordtest.String("text", value)))
	srv.WaitRequest(t, ic.Callback())
	m := messageOf(t, srv.WaitRequest(t, ic.Webhook("PATCH")))
	id, _, _ := strings.Cut(value, "#")
	if !strings.HasPrefix(m.Content, "Exact match:") && !strings.HasPrefix(m.Content, "Paragraph "+id+":") || len(m.Embeds) == 0 || !strings.Contains(m.Embeds[len(m.Embeds)-1].Footer.Text, id) {
		t.Errorf("/cite %s gave %q %+v", value, m.Content, m.Embeds)
	}

	// One word is too little to search: no choices, but an answer saying
	// so (Discord requires the empty list).
	ic = srv.Interact(t, discordtest.Autocomplete("cite", discordtest.String("text", "Stalin")))
	cb := srv.WaitRequest(t, ic.Callback())
	discordtest.AssertJSON(t, cb.Body, `{"type":8,"data":{"choices":[]}}`)
	if cb.Status != 204 {
		t.Errorf("an empty autocomplete answer was refused: %d %s", cb.Status, cb.Response)
	}
}

func TestCite_ByParagraphIDAndUnknownIDs(t *testing.T) {
	t.Parallel()
	srv, _ := connect(t)
	// A paragraph ID quotes the whole paragraph, its markdown escaped.
	ic := srv.Interact(t, discordtest.Command("cite", discordtest.String("text", "kuromiya2023:ch2:n12")))
	srv.WaitRequest(t, ic.Callback())
	m := messageOf(t, srv.WaitRequest(t, ic.Webhook("PATCH")))
	if !strings.HasPrefix(m.Content, "Paragraph kuromiya2023:ch2:n12:") || len(m.Embeds) != 1 {
		t.Fatalf("/cite by ID gave %q with %d embeds", m.Content, len(m.Embeds))
	}
	if d := m.Embeds[0].Description; !strings.Contains(d, `zaimka.ru/soviet/fuchs1\_p3.shtml`) {
		t.Errorf("the underscore of the corpus's URL is not escaped: %s", d)
	}
	if len(m.Components) != 0 {
		t.Errorf("a whole paragraph has a Full paragraph button: %+v", m.Components)
	}

	// An unknown ID, and a sentence past the paragraph's end: the deferred
	// (public) response is deleted and the user alone is told what is wrong.
	_, err := testCore(t).Paragraph("kuromiya2023:ch2:p999")
	var unknown *bot.UnknownIDError
	if !errors.As(err, &unknown) || len(unknown.Nearest) == 0 {
		t.Fatalf("the core knows kuromiya2023:ch2:p999, or has no nearest IDs: %v", err)
	}
	p, _ := testCore(t).Paragraph("kuromiya2023:intro:p14:2")
	for text, want := range map[string]string{
		"kuromiya2023:ch2:p999":       "No paragraph has the ID kuromiya2023:ch2:p999; nearest: " + strings.Join(unknown.Nearest, ", ") + ".",
		"kuromiya2023:intro:p14:2#99": "kuromiya2023:intro:p14:2 has " + strconv.Itoa(len(p.Sentences)) + " sentences, not 99.",
	} {
		ic := srv.Interact(t, discordtest.Command("cite", discordtest.String("text", text)))
		srv.WaitRequest(t, ic.Callback())
		if del := srv.WaitRequest(t, ic.Webhook("DELETE")); del.Path != "/webhooks/"+srv.AppID+"/"+ic.Token+"/messages/@original" || del.Status != 204 {
			t.Errorf("%s: deleting the deferred response: %s %d", text, del.Path, del.Status)
		}
		fu := srv.WaitRequest(t, ic.Webhook("POST"))
		discordtest.AssertJSON(t, fu.Body, `{"content":`+strconv.Quote(want)+`,"components":null,"flags":64,"allowed_mentions":{"parse":[],"replied_user":false}}`)
		if m := messageOf(t, fu); m.Flags&discordgo.MessageFlagsEphemeral == 0 {
			t.Errorf("%s: the error is public: %s", text, fu.Response)
		}
	}
}

func TestSource_NextButtonShowsTheNextParagraph(t *testing.T) {
	t.Parallel()
	srv, _ := connect(t)
	const id = "kuromiya2023:ch3:p244:1"
	v, err := testCore(t).Source(id)
	if err != nil || v.Prev == nil || v.Next == nil {
		t.Fatalf("%s has no neighbours: %v", id, err)
	}
	ic := srv.Interact(t, discordtest.Command("source", discordtest.String("id", id)))
	srv.WaitRequest(t, ic.Callback())
	edit := srv.WaitRequest(t, ic.Webhook("PATCH"))
	var body any
	json.Unmarshal(edit.Body, &body)
	if got, want := collect(body, "custom_id"), []string{"src|" + v.Prev.ID, "src|" + v.Next.ID}; !slices.Equal(got, want) {
		t.Fatalf("buttons %v, want %v", got, want)
	}
	if got := collect(body, "label"); !slices.Equal(got, []string{"◀ Previous", "Next ▶"}) {
		t.Errorf("labels %v", got)
	}
	m := messageOf(t, edit)
	if !strings.Contains(m.Embeds[0].Description, `\[emphasis added\]`) {
		t.Errorf("the paragraph's brackets are not escaped: %s", m.Embeds[0].Description)
	}

	next := srv.Interact(t, discordtest.Button(m.ID, "src|"+v.Next.ID))
	typ, data := callback(t, srv.WaitRequest(t, next.Callback()))
	if typ != discordgo.InteractionResponseUpdateMessage {
		t.Fatalf("paging answered with type %d, want 7 (update the message)", typ)
	}
	if len(data.Embeds) == 0 || !strings.Contains(data.Embeds[0].Title, v.Next.ID) ||
		!strings.Contains(data.Embeds[len(data.Embeds)-1].Footer.Text, v.Next.ID) {
		t.Errorf("the page after %s does not show %s: %+v", id, v.Next.ID, data.Embeds)
	}
	if !strings.Contains(string(data.Components), `"custom_id":"src|`+id+`"`) {
		t.Errorf("no way back to %s from the next page: %s", id, data.Components)
	}
}

func TestAsk_PrivateAnswersAreEphemeral(t *testing.T) {
	t.Parallel()
	var s *discordgo.Session
	srv, a := connectWith(t, discord.Options{}, func(sess *discordgo.Session) { s = sess })
	ic := srv.Interact(t, discordtest.Command("ask", discordtest.String("question", kapital), discordtest.Bool("private", true)))
	cb := srv.WaitRequest(t, ic.Callback())
	discordtest.AssertJSON(t, cb.Body, `{"type":5,"data":{"tts":false,"content":"","components":null,"embeds":null,"flags":64,"allowed_mentions":{"parse":[],"replied_user":false}}}`)
	if m := messageOf(t, srv.WaitRequest(t, ic.Webhook("PATCH"))); m.Flags&discordgo.MessageFlagsEphemeral == 0 || !strings.Contains(m.Embeds[0].Description, "Takabatake") {
		t.Errorf("the private answer is %+v", m)
	}

	// An answer longer than one message goes on in follow-ups, each
	// ephemeral too: the eight longest records of the corpus, whole.
	c, err := corpus.LoadDefault()
	if err != nil {
		t.Fatal(err)
	}
	var all []*corpus.Paragraph
	for p := range c.All {
		all = append(all, p)
	}
	slices.SortFunc(all, func(a, b *corpus.Paragraph) int { return len(b.Text) - len(a.Text) })
	long := bot.Answer{Question: "q", Resolved: "q", Lead: "A long answer:"}
	for _, p := range all[:8] {
		long.Quotes = append(long.Quotes, bot.Quote{Paragraph: p, End: len(p.Text)})
	}
	ref := srv.PrepareInteraction(t, discordtest.Command("ask", discordtest.String("question", "q"), discordtest.Bool("private", true)))
	i := ref.Event(t).Interaction
	if err := s.InteractionRespond(i, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{Flags: discordgo.MessageFlagsEphemeral}}); err != nil {
		t.Fatal(err)
	}
	if err := a.SendAnswer(i, long, true); err != nil {
		t.Fatal(err)
	}
	srv.WaitRequest(t, ref.Webhook("PATCH"))
	followUps := 0
	for _, r := range srv.Requests() {
		if !ref.Webhook("POST")(r) {
			continue
		}
		followUps++
		if flags, _ := r.JSON.(map[string]any)["flags"].(float64); int(flags) != 64 || messageOf(t, r).Flags&discordgo.MessageFlagsEphemeral == 0 {
			t.Errorf("follow-up %d is public: %s", followUps, r.Body)
		}
	}
	if followUps == 0 {
		t.Errorf("the long answer fitted one message; the test lost its follow-ups")
	}
}

// feedbackStore keeps feedback in memory.
type feedbackStore struct {
	mu  sync.Mutex
	got []discord.Feedback
}

func (f *feedbackStore) SaveFeedback(_ context.Context, fb discord.Feedback) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.got = append(f.got, fb)
	return nil
}

func (f *feedbackStore) all() []discord.Feedback {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.got)
}

func TestFeedback_IsStoredWithTheQuestionAndAnswer(t *testing.T) {
	t.Parallel()
	store := &feedbackStore{}
	srv, _ := connectWith(t, discord.Options{Feedback: store}, nil)
	ic := srv.Interact(t, discordtest.Command("ask", discordtest.String("question", kapital)))
	srv.WaitRequest(t, ic.Callback())
	edit := srv.WaitRequest(t, ic.Webhook("PATCH"))
	m := messageOf(t, edit)
	var body any
	json.Unmarshal(edit.Body, &body)
	var up, down string
	for _, id := range collect(body, "custom_id") {
		switch {
		case strings.HasPrefix(id, "fb|up|"):
			up = id
		case strings.HasPrefix(id, "fb|down|"):
			down = id
		}
	}
	if up == "" || down == "" {
		t.Fatalf("no feedback buttons: %s", edit.Body)
	}
	bob := discordtest.User{ID: "800000000000000002", Username: "bob"}
	clicks := []discordtest.Interaction{discordtest.Button(m.ID, up), discordtest.Button(m.ID, down)}
	clicks[1].User = bob
	// A button on an answer the adapter no longer holds (it restarted).
	clicks = append(clicks, discordtest.Button(m.ID, "fb|down|gone"))
	for _, click := range clicks {
		ic := srv.Interact(t, click)
		cb := srv.WaitRequest(t, ic.Callback())
		discordtest.AssertJSON(t, cb.Body, `{"type":4,"data":{"tts":false,"content":"Thanks for the feedback.","components":null,"embeds":null,"flags":64,"allowed_mentions":{"parse":[],"replied_user":false}}}`)
	}
	got := store.all()
	if len(got) != 3 {
		t.Fatalf("%d feedback stored, want 3: %+v", len(got), got)
	}
	answerID := strings.TrimPrefix(up, "fb|up|")
	for n, want := range []struct {
		user, answerID, question string
		up                       bool
	}{{srv.User.ID, answerID, kapital, true}, {bob.ID, answerID, kapital, false}, {srv.User.ID, "gone", "", false}} {
		f := got[n]
		if f.UserID != want.user || f.AnswerID != want.answerID || f.Question != want.question || f.Up != want.up ||
			f.MessageID != m.ID || f.GuildID != srv.GuildID || f.At.IsZero() {
			t.Errorf("feedback %d: %+v, want %+v on message %s", n, f, want, m.ID)
		}
		if !strings.Contains(f.Answer, "Takabatake Motoyuki") || !strings.Contains(f.Answer, "kuromiya2023:intro:p14:2") {
			t.Errorf("feedback %d: the answer is not kept with its quote and citation: %q", n, f.Answer)
		}
	}
}

func TestAutoAnswer_OnAnswersEveryMessageOffDoesNot(t *testing.T) {
	t.Parallel()
	// Handlers run one event at a time, in order, so that once a later
	// message is handled an earlier one has been too.
	srv, a := connectWith(t, discord.Options{}, func(s *discordgo.Session) { s.SyncEvents = true })
	mod := discordtest.User{ID: "800000000000000003", Username: "mod"}
	srv.AddMember(srv.GuildID, mod, srv.AddRole(srv.GuildID, "moderators", discordgo.PermissionManageChannels))
	set := func(who discordtest.User, on bool, want string) {
		t.Helper()
		i := discordtest.Command("autoanswer", discordtest.Bool("enabled", on))
		i.User = who
		ic := srv.Interact(t, i)
		_, data := callback(t, srv.WaitRequest(t, ic.Callback()))
		if data.Content != want || data.Flags != discordgo.MessageFlagsEphemeral {
			t.Errorf("/autoanswer %v by %s: %q (flags %d), want %q privately", on, who.Username, data.Content, data.Flags, want)
		}
	}
	set(srv.User, true, "Only members who can manage channels can change this.")
	set(mod, true, "Answering every message in this channel is now on.")

	asked := srv.MessageCreate(t, discordtest.Message{Content: "In which city was the Far Eastern Republic founded in 1920?"})
	th := srv.WaitRequest(t, discordtest.Match("POST /channels/"+srv.ChannelID+"/messages/"+asked+"/threads"))
	var thread struct{ ID string }
	json.Unmarshal(th.Response, &thread)
	if ans := srv.WaitRequest(t, discordtest.Match("POST /channels/"+thread.ID+"/messages")); !strings.Contains(string(ans.Body), "Verkhneudinsk") {
		t.Errorf("answer %s", ans.Body)
	}

	set(mod, false, "Answering every message in this channel is now off.")
	quiet := srv.MessageCreate(t, discordtest.Message{Content: kapital})
	mention := srv.MessageCreate(t, discordtest.Message{Content: "<@" + srv.AppID + "> " + kapital})
	srv.WaitRequest(t, discordtest.Match("POST /channels/"+srv.ChannelID+"/messages/"+mention+"/threads"))
	if err := a.Shutdown(context.Background()); err != nil { // every queued answer is sent
		t.Fatal(err)
	}
	for _, r := range srv.Requests() {
		if strings.Contains(r.Path, "/messages/"+quiet) || strings.Contains(string(r.Body), quiet) {
			t.Errorf("a message in a channel no longer auto-answered was answered: %s %s %s", r.Method, r.Path, r.Body)
		}
	}
}

func TestGateway_AnInteractionSentWhileDisconnectedIsAnsweredAfterResume(t *testing.T) {
	t.Parallel()
	srv, _ := connect(t)
	first := srv.WaitIdentify(t)
	srv.WaitHeartbeat(t)
	srv.DropConnection(t)
	ic := srv.Interact(t, discordtest.Command("ask", discordtest.String("question", kapital)))
	if res := srv.WaitResume(t); !res.Resumed || res.SessionID != first.SessionID {
		t.Fatalf("RESUME %+v, want session %s resumed", res, first.SessionID)
	}
	if cb := srv.WaitRequest(t, ic.Callback()); cb.Status != 204 {
		t.Fatalf("deferral answered %d %s", cb.Status, cb.Response)
	}
	if m := messageOf(t, srv.WaitRequest(t, ic.Webhook("PATCH"))); !strings.Contains(m.Embeds[0].Description, "Takabatake") {
		t.Errorf("answer %+v", m)
	}
}

func TestMentions_NothingTheBotSendsPings(t *testing.T) {
	t.Parallel()
	srv, _ := connect(t)
	const pings = "@everyone <@123> <@&456> "
	// The answer quotes kuromiya2023:ch3:p241:1, with "[emphasis added]".
	q := pings + "what did Iurenev tell Grew in September 1933?"
	ic := srv.Interact(t, discordtest.Command("ask", discordtest.String("question", q)))
	srv.WaitRequest(t, ic.Callback())
	if m := messageOf(t, srv.WaitRequest(t, ic.Webhook("PATCH"))); !strings.Contains(m.Embeds[0].Description, `offensive \[emphasis added\] across`) {
		t.Errorf("the quote's brackets are not escaped: %q", m.Embeds[0].Description)
	}
	asked := srv.MessageCreate(t, discordtest.Message{Content: "<@" + srv.AppID + "> " + q})
	th := srv.WaitRequest(t, discordtest.Match("POST /channels/"+srv.ChannelID+"/messages/"+asked+"/threads"))
	var thread struct{ ID string }
	json.Unmarshal(th.Response, &thread)
	srv.WaitRequest(t, discordtest.Match("POST /channels/"+thread.ID+"/messages"))
	srv.MessageCreate(t, discordtest.Message{ChannelID: thread.ID, Content: pings + "and what did he say next?"})
	srv.WaitRequest(t, discordtest.Match("POST /channels/"+thread.ID+"/messages"))

	checked := 0
	for _, r := range srv.Requests() {
		body, _ := r.JSON.(map[string]any)
		if data, ok := body["data"].(map[string]any); ok && strings.HasPrefix(r.Path, "/interactions/") {
			body = data
		}
		_, hasContent := body["content"]
		_, hasEmbeds := body["embeds"]
		if !hasContent && !hasEmbeds {
			continue
		}
		checked++
		am, _ := body["allowed_mentions"].(map[string]any)
		if parse, ok := am["parse"].([]any); !ok || len(parse) != 0 {
			t.Errorf("%s %s: allowed_mentions %v", r.Method, r.Path, body["allowed_mentions"])
		}
		if len(r.Pings) != 0 {
			t.Errorf("%s %s pings %v", r.Method, r.Path, r.Pings)
		}
		// Nor would the text ping if allowed_mentions were lost.
		var text []string
		for _, key := range []string{"content", "title", "description", "text", "name", "value"} {
			text = append(text, collect(body, key)...)
		}
		for _, s := range text {
			for _, bad := range []string{"@everyone", "<@123>", "<@&456>"} {
				if strings.Contains(s, bad) {
					t.Errorf("%s %s sends %q unescaped: %q", r.Method, r.Path, bad, s)
				}
			}
		}
	}
	if checked < 4 { // the deferral, the edit, the answer in the thread, the follow-up
		t.Errorf("only %d requests carried a message", checked)
	}
}

func TestRateLimit_AUserOverTheRateIsToldPrivatelyWhenToTryAgain(t *testing.T) {
	t.Parallel()
	srv, _ := connectWith(t, discord.Options{UserRate: 1}, nil) // one question a minute
	ask := func(who discordtest.User) (discordgo.InteractionResponseType, callbackData) {
		i := discordtest.Command("ask", discordtest.String("question", kapital))
		i.User = who
		ic := srv.Interact(t, i)
		return callback(t, srv.WaitRequest(t, ic.Callback()))
	}
	if typ, _ := ask(srv.User); typ != discordgo.InteractionResponseDeferredChannelMessageWithSource {
		t.Fatalf("the first question was answered with type %d", typ)
	}
	typ, data := ask(srv.User)
	m := regexp.MustCompile(`^You are asking faster than I answer; try again in (\d+) s\.$`).FindStringSubmatch(data.Content)
	if typ != discordgo.InteractionResponseChannelMessageWithSource || data.Flags != discordgo.MessageFlagsEphemeral || m == nil {
		t.Fatalf("the second question got type %d, flags %d: %q", typ, data.Flags, data.Content)
	}
	if n, _ := strconv.Atoi(m[1]); n < 1 || n > 60 {
		t.Errorf("try again in %d s, with one question a minute", n)
	}
	// The limit is the user's, not everyone's.
	if typ, _ := ask(discordtest.User{ID: "800000000000000004", Username: "carol"}); typ != discordgo.InteractionResponseDeferredChannelMessageWithSource {
		t.Errorf("another user's question was answered with type %d", typ)
	}
}
