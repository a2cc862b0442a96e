package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/ibidbot/ibid/bot/console"
	"github.com/ibidbot/ibid/bot/sqlite"
	"github.com/ibidbot/ibid/bot/study"
)

// studyDBName is the database's file in the data directory: study
// sessions, and the Discord bot's feedback and channel settings.
const studyDBName = "study.db"

// openDB opens the database in the data directory, creating both if need
// be; `ibid chat` and `ibid serve` share it.
func (e *env) openDB(ctx context.Context) (*sqlite.DB, error) {
	if err := os.MkdirAll(e.cfg.DataDir, 0o755); err != nil {
		return nil, fmt.Errorf("data directory: %w", err)
	}
	return sqlite.Open(ctx, filepath.Join(e.cfg.DataDir, studyDBName))
}

// chatCmd runs a terminal conversation with the bot; when standard input is
// not a terminal it reads a script from it, one line per turn. --as,
// --moderator and --channel say who is typing where, so that several
// processes can play the members of one study session against the same
// database.
func (e *env) chatCmd(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("chat", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	as := fs.String("as", "you", "")
	moderator := fs.Bool("moderator", false, "")
	channel := fs.String("channel", "console", "")
	if err := fs.Parse(args); err != nil {
		return usageError{"chat: " + err.Error()}
	}
	if *as == "" || *channel == "" {
		return usageError{"chat: --as and --channel need a value"}
	}
	b, ix, err := e.openBot(ctx)
	if err != nil {
		return err
	}
	defer ix.Close()
	db, err := e.openDB(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	c := &console.Console{
		Bot:     b,
		Out:     e.stdout,
		Study:   study.New(db, b, b.Corpus()),
		Actor:   study.Actor{ID: *as, Name: *as, Moderator: *moderator},
		Channel: *channel,
	}
	if f, ok := e.stdin.(*os.File); ok && isTerminal(f) {
		c.Prompt = "ibid> "
	}
	return c.Run(ctx, e.stdin)
}
