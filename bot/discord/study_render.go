package discord

import (
	"io"
	"strings"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/ibidbot/ibid/bot"
	"github.com/ibidbot/ibid/bot/study"
)

// Rendering of study sessions' text for Discord: the service renders plain
// text (prose lines, "> " quotes each followed by its citation line,
// Markdown tables); here it becomes escaped Markdown cut into messages
// within Discord's limits, buttons, and the attached transcript.

// appendLine adds a line of the adapter's own Markdown to the last message,
// or a new message when it would not fit.
func appendLine(msgs []message, line string) []message {
	if n := len(msgs); n > 0 && len(msgs[n-1].embeds) == 0 &&
		utf8.RuneCountInString(msgs[n-1].content)+1+utf8.RuneCountInString(line) <= maxContent {
		msgs[n-1].content += "\n" + line
		return msgs
	}
	return append(msgs, message{content: bot.Truncate(line, maxContent)})
}

// studyButtons lays out an item's actions as buttons, five to a row.
func studyButtons(actions []study.Action) []discordgo.MessageComponent {
	var rows, row []discordgo.MessageComponent
	for _, ac := range actions {
		style := discordgo.SecondaryButton
		switch kind, _, _ := strings.Cut(strings.TrimPrefix(ac.ID, "study:"), ":"); kind {
		case "approve":
			style = discordgo.SuccessButton
		case "reject":
			style = discordgo.DangerButton
		case "answer":
			style = discordgo.PrimaryButton
		}
		row = append(row, discordgo.Button{Label: bot.Truncate(ac.Label, maxButtonLabel), Style: style, CustomID: ac.ID})
		if len(row) == maxButtonsPerRow {
			rows = append(rows, discordgo.ActionsRow{Components: row})
			row = nil
		}
	}
	if len(row) > 0 {
		rows = append(rows, discordgo.ActionsRow{Components: row})
	}
	return rows
}

// transcriptFile attaches a transcript, verbatim, as Markdown.
func transcriptFile(md string) *discordgo.File {
	return &discordgo.File{Name: transcriptName, ContentType: "text/markdown; charset=utf-8", Reader: &replayReader{s: md}}
}

// replayReader reads s, and after reporting EOF starts again: Bounded
// retries a rate-limited upload with the same request data, and discordgo
// reads the file anew for each attempt, so a spent reader would upload an
// empty file.
type replayReader struct {
	s   string
	off int
}

func (r *replayReader) Read(p []byte) (int, error) {
	if r.off >= len(r.s) {
		r.off = 0
		return 0, io.EOF
	}
	n := copy(p, r.s[r.off:])
	r.off += n
	return n, nil
}

// studyBlock is one unit of a study text that a message may not split: a
// line, a quote with its citation, a table.
type studyBlock struct {
	md string
	// embeds hold a quote too long for a message's content.
	embeds []*discordgo.MessageEmbed
}

