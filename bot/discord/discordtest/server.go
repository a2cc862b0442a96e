package discordtest

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"github.com/ibidbot/ibid/bot/discord"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"
)

// Server is a local Discord: a REST API under URL and a gateway under
// GatewayURL. Create it with New; it closes itself when the test ends.
//
// The exported fields describe the world the fake starts with and are
// read-only.
type Server struct {
	// URL is the REST root, e.g. http://127.0.0.1:41234/api/v9: what
	// https://discord.com/api/v9 is to Discord.
	URL string
	// GatewayURL is what GET /gateway answers.
	GatewayURL string
	// Token is the bot token the fake accepts, without the "Bot " prefix.
	Token string
	// AppID is the application's ID; it is also the bot user's ID, as for
	// every application created since 2019.
	AppID string
	// Bot is the application's bot user.
	Bot User
	// GuildID is a guild the bot is in, with an @everyone role (whose ID is
	// the guild's) and ChannelID, a text channel.
	GuildID   string
	ChannelID string
	// User is a member of the guild who sends the interactions and messages
	// the builders make unless told otherwise.
	User User

	t    testing.TB
	cfg  config
	rest *httptest.Server
	gw   *httptest.Server
	mux  *http.ServeMux

	// mu guards everything below, and gateway writes, so that sequence
	// numbers go out in order and REST handlers can dispatch events.
	mu      sync.Mutex
	changed chan struct{} // closed and replaced whenever something is recorded
	lastID  uint64

	requests   []Request
	takenReq   map[int]bool
	identifies []Identify
	takenIdent int
	resumes    []Resume
	takenRes   int
	scripted   []scripted

	users        map[string]User
	guilds       map[string]*guild
	guildOrder   []string
	channels     map[string]*channel
	messages     map[string]*message
	commands     map[string][]map[string]any // by guild ID, "" for global
	interactions map[string]*interaction     // by ID
	byToken      map[string]*interaction

	sessions map[string]*gwSession
	current  *gwSession
	conns    map[*gwConn]bool
	gwWG     sync.WaitGroup
	closed   bool
}

// config holds what ServerOptions set.
type config struct {
	token             string
	heartbeat         time.Duration
	window            time.Duration
	latency           time.Duration
	waitTimeout       time.Duration
	privileged        discordgo.Intent
	allowUnknownRoute bool
}

// A ServerOption configures New.
type ServerOption func(*config)

// WithToken sets the bot token the fake accepts (default "test-token").
func WithToken(token string) ServerOption { return func(c *config) { c.token = token } }

// WithHeartbeatInterval sets the heartbeat_interval sent in HELLO (default
// 45 s, Discord's usual value). Tests of heartbeating set it short.
func WithHeartbeatInterval(d time.Duration) ServerOption {
	return func(c *config) { c.heartbeat = d }
}

// WithInteractionWindow sets how long after dispatch an interaction may be
// acknowledged (default 3 s, Discord's rule); later callbacks get 404,
// code 10062 Unknown interaction.
func WithInteractionWindow(d time.Duration) ServerOption {
	return func(c *config) { c.window = d }
}

// WithLatency delays every REST response by d, to measure a bot under a
// slow Discord.
func WithLatency(d time.Duration) ServerOption { return func(c *config) { c.latency = d } }

// WithWaitTimeout sets how long the Wait methods wait before failing the
// test (default 5 s).
func WithWaitTimeout(d time.Duration) ServerOption { return func(c *config) { c.waitTimeout = d } }

// WithPrivilegedIntents enables privileged intents for the application, as
// its owner does in the developer portal. An IDENTIFY asking for a
// privileged intent not enabled here is closed with 4014 Disallowed
// intent(s), as Discord does; by default none is enabled.
func WithPrivilegedIntents(i discordgo.Intent) ServerOption {
	return func(c *config) { c.privileged = i }
}

// AllowUnknownRoutes stops the fake from failing the test at cleanup when
// the bot called a route the fake does not model. Such calls are still
// answered 404 and recorded.
func AllowUnknownRoutes() ServerOption { return func(c *config) { c.allowUnknownRoute = true } }

// privilegedIntents are the intents Discord gates behind the developer
// portal.
const privilegedIntents = discordgo.IntentGuildMembers | discordgo.IntentGuildPresences | discordgo.IntentMessageContent

// New starts a fake Discord for the test and registers its Close with
// t.Cleanup.
func New(t testing.TB, opts ...ServerOption) *Server {
	t.Helper()
	cfg := config{
		token:       "test-token",
		heartbeat:   45 * time.Second,
		window:      3 * time.Second,
		waitTimeout: 5 * time.Second,
	}
	for _, o := range opts {
		o(&cfg)
	}
	s := &Server{
		t:            t,
		cfg:          cfg,
		Token:        cfg.token,
		changed:      make(chan struct{}),
		takenReq:     map[int]bool{},
		users:        map[string]User{},
		guilds:       map[string]*guild{},
		channels:     map[string]*channel{},
		messages:     map[string]*message{},
		commands:     map[string][]map[string]any{},
		interactions: map[string]*interaction{},
		byToken:      map[string]*interaction{},
		sessions:     map[string]*gwSession{},
		conns:        map[*gwConn]bool{},
	}
	s.AppID = s.newID()
	s.Bot = User{ID: s.AppID, Username: "Ibid", Bot: true}
	s.User = User{ID: s.newID(), Username: "alice", GlobalName: "Alice"}
	s.users[s.Bot.ID] = s.Bot
	s.users[s.User.ID] = s.User
	s.GuildID = s.AddGuild("History Club")
	s.ChannelID = s.AddChannel(Channel{GuildID: s.GuildID, Name: "general", Type: discordgo.ChannelTypeGuildText}).ID
	s.AddMember(s.GuildID, s.User)

	s.mux = http.NewServeMux()
	s.routes()
	s.rest = httptest.NewServer(http.HandlerFunc(s.serveREST))
	s.gw = httptest.NewServer(http.HandlerFunc(s.serveGateway))
	s.URL = s.rest.URL + apiPrefix
	s.GatewayURL = "ws" + strings.TrimPrefix(s.gw.URL, "http")
	t.Cleanup(s.Close)
	return s
}

