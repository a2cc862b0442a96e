package discord

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/ibidbot/ibid/bot"
	"github.com/ibidbot/ibid/bot/study"
)

// Study sessions on Discord. The study service decides everything (who may
// do what, the queue, limits, idempotent decisions, quizzes, transcripts);
// this file maps /study subcommands, the queue's and quizzes' buttons, the
// reject-reason modal and plain messages in a session's thread to its
// calls, and its replies to Discord: public text is posted in the session's
// channel as the bot's messages; private text goes to the member who acted,
// as ephemeral messages; notices to other members (a rejected asker) go as
// an ephemeral follow-up on that member's latest interaction in the
// session, or else as a direct message.
//
// Every study interaction is acknowledged privately at once (a deferred
// ephemeral response for commands, a deferred update for buttons), so
// refusals are never public, and runs in the adapter's worker pool, since
// drafting an answer searches the corpus and the store is a database.

// studyREST is what study sessions need of Discord beyond REST: threads,
// their removal, direct messages and guild roles. The adapter asserts it at
// run time, so that REST (and the fakes implementing it) stays as the rest
// of the adapter needs it; discordgo's Session and Bounded have it all.
type studyREST interface {
	ThreadStartComplex(channelID string, t *discordgo.ThreadStart, options ...discordgo.RequestOption) (*discordgo.Channel, error)
	ChannelDelete(channelID string, options ...discordgo.RequestOption) (*discordgo.Channel, error)
	UserChannelCreate(recipientID string, options ...discordgo.RequestOption) (*discordgo.Channel, error)
	GuildRoles(guildID string, options ...discordgo.RequestOption) ([]*discordgo.Role, error)
}

var (
	_ studyREST = (*discordgo.Session)(nil)
	_ studyREST = Bounded{}
)

func (b Bounded) ThreadStartComplex(ch string, t *discordgo.ThreadStart, o ...discordgo.RequestOption) (*discordgo.Channel, error) {
	return retry(ctxOf(o), func() (*discordgo.Channel, error) { return b.S.ThreadStartComplex(ch, t, noRetry(o)...) })
}

func (b Bounded) ChannelDelete(ch string, o ...discordgo.RequestOption) (*discordgo.Channel, error) {
	return retry(ctxOf(o), func() (*discordgo.Channel, error) { return b.S.ChannelDelete(ch, noRetry(o)...) })
}

func (b Bounded) UserChannelCreate(user string, o ...discordgo.RequestOption) (*discordgo.Channel, error) {
	return retry(ctxOf(o), func() (*discordgo.Channel, error) { return b.S.UserChannelCreate(user, noRetry(o)...) })
}

func (b Bounded) GuildRoles(guild string, o ...discordgo.RequestOption) ([]*discordgo.Role, error) {
	return retry(ctxOf(o), func() ([]*discordgo.Role, error) { return b.S.GuildRoles(guild, noRetry(o)...) })
}

const (
	// tokenLife is how long an interaction's token still sends follow-ups:
	// Discord allows 15 minutes; the margin covers a slow send.
	tokenLife = 14 * time.Minute
	// sessionTTL bounds how long a channel is believed to hold a session or
	// not: the console and other processes open and end sessions in the
	// same database.
	sessionTTL = 30 * time.Second
	// rolesTTL bounds how long a guild's role names are trusted when the
	// moderator role is configured by name; a renamed role takes effect
	// within it.
	rolesTTL = 5 * time.Minute
	// modalCheckTimeout bounds the moderator check made before showing the
	// reject modal, which must be the interaction's first response (within
	// Discord's 3 seconds), so it cannot be deferred.
	modalCheckTimeout = 1500 * time.Millisecond
	// maxQueueShown caps the queue items sent at once: each is a follow-up,
	// and follow-ups share one webhook rate limit.
	maxQueueShown = 10
	// maxButtonLabel is Discord's limit on a button's label.
	maxButtonLabel = 80
	// maxReason bounds a rejection's reason, which goes to the asker.
	maxReason = 500
	// transcriptName is the attached transcript's file name.
	transcriptName = "study-transcript.md"
)

// studyState is what the adapter remembers about study sessions; it is
// all cache, rebuilt from Discord and the store after a restart.
type studyState struct {
	// recent holds each member's latest study interaction per channel, by
	// channel + "/" + user ID, for telling them something privately later.
	recent *lru[recentInteraction]
	// sessions caches whether a channel holds an open session, so that not
	// every message seen costs a database query.
	sessions *lru[seenSession]
	// roles caches guilds' role names, by guild ID.
	roles *lru[guildRoles]
}

type recentInteraction struct {
	i  *discordgo.Interaction
	at time.Time
}

