package discord

import "github.com/bwmarrin/discordgo"

// commands are Ibid's application commands, registered as data.
func commands() []*discordgo.ApplicationCommand {
	minLen := 1
	manageChannels := int64(discordgo.PermissionManageChannels)
	source := &discordgo.ApplicationCommandOption{
		Type: discordgo.ApplicationCommandOptionString, Name: "source", Description: "Limit to one document (its ID, see /sources)",
	}
	return []*discordgo.ApplicationCommand{
		{Name: "ask", Description: "Answer a history question from the corpus, quoting and citing the source",
			Options: []*discordgo.ApplicationCommandOption{
				{Type: discordgo.ApplicationCommandOptionString, Name: "question", Description: "Your question", Required: true, MinLength: &minLen, MaxLength: 1000},
				source,
				{Type: discordgo.ApplicationCommandOptionBoolean, Name: "private", Description: "Only you see the answer"},
			}},
		{Name: "cite", Description: "The exact words and citation of a passage you half remember (or a paragraph ID)",
			Options: []*discordgo.ApplicationCommandOption{
				{Type: discordgo.ApplicationCommandOptionString, Name: "text", Description: "The words you remember, or a paragraph ID", Required: true, Autocomplete: true, MinLength: &minLen, MaxLength: 1000},
				source,
			}},
		{Name: "source", Description: "Read one paragraph by its ID, with its citation and neighbours",
			Options: []*discordgo.ApplicationCommandOption{
				{Type: discordgo.ApplicationCommandOptionString, Name: "id", Description: "Paragraph ID, e.g. kuromiya2023:ch2:p117:3", Required: true},
			}},
		{Name: "sources", Description: "The documents Ibid answers from, with full bibliographic entries"},
		{Name: "help", Description: "How to use Ibid"},
		{Name: "autoanswer", Description: "Answer every message in this channel (admins)", DefaultMemberPermissions: &manageChannels,
			Options: []*discordgo.ApplicationCommandOption{
				{Type: discordgo.ApplicationCommandOptionBoolean, Name: "enabled", Description: "On or off", Required: true},
			}},
	}
}

const helpText = "**Ibid** answers history questions from its corpus and always quotes and cites the paragraph.\n" +
	"• `/ask question` — an answer with the quoted source; `private:True` for only you.\n" +
	"• `/cite text` — the exact sentence a half-remembered phrase comes from, with a citation for your essay (or `/cite kuromiya2023:ch2:p117:3`).\n" +
	"• `/source id` — read a paragraph and page through its neighbours.\n" +
	"• `/sources` — what the corpus holds.\n" +
	"• Mention me, reply to me, or talk in a thread I opened: follow-up questions keep their context.\n" +
	"When the corpus does not answer, I say so and show the closest passages."
