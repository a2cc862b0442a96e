// Command ibid answers history questions from a corpus of books and
// articles, always quoting and citing the source paragraph. main only wires:
// flags and environment → config → corpus → the subcommand.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/ibidbot/ibid/config"
	"github.com/ibidbot/ibid/corpus"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		var u usageError
		if errors.As(err, &u) {
			fmt.Fprintf(os.Stderr, "ibid: %v\n\n%s", err, usage)
			os.Exit(2)
		}
		fmt.Fprintln(os.Stderr, "ibid:", err)
		os.Exit(1)
	}
}

const usage = `usage: ibid [--data DIR] [--corpus DIR] [--config FILE] COMMAND

commands:
  corpus stats [--json]    per document: paragraphs, notes, headings, pages, flags, unresolved references
  corpus export            every record as JSON Lines
  corpus show ID           one record, its citation and its neighbours
  index                    (re)build the search index and say how long it took
  search [--json] [--k N] [--doc ID] QUERY
                           the passages that best answer QUERY
  cite [--json] [--doc ID] TEXT
                           the exact sentence(s) a remembered fragment (or a paragraph ID) comes from
  ask [--json] [--doc ID] QUESTION
                           answer from the corpus, quoting and citing the paragraph (or say it does not answer)
  chat                     a conversation with the bot: questions and /ask, /cite, /source, /sources, /help
                           (reads a script from standard input when it is not a terminal)
  chat --as NAME [--moderator] [--channel ID]
                           also /study sessions (start, ask, queue, approve, reject, skip, quiz,
                           answer, reveal, status, export, end) kept in DATA/study.db
  serve                    run the Discord bot (token from DISCORD_TOKEN; see README); feedback
                           and /autoanswer channels are kept in DATA/study.db
  eval QUESTIONS.jsonl --out RESULTS.jsonl
                           run the questions, write results for ../shared/eval/score.py

global flags:
  --data DIR     data directory (env IBID_DATA; default: the user cache directory)
  --corpus DIR   corpus directory of .txt files and corpus.yaml (env IBID_CORPUS; default: the embedded corpus)
  --config FILE  YAML configuration file (env IBID_CONFIG)
`

// usageError is a mistake in the command line; main prints the usage after it.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// env is what a command needs from the outside world.
type env struct {
	cfg    config.Config
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

// run parses the global flags, loads the configuration and dispatches.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("ibid", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	dataDir := fs.String("data", "", "")
	corpusDir := fs.String("corpus", "", "")
	configPath := fs.String("config", getenv("IBID_CONFIG"), "")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(stdout, usage)
			return nil
		}
		return usageError{err.Error()}
	}
	cfg, err := config.Load(*configPath, getenv)
	if err != nil {
		return err
	}
	if *dataDir != "" {
		cfg.DataDir = *dataDir
	}
	if *corpusDir != "" {
		cfg.CorpusDir = *corpusDir
	}
	e := &env{cfg: cfg, stdin: stdin, stdout: stdout, stderr: stderr}
	rest := fs.Args()
	if len(rest) == 0 {
		return usageError{"no command"}
	}
	switch rest[0] {
	case "corpus":
		return e.corpusCmd(ctx, rest[1:])
	case "index":
		return e.indexCmd(ctx, rest[1:])
	case "search":
		return e.searchCmd(ctx, rest[1:])
	case "cite":
		return e.citeCmd(ctx, rest[1:])
	case "ask":
		return e.askCmd(ctx, rest[1:])
	case "chat":
		return e.chatCmd(ctx, rest[1:])
	case "serve":
		return e.serveCmd(ctx, rest[1:])
	case "eval":
		return e.evalCmd(ctx, rest[1:])
	case "help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	return usageError{fmt.Sprintf("unknown command %q", rest[0])}
}

// loadCorpus loads the configured corpus and reports how long it took.
func (e *env) loadCorpus() (*corpus.Corpus, time.Duration, error) {
	start := time.Now()
	var c *corpus.Corpus
	var err error
	if e.cfg.CorpusDir != "" {
		c, err = corpus.LoadDir(e.cfg.CorpusDir)
	} else {
		c, err = corpus.LoadDefault()
	}
	if err != nil {
		return nil, 0, fmt.Errorf("load corpus: %w", err)
	}
	return c, time.Since(start), nil
}