type seenSession struct {
	open bool
	at   time.Time
}

type guildRoles struct {
	names map[string]string // role ID → name
	at    time.Time
}

func newStudyState() *studyState {
	return &studyState{recent: newLRU[recentInteraction](8192), sessions: newLRU[seenSession](4096), roles: newLRU[guildRoles](1024)}
}

// studyCall is one study interaction being answered.
type studyCall struct {
	i        *discordgo.Interaction
	received time.Time
	// channel is the session's channel: the interaction's, or the thread
	// /study start opened.
	channel string
	// update is set for buttons and modals from a message: they were
	// acknowledged with a deferred update of that message, so private text
	// goes in ephemeral follow-ups; commands edit their deferred response.
	update bool
	// edited records that a command's deferred response has been replaced.
	edited bool
	// clearButtons removes the buttons of the clicked message once the
	// action succeeded (a decided question, a revealed quiz).
	clearButtons bool
}

// studyCommand defines /study. Moderator-only subcommands are visible to
// all: Discord cannot hide subcommands per member, and the service checks
// the moderator on every call anyway.
func studyCommand() *discordgo.ApplicationCommand {
	minLen, zero, one := 1, 0.0, 1.0
	guildOnly := []discordgo.InteractionContextType{discordgo.InteractionContextGuild}
	str := func(name, desc string, required bool, maxLen int) *discordgo.ApplicationCommandOption {
		return &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionString, Name: name, Description: desc,
			Required: required, MinLength: &minLen, MaxLength: maxLen}
	}
	number := func(name, desc string) *discordgo.ApplicationCommandOption {
		return &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionInteger, Name: name, Description: desc, Required: true, MinValue: &one}
	}
	sub := func(name, desc string, opts ...*discordgo.ApplicationCommandOption) *discordgo.ApplicationCommandOption {
		return &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionSubCommand, Name: name, Description: desc, Options: opts}
	}
	source := str("source", "Limit the session to one document (its ID, see /sources)", false, 100)
	source.Autocomplete = true
	chapter := str("chapter", "Limit the session to one chapter of that document", false, 100)
	chapter.Autocomplete = true
	var choices []*discordgo.ApplicationCommandOptionChoice
	for _, c := range "ABCD" {
		choices = append(choices, &discordgo.ApplicationCommandOptionChoice{Name: string(c), Value: string(c)})
	}
	return &discordgo.ApplicationCommand{
		Name: "study", Description: "Moderated study sessions: questions answered from the sources, quizzes, a transcript",
		Contexts: &guildOnly,
		Options: []*discordgo.ApplicationCommandOption{
			sub("start", "Open a session in a new thread (moderators)",
				str("topic", "What the session is about", true, 90), source, chapter,
				&discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionInteger, Name: "questions_per_member",
					Description: fmt.Sprintf("Questions each member may ask (default %d; 0 for no limit)", study.DefaultPerMember), MinValue: &zero, MaxValue: 100}),
			sub("ask", "Queue a question; a moderator approves its drafted, cited answer",
				str("question", "Your question", true, 1000)),
			sub("queue", "The waiting questions with their drafts (moderators)"),
			sub("approve", "Post a question with its answer (moderators)", number("number", "The question's number")),
			sub("reject", "Decline a question; the asker is told privately (moderators)",
				number("number", "The question's number"), str("reason", "Why (shown to the asker)", false, maxReason)),
			sub("skip", "Move a question to the back of the queue (moderators)", number("number", "The question's number")),
			sub("quiz", "Fill-the-blank rounds from the session's sources (moderators)",
				&discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionInteger, Name: "rounds",
					Description: "How many rounds (default 3)", MinValue: &one, MaxValue: study.MaxRounds}),
			sub("answer", "Answer a quiz round (or use its buttons)",
				number("round", "The round's number"),
				&discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionString, Name: "choice", Description: "Your choice", Required: true, Choices: choices}),
			sub("reveal", "Reveal the open quiz rounds with their sources and the scoreboard (moderators)"),
			sub("status", "Where the session stands"),
			sub("export", "The transcript so far, as a Markdown file"),
			sub("end", "Close the session: summary and transcript (moderators)"),
		},
	}
}

// studyHelp is /help's line on study sessions, when they are enabled.
func (a *Adapter) studyHelp() string {
	if a.opts.Study == nil {
		return ""
	}
	return "\n• `/study start topic` — a moderated study session in its own thread: members `ask` (or just write in the thread), " +
		"moderators `queue`, approve or reject, run a `quiz`, and `end` with a transcript."
}

