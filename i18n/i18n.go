// Package i18n holds the message catalogs of antipersona in English, Polish,
// Vietnamese and Georgian, and formats numbers, percentages, money and dates
// the way each of those languages writes them.
//
// The catalogs are JSON files embedded in the binary (locales/<lang>.json),
// loaded into one go-i18n bundle. Message ids are lowercase, dot-separated
// paths: the area first, then the item, then the part, for example
// "section.budget.title", "action.organic_only", "reason.first_purchase",
// "count.contacts" (a plural message). Every id of en.json must exist, with
// a non-empty text, in every other catalog, and no catalog may hold an id
// that en.json lacks; the tests enforce both.
//
// Plural messages carry the CLDR plural categories of their language: en and
// ka "one" and "other", pl "one", "few", "many" and "other" (the last for
// fractions), vi "one" and "other" with the same text (go-i18n v2.7.0
// carries CLDR 2025 data, where vi has "one" for 0 and 1).
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"

	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

//go:embed locales/*.json
var locales embed.FS

// supported lists the languages with a catalog, the default first.
var supported = []string{"en", "pl", "vi", "ka"}

// Default is the language used when nothing else matches.
const Default = "en"

// Supported returns the codes (ISO 639-1) of the languages with a catalog,
// the default ("en") first. The caller may modify the returned slice.
func Supported() []string { return slices.Clone(supported) }

var matcher = language.NewMatcher([]language.Tag{
	language.English, language.Polish, language.Vietnamese, language.Georgian,
})

// Match chooses a supported language for an HTTP Accept-Language header
// value (or a plain code such as "pl" or "ka-GE"). It returns Default when
// the value is empty, cannot be parsed or names no supported language.
func Match(acceptLanguage string) string {
	tags, _, err := language.ParseAcceptLanguage(acceptLanguage)
	if err != nil || len(tags) == 0 {
		return Default
	}
	_, i, conf := matcher.Match(tags...)
	if conf == language.No {
		return Default
	}
	return supported[i]
}

// catalog is the loaded bundle and the ids of each language's file.
type catalog struct {
	bundle *goi18n.Bundle
	ids    map[string]map[string]*goi18n.Message // lang -> id -> message
}

var loadCatalog = sync.OnceValues(func() (*catalog, error) {
	b := goi18n.NewBundle(language.English)
	b.RegisterUnmarshalFunc("json", json.Unmarshal)
	c := &catalog{bundle: b, ids: map[string]map[string]*goi18n.Message{}}
	for _, lang := range supported {
		path := "locales/" + lang + ".json"
		buf, err := locales.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("load catalog %s: %w", lang, err)
		}
		f, err := b.ParseMessageFileBytes(buf, path)
		if err != nil {
			return nil, fmt.Errorf("load catalog %s: %w", lang, err)
		}
		m := make(map[string]*goi18n.Message, len(f.Messages))
		for _, msg := range f.Messages {
			m[msg.ID] = msg
		}
		c.ids[lang] = m
	}
	return c, nil
})

// Message is one catalog entry as written in a language's file: the text
// of each plural category that the file gives (empty when absent).
type Message struct {
	ID                               string
	Zero, One, Two, Few, Many, Other string
}

