// Package config holds Ibid's one configuration struct, loaded once at start:
// defaults, then an optional YAML file, then the environment, then flags
// (applied by cmd/ibid). Secrets are read from the environment only, never
// from the file, so a config file can be committed or shared safely.
package config

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Config is everything Ibid can be configured with.
type Config struct {
	// DataDir holds the search index and the study-session database.
	DataDir string `yaml:"data_dir"`
	// CorpusDir is a corpus directory (texts plus corpus.yaml); empty means
	// the embedded default corpus.
	CorpusDir string `yaml:"corpus_dir"`
}

// Default returns the configuration used when nothing is set: data in the
// user cache directory, the embedded corpus.
func Default() Config {
	dir, err := os.UserCacheDir()
	if err != nil || dir == "" {
		dir = os.TempDir()
	}
	return Config{DataDir: filepath.Join(dir, "ibid")}
}

// Load builds the configuration from the defaults, the YAML file at path
// (skipped when path is empty) and the environment read through getenv
// (IBID_DATA, IBID_CORPUS). Unknown keys in the file are errors, so a typo
// does not silently fall back to a default.
func Load(path string, getenv func(string) string) (Config, error) {
	c := Default()
	if path != "" {
		data, err := os.ReadFile(path)
		if err != nil {
			return Config{}, fmt.Errorf("config file: %w", err)
		}
		dec := yaml.NewDecoder(strings.NewReader(string(data)))
		dec.KnownFields(true)
		if err := dec.Decode(&c); err != nil && !errors.Is(err, io.EOF) { // an empty file is fine
			return Config{}, fmt.Errorf("config file %s: %w", path, err)
		}
	}
	if v := getenv("IBID_DATA"); v != "" {
		c.DataDir = v
	}
	if v := getenv("IBID_CORPUS"); v != "" {
		c.CorpusDir = v
	}
	return c, c.Validate()
}

// Validate reports the first setting that cannot work.
func (c Config) Validate() error {
	if strings.TrimSpace(c.DataDir) == "" {
		return errors.New("config: the data directory is empty (set --data or IBID_DATA)")
	}
	return nil
}