// subOptions reads a subcommand's options by name.
func subOptions(sub *discordgo.ApplicationCommandInteractionDataOption) map[string]*discordgo.ApplicationCommandInteractionDataOption {
	return options(discordgo.ApplicationCommandInteractionData{Options: sub.Options})
}

func optInt(m map[string]*discordgo.ApplicationCommandInteractionDataOption, name string) (int, bool) {
	if o, ok := m[name]; ok && o.Type == discordgo.ApplicationCommandOptionInteger {
		return int(o.IntValue()), true
	}
	return 0, false
}

// studyInteraction answers /study: privately at once, then in a worker.
func (a *Adapter) studyInteraction(i *discordgo.Interaction) {
	d := i.ApplicationCommandData()
	if a.opts.Study == nil {
		a.tellPrivately(i, "Study sessions are not enabled on this bot.")
		return
	}
	if i.GuildID == "" || i.Member == nil {
		a.tellPrivately(i, "Study sessions run in a server's channels, not in direct messages.")
		return
	}
	if len(d.Options) == 0 || d.Options[0].Type != discordgo.ApplicationCommandOptionSubCommand {
		a.tellPrivately(i, "Use a subcommand, e.g. /study start or /study ask.")
		return
	}
	sub := d.Options[0]
	opts := subOptions(sub)
	if sub.Name == "ask" { // drafting searches the corpus: rate-limited like /ask
		if wait, ok := a.limits.allow(user(i).ID, i.GuildID, time.Now()); !ok {
			a.tellPrivately(i, fmt.Sprintf("You are asking faster than I answer; try again in %d s.", int(wait.Seconds()+0.999)))
			return
		}
	}
	c := &studyCall{i: i, received: time.Now(), channel: i.ChannelID}
	if err := a.respond(i, discordgo.InteractionResponseDeferredChannelMessageWithSource, &discordgo.InteractionResponseData{Flags: discordgo.MessageFlagsEphemeral}); err != nil {
		a.log.Warn("could not defer a study command", "subcommand", sub.Name, "err", err)
		return
	}
	s := a.opts.Study
	a.studyJob(c, "study "+sub.Name, func(ctx context.Context, who study.Actor) (study.Reply, error) {
		number, _ := optInt(opts, "number")
		switch sub.Name {
		case "start":
			return a.studyStart(ctx, c, who, opts)
		case "ask":
			return s.Ask(ctx, c.channel, who, optString(opts, "question"))
		case "queue":
			return s.Queue(ctx, c.channel, who)
		case "approve":
			return s.Approve(ctx, c.channel, who, number)
		case "reject":
			return s.Reject(ctx, c.channel, who, number, optString(opts, "reason"))
		case "skip":
			return s.Skip(ctx, c.channel, who, number)
		case "quiz":
			rounds, _ := optInt(opts, "rounds")
			return s.Quiz(ctx, c.channel, who, rounds)
		case "answer":
			round, _ := optInt(opts, "round")
			return s.Answer(ctx, c.channel, who, round, optString(opts, "choice"))
		case "reveal":
			return s.Reveal(ctx, c.channel, who)
		case "status":
			return s.Status(ctx, c.channel, who)
		case "export":
			return s.Export(ctx, c.channel, who)
		case "end":
			r, err := s.End(ctx, c.channel, who)
			if err == nil {
				a.study.sessions.put(c.channel, seenSession{open: false, at: time.Now()})
			}
			return r, err
		}
		return study.Reply{}, fmt.Errorf("unknown study subcommand %q", sub.Name)
	})
}

// studyStart opens a session in a new public thread of the channel, or in
// the channel itself when it is a thread already (Discord has no threads in
// threads). The scope is checked before the thread is made, so that a typo
// leaves no empty thread behind.
func (a *Adapter) studyStart(ctx context.Context, c *studyCall, who study.Actor, opts map[string]*discordgo.ApplicationCommandInteractionDataOption) (study.Reply, error) {
	if !who.Moderator {
		return study.Reply{}, study.ErrNotModerator
	}
	o := study.StartOptions{Topic: strings.TrimSpace(optString(opts, "topic")),
		Scope: bot.Scope{Doc: strings.TrimSpace(optString(opts, "source")), Division: strings.TrimSpace(optString(opts, "chapter"))}}
	if o.Topic == "" {
		return study.Reply{}, errNoTopic
	}
	if n, ok := optInt(opts, "questions_per_member"); ok {
		o.PerMember = n
		if n == 0 {
			o.PerMember = -1 // no limit: the service's 0 means its default
		}
	}
	if err := a.checkScope(o.Scope); err != nil {
		return study.Reply{}, err
	}
	channel, created, err := a.sessionThread(c.i.ChannelID, o.Topic)
	if err != nil {
		return study.Reply{}, err
	}
	r, err := a.opts.Study.Start(ctx, channel, who, o)
	if err != nil {
		if created {
			a.deleteThread(channel)
		}
		return r, err
	}
	c.channel = channel
	a.study.sessions.put(channel, seenSession{open: true, at: time.Now()})
	return r, nil
}

