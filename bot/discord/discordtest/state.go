package discordtest

import (
	"encoding/json"
	"regexp"
	"slices"
	"strconv"
	"time"

	"github.com/bwmarrin/discordgo"
)

// User is a Discord user as the fake knows it.
type User struct {
	ID         string
	Username   string
	GlobalName string
	Bot        bool
}

// Channel describes a channel to add with AddChannel.
type Channel struct {
	// ID is assigned by AddChannel when empty.
	ID string
	// GuildID defaults to the Server's guild, except for DM channels,
	// which have none.
	GuildID string
	Name    string
	// Type defaults to a guild text channel.
	Type discordgo.ChannelType
	// ParentID is the channel a thread belongs to (or a channel's category).
	ParentID string
}

// guild is the fake's state of one guild.
type guild struct {
	id, name, ownerID string
	roles             []role
	members           map[string]*member
}

type role struct {
	id, name    string
	permissions int64
	position    int
	managed     bool
}

type member struct {
	userID   string
	roles    []string
	joinedAt time.Time
}

// channel is the fake's state of a channel or thread.
type channel struct {
	id, guildID, name, parentID, ownerID string
	typ                                  discordgo.ChannelType
	rateLimit                            int
	archived, locked, invitable          bool
	archiveDuration                      int
	archivedAt                           time.Time
	messageCount                         int
	lastMessageID                        string
}

func (c *channel) isThread() bool {
	return c.typ == discordgo.ChannelTypeGuildPublicThread ||
		c.typ == discordgo.ChannelTypeGuildPrivateThread ||
		c.typ == discordgo.ChannelTypeGuildNewsThread
}

// message is the fake's state of one message.
type message struct {
	id, channelID, guildID string
	authorID, webhookID    string
	typ                    int
	content                string
	embeds, components     json.RawMessage
	flags                  int
	created                time.Time
	edited                 *time.Time
	replyTo                string
	threadID               string
	mentions               []string // user IDs
	mentionRoles           []string
	mentionEveryone        bool
	interactionID          string
}

// Message flags the fake acts on.
const (
	flagEphemeral = 1 << 6
	flagLoading   = 1 << 7
)

// everyonePermissions are what a new guild's @everyone role allows.
const everyonePermissions = discordgo.PermissionCreateInstantInvite | discordgo.PermissionAddReactions |
	discordgo.PermissionVoiceStreamVideo | discordgo.PermissionViewChannel | discordgo.PermissionSendMessages |
	discordgo.PermissionEmbedLinks | discordgo.PermissionAttachFiles | discordgo.PermissionReadMessageHistory |
	discordgo.PermissionUseExternalEmojis | discordgo.PermissionVoiceConnect | discordgo.PermissionVoiceSpeak |
	discordgo.PermissionVoiceUseVAD | discordgo.PermissionChangeNickname | discordgo.PermissionUseApplicationCommands |
	discordgo.PermissionCreatePublicThreads | discordgo.PermissionCreatePrivateThreads |
	discordgo.PermissionUseExternalStickers | discordgo.PermissionSendMessagesInThreads

// botPermissions are what the bot's managed role allows, as granted by an
// invite asking for what a citing bot needs.
const botPermissions = discordgo.PermissionViewChannel | discordgo.PermissionSendMessages |
	discordgo.PermissionSendMessagesInThreads | discordgo.PermissionCreatePublicThreads |
	discordgo.PermissionManageThreads | discordgo.PermissionEmbedLinks | discordgo.PermissionReadMessageHistory

// AddGuild adds a guild the bot is in, owned by another user, with an
// @everyone role and the bot as a member holding a managed role; it returns
// the guild's ID. A guild added
// while a session is connected arrives as GUILD_CREATE, as when a bot is
// invited.
func (s *Server) AddGuild(name string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	owner := User{ID: s.newID(), Username: "owner"}
	s.users[owner.ID] = owner
	g := &guild{id: s.newID(), name: name, ownerID: owner.ID, members: map[string]*member{}}
	botRole := role{id: s.newID(), name: s.Bot.Username, permissions: botPermissions, position: 1, managed: true}
	g.roles = []role{{id: g.id, name: "@everyone", permissions: everyonePermissions}, botRole}
	g.members[s.Bot.ID] = &member{userID: s.Bot.ID, roles: []string{botRole.id}, joinedAt: time.Now()}
	s.guilds[g.id] = g
	s.guildOrder = append(s.guildOrder, g.id)
	if s.current != nil && s.current.intents&discordgo.IntentsGuilds != 0 {
		s.sendLocked(s.current, "GUILD_CREATE", s.guildJSON(g))
	}
	return g.id
}

