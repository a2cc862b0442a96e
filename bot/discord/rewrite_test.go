package discord_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/ibidbot/ibid/bot/discord"
)

// recordURL is a RoundTripper that records the URL it was asked for.
type recordURL struct{ got *url.URL }

func (r *recordURL) RoundTrip(req *http.Request) (*http.Response, error) {
	r.got = req.URL
	return &http.Response{StatusCode: http.StatusNoContent, Body: http.NoBody, Request: req}, nil
}

func TestRewriteTransport(t *testing.T) {
	tests := []struct{ base, in, want string }{
		{"http://127.0.0.1:8080/api/v9", "https://discord.com/api/v9/channels/1/messages?limit=5",
			"http://127.0.0.1:8080/api/v9/channels/1/messages?limit=5"},
		{"http://proxy.internal/api/v9/", "https://discord.com/api/v9/channels/1/messages/2/reactions/%23%E2%83%A3/@me",
			"http://proxy.internal/api/v9/channels/1/messages/2/reactions/%23%E2%83%A3/@me"},
		{"http://127.0.0.1:8080/api/v9", "https://cdn.discordapp.com/avatars/1/a.png", "https://cdn.discordapp.com/avatars/1/a.png"},
	}
	for _, tt := range tests {
		base, err := url.Parse(tt.base)
		if err != nil {
			t.Fatal(err)
		}
		rec := &recordURL{}
		req, err := http.NewRequest(http.MethodGet, tt.in, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := (&discord.RewriteTransport{Base: base, Next: rec}).RoundTrip(req); err != nil {
			t.Fatal(err)
		}
		if rec.got.String() != tt.want {
			t.Errorf("%s via %s went to %s, want %s", tt.in, tt.base, rec.got, tt.want)
		}
		if req.URL.String() != tt.in {
			t.Errorf("the caller's request was changed to %s", req.URL)
		}
	}
}
