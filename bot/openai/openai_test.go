package openai_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ibidbot/ibid/bot"
	"github.com/ibidbot/ibid/bot/openai"
	"github.com/ibidbot/ibid/bot/openai/openaitest"
)

const (
	testKey   = "sk-test-0f3a9c1e7b5d"
	testModel = "llama3.1:8b"
)

var testSchema = json.RawMessage(`{"type":"object","properties":{"claims":{"type":"array","items":{"type":"string"}}},"required":["claims"],"additionalProperties":false}`)

func newClient(t *testing.T, srv *openaitest.Server) *openai.Client {
	t.Helper()
	c, err := openai.New(openai.Config{BaseURL: srv.URL, Model: testModel, APIKey: testKey})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// call runs one completion under a deadline of timeout and checks what
// every error must satisfy: the API key is not in its text.
func call(t *testing.T, c *openai.Client, timeout time.Duration, req bot.Completion) (string, time.Duration, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	start := time.Now()
	text, err := c.Complete(ctx, req)
	elapsed := time.Since(start)
	if err != nil && strings.Contains(err.Error(), testKey) {
		t.Errorf("error text contains the API key: %v", err)
	}
	if err != nil && text != "" {
		t.Errorf("Complete returned text %q with error %v", text, err)
	}
	return text, elapsed, err
}

func question() bot.Completion {
	return bot.Completion{
		Messages: []bot.Message{
			{Role: bot.RoleSystem, Content: "Answer from the numbered sentences only."},
			{Role: bot.RoleUser, Content: "Who signed the Treaty of Portsmouth?"},
		},
		Schema:     testSchema,
		SchemaName: "answer",
		MaxTokens:  300,
	}
}

func streamed(deltas *[]string) bot.Completion {
	req := question()
	req.OnDelta = func(d string) { *deltas = append(*deltas, d) }
	return req
}

func TestComplete_JSONAnswer_SendsExactRequest(t *testing.T) {
	t.Parallel()
	const answer = `{"claims":["s1.2"]}`
	srv := openaitest.New(t, openaitest.Reply(answer))
	c := newClient(t, srv)

	// No deadline on the context: the client's default applies.
	got, err := c.Complete(context.Background(), question())
	if err != nil {
		t.Fatal(err)
	}
	if got != answer {
		t.Errorf("reply = %q, want %q", got, answer)
	}

	reqs := srv.Requests()
	if len(reqs) != 1 {
		t.Fatalf("%d requests, want 1", len(reqs))
	}
	r := reqs[0]
	if h := r.Header.Get("Authorization"); h != "Bearer "+testKey {
		t.Errorf("Authorization = %q, want the key as a bearer token", h)
	}
	wantMessages := []openaitest.Message{
		{Role: "system", Content: "Answer from the numbered sentences only."},
		{Role: "user", Content: "Who signed the Treaty of Portsmouth?"},
	}
	if r.Model != testModel || r.Stream || !reflect.DeepEqual(r.Messages, wantMessages) {
		t.Errorf("model %q stream %v messages %+v; want %q, false, %+v", r.Model, r.Stream, r.Messages, testModel, wantMessages)
	}
	temp, ok := r.Body["temperature"].(float64)
	if !ok || temp < 0 || temp > 1e-6 {
		t.Errorf("temperature = %v (present: %v), want a number at zero", r.Body["temperature"], ok)
	}
	if r.Body["max_tokens"] != 300.0 {
		t.Errorf("max_tokens = %v, want 300", r.Body["max_tokens"])
	}
	var schema any
	json.Unmarshal(testSchema, &schema)
	wantFormat := map[string]any{
		"type":        "json_schema",
		"json_schema": map[string]any{"name": "answer", "schema": schema, "strict": true},
	}
	if !reflect.DeepEqual(r.Body["response_format"], wantFormat) {
		t.Errorf("response_format = %v\nwant %v", r.Body["response_format"], wantFormat)
	}
}

func TestComplete_NoSchema_NoResponseFormat(t *testing.T) {
	t.Parallel()
	srv := openaitest.New(t, openaitest.Reply("Witte and Komura."))
	c := newClient(t, srv)
	req := question()
	req.Schema = nil
	if _, _, err := call(t, c, time.Second, req); err != nil {
		t.Fatal(err)
	}
	if _, ok := srv.Requests()[0].Body["response_format"]; ok {
		t.Error("response_format sent without a schema")
	}
}

func TestComplete_SchemaRejected_FallsBackToJSONObjectAndRemembers(t *testing.T) {
	t.Parallel()
	srv := openaitest.New(t, openaitest.RejectFormats(openaitest.Reply(`{"claims":[]}`), "json_schema"))
	c := newClient(t, srv)

	if _, _, err := call(t, c, time.Second, question()); err != nil {
		t.Fatal(err)
	}
	if got := formats(srv.Requests()); !reflect.DeepEqual(got, []string{"json_schema", "json_object"}) {
		t.Errorf("first call sent formats %q, want json_schema then json_object", got)
	}
	var deltas []string
	if _, _, err := call(t, c, time.Second, streamed(&deltas)); err != nil {
		t.Fatal(err)
	}
	if got := formats(srv.Requests()[2:]); !reflect.DeepEqual(got, []string{"json_object"}) {
		t.Errorf("second call sent formats %q, want json_object only", got)
	}
}

func TestComplete_EveryFormatRejected_SendsNoneAndRemembers(t *testing.T) {
	t.Parallel()
	srv := openaitest.New(t, openaitest.RejectFormats(openaitest.Reply(`{"claims":[]}`), "json_schema", "json_object"))
	c := newClient(t, srv)
	for range 2 {
		if _, _, err := call(t, c, time.Second, question()); err != nil {
			t.Fatal(err)
		}
	}
	if got := formats(srv.Requests()); !reflect.DeepEqual(got, []string{"json_schema", "json_object", "", ""}) {
		t.Errorf("formats sent %q, want json_schema, json_object, then none twice", got)
	}
}

func TestComplete_FormatFallback_Concurrent(t *testing.T) {
	t.Parallel()
	srv := openaitest.New(t, openaitest.RejectFormats(openaitest.Reply(`{"claims":[]}`), "json_schema"))
	c := newClient(t, srv)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if _, _, err := call(t, c, 2*time.Second, question()); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if _, _, err := call(t, c, time.Second, question()); err != nil {
		t.Fatal(err)
	}
	reqs := srv.Requests()
	if last := reqs[len(reqs)-1].ResponseFormat; last != "json_object" || len(reqs) > 17 {
		t.Errorf("%d requests, the last with format %q; want at most 17, the last json_object", len(reqs), last)
	}
}

func formats(reqs []openaitest.Request) []string {
	var fs []string
	for _, r := range reqs {
		fs = append(fs, r.ResponseFormat)
	}
	return fs
}

func TestComplete_UnusableReply_IsErrModelReply(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name      string
		behaviour openaitest.Behaviour
	}{
		{"zero choices", openaitest.Empty()},
		{"empty content", openaitest.Reply("")},
		{"blank content", openaitest.Reply(" \n")},
		{"not JSON", openaitest.Garbage()},
		{"JSON cut short", raw(`{"id":"chatcmpl-1","choices":[{"index":0,"message":{"role":`)},
		{"JSON of another shape", raw(`{"choices":"none"}`)},
		{"withheld by a content filter", raw(`{"choices":[{"index":0,"message":{"role":"assistant","content":"{\"claims\":"},"finish_reason":"content_filter"}]}`)},
		{"cut at the token limit", openaitest.Length(`{"claims":["s1`)},
		{"stream cut before DONE", openaitest.StreamCut(`{"claims":`, `["s1`)},
	} {
		for _, stream := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/stream=%v", tc.name, stream), func(t *testing.T) {
				t.Parallel()
				srv := openaitest.New(t, tc.behaviour)
				req := question()
				if stream {
					req.OnDelta = func(string) {}
				}
				_, _, err := call(t, newClient(t, srv), time.Second, req)
				if !errors.Is(err, bot.ErrModelReply) {
					t.Errorf("err = %v, want ErrModelReply", err)
				}
				if n := len(srv.Requests()); n != 1 {
					t.Errorf("%d requests, want 1 (an unusable reply is not retried)", n)
				}
			})
		}
	}
}

