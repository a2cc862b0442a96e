package discordtest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"io"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
)

// apiPrefix is the path under which the fake serves the REST API, as
// Discord serves version 9 (the version discordgo v0.29.0 uses).
const apiPrefix = "/api/v9"

// Request is one REST call the fake received, with the answer it gave.
type Request struct {
	Method string
	// Path is the URL path below the API root, e.g. "/channels/1/messages".
	Path string
	// Route is the fake's pattern for the call, e.g.
	// "POST /channels/{channel}/messages"; empty for a route the fake does
	// not model.
	Route  string
	Query  url.Values
	Header http.Header
	// Body is the request body as sent; JSON is it decoded (nil when empty
	// or not JSON), for an upload its payload_json part decoded.
	Body []byte
	JSON any
	// Files are the files uploaded with a multipart body (see Payload).
	Files []File
	// Status, ResponseHeader and Response are what the fake answered.
	Status         int
	ResponseHeader http.Header
	Response       []byte
	// Pings lists what the message this call created or edited mentions
	// after allowed_mentions, as Discord resolves them: "@everyone",
	// "@here", "<@user>", "<@&role>". Role and @everyone mentions count
	// whatever the bot's permissions, so a test catches text that could
	// ping in some guild. Empty for calls that carry no message.
	Pings []string
	Time  time.Time
}

// Match returns a matcher for requests, for WaitRequest and the like. The
// pattern is "[METHOD ]PATH": a PATH with a {placeholder} must equal the
// request's Route (e.g. "POST /interactions/{interaction}/{token}/callback"),
// any other PATH is a prefix of the request's Path (e.g. "/channels/123/").
// Without METHOD any method matches.
func Match(pattern string) func(Request) bool {
	return func(r Request) bool { return r.matches(pattern) }
}

func (r Request) matches(pattern string) bool {
	method, path, ok := strings.Cut(pattern, " ")
	if !ok {
		method, path = "", pattern
	}
	if method != "" && method != r.Method {
		return false
	}
	if strings.Contains(path, "{") {
		_, route, _ := strings.Cut(r.Route, " ")
		return route == path
	}
	return strings.HasPrefix(r.Path, path)
}

// Requests returns every REST call received so far, in order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// WaitRequest returns the first recorded request that match accepts and
// that no earlier WaitRequest returned, waiting for it if need be; it
// fails the test after the wait timeout. Calling it twice with the same
// matcher therefore returns two successive matching requests.
func (s *Server) WaitRequest(t testing.TB, match func(Request) bool) Request {
	t.Helper()
	var got Request
	s.wait(t, "matching request", func() bool {
		for i, r := range s.requests {
			if !s.takenReq[i] && match(r) {
				s.takenReq[i] = true
				got = r
				return true
			}
		}
		return false
	})
	return got
}

// scripted is a canned answer for the next request matching pattern.
type scripted struct {
	pattern string
	status  int
	body    any
	header  http.Header
}

// FailNext makes the next request matching pattern (see Match) fail with
// status and Discord's JSON error {"message", "code"}, e.g.
// FailNext("POST /channels/", 403, 50013, "Missing Permissions").
func (s *Server) FailNext(pattern string, status, code int, message string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.scripted = append(s.scripted, scripted{pattern: pattern, status: status,
		body: map[string]any{"message": message, "code": code}})
}

