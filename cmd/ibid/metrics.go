package main

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"golang.org/x/text/unicode/norm"
)

// evalMetrics sums up an evaluation run the way ../shared/eval/score.py
// does, so that a run shows where it stands without the scorer.
type evalMetrics struct {
	ranks  map[string][]int // question type → rank of the first gold hit (0: none in the top 10)
	cites  []bool           // quote questions: cite returned text holding the gold
	search []float64
	cite   []float64
}

// foldGold folds text as score.py does: NFKC, straight quotes, lower case,
// single spaces.
func foldGold(s string) string {
	s = norm.NFKC.String(s)
	s = strings.NewReplacer("\u2018", "'", "\u2019", "'", "\u201c", `"`, "\u201d", `"`, "\u00ad", "").Replace(s)
	return strings.ToLower(strings.Join(strings.Fields(s), " "))
}

func holdsGold(text string, gold []string) bool {
	t := foldGold(text)
	for _, g := range gold {
		if strings.Contains(t, foldGold(g)) {
			return true
		}
	}
	return false
}

func (m *evalMetrics) add(q evalQuestion, r evalResult) {
	m.search = append(m.search, r.MS["search"])
	m.cite = append(m.cite, r.MS["cite"])
	if len(q.Gold) == 0 {
		return
	}
	if m.ranks == nil {
		m.ranks = map[string][]int{}
	}
	rank := 0
	for i, h := range r.Hits {
		if i < 10 && holdsGold(h.Text, q.Gold) {
			rank = i + 1
			break
		}
	}
	m.ranks["all"] = append(m.ranks["all"], rank)
	m.ranks[q.Type] = append(m.ranks[q.Type], rank)
	if q.Type == "quote" {
		m.cites = append(m.cites, r.Cite.Found && holdsGold(r.Cite.Text, q.Gold))
	}
}

func (m *evalMetrics) print(w io.Writer) {
	types := make([]string, 0, len(m.ranks))
	for t := range m.ranks {
		types = append(types, t)
	}
	slices.Sort(types)
	fmt.Fprintf(w, "%-12s %5s %6s %6s %6s\n", "type", "n", "R@1", "R@5", "MRR@10")
	for _, t := range types {
		rs := m.ranks[t]
		var r1, r5, mrr float64
		for _, r := range rs {
			if r == 1 {
				r1++
			}
			if r >= 1 && r <= 5 {
				r5++
			}
			if r > 0 {
				mrr += 1 / float64(r)
			}
		}
		n := float64(len(rs))
		fmt.Fprintf(w, "%-12s %5d %6.3f %6.3f %6.3f\n", t, len(rs), r1/n, r5/n, mrr/n)
	}
	if len(m.cites) > 0 {
		ok := 0
		for _, c := range m.cites {
			if c {
				ok++
			}
		}
		fmt.Fprintf(w, "cite exact on quote questions: %.3f (%d/%d)\n", float64(ok)/float64(len(m.cites)), ok, len(m.cites))
	}
	fmt.Fprintf(w, "search ms p50 %.2f p95 %.2f; cite ms p50 %.2f p95 %.2f\n", pct(m.search, 50), pct(m.search, 95), pct(m.cite, 50), pct(m.cite, 95))
}

// pct is the p-th percentile of xs (nearest rank, as score.py takes it).
func pct(xs []float64, p int) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	if p == 50 {
		if len(s)%2 == 1 {
			return s[len(s)/2]
		}
		return (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	return s[min(len(s)-1, len(s)*p/100)]
}