// Close ends every gateway connection and stops both servers. It fails the
// test if the bot called routes the fake does not model, unless
// AllowUnknownRoutes was given. New registers it with t.Cleanup.
func (s *Server) Close() {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.closed = true
	for c := range s.conns {
		c.ws.Close()
	}
	var unknown []string
	for _, r := range s.requests {
		if r.Route == "" {
			unknown = append(unknown, r.Method+" "+r.Path)
		}
	}
	s.mu.Unlock()
	s.gwWG.Wait()
	s.gw.Close()
	s.rest.Close()
	if len(unknown) > 0 && !s.cfg.allowUnknownRoute {
		s.t.Errorf("discordtest: the bot called routes the fake does not model: %s", strings.Join(unknown, ", "))
	}
}

// Client returns an http.Client that sends discordgo's REST calls to the
// fake (through a RewriteTransport) and refuses every other host, so that
// nothing a test does reaches the internet.
func (s *Server) Client() *http.Client {
	base, err := url.Parse(s.URL)
	if err != nil {
		panic(err) // s.URL is built by New from httptest's URL
	}
	return &http.Client{
		Timeout: 10 * time.Second,
		Transport: &discord.RewriteTransport{
			Base: base,
			Next: onlyHost{host: base.Host, next: s.rest.Client().Transport},
		},
	}
}

// Session returns a discordgo session for the fake's bot, not yet open: its
// REST calls go to the fake (see Client) and it dials the fake's gateway.
// Intents are discordgo's default (all unprivileged); set
// s.Identify.Intents before Open to test others. The session is closed
// when the test ends; note that discordgo's Close of an open session sleeps
// one second, so tests share sessions where they can.
func (s *Server) Session(t testing.TB) *discordgo.Session {
	t.Helper()
	sess, err := discordgo.New("Bot " + s.Token)
	if err != nil {
		t.Fatalf("discordgo.New: %v", err)
	}
	sess.Client = s.Client()
	sess.Dialer = &websocket.Dialer{HandshakeTimeout: 5 * time.Second}
	t.Cleanup(func() { sess.Close() })
	return sess
}

// onlyHost refuses requests to any host but the fake's, so a route
// discordgo builds from a URL other than the API base (the CDN, the status
// page) fails instead of leaving the machine.
type onlyHost struct {
	host string
	next http.RoundTripper
}

func (o onlyHost) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.URL.Host != o.host {
		if r.Body != nil {
			r.Body.Close()
		}
		return nil, fmt.Errorf("discordtest: refusing a request to %s outside the fake", r.URL.Redacted())
	}
	return o.next.RoundTrip(r)
}

// notifyLocked wakes every waiter; s.mu must be held.
func (s *Server) notifyLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// wait calls found under s.mu whenever something is recorded until it
// reports true, and fails the test after the wait timeout. what names the
// awaited thing in the failure; found may set variables of the caller.
func (s *Server) wait(t testing.TB, what string, found func() bool) {
	t.Helper()
	timer := time.NewTimer(s.cfg.waitTimeout)
	defer timer.Stop()
	for {
		s.mu.Lock()
		ok := found()
		ch := s.changed
		s.mu.Unlock()
		if ok {
			return
		}
		select {
		case <-ch:
		case <-timer.C:
			t.Fatalf("discordtest: no %s within %v; requests so far:\n%s", what, s.cfg.waitTimeout, s.requestLog())
		}
	}
}

// requestLog lists the recorded requests for failure messages.
func (s *Server) requestLog() string {
	var b strings.Builder
	for _, r := range s.Requests() {
		fmt.Fprintf(&b, "  %s %s -> %d %s\n", r.Method, r.Path, r.Status, truncateForLog(r.Body))
	}
	if b.Len() == 0 {
		return "  (none)"
	}
	return b.String()
}

func truncateForLog(b []byte) string {
	const max = 300
	if len(b) > max {
		return string(b[:max]) + "…"
	}
	return string(b)
}

// discordEpoch is the first millisecond of 2015, where snowflakes count from.
const discordEpoch = 1420070400000

// newID returns a fresh snowflake, increasing like Discord's, so that code
// reading the creation time from an ID gets the present.
func (s *Server) newID() string {
	id := uint64(time.Now().UnixMilli()-discordEpoch) << 22
	if id <= s.lastID {
		id = s.lastID + 1
	}
	s.lastID = id
	return strconv.FormatUint(id, 10)
}

// randomToken returns n random bytes in hex, for session IDs and
// interaction tokens.
func randomToken(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return hex.EncodeToString(b)
}

// timestamp formats t as Discord does (ISO 8601 with microseconds).
func timestamp(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000000+00:00") }
