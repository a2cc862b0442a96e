package discordtest_test

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/ibidbot/ibid/bot/discord/discordtest"
)

// prepared returns an interaction the fake accepts answers for, without a
// gateway, as discordgo would have decoded it.
func prepared(t *testing.T, srv *discordtest.Server, i discordtest.Interaction) (discordtest.InteractionRef, *discordgo.Interaction) {
	t.Helper()
	ref := srv.PrepareInteraction(t, i)
	return ref, ref.Event(t).Interaction
}

func respond(s *discordgo.Session, ic *discordgo.Interaction, typ discordgo.InteractionResponseType, data *discordgo.InteractionResponseData) error {
	return s.InteractionRespond(ic, &discordgo.InteractionResponse{Type: typ, Data: data})
}

func TestREST_Commands(t *testing.T) {
	srv := discordtest.New(t)
	s := srv.Session(t)
	cite := &discordgo.ApplicationCommand{Name: "cite", Description: "Quote the exact source paragraph",
		Options: []*discordgo.ApplicationCommandOption{{Type: discordgo.ApplicationCommandOptionString, Name: "text",
			Description: "What to look for", Required: true, Autocomplete: true}}}
	help := &discordgo.ApplicationCommand{Name: "help", Description: "How to use Ibid"}

	got, err := s.ApplicationCommandBulkOverwrite(srv.AppID, "", []*discordgo.ApplicationCommand{cite, help})
	if err != nil {
		t.Fatalf("overwrite: %v", err)
	}
	if len(got) != 2 || got[0].ID == "" || got[0].ApplicationID != srv.AppID || got[0].Name != "cite" || got[0].Type != discordgo.ChatApplicationCommand {
		t.Fatalf("overwrite answered %+v", got)
	}
	again, err := s.ApplicationCommandBulkOverwrite(srv.AppID, "", []*discordgo.ApplicationCommand{cite})
	if err != nil || len(again) != 1 || again[0].ID != got[0].ID {
		t.Errorf("overwrite again: %+v, %v; want cite to keep ID %s", again, err, got[0].ID)
	}
	if list, err := s.ApplicationCommands(srv.AppID, ""); err != nil || len(list) != 1 {
		t.Errorf("GET commands = %+v, %v; want the one left", list, err)
	}
	guild, err := s.ApplicationCommandBulkOverwrite(srv.AppID, srv.GuildID, []*discordgo.ApplicationCommand{help})
	if err != nil || guild[0].GuildID != srv.GuildID {
		t.Errorf("guild overwrite: %+v, %v", guild, err)
	}
	if ic := srv.PrepareInteraction(t, discordtest.Command("cite")).Event(t); ic.ApplicationCommandData().ID != got[0].ID {
		t.Errorf("an invocation of /cite carries command ID %s, want %s", ic.ApplicationCommandData().ID, got[0].ID)
	}

	bad := []struct {
		name string
		cmd  *discordgo.ApplicationCommand
		path string
	}{
		{"uppercase name", &discordgo.ApplicationCommand{Name: "Cite", Description: "d"}, `"0":{"name"`},
		{"no description", &discordgo.ApplicationCommand{Name: "cite"}, `"0":{"description"`},
		{"required after optional", &discordgo.ApplicationCommand{Name: "cite", Description: "d", Options: []*discordgo.ApplicationCommandOption{
			{Type: discordgo.ApplicationCommandOptionString, Name: "a", Description: "a"},
			{Type: discordgo.ApplicationCommandOptionString, Name: "b", Description: "b", Required: true}}}, `"options":{"1"`},
		{"autocomplete with choices", &discordgo.ApplicationCommand{Name: "cite", Description: "d", Options: []*discordgo.ApplicationCommandOption{
			{Type: discordgo.ApplicationCommandOptionString, Name: "a", Description: "a", Autocomplete: true,
				Choices: []*discordgo.ApplicationCommandOptionChoice{{Name: "x", Value: "x"}}}}}, `"autocomplete"`},
	}
	for _, b := range bad {
		_, err := s.ApplicationCommandBulkOverwrite(srv.AppID, "", []*discordgo.ApplicationCommand{b.cmd})
		if restCode(t, err) != discordgo.ErrCodeInvalidFormBody || !strings.Contains(string(err.(*discordgo.RESTError).ResponseBody), b.path) {
			t.Errorf("%s: %v", b.name, err)
		}
	}
}