var errNoTopic = errors.New("a session needs a topic")

// checkScope reports a source or chapter the corpus does not have, with the
// service's error.
func (a *Adapter) checkScope(sc bot.Scope) error {
	if sc.Doc == "" {
		if sc.Division != "" {
			return fmt.Errorf("%w: a chapter needs a source", study.ErrBadScope)
		}
		return nil
	}
	d, ok := a.core.Corpus().Doc(sc.Doc)
	if !ok {
		return fmt.Errorf("%w: %q (see /sources)", study.ErrBadScope, sc.Doc)
	}
	if sc.Division == "" {
		return nil
	}
	for _, div := range d.Divisions {
		if div.Key == sc.Division {
			return nil
		}
	}
	return fmt.Errorf("%w: %s has no chapter %q", study.ErrBadScope, sc.Doc, sc.Division)
}

// sessionThread opens the session's public thread in channel; created is
// false when channel is itself a thread and the session runs there.
func (a *Adapter) sessionThread(channel, topic string) (string, bool, error) {
	sr, ok := a.rest.(studyREST)
	if !ok {
		return channel, false, nil
	}
	ctx, cancel := a.restCtx()
	defer cancel()
	th, err := sr.ThreadStartComplex(channel, &discordgo.ThreadStart{
		Name: bot.Truncate("Study: "+topic, 100), AutoArchiveDuration: 1440, Type: discordgo.ChannelTypeGuildPublicThread,
	}, discordgo.WithContext(ctx))
	var rest *discordgo.RESTError
	if errors.As(err, &rest) && rest.Message != nil && rest.Message.Code == discordgo.ErrCodeCannotExecuteActionOnThisChannelType {
		return channel, false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("open the session's thread: %w", err)
	}
	return th.ID, true, nil
}

// deleteThread removes a thread whose session could not be started.
func (a *Adapter) deleteThread(id string) {
	ctx, cancel := a.restCtx()
	defer cancel()
	if _, err := a.rest.(studyREST).ChannelDelete(id, discordgo.WithContext(ctx)); err != nil {
		a.log.Warn("could not delete the thread of a session that failed to start", "thread", id, "err", err)
	}
}

// studyComponent answers a click on a study button: the queue's Approve,
// Reject and Skip, a quiz round's choices, and a quiz's Reveal.
func (a *Adapter) studyComponent(i *discordgo.Interaction) {
	id := i.MessageComponentData().CustomID
	if a.opts.Study == nil || i.GuildID == "" || i.Member == nil {
		a.tellPrivately(i, "Study sessions are not enabled here.")
		return
	}
	c := &studyCall{i: i, received: time.Now(), channel: i.ChannelID, update: true}
	parts := strings.Split(id, ":")
	switch {
	case len(parts) == 3 && parts[1] == "reject":
		a.showRejectModal(i, parts[2])
		return
	case len(parts) == 3 && (parts[1] == "approve" || parts[1] == "skip"), id == revealID:
		c.clearButtons = true
	}
	if err := a.respond(i, discordgo.InteractionResponseDeferredMessageUpdate, nil); err != nil {
		a.log.Warn("could not acknowledge a study button", "button", id, "err", err)
		return
	}
	s := a.opts.Study
	a.studyJob(c, "button "+parts[min(1, len(parts)-1)], func(ctx context.Context, who study.Actor) (study.Reply, error) {
		if id == revealID {
			return s.Reveal(ctx, c.channel, who)
		}
		return s.Press(ctx, c.channel, who, id)
	})
}

// revealID is the Reveal button under a quiz.
const revealID = "study:reveal"

// showRejectModal asks a moderator for the reason of a rejection. The
// modal must be the first response, so the moderator is checked here,
// within a short deadline, rather than after a deferral; the service
// checks again when the modal is submitted.
func (a *Adapter) showRejectModal(i *discordgo.Interaction, number string) {
	if _, err := strconv.Atoi(number); err != nil {
		a.tellPrivately(i, "This button is not a study question's.")
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), modalCheckTimeout)
	moderator := a.isModerator(ctx, i.GuildID, i.Member)
	cancel()
	if !moderator {
		a.tellPrivately(i, studyErrorText(study.ErrNotModerator))
		return
	}
	ctx, cancel = a.restCtx()
	defer cancel()
	// Not through respond: a modal carries no message, so no allowed_mentions.
	if err := a.rest.InteractionRespond(i, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseModal, Data: &discordgo.InteractionResponseData{
		CustomID: "study:reject:" + number, Title: bot.Truncate("Reject question #"+number, 45),
		Components: []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{discordgo.TextInput{
			CustomID: "reason", Label: "Reason, shown to the asker (optional)", Style: discordgo.TextInputParagraph, MaxLength: maxReason,
		}}}},
	}}, discordgo.WithContext(ctx)); err != nil {
		a.log.Warn("could not show the reject modal", "err", err)
	}
}

