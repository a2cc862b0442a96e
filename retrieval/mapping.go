package retrieval

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	_ "github.com/blevesearch/bleve/v2/analysis/analyzer/custom" // registers the "custom" analyzer type, also needed to reopen an index
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	unicodetok "github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/registry"
	"golang.org/x/text/unicode/norm"
)

// MappingVersion changes whenever the mapping or the analysis changes, so
// that an index built with the old one is rebuilt.
const MappingVersion = "3"

// Names registered with bleve. Every binary that opens the index must link
// this package, since the mapping stored in the index names them.
const (
	tokenizerName   = "ibid_words"
	foldFilterName  = "ibid_fold"
	analyzerProse   = "ibid_en"
	analyzerExact   = "ibid_exact"
	fieldText       = "text"
	fieldExact      = "text_exact"
	fieldDoc        = "doc"
	fieldDivision   = "division"
	fieldKind       = "kind"
	documentTypeRec = "record"
)

func init() {
	registry.RegisterTokenizer(tokenizerName, func(map[string]interface{}, *registry.Cache) (analysis.Tokenizer, error) {
		return compoundTokenizer{inner: unicodetok.NewUnicodeTokenizer()}, nil
	})
	registry.RegisterTokenFilter(foldFilterName, func(map[string]interface{}, *registry.Cache) (analysis.TokenFilter, error) {
		return foldFilter{}, nil
	})
}

// compoundTokenizer is bleve's Unicode word tokenizer plus, for words joined
// by a hyphen ("non-aggression", "Tso-lin"), the joined word as an extra
// token at the second word's position, so that "nonaggression" finds
// "non-aggression" and the reverse. Offsets stay those of the source text.
type compoundTokenizer struct{ inner analysis.Tokenizer }

func (t compoundTokenizer) Tokenize(input []byte) analysis.TokenStream {
	toks := t.inner.Tokenize(input)
	out := make(analysis.TokenStream, 0, len(toks))
	for i, tok := range toks {
		out = append(out, tok)
		if i == 0 {
			continue
		}
		prev := toks[i-1]
		if gap := input[prev.End:tok.Start]; !isHyphen(gap) {
			continue
		}
		joined := make([]byte, 0, len(prev.Term)+len(tok.Term))
		joined = append(append(joined, prev.Term...), tok.Term...)
		out = append(out, &analysis.Token{Start: prev.Start, End: tok.End, Term: joined, Position: tok.Position, Type: tok.Type})
	}
	return out
}

func isHyphen(b []byte) bool {
	r, size := utf8.DecodeRune(b)
	return size == len(b) && (r == '-' || r == '‐' || r == '‑')
}

// foldFilter folds diacritics and typographic variants in the term only, so
// that "Goto" finds "Gotō" and a straight apostrophe finds a curly one, while
// Start and End keep pointing at the original text (bleve's asciifolding
// char filter would shift every offset after the first non-ASCII letter).
type foldFilter struct{}

func (foldFilter) Filter(in analysis.TokenStream) analysis.TokenStream {
	for _, tok := range in {
		tok.Term = foldTerm(tok.Term)
	}
	return in
}

// typography maps letters and marks that lose no meaning when written
// plainly and that NFD does not decompose.
var typography = strings.NewReplacer("’", "'", "‘", "'", "ʼ", "'", "ł", "l", "Ł", "L", "ø", "o", "đ", "d", "ß", "ss")

// foldTerm removes diacritics and maps typographic quotes to straight ones.
func foldTerm(term []byte) []byte {
	ascii := true
	for _, c := range term {
		if c >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return term
	}
	// A transform.Chain keeps state and is not safe for concurrent use, and
	// bleve analyses in parallel: decompose and filter by hand.
	var b strings.Builder
	for _, r := range norm.NFD.String(typography.Replace(string(term))) {
		if !unicode.Is(unicode.Mn, r) {
			b.WriteRune(r)
		}
	}
	return []byte(norm.NFC.String(b.String()))
}

// newMapping is the index mapping: an explicit record type and nothing
// indexed by default, BM25 scoring, a stemmed English field for recall and
// an unstemmed one for exact wording.
func newMapping() (*mapping.IndexMappingImpl, error) {
	im := bleve.NewIndexMapping()
	im.ScoringModel = "tf-idf"
	if err := im.AddCustomAnalyzer(analyzerProse, map[string]interface{}{
		"type":          "custom",
		"tokenizer":     tokenizerName,
		"token_filters": []string{en.PossessiveName, lowercase.Name, foldFilterName, en.StopName, en.SnowballStemmerName},
	}); err != nil {
		return nil, err
	}
	if err := im.AddCustomAnalyzer(analyzerExact, map[string]interface{}{
		"type":          "custom",
		"tokenizer":     tokenizerName,
		"token_filters": []string{lowercase.Name, foldFilterName},
	}); err != nil {
		return nil, err
	}
	text := bleve.NewTextFieldMapping()
	text.Analyzer = analyzerProse
	text.Store = false
	text.IncludeInAll, text.DocValues = false, false
	exact := bleve.NewTextFieldMapping()
	exact.Analyzer = analyzerExact
	exact.Store, exact.IncludeInAll, exact.DocValues = false, false, false
	keyword := func() *mapping.FieldMapping {
		k := bleve.NewKeywordFieldMapping()
		k.Store, k.IncludeInAll = false, false
		return k
	}
	rec := bleve.NewDocumentStaticMapping()
	rec.AddFieldMappingsAt(fieldText, text)
	rec.AddFieldMappingsAt(fieldExact, exact)
	rec.AddFieldMappingsAt(fieldDoc, keyword())
	rec.AddFieldMappingsAt(fieldDivision, keyword())
	rec.AddFieldMappingsAt(fieldKind, keyword())
	im.AddDocumentMapping(documentTypeRec, rec)
	im.DefaultMapping = bleve.NewDocumentDisabledMapping()
	im.DefaultType = documentTypeRec
	im.TypeField = "_type"
	return im, im.Validate()
}
