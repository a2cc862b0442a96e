package retrieval

import (
	"context"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/ibidbot/ibid/corpus"
)

// The benchmarks measure what the "done when" asks, on the default
// corpus:
//
//	go test -run '^$' -bench 'Search|Cite|Open' -benchtime 2000x ./retrieval
//	go test -run '^$' -bench Build -benchtime 3x ./retrieval
//
// Search and Cite report the median and 99th percentile of single calls
// over testdata's questions and fragments (p50-ms, p99-ms); Open the time
// to open a built index; Build a full build; OpenHeap the heap a process
// holds once the index is open.

// latencies records the time of each call and reports its percentiles.
type latencies []time.Duration

func (l latencies) report(b *testing.B) {
	if len(l) == 0 {
		return
	}
	s := slices.Clone(l)
	slices.Sort(s)
	at := func(p float64) float64 {
		return float64(s[min(len(s)-1, int(p*float64(len(s))))].Microseconds()) / 1000
	}
	b.ReportMetric(at(0.50), "p50-ms")
	b.ReportMetric(at(0.99), "p99-ms")
}

func BenchmarkSearch(b *testing.B) {
	ix := defaultIndex(b)
	questions := benchLines(b, "questions.txt")
	ctx := context.Background()
	var lat latencies
	i := 0
	for b.Loop() {
		start := time.Now()
		if _, err := ix.Search(ctx, questions[i%len(questions)], Options{K: 10}); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(start))
		i++
	}
	lat.report(b)
}

func BenchmarkCite(b *testing.B) {
	ix := defaultIndex(b)
	fragments := benchLines(b, "fragments.txt")
	ctx := context.Background()
	var lat latencies
	i := 0
	for b.Loop() {
		start := time.Now()
		if _, err := ix.Cite(ctx, fragments[i%len(fragments)], Scope{}, 1); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(start))
		i++
	}
	lat.report(b)
}

// BenchmarkOpen opens the index the tests built (and closes it again).
func BenchmarkOpen(b *testing.B) {
	defaultIndex(b)
	c, err := corpus.LoadDefault()
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		ix, rep, err := Open(context.Background(), sharedDir, c, false, nil)
		if err != nil || rep.Built {
			b.Fatalf("built=%v err=%v", rep.Built, err)
		}
		ix.Close()
	}
}

// BenchmarkBuild builds the whole index from the loaded corpus.
func BenchmarkBuild(b *testing.B) {
	c, err := corpus.LoadDefault()
	if err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	for b.Loop() {
		ix, _, err := Open(context.Background(), dir, c, true, nil)
		if err != nil {
			b.Fatal(err)
		}
		ix.Close()
	}
}

// BenchmarkOpenHeap reports the heap in use with the corpus loaded and its
// index open, after a search (RSS adds the binary and bleve's mapped
// files: measure it with /usr/bin/time -v ibid search …).
func BenchmarkOpenHeap(b *testing.B) {
	c, err := corpus.LoadDefault()
	if err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	ix, _, err := Open(context.Background(), dir, c, false, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer ix.Close()
	for b.Loop() {
		if _, err := ix.Search(context.Background(), "Stalin and the Tanaka Memorial", Options{}); err != nil {
			b.Fatal(err)
		}
	}
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	b.ReportMetric(float64(m.HeapInuse)/(1<<20), "heap-MB")
	b.ReportMetric(float64(m.Sys)/(1<<20), "sys-MB")
}
