package discordtest

import (
	"bytes"
	"compress/zlib"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"
)

// Identify is an IDENTIFY (op 2) the gateway received.
type Identify struct {
	// Token is as sent; discordgo sends it with the "Bot " prefix.
	Token          string
	Intents        discordgo.Intent
	Properties     discordgo.IdentifyProperties
	Compress       bool
	LargeThreshold int
	Shard          *[2]int
	// SessionID is the session READY opened, or "" if the IDENTIFY was
	// rejected (wrong token, disallowed intents).
	SessionID string
}

// Resume is a RESUME (op 6) the gateway received.
type Resume struct {
	Token     string
	SessionID string
	Seq       int64
	// Resumed reports whether the session was resumed; if not, the fake
	// answered INVALID_SESSION or closed the connection.
	Resumed bool
}

// gwSession is a gateway session: what READY opened and RESUME continues.
type gwSession struct {
	id       string
	intents  discordgo.Intent
	compress bool
	seq      int64
	events   []gwEvent // every dispatch, for replay on RESUME
	conn     *gwConn   // nil while disconnected
}

type gwEvent struct {
	seq   int64
	frame []byte
}

// gwConn is one websocket connection.
type gwConn struct {
	ws      *websocket.Conn
	session *gwSession
	beats   int // heartbeats received
}

// write sends a frame, zlib-compressed in a binary message when the session
// asked for compression, as Discord does. A failed write is ignored: the
// connection is gone and the client will resume.
func (c *gwConn) write(frame []byte, compress bool) {
	c.ws.SetWriteDeadline(time.Now().Add(5 * time.Second))
	if !compress {
		c.ws.WriteMessage(websocket.TextMessage, frame)
		return
	}
	var b bytes.Buffer
	z := zlib.NewWriter(&b)
	z.Write(frame)
	z.Close()
	c.ws.WriteMessage(websocket.BinaryMessage, b.Bytes())
}

// closeWith ends the connection with a gateway close code, as Discord does
// on a protocol error.
func (c *gwConn) closeWith(code int, text string) {
	c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, text), time.Now().Add(time.Second))
}

// Gateway opcodes.
const (
	opDispatch       = 0
	opHeartbeat      = 1
	opIdentify       = 2
	opPresenceUpdate = 3
	opVoiceState     = 4
	opResume         = 6
	opRequestMembers = 8
	opInvalidSession = 9
	opHello          = 10
	opHeartbeatAck   = 11
)

var upgrader = websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}

// serveGateway runs one gateway connection: HELLO, then the client's ops
// until it or the fake closes.
func (s *Server) serveGateway(w http.ResponseWriter, r *http.Request) {
	if q := r.URL.Query(); q.Get("encoding") != "json" || q.Get("compress") != "" {
		s.t.Errorf("discordtest: gateway URL %q: the fake speaks only encoding=json without transport compression", r.URL)
		http.Error(w, "unsupported encoding", http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		http.Error(w, "closed", http.StatusServiceUnavailable)
		return
	}
	s.gwWG.Add(1)
	s.mu.Unlock()
	defer s.gwWG.Done()

	ws, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	c := &gwConn{ws: ws}
	s.mu.Lock()
	if s.closed { // Close ran while the client was upgrading
		s.mu.Unlock()
		ws.Close()
		return
	}
	s.conns[c] = true
	c.write(controlFrame(opHello, map[string]any{"heartbeat_interval": s.cfg.heartbeat.Milliseconds(), "_trace": []string{"discordtest"}}), false)
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.conns, c)
		if c.session != nil && c.session.conn == c {
			c.session.conn = nil
		}
		s.mu.Unlock()
		ws.Close()
	}()

	// A clean close ends the session, which then cannot be resumed. It ends
	// before the close is echoed, so a client that saw the echo and
	// reconnects finds it gone.
	ws.SetCloseHandler(func(code int, _ string) error {
		if code == websocket.CloseNormalClosure || code == websocket.CloseGoingAway {
			s.endSession(c)
		}
		return ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, ""), time.Now().Add(time.Second))
	})
	for {
		_, data, err := ws.ReadMessage()
		if err != nil {
			return
		}
		var p struct {
			Op int             `json:"op"`
			D  json.RawMessage `json:"d"`
		}
		if json.Unmarshal(data, &p) != nil {
			c.closeWith(4002, "Decode error.")
			return
		}
		s.mu.Lock()
		code, text := s.gatewayOpLocked(c, p.Op, p.D)
		s.mu.Unlock()
		if code != 0 {
			c.closeWith(code, text)
			return
		}
	}
}

