package discordtest_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/ibidbot/ibid/bot/discord/discordtest"
)

func TestREST_Uploads(t *testing.T) {
	srv := discordtest.New(t)
	s := srv.Session(t)
	file := func() *discordgo.File {
		return &discordgo.File{Name: "transcript.md", ContentType: "text/markdown; charset=utf-8", Reader: strings.NewReader("# Study session\n")}
	}

	t.Run("ChannelMessage", func(t *testing.T) {
		m, err := s.ChannelMessageSendComplex(srv.ChannelID, &discordgo.MessageSend{Content: "Ended.", Files: []*discordgo.File{file()}, AllowedMentions: noMentions})
		if err != nil || m.Content != "Ended." {
			t.Fatalf("upload: %+v, %v", m, err)
		}
		req := srv.WaitRequest(t, discordtest.Match("POST /channels/"+srv.ChannelID+"/messages"))
		if len(req.Files) != 1 || req.Files[0].Field != "files[0]" || req.Files[0].Name != "transcript.md" ||
			req.Files[0].ContentType != "text/markdown; charset=utf-8" || string(req.Files[0].Data) != "# Study session\n" {
			t.Errorf("files %+v", req.Files)
		}
		var p struct {
			Content string `json:"content"`
		}
		if err := json.Unmarshal(req.Payload(), &p); err != nil || p.Content != "Ended." {
			t.Errorf("payload %s: %v", req.Payload(), err)
		}
		if js, _ := req.JSON.(map[string]any); js["content"] != "Ended." {
			t.Errorf("JSON %v", req.JSON)
		}
	})

	t.Run("FileOnlyIsNotEmpty", func(t *testing.T) {
		if _, err := s.ChannelMessageSendComplex(srv.ChannelID, &discordgo.MessageSend{Files: []*discordgo.File{file()}, AllowedMentions: noMentions}); err != nil {
			t.Errorf("a message holding only a file: %v", err)
		}
	})

	t.Run("EphemeralFollowupAndEdit", func(t *testing.T) {
		ref, ic := prepared(t, srv, discordtest.Command("study"))
		if err := respond(s, ic, discordgo.InteractionResponseDeferredChannelMessageWithSource, &discordgo.InteractionResponseData{Flags: discordgo.MessageFlagsEphemeral}); err != nil {
			t.Fatal(err)
		}
		content := "Attached."
		if _, err := s.InteractionResponseEdit(ic, &discordgo.WebhookEdit{Content: &content, Files: []*discordgo.File{file()}, AllowedMentions: noMentions}); err != nil {
			t.Fatalf("edit with a file: %v", err)
		}
		if _, err := s.FollowupMessageCreate(ic, true, &discordgo.WebhookParams{Files: []*discordgo.File{file()}, Flags: discordgo.MessageFlagsEphemeral}); err != nil {
			t.Fatalf("follow-up with a file: %v", err)
		}
		edit := srv.WaitRequest(t, ref.Webhook(http.MethodPatch))
		fu := srv.WaitRequest(t, ref.Webhook(http.MethodPost))
		if len(edit.Files) != 1 || len(fu.Files) != 1 || !strings.Contains(string(fu.Payload()), `"flags":64`) {
			t.Errorf("edit files %v, follow-up files %v payload %s", edit.Files, fu.Files, fu.Payload())
		}
	})

	t.Run("Malformed", func(t *testing.T) {
		_, err := s.RequestRaw(http.MethodPost, discordgo.EndpointChannelMessages(srv.ChannelID), "multipart/form-data; boundary=x",
			[]byte("--x\r\nContent-Disposition: form-data; name=\"files[0]\"\r\n\r\nno filename\r\n--x--\r\n"), "", 0)
		if restCode(t, err) != discordgo.ErrCodeInvalidFormBody {
			t.Errorf("a file part without a filename: %v", err)
		}
	})
}