func TestComplete_Refusal_ReportsItsText(t *testing.T) {
	t.Parallel()
	srv := openaitest.New(t, raw(`{"choices":[{"index":0,"message":{"role":"assistant","content":"","refusal":"I cannot help with that."},"finish_reason":"stop"}]}`))
	_, _, err := call(t, newClient(t, srv), time.Second, question())
	if !errors.Is(err, bot.ErrModelReply) || !strings.Contains(err.Error(), "I cannot help with that.") {
		t.Errorf("err = %v, want ErrModelReply with the refusal", err)
	}
}

// raw answers 200 with body, whatever the request asked for.
func raw(body string) openaitest.Behaviour {
	return func(w http.ResponseWriter, _ *openaitest.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, body)
	}
}

func TestComplete_ServerError_Retried(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		first openaitest.Behaviour
	}{
		{"500", openaitest.Status(http.StatusInternalServerError, "", nil)},
		{"502 HTML", openaitest.Status(http.StatusBadGateway, "<html>bad gateway</html>", nil)},
		{"connection dropped", openaitest.Drop()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := openaitest.New(t, tc.first, openaitest.Reply("ok"))
			got, _, err := call(t, newClient(t, srv), 2*time.Second, question())
			if err != nil || got != "ok" {
				t.Fatalf("Complete = %q, %v; want ok", got, err)
			}
			if n := len(srv.Requests()); n != 2 {
				t.Errorf("%d requests, want 2", n)
			}
		})
	}
}

