package corpus

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// PipelineVersion changes whenever the pipeline's output changes for the
// same input, so that indexes built from older records are rebuilt.
const PipelineVersion = "2"

//go:embed defaultcorpus
var defaultFS embed.FS

// DefaultFS is the embedded default corpus: five texts on Soviet–Japanese
// relations, 1894–1945, and their manifest.
func DefaultFS() fs.FS {
	sub, err := fs.Sub(defaultFS, "defaultcorpus")
	if err != nil {
		panic(err) // the embedded directory is part of the binary
	}
	return sub
}

// LoadDefault loads the embedded default corpus.
func LoadDefault() (*Corpus, error) { return Load(DefaultFS()) }

// LoadDir loads a corpus directory: its *.txt files and, if present, its
// corpus.yaml.
func LoadDir(dir string) (*Corpus, error) {
	st, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("corpus directory: %w", err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("corpus directory %s: not a directory", dir)
	}
	return Load(os.DirFS(dir))
}

// ErrEmpty is returned for a corpus directory with no text files.
var ErrEmpty = errors.New("no .txt files in the corpus directory")

// Load reads every *.txt file at the top of fsys and the manifest, and runs
// the pipeline. Documents come in manifest order, then the files the manifest
// does not list, by name. A file the manifest lists but fsys lacks is an
// error, as is a text that is not UTF-8.
func Load(fsys fs.FS) (*Corpus, error) {
	h := sha256.New()
	h.Write([]byte("ibid-corpus " + PipelineVersion + "\n"))
	var man *Manifest
	if data, err := fs.ReadFile(fsys, ManifestFile); err == nil {
		if man, err = ParseManifest(data); err != nil {
			return nil, err
		}
		h.Write(data)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("read %s: %w", ManifestFile, err)
	}
	names, err := fs.Glob(fsys, "*.txt")
	if err != nil {
		return nil, fmt.Errorf("list corpus: %w", err)
	}
	if len(names) == 0 {
		return nil, ErrEmpty
	}
	slices.Sort(names)
	order := orderFiles(man, names)
	if man != nil {
		for _, d := range man.Documents {
			if !slices.Contains(names, d.File) {
				return nil, fmt.Errorf("%s lists %s, which is not in the corpus directory", ManifestFile, d.File)
			}
		}
	}
	inputs := make([]*docInput, 0, len(order))
	ids := map[string]string{}
	for _, name := range order {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", name, err)
		}
		fmt.Fprintf(h, "%s %d\n", name, len(data))
		h.Write(data)
		entry := man.entryFor(name)
		if prev, dup := ids[entry.Meta.ID]; dup {
			return nil, fmt.Errorf("files %s and %s would both have the document id %q: give one an id in %s", prev, name, entry.Meta.ID, ManifestFile)
		}
		ids[entry.Meta.ID] = name
		in, err := newDocInput(name, data, entry)
		if err != nil {
			return nil, err
		}
		inputs = append(inputs, in)
	}
	v := newVocab()
	for _, in := range inputs {
		v.add(in.lines, in.entry.Layout.LigaturesLost)
	}
	c := &Corpus{Hash: hex.EncodeToString(h.Sum(nil))[:16]}
	if man != nil {
		c.Aliases = man.Aliases
	}
	for _, in := range inputs {
		doc, err := processDocument(in, v)
		if err != nil {
			return nil, err
		}
		c.Docs = append(c.Docs, doc)
	}
	c.index()
	return c, nil
}

func orderFiles(man *Manifest, names []string) []string {
	var order []string
	listed := map[string]bool{}
	if man != nil {
		for _, d := range man.Documents {
			order = append(order, d.File)
			listed[d.File] = true
		}
	}
	for _, n := range names {
		if !listed[n] {
			order = append(order, n)
		}
	}
	return order
}

// newDocInput validates and normalises a text: UTF-8 (a BOM is dropped),
// CRLF and CR line ends, NFC (so "Seigo\u0304" equals "Seigō").
func newDocInput(name string, data []byte, entry DocManifest) (*docInput, error) {
	data = bytes.TrimPrefix(data, []byte("\uFEFF"))
	if !utf8.Valid(data) {
		off := 0
		for off < len(data) {
			r, size := utf8.DecodeRune(data[off:])
			if r == utf8.RuneError && size <= 1 {
				break
			}
			off += size
		}
		line := bytes.Count(data[:off], []byte("\n")) + 1
		return nil, fmt.Errorf("%s: not UTF-8 text (invalid byte at line %d); convert it to UTF-8", name, line)
	}
	s := norm.NFC.String(string(data))
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	s = strings.ReplaceAll(s, "\f", "\n")
	lines := strings.Split(s, "\n")
	if len(lines) > 0 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	in := &docInput{file: name, lines: lines, entry: entry}
	for _, pat := range entry.Layout.Drop {
		in.drop = append(in.drop, regexp.MustCompile(pat)) // validated by ParseManifest
	}
	return in, nil
}

// processDocument runs the layout segmenter and the finishing stage on one
// document.
func processDocument(in *docInput, v *vocab) (*Document, error) {
	profile := in.entry.Layout.Profile
	if profile == "" {
		profile = measureProfile(in.lines)
	}
	seg, err := segmenterFor(profile)(in)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", in.file, err)
	}
	if len(seg.divisions) == 0 {
		seg.divisions = in.entry.Divisions
	}
	doc := finishDocument(in, seg, v)
	doc.Profile = profile
	return doc, nil
}

// ParseText runs the pipeline on one text with no manifest entry, as a
// corpus of one. It is what the fuzz test drives.
func ParseText(name string, data []byte) (*Document, error) {
	in, err := newDocInput(name, data, (*Manifest)(nil).entryFor(name))
	if err != nil {
		return nil, err
	}
	v := newVocab()
	v.add(in.lines, false)
	return processDocument(in, v)
}

func (c *Corpus) index() {
	c.byID = map[string]*Paragraph{}
	c.pos = map[string]int{}
	c.docs = map[string]*Document{}
	for _, d := range c.Docs {
		c.docs[d.Meta.ID] = d
		for i := range d.Paragraphs {
			p := &d.Paragraphs[i]
			c.byID[p.ID] = p
			c.pos[p.ID] = i
		}
	}
}
