package discordtest_test

import (
	"bytes"
	"compress/zlib"
	"encoding/json"
	"errors"
	"io"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"

	"github.com/ibidbot/ibid/bot/discord/discordtest"
)

// These tests speak the gateway protocol directly, to pin down what the
// fake sends independently of how discordgo reacts.

type frame struct {
	Op int             `json:"op"`
	D  json.RawMessage `json:"d"`
	S  int64           `json:"s"`
	T  string          `json:"t"`
}

type client struct {
	t  *testing.T
	ws *websocket.Conn
}

func dial(t *testing.T, srv *discordtest.Server) *client {
	t.Helper()
	ws, _, err := websocket.DefaultDialer.Dial(srv.GatewayURL+"/?v=9&encoding=json", nil)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	t.Cleanup(func() { ws.Close() })
	c := &client{t: t, ws: ws}
	if hello := c.read(); hello.Op != 10 {
		t.Fatalf("first frame %+v, want HELLO", hello)
	}
	return c
}

func (c *client) send(op int, d any) {
	c.t.Helper()
	if err := c.ws.WriteJSON(map[string]any{"op": op, "d": d}); err != nil {
		c.t.Fatalf("send op %d: %v", op, err)
	}
}

// read returns the next frame, inflating zlib-compressed binary frames.
func (c *client) read() frame {
	c.t.Helper()
	c.ws.SetReadDeadline(time.Now().Add(timeout))
	mt, data, err := c.ws.ReadMessage()
	if err != nil {
		c.t.Fatalf("read: %v", err)
	}
	if mt == websocket.BinaryMessage {
		z, err := zlib.NewReader(bytes.NewReader(data))
		if err != nil {
			c.t.Fatalf("zlib: %v", err)
		}
		if data, err = io.ReadAll(z); err != nil {
			c.t.Fatalf("zlib: %v", err)
		}
	}
	var f frame
	if err := json.Unmarshal(data, &f); err != nil {
		c.t.Fatalf("frame %s: %v", data, err)
	}
	return f
}

// closed returns the close code the fake ended the connection with.
func (c *client) closed() int {
	c.t.Helper()
	c.ws.SetReadDeadline(time.Now().Add(timeout))
	for {
		_, _, err := c.ws.ReadMessage()
		var ce *websocket.CloseError
		if errors.As(err, &ce) {
			return ce.Code
		}
		if err != nil {
			c.t.Fatalf("connection ended without a close frame: %v", err)
		}
	}
}

func (c *client) identify(token string, intents discordgo.Intent, compress bool) (sessionID string) {
	c.t.Helper()
	c.send(2, map[string]any{"token": token, "intents": intents, "compress": compress,
		"properties": map[string]string{"os": "linux", "browser": "test", "device": "test"}})
	ready := c.read()
	var d struct {
		SessionID        string `json:"session_id"`
		ResumeGatewayURL string `json:"resume_gateway_url"`
		User             struct {
			ID  string `json:"id"`
			Bot bool   `json:"bot"`
		} `json:"user"`
		Guilds []struct {
			ID          string `json:"id"`
			Unavailable bool   `json:"unavailable"`
		} `json:"guilds"`
		Application struct {
			ID string `json:"id"`
		} `json:"application"`
	}
	if ready.T != "READY" || ready.S != 1 || json.Unmarshal(ready.D, &d) != nil {
		c.t.Fatalf("after IDENTIFY got %+v, want READY with s=1", ready)
	}
	if d.SessionID == "" || d.ResumeGatewayURL == "" || !d.User.Bot || d.Application.ID == "" ||
		len(d.Guilds) != 1 || !d.Guilds[0].Unavailable {
		c.t.Errorf("READY %s", ready.D)
	}
	return d.SessionID
}

