// Package console runs Ibid's commands from a terminal or a script on
// standard input: the same core as Discord, without Discord, so that answers,
// citations and study sessions can be tried and rehearsed locally.
package console

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/ibidbot/ibid/bot"
	"github.com/ibidbot/ibid/bot/study"
)

// Console is one terminal conversation with the bot. Plain lines are
// questions that keep the conversation's context (follow-ups work); slash
// commands are those of Discord in their text form.
type Console struct {
	Bot *bot.Bot
	Out io.Writer
	// Prompt, when set, is printed before each line is read (interactive use).
	Prompt string
	// Study, when set, runs /study commands as Actor in Channel; plain
	// lines in a channel with an open session are questions to it.
	Study   *study.Service
	Actor   study.Actor
	Channel string

	conv bot.Conversation
}

// spec is the console's command set.
var spec = Spec{
	"ask":     {"question", "source"},
	"cite":    {"text", "source"},
	"source":  {"id"},
	"sources": {},
	"new":     {},
	"help":    {},
	"quit":    {},
}

const help = `Type a question, or a command:
  /ask question:"…" [source:DOC]   answer from the corpus (a plain line does the same, keeping the conversation)
  /cite text:"…" [source:DOC]      the exact sentence(s) a remembered fragment comes from, or /cite ID
  /source id:ID                    one paragraph with its citation and neighbours
  /sources                         the documents of the corpus with their bibliography
  /new                             forget the conversation
  /quit                            leave
`

// errQuit ends Run without an error.
var errQuit = errors.New("quit")

// Run reads lines from in until it ends, answering each. A failing line is
// reported and the session goes on; only a write error stops it.
func (c *Console) Run(ctx context.Context, in io.Reader) error {
	sc := bufio.NewScanner(in)
	sc.Buffer(nil, 1<<20)
	for {
		if c.Prompt != "" {
			fmt.Fprint(c.Out, c.Prompt)
		}
		if !sc.Scan() {
			return sc.Err()
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		err := c.Handle(ctx, line)
		switch {
		case errors.Is(err, errQuit):
			return nil
		case err != nil:
			if _, werr := fmt.Fprintf(c.Out, "error: %v\n\n", err); werr != nil {
				return werr
			}
		}
	}
}

// Handle runs one line.
func (c *Console) Handle(ctx context.Context, line string) error {
	if !strings.HasPrefix(line, "/") {
		if c.Study != nil {
			if _, err := c.Study.Current(ctx, c.Channel); err == nil {
				return c.runStudy(ctx, Command{Path: []string{"study", "ask"}, Options: map[string]string{"question": line}})
			} else if !errors.Is(err, study.ErrNoSession) {
				return err
			}
		}
		return c.ask(ctx, line, bot.Scope{}, &c.conv)
	}
	cmd, err := ParseCommand(line, spec)
	if err != nil {
		return err
	}
	scope := bot.Scope{Doc: cmd.Options["source"]}
	switch strings.Join(cmd.Path, " ") {
	case "ask":
		return c.ask(ctx, cmd.Option("question"), scope, &c.conv)
	case "cite":
		return c.cite(ctx, cmd.Option("text"), scope)
	case "source":
		return c.source(cmd.Option("id"))
	case "sources":
		return c.sources()
	case "new":
		c.conv = bot.Conversation{}
		_, err := fmt.Fprintln(c.Out, "(new conversation)")
		return err
	case "help":
		_, err := fmt.Fprint(c.Out, help+"\n"+studyHelp)
		return err
	case "quit":
		return errQuit
	}
	if cmd.Path[0] == "study" {
		return c.runStudy(ctx, cmd)
	}
	return fmt.Errorf("unknown command %s", line)
}

func (c *Console) ask(ctx context.Context, q string, scope bot.Scope, conv *bot.Conversation) error {
	a, err := c.Bot.Ask(ctx, q, scope, conv, nil)
	if err != nil {
		return err
	}
	if a.Resolved != a.Question {
		fmt.Fprintf(c.Out, "(read as: %s)\n", a.Resolved)
	}
	_, err = fmt.Fprintln(c.Out, bot.FormatText(a))
	return err
}

func (c *Console) cite(ctx context.Context, text string, scope bot.Scope) error {
	ex, err := c.Bot.Cite(ctx, text, scope, 3)
	if err != nil {
		return err
	}
	if len(ex) == 0 {
		_, err := fmt.Fprint(c.Out, "No passage of the corpus matches these words closely enough.\n\n")
		return err
	}
	var b strings.Builder
	for i, e := range ex {
		switch {
		case e.Whole():
			b.WriteString("Paragraph " + e.Paragraph.ID + ":\n")
		case e.Exact:
			b.WriteString("Exact match:\n")
		case i == 0:
			fmt.Fprintf(&b, "Closest match (%.0f%% of your words):\n", 100*e.Confidence)
		default:
			fmt.Fprintf(&b, "Also close (%.0f%%):\n", 100*e.Confidence)
		}
		b.WriteString(bot.FormatQuote(e.Quote))
		b.WriteString("\n")
		if e.Exact {
			break
		}
	}
	_, err = fmt.Fprint(c.Out, b.String())
	return err
}

func (c *Console) source(id string) error {
	v, err := c.Bot.Source(id)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(c.Out, bot.FormatSource(v))
	return err
}

func (c *Console) sources() error {
	_, err := fmt.Fprintln(c.Out, bot.FormatSources(c.Bot.Sources()))
	return err
}