func TestREST_InteractionResponses(t *testing.T) {
	srv := discordtest.New(t)
	s := srv.Session(t)

	t.Run("FollowupBeforeAckIsUnknownWebhook", func(t *testing.T) {
		_, ic := prepared(t, srv, discordtest.Command("ask"))
		_, err := s.FollowupMessageCreate(ic, true, &discordgo.WebhookParams{Content: "too early"})
		if code := restCode(t, err); code != discordgo.ErrCodeUnknownWebhook {
			t.Errorf("code %d, want 10015", code)
		}
	})

	t.Run("MessageThenFollowups", func(t *testing.T) {
		ref, ic := prepared(t, srv, discordtest.Command("ask"))
		if err := respond(s, ic, discordgo.InteractionResponseChannelMessageWithSource, &discordgo.InteractionResponseData{
			Content: "Here it is.", AllowedMentions: noMentions}); err != nil {
			t.Fatal(err)
		}
		orig, err := s.InteractionResponse(ic)
		if err != nil || orig.Content != "Here it is." || orig.Author.ID != srv.Bot.ID || orig.ChannelID != srv.ChannelID {
			t.Fatalf("original %+v, %v", orig, err)
		}
		fu, err := s.FollowupMessageCreate(ic, true, &discordgo.WebhookParams{Content: "More.", Flags: discordgo.MessageFlagsEphemeral, AllowedMentions: noMentions})
		if err != nil || fu.ID == "" || fu.ID == orig.ID || fu.Flags&discordgo.MessageFlagsEphemeral == 0 {
			t.Fatalf("follow-up %+v, %v", fu, err)
		}
		if req := srv.WaitRequest(t, ref.Webhook(http.MethodPost)); req.Query.Get("wait") != "true" {
			t.Errorf("follow-up query %v", req.Query)
		}
		edited := "Even more."
		if m, err := s.FollowupMessageEdit(ic, fu.ID, &discordgo.WebhookEdit{Content: &edited, AllowedMentions: noMentions}); err != nil || m.Content != edited || m.EditedTimestamp == nil {
			t.Errorf("edit follow-up: %+v, %v", m, err)
		}
		if err := s.FollowupMessageDelete(ic, fu.ID); err != nil {
			t.Errorf("delete follow-up: %v", err)
		}
		if _, err := s.WebhookMessage(srv.AppID, ic.Token, fu.ID); restCode(t, err) != discordgo.ErrCodeUnknownMessage {
			t.Errorf("deleted follow-up still there: %v", err)
		}
		empty := ""
		if _, err := s.InteractionResponseEdit(ic, &discordgo.WebhookEdit{Content: &empty}); restCode(t, err) != 50006 {
			t.Errorf("emptying the response: %v", err)
		}
	})

	t.Run("FollowupRightAfterDeferralEditsTheResponse", func(t *testing.T) {
		_, ic := prepared(t, srv, discordtest.Command("ask"))
		if err := respond(s, ic, discordgo.InteractionResponseDeferredChannelMessageWithSource, &discordgo.InteractionResponseData{Flags: discordgo.MessageFlagsEphemeral}); err != nil {
			t.Fatal(err)
		}
		loading, err := s.InteractionResponse(ic)
		if err != nil || loading.Flags&discordgo.MessageFlagsLoading == 0 {
			t.Fatalf("deferred response %+v, %v; want a loading message", loading, err)
		}
		fu, err := s.FollowupMessageCreate(ic, true, &discordgo.WebhookParams{Content: "Answer.", AllowedMentions: noMentions})
		if err != nil || fu.ID != loading.ID || fu.Flags&discordgo.MessageFlagsLoading != 0 || fu.Flags&discordgo.MessageFlagsEphemeral == 0 {
			t.Errorf("follow-up after deferral = %+v, %v; want the ephemeral response %s edited", fu, err, loading.ID)
		}
	})

	t.Run("ComponentUpdatesItsMessage", func(t *testing.T) {
		sent, err := s.ChannelMessageSendComplex(srv.ChannelID, &discordgo.MessageSend{Content: "¶3", AllowedMentions: noMentions,
			Components: []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
				discordgo.Button{Label: "Next", Style: discordgo.PrimaryButton, CustomID: "source:next:3"}}}}})
		if err != nil {
			t.Fatal(err)
		}
		_, ic := prepared(t, srv, discordtest.Button(sent.ID, "source:next:3"))
		if ic.MessageComponentData().CustomID != "source:next:3" || ic.Message == nil || ic.Message.ID != sent.ID {
			t.Fatalf("component interaction %+v", ic)
		}
		if err := respond(s, ic, discordgo.InteractionResponseChannelMessageWithSource, nil); restCode(t, err) != 50006 {
			t.Errorf("an empty message response: %v", err)
		}
		if err := respond(s, ic, discordgo.InteractionResponseUpdateMessage, &discordgo.InteractionResponseData{Content: "¶4", AllowedMentions: noMentions}); err != nil {
			t.Fatal(err)
		}
		if m, err := s.ChannelMessage(srv.ChannelID, sent.ID); err != nil || m.Content != "¶4" {
			t.Errorf("message after UPDATE_MESSAGE: %+v, %v", m, err)
		}
		if m, err := s.InteractionResponse(ic); err != nil || m.ID != sent.ID {
			t.Errorf("@original of a component update is the component's message: %+v, %v", m, err)
		}
	})

	t.Run("WrongCallbackType", func(t *testing.T) {
		_, ic := prepared(t, srv, discordtest.Command("ask"))
		err := respond(s, ic, discordgo.InteractionResponseUpdateMessage, &discordgo.InteractionResponseData{Content: "x"})
		if restCode(t, err) != discordgo.ErrCodeInvalidFormBody {
			t.Errorf("UPDATE_MESSAGE for a command: %v", err)
		}
	})

	t.Run("LateCallback", func(t *testing.T) {
		late := discordtest.New(t, discordtest.WithInteractionWindow(time.Nanosecond))
		_, ic := prepared(t, late, discordtest.Command("ask"))
		err := respond(late.Session(t), ic, discordgo.InteractionResponseDeferredChannelMessageWithSource, nil)
		if code := restCode(t, err); code != discordgo.ErrCodeUnknownInteraction {
			t.Errorf("code %d, want 10062", code)
		}
	})

	t.Run("Modal", func(t *testing.T) {
		_, ic := prepared(t, srv, discordtest.Command("summary"))
		modal := func(title string) *discordgo.InteractionResponseData {
			return &discordgo.InteractionResponseData{CustomID: "study:summary:1", Title: title, Components: []discordgo.MessageComponent{
				discordgo.ActionsRow{Components: []discordgo.MessageComponent{discordgo.TextInput{CustomID: "text", Label: "Summary",
					Style: discordgo.TextInputParagraph, Required: true, MaxLength: 1000}}}}}
		}
		if err := respond(s, ic, discordgo.InteractionResponseModal, modal(strings.Repeat("t", 46))); restCode(t, err) != discordgo.ErrCodeInvalidFormBody {
			t.Errorf("a 46-character modal title: %v", err)
		}
		if err := respond(s, ic, discordgo.InteractionResponseModal, modal("Summarise")); err != nil {
			t.Errorf("modal: %v", err)
		}
	})
}