// studyModal takes the reject modal's submission.
func (a *Adapter) studyModal(i *discordgo.Interaction) {
	d := i.ModalSubmitData()
	parts := strings.Split(d.CustomID, ":")
	n, err := strconv.Atoi(parts[len(parts)-1])
	if a.opts.Study == nil || i.GuildID == "" || i.Member == nil || len(parts) != 3 || parts[1] != "reject" || err != nil {
		a.tellPrivately(i, "This form is not a study session's.")
		return
	}
	var reason string
	for _, row := range d.Components {
		if r, ok := row.(*discordgo.ActionsRow); ok {
			for _, in := range r.Components {
				if ti, ok := in.(*discordgo.TextInput); ok && ti.CustomID == "reason" {
					reason = ti.Value
				}
			}
		}
	}
	c := &studyCall{i: i, received: time.Now(), channel: i.ChannelID, update: i.Message != nil, clearButtons: i.Message != nil}
	typ, data := discordgo.InteractionResponseDeferredMessageUpdate, (*discordgo.InteractionResponseData)(nil)
	if !c.update {
		typ, data = discordgo.InteractionResponseDeferredChannelMessageWithSource, &discordgo.InteractionResponseData{Flags: discordgo.MessageFlagsEphemeral}
	}
	if err := a.respond(i, typ, data); err != nil {
		a.log.Warn("could not acknowledge the reject form", "err", err)
		return
	}
	a.studyJob(c, "reject form", func(ctx context.Context, who study.Actor) (study.Reply, error) {
		return a.opts.Study.Reject(ctx, c.channel, who, n, bot.Truncate(reason, maxReason))
	})
}

// studyJob runs one study operation in a worker and sends its reply; a
// failure is told to the member privately.
func (a *Adapter) studyJob(c *studyCall, what string, op func(ctx context.Context, who study.Actor) (study.Reply, error)) {
	if err := a.submit(func() {
		ctx, cancel := context.WithTimeout(context.Background(), a.opts.AnswerTimeout)
		defer cancel()
		r, err := op(ctx, a.studyActor(ctx, c.i))
		if err != nil {
			if studyRefusal(err) {
				a.log.Debug("study action refused", "what", what, "err", err)
			} else {
				a.log.Warn("study action failed", "what", what, "err", err)
			}
			err = a.tellStudy(c, []message{{content: studyErrorText(err)}}, nil, nil)
		} else {
			err = a.sendStudyReply(c, r)
		}
		if err != nil {
			a.log.Warn("could not send a study reply", "what", what, "err", err)
		}
		a.study.recent.put(c.channel+"/"+user(c.i).ID, recentInteraction{i: c.i, at: c.received})
	}); err != nil {
		if err := a.tellStudy(c, []message{{content: userMessage(err)}}, nil, nil); err != nil {
			a.log.Warn("could not tell a member the bot is busy", "err", err)
		}
	}
}

// studyRefusals are the service's errors about what a member may not do;
// their text is meant for the member.
var studyRefusals = []error{
	study.ErrNotModerator, study.ErrOwnQuestion, study.ErrNoRounds, study.ErrBadScope,
	study.ErrNoSession, study.ErrSessionOpen, study.ErrLimit, study.ErrNotFound, study.ErrAnswered, study.ErrRoundClosed, errNoTopic,
}

