// Package openai implements bot.Completer over any OpenAI-compatible chat
// endpoint (OpenAI, Ollama, llama.cpp's server, vLLM) with
// github.com/sashabaranov/go-openai.
//
// It makes up for what that library leaves to its callers: it sends
// temperature 0 (the library drops a zero temperature), retries rate limits
// and server errors within the caller's deadline (the library never
// retries and hides Retry-After), falls back to weaker structured-output
// modes on servers that reject a JSON schema, and reports replies with no
// choices, no content, or cut short (including a stream closed before
// [DONE], which the library reports as a normal end) as bot.ErrModelReply.
package openai

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	goopenai "github.com/sashabaranov/go-openai"

	"github.com/ibidbot/ibid/bot"
)

// defaultTimeout bounds a call whose context has no deadline, so that a
// wedged server cannot hold a caller forever. Callers should set their own
// deadline; the bot derives it from the configured LLM timeout.
const defaultTimeout = 30 * time.Second

// temperatureZero is the smallest temperature go-openai sends: it omits a
// float32 zero from the JSON (omitempty), and servers then apply their own
// default, often 0.7 or 0.8. Answers must be reproducible, so send the
// nearest value to zero that survives.
const temperatureZero = math.SmallestNonzeroFloat32

// Config says where the model is. Every field but HTTPClient is required,
// except APIKey for local servers that take none.
type Config struct {
	// BaseURL is the API root, e.g. https://api.openai.com/v1 or
	// http://localhost:11434/v1 for Ollama.
	BaseURL string
	Model   string
	// APIKey is sent as a bearer token. It never appears in an error text.
	APIKey string
	// HTTPClient, when set, carries the requests; its Timeout, if any, also
	// bounds streamed replies, so prefer deadlines on the context.
	HTTPClient *http.Client
}

// Client is a bot.Completer for one model at one endpoint. It is safe for
// concurrent use; create one and share it, so that what it learns about the
// server (which structured-output mode works) is learnt once.
type Client struct {
	api   *goopenai.Client
	model string
	key   string
	// reasoning is set for models go-openai validates as reasoning models
	// (o1, o3, o4, gpt-5 …), which refuse a temperature and max_tokens.
	reasoning bool
	// format is the strongest response format the server has not rejected
	// (a formatLevel), shared by all calls.
	format atomic.Int32
}

var _ bot.Completer = (*Client)(nil)

// formatLevel is how a Completion's schema is asked for, strongest first.
// Servers that do not know a level answer 400, and the client steps down.
const (
	formatSchema int32 = iota // response_format json_schema, enforced by the server
	formatObject              // response_format json_object: JSON, any shape
	formatNone                // no response_format: the core parses tolerantly
)

// New returns a Client for cfg. It does not contact the server.
func New(cfg Config) (*Client, error) {
	if cfg.Model == "" {
		return nil, errors.New("openai config: no model")
	}
	u, err := url.Parse(cfg.BaseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("openai config: base URL %q is not an http(s) URL", cfg.BaseURL)
	}
	hc := cfg.HTTPClient
	if hc == nil {
		// No Timeout: it would cut long streams; each call has a deadline.
		hc = &http.Client{}
	}
	oc := goopenai.DefaultConfig(cfg.APIKey)
	oc.BaseURL = cfg.BaseURL
	oc.HTTPClient = retryAfterDoer{hc}
	// Any temperature other than 0 or 1 fails go-openai's validation for
	// reasoning models, so this probe tells them apart the way the library
	// itself does, including for models it learns about in later versions.
	probe := goopenai.ChatCompletionRequest{Model: cfg.Model, Temperature: 0.5}
	return &Client{
		api:       goopenai.NewClientWithConfig(oc),
		model:     cfg.Model,
		key:       cfg.APIKey,
		reasoning: goopenai.NewReasoningValidator().Validate(probe) != nil,
	}, nil
}

