package retrieval

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2"

	"github.com/ibidbot/ibid/corpus"
)

// Index is the search index of one corpus: a bleve index on disk for
// candidates, and term statistics in memory for reranking. It is opened
// once and shared by concurrent requests.
type Index struct {
	bleve  bleve.Index
	corpus *corpus.Corpus
	Dir    string
	stats  *termStats
	// aliases are the manifest's name variants plus the abbreviations the
	// corpus defines.
	aliases []aliasGroup
}

// BuildReport says what Open did, for `ibid index` and the logs.
type BuildReport struct {
	Dir     string
	Built   bool // false: an up-to-date index was opened
	Records int
	Bytes   int64 // size on disk of a newly built index
	Took    time.Duration
}

// Progress is told how many records are indexed so far.
type Progress func(done, total int)

// indexDirName keys the index by the corpus hash and the mapping version:
// a change to either builds a new one.
func indexDirName(c *corpus.Corpus) string {
	return "index-" + c.Hash + "-m" + MappingVersion
}

// completeMarker is written last into a built index, so that a build cut
// short (a crash, a kill) is rebuilt rather than opened.
const completeMarker = "ibid-complete"

// Open opens the index of c under dataDir, building it first when it is
// missing, incomplete or was built from another corpus or mapping. force
// rebuilds it regardless.
func Open(ctx context.Context, dataDir string, c *corpus.Corpus, force bool, progress Progress) (*Index, BuildReport, error) {
	start := time.Now()
	dir := filepath.Join(dataDir, indexDirName(c))
	rep := BuildReport{Dir: dir, Records: c.Len()}
	if _, err := os.Stat(filepath.Join(dir, completeMarker)); err != nil || force {
		if err := build(ctx, dir, c, progress); err != nil {
			return nil, rep, err
		}
		rep.Built = true
		rep.Bytes = dirSize(dir)
		removeStale(dataDir, filepath.Base(dir))
	}
	idx, err := bleve.OpenUsing(dir, map[string]interface{}{"read_only": true, "bolt_timeout": "5s"})
	if err != nil {
		// OpenUsing returns a non-nil index wrapping nil on error: never touch it.
		return nil, rep, fmt.Errorf("open search index %s: %w (delete the directory to rebuild it)", dir, err)
	}
	an, err := newTextAnalysis()
	if err != nil {
		idx.Close()
		return nil, rep, fmt.Errorf("text analysis: %w", err)
	}
	ix := &Index{bleve: idx, corpus: c, Dir: dir, aliases: newAliasGroups(append(slices.Clone(c.Aliases), abbreviations(c)...))}
	if ix.stats, err = readTermStats(filepath.Join(dir, statsFile), c, an); err != nil {
		// A damaged or missing file: analyse again rather than fail, and
		// store the result for the next Open.
		slog.Warn("recomputing term statistics", "err", err)
		ix.stats = newTermStats(c, an)
		if err := writeFileAtomic(filepath.Join(dir, statsFile), ix.stats.write); err != nil {
			slog.Warn("store term statistics", "err", err)
		}
	}
	rep.Took = time.Since(start)
	return ix, rep, nil
}

// Close releases the index files.
func (ix *Index) Close() error { return ix.bleve.Close() }

// Corpus is the corpus the index was built from.
func (ix *Index) Corpus() *corpus.Corpus { return ix.corpus }

// build writes a fresh index into a temporary directory and renames it into
// place, so that readers never see a half-built index.
func build(ctx context.Context, dir string, c *corpus.Corpus, progress Progress) error {
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return fmt.Errorf("create data directory: %w", err)
	}
	tmp := dir + ".tmp-" + strconv.Itoa(os.Getpid())
	os.RemoveAll(tmp)
	m, err := newMapping()
	if err != nil {
		return fmt.Errorf("index mapping: %w", err)
	}
	idx, err := bleve.New(tmp, m)
	if err != nil {
		return fmt.Errorf("create search index: %w", err)
	}
	fail := func(err error) error {
		idx.Close()
		os.RemoveAll(tmp)
		return err
	}
	// The reranker's statistics take a core while bleve indexes.
	an, err := newTextAnalysis()
	if err != nil {
		return fail(fmt.Errorf("text analysis: %w", err))
	}
	statsDone := make(chan *termStats, 1)
	go func() { statsDone <- newTermStats(c, an) }()
	total, done := c.Len(), 0
	batch := idx.NewBatch()
	var ferr error
	c.All(func(p *corpus.Paragraph) bool {
		if ferr = ctx.Err(); ferr != nil {
			return false
		}
		ferr = batch.Index(p.ID, map[string]interface{}{
			fieldText: p.Text, fieldExact: p.Text, fieldDoc: p.Doc, fieldDivision: p.Division, fieldKind: string(p.Kind),
		})
		if ferr != nil {
			return false
		}
		done++
		if batch.Size() >= 500 {
			if ferr = idx.Batch(batch); ferr != nil {
				return false
			}
			batch.Reset()
			if progress != nil {
				progress(done, total)
			}
		}
		return true
	})
	if ferr == nil && batch.Size() > 0 {
		ferr = idx.Batch(batch)
	}
	stats := <-statsDone
	if ferr != nil {
		return fail(fmt.Errorf("index records: %w", ferr))
	}
	if progress != nil {
		progress(total, total)
	}
	if err := idx.Close(); err != nil {
		os.RemoveAll(tmp)
		return fmt.Errorf("close new index: %w", err)
	}
	if err := stats.write(filepath.Join(tmp, statsFile)); err != nil {
		os.RemoveAll(tmp)
		return fmt.Errorf("store term statistics: %w", err)
	}
	if err := os.WriteFile(filepath.Join(tmp, completeMarker), []byte(time.Now().UTC().Format(time.RFC3339)+"\n"), 0o644); err != nil {
		os.RemoveAll(tmp)
		return fmt.Errorf("mark index complete: %w", err)
	}
	os.RemoveAll(dir)
	if err := os.Rename(tmp, dir); err != nil {
		os.RemoveAll(tmp)
		return fmt.Errorf("move new index into place: %w", err)
	}
	return nil
}

// writeFileAtomic writes a file through a temporary one, so that a reader
// sees the old content or the new, never half.
func writeFileAtomic(path string, write func(string) error) error {
	tmp := path + ".tmp-" + strconv.Itoa(os.Getpid())
	if err := write(tmp); err != nil {
		os.Remove(tmp)
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return err
	}
	return nil
}

// dirSize is the total size of the files under dir.
func dirSize(dir string) int64 {
	var n int64
	filepath.WalkDir(dir, func(_ string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if info, err := d.Info(); err == nil {
				n += info.Size()
			}
		}
		return nil
	})
	return n
}

// removeStale deletes indexes of other corpus versions; failures only cost
// disk space, so they are logged, not returned.
func removeStale(dataDir, keep string) {
	entries, err := os.ReadDir(dataDir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if name := e.Name(); e.IsDir() && strings.HasPrefix(name, "index-") && name != keep && !strings.Contains(name, ".tmp-") {
			if err := os.RemoveAll(filepath.Join(dataDir, name)); err != nil && !errors.Is(err, os.ErrNotExist) {
				slog.Warn("remove stale index", "dir", name, "err", err)
			}
		}
	}
}