// AddChannel adds a channel (or a thread, with Type a thread type and
// ParentID set) and returns it with its ID. The guild must exist.
func (s *Server) AddChannel(c Channel) Channel {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c.ID == "" {
		c.ID = s.newID()
	}
	dm := c.Type == discordgo.ChannelTypeDM || c.Type == discordgo.ChannelTypeGroupDM
	if c.Name == "" && !dm {
		c.Name = "channel-" + c.ID
	}
	if c.GuildID == "" && !dm {
		c.GuildID = s.GuildID
	}
	if !dm {
		if _, ok := s.guilds[c.GuildID]; !ok {
			s.t.Errorf("discordtest: AddChannel: unknown guild %q", c.GuildID)
		}
	}
	ch := &channel{id: c.ID, guildID: c.GuildID, name: c.Name, parentID: c.ParentID, typ: c.Type,
		archiveDuration: 1440, archivedAt: time.Now(), ownerID: s.User.ID}
	if ch.isThread() && s.channels[c.ParentID] == nil {
		s.t.Errorf("discordtest: AddChannel: thread %q without a known parent %q", c.ID, c.ParentID)
	}
	s.channels[c.ID] = ch
	return c
}

// AddRole adds a role to a guild and returns its ID.
func (s *Server) AddRole(guildID, name string, permissions int64) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	g, ok := s.guilds[guildID]
	if !ok {
		s.t.Errorf("discordtest: AddRole: unknown guild %q", guildID)
		return ""
	}
	r := role{id: s.newID(), name: name, permissions: permissions, position: len(g.roles)}
	g.roles = append(g.roles, r)
	return r.id
}

// AddMember makes u a member of the guild with the given roles (besides
// @everyone), replacing any roles it had. Interactions by u then carry the
// permissions those roles grant.
func (s *Server) AddMember(guildID string, u User, roleIDs ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	g, ok := s.guilds[guildID]
	if !ok {
		s.t.Errorf("discordtest: AddMember: unknown guild %q", guildID)
		return
	}
	s.users[u.ID] = u
	m := &member{userID: u.ID, roles: slices.Clone(roleIDs), joinedAt: time.Now()}
	if old, ok := g.members[u.ID]; ok {
		m.joinedAt = old.joinedAt
	}
	if m.roles == nil {
		m.roles = []string{}
	}
	g.members[u.ID] = m
}

// permissions computes a member's guild permissions as Discord does
// without channel overwrites: @everyone's plus its roles', everything for
// the owner or an administrator.
func (g *guild) permissions(userID string) int64 {
	if userID == g.ownerID {
		return discordgo.PermissionAll
	}
	var p int64
	m := g.members[userID]
	for _, r := range g.roles {
		if r.id == g.id || (m != nil && slices.Contains(m.roles, r.id)) {
			p |= r.permissions
		}
	}
	if p&discordgo.PermissionAdministrator != 0 {
		return discordgo.PermissionAll
	}
	return p
}

// ensureMemberLocked makes u a member without roles if it is not one, so
// that an interaction or message by a new user leaves a consistent guild.
func (s *Server) ensureMemberLocked(g *guild, u User) {
	if _, ok := s.users[u.ID]; !ok {
		s.users[u.ID] = u
	}
	if _, ok := g.members[u.ID]; !ok {
		g.members[u.ID] = &member{userID: u.ID, roles: []string{}, joinedAt: time.Now()}
	}
}

// Wire representations, as Discord sends them.

func userJSON(u User) map[string]any {
	m := map[string]any{
		"id": u.ID, "username": u.Username, "discriminator": "0", "global_name": nil,
		"avatar": nil, "public_flags": 0,
	}
	if u.GlobalName != "" {
		m["global_name"] = u.GlobalName
	}
	if u.Bot {
		m["bot"] = true
	}
	return m
}

