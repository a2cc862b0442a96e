package console

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/ibidbot/ibid/bot"
	"github.com/ibidbot/ibid/bot/study"
)

// studySpec is the /study command set, in Discord's option names.
var studySpec = Spec{
	"study":         {},
	"study start":   {"topic", "source", "chapter", "questions_per_member"},
	"study ask":     {"question"},
	"study queue":   {},
	"study approve": {"number"},
	"study reject":  {"number", "reason"},
	"study skip":    {"number"},
	"study quiz":    {"rounds"},
	"study answer":  {"round", "choice"},
	"study reveal":  {},
	"study status":  {},
	"study export":  {},
	"study end":     {},
}

const studyHelp = `Study sessions (ibid chat --as NAME [--moderator] [--channel ID]):
  /study start topic:"…" [source:DOC] [chapter:KEY] [questions_per_member:N]   (moderator)
  /study ask question:"…"           queue a question with a drafted, cited answer (a plain line does the same in a session)
  /study queue                      pending questions with their drafts (moderator)
  /study approve N                  post question N and its answer (moderator; not your own)
  /study reject N [reason:"…"]      decline question N; the asker is told privately (moderator)
  /study skip N                     move question N to the back of the queue (moderator)
  /study quiz [rounds:3]            fill-the-blank rounds from the session's scope (moderator)
  /study answer N A|B|C|D           answer quiz round N
  /study reveal                     reveal the open rounds with their sources and the scoreboard (moderator)
  /study status                     where the session stands
  /study export                     the Markdown transcript so far, on standard output
  /study end                        close the session: summary and transcript (moderator)
`

func init() {
	for k, v := range studySpec {
		spec[k] = v
	}
}

// number reads a positional or named whole number.
func number(cmd Command, name string, pos int) (int, error) {
	v, ok := cmd.Options[name]
	if !ok && pos < len(cmd.Args) {
		v = cmd.Args[pos]
	}
	n, err := strconv.Atoi(strings.TrimPrefix(v, "#"))
	if err != nil {
		return 0, fmt.Errorf("%s: a number is needed, not %q", name, v)
	}
	return n, nil
}

// runStudy runs one /study command.
func (c *Console) runStudy(ctx context.Context, cmd Command) error {
	if c.Study == nil {
		return errors.New("study sessions need a data directory")
	}
	s, who, ch := c.Study, c.Actor, c.Channel
	var r study.Reply
	var err error
	sub := ""
	if len(cmd.Path) > 1 {
		sub = cmd.Path[1]
	}
	switch sub {
	case "start":
		per := 0
		if v, ok := cmd.Options["questions_per_member"]; ok {
			if per, err = strconv.Atoi(v); err != nil {
				return fmt.Errorf("questions_per_member: a number is needed, not %q", v)
			}
		}
		r, err = s.Start(ctx, ch, who, study.StartOptions{Topic: cmd.Option("topic"), Scope: bot.Scope{Doc: cmd.Options["source"], Division: cmd.Options["chapter"]}, PerMember: per})
	case "ask":
		r, err = s.Ask(ctx, ch, who, cmd.Option("question"))
	case "queue":
		r, err = s.Queue(ctx, ch, who)
	case "approve", "skip", "reject":
		var n int
		if n, err = number(cmd, "number", 0); err != nil {
			return err
		}
		switch sub {
		case "approve":
			r, err = s.Approve(ctx, ch, who, n)
		case "skip":
			r, err = s.Skip(ctx, ch, who, n)
		default:
			reason := cmd.Options["reason"]
			if reason == "" && len(cmd.Args) > 1 {
				reason = strings.Join(cmd.Args[1:], " ")
			}
			r, err = s.Reject(ctx, ch, who, n, reason)
		}
	case "quiz":
		rounds := 0
		if _, ok := cmd.Options["rounds"]; ok || len(cmd.Args) > 0 {
			if rounds, err = number(cmd, "rounds", 0); err != nil {
				return err
			}
		}
		r, err = s.Quiz(ctx, ch, who, rounds)
	case "answer":
		var n int
		if n, err = number(cmd, "round", 0); err != nil {
			return err
		}
		choice := cmd.Options["choice"]
		if choice == "" && len(cmd.Args) > 1 {
			choice = strings.Join(cmd.Args[1:], " ")
		}
		r, err = s.Answer(ctx, ch, who, n, choice)
	case "reveal":
		r, err = s.Reveal(ctx, ch, who)
	case "status":
		r, err = s.Status(ctx, ch, who)
	case "export":
		r, err = s.Export(ctx, ch, who)
	case "end":
		r, err = s.End(ctx, ch, who)
	default:
		_, err = fmt.Fprint(c.Out, studyHelp)
		return err
	}
	if err != nil {
		return err
	}
	return c.writeReply(r)
}

// writeReply prints a reply as Discord would show it: public text as is,
// private text and notices marked, buttons listed with the command that
// presses them, and a transcript in full.
func (c *Console) writeReply(r study.Reply) error {
	var b strings.Builder
	if r.Public != "" {
		b.WriteString(strings.TrimRight(r.Public, "\n") + "\n")
	}
	if r.Private != "" {
		fmt.Fprintf(&b, "(only you) %s\n", r.Private)
	}
	for _, it := range r.Items {
		b.WriteString("\n" + strings.TrimRight(it.Text, "\n") + "\n")
		if len(it.Actions) > 0 {
			var labels []string
			for _, a := range it.Actions {
				labels = append(labels, "["+a.Label+"]")
			}
			b.WriteString(strings.Join(labels, " ") + "\n")
		}
	}
	for _, n := range r.Notices {
		fmt.Fprintf(&b, "(privately to %s) %s\n", n.UserID, n.Text)
	}
	if r.Transcript != "" {
		b.WriteString("\n" + r.Transcript)
	}
	b.WriteString("\n")
	_, err := fmt.Fprint(c.Out, b.String())
	return err
}