func TestComplete_ServerErrorAlways_GivesUpWithinDeadline(t *testing.T) {
	t.Parallel()
	srv := openaitest.New(t, openaitest.Status(http.StatusInternalServerError, "", nil))
	const deadline = 2 * time.Second
	_, elapsed, err := call(t, newClient(t, srv), deadline, question())
	if openai.StatusCode(err) != http.StatusInternalServerError {
		t.Errorf("err = %v, want one with status 500", err)
	}
	if n := len(srv.Requests()); n != 3 {
		t.Errorf("%d requests, want 3 (two retries)", n)
	}
	if elapsed >= deadline {
		t.Errorf("gave up after %v, past the %v deadline", elapsed, deadline)
	}
}

func TestComplete_ServerError_NoRetryPastDeadline(t *testing.T) {
	t.Parallel()
	srv := openaitest.New(t, openaitest.Status(http.StatusServiceUnavailable, "", nil))
	// Room for the first backoff (200 ms) but not the second (400 ms).
	const deadline = 450 * time.Millisecond
	_, elapsed, err := call(t, newClient(t, srv), deadline, question())
	if openai.StatusCode(err) != http.StatusServiceUnavailable || errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v, want the 503 rather than a deadline error", err)
	}
	if n := len(srv.Requests()); n != 2 {
		t.Errorf("%d requests, want 2", n)
	}
	if elapsed >= deadline {
		t.Errorf("returned after %v, past the %v deadline", elapsed, deadline)
	}
}

func TestComplete_ClientError_NotRetried(t *testing.T) {
	t.Parallel()
	for _, code := range []int{http.StatusBadRequest, http.StatusUnauthorized, http.StatusNotFound} {
		t.Run(fmt.Sprint(code), func(t *testing.T) {
			t.Parallel()
			srv := openaitest.New(t, openaitest.Status(code, "", nil))
			_, _, err := call(t, newClient(t, srv), time.Second, question())
			if openai.StatusCode(err) != code || errors.Is(err, bot.ErrModelReply) {
				t.Errorf("err = %v, want status %d and not ErrModelReply", err, code)
			}
			if n := len(srv.Requests()); n != 1 {
				t.Errorf("%d requests, want 1", n)
			}
		})
	}
}

