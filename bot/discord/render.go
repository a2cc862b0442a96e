package discord

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/ibidbot/ibid/bot"
)

// Discord's limits, counted in characters (runes); the library checks none.
const (
	maxContent       = 2000
	maxEmbedDesc     = 4096
	maxEmbedTitle    = 256
	maxEmbedFooter   = 2048
	maxEmbedsTotal   = 6000
	maxEmbeds        = 10
	maxChoices       = 25
	maxChoiceLen     = 100
	maxCustomID      = 100
	maxButtonsPerRow = 5
)

// noMentions is put on everything the bot sends: no quote and no question
// can ping anyone. Parse must be an empty slice, not nil (nil marshals as
// null).
func noMentions() *discordgo.MessageAllowedMentions {
	return &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}}
}

// markdown characters escaped in corpus and user text, so that a quote
// renders as written and "**" or "@everyone" in a source stays text.
var markdown = strings.NewReplacer(
	`\`, `\\`, `*`, `\*`, `_`, `\_`, "`", "\\`", `~`, `\~`, `|`, `\|`, `>`, `\>`, `#`, `\#`,
	`[`, `\[`, `]`, `\]`, `<`, `\<`, `@`, "@\u200b",
)

// escape makes text literal in Discord Markdown.
func escape(s string) string { return markdown.Replace(s) }

// message is one message's worth of an answer.
type message struct {
	content string
	embeds  []*discordgo.MessageEmbed
}

// quoteEmbeds renders a quote as block-quoted embeds with the citation in
// the footer. A quote longer than one embed is cut at sentence boundaries
// into several embeds of the same message; a sentence is never cut unless it
// alone exceeds the limit.
func quoteEmbeds(q bot.Quote, title string) []*discordgo.MessageEmbed {
	p := q.Paragraph
	var parts []string
	var cur strings.Builder
	flush := func() {
		if cur.Len() > 0 {
			parts = append(parts, cur.String())
			cur.Reset()
		}
	}
	budget := maxEmbedDesc - 4
	for _, s := range p.Sentences {
		if s.End <= q.Start || s.Start >= q.End {
			continue
		}
		// One block quote per embed: the marker opens it, and the
		// sentences follow on its line (a "> " mid-line is literal text).
		text := strings.ReplaceAll(escape(p.Text[max(s.Start, q.Start):min(s.End, q.End)]), "\n", "\n> ") + " "
		if utf8.RuneCountInString(cur.String())+utf8.RuneCountInString(text) > budget {
			flush()
		}
		if cur.Len() == 0 {
			text = "> " + text
		}
		cur.WriteString(bot.Truncate(text, budget))
	}
	flush()
	if len(parts) == 0 { // a record without sentence spans
		parts = []string{bot.Truncate("> "+escape(q.Text()), budget)}
	}
	footer := bot.Truncate(p.Citation+" · "+p.ID, maxEmbedFooter)
	embeds := make([]*discordgo.MessageEmbed, len(parts))
	for i, d := range parts {
		embeds[i] = &discordgo.MessageEmbed{Description: strings.TrimSpace(d)}
		if i == 0 && title != "" {
			embeds[i].Title = bot.Truncate(title, maxEmbedTitle)
		}
		if i == len(parts)-1 {
			embeds[i].Footer = &discordgo.MessageEmbedFooter{Text: footer}
		}
	}
	return embeds
}

// embedSize counts an embed's characters as Discord does for its 6,000 limit.
func embedSize(e *discordgo.MessageEmbed) int {
	n := utf8.RuneCountInString(e.Title) + utf8.RuneCountInString(e.Description)
	if e.Footer != nil {
		n += utf8.RuneCountInString(e.Footer.Text)
	}
	for _, f := range e.Fields {
		n += utf8.RuneCountInString(f.Name) + utf8.RuneCountInString(f.Value)
	}
	return n
}

// pack lays groups of embeds (one group per quote) into messages within the
// limits, never splitting a group; the lead goes in the first message.
func pack(lead string, groups [][]*discordgo.MessageEmbed) []message {
	msgs := []message{{content: bot.Truncate(lead, maxContent)}}
	size := 0
	for _, g := range groups {
		gs := 0
		for _, e := range g {
			gs += embedSize(e)
		}
		last := &msgs[len(msgs)-1]
		if len(last.embeds) > 0 && (size+gs > maxEmbedsTotal || len(last.embeds)+len(g) > maxEmbeds) {
			msgs = append(msgs, message{})
			last, size = &msgs[len(msgs)-1], 0
		}
		last.embeds = append(last.embeds, g...)
		size += gs
	}
	return msgs
}

