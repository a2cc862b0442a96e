package discord

import (
	"github.com/bwmarrin/discordgo"

	"github.com/ibidbot/ibid/bot"
)

// SendAnswer lets the end-to-end tests send an answer longer than any the
// corpus gives to a question.
func (a *Adapter) SendAnswer(i *discordgo.Interaction, ans bot.Answer, private bool) error {
	return a.sendAnswer(i, ans, private)
}
