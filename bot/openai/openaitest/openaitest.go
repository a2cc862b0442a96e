// Package openaitest is a fake OpenAI-compatible chat server for tests. It
// speaks the real wire protocol (POST /v1/chat/completions, answered with
// JSON or with server-sent events), so a test drives the real client library
// end to end instead of a mock of it, and it can misbehave on cue: rate
// limits, server errors, slowness, truncated streams, empty or unparseable
// replies. It records every request so that tests can assert what the client
// actually sent.
//
// The behaviours given to New answer the requests in order, one each; the
// last one answers every request after that. So
//
//	openaitest.New(t, openaitest.Status(429, "", nil), openaitest.Reply("ok"))
//
// rate-limits the first call and answers the rest.
package openaitest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"
)

// Server is a running fake. It is closed when the test that created it ends.
type Server struct {
	// URL is the API root to configure a client with; it ends in /v1.
	URL string

	t          testing.TB
	behaviours []Behaviour

	mu       sync.Mutex
	requests []Request
}

// Request is one chat completion request as the server received it.
type Request struct {
	Header http.Header
	// Body is the whole decoded JSON body, for asserting on any field.
	Body map[string]any
	// Model, Messages and Stream are decoded from Body for convenience.
	Model    string
	Messages []Message
	Stream   bool
	// ResponseFormat is response_format.type, or "" when the request has
	// no response_format.
	ResponseFormat string

	ctx context.Context
}

// Context is the context of the HTTP request, done when the client gives
// up; a custom Behaviour that waits should stop waiting then.
func (r *Request) Context() context.Context { return r.ctx }

// Message is one message of a request's conversation.
type Message struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

// A Behaviour answers one request. The constructors below cover the usual
// cases; a test can write its own as a func literal.
type Behaviour func(w http.ResponseWriter, r *Request)

// New starts a fake that answers with behaviours in order, the last one
// repeating. With no behaviours it answers every request with Reply("ok").
func New(t testing.TB, behaviours ...Behaviour) *Server {
	t.Helper()
	if len(behaviours) == 0 {
		behaviours = []Behaviour{Reply("ok")}
	}
	s := &Server{t: t, behaviours: behaviours}
	hs := httptest.NewServer(http.HandlerFunc(s.serve))
	// Close blocks until every handler has returned, so none can report
	// to t after the test has ended.
	t.Cleanup(hs.Close)
	s.URL = hs.URL + "/v1"
	return s
}

// Requests returns the requests received so far, oldest first.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.requests)
}

func (s *Server) serve(w http.ResponseWriter, hr *http.Request) {
	if hr.Method != http.MethodPost || hr.URL.Path != "/v1/chat/completions" {
		s.t.Errorf("openaitest: unexpected request %s %s", hr.Method, hr.URL.Path)
		http.NotFound(w, hr)
		return
	}
	r, err := decode(hr)
	if err != nil {
		s.t.Errorf("openaitest: %v", err)
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	n := len(s.requests)
	s.requests = append(s.requests, r)
	s.mu.Unlock()
	s.behaviours[min(n, len(s.behaviours)-1)](w, &r)
}

func decode(hr *http.Request) (Request, error) {
	raw, err := io.ReadAll(hr.Body)
	if err != nil {
		return Request{}, fmt.Errorf("reading request body: %w", err)
	}
	r := Request{Header: hr.Header.Clone(), ctx: hr.Context()}
	if err := json.Unmarshal(raw, &r.Body); err != nil {
		return Request{}, fmt.Errorf("request body is not a JSON object: %w", err)
	}
	var typed struct {
		Model          string    `json:"model"`
		Messages       []Message `json:"messages"`
		Stream         bool      `json:"stream"`
		ResponseFormat *struct {
			Type string `json:"type"`
		} `json:"response_format"`
	}
	if err := json.Unmarshal(raw, &typed); err != nil {
		return Request{}, fmt.Errorf("request body does not fit the chat API: %w", err)
	}
	r.Model, r.Messages, r.Stream = typed.Model, typed.Messages, typed.Stream
	if typed.ResponseFormat != nil {
		r.ResponseFormat = typed.ResponseFormat.Type
	}
	return r, nil
}

// Reply answers with content and finish_reason "stop": as one JSON
// completion, or as a stream when the request asked for one.
func Reply(content string) Behaviour {
	return ReplyFunc(func(*Request) string { return content })
}

// ReplyFunc is Reply with the content computed from the request, e.g. from
// the prompt in r.Messages.
func ReplyFunc(content func(r *Request) string) Behaviour {
	return func(w http.ResponseWriter, r *Request) {
		finish(w, r, content(r), "stop")
	}
}

// Length answers with content cut at the token limit (finish_reason
// "length"), as JSON or as a stream like Reply.
func Length(content string) Behaviour {
	return func(w http.ResponseWriter, r *Request) {
		finish(w, r, content, "length")
	}
}

func finish(w http.ResponseWriter, r *Request, content, reason string) {
	if r.Stream {
		stream(w, r, []string{content}, reason)
		return
	}
	writeJSON(w, http.StatusOK, completion(r, []any{map[string]any{
		"index":         0,
		"message":       map[string]any{"role": "assistant", "content": content},
		"finish_reason": reason,
	}}))
}

// Empty answers 200 with zero choices (a stream of chunks without choices
// when the request asked for one), which some servers do under load.
func Empty() Behaviour {
	return func(w http.ResponseWriter, r *Request) {
		if r.Stream {
			e := startEvents(w, r)
			e.chunk([]any{})
			e.done()
			return
		}
		writeJSON(w, http.StatusOK, completion(r, []any{}))
	}
}

// Stream answers with server-sent events whatever the request asked for:
// one chunk per piece of content, a final chunk with finish_reason "stop",
// then [DONE], flushing after each event.
func Stream(chunks ...string) Behaviour {
	return func(w http.ResponseWriter, r *Request) {
		stream(w, r, chunks, "stop")
	}
}

func stream(w http.ResponseWriter, r *Request, chunks []string, reason string) {
	e := startEvents(w, r)
	e.content(chunks)
	e.delta(map[string]any{}, reason)
	e.done()
}

// StreamCut streams chunks and then ends the response with no
// finish_reason and no [DONE], as a server that crashed or a proxy that
// timed out would.
func StreamCut(chunks ...string) Behaviour {
	return func(w http.ResponseWriter, r *Request) {
		startEvents(w, r).content(chunks)
	}
}

// StreamError streams chunks and then an error event carrying message, as
// servers do when generation fails after the response has started.
func StreamError(message string, chunks ...string) Behaviour {
	return func(w http.ResponseWriter, r *Request) {
		e := startEvents(w, r)
		e.content(chunks)
		e.data(errorBody(message, http.StatusInternalServerError))
	}
}

// Status answers with code, header and body. An empty body becomes an
// OpenAI-style error object naming the status, e.g. for
//
//	Status(429, "", http.Header{"Retry-After": {"1"}})
func Status(code int, body string, header http.Header) Behaviour {
	return func(w http.ResponseWriter, _ *Request) {
		for k, vs := range header {
			w.Header()[k] = vs
		}
		if body == "" {
			writeJSON(w, code, errorBody(http.StatusText(code), code))
			return
		}
		w.WriteHeader(code)
		io.WriteString(w, body)
	}
}

// RejectFormats answers 400 to a request whose response_format type is one
// of types, as llama.cpp's server and other local servers do for formats
// they do not support, and passes any other request to next.
func RejectFormats(next Behaviour, types ...string) Behaviour {
	return func(w http.ResponseWriter, r *Request) {
		if !slices.Contains(types, r.ResponseFormat) {
			next(w, r)
			return
		}
		msg := fmt.Sprintf("response_format type %q is not supported", r.ResponseFormat)
		writeJSON(w, http.StatusBadRequest, errorBody(msg, http.StatusBadRequest))
	}
}

// Slow waits d before passing the request to then, or returns without a
// response as soon as the client gives up.
func Slow(d time.Duration, then Behaviour) Behaviour {
	return func(w http.ResponseWriter, r *Request) {
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-t.C:
			then(w, r)
		case <-r.ctx.Done():
		}
	}
}

