package corpus

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// abbreviations end with a period that does not end a sentence (compared in
// lower case, without the period). Scholarly prose and notes are full of
// them: "p. 31", "cf.", "Gen. Araki", "Sept. 18".
var abbreviations = map[string]bool{
	"mr": true, "mrs": true, "ms": true, "dr": true, "st": true, "gen": true, "col": true, "lt": true,
	"capt": true, "maj": true, "sgt": true, "adm": true, "prof": true, "rev": true, "gov": true, "sen": true,
	"vol": true, "vols": true, "no": true, "nos": true, "pp": true, "p": true, "ch": true, "chap": true,
	"cf": true, "ed": true, "eds": true, "trans": true, "viz": true, "vs": true, "ibid": true, "op": true,
	"cit": true, "art": true, "fig": true, "figs": true, "n": true, "nn": true, "ca": true, "c": true,
	"d": true, "l": true, "ll": true, "f": true, "ff": true, "co": true, "corp": true, "inc": true,
	"ltd": true, "bros": true, "jr": true, "sr": true, "esp": true, "approx": true, "dept": true,
	"jan": true, "feb": true, "mar": true, "apr": true, "jun": true, "jul": true, "aug": true,
	"sep": true, "sept": true, "oct": true, "nov": true, "dec": true, "e.g": true, "i.e": true,
	"al": true, "repr": true, "comp": true, "tr": true, "incl": true, "b": true, "r": true, "t": true,
}

// splitSentences returns the sentences of text as byte spans that cover it
// (less the spaces between them). A sentence ends at '.', '?', '!' or '…'
// (with any closing quotes and brackets) followed by a space and an opening
// capital, digit or quote, unless the period closes an abbreviation or an
// initial ("Iosif V. Stalin", "U. S. S. R.").
func splitSentences(text string) []Span {
	var spans []Span
	start := 0
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		i += size
		if r != '.' && r != '?' && r != '!' && r != '…' {
			continue
		}
		end := i
		for end < len(text) {
			c, s := utf8.DecodeRuneInString(text[end:])
			if !strings.ContainsRune(`”’"')]`, c) && !(c == '.' && r == '.') {
				break
			}
			end += s
		}
		if end >= len(text) || text[end] != ' ' {
			continue
		}
		next := end
		for next < len(text) && text[next] == ' ' {
			next++
		}
		nr, _ := utf8.DecodeRuneInString(text[next:])
		if !(unicode.IsUpper(nr) || unicode.IsDigit(nr) || strings.ContainsRune(`“‘"'(`, nr)) {
			continue
		}
		if r == '.' && end == i && isAbbreviation(text[start:i-1]) {
			continue
		}
		spans = append(spans, Span{start, end})
		start = next
		i = next
	}
	if start < len(text) {
		end := len(strings.TrimRight(text, " "))
		if end > start {
			spans = append(spans, Span{start, end})
		}
	}
	return spans
}

// translitInitials are Russian initials that romanisation writes with two
// letters (Ю → Iu, Я → Ia, Ж → Zh …).
var translitInitials = map[string]bool{"Iu": true, "Ia": true, "Io": true, "Ie": true, "Yu": true, "Ya": true, "Ye": true, "Yo": true,
	"Zh": true, "Kh": true, "Ts": true, "Ch": true, "Sh": true}

// isAbbreviation reports whether the text before a period ends in an
// abbreviation or a single-letter initial.
func isAbbreviation(before string) bool {
	i := len(before)
	for i > 0 {
		r, size := utf8.DecodeLastRuneInString(before[:i])
		if !(unicode.IsLetter(r) || r == '.') {
			break
		}
		i -= size
	}
	word := before[i:]
	if word == "" {
		return false
	}
	if utf8.RuneCountInString(word) == 1 {
		r, _ := utf8.DecodeRuneInString(word)
		return unicode.IsUpper(r) || abbreviations[word]
	}
	if strings.Contains(word, ".") {
		return true // "U.S", "e.g", "I.V"
	}
	if translitInitials[word] {
		return true // "Sergei Iu. Witte", "Zh. Ia. Kim"
	}
	return abbreviations[strings.ToLower(word)]
}
