// Package discord adapts Ibid's core to Discord through discordgo: it
// registers the application commands, turns interactions and messages into
// core calls, and turns the core's answers into payloads within Discord's
// limits, with mentions disabled on everything it sends.
//
// Every interaction is deferred at once and answered from a bounded pool of
// workers, so a burst cannot exhaust memory and the 3-second window is
// always met; every REST call has a deadline; handlers recover from panics
// (discordgo runs them in goroutines without recover).
package discord

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/ibidbot/ibid/bot"
	"github.com/ibidbot/ibid/bot/study"
)

// REST is the part of discordgo's Session the adapter calls; tests and the
// real session both satisfy it.
type REST interface {
	InteractionRespond(i *discordgo.Interaction, r *discordgo.InteractionResponse, options ...discordgo.RequestOption) error
	InteractionResponseEdit(i *discordgo.Interaction, e *discordgo.WebhookEdit, options ...discordgo.RequestOption) (*discordgo.Message, error)
	InteractionResponseDelete(i *discordgo.Interaction, options ...discordgo.RequestOption) error
	FollowupMessageCreate(i *discordgo.Interaction, wait bool, p *discordgo.WebhookParams, options ...discordgo.RequestOption) (*discordgo.Message, error)
	ChannelMessageSendComplex(channelID string, m *discordgo.MessageSend, options ...discordgo.RequestOption) (*discordgo.Message, error)
	MessageThreadStartComplex(channelID, messageID string, t *discordgo.ThreadStart, options ...discordgo.RequestOption) (*discordgo.Channel, error)
	ApplicationCommandBulkOverwrite(appID, guildID string, cmds []*discordgo.ApplicationCommand, options ...discordgo.RequestOption) ([]*discordgo.ApplicationCommand, error)
	// RequestWithBucketID sends a payload discordgo's types cannot express
	// (an empty list of autocomplete choices).
	RequestWithBucketID(method, urlStr string, data any, bucketID string, options ...discordgo.RequestOption) ([]byte, error)
}

var _ REST = (*discordgo.Session)(nil)

// Options tune the adapter; zero values get sensible defaults.
type Options struct {
	// Workers answer questions concurrently; Queue bounds what waits.
	Workers, Queue int
	// UserRate and GuildRate are questions allowed per minute.
	UserRate, GuildRate float64
	// RESTTimeout bounds every call to Discord; AnswerTimeout every answer.
	RESTTimeout, AnswerTimeout time.Duration
	// EditInterval is the least time between edits of a streaming answer
	// (each edit spends the webhook's rate limit).
	EditInterval time.Duration
	// Feedback stores 👍/👎 with the question and answer; nil keeps none.
	Feedback FeedbackStore
	// Channels keeps which channels answer every message; nil keeps the
	// setting in memory.
	Channels ChannelStore
	// Study runs moderated study sessions (/study, see study.go); nil
	// registers no /study command.
	Study *study.Service
	// ModeratorRole is a role (its ID or name) whose members moderate study
	// sessions besides those with Manage Messages.
	ModeratorRole string
	Logger        *slog.Logger
}

// FeedbackStore records a reader's verdict on an answer.
type FeedbackStore interface {
	SaveFeedback(ctx context.Context, f Feedback) error
}

// Feedback is one 👍 or 👎.
type Feedback struct {
	// MessageID is the message the buttons are on: a Discord ID, unique
	// across restarts, so a store keys a reader's vote by it. AnswerID is
	// the adapter's own ID of the answer, unique only within one run.
	MessageID, AnswerID string
	UserID, GuildID     string
	// Question and Answer are the answer's, while the adapter still holds
	// it; after a restart the question is unknown and Answer is the
	// message's text as shown.
	Question, Answer string
	Up               bool
	At               time.Time
}

// ChannelStore keeps the channels set to auto-answer.
type ChannelStore interface {
	AutoAnswer(ctx context.Context, channelID string) (bool, error)
	SetAutoAnswer(ctx context.Context, channelID string, on bool) error
}

// Adapter connects the core to Discord.
type Adapter struct {
	core  *bot.Bot
	rest  REST
	opts  Options
	log   *slog.Logger
	appID string
	botID string

	jobs chan func()
	// mu orders submit's wg.Add before Shutdown's wg.Wait: once closed is
	// set, no job is added.
	mu     sync.Mutex
	closed bool
	wg     sync.WaitGroup // in-flight jobs

	limits  *limiter
	answers *answerCache
	threads *threadSet
	convs   *conversations
	study   *studyState
}

