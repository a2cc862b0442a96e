package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/ibidbot/ibid/bot/discord"
	"github.com/ibidbot/ibid/bot/study"
)

// serveCmd runs the Discord bot until SIGINT/SIGTERM: in-flight answers
// finish, then the gateway is closed.
func (e *env) serveCmd(ctx context.Context, args []string) error {
	if len(args) > 0 {
		return usageError{"serve takes no arguments"}
	}
	dc := e.cfg.Discord
	if dc.Token == "" {
		return errors.New("DISCORD_TOKEN is not set: create a bot in the Discord developer portal and export its token")
	}
	log := slog.New(slog.NewTextHandler(e.stderr, nil))
	b, ix, err := e.openBot(ctx)
	if err != nil {
		return err
	}
	defer ix.Close()
	// Study sessions, feedback and the channels set to auto-answer live in
	// the database `ibid chat` uses, and survive a restart.
	db, err := e.openDB(ctx)
	if err != nil {
		return err
	}
	defer db.Close()

	s, err := discordgo.New("Bot " + dc.Token)
	if err != nil {
		return fmt.Errorf("discord session: %w", err)
	}
	transport := http.DefaultTransport
	if dc.APIBase != "" {
		base, err := url.Parse(dc.APIBase)
		if err != nil || base.Scheme == "" || base.Host == "" {
			return fmt.Errorf("IBID_DISCORD_API %q: must be an absolute URL such as http://localhost:8080/api/v9", dc.APIBase)
		}
		transport = &discord.RewriteTransport{Base: base}
	}
	// A per-call deadline comes from each request's context; the client's
	// timeout only guards calls discordgo makes on its own (GET /gateway).
	s.Client = &http.Client{Transport: transport, Timeout: 30 * time.Second}
	s.Identify.Intents = discordgo.IntentsGuilds | discordgo.IntentsGuildMessages | discordgo.IntentsDirectMessages
	if dc.MessageContent {
		s.Identify.Intents |= discordgo.IntentMessageContent
	}
	discordgo.Logger = func(level, _ int, format string, a ...any) {
		if level <= discordgo.LogWarning {
			log.Warn("discordgo: " + fmt.Sprintf(format, a...))
		}
	}
	adapter := discord.New(b, discord.Bounded{S: s}, discord.Options{
		Study: study.New(db, b, b.Corpus()), ModeratorRole: dc.ModeratorRole, Logger: log, Feedback: db, Channels: db,
	})
	ready := make(chan *discordgo.Ready, 1)
	s.AddHandler(func(s *discordgo.Session, r *discordgo.Ready) {
		adapter.Ready(s, r)
		select {
		case ready <- r:
		default:
		}
	})
	s.AddHandler(adapter.OnInteraction)
	s.AddHandler(adapter.OnMessage)
	if err := s.Open(); err != nil {
		return fmt.Errorf("connect to Discord (is the token right?): %w", err)
	}
	defer s.Close()
	var r *discordgo.Ready
	select {
	case r = <-ready:
	case <-time.After(30 * time.Second):
		return errors.New("connect to Discord: no READY within 30 s (a rejected token closes the gateway)")
	case <-ctx.Done():
		return nil
	}
	regCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
	err = adapter.Register(regCtx, r.Application.ID, dc.Guilds)
	cancel()
	if err != nil {
		return err
	}
	log.Info("serving", "user", r.User.Username, "guilds", len(r.Guilds), "message_content", dc.MessageContent)
	<-ctx.Done()
	log.Info("shutting down: finishing answers in flight")
	stop, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return adapter.Shutdown(stop)
}
