package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/ibidbot/ibid/bot"
	"github.com/ibidbot/ibid/retrieval"
)

// openIndex loads the corpus and opens its index, building it on first use
// with a progress bar when stderr is a terminal.
func (e *env) openIndex(ctx context.Context, force bool) (*retrieval.Index, retrieval.BuildReport, error) {
	c, _, err := e.loadCorpus()
	if err != nil {
		return nil, retrieval.BuildReport{}, err
	}
	var progress retrieval.Progress
	if isTerminal(e.stderr) {
		progress = progressBar(e.stderr)
	}
	return retrieval.Open(ctx, e.cfg.DataDir, c, force, progress)
}

// progressBar draws "indexing [#####.....] 1500/2869 records" on one line,
// redrawn in place, and ends the line when done. A build takes about a
// second, so a plain line beats a dependency.
func progressBar(w io.Writer) retrieval.Progress {
	const width = 30
	return func(done, total int) {
		filled := width
		if total > 0 {
			filled = width * done / total
		}
		fmt.Fprintf(w, "\rindexing [%s%s] %d/%d records", strings.Repeat("#", filled), strings.Repeat(".", width-filled), done, total)
		if done >= total {
			fmt.Fprintln(w)
		}
	}
}

// isTerminal reports whether w is a terminal, where a progress line helps.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

func (e *env) indexCmd(ctx context.Context, args []string) error {
	if len(args) > 0 {
		return usageError{"index takes no arguments"}
	}
	ix, rep, err := e.openIndex(ctx, true)
	if err != nil {
		return err
	}
	defer ix.Close()
	fmt.Fprintf(e.stdout, "built the search index of %d records in %s: %s (%.1f MB)\n",
		rep.Records, rep.Took.Round(time.Millisecond), rep.Dir, float64(rep.Bytes)/(1<<20))
	return nil
}

// textArgs are the arguments of search and cite.
type textArgs struct {
	json bool
	k    int
	doc  string
	text string // the words after the flags
}

func parseTextArgs(name string, args []string) (textArgs, error) {
	var a textArgs
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.BoolVar(&a.json, "json", false, "")
	fs.IntVar(&a.k, "k", 0, "")
	fs.StringVar(&a.doc, "doc", "", "")
	if err := fs.Parse(args); err != nil {
		return a, usageError{name + ": " + err.Error()}
	}
	a.text = strings.Join(fs.Args(), " ")
	if strings.TrimSpace(a.text) == "" {
		return a, usageError{name + " needs text"}
	}
	return a, nil
}

type hitJSON struct {
	ID       string  `json:"id"`
	Text     string  `json:"text"`
	Citation string  `json:"citation"`
	Score    float64 `json:"score"`
	Sentence string  `json:"sentence"`
}

func hitsJSON(hits []retrieval.Hit) []hitJSON {
	out := make([]hitJSON, 0, len(hits))
	for _, h := range hits {
		out = append(out, hitJSON{ID: h.Paragraph.ID, Text: h.Paragraph.Text, Citation: h.Paragraph.Citation, Score: h.Score, Sentence: h.Paragraph.Sentence(h.Sentence)})
	}
	return out
}

func (e *env) searchCmd(ctx context.Context, args []string) error {
	a, err := parseTextArgs("search", args)
	if err != nil {
		return err
	}
	ix, _, err := e.openIndex(ctx, false)
	if err != nil {
		return err
	}
	defer ix.Close()
	hits, err := ix.Search(ctx, a.text, retrieval.Options{K: a.k, Scope: retrieval.Scope{Doc: a.doc}})
	if err != nil {
		return err
	}
	if a.json {
		return json.NewEncoder(e.stdout).Encode(hitsJSON(hits))
	}
	if len(hits) == 0 {
		fmt.Fprintln(e.stdout, "no passage matches")
	}
	for i, h := range hits {
		fmt.Fprintf(e.stdout, "%d. %s  (%.2f)\n   %s\n   — %s\n\n", i+1, h.Paragraph.ID, h.Score, bot.Truncate(h.Paragraph.Sentence(h.Sentence), 300), h.Paragraph.Citation)
	}
	return nil
}

type citeJSON struct {
	Found       bool    `json:"found"`
	ParagraphID string  `json:"paragraph_id,omitempty"`
	Text        string  `json:"text,omitempty"`
	Citation    string  `json:"citation,omitempty"`
	Start       int     `json:"start"`
	End         int     `json:"end"`
	Confidence  float64 `json:"confidence"`
	Exact       bool    `json:"exact"`
}

