package discordtest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/bwmarrin/discordgo"
)

// routes registers the REST routes the fake models (listed in the package
// documentation).
func (s *Server) routes() {
	s.handle("GET /gateway", false, func(*call) reply { return reply{http.StatusOK, map[string]any{"url": s.GatewayURL}} })
	s.handle("GET /gateway/bot", true, func(*call) reply {
		return reply{http.StatusOK, map[string]any{"url": s.GatewayURL, "shards": 1, "session_start_limit": map[string]any{
			"total": 1000, "remaining": 999, "reset_after": 86400000, "max_concurrency": 1}}}
	})
	s.handle("GET /users/@me", true, func(*call) reply {
		u := userJSON(s.Bot)
		u["verified"], u["mfa_enabled"], u["flags"], u["locale"] = true, false, 0, "en-US"
		return reply{http.StatusOK, u}
	})
	s.handle("GET /oauth2/applications/@me", true, func(*call) reply {
		return reply{http.StatusOK, map[string]any{
			"id": s.AppID, "name": s.Bot.Username, "icon": nil, "description": "", "bot_public": true,
			"bot_require_code_grant": false, "verify_key": randomToken(32), "flags": 0, "bot": userJSON(s.Bot),
			"owner": userJSON(s.users[s.guilds[s.GuildID].ownerID]), "summary": "", "team": nil,
		}}
	})
	s.handle("GET /applications/{app}/commands", true, s.getCommands)
	s.handle("PUT /applications/{app}/commands", true, s.putCommands)
	s.handle("GET /applications/{app}/guilds/{guild}/commands", true, s.getCommands)
	s.handle("PUT /applications/{app}/guilds/{guild}/commands", true, s.putCommands)

	s.handle("POST /interactions/{interaction}/{token}/callback", false, s.postCallback)
	s.handle("GET /webhooks/{app}/{token}/messages/{message}", false, s.getWebhookMessage)
	s.handle("PATCH /webhooks/{app}/{token}/messages/{message}", false, s.patchWebhookMessage)
	s.handle("DELETE /webhooks/{app}/{token}/messages/{message}", false, s.deleteWebhookMessage)
	s.handle("POST /webhooks/{app}/{token}", false, s.postFollowup)

	s.handle("POST /channels/{channel}/messages", true, s.postMessage)
	s.handle("GET /channels/{channel}/messages/{message}", true, s.getMessage)
	s.handle("PATCH /channels/{channel}/messages/{message}", true, s.patchMessage)
	s.handle("POST /channels/{channel}/messages/{message}/threads", true, s.postMessageThread)
	s.handle("POST /channels/{channel}/threads", true, s.postThread)
	s.handle("GET /channels/{channel}", true, s.getChannel)
	s.handle("PATCH /channels/{channel}", true, s.patchChannel)
	s.handle("DELETE /channels/{channel}", true, s.deleteChannel)
	s.handle("POST /users/@me/channels", true, s.postDMChannel)
	s.handle("GET /guilds/{guild}/members/{user}", true, s.getMember)
	s.handle("GET /guilds/{guild}/roles", true, s.getRoles)
}

// Application commands.

// commandScope checks the application and guild of a commands route and
// returns the guild ID ("" for global commands).
func (s *Server) commandScope(c *call) (string, *reply) {
	if c.r.PathValue("app") != s.AppID {
		r := apiError(http.StatusForbidden, codeMissingAccess, "Missing Access")
		return "", &r
	}
	g := c.r.PathValue("guild")
	if g != "" && s.guilds[g] == nil {
		r := apiError(http.StatusForbidden, codeMissingAccess, "Missing Access")
		return "", &r
	}
	return g, nil
}

func (s *Server) getCommands(c *call) reply {
	g, fail := s.commandScope(c)
	if fail != nil {
		return *fail
	}
	cmds := s.commands[g]
	if cmds == nil {
		cmds = []map[string]any{}
	}
	return reply{http.StatusOK, cmds}
}