func TestComplete_RateLimited_WaitsRetryAfter(t *testing.T) {
	t.Parallel()
	srv := openaitest.New(t,
		openaitest.Status(http.StatusTooManyRequests, "", http.Header{"Retry-After": {"1"}}),
		openaitest.Reply("ok"))
	got, elapsed, err := call(t, newClient(t, srv), 3*time.Second, question())
	if err != nil || got != "ok" {
		t.Fatalf("Complete = %q, %v; want ok", got, err)
	}
	if elapsed < time.Second {
		t.Errorf("retried after %v, before Retry-After's 1 s", elapsed)
	}
	if n := len(srv.Requests()); n != 2 {
		t.Errorf("%d requests, want 2", n)
	}
}

func TestComplete_RateLimited_RetryAfterPastDeadline_ReturnsAtOnce(t *testing.T) {
	t.Parallel()
	srv := openaitest.New(t,
		openaitest.Status(http.StatusTooManyRequests, "", http.Header{"Retry-After": {"30"}}),
		openaitest.Reply("ok"))
	_, elapsed, err := call(t, newClient(t, srv), 500*time.Millisecond, question())
	if openai.StatusCode(err) != http.StatusTooManyRequests {
		t.Errorf("err = %v, want one with status 429", err)
	}
	if elapsed > 150*time.Millisecond {
		t.Errorf("returned after %v; a wait that cannot fit should not be started", elapsed)
	}
	if n := len(srv.Requests()); n != 1 {
		t.Errorf("%d requests, want 1", n)
	}
}

func TestComplete_SlowServer_DeadlineError(t *testing.T) {
	t.Parallel()
	srv := openaitest.New(t, openaitest.Slow(10*time.Second, openaitest.Reply("late")))
	const deadline = 300 * time.Millisecond
	for _, stream := range []bool{false, true} {
		req := question()
		if stream {
			req.OnDelta = func(string) {}
		}
		_, elapsed, err := call(t, newClient(t, srv), deadline, req)
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("stream=%v: err = %v, want DeadlineExceeded", stream, err)
		}
		if elapsed > deadline+200*time.Millisecond {
			t.Errorf("stream=%v: returned after %v, deadline %v", stream, elapsed, deadline)
		}
	}
}

func TestComplete_Stream_DeliversDeltasInOrder(t *testing.T) {
	t.Parallel()
	chunks := []string{`{"claims":`, `["s1.2",`, ` "s3.1"]}`}
	srv := openaitest.New(t, openaitest.Stream(chunks...))
	var deltas []string
	got, _, err := call(t, newClient(t, srv), time.Second, streamed(&deltas))
	if err != nil {
		t.Fatal(err)
	}
	if want := strings.Join(chunks, ""); got != want {
		t.Errorf("reply = %q, want %q", got, want)
	}
	if !reflect.DeepEqual(deltas, chunks) {
		t.Errorf("deltas = %q, want %q", deltas, chunks)
	}
	if !srv.Requests()[0].Stream {
		t.Error("request did not ask for a stream")
	}
}

func TestComplete_StreamCut_NotRetriedAfterDeltas(t *testing.T) {
	t.Parallel()
	srv := openaitest.New(t, openaitest.StreamCut("The treaty ", "was "), openaitest.Stream("again"))
	var deltas []string
	_, _, err := call(t, newClient(t, srv), time.Second, streamed(&deltas))
	if !errors.Is(err, bot.ErrModelReply) {
		t.Errorf("err = %v, want ErrModelReply", err)
	}
	if want := []string{"The treaty ", "was "}; !reflect.DeepEqual(deltas, want) {
		t.Errorf("deltas = %q, want %q", deltas, want)
	}
	if n := len(srv.Requests()); n != 1 {
		t.Errorf("%d requests, want 1", n)
	}
}

func TestComplete_StreamErrorEvent(t *testing.T) {
	t.Parallel()
	srv := openaitest.New(t, openaitest.StreamError("model crashed", "The "))
	var deltas []string
	_, _, err := call(t, newClient(t, srv), time.Second, streamed(&deltas))
	if err == nil || !strings.Contains(err.Error(), "model crashed") {
		t.Errorf("err = %v, want the server's message", err)
	}
	if n := len(srv.Requests()); n != 1 {
		t.Errorf("%d requests, want 1", n)
	}
}