// Complete sends one chat completion and returns the reply's content.
//
// When ctx has no deadline, defaultTimeout (30 s) applies. Within the
// deadline, a 429 is retried after its Retry-After (and not at all when that
// would pass the deadline), and 5xx and network errors after a short
// backoff, at most twice in all; other errors are returned at once. A
// streamed reply is never retried once it has started, so OnDelta never
// sees text twice, but it may have seen text before an error is returned.
//
// A reply that is empty, cut short, without choices or not decodable is
// reported as an error wrapping bot.ErrModelReply. StatusCode reports the
// HTTP status behind an error.
func (c *Client) Complete(ctx context.Context, req bot.Completion) (string, error) {
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, defaultTimeout)
		defer cancel()
	}
	if req.Schema != nil && !json.Valid(req.Schema) {
		return "", errors.New("model request: schema is not valid JSON")
	}
	text, err := c.complete(ctx, req)
	return text, redact(err, c.key)
}

func (c *Client) complete(ctx context.Context, req bot.Completion) (string, error) {
	if req.OnDelta == nil {
		var resp goopenai.ChatCompletionResponse
		err := c.send(ctx, req, func(ctx context.Context, r goopenai.ChatCompletionRequest) (err error) {
			resp, err = c.api.CreateChatCompletion(ctx, r)
			return err
		})
		if err != nil {
			return "", err
		}
		if len(resp.Choices) == 0 {
			return "", replyError("no choices")
		}
		ch := resp.Choices[0]
		if ch.Message.Content == "" && ch.Message.Refusal != "" {
			return "", replyError("the model refused: %s", ch.Message.Refusal)
		}
		return reply(ch.Message.Content, ch.FinishReason, false)
	}

	var stream *goopenai.ChatCompletionStream
	err := c.send(ctx, req, func(ctx context.Context, r goopenai.ChatCompletionRequest) (err error) {
		stream, err = c.api.CreateChatCompletionStream(ctx, r)
		return err
	})
	if err != nil {
		return "", err
	}
	defer stream.Close()
	var text strings.Builder
	var finish goopenai.FinishReason
	for {
		chunk, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return "", endpointError(err)
		}
		for _, ch := range chunk.Choices {
			if ch.Index != 0 {
				continue
			}
			if d := ch.Delta.Content; d != "" {
				text.WriteString(d)
				req.OnDelta(d)
			}
			if ch.FinishReason != "" {
				finish = ch.FinishReason
			}
		}
	}
	return reply(text.String(), finish, true)
}

// reply checks a complete reply. A stream must have ended with a finish
// reason: go-openai reports a connection closed before [DONE] as a normal
// end, and only the missing finish reason tells the two apart.
func reply(content string, finish goopenai.FinishReason, streamed bool) (string, error) {
	switch {
	case finish == goopenai.FinishReasonLength:
		return "", replyError("cut short at the token limit")
	case finish == goopenai.FinishReasonContentFilter:
		return "", replyError("withheld by a content filter")
	case streamed && finish == "":
		return "", replyError("stream ended without a finish reason")
	case strings.TrimSpace(content) == "":
		return "", replyError("empty content")
	}
	return content, nil
}

func replyError(format string, args ...any) error {
	return fmt.Errorf("model reply: %w: %s", bot.ErrModelReply, fmt.Sprintf(format, args...))
}

// request builds the wire request for req at a format level.
func (c *Client) request(req bot.Completion, level int32) goopenai.ChatCompletionRequest {
	r := goopenai.ChatCompletionRequest{
		Model:    c.model,
		Messages: make([]goopenai.ChatCompletionMessage, len(req.Messages)),
	}
	for i, m := range req.Messages {
		r.Messages[i] = goopenai.ChatCompletionMessage{Role: string(m.Role), Content: m.Content}
	}
	if c.reasoning {
		r.MaxCompletionTokens = req.MaxTokens
	} else {
		r.Temperature = temperatureZero
		// max_tokens, not max_completion_tokens: local servers know it.
		//lint:ignore SA1019 llama.cpp, Ollama and vLLM read max_tokens
		r.MaxTokens = req.MaxTokens
	}
	if req.Schema == nil {
		return r
	}
	switch level {
	case formatSchema:
		name := req.SchemaName
		if name == "" {
			name = "reply"
		}
		r.ResponseFormat = &goopenai.ChatCompletionResponseFormat{
			Type: goopenai.ChatCompletionResponseFormatTypeJSONSchema,
			JSONSchema: &goopenai.ChatCompletionResponseFormatJSONSchema{
				Name: name, Schema: req.Schema, Strict: true,
			},
		}
	case formatObject:
		r.ResponseFormat = &goopenai.ChatCompletionResponseFormat{
			Type: goopenai.ChatCompletionResponseFormatTypeJSONObject,
		}
	}
	return r
}