// putCommands is a bulk overwrite: the new list replaces the old, commands
// keep their IDs by type and name, and the answer is the list with IDs.
func (s *Server) putCommands(c *call) reply {
	g, fail := s.commandScope(c)
	if fail != nil {
		return *fail
	}
	var cmds []map[string]any
	if err := json.Unmarshal(c.req.Body, &cmds); err != nil {
		return apiError(http.StatusBadRequest, codeInvalidFormBody, "Invalid Form Body")
	}
	var f formErrors
	checkCommands(&f, cmds)
	if f.failed() {
		return f.reply()
	}
	old := map[string]string{}
	for _, oc := range s.commands[g] {
		old[fmt.Sprint(oc["type"], oc["name"])] = oc["id"].(string)
	}
	out := make([]map[string]any, len(cmds))
	for i, in := range cmds {
		cmd := map[string]any{"type": 1, "nsfw": false, "default_member_permissions": nil, "description": ""}
		for k, v := range in {
			if v != nil {
				cmd[k] = v
			}
		}
		if t, ok := cmd["type"].(float64); ok {
			cmd["type"] = int(t)
		}
		id, ok := old[fmt.Sprint(cmd["type"], cmd["name"])]
		if !ok {
			id = s.newID()
		}
		cmd["id"], cmd["application_id"], cmd["version"] = id, s.AppID, s.newID()
		if g != "" {
			cmd["guild_id"] = g
		}
		out[i] = cmd
	}
	s.commands[g] = out
	return reply{http.StatusOK, out}
}

// Interactions.

// allowedCallbacks are the response types Discord accepts for each kind of
// interaction.
var allowedCallbacks = map[discordgo.InteractionType][]discordgo.InteractionResponseType{
	discordgo.InteractionApplicationCommand: {discordgo.InteractionResponseChannelMessageWithSource,
		discordgo.InteractionResponseDeferredChannelMessageWithSource, discordgo.InteractionResponseModal},
	discordgo.InteractionMessageComponent: {discordgo.InteractionResponseChannelMessageWithSource,
		discordgo.InteractionResponseDeferredChannelMessageWithSource, discordgo.InteractionResponseDeferredMessageUpdate,
		discordgo.InteractionResponseUpdateMessage, discordgo.InteractionResponseModal},
	discordgo.InteractionApplicationCommandAutocomplete: {discordgo.InteractionApplicationCommandAutocompleteResult},
}

