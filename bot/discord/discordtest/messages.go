package discordtest

import (
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
)

// Message describes a message a user posts, for AddMessage and
// MessageCreate. Mentions follow from the content as in Discord: write
// "<@"+srv.Bot.ID+">" to mention the bot.
type Message struct {
	// ChannelID defaults to the Server's channel; it may be a thread.
	ChannelID string
	// Author defaults to the Server's user.
	Author  User
	Content string
	// ReplyTo is the ID of the message this one replies to, in the same
	// channel. A reply mentions the replied-to author, as the Discord client
	// does by default, unless SilentReply (the client's "@ OFF").
	ReplyTo     string
	SilentReply bool
}

// AddMessage stores a user's message without dispatching it (as if it was
// posted before the bot connected) and returns its ID.
func (s *Server) AddMessage(t testing.TB, m Message) string {
	t.Helper()
	s.mu.Lock()
	msg, err := s.addMessageLocked(m)
	s.mu.Unlock()
	if err != "" {
		t.Fatalf("discordtest: %s", err)
	}
	return msg.id
}

// MessageCreate stores a user's message and dispatches MESSAGE_CREATE to the
// current gateway session, subject to its intents as on Discord: nothing
// arrives without GUILD_MESSAGES (in a guild) or DIRECT_MESSAGES (in a DM),
// and without MESSAGE_CONTENT the content is empty unless the message
// mentions the bot or is a DM. It returns the message ID.
func (s *Server) MessageCreate(t testing.TB, m Message) string {
	t.Helper()
	s.mu.Lock()
	msg, err := s.addMessageLocked(m)
	if err == "" {
		if s.current == nil {
			err = "MessageCreate: no gateway session (Open the session first)"
		} else if !s.dispatchMessageLocked("MESSAGE_CREATE", msg) {
			t.Logf("discordtest: MESSAGE_CREATE %s not delivered: the session lacks the intent for it", msg.id)
		}
	}
	s.mu.Unlock()
	if err != "" {
		t.Fatalf("discordtest: %s", err)
	}
	return msg.id
}

func (s *Server) addMessageLocked(m Message) (*message, string) {
	if m.ChannelID == "" {
		m.ChannelID = s.ChannelID
	}
	if m.Author.ID == "" {
		m.Author = s.User
	}
	ch, ok := s.channels[m.ChannelID]
	if !ok {
		return nil, "unknown channel " + m.ChannelID
	}
	if g := s.guilds[ch.guildID]; g != nil {
		s.ensureMemberLocked(g, m.Author)
	} else if _, ok := s.users[m.Author.ID]; !ok {
		s.users[m.Author.ID] = m.Author
	}
	msg := &message{id: s.newID(), channelID: ch.id, guildID: ch.guildID, authorID: m.Author.ID,
		content: m.Content, created: time.Now(), typ: int(discordgo.MessageTypeDefault)}
	if m.ReplyTo != "" {
		ref, ok := s.messages[m.ReplyTo]
		if !ok || ref.channelID != ch.id {
			return nil, "reply to unknown message " + m.ReplyTo + " in channel " + ch.id
		}
		msg.replyTo = ref.id
		msg.typ = int(discordgo.MessageTypeReply)
	}
	var allowed *allowedMentions
	if m.SilentReply {
		allowed = &allowedMentions{Parse: []string{"users", "roles", "everyone"}}
	}
	s.resolveMentionsLocked(msg, allowed)
	s.storeMessageLocked(msg)
	return msg, ""
}

// storeMessageLocked adds msg to the state and its channel's counters.
func (s *Server) storeMessageLocked(msg *message) {
	s.messages[msg.id] = msg
	if msg.flags&flagEphemeral != 0 {
		return
	}
	if ch := s.channels[msg.channelID]; ch != nil {
		ch.lastMessageID = msg.id
		if ch.isThread() {
			ch.messageCount++
		}
	}
}

// dispatchMessageLocked sends MESSAGE_CREATE or MESSAGE_UPDATE for msg to
// the current session if its intents let it through, blanking the content
// as Discord does without MESSAGE_CONTENT. It reports whether it sent.
// Ephemeral messages are never dispatched.
func (s *Server) dispatchMessageLocked(event string, msg *message) bool {
	sess := s.current
	if sess == nil || msg.flags&flagEphemeral != 0 {
		return false
	}
	need := discordgo.IntentsGuildMessages
	if msg.guildID == "" {
		need = discordgo.IntentsDirectMessages
	}
	if sess.intents&need == 0 {
		return false
	}
	j := s.messageJSON(msg, true)
	visible := sess.intents&discordgo.IntentMessageContent != 0 || msg.guildID == "" ||
		msg.authorID == s.Bot.ID || slices.Contains(msg.mentions, s.Bot.ID)
	if !visible {
		j["content"] = ""
		j["embeds"] = []any{}
		j["attachments"] = []any{}
		j["components"] = []any{}
	}
	if g := s.guilds[msg.guildID]; g != nil {
		j["guild_id"] = g.id
		if m := g.members[msg.authorID]; m != nil && msg.webhookID == "" {
			j["member"] = s.memberJSON(g, m, false)
		}
	}
	s.sendLocked(sess, event, j)
	return true
}

// messagePayload is the message fields of a REST body the fake acts on.
type messagePayload struct {
	content       *string
	embeds        json.RawMessage
	hasEmbeds     bool
	components    json.RawMessage
	hasComponents bool
	allowed       *allowedMentions
	flags         int
	replyTo       string
	failIfMissing bool
}

// empty reports whether the payload would make an empty message.
func (p messagePayload) empty() bool {
	return (p.content == nil || *p.content == "") && isEmptyArray(p.embeds) && isEmptyArray(p.components)
}

func isEmptyArray(r json.RawMessage) bool {
	var v []json.RawMessage
	return len(r) == 0 || json.Unmarshal(r, &v) != nil || len(v) == 0
}

// applyLocked writes the payload's fields into msg and resolves its
// mentions; it returns what the message pings.
func (s *Server) applyLocked(msg *message, p messagePayload) []string {
	if p.content != nil {
		msg.content = *p.content
	}
	if p.hasEmbeds {
		msg.embeds = p.embeds
	}
	if p.hasComponents {
		msg.components = p.components
	}
	s.resolveMentionsLocked(msg, p.allowed)
	return msg.pings(msg.content)
}