func TestREST_ModalSubmit(t *testing.T) {
	srv := discordtest.New(t)
	s := srv.Session(t)
	sent, err := s.ChannelMessageSendComplex(srv.ChannelID, &discordgo.MessageSend{Content: "#3", AllowedMentions: noMentions,
		Components: []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
			discordgo.Button{Label: "Reject", Style: discordgo.DangerButton, CustomID: "study:reject:3"}}}}})
	if err != nil {
		t.Fatal(err)
	}

	_, ic := prepared(t, srv, discordtest.ModalSubmit(sent.ID, "study:reject:3", discordtest.TextInput{CustomID: "reason", Value: "Off topic"}))
	d := ic.ModalSubmitData()
	row, ok := d.Components[0].(*discordgo.ActionsRow)
	if d.CustomID != "study:reject:3" || !ok || row.Components[0].(*discordgo.TextInput).Value != "Off topic" || ic.Message == nil || ic.Message.ID != sent.ID {
		t.Fatalf("modal submission %+v", ic)
	}
	if err := respond(s, ic, discordgo.InteractionResponseDeferredMessageUpdate, nil); err != nil {
		t.Fatalf("deferred update of the modal's message: %v", err)
	}
	if m, err := s.InteractionResponse(ic); err != nil || m.ID != sent.ID {
		t.Errorf("@original of the submission is the component's message: %+v, %v", m, err)
	}

	_, cmd := prepared(t, srv, discordtest.ModalSubmit("", "feedback"))
	if err := respond(s, cmd, discordgo.InteractionResponseDeferredMessageUpdate, nil); restCode(t, err) != discordgo.ErrCodeInvalidFormBody {
		t.Errorf("updating the message of a modal shown for a command: %v", err)
	}
	if err := respond(s, cmd, discordgo.InteractionResponseChannelMessageWithSource, &discordgo.InteractionResponseData{
		Content: "Thanks.", Flags: discordgo.MessageFlagsEphemeral, AllowedMentions: noMentions}); err != nil {
		t.Errorf("answering a submission with a message: %v", err)
	}
}

func TestREST_SubcommandOptions(t *testing.T) {
	srv := discordtest.New(t)
	ic := srv.PrepareInteraction(t, discordtest.Command("study", discordtest.Subcommand("reject",
		discordtest.Integer("number", 3), discordtest.String("reason", "Off topic")))).Event(t)
	opts := ic.ApplicationCommandData().Options
	if len(opts) != 1 || opts[0].Type != discordgo.ApplicationCommandOptionSubCommand || opts[0].Name != "reject" ||
		len(opts[0].Options) != 2 || opts[0].Options[0].IntValue() != 3 || opts[0].Options[1].StringValue() != "Off topic" {
		t.Errorf("subcommand options %+v", opts)
	}
}

func TestREST_DMsAndChannelDelete(t *testing.T) {
	srv := discordtest.New(t)
	s := srv.Session(t)
	dm, err := s.UserChannelCreate(srv.User.ID)
	if err != nil || dm.Type != discordgo.ChannelTypeDM || len(dm.Recipients) != 1 || dm.Recipients[0].ID != srv.User.ID {
		t.Fatalf("DM channel %+v, %v", dm, err)
	}
	if again, err := s.UserChannelCreate(srv.User.ID); err != nil || again.ID != dm.ID {
		t.Errorf("reopening the DM gave %+v, %v; want %s", again, err, dm.ID)
	}
	if _, err := s.ChannelMessageSendComplex(dm.ID, &discordgo.MessageSend{Content: "Privately.", AllowedMentions: noMentions}); err != nil {
		t.Errorf("message in the DM: %v", err)
	}
	if _, err := s.UserChannelCreate("42"); restCode(t, err) != 50033 {
		t.Errorf("DM to an unknown user: %v", err)
	}

	th, err := s.ThreadStartComplex(srv.ChannelID, &discordgo.ThreadStart{Name: "Study: Tanaka", Type: discordgo.ChannelTypeGuildPublicThread, AutoArchiveDuration: 1440})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.ChannelDelete(th.ID); err != nil {
		t.Fatalf("delete the thread: %v", err)
	}
	if _, err := s.Channel(th.ID); restCode(t, err) != discordgo.ErrCodeUnknownChannel {
		t.Errorf("the deleted thread is still there: %v", err)
	}
}
