package discordtest

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"
)

// Discord's limits on what a bot sends
// (https://discord.com/developers/docs/resources/message#embed-object-embed-limits,
// .../interactions/receiving-and-responding, .../components/reference).
// Lengths count characters, which the fake counts as runes.
const (
	maxContent          = 2000
	maxEmbeds           = 10
	maxEmbedTitle       = 256
	maxEmbedDescription = 4096
	maxEmbedFields      = 25
	maxFieldName        = 256
	maxFieldValue       = 1024
	maxFooterText       = 2048
	maxAuthorName       = 256
	maxEmbedTotal       = 6000
	maxActionRows       = 5
	maxRowButtons       = 5
	maxCustomID         = 100
	maxButtonLabel      = 80
	maxSelectOptions    = 25
	maxSelectOption     = 100
	maxPlaceholder      = 150
	maxChoices          = 25
	maxChoiceName       = 100
	maxChoiceValue      = 100
	maxModalTitle       = 45
	maxTextInputLabel   = 45
	maxTextInputValue   = 4000
	maxThreadName       = 100

	flagComponentsV2 = 1 << 15
)

func runes(s string) int { return utf8.RuneCountInString(s) }

func tooLong(f *formErrors, path, s string, max int) {
	if runes(s) > max {
		f.add(path, "BASE_TYPE_MAX_LENGTH", fmt.Sprintf("Must be %d or fewer in length.", max))
	}
}

func badLength(f *formErrors, path, s string, min, max int) {
	if n := runes(s); n < min || n > max {
		f.add(path, "BASE_TYPE_BAD_LENGTH", fmt.Sprintf("Must be between %d and %d in length.", min, max))
	}
}

// parseMessage reads and checks the message fields of a body (content,
// embeds, components, allowed_mentions, flags, message_reference), adding
// Discord's errors under prefix ("" or "data").
func parseMessage(f *formErrors, prefix string, body map[string]json.RawMessage) messagePayload {
	var p messagePayload
	if raw, ok := body["content"]; ok && string(raw) != "null" {
		var c string
		if json.Unmarshal(raw, &c) != nil {
			f.add(join(prefix, "content"), "BASE_TYPE_STRING", "Must be a string.")
		} else {
			p.content = &c
			tooLong(f, join(prefix, "content"), c, maxContent)
		}
	} else if ok {
		empty := ""
		p.content = &empty
	}
	if raw, ok := body["flags"]; ok && string(raw) != "null" {
		json.Unmarshal(raw, &p.flags)
	}
	if raw, ok := body["embeds"]; ok {
		p.hasEmbeds = true
		p.embeds = raw
		checkEmbeds(f, join(prefix, "embeds"), raw)
	}
	if raw, ok := body["components"]; ok {
		p.hasComponents = true
		p.components = raw
		checkComponents(f, join(prefix, "components"), raw, p.flags&flagComponentsV2 != 0)
	}
	if raw, ok := body["allowed_mentions"]; ok && string(raw) != "null" {
		p.allowed = &allowedMentions{}
		if json.Unmarshal(raw, p.allowed) != nil {
			f.add(join(prefix, "allowed_mentions"), "DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType")
		} else {
			checkAllowedMentions(f, join(prefix, "allowed_mentions"), *p.allowed)
		}
	}
	if raw, ok := body["message_reference"]; ok && string(raw) != "null" {
		var ref struct {
			MessageID       string `json:"message_id"`
			FailIfNotExists *bool  `json:"fail_if_not_exists"`
		}
		json.Unmarshal(raw, &ref)
		p.replyTo = ref.MessageID
		p.failIfMissing = ref.FailIfNotExists == nil || *ref.FailIfNotExists
	}
	return p
}

type embed struct {
	Title       string `json:"title"`
	Description string `json:"description"`
	Fields      []struct {
		Name  string `json:"name"`
		Value string `json:"value"`
	} `json:"fields"`
	Footer *struct {
		Text string `json:"text"`
	} `json:"footer"`
	Author *struct {
		Name string `json:"name"`
	} `json:"author"`
}