// send makes the request with call until it is accepted, stepping down the
// response format when the server rejects it and retrying transient
// failures while the deadline allows.
func (c *Client) send(ctx context.Context, req bot.Completion, call func(context.Context, goopenai.ChatCompletionRequest) error) error {
	level := c.format.Load()
	for retries := 0; ; {
		var hint retryAfter
		err := call(withRetryAfter(ctx, &hint), c.request(req, level))
		switch {
		case err == nil:
			return nil
		case req.Schema != nil && level < formatNone && formatRejected(err):
			c.format.CompareAndSwap(level, level+1)
			level = max(level+1, c.format.Load())
			continue
		case ctx.Err() != nil, !transient(err):
			return endpointError(err)
		case retries == maxRetries:
			return fmt.Errorf("model endpoint: giving up after %d attempts: %w", retries+1, err)
		}
		wait := hint.wait(retries)
		if deadline, _ := ctx.Deadline(); wait >= time.Until(deadline) {
			return fmt.Errorf("model endpoint: a retry in %v would pass the deadline: %w", wait.Round(time.Millisecond), err)
		}
		if err := sleep(ctx, wait); err != nil {
			return fmt.Errorf("model endpoint: %w", err)
		}
		retries++
	}
}

// formatRejected reports whether err is a server refusing the requested
// response_format, as llama.cpp's server and older vLLM and LM Studio
// versions do with a 400 (or 422) whose message names it.
func formatRejected(err error) bool {
	if s := StatusCode(err); s != http.StatusBadRequest && s != http.StatusUnprocessableEntity {
		return false
	}
	msg := strings.ToLower(err.Error())
	for _, w := range []string{"response_format", "response format", "json_schema", "json_object"} {
		if strings.Contains(msg, w) {
			return true
		}
	}
	return false
}

// endpointError wraps an error from go-openai, making a successful response
// whose body is not the JSON of a reply a bot.ErrModelReply. (A context's
// error needs no help: net/http wraps it, so errors.Is finds it.)
func endpointError(err error) error {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	if StatusCode(err) == 0 && (errors.As(err, &syntax) || errors.As(err, &typ) || errors.Is(err, io.ErrUnexpectedEOF)) {
		return fmt.Errorf("model reply: %w: %w", bot.ErrModelReply, err)
	}
	return fmt.Errorf("model endpoint: %w", err)
}

// StatusCode returns the HTTP status of the response behind err, or 0 when
// err did not come from an HTTP error response.
func StatusCode(err error) int {
	var apiErr *goopenai.APIError
	if errors.As(err, &apiErr) {
		return apiErr.HTTPStatusCode
	}
	var reqErr *goopenai.RequestError
	if errors.As(err, &reqErr) {
		return reqErr.HTTPStatusCode
	}
	return 0
}

// redact keeps the API key out of an error's text. A server may echo the
// key back (some proxies put the request's headers in their error pages),
// and go-openai copies error bodies into its errors; error texts end up in
// logs.
func redact(err error, key string) error {
	if err == nil || key == "" || !strings.Contains(err.Error(), key) {
		return err
	}
	return redacted{msg: strings.ReplaceAll(err.Error(), key, "[api key]"), err: err}
}

// redacted is an error with the key cut out of its text; the error it wraps
// stays inspectable with errors.Is and errors.As.
type redacted struct {
	msg string
	err error
}

func (e redacted) Error() string { return e.msg }
func (e redacted) Unwrap() error { return e.err }