func (s *Server) endSession(c *gwConn) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if sess := c.session; sess != nil && sess.conn == c {
		delete(s.sessions, sess.id)
		if s.current == sess {
			s.current = nil
		}
	}
}

// controlFrame encodes a non-dispatch payload.
func controlFrame(op int, d any) []byte {
	b, _ := json.Marshal(map[string]any{"op": op, "d": d, "s": nil, "t": nil})
	return b
}

// gatewayOpLocked handles one payload from the client and returns a close
// code (0 to keep the connection) with its reason.
func (s *Server) gatewayOpLocked(c *gwConn, op int, d json.RawMessage) (int, string) {
	switch op {
	case opHeartbeat:
		c.beats++
		s.notifyLocked()
		c.write(controlFrame(opHeartbeatAck, nil), false)
		return 0, ""
	case opIdentify:
		if c.session != nil {
			return 4005, "Already authenticated."
		}
		return s.identifyLocked(c, d)
	case opResume:
		return s.resumeLocked(c, d)
	case opPresenceUpdate, opVoiceState, opRequestMembers:
		if c.session == nil {
			return 4003, "Not authenticated."
		}
		return 0, ""
	}
	if c.session == nil {
		return 4003, "Not authenticated."
	}
	return 4001, "Unknown opcode."
}

func (s *Server) identifyLocked(c *gwConn, d json.RawMessage) (int, string) {
	var in struct {
		Token          string                       `json:"token"`
		Intents        discordgo.Intent             `json:"intents"`
		Properties     discordgo.IdentifyProperties `json:"properties"`
		Compress       bool                         `json:"compress"`
		LargeThreshold int                          `json:"large_threshold"`
		Shard          *[2]int                      `json:"shard"`
	}
	if json.Unmarshal(d, &in) != nil {
		return 4002, "Decode error."
	}
	id := Identify{Token: in.Token, Intents: in.Intents, Properties: in.Properties, Compress: in.Compress,
		LargeThreshold: in.LargeThreshold, Shard: in.Shard}
	defer func() {
		s.identifies = append(s.identifies, id)
		s.notifyLocked()
	}()
	if !s.validToken(in.Token) {
		return 4004, "Authentication failed."
	}
	if in.Intents&privilegedIntents&^s.cfg.privileged != 0 {
		return 4014, "Disallowed intent(s)."
	}
	sess := &gwSession{id: randomToken(16), intents: in.Intents, compress: in.Compress, conn: c}
	id.SessionID = sess.id
	s.sessions[sess.id] = sess
	s.current = sess
	c.session = sess

	me := userJSON(s.Bot)
	me["verified"], me["mfa_enabled"], me["flags"] = true, false, 0
	guilds := make([]any, len(s.guildOrder))
	for i, g := range s.guildOrder {
		guilds[i] = map[string]any{"id": g, "unavailable": true}
	}
	ready := map[string]any{
		"v": 9, "user": me, "guilds": guilds, "session_id": sess.id, "session_type": "normal",
		"resume_gateway_url": s.GatewayURL, "application": map[string]any{"id": s.AppID, "flags": 0},
		"private_channels": []any{}, "presences": []any{}, "relationships": []any{}, "user_settings": map[string]any{},
		"geo_ordered_rtc_regions": []any{}, "guild_join_requests": []any{}, "_trace": []string{"discordtest"},
	}
	if in.Shard != nil {
		ready["shard"] = in.Shard
	}
	s.sendLocked(sess, "READY", ready)
	if in.Intents&discordgo.IntentsGuilds != 0 {
		for _, g := range s.guildOrder {
			s.sendLocked(sess, "GUILD_CREATE", s.guildJSON(s.guilds[g]))
		}
	}
	return 0, ""
}

// validToken accepts the bot token with or without the "Bot " prefix, as
// Discord's gateway does.
func (s *Server) validToken(tok string) bool {
	return strings.TrimPrefix(tok, "Bot ") == s.Token
}

func (s *Server) resumeLocked(c *gwConn, d json.RawMessage) (int, string) {
	var in struct {
		Token     string `json:"token"`
		SessionID string `json:"session_id"`
		Seq       int64  `json:"seq"`
	}
	if json.Unmarshal(d, &in) != nil {
		return 4002, "Decode error."
	}
	res := Resume{Token: in.Token, SessionID: in.SessionID, Seq: in.Seq}
	defer func() {
		s.resumes = append(s.resumes, res)
		s.notifyLocked()
	}()
	if !s.validToken(in.Token) {
		return 4004, "Authentication failed."
	}
	sess := s.sessions[in.SessionID]
	if sess == nil {
		c.write(controlFrame(opInvalidSession, false), false)
		return 0, ""
	}
	if in.Seq > sess.seq {
		return 4007, "Invalid seq."
	}
	if old := sess.conn; old != nil && old != c {
		old.ws.UnderlyingConn().Close()
	}
	sess.conn = c
	c.session = sess
	s.current = sess
	for _, ev := range sess.events {
		if ev.seq > in.Seq {
			c.write(ev.frame, sess.compress)
		}
	}
	s.sendLocked(sess, "RESUMED", map[string]any{"_trace": []string{"discordtest"}})
	res.Resumed = true
	return 0, ""
}