func TestComplete_StreamStalls_DeadlineError(t *testing.T) {
	t.Parallel()
	stall := func(w http.ResponseWriter, r *openaitest.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		fmt.Fprint(w, `data: {"choices":[{"index":0,"delta":{"content":"The "}}]}`+"\n\n")
		http.NewResponseController(w).Flush()
		<-r.Context().Done()
	}
	srv := openaitest.New(t, stall)
	const deadline = 300 * time.Millisecond
	var deltas []string
	_, elapsed, err := call(t, newClient(t, srv), deadline, streamed(&deltas))
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v, want DeadlineExceeded", err)
	}
	if len(deltas) != 1 || elapsed > deadline+200*time.Millisecond {
		t.Errorf("%d deltas, returned after %v; want 1 delta and the deadline kept", len(deltas), elapsed)
	}
}

func TestComplete_StreamRateLimited_RetriedBeforeStart(t *testing.T) {
	t.Parallel()
	srv := openaitest.New(t,
		openaitest.Status(http.StatusTooManyRequests, "", http.Header{"Retry-After": {"0"}}),
		openaitest.Stream("ok"))
	var deltas []string
	got, _, err := call(t, newClient(t, srv), time.Second, streamed(&deltas))
	if err != nil || got != "ok" || len(deltas) != 1 {
		t.Errorf("Complete = %q, %v with %d deltas; want ok with 1", got, err, len(deltas))
	}
}

func TestComplete_APIKeyEchoed_RedactedFromError(t *testing.T) {
	t.Parallel()
	// A proxy that puts the request's headers in its error page.
	echo := func(w http.ResponseWriter, r *openaitest.Request) {
		http.Error(w, "denied: Authorization: "+r.Header.Get("Authorization"), http.StatusForbidden)
	}
	srv := openaitest.New(t, echo)
	_, _, err := call(t, newClient(t, srv), time.Second, question())
	if err == nil || !strings.Contains(err.Error(), "denied") || openai.StatusCode(err) != http.StatusForbidden {
		t.Errorf("err = %v, want the 403 with its body", err)
	}
	// call has checked that the key is not in the text.
}

func TestComplete_NoAPIKey_NoAuthorization(t *testing.T) {
	t.Parallel()
	srv := openaitest.New(t)
	c, err := openai.New(openai.Config{BaseURL: srv.URL, Model: testModel})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := call(t, c, time.Second, question()); err != nil {
		t.Fatal(err)
	}
	if h := srv.Requests()[0].Header.Get("Authorization"); h != "" {
		t.Errorf("Authorization = %q, want none", h)
	}
}

func TestComplete_ReasoningModel_NoTemperature(t *testing.T) {
	t.Parallel()
	srv := openaitest.New(t)
	c, err := openai.New(openai.Config{BaseURL: srv.URL, Model: "gpt-5-mini", APIKey: testKey})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := call(t, c, time.Second, question()); err != nil {
		t.Fatal(err)
	}
	body := srv.Requests()[0].Body
	_, temp := body["temperature"]
	_, maxTokens := body["max_tokens"]
	if temp || maxTokens || body["max_completion_tokens"] != 300.0 {
		t.Errorf("body %v: want max_completion_tokens 300, no temperature, no max_tokens", body)
	}
}

func TestComplete_InvalidSchema(t *testing.T) {
	t.Parallel()
	srv := openaitest.New(t)
	req := question()
	req.Schema = json.RawMessage(`{"type":`)
	if _, _, err := call(t, newClient(t, srv), time.Second, req); err == nil {
		t.Error("no error for a schema that is not JSON")
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("%d requests, want none", n)
	}
}

func TestNew_RejectsIncompleteConfig(t *testing.T) {
	t.Parallel()
	for _, cfg := range []openai.Config{
		{BaseURL: "http://localhost:11434/v1"},
		{Model: testModel},
		{BaseURL: "localhost:11434", Model: testModel},
		{BaseURL: "ftp://example.invalid/v1", Model: testModel},
	} {
		if _, err := openai.New(cfg); err == nil {
			t.Errorf("New(%+v) succeeded", cfg)
		}
	}
}
