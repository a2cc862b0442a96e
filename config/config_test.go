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

func TestLoad_ModelAndDiscordSecretsComeFromTheEnvironmentOnly(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "ibid.yaml")
	os.WriteFile(file, []byte("llm:\n  base_url: http://localhost:11434/v1\n  model: llama3.1:8b\n  timeout: 5s\ndiscord:\n  guilds: [g1]\n"), 0o644)
	env := map[string]string{"OPENAI_API_KEY": "sk-secret", "DISCORD_TOKEN": "tok"}
	c, err := Load(file, func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	if c.LLM.BaseURL != "http://localhost:11434/v1" || c.LLM.Model != "llama3.1:8b" || c.LLM.APIKey != "sk-secret" || c.LLM.Timeout.Seconds() != 5 {
		t.Errorf("llm %+v", c.LLM)
	}
	if c.Discord.Token != "tok" || len(c.Discord.Guilds) != 1 {
		t.Errorf("discord %+v", c.Discord)
	}
	secret := filepath.Join(dir, "secret.yaml")
	os.WriteFile(secret, []byte("llm:\n  api_key: sk-in-a-file\n"), 0o644)
	if _, err := Load(secret, func(string) string { return "" }); err == nil || !strings.Contains(err.Error(), "api_key") {
		t.Errorf("a key in the file must be refused, got %v", err)
	}

	// A key alone means OpenAI; nothing means the extractive answerer.
	c, err = Load("", func(k string) string { return map[string]string{"IBID_LLM_API_KEY": "k"}[k] })
	if err != nil || c.LLM.BaseURL != DefaultOpenAIURL || c.LLM.Model != DefaultOpenAIModel {
		t.Errorf("key only: %+v %v", c.LLM, err)
	}
	c, err = Load("", func(string) string { return "" })
	if err != nil || c.LLM.Enabled() {
		t.Errorf("no model configured must be valid and disabled: %+v %v", c.LLM, err)
	}
	_, err = Load("", func(k string) string { return map[string]string{"IBID_LLM_BASE_URL": "http://x/v1"}[k] })
	if err == nil || !strings.Contains(err.Error(), "IBID_LLM_MODEL") {
		t.Errorf("a base URL without a model: %v", err)
	}
}