// studyMessages renders a study reply's text as Discord messages. The text
// is the service's plain rendering: lines of prose, quotes as "> " lines
// followed by a "— citation [paragraph ID]" line, and Markdown tables (the
// scoreboard). Prose and quotes are escaped, so that corpus and member text
// renders as written and cannot format or ping; quotes stay block quotes;
// tables become code blocks, which Discord shows in columns. Messages are
// cut between blocks, never inside a quote; a quote too long for a
// message's content goes in embeds (quoteEmbeds, cut at its sentences as
// answers are).
func (a *Adapter) studyMessages(text string) []message {
	text = strings.TrimRight(text, "\n")
	if strings.TrimSpace(text) == "" {
		return nil
	}
	var blocks []studyBlock
	lines := strings.Split(text, "\n")
	for i := 0; i < len(lines); {
		j := i + 1
		switch {
		case strings.HasPrefix(lines[i], "> "):
			for j < len(lines) && strings.HasPrefix(lines[j], "> ") {
				j++
			}
			quote, cite := lines[i:j], ""
			if j < len(lines) && strings.HasPrefix(lines[j], "— ") {
				cite = lines[j]
				j++
			}
			blocks = append(blocks, a.quoteBlock(quote, cite))
		case strings.HasPrefix(lines[i], "|"):
			for j < len(lines) && strings.HasPrefix(lines[j], "|") {
				j++
			}
			blocks = append(blocks, studyBlock{md: bot.Truncate("```\n"+strings.ReplaceAll(strings.Join(lines[i:j], "\n"), "`", "'"), maxContent-4) + "\n```"})
		default:
			blocks = append(blocks, studyBlock{md: bot.Truncate(escape(lines[i]), maxContent)})
		}
		i = j
	}

	var msgs []message
	var cur strings.Builder
	size := 0
	flush := func() {
		if strings.TrimSpace(cur.String()) != "" {
			msgs = append(msgs, message{content: cur.String()})
		}
		cur.Reset()
		size = 0
	}
	for _, b := range blocks {
		if b.embeds != nil {
			flush()
			groups := make([][]*discordgo.MessageEmbed, len(b.embeds))
			for n, e := range b.embeds {
				groups[n] = []*discordgo.MessageEmbed{e}
			}
			msgs = append(msgs, pack("", groups)...)
			continue
		}
		n := utf8.RuneCountInString(b.md)
		if size > 0 && size+1+n > maxContent {
			flush()
		}
		if size > 0 {
			cur.WriteString("\n")
			size++
		}
		cur.WriteString(b.md)
		size += n
	}
	flush()
	return msgs
}

// quoteBlock renders a quote's "> " lines and its citation line. A quote
// too long for a message's content goes in embeds instead.
func (a *Adapter) quoteBlock(lines []string, cite string) studyBlock {
	quote := make([]string, len(lines))
	for n, l := range lines {
		quote[n] = strings.TrimPrefix(l, "> ")
	}
	text := strings.Join(quote, "\n")
	md := blockQuote(text)
	if cite != "" {
		md += "\n" + escape(cite)
	}
	if utf8.RuneCountInString(md) <= maxContent {
		return studyBlock{md: md}
	}
	return studyBlock{embeds: a.longQuoteEmbeds(text, cite)}
}

// blockQuote renders text as a Markdown block quote, escaped.
func blockQuote(text string) string {
	return "> " + strings.ReplaceAll(escape(text), "\n", "\n> ")
}

// longQuoteEmbeds renders a quote too long for a message's content as
// block-quoted embeds, cut at the sentence boundaries of the paragraph the
// citation names, with the citation in the last embed's footer. Each embed
// holds whole sentences; only a paragraph the corpus no longer has is cut
// at the embed's limit, marked.
func (a *Adapter) longQuoteEmbeds(text, cite string) []*discordgo.MessageEmbed {
	cite = strings.TrimPrefix(cite, "— ")
	cuts := []int{0, len(text)}
	if open, end := strings.LastIndex(cite, "["), strings.LastIndex(cite, "]"); open >= 0 && end > open {
		if p, ok := a.core.Corpus().Paragraph(cite[open+1 : end]); ok {
			if start := strings.Index(p.Text, text); start >= 0 {
				cuts = cuts[:1]
				for _, sp := range p.Sentences {
					if at := sp.Start - start; at > 0 && at < len(text) {
						cuts = append(cuts, at)
					}
				}
				cuts = append(cuts, len(text))
			}
		}
	}
	budget := maxEmbedDesc - 8 // room for the "> " of each line
	var embeds []*discordgo.MessageEmbed
	from := 0
	for n := 1; n < len(cuts); n++ {
		if n+1 < len(cuts) && utf8.RuneCountInString(blockQuote(strings.TrimSpace(text[from:cuts[n+1]]))) <= budget {
			continue // the next sentence fits in this embed too
		}
		embeds = append(embeds, &discordgo.MessageEmbed{Description: bot.Truncate(blockQuote(strings.TrimSpace(text[from:cuts[n]])), maxEmbedDesc)})
		from = cuts[n]
	}
	embeds[len(embeds)-1].Footer = &discordgo.MessageEmbedFooter{Text: bot.Truncate(cite, maxEmbedFooter)}
	return embeds
}