// Garbage answers 200 with a body that is not JSON, like a captive portal
// or a misconfigured proxy.
func Garbage() Behaviour {
	return func(w http.ResponseWriter, _ *Request) {
		w.Header().Set("Content-Type", "text/html")
		io.WriteString(w, "<html><body>502 Bad Gateway</body></html>\n")
	}
}

// Drop closes the connection without answering, which the client sees as
// a network error.
func Drop() Behaviour {
	return func(w http.ResponseWriter, _ *Request) {
		conn, _, err := http.NewResponseController(w).Hijack()
		if err != nil {
			panic(fmt.Sprintf("openaitest: Drop: %v", err))
		}
		conn.Close()
	}
}

func completion(r *Request, choices []any) map[string]any {
	return map[string]any{
		"id":      "chatcmpl-test",
		"object":  "chat.completion",
		"created": time.Now().Unix(),
		"model":   r.Model,
		"choices": choices,
		"usage":   map[string]int{"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
	}
}

func errorBody(message string, code int) map[string]any {
	typ := "invalid_request_error"
	if code >= 500 {
		typ = "server_error"
	}
	return map[string]any{"error": map[string]any{"message": message, "type": typ, "code": code}}
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(v)
}

// events writes server-sent events, flushing after each so that the client
// sees them as they are sent.
type events struct {
	w  http.ResponseWriter
	rc *http.ResponseController
	r  *Request
}

func startEvents(w http.ResponseWriter, r *Request) events {
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	return events{w: w, rc: http.NewResponseController(w), r: r}
}

func (e events) data(v any) {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	fmt.Fprintf(e.w, "data: %s\n\n", b)
	e.rc.Flush()
}

func (e events) chunk(choices []any) {
	c := completion(e.r, choices)
	c["object"] = "chat.completion.chunk"
	delete(c, "usage")
	e.data(c)
}

// delta sends one chunk for choice 0; an empty reason is sent as null.
func (e events) delta(delta map[string]any, reason string) {
	var finish any
	if reason != "" {
		finish = reason
	}
	e.chunk([]any{map[string]any{"index": 0, "delta": delta, "finish_reason": finish}})
}

// content sends the assistant role and then each piece of content.
func (e events) content(chunks []string) {
	e.delta(map[string]any{"role": "assistant", "content": ""}, "")
	for _, c := range chunks {
		e.delta(map[string]any{"content": c}, "")
	}
}

func (e events) done() {
	io.WriteString(e.w, "data: [DONE]\n\n")
	e.rc.Flush()
}