// RateLimitNext makes the next request matching pattern (see Match) answer
// 429 as Discord does: the JSON body {"message", "retry_after", "global"}
// with retry_after in seconds, and the headers Retry-After,
// X-RateLimit-Limit, -Remaining (0), -Reset, -Reset-After, -Bucket, -Scope
// and, for a global limit, X-RateLimit-Global.
func (s *Server) RateLimitNext(pattern string, retryAfter time.Duration, global bool) {
	secs := retryAfter.Seconds()
	h := http.Header{}
	h.Set("Retry-After", strconv.Itoa(int(math.Ceil(secs))))
	h.Set("X-RateLimit-Limit", "5")
	h.Set("X-RateLimit-Remaining", "0")
	h.Set("X-RateLimit-Reset", resetAt(retryAfter))
	h.Set("X-RateLimit-Reset-After", strconv.FormatFloat(secs, 'f', 3, 64))
	h.Set("X-RateLimit-Bucket", bucket(pattern))
	if global {
		h.Set("X-RateLimit-Global", "true")
		h.Set("X-RateLimit-Scope", "global")
	} else {
		h.Set("X-RateLimit-Scope", "user")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.scripted = append(s.scripted, scripted{pattern: pattern, status: http.StatusTooManyRequests, header: h,
		body: map[string]any{"message": "You are being rate limited.", "retry_after": secs, "global": global}})
}

// resetAt formats the epoch time d from now, as X-RateLimit-Reset.
func resetAt(d time.Duration) string {
	return strconv.FormatFloat(float64(time.Now().Add(d).UnixMilli())/1000, 'f', 3, 64)
}

// bucket derives an opaque bucket hash from a route, as Discord's
// X-RateLimit-Bucket is.
func bucket(route string) string {
	h := fnv.New64a()
	h.Write([]byte(route))
	return strconv.FormatUint(h.Sum64(), 16)
}

// call is the context of one REST call for its handler.
type call struct {
	r     *http.Request
	req   *Request
	body  map[string]json.RawMessage // the top-level JSON object, if it is one
	reply reply
}

// reply is a handler's answer: a status and a body to encode as JSON (nil
// for none).
type reply struct {
	status int
	body   any
}

type callKey struct{}

// handle registers h for pattern ("METHOD /path" below the API root). With
// auth, the call must carry the bot token, as every Discord route but the
// gateway URL and the interaction endpoints requires.
func (s *Server) handle(pattern string, auth bool, h func(*call) reply) {
	method, path, _ := strings.Cut(pattern, " ")
	s.mux.HandleFunc(method+" "+apiPrefix+path, func(_ http.ResponseWriter, r *http.Request) {
		c := r.Context().Value(callKey{}).(*call)
		c.r = r
		if auth && r.Header.Get("Authorization") != "Bot "+s.Token {
			c.reply = apiError(http.StatusUnauthorized, 0, "401: Unauthorized")
			return
		}
		c.reply = h(c)
	})
}

// serveREST records the call, answers it from the script or else its handler
// (under s.mu, so handlers can read and change the state and dispatch
// events), and writes the answer only after recording it, so a client that
// got an answer finds its request in Requests.
func (s *Server) serveREST(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	if s.cfg.latency > 0 {
		time.Sleep(s.cfg.latency)
	}
	req := Request{
		Method: r.Method,
		Path:   strings.TrimPrefix(r.URL.Path, apiPrefix),
		Query:  r.URL.Query(),
		Header: r.Header.Clone(),
		Body:   body,
		Time:   time.Now(),
	}
	// Routes the fake does not model (the mux's catch-all, or a path it
	// would redirect) answer as Discord does.
	c := &call{req: &req, reply: apiError(http.StatusNotFound, 0, "404: Not Found")}
	payload, files, bodyErr := decodeBody(r.Header.Get("Content-Type"), body)
	req.Files = files
	if len(bytes.TrimSpace(payload)) > 0 && json.Unmarshal(payload, &req.JSON) != nil {
		req.JSON = nil
	}
	if json.Unmarshal(payload, &c.body) != nil {
		c.body = nil
	}

	if _, pattern := s.mux.Handler(r); strings.HasPrefix(pattern, r.Method+" ") {
		method, path, _ := strings.Cut(pattern, " ")
		req.Route = method + " " + strings.TrimPrefix(path, apiPrefix)
	}

	s.mu.Lock()
	var rep reply
	var header http.Header
	for i, sc := range s.scripted {
		if req.matches(sc.pattern) {
			s.scripted = append(s.scripted[:i], s.scripted[i+1:]...)
			rep, header = reply{sc.status, sc.body}, sc.header.Clone()
			break
		}
	}
	if rep.status == 0 && bodyErr != nil && req.Route != "" {
		rep = apiError(http.StatusBadRequest, codeInvalidFormBody, "Invalid Form Body: "+bodyErr.Error())
	}
	if rep.status == 0 {
		s.mux.ServeHTTP(discardWriter{}, r.WithContext(context.WithValue(r.Context(), callKey{}, c)))
		rep = c.reply
	}
	if header == nil {
		header = http.Header{}
	}
	if rep.status != http.StatusTooManyRequests {
		header.Set("X-RateLimit-Limit", "1000")
		header.Set("X-RateLimit-Remaining", "999")
		header.Set("X-RateLimit-Reset", resetAt(time.Second))
		header.Set("X-RateLimit-Reset-After", "1.000")
		header.Set("X-RateLimit-Bucket", bucket(req.Route))
	}
	var out []byte
	if rep.body != nil {
		var err error
		if out, err = json.Marshal(rep.body); err != nil {
			s.t.Errorf("discordtest: encoding the answer to %s %s: %v", req.Method, req.Path, err)
		}
		header.Set("Content-Type", "application/json")
	}
	req.Status, req.ResponseHeader, req.Response = rep.status, header, out
	s.requests = append(s.requests, req)
	s.notifyLocked()
	s.mu.Unlock()

	for k, v := range header {
		w.Header()[k] = v
	}
	w.WriteHeader(rep.status)
	w.Write(out)
}

// discardWriter lets the mux run a handler whose answer travels in the
// call instead.
type discardWriter struct{}

func (discardWriter) Header() http.Header         { return http.Header{} }
func (discardWriter) Write(b []byte) (int, error) { return len(b), nil }
func (discardWriter) WriteHeader(int)             {}

// apiError is Discord's JSON error.
func apiError(status, code int, message string) reply {
	return reply{status, map[string]any{"message": message, "code": code}}
}

// Discord's JSON error codes the fake uses.
const (
	codeUnknownChannel     = 10003
	codeUnknownGuild       = 10004
	codeUnknownMember      = 10007
	codeUnknownMessage     = 10008
	codeUnknownWebhook     = 10015
	codeUnknownInteraction = 10062
	codeMissingAccess      = 50001
	codeEditOthersMessage  = 50005
	codeEmptyMessage       = 50006
	codeWrongChannelType   = 50024
	codeInvalidFormBody    = 50035
	codeAlreadyAcked       = 40060
	codeThreadArchived     = 50083
	codeThreadExists       = 160004
)

// formErrors collects Discord's "Invalid Form Body" error tree: nested
// objects keyed by field names and array indexes, each leaf holding
// "_errors": [{"code", "message"}].
type formErrors struct {
	tree map[string]any
}

func (f *formErrors) add(path, code, message string) {
	if f.tree == nil {
		f.tree = map[string]any{}
	}
	node := f.tree
	for _, k := range strings.Split(path, ".") {
		if k == "" {
			continue
		}
		next, ok := node[k].(map[string]any)
		if !ok {
			next = map[string]any{}
			node[k] = next
		}
		node = next
	}
	errs, _ := node["_errors"].([]any)
	node["_errors"] = append(errs, map[string]any{"code": code, "message": message})
}

func (f *formErrors) failed() bool { return f.tree != nil }

func (f *formErrors) reply() reply {
	return reply{http.StatusBadRequest, map[string]any{"message": "Invalid Form Body", "code": codeInvalidFormBody, "errors": f.tree}}
}

// join joins a field path for formErrors.
func join(parts ...any) string {
	var b strings.Builder
	for _, p := range parts {
		s := fmt.Sprint(p)
		if s == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(s)
	}
	return b.String()
}
