package discord

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/ibidbot/ibid/bot"
	"github.com/ibidbot/ibid/bot/study"
	"github.com/ibidbot/ibid/corpus"
)

var (
	defaultCorpusOnce sync.Once
	defaultCorpus     *corpus.Corpus
	defaultCorpusErr  error
)

// studyAdapter is an adapter with just the default corpus, for rendering.
func studyAdapter(t *testing.T) (*Adapter, *corpus.Corpus) {
	t.Helper()
	defaultCorpusOnce.Do(func() { defaultCorpus, defaultCorpusErr = corpus.LoadDefault() })
	c, err := defaultCorpus, defaultCorpusErr
	if err != nil {
		t.Fatal(err)
	}
	return &Adapter{core: bot.New(c, nil), study: newStudyState(), log: slog.New(slog.DiscardHandler)}, c
}

// writeQuote renders a quote as the study service does.
func writeQuote(b *strings.Builder, p *corpus.Paragraph, start, end int) {
	for _, line := range strings.Split(p.Text[start:end], "\n") {
		b.WriteString("> " + line + "\n")
	}
	fmt.Fprintf(b, "— %s [%s]\n", p.Citation, p.ID)
}

func TestStudyMessages_SplitBetweenQuotesNeverInside(t *testing.T) {
	a, c := studyAdapter(t)
	var b strings.Builder
	b.WriteString("Question #1 from *Alice*: who was @everyone?\n\nAccording to the sources:\n")
	var quoted []*corpus.Paragraph
	for p := range c.All {
		if p.Kind == corpus.KindBody && len(p.Sentences) > 2 && len(p.Text) > 400 && len(p.Text) < 1500 && len(quoted) < 12 {
			quoted = append(quoted, p)
			fmt.Fprintf(&b, "\n[%d]\n", len(quoted))
			writeQuote(&b, p, 0, len(p.Text))
		}
	}
	msgs := a.studyMessages(b.String())
	if len(msgs) < 3 {
		t.Fatalf("%d messages for twelve long quotes", len(msgs))
	}
	if !strings.HasPrefix(msgs[0].content, `Question \#1 from \*Alice\*: who was @`+"\u200b"+`everyone?`) {
		t.Errorf("prose not escaped: %q", msgs[0].content)
	}
	seen := 0
	for n, m := range msgs {
		checkLimits(t, m)
		lines := strings.Split(m.content, "\n")
		for i := 0; i < len(lines); i++ {
			if strings.HasPrefix(lines[i], "— ") && (i == 0 || !strings.HasPrefix(lines[i-1], "> ")) {
				t.Errorf("message %d: a citation without its quote: %q", n, lines[i])
			}
			if !strings.HasPrefix(lines[i], "> ") {
				continue
			}
			for i+1 < len(lines) && strings.HasPrefix(lines[i+1], "> ") {
				i++
			}
			if i+1 == len(lines) || !strings.HasPrefix(lines[i+1], "— ") {
				t.Errorf("message %d: a quote cut from its citation at line %d", n, i)
				continue
			}
			p := quoted[seen]
			if !strings.Contains(lines[i+1], escape(p.ID)) || !strings.Contains(m.content, blockQuote(p.Text)) {
				t.Errorf("message %d: quote %d (%s) not whole and escaped", n, seen+1, p.ID)
			}
			seen++
		}
	}
	if seen != len(quoted) {
		t.Errorf("%d quotes rendered, want %d", seen, len(quoted))
	}
}

