package discord

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/ibidbot/ibid/bot"
)

// OnMessage is the gateway handler for MESSAGE_CREATE: the bot answers when
// mentioned, when replied to, in threads it opened, and in channels set to
// auto-answer. A question in a channel is answered in a thread started from
// it, so that follow-ups keep their context. Reading message content needs
// the privileged Message Content intent.
func (a *Adapter) OnMessage(s *discordgo.Session, m *discordgo.MessageCreate) {
	defer a.recover("message")
	if m.Author == nil || m.Author.Bot || m.Author.ID == a.botID {
		return
	}
	if a.studyMessage(m) {
		return
	}
	inOurThread, _ := a.threads.get(m.ChannelID)
	mentioned := false
	for _, u := range m.Mentions {
		mentioned = mentioned || u.ID == a.botID
	}
	replied := m.ReferencedMessage != nil && m.ReferencedMessage.Author != nil && m.ReferencedMessage.Author.ID == a.botID
	if !inOurThread && !mentioned && !replied {
		ctx, cancel := a.restCtx()
		on, err := a.opts.Channels.AutoAnswer(ctx, m.ChannelID)
		cancel()
		if err != nil || !on {
			return
		}
	}
	question := strings.TrimSpace(mentionPattern.ReplaceAllString(m.Content, ""))
	if question == "" {
		return
	}
	if wait, ok := a.limits.allow(m.Author.ID, m.GuildID, time.Now()); !ok {
		a.send(m.ChannelID, m.ID, fmt.Sprintf("You are asking faster than I answer; try again in %d s.", int(wait.Seconds()+0.999)))
		return
	}
	if err := a.submit(func() { a.answerMessage(m.Message, question, inOurThread) }); err != nil {
		a.send(m.ChannelID, m.ID, userMessage(err))
	}
}

var mentionPattern = regexp.MustCompile(`<@!?\d+>`)

// answerMessage answers in the thread the message is in, or opens one from
// it; the thread's conversation resolves follow-ups.
func (a *Adapter) answerMessage(m *discordgo.Message, question string, inThread bool) {
	channel := m.ChannelID
	if !inThread {
		ctx, cancel := a.restCtx()
		th, err := a.rest.MessageThreadStartComplex(m.ChannelID, m.ID, &discordgo.ThreadStart{
			Name: bot.Truncate(question, 100), AutoArchiveDuration: 1440, Type: discordgo.ChannelTypeGuildPublicThread,
		}, discordgo.WithContext(ctx))
		cancel()
		if err != nil {
			// No thread (a DM, a thread already, or no permission): answer in place.
			a.log.Debug("could not open a thread; answering in the channel", "err", err)
		} else {
			channel = th.ID
			a.threads.put(th.ID, true)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), a.opts.AnswerTimeout)
	defer cancel()
	ans, err := a.core.Ask(ctx, question, bot.Scope{}, a.convs.of(channel), nil)
	if err != nil {
		a.log.Warn("answer failed", "err", err)
		a.send(channel, "", userMessage(err))
		return
	}
	id := a.answers.add(ans)
	msgs := answerMessages(ans)
	for n, msg := range msgs {
		send := &discordgo.MessageSend{Content: msg.content, Embeds: msg.embeds, AllowedMentions: noMentions()}
		if n == len(msgs)-1 {
			send.Components = answerButtons(ans, id)
		}
		if n == 0 && channel == m.ChannelID {
			send.Reference = &discordgo.MessageReference{MessageID: m.ID, ChannelID: m.ChannelID, GuildID: m.GuildID}
		}
		ctx, cancel := a.restCtx()
		_, err := a.rest.ChannelMessageSendComplex(channel, send, discordgo.WithContext(ctx))
		cancel()
		if err != nil {
			a.log.Warn("could not send an answer", "channel", channel, "err", err)
			return
		}
	}
}

// send posts a short notice, as a reply when replyTo is set.
func (a *Adapter) send(channelID, replyTo, text string) {
	ctx, cancel := a.restCtx()
	defer cancel()
	m := &discordgo.MessageSend{Content: bot.Truncate(text, maxContent), AllowedMentions: noMentions()}
	if replyTo != "" {
		m.Reference = &discordgo.MessageReference{MessageID: replyTo, ChannelID: channelID}
	}
	if _, err := a.rest.ChannelMessageSendComplex(channelID, m, discordgo.WithContext(ctx)); err != nil {
		a.log.Warn("could not send a notice", "err", err)
	}
}