// TestREST_Limits checks that payloads breaking Discord's limits are
// rejected with 50035 and an error tree naming the field, and that payloads
// at the limit pass.
func TestREST_Limits(t *testing.T) {
	srv := discordtest.New(t)
	s := srv.Session(t)
	long := func(n int) string { return strings.Repeat("é", n) } // runes, not bytes
	embed := func(e discordgo.MessageEmbed) []*discordgo.MessageEmbed { return []*discordgo.MessageEmbed{&e} }
	buttons := func(n int, id func(int) string) discordgo.ActionsRow {
		var row discordgo.ActionsRow
		for i := range n {
			row.Components = append(row.Components, discordgo.Button{Label: "b", Style: discordgo.SecondaryButton, CustomID: id(i)})
		}
		return row
	}
	seq := func(i int) string { return "b" + strings.Repeat("x", i) }
	rows := func(n int) []discordgo.MessageComponent {
		var out []discordgo.MessageComponent
		for r := range n {
			out = append(out, buttons(1, func(int) string { return seq(r) }))
		}
		return out
	}
	manyEmbeds := func(n int, desc int) []*discordgo.MessageEmbed {
		var out []*discordgo.MessageEmbed
		for range n {
			out = append(out, &discordgo.MessageEmbed{Description: long(desc)})
		}
		return out
	}
	tests := []struct {
		name  string
		msg   discordgo.MessageSend
		field string // a fragment of the error tree; "" for a payload that passes
	}{
		{"content at 2000", discordgo.MessageSend{Content: long(2000)}, ""},
		{"content over 2000", discordgo.MessageSend{Content: long(2001)}, `"content":{"_errors":[{"code":"BASE_TYPE_MAX_LENGTH"`},
		{"description at 4096", discordgo.MessageSend{Embeds: embed(discordgo.MessageEmbed{Description: long(4096)})}, ""},
		{"description over 4096", discordgo.MessageSend{Embeds: embed(discordgo.MessageEmbed{Description: long(4097)})}, `"0":{"description"`},
		{"title over 256", discordgo.MessageSend{Embeds: embed(discordgo.MessageEmbed{Title: long(257), Description: "d"})}, `"0":{"title"`},
		{"embeds total at 6000", discordgo.MessageSend{Embeds: manyEmbeds(2, 3000)}, ""},
		{"embeds total over 6000", discordgo.MessageSend{Embeds: manyEmbeds(2, 3001)}, `"MAX_EMBED_SIZE_EXCEEDED"`},
		{"11 embeds", discordgo.MessageSend{Embeds: manyEmbeds(11, 1)}, `"embeds":{"_errors":[{"code":"BASE_TYPE_MAX_LENGTH"`},
		{"field value over 1024", discordgo.MessageSend{Embeds: embed(discordgo.MessageEmbed{Fields: []*discordgo.MessageEmbedField{{Name: "n", Value: long(1025)}}})}, `"fields":{"0":{"value"`},
		{"5 rows of 5 buttons", discordgo.MessageSend{Content: "c", Components: []discordgo.MessageComponent{
			buttons(5, func(i int) string { return "a" + seq(i) }), buttons(5, func(i int) string { return "b" + seq(i) }),
			buttons(5, func(i int) string { return "c" + seq(i) }), buttons(5, func(i int) string { return "d" + seq(i) }),
			buttons(5, func(i int) string { return "e" + seq(i) })}}, ""},
		{"6 rows", discordgo.MessageSend{Content: "c", Components: rows(6)}, `"components":{"_errors"`},
		{"6 buttons in a row", discordgo.MessageSend{Content: "c", Components: []discordgo.MessageComponent{buttons(6, seq)}}, `"0":{"components":{"_errors"`},
		{"custom_id at 100", discordgo.MessageSend{Content: "c", Components: []discordgo.MessageComponent{buttons(1, func(int) string { return long(100) })}}, ""},
		{"custom_id over 100", discordgo.MessageSend{Content: "c", Components: []discordgo.MessageComponent{buttons(1, func(int) string { return long(101) })}}, `"custom_id"`},
		{"duplicate custom_id", discordgo.MessageSend{Content: "c", Components: []discordgo.MessageComponent{buttons(2, func(int) string { return "same" })}}, `"COMPONENT_CUSTOM_ID_DUPLICATED"`},
		{"empty", discordgo.MessageSend{}, `Cannot send an empty message`},
		{"users in parse and in users", discordgo.MessageSend{Content: "c", AllowedMentions: &discordgo.MessageAllowedMentions{
			Parse: []discordgo.AllowedMentionType{discordgo.AllowedMentionTypeUsers}, Users: []string{srv.User.ID}}}, `"allowed_mentions"`},
		{"reply to an unknown message", discordgo.MessageSend{Content: "c", Reference: &discordgo.MessageReference{MessageID: "1"}}, `"REPLIES_UNKNOWN_MESSAGE"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			msg := tt.msg
			_, err := s.ChannelMessageSendComplex(srv.ChannelID, &msg)
			if tt.field == "" {
				if err != nil {
					t.Fatalf("rejected: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatal("accepted")
			}
			if body := string(err.(*discordgo.RESTError).ResponseBody); !strings.Contains(body, tt.field) {
				t.Errorf("error %s does not contain %s", body, tt.field)
			}
		})
	}

	t.Run("interaction response", func(t *testing.T) {
		_, ic := prepared(t, srv, discordtest.Command("ask"))
		err := respond(s, ic, discordgo.InteractionResponseChannelMessageWithSource, &discordgo.InteractionResponseData{Content: long(2001)})
		if body := string(err.(*discordgo.RESTError).ResponseBody); !strings.Contains(body, `"data":{"content"`) {
			t.Errorf("error %s does not point at data.content", body)
		}
	})
	t.Run("autocomplete choice name over 100", func(t *testing.T) {
		_, ic := prepared(t, srv, discordtest.Autocomplete("cite", discordtest.String("text", "k")))
		err := respond(s, ic, discordgo.InteractionApplicationCommandAutocompleteResult, &discordgo.InteractionResponseData{
			Choices: []*discordgo.ApplicationCommandOptionChoice{{Name: long(101), Value: "v"}}})
		if body := string(err.(*discordgo.RESTError).ResponseBody); !strings.Contains(body, `"choices":{"0":{"name"`) {
			t.Errorf("error %s does not point at data.choices.0.name", body)
		}
	})
}

func TestREST_Pings(t *testing.T) {
	srv := discordtest.New(t)
	s := srv.Session(t)
	role := srv.AddRole(srv.GuildID, "Historians", 0)
	content := "@everyone and <@" + srv.User.ID + "> and <@&" + role + ">"

	m, err := s.ChannelMessageSend(srv.ChannelID, content)
	if err != nil {
		t.Fatal(err)
	}
	req := srv.WaitRequest(t, discordtest.Match("POST /channels/"))
	if want := []string{"@everyone", "<@" + srv.User.ID + ">", "<@&" + role + ">"}; strings.Join(req.Pings, " ") != strings.Join(want, " ") {
		t.Errorf("without allowed_mentions pings = %v, want %v", req.Pings, want)
	}
	if !m.MentionEveryone || len(m.Mentions) != 1 || len(m.MentionRoles) != 1 {
		t.Errorf("message mentions: everyone %v, users %v, roles %v", m.MentionEveryone, m.Mentions, m.MentionRoles)
	}

	if _, err := s.ChannelMessageSendComplex(srv.ChannelID, &discordgo.MessageSend{Content: content, AllowedMentions: noMentions}); err != nil {
		t.Fatal(err)
	}
	if req := srv.WaitRequest(t, discordtest.Match("POST /channels/")); len(req.Pings) != 0 {
		t.Errorf("with empty allowed_mentions pings = %v", req.Pings)
	}

	question := srv.AddMessage(t, discordtest.Message{Content: "who?"})
	if _, err := s.ChannelMessageSendComplex(srv.ChannelID, &discordgo.MessageSend{Content: "answer",
		Reference: &discordgo.MessageReference{MessageID: question}}); err != nil {
		t.Fatal(err)
	}
	if req := srv.WaitRequest(t, discordtest.Match("POST /channels/")); len(req.Pings) != 1 || req.Pings[0] != "<@"+srv.User.ID+">" {
		t.Errorf("a reply without allowed_mentions pings %v, want the asker", req.Pings)
	}
}

func TestREST_ChannelsAndGuilds(t *testing.T) {
	srv := discordtest.New(t)
	s := srv.Session(t)

	mods := srv.AddRole(srv.GuildID, "Moderators", discordgo.PermissionManageChannels)
	bob := discordtest.User{ID: "2001", Username: "bob"}
	srv.AddMember(srv.GuildID, bob, mods)
	if m, err := s.GuildMember(srv.GuildID, bob.ID); err != nil || m.User.ID != bob.ID || len(m.Roles) != 1 || m.Roles[0] != mods {
		t.Errorf("GuildMember = %+v, %v", m, err)
	}
	if _, err := s.GuildMember(srv.GuildID, "9"); restCode(t, err) != discordgo.ErrCodeUnknownMember {
		t.Errorf("unknown member: %v", err)
	}
	roles, err := s.GuildRoles(srv.GuildID)
	if err != nil || len(roles) != 3 || roles[0].ID != srv.GuildID || roles[2].Permissions != discordgo.PermissionManageChannels {
		t.Errorf("GuildRoles = %+v, %v", roles, err)
	}
	i := discordtest.Command("settings")
	i.User = bob
	if ic := srv.PrepareInteraction(t, i).Event(t); ic.Member.Permissions&discordgo.PermissionManageChannels == 0 {
		t.Errorf("bob's permissions %b lack his role's", ic.Member.Permissions)
	}

	th, err := s.ThreadStartComplex(srv.ChannelID, &discordgo.ThreadStart{Name: "Study: Meiji"})
	if err != nil || th.Type != discordgo.ChannelTypeGuildPrivateThread || th.ParentID != srv.ChannelID || th.OwnerID != srv.Bot.ID {
		t.Fatalf("thread without a message = %+v, %v; API v9 makes it private by default", th, err)
	}
	yes := true
	if ch, err := s.ChannelEdit(th.ID, &discordgo.ChannelEdit{Archived: &yes, Locked: &yes}); err != nil || !ch.ThreadMetadata.Archived || !ch.ThreadMetadata.Locked {
		t.Errorf("archive: %+v, %v", ch, err)
	}
	if _, err := s.ChannelMessageSend(th.ID, "late"); restCode(t, err) != 50083 {
		t.Errorf("posting in a locked archived thread: %v", err)
	}
	if ch, err := s.Channel(th.ID); err != nil || !ch.ThreadMetadata.Archived {
		t.Errorf("GET channel = %+v, %v", ch, err)
	}
	if _, err := s.Channel("42"); restCode(t, err) != discordgo.ErrCodeUnknownChannel {
		t.Errorf("unknown channel: %v", err)
	}
	if _, err := s.ThreadStartComplex(srv.ChannelID, &discordgo.ThreadStart{Name: strings.Repeat("n", 101)}); restCode(t, err) != discordgo.ErrCodeInvalidFormBody {
		t.Errorf("a 101-character thread name: %v", err)
	}

	user := srv.AddMessage(t, discordtest.Message{Content: "mine"})
	if _, err := s.ChannelMessageEdit(srv.ChannelID, user, "edited"); restCode(t, err) != 50005 {
		t.Errorf("editing a user's message: %v", err)
	}
	if me, err := s.User("@me"); err != nil || me.ID != srv.Bot.ID || !me.Bot {
		t.Errorf("GET /users/@me = %+v, %v", me, err)
	}
	if app, err := s.Application("@me"); err != nil || app.ID != srv.AppID {
		t.Errorf("GET /oauth2/applications/@me = %+v, %v", app, err)
	}
	if gw, err := s.GatewayBot(); err != nil || !strings.HasPrefix(gw.URL, srv.GatewayURL) || gw.Shards != 1 {
		t.Errorf("GET /gateway/bot = %+v, %v", gw, err)
	}
}

func TestREST_ScriptedFailuresAndAuth(t *testing.T) {
	srv := discordtest.New(t, discordtest.WithLatency(30*time.Millisecond))
	s := srv.Session(t)

	srv.FailNext("POST /channels/", http.StatusForbidden, discordgo.ErrCodeMissingPermissions, "Missing Permissions")
	start := time.Now()
	if _, err := s.ChannelMessageSend(srv.ChannelID, "x"); restCode(t, err) != discordgo.ErrCodeMissingPermissions {
		t.Errorf("scripted failure: %v", err)
	}
	if d := time.Since(start); d < 30*time.Millisecond {
		t.Errorf("answered in %v despite 30 ms of latency", d)
	}
	if _, err := s.ChannelMessageSend(srv.ChannelID, "x"); err != nil {
		t.Errorf("the failure was not only for the next request: %v", err)
	}

	srv.RateLimitNext("GET /users/@me", 100*time.Millisecond, true)
	s.ShouldRetryOnRateLimit = false
	_, err := s.User("@me")
	var rl *discordgo.RateLimitError
	if !errors.As(err, &rl) || rl.RetryAfter != 100*time.Millisecond {
		t.Fatalf("global 429 without retries: %v", err)
	}
	req := srv.WaitRequest(t, discordtest.Match("GET /users/@me"))
	for h, want := range map[string]string{"X-RateLimit-Global": "true", "X-RateLimit-Scope": "global", "Retry-After": "1", "X-RateLimit-Remaining": "0"} {
		if got := req.ResponseHeader.Get(h); got != want {
			t.Errorf("429 header %s = %q, want %q", h, got, want)
		}
	}

	noPrefix, _ := discordgo.New(srv.Token)
	noPrefix.Client = srv.Client()
	if _, err := noPrefix.User("@me"); err == nil || !strings.Contains(err.Error(), "401") {
		t.Errorf("a token without \"Bot \": %v, want 401", err)
	}
}

func TestREST_UnknownRoute(t *testing.T) {
	srv := discordtest.New(t, discordtest.AllowUnknownRoutes())
	resp, err := srv.Client().Get("https://discord.com/api/v9/guilds/1/emojis")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var e struct {
		Message string `json:"message"`
		Code    int    `json:"code"`
	}
	if resp.StatusCode != http.StatusNotFound || json.Unmarshal(body, &e) != nil || e.Message != "404: Not Found" {
		t.Errorf("unknown route answered %d %s", resp.StatusCode, body)
	}
	if reqs := srv.Requests(); len(reqs) != 1 || reqs[0].Route != "" || reqs[0].Path != "/guilds/1/emojis" {
		t.Errorf("recorded %+v", reqs)
	}
	if _, err := srv.Client().Get("https://cdn.discordapp.com/avatars/1/a.png"); err == nil {
		t.Error("a request outside the API left the fake's client")
	}
}