// postCallback is the initial response: once, within the window, of a type
// that suits the interaction, with a valid payload. A rejected callback
// does not acknowledge, as on Discord, so the bot may try again in time.
func (s *Server) postCallback(c *call) reply {
	ic := s.interactions[c.r.PathValue("interaction")]
	if ic == nil || ic.token != c.r.PathValue("token") {
		return apiError(http.StatusNotFound, codeUnknownInteraction, "Unknown interaction")
	}
	if ic.acked {
		return apiError(http.StatusBadRequest, codeAlreadyAcked, "Interaction has already been acknowledged.")
	}
	if time.Since(ic.dispatched) > s.cfg.window {
		return apiError(http.StatusNotFound, codeUnknownInteraction, "Unknown interaction")
	}
	var f formErrors
	var typ discordgo.InteractionResponseType
	if json.Unmarshal(c.body["type"], &typ) != nil {
		f.add("type", "BASE_TYPE_REQUIRED", "This field is required")
		return f.reply()
	}
	allowed := allowedCallbacks[ic.typ]
	if !slices.Contains(allowed, typ) {
		f.add("type", "BASE_TYPE_CHOICES", fmt.Sprintf("Value must be one of %v.", allowed))
		return f.reply()
	}
	if checkModalCallback(&f, ic, typ); f.failed() {
		return f.reply()
	}
	var data map[string]json.RawMessage
	json.Unmarshal(c.body["data"], &data)
	var p messagePayload
	switch typ {
	case discordgo.InteractionResponseChannelMessageWithSource, discordgo.InteractionResponseUpdateMessage:
		p = parseMessage(&f, "data", data)
		if f.failed() {
			return f.reply()
		}
		if typ == discordgo.InteractionResponseChannelMessageWithSource && p.empty() && len(c.req.Files) == 0 {
			return apiError(http.StatusBadRequest, codeEmptyMessage, "Cannot send an empty message")
		}
	case discordgo.InteractionResponseDeferredChannelMessageWithSource:
		p = parseMessage(&f, "data", map[string]json.RawMessage{"flags": data["flags"]})
	case discordgo.InteractionApplicationCommandAutocompleteResult:
		checkChoices(&f, data)
	case discordgo.InteractionResponseModal:
		checkModal(&f, data)
	}
	if f.failed() {
		return f.reply()
	}
	ic.acked, ic.ackType = true, typ

	switch typ {
	case discordgo.InteractionResponseChannelMessageWithSource, discordgo.InteractionResponseDeferredChannelMessageWithSource:
		msg := &message{id: s.newID(), channelID: ic.channelID, guildID: ic.guildID, authorID: s.Bot.ID,
			webhookID: s.AppID, created: time.Now(), interactionID: ic.id, flags: p.flags & flagEphemeral,
			typ: int(discordgo.MessageTypeChatInputCommand)}
		if ic.typ == discordgo.InteractionMessageComponent {
			msg.typ = int(discordgo.MessageTypeDefault)
		}
		if typ == discordgo.InteractionResponseDeferredChannelMessageWithSource {
			msg.flags |= flagLoading
		} else {
			c.req.Pings = s.applyLocked(msg, p)
		}
		s.storeMessageLocked(msg)
		ic.originalID = msg.id
		s.dispatchMessageLocked("MESSAGE_CREATE", msg)
	case discordgo.InteractionResponseDeferredMessageUpdate:
		ic.originalID = ic.componentMsg
	case discordgo.InteractionResponseUpdateMessage:
		ic.originalID = ic.componentMsg
		msg := s.messages[ic.componentMsg]
		c.req.Pings = s.applyLocked(msg, p)
		now := time.Now()
		msg.edited = &now
		s.dispatchMessageLocked("MESSAGE_UPDATE", msg)
	}
	return reply{http.StatusNoContent, nil}
}

// webhookInteraction finds the interaction of an interaction webhook route.
// Before the interaction is acknowledged its webhook does not exist yet,
// and Discord answers 10015 Unknown Webhook.
func (s *Server) webhookInteraction(c *call) (*interaction, *reply) {
	ic := s.byToken[c.r.PathValue("token")]
	if c.r.PathValue("app") != s.AppID || ic == nil || !ic.acked {
		r := apiError(http.StatusNotFound, codeUnknownWebhook, "Unknown Webhook")
		return nil, &r
	}
	return ic, nil
}

// webhookMessage finds the message of an interaction webhook route:
// @original or a follow-up.
func (s *Server) webhookMessage(c *call) (*interaction, *message, *reply) {
	ic, fail := s.webhookInteraction(c)
	if fail != nil {
		return nil, nil, fail
	}
	id := c.r.PathValue("message")
	if id == "@original" {
		id = ic.originalID
	} else if id != ic.originalID && !slices.Contains(ic.followups, id) {
		id = ""
	}
	msg := s.messages[id]
	if msg == nil {
		r := apiError(http.StatusNotFound, codeUnknownMessage, "Unknown Message")
		return nil, nil, &r
	}
	return ic, msg, nil
}

func (s *Server) getWebhookMessage(c *call) reply {
	_, msg, fail := s.webhookMessage(c)
	if fail != nil {
		return *fail
	}
	return reply{http.StatusOK, s.messageJSON(msg, true)}
}

func (s *Server) patchWebhookMessage(c *call) reply {
	_, msg, fail := s.webhookMessage(c)
	if fail != nil {
		return *fail
	}
	return s.editMessageLocked(c, msg)
}