// sendLocked dispatches an event on sess with the next sequence number,
// keeps it for replay, and writes it if sess is connected.
func (s *Server) sendLocked(sess *gwSession, event string, d any) int64 {
	raw, err := json.Marshal(d)
	if err != nil {
		s.t.Errorf("discordtest: encoding %s: %v", event, err)
		return sess.seq
	}
	sess.seq++
	frame, _ := json.Marshal(struct {
		Op int             `json:"op"`
		D  json.RawMessage `json:"d"`
		S  int64           `json:"s"`
		T  string          `json:"t"`
	}{opDispatch, raw, sess.seq, event})
	sess.events = append(sess.events, gwEvent{sess.seq, frame})
	if sess.conn != nil {
		sess.conn.write(frame, sess.compress)
	}
	return sess.seq
}

// Dispatch sends an event (op 0) with payload as its d on the current
// session and returns its sequence number. While the session is
// disconnected the event waits for the RESUME, as on Discord. It fails the
// test if no session is identified.
func (s *Server) Dispatch(t testing.TB, event string, payload any) int64 {
	t.Helper()
	s.mu.Lock()
	sess := s.current
	var seq int64
	if sess != nil {
		seq = s.sendLocked(sess, event, payload)
	}
	s.mu.Unlock()
	if sess == nil {
		t.Fatalf("discordtest: Dispatch %s: no gateway session (Open the session first)", event)
	}
	return seq
}

// DropConnection closes the current session's connection without a close
// frame, as a network failure does. The session stays resumable: the client
// should reconnect and RESUME (see WaitResume), and events dispatched
// meanwhile are replayed then.
func (s *Server) DropConnection(t testing.TB) {
	t.Helper()
	s.mu.Lock()
	var c *gwConn
	if s.current != nil {
		c = s.current.conn
		s.current.conn = nil
	}
	s.mu.Unlock()
	if c == nil {
		t.Fatalf("discordtest: DropConnection: no connected session")
	}
	c.ws.UnderlyingConn().Close()
}

// ExpireSession ends the current session as Discord does when one times
// out: its connection drops, and the client's RESUME is answered with
// INVALID_SESSION, so it must IDENTIFY again (see WaitIdentify).
func (s *Server) ExpireSession(t testing.TB) {
	t.Helper()
	s.mu.Lock()
	sess := s.current
	var c *gwConn
	if sess != nil {
		delete(s.sessions, sess.id)
		s.current = nil
		c, sess.conn = sess.conn, nil
	}
	s.mu.Unlock()
	if sess == nil {
		t.Fatalf("discordtest: ExpireSession: no session")
	}
	if c != nil {
		c.ws.UnderlyingConn().Close()
	}
}

// WaitHeartbeat waits until the current session's connection has sent a
// heartbeat, as a client does once its handshake is over. Tests that drop
// or expire a connection wait for this first: discordgo v0.29.0 starts its
// heartbeat loop after the handshake, and a loop that first runs on a
// connection already dropped closes the next connection, ending its
// session. On Discord a connection outlives its first heartbeat.
func (s *Server) WaitHeartbeat(t testing.TB) {
	t.Helper()
	s.wait(t, "heartbeat", func() bool {
		return s.current != nil && s.current.conn != nil && s.current.conn.beats > 0
	})
}

// WaitIdentify returns the next IDENTIFY that no earlier WaitIdentify
// returned, waiting for it if need be.
func (s *Server) WaitIdentify(t testing.TB) Identify {
	t.Helper()
	var got Identify
	s.wait(t, "IDENTIFY", func() bool {
		if s.takenIdent < len(s.identifies) {
			got = s.identifies[s.takenIdent]
			s.takenIdent++
			return true
		}
		return false
	})
	return got
}

// WaitResume returns the next RESUME that no earlier WaitResume returned,
// waiting for it if need be. When it returns, a resumed session is
// connected again, so events dispatched afterwards go out at once.
func (s *Server) WaitResume(t testing.TB) Resume {
	t.Helper()
	var got Resume
	s.wait(t, "RESUME", func() bool {
		if s.takenRes < len(s.resumes) {
			got = s.resumes[s.takenRes]
			s.takenRes++
			return true
		}
		return false
	})
	return got
}
