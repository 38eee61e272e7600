package fidelity

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
)

// KeyPlaceholderPrefix starts what a recording holds in place of an admin
// key. The rest of the placeholder tells keys apart, so a replay still knows
// which exchanges belonged to one organization, without the key itself.
const KeyPlaceholderPrefix = "REDACTED-ADMIN-KEY-"

// adminKeyShape is what OpenAI admin keys look like; any such string is
// redacted even if nobody registered it, so a key that reaches a recording
// by a way nobody foresaw is still removed.
var adminKeyShape = regexp.MustCompile(`sk-admin-[A-Za-z0-9_-]+`)

// placeholderShape tells a placeholder from other tokens of a recording.
var placeholderShape = regexp.MustCompile(`^` + regexp.QuoteMeta(KeyPlaceholderPrefix) + `[0-9a-f]{12}$`)

// Redactor replaces admin keys with placeholders. The placeholder of a key is
// a salted hash of it: processes that share the salt (the run id) give one
// key the same placeholder without talking to each other, and the placeholder
// reveals nothing about the key.
type Redactor struct {
	salt string

	mu       sync.RWMutex
	replacer *strings.Replacer // every registered key, in every form it may take
	pairs    []string
}

// NewRedactor returns a Redactor that hashes with salt and redacts secrets
// besides anything shaped like an admin key.
func NewRedactor(salt string, secrets ...string) *Redactor {
	r := &Redactor{salt: salt}
	for _, s := range secrets {
		r.Add(s)
	}
	return r
}

// Add registers a secret, in plain text and in the forms it takes inside a
// URL, a query string or base64.
func (r *Redactor) Add(secret string) {
	if secret == "" {
		return
	}
	p := r.placeholder(secret)
	r.mu.Lock()
	defer r.mu.Unlock()
	if slices.Contains(r.pairs, secret) {
		return
	}
	forms := []string{secret, url.QueryEscape(secret), url.PathEscape(secret),
		base64.StdEncoding.EncodeToString([]byte(secret)), base64.RawURLEncoding.EncodeToString([]byte(secret))}
	for i, f := range forms {
		if i > 0 && f == secret {
			continue
		}
		r.pairs = append(r.pairs, f, p)
	}
	// A Replacer prefers the pair given first; given longest first, a key
	// that starts with another key is replaced whole.
	byLength := make([][2]string, 0, len(r.pairs)/2)
	for i := 0; i < len(r.pairs); i += 2 {
		byLength = append(byLength, [2]string{r.pairs[i], r.pairs[i+1]})
	}
	slices.SortStableFunc(byLength, func(a, b [2]string) int { return len(b[0]) - len(a[0]) })
	r.pairs = r.pairs[:0]
	for _, p := range byLength {
		r.pairs = append(r.pairs, p[0], p[1])
	}
	r.replacer = strings.NewReplacer(r.pairs...)
}

// String returns s with every secret replaced. Whatever is shaped like an
// admin key goes first, whole, so that a registered key that is the start of
// a longer one cannot leave the longer one's tail behind.
func (r *Redactor) String(s string) string {
	s = adminKeyShape.ReplaceAllStringFunc(s, r.placeholder)
	r.mu.RLock()
	rep := r.replacer
	r.mu.RUnlock()
	if rep != nil {
		s = rep.Replace(s)
	}
	return s
}

func (r *Redactor) placeholder(secret string) string {
	sum := sha256.Sum256([]byte(r.salt + "\x00" + secret))
	return KeyPlaceholderPrefix + hex.EncodeToString(sum[:6])
}
