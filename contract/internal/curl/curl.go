// Package curl writes an HTTP exchange with the API as a curl command someone
// can paste into a shell: the base URL as $BASE_URL and the admin key as
// $OPENAI_ADMIN_KEY, so a failure can be handed to a colleague or to OpenAI
// support without a secret in it, and replayed against any target.
package curl

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
)

// Request is what a command is made from.
type Request struct {
	Method string
	URL    string // absolute, as sent
	Header http.Header
	Body   []byte
}

// Placeholders for what a command must not carry.
const (
	BaseURL  = "$BASE_URL"
	AdminKey = "$OPENAI_ADMIN_KEY"
)

// headers are the request headers a command repeats; the rest (user agent,
// encodings, the fault header of a test) do not change the answer.
var headers = []string{"Content-Type", "X-Emulator-Fault"}

// Command renders r. baseURL is replaced by $BASE_URL; the Authorization
// header always reads Bearer $OPENAI_ADMIN_KEY. vars maps values to shell
// variable names (without $): each occurrence of a value, in the URL or the
// body, becomes that variable, so a sequence can refer to ids it created.
func Command(r Request, baseURL string, vars map[string]string) string {
	var b strings.Builder
	b.WriteString("curl -sS")
	if r.Method != http.MethodGet {
		fmt.Fprintf(&b, " -X %s", r.Method)
	}
	u := r.URL
	if rest, ok := strings.CutPrefix(u, strings.TrimSuffix(baseURL, "/")); ok && baseURL != "" {
		u = "\x00BASE\x00" + rest
	}
	b.WriteString(" " + doubleQuoted(u, vars))
	if r.Header.Get("Authorization") != "" {
		b.WriteString(` -H "Authorization: Bearer ` + AdminKey + `"`)
	}
	for _, h := range headers {
		if v := r.Header.Get(h); v != "" {
			b.WriteString(" -H " + singleQuoted(h+": "+v, nil))
		}
	}
	if len(r.Body) > 0 {
		b.WriteString(" -d " + singleQuoted(string(r.Body), vars))
	}
	return b.String()
}

// names are vars' values, longest first, so that an id that is a prefix of
// another never takes a piece of it.
func names(vars map[string]string) []string {
	out := make([]string, 0, len(vars))
	for v := range vars {
		if v != "" {
			out = append(out, v)
		}
	}
	slices.SortFunc(out, func(a, b string) int { return len(b) - len(a) })
	return out
}

// doubleQuoted quotes s for a shell, with $BASE_URL and the variables left to
// expand.
func doubleQuoted(s string, vars map[string]string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "$", `\$`, "`", "\\`")
	s = r.Replace(s)
	for _, v := range names(vars) {
		s = strings.ReplaceAll(s, r.Replace(v), "${"+vars[v]+"}")
	}
	return `"` + strings.ReplaceAll(s, "\x00BASE\x00", BaseURL) + `"`
}

// singleQuoted quotes s for a shell literally, stepping out of the quotes
// for each variable.
func singleQuoted(s string, vars map[string]string) string {
	s = strings.ReplaceAll(s, "'", `'\''`)
	for _, v := range names(vars) {
		s = strings.ReplaceAll(s, strings.ReplaceAll(v, "'", `'\''`), `'"${`+vars[v]+`}"'`)
	}
	return "'" + s + "'"
}
