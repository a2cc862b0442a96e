package main

import (
	"context"
	"flag"
	"io"
	"os"

	"github.com/ibidbot/ibid/bot/console"
)

// chatCmd runs a terminal conversation with the bot; when standard input is
// not a terminal it reads a script from it, one line per turn.
func (e *env) chatCmd(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("chat", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	if err := fs.Parse(args); err != nil {
		return usageError{"chat: " + err.Error()}
	}
	b, ix, err := e.openBot(ctx)
	if err != nil {
		return err
	}
	defer ix.Close()
	c := &console.Console{Bot: b, Out: e.stdout}
	if f, ok := e.stdin.(*os.File); ok && isTerminal(f) {
		c.Prompt = "ibid> "
	}
	return c.Run(ctx, e.stdin)
}
