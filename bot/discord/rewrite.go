package discord

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/bwmarrin/discordgo"
)

// RewriteTransport sends discordgo's REST requests to another API base.
//
// discordgo v0.29.0 computes every endpoint URL from
// https://discord.com/api/v9 when the package is initialised, and changing
// its Endpoint variables afterwards is global and incomplete; a per-session
// http.Client with this transport is the reliable way to use a rate-limit
// proxy (nirn-proxy), a regional API, or this package's fake:
//
//	base, err := url.Parse(apiBase) // e.g. "http://localhost:8080/api/v9"
//	s.Client = &http.Client{Timeout: 20 * time.Second, Transport: &RewriteTransport{Base: base}}
//
// A request whose URL starts with discordgo.EndpointAPI has that prefix
// replaced by Base, keeping the rest of the path and the query; other
// requests (the CDN) pass through unchanged. Base therefore names the
// version too. The gateway URL needs no rewriting: discordgo asks the API
// base for it with GET /gateway.

type RewriteTransport struct {
	// Base replaces https://discord.com/api/v9.
	Base *url.URL
	// Next sends the rewritten request; nil means http.DefaultTransport.
	Next http.RoundTripper
}

// RoundTrip implements http.RoundTripper.
func (rt *RewriteTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	next := rt.Next
	if next == nil {
		next = http.DefaultTransport
	}
	rest, ok := strings.CutPrefix(r.URL.String(), discordgo.EndpointAPI)
	if !ok {
		return next.RoundTrip(r)
	}
	u, err := url.Parse(strings.TrimSuffix(rt.Base.String(), "/") + "/" + rest)
	if err != nil {
		if r.Body != nil {
			r.Body.Close()
		}
		return nil, err
	}
	r = r.Clone(r.Context())
	r.URL = u
	r.Host = ""
	return next.RoundTrip(r)
}
