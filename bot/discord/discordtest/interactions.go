package discordtest

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
)

// Interaction describes what a user does: a slash command, an autocomplete
// keystroke, a click or a modal's submission. Build it with Command,
// Autocomplete, Button, SelectMenu or ModalSubmit, adjust the fields, and
// send it with Server.Interact.
type Interaction struct {
	Type discordgo.InteractionType
	// Name and Options are the command and what the user typed (commands
	// and autocomplete).
	Name    string
	Options []Option
	// CustomID, ComponentType and Values describe a component click;
	// MessageID is the message the component is on, which must exist.
	CustomID      string
	ComponentType discordgo.ComponentType
	Values        []string
	MessageID     string
	// ChannelID defaults to the Server's channel; the guild follows from the
	// channel (none in a DM).
	ChannelID string
	// User defaults to the Server's user; in a guild they become a member
	// if they are not one.
	User User
	// Locale defaults to "en-US".
	Locale string
}

// Option is one command option as Discord sends it in an interaction.
type Option struct {
	Name    string
	Type    discordgo.ApplicationCommandOptionType
	Value   any
	Focused bool
	// Options holds a subcommand's options.
	Options []Option
}

// String is a string option.
func String(name, value string) Option {
	return Option{Name: name, Type: discordgo.ApplicationCommandOptionString, Value: value}
}

// Integer is an integer option.
func Integer(name string, value int64) Option {
	return Option{Name: name, Type: discordgo.ApplicationCommandOptionInteger, Value: value}
}

// Bool is a boolean option.
func Bool(name string, value bool) Option {
	return Option{Name: name, Type: discordgo.ApplicationCommandOptionBoolean, Value: value}
}

// Command is a slash command (APPLICATION_COMMAND) invocation.
func Command(name string, opts ...Option) Interaction {
	return Interaction{Type: discordgo.InteractionApplicationCommand, Name: name, Options: opts}
}

// Autocomplete is an APPLICATION_COMMAND_AUTOCOMPLETE interaction: the user
// is typing into focused (whose value Discord sends as the partial text,
// always a string) with others already filled in.
func Autocomplete(name string, focused Option, others ...Option) Interaction {
	focused.Focused = true
	if focused.Value != nil {
		if _, ok := focused.Value.(string); !ok {
			b, _ := json.Marshal(focused.Value)
			focused.Value = string(b)
		}
	}
	return Interaction{Type: discordgo.InteractionApplicationCommandAutocomplete, Name: name,
		Options: append([]Option{focused}, others...)}
}

// Button is a click on the button customID of message messageID.
func Button(messageID, customID string) Interaction {
	return Interaction{Type: discordgo.InteractionMessageComponent, CustomID: customID,
		ComponentType: discordgo.ButtonComponent, MessageID: messageID}
}

// SelectMenu is a choice in the string select customID of message
// messageID.
func SelectMenu(messageID, customID string, values ...string) Interaction {
	return Interaction{Type: discordgo.InteractionMessageComponent, CustomID: customID,
		ComponentType: discordgo.SelectMenuComponent, MessageID: messageID, Values: values}
}

// InteractionRef identifies an interaction the fake sent, for waiting on
// the bot's answers to it.
type InteractionRef struct {
	ID, Token, AppID string
	// Seq is the gateway sequence number of its INTERACTION_CREATE (0 when
	// prepared without the gateway).
	Seq int64
	// Payload is the interaction object as Discord sends it (the event's d).
	Payload json.RawMessage
}

// Callback matches the interaction's callback (its initial response).
func (ic InteractionRef) Callback() func(Request) bool {
	return func(r Request) bool {
		return r.Method == http.MethodPost && r.Path == "/interactions/"+ic.ID+"/"+ic.Token+"/callback"
	}
}

// Webhook matches calls on the interaction's webhook with the given method
// ("" for any): edits of the original response (PATCH
// .../messages/@original) and follow-ups (POST).
func (ic InteractionRef) Webhook(method string) func(Request) bool {
	prefix := "/webhooks/" + ic.AppID + "/" + ic.Token
	return func(r Request) bool {
		return (method == "" || r.Method == method) && (r.Path == prefix || strings.HasPrefix(r.Path, prefix+"/"))
	}
}

// Event decodes the payload as discordgo does, for tests that call a
// handler directly.
func (ic InteractionRef) Event(t testing.TB) *discordgo.InteractionCreate {
	t.Helper()
	ev := &discordgo.InteractionCreate{}
	if err := json.Unmarshal(ic.Payload, ev); err != nil {
		t.Fatalf("discordtest: decoding interaction %s: %v", ic.ID, err)
	}
	return ev
}

// interaction is the fake's state of one interaction.
type interaction struct {
	id, token                  string
	typ                        discordgo.InteractionType
	userID, channelID, guildID string
	dispatched                 time.Time
	acked                      bool
	ackType                    discordgo.InteractionResponseType
	componentMsg               string // the message a component is on
	originalID                 string // the response message, once there is one
	followups                  []string
}

// Interact sends i to the bot as INTERACTION_CREATE on the current gateway
// session; the interaction window starts now. It fails the test if no
// session is identified.
func (s *Server) Interact(t testing.TB, i Interaction) InteractionRef {
	t.Helper()
	return s.interact(t, i, true)
}

