package discord

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/bwmarrin/discordgo"
)

// Bounded wraps a session with bounded rate-limit retries: discordgo v0.29
// retries a 429 forever and sleeps without looking at the context, so its
// own retries are switched off on every call and a 429 is waited out here
// only while the call's deadline allows, at most maxRetries times.
type Bounded struct{ S *discordgo.Session }

var _ REST = Bounded{}

const maxRetries = 3

// retry runs call until it succeeds, fails otherwise, or a rate limit would
// outlast ctx.
func retry[T any](ctx context.Context, call func() (T, error)) (T, error) {
	for n := 0; ; n++ {
		v, err := call()
		var rl *discordgo.RateLimitError
		if err == nil || !errors.As(err, &rl) || n == maxRetries {
			return v, err
		}
		wait := rl.RetryAfter
		if d, ok := ctx.Deadline(); ok && time.Until(d) < wait {
			return v, err
		}
		select {
		case <-ctx.Done():
			return v, ctx.Err()
		case <-time.After(wait):
		}
	}
}

// ctxOf finds the context among request options by applying them, so that
// the wrapper honours the caller's deadline.
func ctxOf(opts []discordgo.RequestOption) context.Context {
	var cfg discordgo.RequestConfig
	cfg.Request, _ = http.NewRequest(http.MethodGet, discordgo.EndpointAPI, nil)
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.Request != nil {
		return cfg.Request.Context()
	}
	return context.Background()
}

func (b Bounded) InteractionRespond(i *discordgo.Interaction, r *discordgo.InteractionResponse, o ...discordgo.RequestOption) error {
	_, err := retry(ctxOf(o), func() (struct{}, error) { return struct{}{}, b.S.InteractionRespond(i, r, noRetry(o)...) })
	return err
}

func (b Bounded) InteractionResponseEdit(i *discordgo.Interaction, e *discordgo.WebhookEdit, o ...discordgo.RequestOption) (*discordgo.Message, error) {
	return retry(ctxOf(o), func() (*discordgo.Message, error) { return b.S.InteractionResponseEdit(i, e, noRetry(o)...) })
}

func (b Bounded) InteractionResponseDelete(i *discordgo.Interaction, o ...discordgo.RequestOption) error {
	_, err := retry(ctxOf(o), func() (struct{}, error) { return struct{}{}, b.S.InteractionResponseDelete(i, noRetry(o)...) })
	return err
}

func (b Bounded) FollowupMessageCreate(i *discordgo.Interaction, wait bool, p *discordgo.WebhookParams, o ...discordgo.RequestOption) (*discordgo.Message, error) {
	return retry(ctxOf(o), func() (*discordgo.Message, error) { return b.S.FollowupMessageCreate(i, wait, p, noRetry(o)...) })
}

func (b Bounded) ChannelMessageSendComplex(ch string, m *discordgo.MessageSend, o ...discordgo.RequestOption) (*discordgo.Message, error) {
	return retry(ctxOf(o), func() (*discordgo.Message, error) { return b.S.ChannelMessageSendComplex(ch, m, noRetry(o)...) })
}

func (b Bounded) MessageThreadStartComplex(ch, msg string, t *discordgo.ThreadStart, o ...discordgo.RequestOption) (*discordgo.Channel, error) {
	return retry(ctxOf(o), func() (*discordgo.Channel, error) { return b.S.MessageThreadStartComplex(ch, msg, t, noRetry(o)...) })
}

func (b Bounded) ApplicationCommandBulkOverwrite(app, guild string, c []*discordgo.ApplicationCommand, o ...discordgo.RequestOption) ([]*discordgo.ApplicationCommand, error) {
	return retry(ctxOf(o), func() ([]*discordgo.ApplicationCommand, error) {
		return b.S.ApplicationCommandBulkOverwrite(app, guild, c, noRetry(o)...)
	})
}

func (b Bounded) RequestWithBucketID(method, url string, data any, bucket string, o ...discordgo.RequestOption) ([]byte, error) {
	return retry(ctxOf(o), func() ([]byte, error) { return b.S.RequestWithBucketID(method, url, data, bucket, noRetry(o)...) })
}

// noRetry switches off discordgo's own unbounded rate-limit retries.
func noRetry(o []discordgo.RequestOption) []discordgo.RequestOption {
	return append(o[:len(o):len(o)], discordgo.WithRetryOnRatelimit(false))
}
