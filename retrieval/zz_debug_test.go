package retrieval

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/ibidbot/ibid/corpus"
)

func TestZZDebug(t *testing.T) {
	ids := strings.Split(os.Getenv("QIDS"), ",")
	ix := defaultIndex(t)
	qf := os.Getenv("QFILE")
	if qf == "" {
		qf = "../../shared/eval/dev.jsonl"
	}
	f, _ := os.Open(qf)
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var q struct {
			ID, Question string
			Gold         []string
		}
		json.Unmarshal(sc.Bytes(), &q)
		want := false
		for _, id := range ids {
			want = want || id == q.ID
		}
		if !want {
			continue
		}
		fmt.Println("=====", q.ID, q.Question)
		pq := ix.prepare(q.Question)
		for i, sl := range pq.slots {
			fmt.Printf("  slot%d w=%.2f:", i, sl.weight)
			for _, sp := range sl.spellings {
				fmt.Print(" [")
				for _, k := range sp.terms {
					fmt.Printf("%s(%.1f) ", ix.stats.terms[pq.terms[k].id], pq.terms[k].idf)
				}
				fmt.Printf("×%.2f]", sp.scale)
			}
			fmt.Println()
		}

		req := bleve.NewSearchRequestOptions(ix.candidateQuery(pq, Scope{}), 1000, 0, false)
		res, _ := ix.bleve.SearchInContext(context.Background(), req)
		gold := ""
		ix.corpus.All(func(p *corpus.Paragraph) bool {
			for _, g := range q.Gold {
				if strings.Contains(foldPhrase(p.Text), foldPhrase(g)) {
					gold = p.ID
				}
			}
			return true
		})
		for i, h := range res.Hits {
			if h.ID == gold {
				fmt.Println("  gold", gold, "bleve rank", i+1)
			}
		}
		hits, _ := ix.Search(context.Background(), q.Question, Options{K: 2869})
		scr := ix.newScorer(pq)
		for i, h := range hits {
			if h.Paragraph.ID == gold || i < 5 {
				fmt.Printf("  %d %s %.3f %s | %s\n", i+1, h.Paragraph.ID, h.Score, matched(ix, scr, h), clip(h.Paragraph.Sentence(h.Sentence), 150))
			}
		}
		scr.release()
	}
}

func matched(ix *Index, sc *scorer, h Hit) string {
	var out []string
	for _, m := range h.Matches {
		out = append(out, h.Paragraph.Text[m.Start:m.End])
	}
	return strings.Join(out, ",")
}

func clip(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