// PrepareInteraction registers i as if it had been dispatched now, without
// a gateway, for tests that hand InteractionRef.Event to a handler
// themselves; the callback and webhook endpoints then accept it.
func (s *Server) PrepareInteraction(t testing.TB, i Interaction) InteractionRef {
	t.Helper()
	return s.interact(t, i, false)
}

func (s *Server) interact(t testing.TB, i Interaction, dispatch bool) InteractionRef {
	t.Helper()
	s.mu.Lock()
	ref, err := s.interactLocked(i, dispatch)
	s.mu.Unlock()
	if err != "" {
		t.Fatalf("discordtest: %s", err)
	}
	return ref
}

func (s *Server) interactLocked(i Interaction, dispatch bool) (InteractionRef, string) {
	if dispatch && s.current == nil {
		return InteractionRef{}, "Interact: no gateway session (Open the session first)"
	}
	if i.ChannelID == "" {
		i.ChannelID = s.ChannelID
	}
	if i.User.ID == "" {
		i.User = s.User
	}
	if i.Locale == "" {
		i.Locale = "en-US"
	}
	ch, ok := s.channels[i.ChannelID]
	if !ok {
		return InteractionRef{}, "Interact: unknown channel " + i.ChannelID
	}
	ic := &interaction{id: s.newID(), token: "aW50ZXJhY3Rpb246" + randomToken(48), typ: i.Type,
		userID: i.User.ID, channelID: ch.id, guildID: ch.guildID}
	p := map[string]any{
		"id": ic.id, "application_id": s.AppID, "type": i.Type, "token": ic.token, "version": 1,
		"channel_id": ch.id, "channel": s.channelJSON(ch), "locale": i.Locale, "entitlements": []any{},
		"attachment_size_limit": 26214400,
	}
	if g := s.guilds[ch.guildID]; g != nil {
		s.ensureMemberLocked(g, i.User)
		mem := s.memberJSON(g, g.members[i.User.ID], true)
		mem["permissions"] = strconv.FormatInt(g.permissions(i.User.ID), 10)
		p["guild_id"] = g.id
		p["guild"] = map[string]any{"id": g.id, "locale": "en-US", "features": []any{}}
		p["guild_locale"] = "en-US"
		p["member"] = mem
		p["app_permissions"] = strconv.FormatInt(g.permissions(s.Bot.ID), 10)
		p["context"] = 0
		p["authorizing_integration_owners"] = map[string]any{"0": g.id}
	} else {
		if _, ok := s.users[i.User.ID]; !ok {
			s.users[i.User.ID] = i.User
		}
		p["user"] = userJSON(i.User)
		p["app_permissions"] = strconv.FormatInt(discordgo.PermissionAttachFiles|discordgo.PermissionEmbedLinks|
			discordgo.PermissionMentionEveryone|discordgo.PermissionUseExternalEmojis, 10)
		p["context"] = 1
		p["authorizing_integration_owners"] = map[string]any{"0": "0"}
	}
	switch i.Type {
	case discordgo.InteractionApplicationCommand, discordgo.InteractionApplicationCommandAutocomplete:
		data := map[string]any{"id": s.commandIDLocked(ch.guildID, i.Name), "name": i.Name, "type": 1}
		if len(i.Options) > 0 {
			data["options"] = optionsJSON(i.Options)
		}
		p["data"] = data
	case discordgo.InteractionMessageComponent:
		m, ok := s.messages[i.MessageID]
		if !ok {
			return InteractionRef{}, "Interact: a component interaction needs an existing MessageID, not " + strconv.Quote(i.MessageID)
		}
		ic.componentMsg = m.id
		data := map[string]any{"custom_id": i.CustomID, "component_type": i.ComponentType}
		if i.ComponentType == discordgo.SelectMenuComponent {
			data["values"] = nonNilStrings(i.Values)
		}
		p["data"] = data
		p["message"] = s.messageJSON(m, true)
	case discordgo.InteractionModalSubmit:
		if err := s.modalSubmitLocked(i, ic, p); err != "" {
			return InteractionRef{}, err
		}
	default:
		return InteractionRef{}, "Interact: unsupported interaction type " + strconv.Itoa(int(i.Type))
	}
	payload, err := json.Marshal(p)
	if err != nil {
		return InteractionRef{}, "Interact: " + err.Error()
	}
	ref := InteractionRef{ID: ic.id, Token: ic.token, AppID: s.AppID, Payload: payload}
	if dispatch {
		ref.Seq = s.sendLocked(s.current, "INTERACTION_CREATE", json.RawMessage(payload))
	}
	ic.dispatched = time.Now()
	s.interactions[ic.id] = ic
	s.byToken[ic.token] = ic
	return ref, ""
}

func optionsJSON(opts []Option) []any {
	out := make([]any, len(opts))
	for i, o := range opts {
		j := map[string]any{"name": o.Name, "type": o.Type}
		if o.Value != nil {
			j["value"] = o.Value
		}
		if o.Focused {
			j["focused"] = true
		}
		if len(o.Options) > 0 {
			j["options"] = optionsJSON(o.Options)
		}
		out[i] = j
	}
	return out
}

// commandIDLocked is the ID of the registered command name (the guild's
// first, then the global one), or a fresh ID if the bot registered none,
// so that tests need not register commands to invoke them.
func (s *Server) commandIDLocked(guildID, name string) string {
	for _, scope := range []string{guildID, ""} {
		for _, c := range s.commands[scope] {
			if c["name"] == name {
				return c["id"].(string)
			}
		}
	}
	return s.newID()
}
