package openai

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// maxRetries bounds the retries of one call: a server that failed three
// times in a row within one answer's deadline is not worth waiting for, and
// the caller has an extractive answer to fall back on.
const maxRetries = 2

// backoffBase is the wait before the first retry of a server or network
// error without Retry-After; it doubles for the second.
const backoffBase = 200 * time.Millisecond

// transient reports whether err may go away on its own: a rate limit, a
// timeout or failure on the server's side, or a network error.
func transient(err error) bool {
	switch s := StatusCode(err); {
	case s == http.StatusTooManyRequests, s == http.StatusRequestTimeout, s >= 500:
		return true
	case s != 0:
		return false
	}
	var ue *url.Error
	return errors.As(err, &ue)
}

// retryAfter is the Retry-After of one response, if it had one.
type retryAfter struct {
	d   time.Duration
	set bool
}

// wait is how long to wait before retry number retries (from 0): what the
// server asked for, else an exponential backoff.
func (h retryAfter) wait(retries int) time.Duration {
	if h.set {
		return h.d
	}
	return backoffBase << retries
}

type retryAfterKey struct{}

// withRetryAfter returns a context whose request will record its response's
// Retry-After in h. go-openai's errors do not carry response headers, so the
// header is caught on its way past, per request, which keeps concurrent
// calls apart.
func withRetryAfter(ctx context.Context, h *retryAfter) context.Context {
	return context.WithValue(ctx, retryAfterKey{}, h)
}

// retryAfterDoer is the go-openai HTTPDoer that records Retry-After.
type retryAfterDoer struct{ client *http.Client }

func (d retryAfterDoer) Do(req *http.Request) (*http.Response, error) {
	resp, err := d.client.Do(req)
	if err != nil || resp.StatusCode < 400 {
		return resp, err
	}
	if h, ok := req.Context().Value(retryAfterKey{}).(*retryAfter); ok {
		h.d, h.set = parseRetryAfter(resp.Header.Get("Retry-After"), time.Now())
	}
	return resp, err
}

// parseRetryAfter reads a Retry-After value, delay-seconds or an HTTP date
// (RFC 9110 §10.2.3), as a wait from now.
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseFloat(v, 64); err == nil {
		// Fractions are not in the RFC, but some servers send them. The
		// cap keeps the conversion in range; no deadline is that long.
		if !(secs >= 0) { // negative or NaN
			return 0, false
		}
		return time.Duration(min(secs, 86400) * float64(time.Second)), true
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	return max(t.Sub(now), 0), true
}

// sleep waits d or until ctx is done.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