// editMessageLocked applies an edit's payload to msg: it must stay within
// the limits and not become empty; a deferred response stops loading.
func (s *Server) editMessageLocked(c *call, msg *message) reply {
	var f formErrors
	p := parseMessage(&f, "", c.body)
	if f.failed() {
		return f.reply()
	}
	next := *msg
	pings := s.applyLocked(&next, p)
	if next.content == "" && isEmptyArray(next.embeds) && isEmptyArray(next.components) && len(c.req.Files) == 0 {
		return apiError(http.StatusBadRequest, codeEmptyMessage, "Cannot send an empty message")
	}
	*msg = next
	msg.flags &^= flagLoading
	now := time.Now()
	msg.edited = &now
	c.req.Pings = pings
	s.dispatchMessageLocked("MESSAGE_UPDATE", msg)
	return reply{http.StatusOK, s.messageJSON(msg, true)}
}

func (s *Server) deleteWebhookMessage(c *call) reply {
	_, msg, fail := s.webhookMessage(c)
	if fail != nil {
		return *fail
	}
	s.deleteMessageLocked(msg)
	return reply{http.StatusNoContent, nil}
}

func (s *Server) deleteMessageLocked(msg *message) {
	delete(s.messages, msg.id)
	if s.current != nil && msg.flags&flagEphemeral == 0 && s.current.intents&discordgo.IntentsGuildMessages != 0 {
		d := map[string]any{"id": msg.id, "channel_id": msg.channelID}
		if msg.guildID != "" {
			d["guild_id"] = msg.guildID
		}
		s.sendLocked(s.current, "MESSAGE_DELETE", d)
	}
}

// postFollowup creates a follow-up message; wait is implied for
// interaction webhooks. Right after a deferral it edits the loading
// response instead, as Discord still does for compatibility.
func (s *Server) postFollowup(c *call) reply {
	ic, fail := s.webhookInteraction(c)
	if fail != nil {
		return *fail
	}
	var f formErrors
	p := parseMessage(&f, "", c.body)
	if f.failed() {
		return f.reply()
	}
	if p.empty() && len(c.req.Files) == 0 {
		return apiError(http.StatusBadRequest, codeEmptyMessage, "Cannot send an empty message")
	}
	if orig := s.messages[ic.originalID]; orig != nil && orig.flags&flagLoading != 0 {
		return s.editMessageLocked(c, orig)
	}
	msg := &message{id: s.newID(), channelID: ic.channelID, guildID: ic.guildID, authorID: s.Bot.ID,
		webhookID: s.AppID, created: time.Now(), flags: p.flags & flagEphemeral, typ: int(discordgo.MessageTypeDefault)}
	c.req.Pings = s.applyLocked(msg, p)
	s.storeMessageLocked(msg)
	ic.followups = append(ic.followups, msg.id)
	s.dispatchMessageLocked("MESSAGE_CREATE", msg)
	return reply{http.StatusOK, s.messageJSON(msg, true)}
}

// Channels and messages.

func (s *Server) channelOf(c *call) (*channel, *reply) {
	ch := s.channels[c.r.PathValue("channel")]
	if ch == nil {
		r := apiError(http.StatusNotFound, codeUnknownChannel, "Unknown Channel")
		return nil, &r
	}
	return ch, nil
}

func (s *Server) messageOf(c *call) (*channel, *message, *reply) {
	ch, fail := s.channelOf(c)
	if fail != nil {
		return nil, nil, fail
	}
	msg := s.messages[c.r.PathValue("message")]
	if msg == nil || msg.channelID != ch.id || msg.flags&flagEphemeral != 0 {
		r := apiError(http.StatusNotFound, codeUnknownMessage, "Unknown Message")
		return nil, nil, &r
	}
	return ch, msg, nil
}