// Messages returns the entries of the catalog of lang, sorted by id. It
// returns an error for an unsupported language or a catalog that does not
// parse (which the tests rule out).
func Messages(lang string) ([]Message, error) {
	c, err := loadCatalog()
	if err != nil {
		return nil, err
	}
	m, ok := c.ids[lang]
	if !ok {
		return nil, &UnsupportedError{Lang: lang}
	}
	out := make([]Message, 0, len(m))
	for _, msg := range m {
		out = append(out, Message{ID: msg.ID, Zero: msg.Zero, One: msg.One, Two: msg.Two, Few: msg.Few, Many: msg.Many, Other: msg.Other})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// UnsupportedError is returned for a language without a catalog.
type UnsupportedError struct{ Lang string }

func (e *UnsupportedError) Error() string {
	return fmt.Sprintf("unsupported language %q (supported: %s)", e.Lang, strings.Join(supported, ", "))
}

// MissingError lists the message ids that a Localizer could not find in its
// language: each fell back to English or, when English lacks it too, to the
// id itself.
type MissingError struct {
	Lang string
	IDs  []string
}

func (e *MissingError) Error() string {
	return fmt.Sprintf("%d message(s) missing in %s: %s", len(e.IDs), e.Lang, strings.Join(e.IDs, ", "))
}

// Localizer translates message ids and formats values for one language.
// It is safe for concurrent use.
//
// A lookup never fails: a message missing in the language falls back to
// English, and one missing everywhere renders as its id. Every such miss is
// recorded; Missing and Err report them, so that a caller (and a test) can
// refuse output that holds an untranslated text.
type Localizer struct {
	lang string
	cat  *catalog
	loc  *goi18n.Localizer
	f    *format

	mu     sync.Mutex
	misses map[string]bool
}

// New returns a Localizer for lang, one of Supported (use Match to choose
// one from a header). It returns an *UnsupportedError for any other value.
func New(lang string) (*Localizer, error) {
	c, err := loadCatalog()
	if err != nil {
		return nil, err
	}
	f, ok := formats[lang]
	if !ok {
		return nil, &UnsupportedError{Lang: lang}
	}
	return &Localizer{lang: lang, cat: c, loc: goi18n.NewLocalizer(c.bundle, lang), f: f, misses: map[string]bool{}}, nil
}

// MustNew is New for a language known to be supported; it panics otherwise.
func MustNew(lang string) *Localizer {
	l, err := New(lang)
	if err != nil {
		panic(err)
	}
	return l
}

// Lang returns the language code of l.
func (l *Localizer) Lang() string { return l.lang }

// Has reports whether the catalog of l's language holds id. It records no
// miss: use it to translate codes that come from data (a reason code, a
// segment name) and fall back to the raw value when there is no entry.
func (l *Localizer) Has(id string) bool {
	_, ok := l.cat.ids[l.lang][id]
	return ok
}

// T returns the message id in l's language, its {{.Name}} placeholders
// filled from data (nil for none). See Localizer for what happens to a
// missing id.
func (l *Localizer) T(id string, data map[string]any) string {
	return l.localize(id, data, nil)
}

// Plural returns the plural message id in the form that n calls for in l's
// language. The placeholder {{.Count}} holds n formatted as a number of the
// language (with its grouping: "1 240"); data may add others and may not
// set Count.
func (l *Localizer) Plural(id string, n int, data map[string]any) string {
	d := make(map[string]any, len(data)+1)
	for k, v := range data {
		d[k] = v
	}
	d["Count"] = l.Int(n)
	return l.localize(id, d, n)
}

func (l *Localizer) localize(id string, data map[string]any, count any) string {
	cfg := &goi18n.LocalizeConfig{MessageID: id, PluralCount: count}
	if data != nil {
		cfg.TemplateData = data
	}
	s, err := l.loc.Localize(cfg)
	if err != nil || (s == "" && !l.Has(id)) {
		l.miss(id)
		if s == "" {
			return id
		}
	}
	return s
}

func (l *Localizer) miss(id string) {
	l.mu.Lock()
	l.misses[id] = true
	l.mu.Unlock()
}

// Missing returns the ids that fell back since l was made, sorted.
func (l *Localizer) Missing() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make([]string, 0, len(l.misses))
	for id := range l.misses {
		out = append(out, id)
	}
	sort.Strings(out)
	return out
}

// Err returns a *MissingError when any lookup of l fell back, nil otherwise.
func (l *Localizer) Err() error {
	if ids := l.Missing(); len(ids) > 0 {
		return &MissingError{Lang: l.lang, IDs: ids}
	}
	return nil
}
