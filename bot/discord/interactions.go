package discord

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/ibidbot/ibid/bot"
)

// OnInteraction is the gateway handler for INTERACTION_CREATE.
func (a *Adapter) OnInteraction(s *discordgo.Session, ic *discordgo.InteractionCreate) {
	defer a.recover("interaction")
	switch ic.Type {
	case discordgo.InteractionApplicationCommand:
		a.command(ic.Interaction)
	case discordgo.InteractionApplicationCommandAutocomplete:
		a.autocomplete(ic.Interaction)
	case discordgo.InteractionMessageComponent:
		a.component(ic.Interaction)
	case discordgo.InteractionModalSubmit:
		if strings.HasPrefix(ic.ModalSubmitData().CustomID, "study:") {
			a.studyModal(ic.Interaction)
		}
	}
}

// user is who sent an interaction (a member in a guild, a user in DMs).
func user(i *discordgo.Interaction) *discordgo.User {
	if i.Member != nil && i.Member.User != nil {
		return i.Member.User
	}
	if i.User != nil {
		return i.User
	}
	return &discordgo.User{}
}

// options reads a command's options by name.
func options(d discordgo.ApplicationCommandInteractionData) map[string]*discordgo.ApplicationCommandInteractionDataOption {
	m := make(map[string]*discordgo.ApplicationCommandInteractionDataOption, len(d.Options))
	for _, o := range d.Options {
		m[o.Name] = o
	}
	return m
}

func optString(m map[string]*discordgo.ApplicationCommandInteractionDataOption, name string) string {
	if o, ok := m[name]; ok && o.Type == discordgo.ApplicationCommandOptionString {
		return o.StringValue()
	}
	return ""
}

func optBool(m map[string]*discordgo.ApplicationCommandInteractionDataOption, name string) bool {
	if o, ok := m[name]; ok && o.Type == discordgo.ApplicationCommandOptionBoolean {
		return o.BoolValue()
	}
	return false
}

// respond sends an immediate response (within the 3 seconds).
func (a *Adapter) respond(i *discordgo.Interaction, typ discordgo.InteractionResponseType, data *discordgo.InteractionResponseData) error {
	ctx, cancel := a.restCtx()
	defer cancel()
	if data != nil {
		data.AllowedMentions = noMentions()
	}
	return a.rest.InteractionRespond(i, &discordgo.InteractionResponse{Type: typ, Data: data}, discordgo.WithContext(ctx))
}

// tellPrivately answers an interaction at once with a message only the user
// sees.
func (a *Adapter) tellPrivately(i *discordgo.Interaction, text string) {
	if err := a.respond(i, discordgo.InteractionResponseChannelMessageWithSource, &discordgo.InteractionResponseData{
		Content: bot.Truncate(text, maxContent), Flags: discordgo.MessageFlagsEphemeral,
	}); err != nil {
		a.log.Warn("could not answer an interaction", "err", err)
	}
}

func (a *Adapter) command(i *discordgo.Interaction) {
	d := i.ApplicationCommandData()
	opts := options(d)
	switch d.Name {
	case "help":
		a.tellPrivately(i, helpText+a.studyHelp())
		return
	case "study":
		a.studyInteraction(i)
		return
	case "sources":
		a.respondSources(i)
		return
	case "autoanswer":
		a.setAutoAnswer(i, optBool(opts, "enabled"))
		return
	}
	if wait, ok := a.limits.allow(user(i).ID, i.GuildID, time.Now()); !ok {
		a.tellPrivately(i, fmt.Sprintf("You are asking faster than I answer; try again in %d s.", int(wait.Seconds()+0.999)))
		return
	}
	private := optBool(opts, "private")
	var flags discordgo.MessageFlags
	if private {
		flags = discordgo.MessageFlagsEphemeral
	}
	if err := a.respond(i, discordgo.InteractionResponseDeferredChannelMessageWithSource, &discordgo.InteractionResponseData{Flags: flags}); err != nil {
		a.log.Warn("could not defer an interaction", "command", d.Name, "err", err)
		return
	}
	scope := bot.Scope{Doc: optString(opts, "source")}
	var job func(ctx context.Context) error
	switch d.Name {
	case "ask":
		job = func(ctx context.Context) error {
			return a.answerInteraction(ctx, i, optString(opts, "question"), scope, private)
		}
	case "cite":
		job = func(ctx context.Context) error { return a.citeInteraction(ctx, i, optString(opts, "text"), scope) }
	case "source":
		job = func(ctx context.Context) error { return a.sourceInteraction(i, optString(opts, "id")) }
	default:
		job = func(context.Context) error { return fmt.Errorf("unknown command %q", d.Name) }
	}
	if err := a.submit(func() {
		ctx, cancel := context.WithTimeout(context.Background(), a.opts.AnswerTimeout)
		defer cancel()
		if err := job(ctx); err != nil {
			a.fail(i, d.Name, err)
		}
	}); err != nil {
		a.fail(i, d.Name, err)
	}
}