func (s *Server) postMessage(c *call) reply {
	ch, fail := s.channelOf(c)
	if fail != nil {
		return *fail
	}
	var f formErrors
	p := parseMessage(&f, "", c.body)
	if p.replyTo != "" && p.failIfMissing {
		if ref := s.messages[p.replyTo]; ref == nil || ref.channelID != ch.id {
			f.add("message_reference", "REPLIES_UNKNOWN_MESSAGE", "Unknown message")
		}
	}
	if f.failed() {
		return f.reply()
	}
	if p.empty() && len(c.req.Files) == 0 {
		return apiError(http.StatusBadRequest, codeEmptyMessage, "Cannot send an empty message")
	}
	if ch.archived {
		if ch.locked {
			return apiError(http.StatusBadRequest, codeThreadArchived, "Thread is archived")
		}
		ch.archived = false
	}
	msg := &message{id: s.newID(), channelID: ch.id, guildID: ch.guildID, authorID: s.Bot.ID,
		created: time.Now(), typ: int(discordgo.MessageTypeDefault), flags: p.flags &^ flagEphemeral}
	if ref := s.messages[p.replyTo]; ref != nil && ref.channelID == ch.id {
		msg.replyTo = ref.id
		msg.typ = int(discordgo.MessageTypeReply)
	}
	c.req.Pings = s.applyLocked(msg, p)
	s.storeMessageLocked(msg)
	s.dispatchMessageLocked("MESSAGE_CREATE", msg)
	return reply{http.StatusOK, s.messageJSON(msg, true)}
}

func (s *Server) getMessage(c *call) reply {
	_, msg, fail := s.messageOf(c)
	if fail != nil {
		return *fail
	}
	return reply{http.StatusOK, s.messageJSON(msg, true)}
}

func (s *Server) patchMessage(c *call) reply {
	_, msg, fail := s.messageOf(c)
	if fail != nil {
		return *fail
	}
	if msg.authorID != s.Bot.ID {
		return apiError(http.StatusForbidden, codeEditOthersMessage, "Cannot edit a message authored by another user")
	}
	return s.editMessageLocked(c, msg)
}

// threadRequest is the body of both thread-creating routes.
type threadRequest struct {
	Name                string                `json:"name"`
	AutoArchiveDuration int                   `json:"auto_archive_duration"`
	Type                discordgo.ChannelType `json:"type"`
	Invitable           *bool                 `json:"invitable"`
	RateLimitPerUser    int                   `json:"rate_limit_per_user"`
}

// newThreadLocked creates a thread in parent, announces it with
// THREAD_CREATE, and returns the answer.
func (s *Server) newThreadLocked(c *call, parent *channel, id string, typ discordgo.ChannelType) reply {
	var req threadRequest
	json.Unmarshal(c.req.Body, &req)
	var f formErrors
	checkThreadName(&f, req.Name)
	checkArchiveDuration(&f, req.AutoArchiveDuration)
	if f.failed() {
		return f.reply()
	}
	if parent.isThread() || parent.guildID == "" {
		return apiError(http.StatusBadRequest, codeWrongChannelType, "Cannot execute action on this channel type")
	}
	th := &channel{id: id, guildID: parent.guildID, name: req.Name, parentID: parent.id, ownerID: s.Bot.ID,
		typ: typ, archiveDuration: req.AutoArchiveDuration, archivedAt: time.Now(), rateLimit: req.RateLimitPerUser,
		invitable: typ == discordgo.ChannelTypeGuildPrivateThread && (req.Invitable == nil || *req.Invitable)}
	if th.archiveDuration == 0 {
		th.archiveDuration = 4320
	}
	s.channels[id] = th
	if s.current != nil && s.current.intents&discordgo.IntentsGuilds != 0 {
		ev := s.channelJSON(th)
		ev["newly_created"] = true
		s.sendLocked(s.current, "THREAD_CREATE", ev)
	}
	return reply{http.StatusCreated, s.channelJSON(th)}
}

// postMessageThread starts a public thread from a message; the thread
// takes the message's ID, and a message has at most one thread.
func (s *Server) postMessageThread(c *call) reply {
	ch, msg, fail := s.messageOf(c)
	if fail != nil {
		return *fail
	}
	if msg.threadID != "" {
		return apiError(http.StatusBadRequest, codeThreadExists, "A thread has already been created for this message")
	}
	typ := discordgo.ChannelTypeGuildPublicThread
	if ch.typ == discordgo.ChannelTypeGuildNews {
		typ = discordgo.ChannelTypeGuildNewsThread
	}
	rep := s.newThreadLocked(c, ch, msg.id, typ)
	if rep.status == http.StatusCreated {
		msg.threadID = msg.id
	}
	return rep
}

