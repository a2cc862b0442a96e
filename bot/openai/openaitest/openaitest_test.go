package openaitest_test

import (
	"encoding/json"
	"io"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/ibidbot/ibid/bot/openai/openaitest"
)

// post sends a chat request with plain net/http, so that these tests see
// the wire format itself rather than what a client library makes of it.
func post(t *testing.T, s *openaitest.Server, body string) (*http.Response, string) {
	t.Helper()
	resp, err := http.Post(s.URL+"/chat/completions", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(b)
}

// events splits a server-sent event stream into its data payloads.
func events(t *testing.T, body string) []string {
	t.Helper()
	var data []string
	for _, ev := range strings.Split(strings.TrimSuffix(body, "\n\n"), "\n\n") {
		d, ok := strings.CutPrefix(ev, "data: ")
		if !ok {
			t.Fatalf("event %q is not a data line", ev)
		}
		data = append(data, d)
	}
	return data
}

type chunk struct {
	Object  string `json:"object"`
	Choices []struct {
		Delta        struct{ Content string }
		FinishReason *string `json:"finish_reason"`
	}
}

// contents decodes the chunks of a stream (all but a final [DONE]) into
// their contents and the finish reason of the last one.
func contents(t *testing.T, data []string) (content []string, finish string) {
	t.Helper()
	for _, d := range data {
		var c chunk
		if err := json.Unmarshal([]byte(d), &c); err != nil {
			t.Fatalf("chunk %s: %v", d, err)
		}
		if c.Object != "chat.completion.chunk" || len(c.Choices) != 1 {
			t.Fatalf("chunk %s: want one choice of a chat.completion.chunk", d)
		}
		if s := c.Choices[0].Delta.Content; s != "" {
			content = append(content, s)
		}
		finish = ""
		if f := c.Choices[0].FinishReason; f != nil {
			finish = *f
		}
	}
	return content, finish
}

func TestStream_WireFormat(t *testing.T) {
	s := openaitest.New(t, openaitest.Stream("The treaty ", "was signed."))
	resp, body := post(t, s, `{"model":"m","messages":[],"stream":true}`)
	if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Errorf("Content-Type = %q", ct)
	}
	data := events(t, body)
	if data[len(data)-1] != "[DONE]" {
		t.Fatalf("stream does not end with [DONE]: %q", body)
	}
	content, finish := contents(t, data[:len(data)-1])
	if want := []string{"The treaty ", "was signed."}; !reflect.DeepEqual(content, want) || finish != "stop" {
		t.Errorf("contents %q finish %q, want %q and stop", content, finish, want)
	}
}

func TestStreamCut_NoFinishNoDone(t *testing.T) {
	s := openaitest.New(t, openaitest.StreamCut("The treaty "))
	_, body := post(t, s, `{"model":"m","messages":[],"stream":true}`)
	content, finish := contents(t, events(t, body))
	if !reflect.DeepEqual(content, []string{"The treaty "}) || finish != "" {
		t.Errorf("contents %q finish %q, want the chunk and no finish (and no [DONE])", content, finish)
	}
}

func TestStatus_HeaderAndErrorBody(t *testing.T) {
	s := openaitest.New(t, openaitest.Status(http.StatusTooManyRequests, "", http.Header{"Retry-After": {"7"}}))
	resp, body := post(t, s, `{"model":"m","messages":[]}`)
	var e struct{ Error struct{ Message string } }
	json.Unmarshal([]byte(body), &e)
	if resp.StatusCode != 429 || resp.Header.Get("Retry-After") != "7" || e.Error.Message == "" {
		t.Errorf("status %d, Retry-After %q, body %s", resp.StatusCode, resp.Header.Get("Retry-After"), body)
	}
}

func TestNew_BehavioursInOrderLastRepeats(t *testing.T) {
	s := openaitest.New(t, openaitest.Status(http.StatusInternalServerError, "", nil), openaitest.Reply("ok"))
	var codes []int
	for range 3 {
		resp, _ := post(t, s, `{"model":"m","messages":[{"role":"user","content":"Q?"}],"response_format":{"type":"json_object"}}`)
		codes = append(codes, resp.StatusCode)
	}
	if want := []int{500, 200, 200}; !reflect.DeepEqual(codes, want) {
		t.Errorf("status codes %v, want %v", codes, want)
	}
	reqs := s.Requests()
	if len(reqs) != 3 {
		t.Fatalf("%d requests recorded, want 3", len(reqs))
	}
	r := reqs[0]
	if r.Model != "m" || r.Stream || r.ResponseFormat != "json_object" ||
		!reflect.DeepEqual(r.Messages, []openaitest.Message{{Role: "user", Content: "Q?"}}) || r.Body["model"] != "m" {
		t.Errorf("recorded %+v", r)
	}
}

func TestReplyFunc_ReadsPrompt(t *testing.T) {
	s := openaitest.New(t, openaitest.ReplyFunc(func(r *openaitest.Request) string {
		return "echo: " + r.Messages[len(r.Messages)-1].Content
	}))
	_, body := post(t, s, `{"model":"m","messages":[{"role":"user","content":"Q?"}]}`)
	var c struct {
		Choices []struct {
			Message      struct{ Content string }
			FinishReason string `json:"finish_reason"`
		}
	}
	json.Unmarshal([]byte(body), &c)
	if len(c.Choices) != 1 || c.Choices[0].Message.Content != "echo: Q?" || c.Choices[0].FinishReason != "stop" {
		t.Errorf("body %s, want one choice echoing the prompt", body)
	}
}
