package discord

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// discordAPI is where discordgo v0.29 sends every REST call; its endpoint
// variables are computed at init, so another API root is reached by
// rewriting requests rather than by reassigning them.
const discordAPI = "https://discord.com/api/v9"

// Rewrite returns a transport that sends Discord REST calls to base (a
// rate-limit proxy such as nirn-proxy, or a local Discord in tests) instead
// of discord.com, keeping the path after /api/v9.
func Rewrite(base string, next http.RoundTripper) (http.RoundTripper, error) {
	u, err := url.Parse(strings.TrimSuffix(base, "/"))
	if err != nil || u.Scheme == "" || u.Host == "" {
		return nil, fmt.Errorf("discord API base %q: must be an absolute URL such as http://localhost:8080/api/v9", base)
	}
	if next == nil {
		next = http.DefaultTransport
	}
	return rewrite{base: u, next: next}, nil
}

type rewrite struct {
	base *url.URL
	next http.RoundTripper
}

func (rt rewrite) RoundTrip(r *http.Request) (*http.Response, error) {
	full := r.URL.String()
	if !strings.HasPrefix(full, discordAPI) {
		return rt.next.RoundTrip(r)
	}
	r = r.Clone(r.Context())
	r.URL.Scheme, r.URL.Host, r.Host = rt.base.Scheme, rt.base.Host, rt.base.Host
	r.URL.Path = rt.base.Path + strings.TrimPrefix(r.URL.Path, "/api/v9")
	r.URL.RawPath = ""
	return rt.next.RoundTrip(r)
}