func studyRefusal(err error) bool {
	for _, e := range studyRefusals {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}

// studyErrorText is what a member is told when a study action fails.
func studyErrorText(err error) string {
	if !studyRefusal(err) {
		return userMessage(err)
	}
	text := escape(capitalise(err.Error())) + "."
	if errors.Is(err, study.ErrNoSession) {
		text += " Study commands work in the session's thread."
	}
	return text
}

// studyActor is who did something, with the moderator flag the service
// checks: Manage Messages (or Administrator) in the channel, as Discord
// computed it for the interaction, or the configured moderator role.
func (a *Adapter) studyActor(ctx context.Context, i *discordgo.Interaction) study.Actor {
	u := user(i)
	name := u.DisplayName()
	if i.Member != nil && i.Member.Nick != "" {
		name = i.Member.Nick
	}
	if name == "" {
		name = u.ID
	}
	return study.Actor{ID: u.ID, Name: name, Moderator: a.isModerator(ctx, i.GuildID, i.Member)}
}

// isModerator reports whether a member moderates study sessions. The
// moderator role may be configured by ID or by name; names are resolved
// from the guild's roles, cached for rolesTTL. A failed lookup denies.
func (a *Adapter) isModerator(ctx context.Context, guildID string, m *discordgo.Member) bool {
	if m == nil {
		return false
	}
	if m.Permissions&(discordgo.PermissionManageMessages|discordgo.PermissionAdministrator) != 0 {
		return true
	}
	role := strings.TrimPrefix(strings.TrimSpace(a.opts.ModeratorRole), "@")
	if role == "" || len(m.Roles) == 0 {
		return false
	}
	for _, id := range m.Roles {
		if id == role {
			return true
		}
	}
	names, err := a.roleNames(ctx, guildID)
	if err != nil {
		a.log.Warn("could not read the guild's roles to check the moderator role", "guild", guildID, "err", err)
		return false
	}
	for _, id := range m.Roles {
		if strings.EqualFold(names[id], role) {
			return true
		}
	}
	return false
}

// roleNames returns a guild's role names by role ID.
func (a *Adapter) roleNames(ctx context.Context, guildID string) (map[string]string, error) {
	if g, ok := a.study.roles.get(guildID); ok && time.Since(g.at) < rolesTTL {
		return g.names, nil
	}
	sr, ok := a.rest.(studyREST)
	if !ok {
		return nil, errors.New("the REST client cannot list roles")
	}
	ctx, cancel := context.WithTimeout(ctx, a.opts.RESTTimeout)
	defer cancel()
	roles, err := sr.GuildRoles(guildID, discordgo.WithContext(ctx))
	if err != nil {
		return nil, err
	}
	names := make(map[string]string, len(roles))
	for _, r := range roles {
		names[r.ID] = r.Name
	}
	a.study.roles.put(guildID, guildRoles{names: names, at: time.Now()})
	return names, nil
}

// sendStudyReply sends what a study operation produced: public text and
// public items (a quiz's rounds) as the bot's messages in the session's
// channel, the transcript attached to the public text or else to the
// private one, private text and private items (the queue) to the member,
// notices to the members concerned. Each piece is sent once: the service
// returns public text only for an action that took effect, which is what
// makes a double click post once.
func (a *Adapter) sendStudyReply(c *studyCall, r study.Reply) error {
	var file *discordgo.File
	if r.Transcript != "" {
		file = transcriptFile(r.Transcript)
	}
	private := a.studyMessages(r.Private)
	if r.Public != "" {
		var comps []discordgo.MessageComponent
		if len(r.Items) > 0 { // only a quiz has public items
			comps = []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
				discordgo.Button{Label: "Reveal answers", Style: discordgo.SecondaryButton, CustomID: revealID},
			}}}
		}
		err := a.postStudy(c.channel, a.studyMessages(r.Public), comps, file)
		for _, it := range r.Items {
			if err == nil {
				err = a.postStudy(c.channel, a.studyMessages(it.Text), studyButtons(it.Actions), nil)
			}
		}
		if err != nil {
			// The action took effect (an approval is recorded as posted), so
			// the moderator must know the post did not reach the channel.
			if terr := a.tellStudy(c, []message{{content: "I could not post this in <#" + c.channel + "> (missing permissions?); it is in the transcript."}}, nil, nil); terr != nil {
				a.log.Warn("could not tell a member a post failed", "err", terr)
			}
			return fmt.Errorf("post in the session: %w", err)
		}
		file = nil
		if len(private) == 0 && !c.update {
			private = []message{{content: "Posted in <#" + c.channel + ">."}}
		}
	}
	var unreached []string
	for _, n := range r.Notices {
		if err := a.notify(c, n); err != nil {
			a.log.Warn("could not tell a member privately", "user", n.UserID, "err", err)
			unreached = append(unreached, "<@"+n.UserID+">")
		}
	}
	if len(unreached) > 0 {
		private = appendLine(private, fmt.Sprintf("Correction: I could not reach %s privately (direct messages closed?); please tell them yourself.", strings.Join(unreached, ", ")))
	}
	items := r.Items
	if r.Public == "" && len(items) > maxQueueShown {
		private = appendLine(private, fmt.Sprintf("Showing the first %d; decide these to see the rest.", maxQueueShown))
		items = items[:maxQueueShown]
	}
	if c.clearButtons {
		a.clearButtons(c)
	}
	if len(private) == 0 && file != nil {
		private = []message{{content: "The transcript is attached."}}
	}
	if len(private) > 0 {
		if err := a.tellStudy(c, private, nil, file); err != nil {
			return err
		}
	}
	if r.Public == "" {
		for _, it := range items {
			if err := a.tellStudy(c, a.studyMessages(it.Text), studyButtons(it.Actions), nil); err != nil {
				return err
			}
		}
	}
	if !c.update && !c.edited { // never leave a command "thinking"
		return a.tellStudy(c, []message{{content: "Done."}}, nil, nil)
	}
	return nil
}