func checkEmbeds(f *formErrors, path string, raw json.RawMessage) {
	if string(raw) == "null" {
		return
	}
	var embeds []embed
	if err := json.Unmarshal(raw, &embeds); err != nil {
		f.add(path, "BASE_TYPE_ARRAY", "Must be an array of embed objects.")
		return
	}
	if len(embeds) > maxEmbeds {
		f.add(path, "BASE_TYPE_MAX_LENGTH", fmt.Sprintf("Must be %d or fewer in length.", maxEmbeds))
	}
	total := 0
	for i, e := range embeds {
		p := join(path, i)
		tooLong(f, join(p, "title"), e.Title, maxEmbedTitle)
		tooLong(f, join(p, "description"), e.Description, maxEmbedDescription)
		total += runes(e.Title) + runes(e.Description)
		if len(e.Fields) > maxEmbedFields {
			f.add(join(p, "fields"), "BASE_TYPE_MAX_LENGTH", fmt.Sprintf("Must be %d or fewer in length.", maxEmbedFields))
		}
		for j, fl := range e.Fields {
			badLength(f, join(p, "fields", j, "name"), fl.Name, 1, maxFieldName)
			badLength(f, join(p, "fields", j, "value"), fl.Value, 1, maxFieldValue)
			total += runes(fl.Name) + runes(fl.Value)
		}
		if e.Footer != nil {
			tooLong(f, join(p, "footer", "text"), e.Footer.Text, maxFooterText)
			total += runes(e.Footer.Text)
		}
		if e.Author != nil {
			tooLong(f, join(p, "author", "name"), e.Author.Name, maxAuthorName)
			total += runes(e.Author.Name)
		}
	}
	if total > maxEmbedTotal {
		f.add(path, "MAX_EMBED_SIZE_EXCEEDED", fmt.Sprintf("Embed size exceeds maximum size of %d", maxEmbedTotal))
	}
}

type component struct {
	Type        int         `json:"type"`
	CustomID    *string     `json:"custom_id"`
	Style       int         `json:"style"`
	Label       string      `json:"label"`
	URL         string      `json:"url"`
	Placeholder string      `json:"placeholder"`
	Value       string      `json:"value"`
	MaxLength   int         `json:"max_length"`
	Components  []component `json:"components"`
	Options     []struct {
		Label string `json:"label"`
		Value string `json:"value"`
	} `json:"options"`
}

// Component types and the link button style.
const (
	componentActionRow    = 1
	componentButton       = 2
	componentStringSelect = 3
	componentTextInput    = 4
	componentChannelSel   = 8
	buttonLink            = 5
	buttonPremium         = 6
)

func checkComponents(f *formErrors, path string, raw json.RawMessage, v2 bool) {
	if string(raw) == "null" {
		return
	}
	var rows []component
	if err := json.Unmarshal(raw, &rows); err != nil {
		f.add(path, "BASE_TYPE_ARRAY", "Must be an array of component objects.")
		return
	}
	seen := map[string]bool{}
	checkCustomIDs(f, path, rows, seen)
	if v2 {
		return // the layout rules below are those of the original components
	}
	if len(rows) > maxActionRows {
		f.add(path, "BASE_TYPE_MAX_LENGTH", fmt.Sprintf("Must be %d or fewer in length.", maxActionRows))
	}
	for i, row := range rows {
		p := join(path, i)
		if row.Type != componentActionRow {
			f.add(join(p, "type"), "UNION_TYPE_CHOICES", "Value of field \"type\" must be one of (1,).")
			continue
		}
		if n := len(row.Components); n < 1 || n > maxRowButtons {
			f.add(join(p, "components"), "BASE_TYPE_BAD_LENGTH", fmt.Sprintf("Must be between 1 and %d in length.", maxRowButtons))
		}
		for j, c := range row.Components {
			cp := join(p, "components", j)
			switch {
			case c.Type == componentButton:
				checkButton(f, cp, c)
			case c.Type >= componentStringSelect && c.Type <= componentChannelSel && c.Type != componentTextInput:
				if len(row.Components) > 1 {
					f.add(cp, "COMPONENT_LAYOUT_WIDTH_EXCEEDED", "The specified component exceeds the maximum width")
				}
				checkSelect(f, cp, c)
			default:
				f.add(join(cp, "type"), "COMPONENT_TYPE_INVALID", "The specified component type is invalid in this context")
			}
		}
	}
}

// checkCustomIDs checks every custom_id in a component tree: at most 100
// characters and unique within the message.
func checkCustomIDs(f *formErrors, path string, cs []component, seen map[string]bool) {
	for i, c := range cs {
		p := join(path, i)
		if c.CustomID != nil {
			tooLong(f, join(p, "custom_id"), *c.CustomID, maxCustomID)
			if seen[*c.CustomID] {
				f.add(join(p, "custom_id"), "COMPONENT_CUSTOM_ID_DUPLICATED", "Component custom id cannot be duplicated")
			}
			seen[*c.CustomID] = true
		}
		checkCustomIDs(f, join(p, "components"), c.Components, seen)
	}
}

