package bot

import (
	"context"
	"encoding/json"
	"errors"
)

// Completer is what the core needs from a language model: one chat
// completion. The model only ever chooses sentence IDs; the core renders
// every quoted word itself, so a Completer's reply is treated as untrusted
// data and validated before any of it is shown.
//
// Implementations must honour ctx's deadline, report a reply that is empty,
// cut short or has no choices as an error (never as an empty success), and
// may retry a rate-limited request only while the deadline allows.
type Completer interface {
	Complete(ctx context.Context, req Completion) (string, error)
}

// Completion is one request to a model.
type Completion struct {
	// Messages are the conversation, the system prompt first.
	Messages []Message
	// Schema, when set, is the JSON schema the reply must follow. An
	// implementation asks the server to enforce it where the server can, and
	// otherwise asks for plain JSON; the core parses tolerantly either way.
	Schema     json.RawMessage
	SchemaName string
	// MaxTokens bounds the reply; zero leaves it to the server.
	MaxTokens int
	// OnDelta, when set, asks for a streamed reply and receives each piece of
	// content as it arrives. The full reply is still returned at the end.
	OnDelta func(delta string)
}

// Message is one turn of a model conversation.
type Message struct {
	Role    Role
	Content string
}

// Role says who wrote a Message.
type Role string

// Roles, as in the OpenAI chat API that every supported server speaks.
const (
	RoleSystem    Role = "system"
	RoleUser      Role = "user"
	RoleAssistant Role = "assistant"
)

// ErrModelReply marks a reply that arrived but cannot be used: empty, cut
// short, without choices, or not the JSON asked for. Callers fall back to the
// extractive answer on it as on any other error; it exists so that logs and
// tests can tell a bad model from a bad network.
var ErrModelReply = errors.New("unusable model reply")