// postStudy posts messages in a session's channel; the components and the
// file go on the last.
func (a *Adapter) postStudy(channel string, msgs []message, comps []discordgo.MessageComponent, file *discordgo.File) error {
	for n, m := range msgs {
		send := &discordgo.MessageSend{Content: m.content, Embeds: m.embeds, AllowedMentions: noMentions()}
		if n == len(msgs)-1 {
			send.Components = comps
			if file != nil {
				send.Files = []*discordgo.File{file}
			}
		}
		ctx, cancel := a.restCtx()
		_, err := a.rest.ChannelMessageSendComplex(channel, send, discordgo.WithContext(ctx))
		cancel()
		if err != nil {
			return err
		}
	}
	return nil
}

// tellStudy shows messages to the member who acted: a command's deferred
// response is replaced by the first, everything else is an ephemeral
// follow-up. The components and the file go on the last message.
func (a *Adapter) tellStudy(c *studyCall, msgs []message, comps []discordgo.MessageComponent, file *discordgo.File) error {
	for n, m := range msgs {
		var last []discordgo.MessageComponent
		var files []*discordgo.File
		if n == len(msgs)-1 {
			last = comps
			if file != nil {
				files = []*discordgo.File{file}
			}
		}
		ctx, cancel := a.restCtx()
		var err error
		if !c.update && !c.edited {
			embeds, content := m.embeds, m.content
			if embeds == nil {
				embeds = []*discordgo.MessageEmbed{}
			}
			if last == nil {
				last = []discordgo.MessageComponent{}
			}
			_, err = a.rest.InteractionResponseEdit(c.i, &discordgo.WebhookEdit{
				Content: &content, Embeds: &embeds, Components: &last, Files: files, AllowedMentions: noMentions(),
			}, discordgo.WithContext(ctx))
			c.edited = err == nil
		} else {
			_, err = a.rest.FollowupMessageCreate(c.i, true, &discordgo.WebhookParams{
				Content: m.content, Embeds: m.embeds, Components: last, Files: files,
				Flags: discordgo.MessageFlagsEphemeral, AllowedMentions: noMentions(),
			}, discordgo.WithContext(ctx))
		}
		cancel()
		if err != nil {
			return fmt.Errorf("tell the member: %w", err)
		}
	}
	return nil
}

// clearButtons removes the buttons of the message a decision was made on,
// so that the queue shows what is done; a late second click is still
// answered by the service ("already approved").
func (a *Adapter) clearButtons(c *studyCall) {
	ctx, cancel := a.restCtx()
	defer cancel()
	none := []discordgo.MessageComponent{}
	if _, err := a.rest.InteractionResponseEdit(c.i, &discordgo.WebhookEdit{Components: &none, AllowedMentions: noMentions()}, discordgo.WithContext(ctx)); err != nil {
		a.log.Debug("could not clear a study message's buttons", "err", err)
	}
}

// notify tells a member something privately: as an ephemeral follow-up on
// their latest study interaction in the session while its token lasts
// (only they see it, where they are), or else in a direct message.
func (a *Adapter) notify(c *studyCall, n study.Notice) error {
	text := bot.Truncate("About your question in <#"+c.channel+">: "+escape(n.Text), maxContent)
	if ri, ok := a.study.recent.get(c.channel + "/" + n.UserID); ok && time.Since(ri.at) < tokenLife {
		ctx, cancel := a.restCtx()
		_, err := a.rest.FollowupMessageCreate(ri.i, true, &discordgo.WebhookParams{
			Content: text, Flags: discordgo.MessageFlagsEphemeral, AllowedMentions: noMentions(),
		}, discordgo.WithContext(ctx))
		cancel()
		if err == nil {
			return nil
		}
		a.log.Debug("could not follow up on the member's interaction; trying a direct message", "err", err)
	}
	sr, ok := a.rest.(studyREST)
	if !ok {
		return errors.New("the REST client cannot open direct messages")
	}
	ctx, cancel := a.restCtx()
	defer cancel()
	dm, err := sr.UserChannelCreate(n.UserID, discordgo.WithContext(ctx))
	if err != nil {
		return fmt.Errorf("open a direct message: %w", err)
	}
	if _, err := a.rest.ChannelMessageSendComplex(dm.ID, &discordgo.MessageSend{Content: text, AllowedMentions: noMentions()}, discordgo.WithContext(ctx)); err != nil {
		return fmt.Errorf("send a direct message: %w", err)
	}
	return nil
}