func checkButton(f *formErrors, path string, c component) {
	tooLong(f, join(path, "label"), c.Label, maxButtonLabel)
	switch c.Style {
	case buttonLink:
		if c.URL == "" {
			f.add(join(path, "url"), "BASE_TYPE_REQUIRED", "This field is required")
		}
		if c.CustomID != nil && *c.CustomID != "" {
			f.add(join(path, "custom_id"), "BUTTON_COMPONENT_CUSTOM_ID_NOT_ALLOWED", "A custom id is not allowed on a link button")
		}
	case buttonPremium:
	default:
		if c.CustomID == nil || *c.CustomID == "" {
			f.add(join(path, "custom_id"), "BASE_TYPE_REQUIRED", "This field is required")
		}
	}
}

func checkSelect(f *formErrors, path string, c component) {
	if c.CustomID == nil || *c.CustomID == "" {
		f.add(join(path, "custom_id"), "BASE_TYPE_REQUIRED", "This field is required")
	}
	tooLong(f, join(path, "placeholder"), c.Placeholder, maxPlaceholder)
	if c.Type != componentStringSelect {
		return
	}
	if n := len(c.Options); n < 1 || n > maxSelectOptions {
		f.add(join(path, "options"), "BASE_TYPE_BAD_LENGTH", fmt.Sprintf("Must be between 1 and %d in length.", maxSelectOptions))
	}
	for i, o := range c.Options {
		badLength(f, join(path, "options", i, "label"), o.Label, 1, maxSelectOption)
		badLength(f, join(path, "options", i, "value"), o.Value, 1, maxSelectOption)
	}
}

func checkAllowedMentions(f *formErrors, path string, a allowedMentions) {
	for i, p := range a.Parse {
		if p != "users" && p != "roles" && p != "everyone" {
			f.add(join(path, "parse", i), "BASE_TYPE_CHOICES", "Value must be one of ('roles', 'users', 'everyone').")
		}
	}
	if slices.Contains(a.Parse, "users") && len(a.Users) > 0 {
		f.add(path, "MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE", `parse:["users"] and users: [ids...] are mutually exclusive.`)
	}
	if slices.Contains(a.Parse, "roles") && len(a.Roles) > 0 {
		f.add(path, "MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE", `parse:["roles"] and roles: [ids...] are mutually exclusive.`)
	}
}

// checkChoices checks an autocomplete result's data.choices.
func checkChoices(f *formErrors, data map[string]json.RawMessage) {
	var choices []struct {
		Name  string `json:"name"`
		Value any    `json:"value"`
	}
	if err := json.Unmarshal(data["choices"], &choices); err != nil {
		f.add("data.choices", "BASE_TYPE_ARRAY", "Must be an array of choice objects.")
		return
	}
	if len(choices) > maxChoices {
		f.add("data.choices", "BASE_TYPE_MAX_LENGTH", fmt.Sprintf("Must be %d or fewer in length.", maxChoices))
	}
	for i, c := range choices {
		badLength(f, join("data.choices", i, "name"), c.Name, 1, maxChoiceName)
		if v, ok := c.Value.(string); ok {
			tooLong(f, join("data.choices", i, "value"), v, maxChoiceValue)
		}
	}
}

// checkModal checks a modal's data: custom_id, title, and one to five rows
// holding one text input each.
func checkModal(f *formErrors, data map[string]json.RawMessage) {
	var m struct {
		CustomID   string      `json:"custom_id"`
		Title      string      `json:"title"`
		Components []component `json:"components"`
	}
	raw, _ := json.Marshal(data)
	json.Unmarshal(raw, &m)
	badLength(f, "data.custom_id", m.CustomID, 1, maxCustomID)
	badLength(f, "data.title", m.Title, 1, maxModalTitle)
	if n := len(m.Components); n < 1 || n > maxActionRows {
		f.add("data.components", "BASE_TYPE_BAD_LENGTH", fmt.Sprintf("Must be between 1 and %d in length.", maxActionRows))
	}
	for i, row := range m.Components {
		p := join("data.components", i)
		if row.Type != componentActionRow || len(row.Components) != 1 || row.Components[0].Type != componentTextInput {
			f.add(p, "MODAL_ROW_INVALID", "Each row of a modal must hold exactly one text input")
			continue
		}
		in := row.Components[0]
		cp := join(p, "components", 0)
		id := ""
		if in.CustomID != nil {
			id = *in.CustomID
		}
		badLength(f, join(cp, "custom_id"), id, 1, maxCustomID)
		badLength(f, join(cp, "label"), in.Label, 1, maxTextInputLabel)
		tooLong(f, join(cp, "value"), in.Value, maxTextInputValue)
		if in.MaxLength > maxTextInputValue {
			f.add(join(cp, "max_length"), "NUMBER_TYPE_MAX", fmt.Sprintf("int value should be less than or equal to %d.", maxTextInputValue))
		}
	}
}

