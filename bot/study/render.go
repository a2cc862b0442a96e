package study

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

// timeLayout is how transcripts write times: to the minute, in UTC, so a
// transcript reads the same wherever it is exported.
const timeLayout = "2006-01-02 15:04 UTC"

// cut returns the quoted text and its citation, cut from the corpus now. A
// paragraph that the corpus no longer has (or whose text changed under the
// offsets) is reported rather than guessed at.
func (s *Service) cut(q QuoteRef) (text, citation string, ok bool) {
	p, found := s.corpus.Paragraph(q.Paragraph)
	if !found || q.Start < 0 || q.Start > q.End || q.End > len(p.Text) ||
		!utf8.RuneStart(p.Text[q.Start]) || q.End < len(p.Text) && !utf8.RuneStart(p.Text[q.End]) {
		return "", "", false
	}
	return p.Text[q.Start:q.End], p.Citation, true
}

// writeQuote writes a quote as a "> " block followed by its citation.
func (s *Service) writeQuote(b *strings.Builder, q QuoteRef, prefix string) {
	text, citation, ok := s.cut(q)
	if !ok {
		fmt.Fprintf(b, "%s(paragraph %s is no longer in the corpus as it was; the quote cannot be shown)\n", prefix, q.Paragraph)
		return
	}
	for _, line := range strings.Split(text, "\n") {
		b.WriteString(prefix + "> " + line + "\n")
	}
	fmt.Fprintf(b, "%s— %s [%s]\n", prefix, citation, q.Paragraph)
}

// renderDraft renders a drafted answer: its lead and its quotes; unless
// compact, empty lines separate the quotes (Markdown needs them).
func (s *Service) renderDraft(d Draft, prefix string, compact bool) string {
	var b strings.Builder
	b.WriteString(prefix + d.Lead + "\n")
	for i, q := range d.Quotes {
		if !compact {
			b.WriteString("\n")
		}
		if len(d.Quotes) > 1 {
			fmt.Fprintf(&b, "%s[%d]\n", prefix, i+1)
		}
		s.writeQuote(&b, q, prefix)
	}
	return b.String()
}

// renderPost is an approved question as posted in the channel.
func (s *Service) renderPost(q Question) string {
	return fmt.Sprintf("Question #%d from %s: %s\n\n%s", q.Number, q.Asker.Name, q.Text, s.renderDraft(q.Draft, "", false))
}

// renderRound is a quiz round as posted: the sentence with its blank, not
// as a block quote, because only verbatim text is ever shown as one.
func (s *Service) renderRound(r Round) string {
	return fmt.Sprintf("Round %d (%s): which word fills the blank?\nFill the blank: %s\nAnswer with /study answer %d A–D.", r.Number, r.Kind, s.blanked(r), r.Number)
}

// blanked is the round's sentence with the hidden word replaced by a rule.
func (s *Service) blanked(r Round) string {
	p, ok := s.corpus.Paragraph(r.Paragraph)
	if !ok || r.Sentence[0] > r.Blank[0] || r.Blank[1] > r.Sentence[1] || r.Sentence[1] > len(p.Text) {
		return fmt.Sprintf("(paragraph %s is no longer in the corpus as it was)", r.Paragraph)
	}
	return p.Text[r.Sentence[0]:r.Blank[0]] + "_____" + p.Text[r.Blank[1]:r.Sentence[1]]
}

// renderReveal is a round's answer with the full quote and its citation.
func (s *Service) renderReveal(r Round) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Round %d: the answer is %c) %s.\n", r.Number, choiceLetters[r.Correct], r.Choices[r.Correct])
	s.writeQuote(&b, QuoteRef{Paragraph: r.Paragraph, Start: r.Sentence[0], End: r.Sentence[1]}, "")
	b.WriteString(winners(r) + "\n")
	return b.String()
}

func winners(r Round) string {
	var names []string
	for _, a := range r.Answers {
		if a.Choice == r.Correct {
			names = append(names, a.Member.Name)
		}
	}
	if len(names) == 0 {
		return fmt.Sprintf("No one of %d answered correctly.", len(r.Answers))
	}
	return fmt.Sprintf("Correct (%d of %d): %s.", len(names), len(r.Answers), strings.Join(names, ", "))
}

// score is one member's line on the board.
type score struct {
	name            string
	points, answers int
}

func scores(rounds []Round) []score {
	by := map[string]*score{}
	var out []*score
	for _, r := range rounds {
		if !r.Closed {
			continue
		}
		for _, a := range r.Answers {
			sc := by[a.Member.ID]
			if sc == nil {
				sc = &score{name: a.Member.Name}
				by[a.Member.ID] = sc
				out = append(out, sc)
			}
			sc.answers++
			if a.Choice == r.Correct {
				sc.points++
			}
		}
	}
	slices.SortStableFunc(out, func(a, b *score) int {
		return cmp.Or(cmp.Compare(b.points, a.points), cmp.Compare(a.name, b.name))
	})
	res := make([]score, len(out))
	for i, s := range out {
		res[i] = *s
	}
	return res
}