func (s *Server) memberJSON(g *guild, m *member, withUser bool) map[string]any {
	j := map[string]any{
		"roles": m.roles, "joined_at": timestamp(m.joinedAt), "nick": nil, "avatar": nil,
		"premium_since": nil, "deaf": false, "mute": false, "flags": 0, "pending": false,
		"communication_disabled_until": nil,
	}
	if withUser {
		j["user"] = userJSON(s.users[m.userID])
	}
	return j
}

func roleJSON(r role) map[string]any {
	return map[string]any{
		"id": r.id, "name": r.name, "color": 0, "hoist": false, "icon": nil, "unicode_emoji": nil,
		"position": r.position, "permissions": strconv.FormatInt(r.permissions, 10), "managed": r.managed,
		"mentionable": false, "flags": 0,
	}
}

func (s *Server) channelJSON(c *channel) map[string]any {
	j := map[string]any{"id": c.id, "type": c.typ, "flags": 0, "last_message_id": nil}
	if c.lastMessageID != "" {
		j["last_message_id"] = c.lastMessageID
	}
	if c.typ == discordgo.ChannelTypeDM || c.typ == discordgo.ChannelTypeGroupDM {
		j["recipients"] = []any{}
		return j
	}
	j["guild_id"] = c.guildID
	j["name"] = c.name
	j["parent_id"] = nil
	if c.parentID != "" {
		j["parent_id"] = c.parentID
	}
	j["rate_limit_per_user"] = c.rateLimit
	if c.isThread() {
		j["owner_id"] = c.ownerID
		j["message_count"] = c.messageCount
		j["total_message_sent"] = c.messageCount
		j["member_count"] = 1
		j["thread_metadata"] = map[string]any{
			"archived": c.archived, "auto_archive_duration": c.archiveDuration,
			"archive_timestamp": timestamp(c.archivedAt), "locked": c.locked, "invitable": c.invitable,
			"create_timestamp": timestamp(c.archivedAt),
		}
		return j
	}
	j["position"] = 0
	j["nsfw"] = false
	j["topic"] = nil
	j["permission_overwrites"] = []any{}
	return j
}

func (s *Server) guildJSON(g *guild) map[string]any {
	roles := make([]any, len(g.roles))
	for i, r := range g.roles {
		roles[i] = roleJSON(r)
	}
	var chans, threads []any
	for _, c := range s.channels {
		if c.guildID != g.id {
			continue
		}
		if c.isThread() {
			if !c.archived {
				threads = append(threads, s.channelJSON(c))
			}
		} else {
			chans = append(chans, s.channelJSON(c))
		}
	}
	return map[string]any{
		"id": g.id, "name": g.name, "icon": nil, "owner_id": g.ownerID, "roles": roles,
		"emojis": []any{}, "stickers": []any{}, "features": []any{}, "member_count": len(g.members),
		"members":  []any{s.memberJSON(g, g.members[s.Bot.ID], true)},
		"channels": nonNil(chans), "threads": nonNil(threads), "presences": []any{}, "voice_states": []any{},
		"stage_instances": []any{}, "guild_scheduled_events": []any{}, "joined_at": timestamp(g.members[s.Bot.ID].joinedAt),
		"large": false, "unavailable": false, "preferred_locale": "en-US", "verification_level": 0,
		"default_message_notifications": 0, "explicit_content_filter": 0, "mfa_level": 0, "nsfw_level": 0,
		"premium_tier": 0, "system_channel_flags": 0,
	}
}

func nonNil(v []any) []any {
	if v == nil {
		return []any{}
	}
	return v
}