// fail tells the user of a deferred interaction privately what went wrong
// and logs the cause once. Discord turns the first follow-up after a
// deferral into the deferred response, public if the deferral was,
// whatever the follow-up's flags; so the deferred response is deleted first
// and the notice arrives as a new, ephemeral message, unless part of an
// answer was already delivered in it.
func (a *Adapter) fail(i *discordgo.Interaction, what string, err error) {
	a.log.Warn("interaction failed", "command", what, "err", err)
	ctx, cancel := a.restCtx()
	defer cancel()
	if !errors.Is(err, errDelivered) {
		if derr := a.rest.InteractionResponseDelete(i, discordgo.WithContext(ctx)); derr != nil {
			a.log.Debug("could not delete the deferred response", "err", derr)
		}
	}
	if _, ferr := a.rest.FollowupMessageCreate(i, true, &discordgo.WebhookParams{
		Content: userMessage(err), Flags: discordgo.MessageFlagsEphemeral, AllowedMentions: noMentions(),
	}, discordgo.WithContext(ctx)); ferr != nil {
		a.log.Warn("could not report a failure to the user", "err", ferr)
	}
}

// edit replaces the deferred response.
func (a *Adapter) edit(i *discordgo.Interaction, content string, embeds []*discordgo.MessageEmbed, comps []discordgo.MessageComponent) error {
	ctx, cancel := a.restCtx()
	defer cancel()
	if embeds == nil {
		embeds = []*discordgo.MessageEmbed{}
	}
	if comps == nil {
		comps = []discordgo.MessageComponent{}
	}
	_, err := a.rest.InteractionResponseEdit(i, &discordgo.WebhookEdit{
		Content: &content, Embeds: &embeds, Components: &comps, AllowedMentions: noMentions(),
	}, discordgo.WithContext(ctx))
	return err
}

// followUp sends a further message of a long answer.
func (a *Adapter) followUp(i *discordgo.Interaction, m message, private bool, comps []discordgo.MessageComponent) error {
	ctx, cancel := a.restCtx()
	defer cancel()
	p := &discordgo.WebhookParams{Content: m.content, Embeds: m.embeds, Components: comps, AllowedMentions: noMentions()}
	if private {
		p.Flags = discordgo.MessageFlagsEphemeral
	}
	_, err := a.rest.FollowupMessageCreate(i, true, p, discordgo.WithContext(ctx))
	return err
}

// answerInteraction runs /ask, editing the deferred response as a model's
// lead streams in, then with the final answer.
func (a *Adapter) answerInteraction(ctx context.Context, i *discordgo.Interaction, q string, scope bot.Scope, private bool) error {
	var last time.Time
	onLead := func(lead string) {
		if time.Since(last) < a.opts.EditInterval {
			return
		}
		last = time.Now()
		if err := a.edit(i, bot.Truncate(escape(lead)+" …", maxContent), nil, nil); err != nil {
			a.log.Debug("streaming edit failed", "err", err)
		}
	}
	ans, err := a.core.Ask(ctx, q, scope, nil, onLead)
	if err != nil {
		return err
	}
	return a.sendAnswer(i, ans, private)
}

// sendAnswer edits the deferred response with the answer and sends any
// further messages it needs; the buttons go under the last one.
func (a *Adapter) sendAnswer(i *discordgo.Interaction, ans bot.Answer, private bool) error {
	id := a.answers.add(ans)
	msgs := answerMessages(ans)
	buttons := answerButtons(ans, id)
	for n, m := range msgs {
		var comps []discordgo.MessageComponent
		if n == len(msgs)-1 {
			comps = buttons
		}
		var err error
		if n == 0 {
			err = a.edit(i, m.content, m.embeds, comps)
		} else {
			err = a.followUp(i, m, private, comps)
		}
		if err != nil && n > 0 {
			return fmt.Errorf("send answer part %d of %d: %w (%w)", n+1, len(msgs), err, errDelivered)
		}
		if err != nil {
			return fmt.Errorf("send answer: %w", err)
		}
	}
	return nil
}

