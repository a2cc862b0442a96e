package console

import (
	"fmt"
	"slices"
	"strings"
	"unicode"
)

// Command is one line typed at the console in Discord's text form:
// "/study ask question:\"Who forged it?\"", with positional words kept too
// ("/study approve 2", "/ask Who forged it?").
type Command struct {
	Path    []string          // "study", "ask"
	Options map[string]string // name:value pairs
	Args    []string          // words that are not options
}

// Rest is the positional words joined back, for commands whose one option
// may be typed without its name ("/ask Who forged it?").
func (c Command) Rest() string { return strings.Join(c.Args, " ") }

// Option returns the named option, or the positional words when the option
// was not named.
func (c Command) Option(name string) string {
	if v, ok := c.Options[name]; ok {
		return v
	}
	return c.Rest()
}

// Spec lists the commands a console knows, by path ("ask", "study ask"),
// with their option names. Only these names are read as options, so a
// question such as "/ask Note: who signed it?" keeps its words.
type Spec map[string][]string

// ParseCommand reads a slash command. Options are name:value, the value
// quoted ("…" or '…') when it holds spaces; a backslash escapes a quote.
func ParseCommand(line string, spec Spec) (Command, error) {
	line = strings.TrimSpace(line)
	if !strings.HasPrefix(line, "/") {
		return Command{}, fmt.Errorf("not a command: %q", line)
	}
	words, err := splitWords(line[1:])
	if err != nil {
		return Command{}, err
	}
	if len(words) == 0 || words[0].option {
		return Command{}, fmt.Errorf("empty command")
	}
	path := strings.ToLower(words[0].text)
	words = words[1:]
	if len(words) > 0 && !words[0].option {
		if sub := path + " " + strings.ToLower(words[0].text); spec[sub] != nil {
			path, words = sub, words[1:]
		}
	}
	known, ok := spec[path]
	if !ok {
		return Command{}, fmt.Errorf("unknown command /%s", path)
	}
	cmd := Command{Path: strings.Fields(path), Options: map[string]string{}}
	for _, w := range words {
		switch {
		case w.option && slices.Contains(known, w.name):
			cmd.Options[w.name] = w.text
		case w.option:
			cmd.Args = append(cmd.Args, w.raw)
		default:
			cmd.Args = append(cmd.Args, w.text)
		}
	}
	return cmd, nil
}

type word struct {
	name   string // option name, when option
	text   string
	raw    string // as typed, for an option name the command does not know
	option bool
}

// splitWords splits on spaces, honouring quotes, and recognises name:value.
func splitWords(s string) ([]word, error) {
	var out []word
	rs := []rune(s)
	for i := 0; i < len(rs); {
		for i < len(rs) && unicode.IsSpace(rs[i]) {
			i++
		}
		if i == len(rs) {
			break
		}
		var w word
		// An option name: letters, digits, _ and - up to a colon.
		j := i
		for j < len(rs) && (unicode.IsLetter(rs[j]) || unicode.IsDigit(rs[j]) || rs[j] == '_' || rs[j] == '-') {
			j++
		}
		start := i
		if j > i && j < len(rs) && rs[j] == ':' {
			w.option, w.name = true, strings.ToLower(string(rs[i:j]))
			i = j + 1
		}
		var b strings.Builder
		if i < len(rs) && (rs[i] == '"' || rs[i] == '“' || rs[i] == '\'') {
			closer := rs[i]
			if closer == '“' {
				closer = '”'
			}
			i++
			closed := false
			for i < len(rs) {
				if rs[i] == '\\' && i+1 < len(rs) {
					b.WriteRune(rs[i+1])
					i += 2
					continue
				}
				if rs[i] == closer {
					closed = true
					i++
					break
				}
				b.WriteRune(rs[i])
				i++
			}
			if !closed {
				return nil, fmt.Errorf("unclosed quotation mark")
			}
		} else {
			for i < len(rs) && !unicode.IsSpace(rs[i]) {
				b.WriteRune(rs[i])
				i++
			}
		}
		w.text, w.raw = b.String(), string(rs[start:i])
		out = append(out, w)
	}
	return out, nil
}