// studyMessage queues a plain message written in a session's channel as a
// question, answering in place (a message has no private reply). It
// reports whether the channel holds a session; if so the bot does not
// otherwise answer the message, since a session's questions are answered
// once a moderator approves them.
func (a *Adapter) studyMessage(m *discordgo.MessageCreate) bool {
	if a.opts.Study == nil || m.GuildID == "" || !a.inSession(m.ChannelID) {
		return false
	}
	question := strings.TrimSpace(mentionPattern.ReplaceAllString(m.Content, ""))
	if question == "" {
		return true
	}
	if wait, ok := a.limits.allow(m.Author.ID, m.GuildID, time.Now()); !ok {
		a.send(m.ChannelID, m.ID, fmt.Sprintf("You are asking faster than I answer; try again in %d s.", int(wait.Seconds()+0.999)))
		return true
	}
	name := m.Author.DisplayName()
	if m.Member != nil && m.Member.Nick != "" {
		name = m.Member.Nick
	}
	who := study.Actor{ID: m.Author.ID, Name: name}
	if err := a.submit(func() {
		ctx, cancel := context.WithTimeout(context.Background(), a.opts.AnswerTimeout)
		defer cancel()
		r, err := a.opts.Study.Ask(ctx, m.ChannelID, who, question)
		text := escape(r.Private)
		if err != nil {
			if errors.Is(err, study.ErrNoSession) { // ended elsewhere since it was cached
				a.study.sessions.put(m.ChannelID, seenSession{open: false, at: time.Now()})
			}
			if !studyRefusal(err) {
				a.log.Warn("study question failed", "err", err)
			}
			text = studyErrorText(err)
		}
		a.send(m.ChannelID, m.ID, text)
	}); err != nil {
		a.send(m.ChannelID, m.ID, userMessage(err))
	}
	return true
}

// inSession reports whether a channel holds an open study session.
func (a *Adapter) inSession(channel string) bool {
	if v, ok := a.study.sessions.get(channel); ok && time.Since(v.at) < sessionTTL {
		return v.open
	}
	ctx, cancel := context.WithTimeout(context.Background(), a.opts.RESTTimeout)
	defer cancel()
	_, err := a.opts.Study.Current(ctx, channel)
	if err != nil && !errors.Is(err, study.ErrNoSession) {
		a.log.Warn("could not look up a channel's study session", "channel", channel, "err", err)
		return false
	}
	a.study.sessions.put(channel, seenSession{open: err == nil, at: time.Now()})
	return err == nil
}

// studyAutocomplete offers the corpus's documents for /study start source
// and the chosen document's chapters for chapter.
func (a *Adapter) studyAutocomplete(i *discordgo.Interaction, d discordgo.ApplicationCommandInteractionData) {
	choices := []*discordgo.ApplicationCommandOptionChoice{}
	if len(d.Options) > 0 && d.Options[0].Name == "start" {
		opts := subOptions(d.Options[0])
		var focused, typed string
		for _, o := range d.Options[0].Options {
			if o.Focused && o.Type == discordgo.ApplicationCommandOptionString {
				focused, typed = o.Name, strings.ToLower(o.StringValue())
			}
		}
		c := a.core.Corpus()
		add := func(name, value string) {
			if len(choices) < maxChoices && (typed == "" || strings.Contains(strings.ToLower(name+" "+value), typed)) {
				choices = append(choices, &discordgo.ApplicationCommandOptionChoice{Name: bot.Truncate(name, maxChoiceLen), Value: bot.Truncate(value, maxChoiceLen)})
			}
		}
		switch focused {
		case "source":
			for _, doc := range c.Docs {
				add(doc.Meta.ID+" — "+doc.Meta.ShortCitation(), doc.Meta.ID)
			}
		case "chapter":
			if doc, ok := c.Doc(strings.TrimSpace(optString(opts, "source"))); ok {
				for _, div := range doc.Divisions {
					add(div.Key+" — "+div.Label, div.Key)
				}
			}
		}
	}
	if err := a.respond(i, discordgo.InteractionApplicationCommandAutocompleteResult, &discordgo.InteractionResponseData{Choices: choices}); err != nil {
		a.log.Debug("study autocomplete response failed", "err", err)
	}
}