// errDelivered marks a failure after part of an answer reached the user.
var errDelivered = errors.New("part of the answer was delivered")

func (a *Adapter) citeInteraction(ctx context.Context, i *discordgo.Interaction, text string, scope bot.Scope) error {
	ex, err := a.core.Cite(ctx, text, scope, 3)
	if err != nil {
		return err
	}
	if len(ex) == 0 {
		return a.edit(i, "No passage of the corpus matches these words closely enough.", nil, nil)
	}
	e := ex[0]
	lead := "Exact match:"
	switch {
	case e.Whole():
		lead = "Paragraph " + escape(e.Paragraph.ID) + ":"
	case !e.Exact:
		lead = fmt.Sprintf("Closest match (%.0f%% of your words):", 100*e.Confidence)
	}
	lead += "\n" + escape(e.Paragraph.Citation)
	embeds := quoteEmbeds(e.Quote, "")
	var comps []discordgo.MessageComponent
	if !e.Whole() {
		comps = []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
			discordgo.Button{Label: "Full paragraph", Style: discordgo.SecondaryButton, CustomID: customID("para", e.Paragraph.ID)},
		}}}
	}
	return a.edit(i, bot.Truncate(lead, maxContent), embeds, comps)
}

func (a *Adapter) sourceInteraction(i *discordgo.Interaction, id string) error {
	v, err := a.core.Source(id)
	if err != nil {
		return err
	}
	content, embeds, comps := sourceMessage(v)
	return a.edit(i, content, embeds, comps)
}

func (a *Adapter) respondSources(i *discordgo.Interaction) {
	var embeds []*discordgo.MessageEmbed
	for _, d := range a.core.Sources() {
		if len(embeds) == maxEmbeds {
			break
		}
		embeds = append(embeds, &discordgo.MessageEmbed{
			Title:       bot.Truncate(d.ID, maxEmbedTitle),
			Description: bot.Truncate(escape(d.Bibliography)+fmt.Sprintf("\n%d paragraphs, %d notes", d.Paragraphs, d.Notes), 1000),
		})
	}
	if err := a.respond(i, discordgo.InteractionResponseChannelMessageWithSource, &discordgo.InteractionResponseData{
		Content: "The corpus:", Embeds: embeds, Flags: discordgo.MessageFlagsEphemeral,
	}); err != nil {
		a.log.Warn("could not list the sources", "err", err)
	}
}

// setAutoAnswer switches answering every message in the channel. Discord
// hides the command from members without Manage Channels; the permission is
// checked here again, as a command's default permissions can be changed by
// server admins.
func (a *Adapter) setAutoAnswer(i *discordgo.Interaction, on bool) {
	if i.Member == nil || i.Member.Permissions&discordgo.PermissionManageChannels == 0 {
		a.tellPrivately(i, "Only members who can manage channels can change this.")
		return
	}
	ctx, cancel := a.restCtx()
	defer cancel()
	if err := a.opts.Channels.SetAutoAnswer(ctx, i.ChannelID, on); err != nil {
		a.log.Warn("could not store a channel setting", "err", err)
		a.tellPrivately(i, userMessage(err))
		return
	}
	state := "off"
	if on {
		state = "on"
	}
	a.tellPrivately(i, "Answering every message in this channel is now "+state+".")
}

// autocomplete offers passages matching what the user has typed into
// /cite; the value is the sentence's ID ("…:3#2"), which /cite resolves
// exactly.
func (a *Adapter) autocomplete(i *discordgo.Interaction) {
	d := i.ApplicationCommandData()
	if d.Name == "study" {
		a.studyAutocomplete(i, d)
		return
	}
	var typed string
	for _, o := range d.Options {
		if o.Focused && o.Type == discordgo.ApplicationCommandOptionString {
			typed = o.StringValue()
		}
	}
	choices := []*discordgo.ApplicationCommandOptionChoice{}
	if len(strings.Fields(typed)) >= 2 {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		ex, err := a.core.Cite(ctx, typed, bot.Scope{Doc: optString(options(d), "source")}, maxChoices)
		cancel()
		if err != nil {
			a.log.Debug("autocomplete", "err", err)
		}
		for _, e := range ex {
			if len(choices) == maxChoices {
				break
			}
			choices = append(choices, &discordgo.ApplicationCommandOptionChoice{
				Name: bot.Truncate(e.Text(), maxChoiceLen), Value: bot.Truncate(sentenceRef(e.Quote), maxChoiceLen),
			})
		}
	}
	if err := a.respondChoices(i, choices); err != nil {
		a.log.Debug("autocomplete response failed", "err", err)
	}
}