func TestStudyMessages_LongQuoteGoesInEmbedsCutAtSentences(t *testing.T) {
	a, c := studyAdapter(t)
	var longest *corpus.Paragraph
	for p := range c.All {
		if longest == nil || len(p.Text) > len(longest.Text) {
			longest = p
		}
	}
	var b strings.Builder
	b.WriteString("Round 1: the answer is A) *Tanaka*.\n")
	writeQuote(&b, longest, 0, len(longest.Text))
	b.WriteString("Correct (1 of 2): Alice.\n| Member | Points | Answered |\n|---|---:|---:|\n| Al`ice | 1 | 1 |\n")
	msgs := a.studyMessages(b.String())
	if len(msgs) != 3 || msgs[0].content != `Round 1: the answer is A) \*Tanaka\*.` || len(msgs[1].embeds) < 2 {
		t.Fatalf("want the lead, the quote in embeds of one message, and the rest; got %+v", msgs)
	}
	var quote strings.Builder
	var footer string
	for _, m := range msgs[1 : len(msgs)-1] {
		checkLimits(t, m)
		if m.content != "" {
			t.Errorf("content %q beside a long quote", m.content)
		}
		for _, e := range m.embeds {
			if !strings.HasPrefix(e.Description, "> ") || strings.HasSuffix(e.Description, "…") {
				t.Errorf("embed %q is not a whole block quote", e.Description)
			}
			quote.WriteString(e.Description + "\n")
			if e.Footer != nil {
				footer = e.Footer.Text
			}
		}
	}
	if footer != longest.Citation+" ["+longest.ID+"]" {
		t.Errorf("footer %q", footer)
	}
	for i := range longest.Sentences {
		if !strings.Contains(quote.String(), escape(longest.Sentence(i))) {
			t.Errorf("sentence %d is cut or missing", i+1)
		}
	}
	last := msgs[len(msgs)-1].content
	if !strings.Contains(last, "Correct (1 of 2): Alice.\n```\n| Member | Points | Answered |") || !strings.Contains(last, "| Al'ice | 1 | 1 |\n```") {
		t.Errorf("scoreboard not a code block: %q", last)
	}
}

func TestStudyButtons(t *testing.T) {
	rows := studyButtons([]study.Action{
		{ID: "study:approve:1", Label: "Approve"}, {ID: "study:reject:1", Label: "Reject"}, {ID: "study:skip:1", Label: "Skip"},
	})
	row := rows[0].(discordgo.ActionsRow)
	var styles []discordgo.ButtonStyle
	for _, c := range row.Components {
		styles = append(styles, c.(discordgo.Button).Style)
	}
	if len(rows) != 1 || !slices.Equal(styles, []discordgo.ButtonStyle{discordgo.SuccessButton, discordgo.DangerButton, discordgo.SecondaryButton}) {
		t.Errorf("queue buttons %+v", rows)
	}
	var six []study.Action
	for n := range 6 {
		six = append(six, study.Action{ID: fmt.Sprintf("study:answer:1:%d", n), Label: strings.Repeat("x", 100)})
	}
	rows = studyButtons(six)
	if len(rows) != 2 || utf8.RuneCountInString(rows[0].(discordgo.ActionsRow).Components[0].(discordgo.Button).Label) != maxButtonLabel {
		t.Errorf("six long buttons laid out as %+v", rows)
	}
}

func TestIsModerator(t *testing.T) {
	a, _ := studyAdapter(t)
	a.opts.ModeratorRole = "111"
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		m    *discordgo.Member
		want bool
	}{
		{"no member (a DM)", nil, false},
		{"Manage Messages", &discordgo.Member{Permissions: discordgo.PermissionManageMessages}, true},
		{"Administrator", &discordgo.Member{Permissions: discordgo.PermissionAdministrator}, true},
		{"the role by ID", &discordgo.Member{Roles: []string{"222", "111"}}, true},
		{"no role", &discordgo.Member{Permissions: discordgo.PermissionSendMessages}, false},
	} {
		// a.rest is nil: the role by ID needs no lookup, and nothing else may
		// ask Discord (a lookup would panic).
		if got := a.isModerator(ctx, "g", tc.m); got != tc.want {
			t.Errorf("%s: moderator %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestReplayReader_RereadsAfterEOF(t *testing.T) {
	r := &replayReader{s: "# Study session\n"}
	for range 2 {
		b, err := io.ReadAll(r)
		if err != nil || string(b) != "# Study session\n" {
			t.Fatalf("read %q, %v", b, err)
		}
	}
}
