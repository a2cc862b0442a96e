// Package discordtest is a local Discord for tests: an httptest server for
// the REST endpoints a bot uses and a websocket gateway, both close enough to
// Discord that the real github.com/bwmarrin/discordgo v0.29.0 session
// connects, identifies, receives events, answers interactions and resumes
// against it. Nothing reaches the internet.
//
// It exists so that the Discord adapter's tests exercise the same client
// code, JSON and failure modes as production: the exact payloads the bot
// sends are recorded, Discord's size limits and interaction rules are
// enforced (a bug that would make Discord answer 400 makes the fake answer
// 400 too), and rate limits, errors and dropped connections can be scripted.
//
// # Pointing discordgo at the fake
//
// discordgo v0.29.0 builds its REST URLs from package variables computed at
// init, so the REST base is changed per session with an http.Client whose
// transport rewrites https://discord.com/api/v9 to another base
// (discord.RewriteTransport). The gateway URL then comes from that base's
// GET /gateway, as with Discord. [Server.Session] does this for tests; a
// production adapter whose REST base is configurable (IBID_DISCORD_API) does
// the same with the configured base, and its tests set that base to
// [Server.URL] and the token to [Server.Token]:
//
//	srv := discordtest.New(t)
//	s := srv.Session(t) // or: discordgo.New("Bot "+srv.Token) with
//	//  s.Client = &http.Client{Transport: &discord.RewriteTransport{Base: base}}
//	s.Identify.Intents = discordgo.IntentsGuilds | discordgo.IntentsGuildMessages
//	if err := s.Open(); err != nil { t.Fatal(err) }
//	ic := srv.Interact(t, discordtest.Command("ask", discordtest.String("question", "Who?")))
//	cb := srv.WaitRequest(t, ic.Callback())
//	discordtest.AssertJSON(t, cb.Body, `{"type":5,"data":{"flags":64}}`)
//
// # What is modelled
//
// REST (below /api/v9; every route but the gateway URL, interaction
// callbacks and interaction webhooks requires "Authorization: Bot <token>"):
//
//	GET    /gateway, /gateway/bot, /users/@me, /oauth2/applications/@me
//	GET    /applications/{app}/commands, /applications/{app}/guilds/{guild}/commands
//	PUT    the same two: bulk overwrite, validated, answered with IDs
//	POST   /interactions/{interaction}/{token}/callback
//	GET    /webhooks/{app}/{token}/messages/{message} (also @original)
//	PATCH  /webhooks/{app}/{token}/messages/{message}
//	DELETE /webhooks/{app}/{token}/messages/{message}
//	POST   /webhooks/{app}/{token} (follow-ups; wait is implied)
//	POST   /channels/{channel}/messages
//	GET    /channels/{channel}/messages/{message}
//	PATCH  /channels/{channel}/messages/{message}
//	POST   /channels/{channel}/messages/{message}/threads, /channels/{channel}/threads
//	GET    /channels/{channel}
//	PATCH  /channels/{channel}
//	DELETE /channels/{channel}
//	POST   /users/@me/channels (a DM with a user)
//	GET    /guilds/{guild}/members/{user}, /guilds/{guild}/roles
//
// Message bodies may be JSON or, for uploads, multipart/form-data with a
// payload_json part and files[n] parts, as discordgo sends them
// ([Request.Files], [Request.Payload]); uploads are checked (named parts,
// ten files, 25 MiB each) but not kept on the messages.
//
// Interactions are slash commands (with subcommands, see [Subcommand]),
// autocomplete, component clicks and modal submissions ([ModalSubmit]).
//
// Any other route answers 404 with Discord's JSON error and fails the test at
// cleanup (see [AllowUnknownRoutes]). Interactions must be acknowledged once
// (a second callback is 400, code 40060) and within the interaction window
// (later is 404, code 10062). Message payloads are checked against Discord's
// limits (content 2,000 runes; embeds: 10, title 256, description 4,096,
// fields 25, 6,000 in total; 5 action rows of at most 5 buttons; custom_id
// 100; 25 autocomplete choices of at most 100) and rejected with 400, code
// 50035, and Discord's error tree.
//
// The gateway speaks HELLO, IDENTIFY (a wrong token closes with 4004,
// privileged intents not enabled with [WithPrivilegedIntents] close with
// 4014), READY followed by GUILD_CREATE, HEARTBEAT/ACK, RESUME (replaying what
// the client missed, then RESUMED) and INVALID_SESSION. Dispatches honour the
// identified intents, including blanking message content without the
// MESSAGE_CONTENT intent, and are zlib-compressed when the client asks, as
// discordgo does.
//
// # Behaviour of discordgo v0.29.0 observed against the fake
//
//   - Open returns the gateway's close as *websocket.CloseError (code 4004 for
//     a rejected token, 4014 for disallowed intents); it does not retry and
//     does not hang. GET /gateway needs no token, so a wrong token is only
//     found at IDENTIFY.
//   - After a dropped connection discordgo calls Close (which sleeps one
//     second), dials the same gateway URL again and sends RESUME with the
//     READY session ID and the last sequence number it saw.
//   - On INVALID_SESSION it sends IDENTIFY on the same connection.
//   - IDENTIFY carries the token with its "Bot " prefix; Discord accepts both.
package discordtest
