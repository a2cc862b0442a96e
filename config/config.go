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
	"time"

	"go.yaml.in/yaml/v3"
)

// Config is everything Ibid can be configured with.
type Config struct {
	// DataDir holds the search index and the study-session database.
	DataDir string `yaml:"data_dir"`
	// CorpusDir is a corpus directory (texts plus corpus.yaml); empty means
	// the embedded default corpus.
	CorpusDir string `yaml:"corpus_dir"`
	// LLM is the optional OpenAI-compatible model; without it Ibid answers
	// extractively.
	LLM LLM `yaml:"llm"`
	// Discord configures `ibid serve`.
	Discord Discord `yaml:"discord"`
}

// LLM configures an OpenAI-compatible chat endpoint (OpenAI, Ollama,
// llama.cpp's server, vLLM …).
type LLM struct {
	// BaseURL is the API root, e.g. http://localhost:11434/v1 for Ollama.
	// Empty with an API key means OpenAI itself.
	BaseURL string `yaml:"base_url"`
	Model   string `yaml:"model"`
	// Timeout bounds one answer from the model, retries included; past it
	// the extractive answer is given instead.
	Timeout time.Duration `yaml:"timeout"`
	// APIKey comes from the environment only (IBID_LLM_API_KEY or
	// OPENAI_API_KEY); the yaml tag keeps it out of any file.
	APIKey string `yaml:"-"`
}

// Enabled reports whether a model is configured: a base URL or a key.
// Neither means the extractive answerer, which is not an error.
func (l LLM) Enabled() bool { return l.BaseURL != "" || l.APIKey != "" }

// DefaultOpenAIURL and DefaultOpenAIModel are used when only an API key is
// set.
const (
	DefaultOpenAIURL   = "https://api.openai.com/v1"
	DefaultOpenAIModel = "gpt-4o-mini"
)

// Discord configures the Discord adapter.
type Discord struct {
	// Token comes from DISCORD_TOKEN only.
	Token string `yaml:"-"`
	// APIBase is the REST root (default https://discord.com/api/v9); set it
	// to route through a rate-limit proxy such as nirn-proxy, or at a local
	// Discord in tests. The gateway URL is asked of this API.
	APIBase string `yaml:"api_base"`
	// Guilds, when set, get the application commands registered directly
	// (instantly); otherwise they are registered globally.
	Guilds []string `yaml:"guilds"`
	// ModeratorRole names a role whose members moderate study sessions in
	// addition to those with Manage Messages.
	ModeratorRole string `yaml:"moderator_role"`
	// MessageContent asks for the privileged message-content intent, needed
	// to read messages that do not mention the bot: follow-ups in the
	// threads it opens, replies that do not ping it, auto-answer channels.
	MessageContent bool `yaml:"message_content"`
}

// Default returns the configuration used when nothing is set: data in the
// user cache directory, the embedded corpus.
func Default() Config {
	dir, err := os.UserCacheDir()
	if err != nil || dir == "" {
		dir = os.TempDir()
	}
	return Config{
		DataDir: filepath.Join(dir, "ibid"),
		LLM:     LLM{Timeout: 20 * time.Second},
	}
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
	c.LLM.BaseURL = firstSet(getenv("IBID_LLM_BASE_URL"), getenv("OPENAI_BASE_URL"), c.LLM.BaseURL)
	c.LLM.Model = firstSet(getenv("IBID_LLM_MODEL"), c.LLM.Model)
	c.LLM.APIKey = firstSet(getenv("IBID_LLM_API_KEY"), getenv("OPENAI_API_KEY"))
	if v := getenv("IBID_LLM_TIMEOUT"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			return Config{}, fmt.Errorf("IBID_LLM_TIMEOUT: %w", err)
		}
		c.LLM.Timeout = d
	}
	if c.LLM.APIKey != "" && c.LLM.BaseURL == "" {
		c.LLM.BaseURL = DefaultOpenAIURL
		c.LLM.Model = firstSet(c.LLM.Model, DefaultOpenAIModel)
	}
	c.Discord.Token = getenv("DISCORD_TOKEN")
	c.Discord.APIBase = firstSet(getenv("IBID_DISCORD_API"), c.Discord.APIBase)
	return c, c.Validate()
}

// Validate reports the first setting that cannot work.
func (c Config) Validate() error {
	if strings.TrimSpace(c.DataDir) == "" {
		return errors.New("config: the data directory is empty (set --data or IBID_DATA)")
	}
	if c.LLM.Enabled() {
		if c.LLM.Model == "" {
			return fmt.Errorf("config: a model endpoint is set (%s) but no model name (set IBID_LLM_MODEL or llm.model)", c.LLM.BaseURL)
		}
		if c.LLM.Timeout <= 0 {
			return errors.New("config: llm.timeout must be positive")
		}
	}
	return nil
}

// firstSet returns the first non-empty value.
func firstSet(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}