// commandName is Discord's rule for command and option names
// (lowercase for chat input commands, checked separately).
var commandName = regexp.MustCompile(`^[-_\p{L}\p{N}\p{Devanagari}\p{Thai}]{1,32}$`)

// checkCommands checks a bulk overwrite as Discord does the rules a bot is
// likely to break: names, descriptions, option counts and order, choices,
// and autocomplete together with choices.
func checkCommands(f *formErrors, cmds []map[string]any) {
	names := map[string]bool{}
	for i, c := range cmds {
		p := fmt.Sprint(i)
		name, _ := c["name"].(string)
		typ := 1.0
		if t, ok := c["type"].(float64); ok {
			typ = t
		}
		desc, _ := c["description"].(string)
		checkName(f, join(p, "name"), name, typ == 1)
		key := fmt.Sprint(typ, name)
		if names[key] {
			f.add(join(p, "name"), "APPLICATION_COMMANDS_DUPLICATE_NAME", "Application command names must be unique")
		}
		names[key] = true
		if typ == 1 {
			badLength(f, join(p, "description"), desc, 1, 100)
		} else if desc != "" {
			f.add(join(p, "description"), "APPLICATION_COMMAND_INVALID_DESCRIPTION", "Description must be empty for user and message commands")
		}
		opts, _ := c["options"].([]any)
		checkOptions(f, join(p, "options"), opts)
	}
}

func checkName(f *formErrors, path, name string, chatInput bool) {
	if !commandName.MatchString(name) || (chatInput && strings.ToLower(name) != name) {
		f.add(path, "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid")
	}
}

func checkOptions(f *formErrors, path string, opts []any) {
	if len(opts) > 25 {
		f.add(path, "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")
	}
	optional := false
	seen := map[string]bool{}
	for i, o := range opts {
		om, _ := o.(map[string]any)
		p := join(path, i)
		name, _ := om["name"].(string)
		desc, _ := om["description"].(string)
		checkName(f, join(p, "name"), name, true)
		if seen[name] {
			f.add(join(p, "name"), "APPLICATION_COMMAND_OPTIONS_NAME_ALREADY_EXISTS", "Option names must be unique")
		}
		seen[name] = true
		badLength(f, join(p, "description"), desc, 1, 100)
		required, _ := om["required"].(bool)
		if required && optional {
			f.add(p, "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID", "Required options must be placed before non-required options")
		}
		optional = optional || !required
		choices, _ := om["choices"].([]any)
		if len(choices) > maxChoices {
			f.add(join(p, "choices"), "BASE_TYPE_MAX_LENGTH", fmt.Sprintf("Must be %d or fewer in length.", maxChoices))
		}
		for j, ch := range choices {
			cm, _ := ch.(map[string]any)
			n, _ := cm["name"].(string)
			badLength(f, join(p, "choices", j, "name"), n, 1, maxChoiceName)
			if v, ok := cm["value"].(string); ok {
				tooLong(f, join(p, "choices", j, "value"), v, maxChoiceValue)
			}
		}
		if auto, _ := om["autocomplete"].(bool); auto && len(choices) > 0 {
			f.add(join(p, "autocomplete"), "APPLICATION_COMMAND_OPTION_AUTOCOMPLETE_WITH_CHOICES", "Autocomplete cannot be set for options with choices")
		}
		sub, _ := om["options"].([]any)
		checkOptions(f, join(p, "options"), sub)
	}
}

// checkThreadName checks a thread's name.
func checkThreadName(f *formErrors, name string) {
	badLength(f, "name", name, 1, maxThreadName)
}

// checkArchiveDuration checks auto_archive_duration, which Discord limits
// to four values.
func checkArchiveDuration(f *formErrors, d int) {
	if d != 0 && d != 60 && d != 1440 && d != 4320 && d != 10080 {
		f.add("auto_archive_duration", "BASE_TYPE_CHOICES", "Value must be one of {60, 1440, 4320, 10080}.")
	}
}
