package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/ibidbot/ibid/bot"
	"github.com/ibidbot/ibid/corpus"
)

func (e *env) corpusCmd(_ context.Context, args []string) error {
	if len(args) == 0 {
		return usageError{"corpus: say stats, export or show ID"}
	}
	switch args[0] {
	case "stats":
		fs := flag.NewFlagSet("corpus stats", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		asJSON := fs.Bool("json", false, "")
		if err := fs.Parse(args[1:]); err != nil {
			return usageError{"corpus stats: " + err.Error()}
		}
		c, took, err := e.loadCorpus()
		if err != nil {
			return err
		}
		return writeStats(e.stdout, c, took, *asJSON)
	case "export":
		if len(args) > 1 {
			return usageError{"corpus export takes no arguments"}
		}
		c, _, err := e.loadCorpus()
		if err != nil {
			return err
		}
		return c.WriteJSONL(e.stdout)
	case "show":
		if len(args) != 2 {
			return usageError{"corpus show takes one record ID"}
		}
		c, _, err := e.loadCorpus()
		if err != nil {
			return err
		}
		return showRecord(e.stdout, c, args[1])
	}
	return usageError{fmt.Sprintf("corpus: unknown command %q", args[0])}
}

func writeStats(w io.Writer, c *corpus.Corpus, took time.Duration, asJSON bool) error {
	if asJSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(c.Docs)
	}
	tw := tabwriter.NewWriter(w, 2, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "document\tprofile\tparagraphs\tquotes\theadings\tcaptions\tnotes\tpages\texact\trefs\tunresolved\t")
	var total corpus.DocStats
	for _, d := range c.Docs {
		s := d.Stats
		k := s.ByKind
		paras := k[corpus.KindBody] + k[corpus.KindAbstract] + k[corpus.KindEpigraph]
		pages := "–"
		if s.Pages[0] > 0 {
			pages = fmt.Sprintf("%d–%d", s.Pages[0], s.Pages[1])
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t%d\t%d\t%s\t%d\t%d\t%d\t\n", d.Meta.ID, d.Profile, paras, k[corpus.KindBlockQuote],
			k[corpus.KindHeading], k[corpus.KindCaption], k[corpus.KindNote], pages, s.PagesExact, s.Refs, s.UnresolvedRefs)
		total.Records += s.Records
		total.Refs += s.Refs
		total.UnresolvedRefs += s.UnresolvedRefs
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(w, "\n%d documents, %d records, %d note references (%d unresolved); loaded in %d ms\n",
		len(c.Docs), total.Records, total.Refs, total.UnresolvedRefs, took.Milliseconds())
	fmt.Fprintln(w, "\nflags:")
	for _, d := range c.Docs {
		var fl []string
		for f, n := range d.Stats.Flags {
			fl = append(fl, fmt.Sprintf("%s %d", f, n))
		}
		slices.Sort(fl)
		fmt.Fprintf(w, "  %s: %s\n", d.Meta.ID, strings.Join(fl, ", "))
	}
	return nil
}

func showRecord(w io.Writer, c *corpus.Corpus, id string) error {
	p, ok := c.Paragraph(id)
	if !ok {
		return unknownID(c, id)
	}
	d, _ := c.Doc(p.Doc)
	fmt.Fprintf(w, "%s  (%s", p.ID, p.Kind)
	if pg := p.Page.String(); pg != "" {
		fmt.Fprintf(w, ", p. %s", pg)
	}
	fmt.Fprintf(w, ", %s lines %d–%d)\n\n%s\n\n— %s\n", p.Source, p.Lines[0], p.Lines[1], p.Text, p.Citation)
	if p.Section != "" {
		fmt.Fprintf(w, "  section: %s\n", p.Section)
	}
	if len(p.Flags) > 0 {
		fmt.Fprintf(w, "  flags: %s\n", joinFlags(p.Flags))
	}
	for _, r := range p.NoteRefs {
		target := "note text not in the source"
		if n, ok := c.Paragraph(r.NoteID); ok {
			target = n.ID + ": " + bot.Truncate(n.Text, 100)
		}
		fmt.Fprintf(w, "  note %s at %d → %s\n", r.Label, r.Offset, target)
	}
	prev, next := c.Neighbours(id)
	if prev != nil {
		fmt.Fprintf(w, "\nprevious: %s  %s\n", prev.ID, bot.Truncate(prev.Text, 100))
	}
	if next != nil {
		fmt.Fprintf(w, "next:     %s  %s\n", next.ID, bot.Truncate(next.Text, 100))
	}
	fmt.Fprintf(w, "\nsource: %s\n", d.Meta.Bibliography())
	return nil
}

// unknownID explains a record ID that does not exist, suggesting the IDs
// that share the longest prefix with it.
func unknownID(c *corpus.Corpus, id string) error {
	msg := fmt.Sprintf("no record with ID %q", id)
	if near := c.NearestIDs(id, 5); len(near) > 0 {
		msg += "; nearest: " + strings.Join(near, ", ")
	}
	return errors.New(msg)
}

func joinFlags(fs []corpus.Flag) string {
	s := make([]string, len(fs))
	for i, f := range fs {
		s[i] = string(f)
	}
	return strings.Join(s, ", ")
}