// answerMessages renders an answer: the lead as content, each quote as
// block-quoted embeds with its citation, or for a refusal the closest
// passages titled as not answering.
func answerMessages(a bot.Answer) []message {
	lead := escape(a.Lead)
	if a.Resolved != a.Question {
		lead = "*" + escape("Read as: "+a.Resolved) + "*\n" + lead
	}
	var groups [][]*discordgo.MessageEmbed
	if a.Refused {
		for _, q := range bot.Closest(a) {
			groups = append(groups, quoteEmbeds(q, "Closest passage (does not answer the question)"))
		}
	} else {
		for i, q := range a.Quotes {
			title := ""
			if len(a.Quotes) > 1 {
				title = fmt.Sprintf("[%d]", i+1)
			}
			groups = append(groups, quoteEmbeds(q, title))
		}
	}
	return pack(lead, groups)
}

// answerButtons are the buttons under an answer: the full paragraph of the
// first quote that answers (not one saying whose words they are), more
// sources, and feedback.
func answerButtons(a bot.Answer, answerID string) []discordgo.MessageComponent {
	var row []discordgo.MessageComponent
	if i := slices.IndexFunc(a.Quotes, func(q bot.Quote) bool { return !q.Attribution }); i >= 0 && !a.Quotes[i].Whole() {
		row = append(row, discordgo.Button{Label: "Full paragraph", Style: discordgo.SecondaryButton, CustomID: customID("para", a.Quotes[i].Paragraph.ID)})
	}
	row = append(row,
		discordgo.Button{Label: "More sources", Style: discordgo.SecondaryButton, CustomID: customID("more", answerID)},
		discordgo.Button{Emoji: &discordgo.ComponentEmoji{Name: "👍"}, Style: discordgo.SecondaryButton, CustomID: customID("fb", "up", answerID)},
		discordgo.Button{Emoji: &discordgo.ComponentEmoji{Name: "👎"}, Style: discordgo.SecondaryButton, CustomID: customID("fb", "down", answerID)},
	)
	return []discordgo.MessageComponent{discordgo.ActionsRow{Components: row}}
}

// customID joins parts into a component ID within Discord's 100 characters;
// paragraph IDs are short, and an ID that would not fit is cut, which only
// breaks its button.
func customID(parts ...string) string { return bot.Truncate(strings.Join(parts, "|"), maxCustomID) }

// sourceMessage renders one paragraph for /source with paging buttons.
func sourceMessage(v bot.SourceView) (string, []*discordgo.MessageEmbed, []discordgo.MessageComponent) {
	embeds := quoteEmbeds(bot.Quote{Paragraph: v.Paragraph, End: len(v.Paragraph.Text)}, string(v.Paragraph.Kind)+" "+v.Paragraph.ID)
	for _, n := range v.Notes {
		if len(embeds) >= maxEmbeds {
			break
		}
		e := &discordgo.MessageEmbed{Title: "Note " + escape(n.NoteLabel), Description: bot.Truncate(escape(n.Text), 1000)}
		total := embedSize(e)
		for _, x := range embeds {
			total += embedSize(x)
		}
		if total > maxEmbedsTotal {
			break
		}
		embeds = append(embeds, e)
	}
	var row []discordgo.MessageComponent
	if v.Prev != nil {
		row = append(row, discordgo.Button{Label: "◀ Previous", Style: discordgo.SecondaryButton, CustomID: customID("src", v.Prev.ID)})
	}
	if v.Next != nil {
		row = append(row, discordgo.Button{Label: "Next ▶", Style: discordgo.SecondaryButton, CustomID: customID("src", v.Next.ID)})
	}
	var comps []discordgo.MessageComponent
	if len(row) > 0 {
		comps = []discordgo.MessageComponent{discordgo.ActionsRow{Components: row}}
	}
	return bot.Truncate(escape(v.Bibliography), maxContent), embeds, comps
}

// messageText is a message's text as shown: its content, then each embed's
// title, description and footer.
func messageText(m *discordgo.Message) string {
	parts := []string{m.Content}
	for _, e := range m.Embeds {
		parts = append(parts, e.Title, e.Description)
		if e.Footer != nil {
			parts = append(parts, e.Footer.Text)
		}
	}
	var b strings.Builder
	for _, p := range parts {
		if p != "" {
			if b.Len() > 0 {
				b.WriteString("\n")
			}
			b.WriteString(p)
		}
	}
	return b.String()
}
