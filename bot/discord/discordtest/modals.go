package discordtest

import (
	"strconv"

	"github.com/bwmarrin/discordgo"
)

// TextInput is what a user typed into one text input of a modal.
type TextInput struct {
	CustomID, Value string
}

// ModalSubmit is the submission (MODAL_SUBMIT) of the modal customID with
// what the user typed into its text inputs. messageID is the message whose
// component the bot answered with the modal, which must exist; "" is a
// modal shown in answer to a slash command, which has no message.
func ModalSubmit(messageID, customID string, inputs ...TextInput) Interaction {
	opts := make([]Option, len(inputs))
	for n, in := range inputs {
		opts[n] = String(in.CustomID, in.Value)
	}
	return Interaction{Type: discordgo.InteractionModalSubmit, CustomID: customID, MessageID: messageID, Options: opts}
}

// Subcommand is a subcommand (option type 1) with its own options, as
// Discord nests them in a command's data: Command("study",
// Subcommand("ask", String("question", "Who?"))).
func Subcommand(name string, opts ...Option) Option {
	return Option{Name: name, Type: discordgo.ApplicationCommandOptionSubCommand, Options: opts}
}

func init() {
	// A modal's submission may be answered with a message or a deferral,
	// and, when the modal came from a component, by updating that
	// component's message
	// (https://discord.com/developers/docs/interactions/receiving-and-responding#responding-to-an-interaction).
	allowedCallbacks[discordgo.InteractionModalSubmit] = []discordgo.InteractionResponseType{
		discordgo.InteractionResponseChannelMessageWithSource, discordgo.InteractionResponseDeferredChannelMessageWithSource,
		discordgo.InteractionResponseDeferredMessageUpdate, discordgo.InteractionResponseUpdateMessage,
	}
}

// checkModalCallback refuses to update the message of a modal's submission
// when the modal did not come from a message's component: there is no
// message to update.
func checkModalCallback(f *formErrors, ic *interaction, typ discordgo.InteractionResponseType) {
	if ic.typ == discordgo.InteractionModalSubmit && ic.componentMsg == "" &&
		(typ == discordgo.InteractionResponseDeferredMessageUpdate || typ == discordgo.InteractionResponseUpdateMessage) {
		f.add("type", "INTERACTION_NO_MESSAGE", "This interaction has no message to update.")
	}
}

// modalSubmitLocked fills the payload of a MODAL_SUBMIT: the modal's
// custom_id and one action row per text input, each holding the input's
// custom_id and value, plus the message when the modal came from one.
func (s *Server) modalSubmitLocked(i Interaction, ic *interaction, p map[string]any) string {
	if i.CustomID == "" {
		return "Interact: a modal submission needs the modal's CustomID"
	}
	rows := make([]any, 0, len(i.Options))
	for n, o := range i.Options {
		value, _ := o.Value.(string)
		rows = append(rows, map[string]any{"type": componentActionRow, "id": 2*n + 1, "components": []any{
			map[string]any{"type": componentTextInput, "id": 2*n + 2, "custom_id": o.Name, "value": value},
		}})
	}
	p["data"] = map[string]any{"custom_id": i.CustomID, "components": rows}
	if i.MessageID != "" {
		m, ok := s.messages[i.MessageID]
		if !ok {
			return "Interact: a modal submission from a component needs an existing MessageID, not " + strconv.Quote(i.MessageID)
		}
		ic.componentMsg = m.id
		p["message"] = s.messageJSON(m, true)
	}
	return ""
}