// respondChoices answers an autocomplete interaction. Discord documents the
// choices list as required, so an empty one must still be sent (the user
// then reads "No options match your search"), and discordgo's
// InteractionResponseData omits an empty list, so the response is sent as
// this package's own type.
func (a *Adapter) respondChoices(i *discordgo.Interaction, choices []*discordgo.ApplicationCommandOptionChoice) error {
	type data struct {
		Choices []*discordgo.ApplicationCommandOptionChoice `json:"choices"`
	}
	body := struct {
		Type discordgo.InteractionResponseType `json:"type"`
		Data data                              `json:"data"`
	}{discordgo.InteractionApplicationCommandAutocompleteResult, data{choices}}
	ctx, cancel := a.restCtx()
	defer cancel()
	endpoint := discordgo.EndpointInteractionResponse(i.ID, i.Token)
	_, err := a.rest.RequestWithBucketID(http.MethodPost, endpoint, body, endpoint, discordgo.WithContext(ctx))
	return err
}

// sentenceRef names the first sentence of a quote as "ID#N".
func sentenceRef(q bot.Quote) string {
	for n, s := range q.Paragraph.Sentences {
		if s.End > q.Start {
			return fmt.Sprintf("%s#%d", q.Paragraph.ID, n+1)
		}
	}
	return q.Paragraph.ID
}

// component handles button clicks.
func (a *Adapter) component(i *discordgo.Interaction) {
	if strings.HasPrefix(i.MessageComponentData().CustomID, "study:") {
		a.studyComponent(i)
		return
	}
	parts := strings.Split(i.MessageComponentData().CustomID, "|")
	switch parts[0] {
	case "para", "src":
		if len(parts) < 2 {
			return
		}
		v, err := a.core.Source(parts[1])
		if err != nil {
			a.tellPrivately(i, userMessage(err))
			return
		}
		content, embeds, comps := sourceMessage(v)
		typ := discordgo.InteractionResponseChannelMessageWithSource
		var flags discordgo.MessageFlags = discordgo.MessageFlagsEphemeral
		if parts[0] == "src" { // paging a /source message replaces it
			typ, flags = discordgo.InteractionResponseUpdateMessage, 0
		}
		if err := a.respond(i, typ, &discordgo.InteractionResponseData{Content: content, Embeds: embeds, Components: comps, Flags: flags}); err != nil {
			a.log.Warn("could not show a paragraph", "err", err)
		}
	case "more":
		ans, ok := a.answers.get(parts[len(parts)-1])
		if !ok {
			a.tellPrivately(i, "This answer is too old for more sources; ask again.")
			return
		}
		var b strings.Builder
		for n, p := range ans.Considered {
			if n == 5 {
				break
			}
			fmt.Fprintf(&b, "%d. %s — `%s`\n", n+1, escape(p.Paragraph.Citation), p.Paragraph.ID)
		}
		a.tellPrivately(i, bot.Truncate("Other passages considered for this question (use /source to read them):\n"+b.String(), maxContent))
	case "fb":
		if len(parts) < 3 {
			return
		}
		a.feedback(i, parts[1] == "up", parts[2])
	}
}

func (a *Adapter) feedback(i *discordgo.Interaction, up bool, answerID string) {
	if a.opts.Feedback != nil {
		f := Feedback{AnswerID: answerID, UserID: user(i).ID, GuildID: i.GuildID, Up: up, At: time.Now()}
		if i.Message != nil {
			f.MessageID = i.Message.ID
		}
		if ans, ok := a.answers.get(answerID); ok {
			f.Question, f.Answer = ans.Question, bot.FormatText(ans)
		} else if i.Message != nil { // an answer from before a restart
			f.Answer = messageText(i.Message)
		}
		ctx, cancel := a.restCtx()
		defer cancel()
		if err := a.opts.Feedback.SaveFeedback(ctx, f); err != nil {
			a.log.Warn("could not store feedback", "err", err)
		}
	}
	a.tellPrivately(i, "Thanks for the feedback.")
}