// postThread starts a thread without a message. In API v9 the type
// defaults to a private thread.
func (s *Server) postThread(c *call) reply {
	ch, fail := s.channelOf(c)
	if fail != nil {
		return *fail
	}
	var req threadRequest
	json.Unmarshal(c.req.Body, &req)
	typ := req.Type
	if typ == 0 {
		typ = discordgo.ChannelTypeGuildPrivateThread
	}
	if typ != discordgo.ChannelTypeGuildPublicThread && typ != discordgo.ChannelTypeGuildPrivateThread &&
		typ != discordgo.ChannelTypeGuildNewsThread {
		var f formErrors
		f.add("type", "BASE_TYPE_CHOICES", "Value must be one of {10, 11, 12}.")
		return f.reply()
	}
	return s.newThreadLocked(c, ch, s.newID(), typ)
}

func (s *Server) getChannel(c *call) reply {
	ch, fail := s.channelOf(c)
	if fail != nil {
		return *fail
	}
	return reply{http.StatusOK, s.channelJSON(ch)}
}

// patchChannel edits a channel or thread: name, slow mode, and for threads
// archived, locked, auto_archive_duration and invitable.
func (s *Server) patchChannel(c *call) reply {
	ch, fail := s.channelOf(c)
	if fail != nil {
		return *fail
	}
	var req struct {
		Name                *string `json:"name"`
		RateLimitPerUser    *int    `json:"rate_limit_per_user"`
		Archived            *bool   `json:"archived"`
		Locked              *bool   `json:"locked"`
		AutoArchiveDuration int     `json:"auto_archive_duration"`
		Invitable           *bool   `json:"invitable"`
	}
	json.Unmarshal(c.req.Body, &req)
	var f formErrors
	if req.Name != nil {
		checkThreadName(&f, *req.Name)
	}
	checkArchiveDuration(&f, req.AutoArchiveDuration)
	if f.failed() {
		return f.reply()
	}
	if req.Name != nil {
		ch.name = *req.Name
	}
	if req.RateLimitPerUser != nil {
		ch.rateLimit = *req.RateLimitPerUser
	}
	if ch.isThread() {
		if req.Archived != nil {
			ch.archived = *req.Archived
			ch.archivedAt = time.Now()
		}
		if req.Locked != nil {
			ch.locked = *req.Locked
		}
		if req.AutoArchiveDuration != 0 {
			ch.archiveDuration = req.AutoArchiveDuration
		}
		if req.Invitable != nil {
			ch.invitable = *req.Invitable
		}
	}
	if s.current != nil && s.current.intents&discordgo.IntentsGuilds != 0 {
		event := "CHANNEL_UPDATE"
		if ch.isThread() {
			event = "THREAD_UPDATE"
		}
		s.sendLocked(s.current, event, s.channelJSON(ch))
	}
	return reply{http.StatusOK, s.channelJSON(ch)}
}

// Guilds.

func (s *Server) getMember(c *call) reply {
	g := s.guilds[c.r.PathValue("guild")]
	if g == nil {
		return apiError(http.StatusNotFound, codeUnknownGuild, "Unknown Guild")
	}
	m := g.members[c.r.PathValue("user")]
	if m == nil {
		return apiError(http.StatusNotFound, codeUnknownMember, "Unknown Member")
	}
	return reply{http.StatusOK, s.memberJSON(g, m, true)}
}

func (s *Server) getRoles(c *call) reply {
	g := s.guilds[c.r.PathValue("guild")]
	if g == nil {
		return apiError(http.StatusNotFound, codeUnknownGuild, "Unknown Guild")
	}
	roles := make([]any, len(g.roles))
	for i, r := range g.roles {
		roles[i] = roleJSON(r)
	}
	return reply{http.StatusOK, roles}
}
