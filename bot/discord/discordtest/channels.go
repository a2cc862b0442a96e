package discordtest

import (
	"encoding/json"
	"net/http"

	"github.com/bwmarrin/discordgo"
)

// codeInvalidRecipients is Discord's error for a DM to no known user.
const codeInvalidRecipients = 50033

// dmName marks the fake's DM channel with a user, so that opening a DM
// again returns the same channel, as on Discord. DM channels have no name
// on the wire (channelJSON leaves it out).
func dmName(userID string) string { return "@dm:" + userID }

// postDMChannel opens (or reopens) the bot's DM channel with a user:
// POST /users/@me/channels {"recipient_id"}.
func (s *Server) postDMChannel(c *call) reply {
	var req struct {
		RecipientID string `json:"recipient_id"`
	}
	json.Unmarshal(c.req.Body, &req)
	u, ok := s.users[req.RecipientID]
	if !ok || req.RecipientID == s.Bot.ID {
		return apiError(http.StatusBadRequest, codeInvalidRecipients, "Invalid Recipient(s)")
	}
	var dm *channel
	for _, ch := range s.channels {
		if ch.typ == discordgo.ChannelTypeDM && ch.name == dmName(u.ID) {
			dm = ch
		}
	}
	if dm == nil {
		dm = &channel{id: s.newID(), name: dmName(u.ID), typ: discordgo.ChannelTypeDM}
		s.channels[dm.id] = dm
	}
	j := s.channelJSON(dm)
	j["recipients"] = []any{userJSON(u)}
	return reply{http.StatusOK, j}
}

// deleteChannel deletes a channel or thread (closes a DM) with its
// messages, announces it (THREAD_DELETE or CHANNEL_DELETE) and answers
// with the channel as it was.
func (s *Server) deleteChannel(c *call) reply {
	ch, fail := s.channelOf(c)
	if fail != nil {
		return *fail
	}
	j := s.channelJSON(ch)
	delete(s.channels, ch.id)
	for id, m := range s.messages {
		if m.channelID == ch.id {
			delete(s.messages, id)
		}
	}
	if s.current != nil && s.current.intents&discordgo.IntentsGuilds != 0 && ch.guildID != "" {
		if ch.isThread() {
			s.sendLocked(s.current, "THREAD_DELETE", map[string]any{"id": ch.id, "guild_id": ch.guildID, "parent_id": ch.parentID, "type": ch.typ})
		} else {
			s.sendLocked(s.current, "CHANNEL_DELETE", j)
		}
	}
	return reply{http.StatusOK, j}
}