// messageJSON renders m as Discord does over REST; the gateway adds
// guild_id and member (see dispatchMessageLocked).
func (s *Server) messageJSON(m *message, withReferenced bool) map[string]any {
	mentions := []any{}
	for _, id := range m.mentions {
		mentions = append(mentions, userJSON(s.users[id]))
	}
	j := map[string]any{
		"id": m.id, "type": m.typ, "channel_id": m.channelID, "author": userJSON(s.users[m.authorID]),
		"content": m.content, "timestamp": timestamp(m.created), "edited_timestamp": nil, "tts": false,
		"mention_everyone": m.mentionEveryone, "mentions": mentions, "mention_roles": nonNilStrings(m.mentionRoles),
		"attachments": []any{}, "embeds": rawOrEmpty(m.embeds), "components": rawOrEmpty(m.components),
		"pinned": false, "flags": m.flags,
	}
	if m.edited != nil {
		j["edited_timestamp"] = timestamp(*m.edited)
	}
	if m.webhookID != "" {
		j["webhook_id"] = m.webhookID
		j["application_id"] = s.AppID
	}
	if m.replyTo != "" {
		j["message_reference"] = map[string]any{"type": 0, "message_id": m.replyTo, "channel_id": m.channelID, "guild_id": m.guildID}
		if withReferenced {
			j["referenced_message"] = nil
			if ref, ok := s.messages[m.replyTo]; ok {
				j["referenced_message"] = s.messageJSON(ref, false)
			}
		}
	}
	if m.threadID != "" {
		if th, ok := s.channels[m.threadID]; ok {
			j["thread"] = s.channelJSON(th)
		}
	}
	if m.interactionID != "" {
		if ic, ok := s.interactions[m.interactionID]; ok {
			j["interaction_metadata"] = map[string]any{
				"id": ic.id, "type": ic.typ, "user": userJSON(s.users[ic.userID]),
				"authorizing_integration_owners": map[string]any{},
			}
		}
	}
	return j
}

func rawOrEmpty(r json.RawMessage) json.RawMessage {
	if len(r) == 0 || string(r) == "null" {
		return json.RawMessage("[]")
	}
	return r
}

func nonNilStrings(v []string) []string {
	if v == nil {
		return []string{}
	}
	return v
}

// Mentions in message content, as the Discord client writes them.
var (
	userMention = regexp.MustCompile(`<@!?(\d+)>`)
	roleMention = regexp.MustCompile(`<@&(\d+)>`)
)

// resolveMentionsLocked fills m's mentions from its content as Discord
// does, keeping only those allowed (nil allowed means Discord's default:
// everything). Permissions to mention roles or everyone are deliberately
// ignored: a test should fail if some guild could be pinged.
func (s *Server) resolveMentionsLocked(m *message, allowed *allowedMentions) {
	m.mentions, m.mentionRoles, m.mentionEveryone = nil, nil, false
	parse := func(kind string) bool { return allowed == nil || slices.Contains(allowed.Parse, kind) }
	for _, sm := range userMention.FindAllStringSubmatch(m.content, -1) {
		id := sm[1]
		if _, known := s.users[id]; !known || slices.Contains(m.mentions, id) {
			continue
		}
		if parse("users") || (allowed != nil && slices.Contains(allowed.Users, id)) {
			m.mentions = append(m.mentions, id)
		}
	}
	for _, sm := range roleMention.FindAllStringSubmatch(m.content, -1) {
		id := sm[1]
		if slices.Contains(m.mentionRoles, id) {
			continue
		}
		if parse("roles") || (allowed != nil && slices.Contains(allowed.Roles, id)) {
			m.mentionRoles = append(m.mentionRoles, id)
		}
	}
	if everyoneMention.MatchString(m.content) && parse("everyone") {
		m.mentionEveryone = true
	}
	if m.replyTo != "" && (allowed == nil || allowed.RepliedUser) {
		if ref, ok := s.messages[m.replyTo]; ok && !slices.Contains(m.mentions, ref.authorID) && ref.authorID != m.authorID {
			m.mentions = append(m.mentions, ref.authorID)
		}
	}
}

var everyoneMention = regexp.MustCompile(`@(everyone|here)`)

// pings lists what m notifies, for Request.Pings.
func (m *message) pings(content string) []string {
	var p []string
	if m.mentionEveryone {
		p = append(p, everyoneMention.FindAllString(content, -1)...)
	}
	for _, id := range m.mentions {
		p = append(p, "<@"+id+">")
	}
	for _, id := range m.mentionRoles {
		p = append(p, "<@&"+id+">")
	}
	return p
}

// allowedMentions is Discord's allowed_mentions object.
type allowedMentions struct {
	Parse       []string `json:"parse"`
	Users       []string `json:"users"`
	Roles       []string `json:"roles"`
	RepliedUser bool     `json:"replied_user"`
}
