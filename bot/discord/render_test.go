package discord

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/ibidbot/ibid/bot"
	"github.com/ibidbot/ibid/corpus"
)

// checkLimits fails if a message breaks one of Discord's size limits.
func checkLimits(t *testing.T, m message) {
	t.Helper()
	if n := utf8.RuneCountInString(m.content); n > maxContent {
		t.Errorf("content of %d characters", n)
	}
	if len(m.embeds) > maxEmbeds {
		t.Errorf("%d embeds", len(m.embeds))
	}
	total := 0
	for _, e := range m.embeds {
		if n := utf8.RuneCountInString(e.Description); n > maxEmbedDesc {
			t.Errorf("embed description of %d characters", n)
		}
		if n := utf8.RuneCountInString(e.Title); n > maxEmbedTitle {
			t.Errorf("embed title of %d characters", n)
		}
		total += embedSize(e)
	}
	if total > maxEmbedsTotal {
		t.Errorf("embeds total %d characters", total)
	}
}

func TestAnswerMessages_LongestParagraphsFitDiscordsLimits(t *testing.T) {
	c, err := corpus.LoadDefault()
	if err != nil {
		t.Fatal(err)
	}
	var all []*corpus.Paragraph
	for p := range c.All {
		all = append(all, p)
	}
	slices.SortFunc(all, func(a, b *corpus.Paragraph) int { return len(b.Text) - len(a.Text) })
	longest := all[:8]
	// An answer quoting the eight longest records whole, with a long lead.
	a := bot.Answer{Question: "q", Resolved: "q", Lead: strings.Repeat("A lead sentence. ", 200)}
	for _, p := range longest {
		a.Quotes = append(a.Quotes, bot.Quote{Paragraph: p, End: len(p.Text)})
	}
	msgs := answerMessages(a)
	quoted := 0
	for _, m := range msgs {
		checkLimits(t, m)
		for _, e := range m.embeds {
			if e.Footer != nil {
				quoted++
			}
		}
	}
	if quoted != len(longest) {
		t.Errorf("%d citations for %d quotes", quoted, len(longest))
	}
	// Each quote is a run of embeds ending in its citation, all in one
	// message, holding every sentence of the paragraph.
	type placed struct {
		msg int
		e   *discordgo.MessageEmbed
	}
	var flat []placed
	for n, m := range msgs {
		for _, e := range m.embeds {
			flat = append(flat, placed{n, e})
		}
	}
	start := 0
	for _, p := range longest {
		end := start
		for end < len(flat) && (flat[end].e.Footer == nil || !strings.Contains(flat[end].e.Footer.Text, p.ID)) {
			end++
		}
		if end == len(flat) {
			t.Fatalf("no citation for %s", p.ID)
		}
		var text strings.Builder
		for _, f := range flat[start : end+1] {
			if f.msg != flat[start].msg {
				t.Errorf("%s is split across messages", p.ID)
			}
			text.WriteString(f.e.Description + " ")
			// Discord quotes a line that opens with "> "; one met
			// mid-line is shown as it is.
			for _, line := range strings.Split(f.e.Description, "\n") {
				if !strings.HasPrefix(line, "> ") || strings.Contains(line[2:], " > ") {
					t.Errorf("%s: embed line is not one block quote: %.80q", p.ID, line)
					break
				}
			}
		}
		for i := range p.Sentences {
			if !strings.Contains(text.String(), escape(p.Sentence(i))) {
				t.Errorf("%s: sentence %d missing from its embeds", p.ID, i+1)
				break
			}
		}
		start = end + 1
	}
}

func TestPayloads_NeverPing(t *testing.T) {
	p := &corpus.Paragraph{ID: "d:1", Citation: "Doc, ¶1", Text: "Ping @everyone and @here and <@123> and <@&456>. **Bold** `code`.",
		Sentences: []corpus.Span{{Start: 0, End: 47}, {Start: 48, End: 65}}}
	a := bot.Answer{Question: "<@123> @everyone?", Resolved: "<@123> @everyone?", Lead: "According to @everyone:", Quotes: []bot.Quote{{Paragraph: p, End: len(p.Text)}}}
	for _, m := range answerMessages(a) {
		raw, _ := json.Marshal(&discordgo.MessageSend{Content: m.content, Embeds: m.embeds, AllowedMentions: noMentions()})
		s := string(raw)
		if !strings.Contains(s, `"allowed_mentions":{"parse":[]`) {
			t.Errorf("allowed mentions not empty: %s", s)
		}
		for _, bad := range []string{"@everyone", "@here", "<@123>", "<@&456>", "**Bold**"} {
			if strings.Contains(s, bad) {
				t.Errorf("%q left unescaped in %s", bad, s)
			}
		}
	}
}

// "Full paragraph" opens the paragraph that answers, not the lead-in
// sentence saying whose words a block quote gives.
func TestAnswerButtons_FullParagraphOfTheAnswer(t *testing.T) {
	lead := &corpus.Paragraph{ID: "d:1", Text: "Roosevelt wrote to Rice: Ignore this."}
	quote := &corpus.Paragraph{ID: "d:2", Text: "The Japs interest me. I like them."}
	a := bot.Answer{Quotes: []bot.Quote{
		{Paragraph: lead, Start: 0, End: 24, Attribution: true},
		{Paragraph: quote, Start: 0, End: 21},
	}}
	var ids []string
	for _, c := range answerButtons(a, "a1") {
		for _, b := range c.(discordgo.ActionsRow).Components {
			if btn, ok := b.(discordgo.Button); ok && btn.Label == "Full paragraph" {
				ids = append(ids, btn.CustomID)
			}
		}
	}
	if len(ids) != 1 || !strings.Contains(ids[0], "d:2") {
		t.Errorf("Full paragraph buttons %v, want one for d:2", ids)
	}
}
