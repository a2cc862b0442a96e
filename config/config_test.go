package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLoad_LayersDefaultsFileEnvironment(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "ibid.yaml")
	if err := os.WriteFile(file, []byte("data_dir: /from/file\ncorpus_dir: /corpus/file\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"IBID_DATA": "/from/env"}
	c, err := Load(file, func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	if c.DataDir != "/from/env" || c.CorpusDir != "/corpus/file" {
		t.Errorf("got %+v: the environment must beat the file, the file the defaults", c)
	}
	d, err := Load("", func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	if d.DataDir == "" || !strings.HasSuffix(d.DataDir, "ibid") || d.CorpusDir != "" {
		t.Errorf("defaults %+v", d)
	}
}

func TestLoad_Errors(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.yaml")
	os.WriteFile(empty, nil, 0o644)
	if _, err := Load(empty, func(string) string { return "" }); err != nil {
		t.Errorf("an empty file is fine: %v", err)
	}
	typo := filepath.Join(dir, "typo.yaml")
	os.WriteFile(typo, []byte("corpus_dri: x\n"), 0o644)
	if _, err := Load(typo, func(string) string { return "" }); err == nil || !strings.Contains(err.Error(), "corpus_dri") {
		t.Errorf("unknown key: %v", err)
	}
	if _, err := Load(filepath.Join(dir, "missing.yaml"), func(string) string { return "" }); err == nil {
		t.Error("a missing config file must be an error")
	}
	blank := filepath.Join(dir, "blank.yaml")
	os.WriteFile(blank, []byte("data_dir: ' '\n"), 0o644)
	if _, err := Load(blank, func(string) string { return "" }); err == nil || !strings.Contains(err.Error(), "data directory is empty") {
		t.Errorf("blank data dir: %v", err)
	}
}