// New returns an adapter over the core that calls Discord through rest.
func New(core *bot.Bot, rest REST, opts Options) *Adapter {
	if opts.Workers <= 0 {
		opts.Workers = 16
	}
	if opts.Queue <= 0 {
		opts.Queue = 256
	}
	if opts.UserRate <= 0 {
		opts.UserRate = 6
	}
	if opts.GuildRate <= 0 {
		opts.GuildRate = 60
	}
	if opts.RESTTimeout <= 0 {
		opts.RESTTimeout = 10 * time.Second
	}
	if opts.AnswerTimeout <= 0 {
		opts.AnswerTimeout = 60 * time.Second
	}
	if opts.EditInterval <= 0 {
		opts.EditInterval = time.Second
	}
	if opts.Channels == nil {
		opts.Channels = newMemoryChannels()
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	a := &Adapter{
		core: core, rest: rest, opts: opts, log: opts.Logger,
		jobs:    make(chan func(), opts.Queue),
		limits:  newLimiter(opts.UserRate, opts.GuildRate),
		answers: newAnswerCache(1024),
		threads: newThreadSet(),
		convs:   newConversations(1024),
		study:   newStudyState(),
	}
	for range opts.Workers {
		go a.work()
	}
	return a
}

func (a *Adapter) work() {
	for job := range a.jobs {
		job()
	}
}

// errBusy is returned when the queue is full.
var errBusy = errors.New("too many questions are waiting; try again in a minute")

// submit queues a job, or reports that the bot is busy or shutting down.
func (a *Adapter) submit(job func()) error {
	a.mu.Lock()
	if a.closed {
		a.mu.Unlock()
		return errors.New("the bot is shutting down")
	}
	a.wg.Add(1)
	a.mu.Unlock()
	select {
	case a.jobs <- func() { defer a.wg.Done(); defer a.recover("job"); job() }:
		return nil
	default:
		a.wg.Done()
		return errBusy
	}
}

// Shutdown stops taking work and waits for in-flight answers, at most until
// ctx ends.
func (a *Adapter) Shutdown(ctx context.Context) error {
	a.mu.Lock()
	a.closed = true
	a.mu.Unlock()
	done := make(chan struct{})
	go func() { a.wg.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("shutdown: answers still in flight: %w", ctx.Err())
	}
}

// recover logs a panic in a handler instead of crashing the process.
func (a *Adapter) recover(where string) {
	if r := recover(); r != nil {
		a.log.Error("panic in Discord handler", "where", where, "panic", r)
	}
}

// restCtx is the deadline of one REST call.
func (a *Adapter) restCtx() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), a.opts.RESTTimeout)
}

// Ready records who the bot is, from the gateway's READY.
func (a *Adapter) Ready(s *discordgo.Session, r *discordgo.Ready) {
	a.botID = r.User.ID
	if r.Application != nil {
		a.appID = r.Application.ID
	}
}

// Register installs the application commands globally (guilds empty) or in
// each listed guild (instant, for testing a bot).
func (a *Adapter) Register(ctx context.Context, appID string, guilds []string) error {
	if len(guilds) == 0 {
		guilds = []string{""}
	}
	cmds := commands()
	if a.opts.Study != nil {
		cmds = append(cmds, studyCommand())
	}
	for _, g := range guilds {
		if _, err := a.rest.ApplicationCommandBulkOverwrite(appID, g, cmds, discordgo.WithContext(ctx)); err != nil {
			return fmt.Errorf("register commands (guild %q): %w", g, err)
		}
	}
	return nil
}

// userMessage is what a user is told when their request failed; the cause
// is logged, not shown.
func userMessage(err error) string {
	var unknown *bot.UnknownIDError
	switch {
	case errors.As(err, &unknown):
		return capitalise(unknown.Error()) + "."
	case errors.Is(err, bot.ErrUnknownID): // "ID#N" past the paragraph's last sentence
		return strings.TrimSuffix(err.Error(), ": "+bot.ErrUnknownID.Error()) + "."
	case errors.Is(err, bot.ErrEmptyQuestion), errors.Is(err, bot.ErrQuestionTooLong), errors.Is(err, errBusy):
		return capitalise(err.Error()) + "."
	case errors.Is(err, context.DeadlineExceeded):
		return "That took too long; please try again."
	}
	return "Something went wrong while answering; it has been logged."
}

func capitalise(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