func quoteJSON(qs []bot.Excerpt) citeJSON {
	if len(qs) == 0 {
		return citeJSON{}
	}
	q := qs[0]
	return citeJSON{Found: true, ParagraphID: q.Paragraph.ID, Text: q.Text(), Citation: q.Paragraph.Citation, Start: q.Start, End: q.End, Confidence: q.Confidence, Exact: q.Exact}
}

func (e *env) citeCmd(ctx context.Context, args []string) error {
	a, err := parseTextArgs("cite", args)
	if err != nil {
		return err
	}
	b, ix, err := e.openBot(ctx)
	if err != nil {
		return err
	}
	defer ix.Close()
	// A paragraph ID (or ID#N) cites that paragraph (or sentence); anything
	// else is a remembered fragment.
	qs, err := b.Cite(ctx, a.text, bot.Scope{Doc: a.doc}, 1)
	if err != nil {
		return err
	}
	if a.json {
		return json.NewEncoder(e.stdout).Encode(quoteJSON(qs))
	}
	if len(qs) == 0 {
		return fmt.Errorf("no passage of the corpus matches that text closely enough")
	}
	q := qs[0]
	kind := "exact match"
	if !q.Exact {
		kind = fmt.Sprintf("closest match, confidence %.2f", q.Confidence)
	}
	fmt.Fprintf(e.stdout, "“%s”\n— %s\n(%s; %s)\n", q.Text(), q.Paragraph.Citation, q.Paragraph.ID, kind)
	return nil
}

// evalQuestion is a line of an evaluation file (../shared/eval/README.md).
type evalQuestion struct {
	ID       string   `json:"id"`
	Type     string   `json:"type"`
	Question string   `json:"question"`
	Gold     []string `json:"gold"`
}

type evalResult struct {
	ID     string             `json:"id"`
	Hits   []hitJSON          `json:"hits"`
	Cite   citeJSON           `json:"cite"`
	Answer *answerOut         `json:"answer,omitempty"`
	MS     map[string]float64 `json:"ms"`
}

func (e *env) evalCmd(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("eval", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	out := fs.String("out", "", "")
	// Go's flag package stops at the first argument; accept the file first.
	var file string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		file, args = args[0], args[1:]
	}
	if err := fs.Parse(args); err != nil {
		return usageError{"eval: " + err.Error()}
	}
	if file == "" && fs.NArg() == 1 {
		file = fs.Arg(0)
	}
	if file == "" || *out == "" {
		return usageError{"eval needs QUESTIONS.jsonl and --out RESULTS.jsonl"}
	}
	in, err := os.Open(file)
	if err != nil {
		return err
	}
	defer in.Close()
	var qs []evalQuestion
	sc := bufio.NewScanner(in)
	sc.Buffer(nil, 1<<20)
	for n := 1; sc.Scan(); n++ {
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		var q evalQuestion
		if err := json.Unmarshal(sc.Bytes(), &q); err != nil {
			return fmt.Errorf("%s line %d: %w", file, n, err)
		}
		qs = append(qs, q)
	}
	if err := sc.Err(); err != nil {
		return err
	}
	b, ix, err := e.openBot(ctx)
	if err != nil {
		return err
	}
	defer ix.Close()
	f, err := os.Create(*out)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	var m evalMetrics
	for _, q := range qs {
		r := evalResult{ID: q.ID, MS: map[string]float64{}}
		t0 := time.Now()
		hits, err := ix.Search(ctx, q.Question, retrieval.Options{K: 10})
		r.MS["search"] = float64(time.Since(t0).Microseconds()) / 1000
		if err == nil {
			r.Hits = hitsJSON(hits)
		}
		t0 = time.Now()
		quotes, err := b.Cite(ctx, strings.TrimPrefix(strings.TrimSpace(q.Question), "/cite "), bot.Scope{}, 1)
		r.MS["cite"] = float64(time.Since(t0).Microseconds()) / 1000
		if err == nil {
			r.Cite = quoteJSON(quotes)
		}
		t0 = time.Now()
		ans, err := b.Ask(ctx, q.Question, bot.Scope{}, nil, nil)
		r.MS["answer"] = float64(time.Since(t0).Microseconds()) / 1000
		if err == nil {
			a := answerJSON(ans)
			r.Answer = &a
		}
		if err := enc.Encode(r); err != nil {
			f.Close()
			return err
		}
		m.add(q, r)
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%d questions → %s\n", len(qs), *out)
	m.print(e.stdout)
	return nil
}