func TestGateway_HelloHeartbeatIdentify(t *testing.T) {
	srv := discordtest.New(t, discordtest.WithHeartbeatInterval(250*time.Millisecond))
	ws, _, err := websocket.DefaultDialer.Dial(srv.GatewayURL+"/?v=9&encoding=json", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	c := &client{t: t, ws: ws}
	hello := c.read()
	var d struct {
		HeartbeatInterval int `json:"heartbeat_interval"`
	}
	if hello.Op != 10 || json.Unmarshal(hello.D, &d) != nil || d.HeartbeatInterval != 250 {
		t.Fatalf("HELLO %+v", hello)
	}
	c.send(1, nil)
	if ack := c.read(); ack.Op != 11 {
		t.Fatalf("after HEARTBEAT got %+v, want HEARTBEAT_ACK", ack)
	}
	c.identify(srv.Token, discordgo.IntentsGuilds, false)
	if g := c.read(); g.T != "GUILD_CREATE" || g.S != 2 {
		t.Errorf("after READY got %+v, want GUILD_CREATE (the GUILDS intent)", g)
	}
	c.send(2, map[string]any{"token": srv.Token})
	if code := c.closed(); code != 4005 {
		t.Errorf("a second IDENTIFY closed with %d, want 4005", code)
	}
}

func TestGateway_ProtocolErrors(t *testing.T) {
	srv := discordtest.New(t)
	c := dial(t, srv)
	c.send(3, map[string]any{"status": "online"})
	if code := c.closed(); code != 4003 {
		t.Errorf("a payload before IDENTIFY closed with %d, want 4003", code)
	}
	c = dial(t, srv)
	c.identify(srv.Token, 0, false)
	c.send(42, nil)
	if code := c.closed(); code != 4001 {
		t.Errorf("an unknown opcode closed with %d, want 4001", code)
	}
	c = dial(t, srv)
	c.ws.WriteMessage(websocket.TextMessage, []byte("{not json"))
	if code := c.closed(); code != 4002 {
		t.Errorf("a malformed payload closed with %d, want 4002", code)
	}
}

func TestGateway_Resume(t *testing.T) {
	srv := discordtest.New(t)
	c := dial(t, srv)
	session := c.identify("Bot "+srv.Token, 0, false)
	a := srv.Dispatch(t, "TYPING_START", map[string]string{"user_id": "a"})
	c.read()
	c.ws.UnderlyingConn().Close() // the client loses the connection after seeing A
	b := srv.Dispatch(t, "TYPING_START", map[string]string{"user_id": "b"})

	c = dial(t, srv)
	c.send(6, map[string]any{"token": "Bot " + srv.Token, "session_id": session, "seq": a})
	if got := c.read(); got.S != b || string(got.D) != `{"user_id":"b"}` {
		t.Errorf("first frame after RESUME %+v, want the missed event %d", got, b)
	}
	if got := c.read(); got.T != "RESUMED" || got.S != b+1 {
		t.Errorf("then %+v, want RESUMED with s=%d", got, b+1)
	}
	if res := srv.WaitResume(t); !res.Resumed || res.SessionID != session || res.Seq != a {
		t.Errorf("recorded %+v", res)
	}
	c.send(6, map[string]any{"token": srv.Token, "session_id": session, "seq": b + 100})
	if code := c.closed(); code != 4007 {
		t.Errorf("a RESUME ahead of the session closed with %d, want 4007", code)
	}

	c = dial(t, srv)
	c.send(6, map[string]any{"token": srv.Token, "session_id": "nope", "seq": 1})
	if got := c.read(); got.Op != 9 || string(got.D) != "false" {
		t.Errorf("RESUME of an unknown session got %+v, want INVALID_SESSION false", got)
	}
	c.identify(srv.Token, 0, false)
}

func TestGateway_CleanCloseEndsSession(t *testing.T) {
	srv := discordtest.New(t)
	c := dial(t, srv)
	session := c.identify(srv.Token, 0, false)
	c.ws.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""))
	c.closed()

	c = dial(t, srv)
	c.send(6, map[string]any{"token": srv.Token, "session_id": session, "seq": 1})
	if got := c.read(); got.Op != 9 {
		t.Errorf("RESUME after a clean close got %+v, want INVALID_SESSION", got)
	}
}

func TestGateway_Compression(t *testing.T) {
	srv := discordtest.New(t)
	c := dial(t, srv)
	c.send(2, map[string]any{"token": srv.Token, "intents": 0, "compress": true})
	c.ws.SetReadDeadline(time.Now().Add(timeout))
	mt, _, err := c.ws.ReadMessage()
	if err != nil || mt != websocket.BinaryMessage {
		t.Errorf("READY for a compressing client: message type %d, %v; want binary zlib", mt, err)
	}
}

// TestGateway_MessageIntents checks that MESSAGE_CREATE follows the
// identified intents as on Discord.
func TestGateway_MessageIntents(t *testing.T) {
	srv := discordtest.New(t, discordtest.WithPrivilegedIntents(discordgo.IntentMessageContent))
	content := func(c *client) string {
		t.Helper()
		f := c.read()
		var m struct {
			Content string `json:"content"`
		}
		if f.T != "MESSAGE_CREATE" || json.Unmarshal(f.D, &m) != nil {
			t.Fatalf("got %+v, want MESSAGE_CREATE", f)
		}
		return m.Content
	}

	c := dial(t, srv)
	c.identify(srv.Token, discordgo.IntentsGuildMessages, false)
	srv.MessageCreate(t, discordtest.Message{Content: "plain"})
	if got := content(c); got != "" {
		t.Errorf("without MESSAGE_CONTENT: content %q, want empty", got)
	}
	srv.MessageCreate(t, discordtest.Message{Content: "hey <@" + srv.Bot.ID + ">"})
	if got := content(c); got == "" {
		t.Error("a mention of the bot arrived without content")
	}

	c = dial(t, srv)
	c.identify(srv.Token, discordgo.IntentsGuildMessages|discordgo.IntentMessageContent, false)
	srv.MessageCreate(t, discordtest.Message{Content: "plain"})
	if got := content(c); got != "plain" {
		t.Errorf("with MESSAGE_CONTENT: content %q", got)
	}

	c = dial(t, srv)
	c.identify(srv.Token, discordgo.IntentsGuilds, false)
	c.read() // GUILD_CREATE
	srv.MessageCreate(t, discordtest.Message{Content: "unseen"})
	seq := srv.Dispatch(t, "TYPING_START", map[string]string{})
	if f := c.read(); f.T != "TYPING_START" || f.S != seq {
		t.Errorf("without GUILD_MESSAGES a message arrived: %+v", f)
	}
}