// scoreboard renders the points of revealed rounds as a Markdown table.
func scoreboard(rounds []Round) string {
	sc := scores(rounds)
	if len(sc) == 0 {
		return "Scoreboard: no answers yet.\n"
	}
	var b strings.Builder
	b.WriteString("| Member | Points | Answered |\n|---|---:|---:|\n")
	for _, s := range sc {
		fmt.Fprintf(&b, "| %s | %d | %d |\n", s.name, s.points, s.answers)
	}
	return b.String()
}

// Transcript renders a session as Markdown: every approved question with
// its answer (quotes as "> " block quotes, each followed by its citation),
// the quiz with its results, and a bibliography of the works cited.
func (s *Service) Transcript(ctx context.Context, session int64) (string, error) {
	sess, err := s.store.Session(ctx, session)
	if err != nil {
		return "", err
	}
	qs, rounds, err := s.contents(ctx, session)
	if err != nil {
		return "", err
	}
	return s.transcript(sess, qs, rounds), nil
}

// contents loads a session's questions and quiz rounds.
func (s *Service) contents(ctx context.Context, session int64) ([]Question, []Round, error) {
	qs, err := s.store.Questions(ctx, session)
	if err != nil {
		return nil, nil, err
	}
	rounds, err := s.store.Rounds(ctx, session)
	if err != nil {
		return nil, nil, err
	}
	return qs, rounds, nil
}

// transcript renders a session already loaded.
func (s *Service) transcript(sess Session, qs []Question, rounds []Round) string {
	cited := map[string]bool{}
	var b strings.Builder
	fmt.Fprintf(&b, "# Study session: %s\n\n", sess.Topic)
	fmt.Fprintf(&b, "- Scope: %s\n", s.scopeText(sess.Scope))
	fmt.Fprintf(&b, "- Opened by %s, %s\n", sess.StartedBy.Name, sess.Started.UTC().Format(timeLayout))
	if sess.Open() {
		b.WriteString("- In progress\n")
	} else {
		fmt.Fprintf(&b, "- Ended %s\n", sess.Ended.UTC().Format(timeLayout))
	}
	count := map[Status]int{}
	for _, q := range qs {
		count[q.Status]++
	}
	fmt.Fprintf(&b, "- Questions: %d asked, %d approved, %d rejected, %d pending\n", len(qs), count[Approved], count[Rejected], count[Pending])

	b.WriteString("\n## Questions and answers\n")
	if count[Approved] == 0 {
		b.WriteString("\nNo question was approved.\n")
	}
	for _, q := range qs {
		if q.Status != Approved {
			continue
		}
		fmt.Fprintf(&b, "\n### %d. %s\n\nAsked by %s; approved by %s.\n\n", q.Number, q.Text, q.Asker.Name, q.DecidedBy.Name)
		b.WriteString(q.Draft.Lead + "\n")
		for _, ref := range q.Draft.Quotes {
			b.WriteString("\n")
			s.writeQuote(&b, ref, "")
			cited[ref.Paragraph] = true
		}
	}

	if len(rounds) > 0 {
		b.WriteString("\n## Quiz\n")
		for _, r := range rounds {
			fmt.Fprintf(&b, "\n### Round %d (%s)\n\nFill the blank: %s\n\n", r.Number, r.Kind, s.blanked(r))
			for i, c := range r.Choices {
				fmt.Fprintf(&b, "%c) %s  ", choiceLetters[i], c)
			}
			b.WriteString("\n\n")
			if !r.Closed {
				fmt.Fprintf(&b, "Not revealed yet; %d answer(s).\n", len(r.Answers))
				continue
			}
			fmt.Fprintf(&b, "Answer: %c) %s\n\n", choiceLetters[r.Correct], r.Choices[r.Correct])
			s.writeQuote(&b, QuoteRef{Paragraph: r.Paragraph, Start: r.Sentence[0], End: r.Sentence[1]}, "")
			cited[r.Paragraph] = true
			b.WriteString("\n" + winners(r) + "\n")
		}
		b.WriteString("\n### Scoreboard\n\n" + scoreboard(rounds))
	}

	b.WriteString("\n## Bibliography\n\n")
	n := 0
	for _, d := range s.corpus.Docs {
		for id := range cited {
			if p, ok := s.corpus.Paragraph(id); ok && p.Doc == d.Meta.ID {
				fmt.Fprintf(&b, "- %s\n", d.Meta.Bibliography())
				n++
				break
			}
		}
	}
	if n == 0 {
		b.WriteString("No work was cited.\n")
	}
	return b.String()
}
