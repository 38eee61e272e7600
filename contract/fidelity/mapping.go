package fidelity

import (
	"crypto/rand"
	"encoding/hex"
	"regexp"
	"strconv"
	"strings"
)

// mapper carries what a recording named into the replay's world and back:
// the certificates the recording created become those the replay created,
// the run id in names becomes the replay's, each redacted key becomes a key
// of the replay's choice, and recorded projects become the target's.
type mapper struct {
	recordedRun, replayRun string
	key                    string            // one key for every organization; empty: a key per organization
	keys                   map[string]string // placeholder -> replay key
	projects               map[string]string
	ids                    map[string]string // recorded certificate id -> replayed
	back                   map[string]string // replayed certificate id -> recorded
}

func newMapper(recordedRun, key string, projects map[string]string) *mapper {
	return &mapper{
		recordedRun: recordedRun,
		replayRun:   replayRunID(recordedRun),
		key:         key,
		keys:        map[string]string{},
		projects:    projects,
		ids:         map[string]string{},
		back:        map[string]string{},
	}
}

// replayRunID is a fresh run id as long as the recorded one, so names keep
// their length and any rule about length answers the same.
func replayRunID(recorded string) string {
	b := make([]byte, (len(recorded)+1)/2)
	_, _ = rand.Read(b)
	id := "rp" + hex.EncodeToString(b)
	return id[:len(recorded)]
}

// token is what ids, keys, projects and names are made of; mapping whole
// tokens never rewrites part of a longer id.
var token = regexp.MustCompile(`[A-Za-z0-9_-]+`)

// translate rewrites a recorded request string (URL, header, body) or a
// recorded answer's value into the replay's terms.
func (m *mapper) translate(s string) string {
	return token.ReplaceAllStringFunc(s, func(t string) string {
		if v, ok := m.ids[t]; ok {
			return v
		}
		if v, ok := m.projects[t]; ok {
			return v
		}
		if placeholderShape.MatchString(t) {
			return m.keyFor(t)
		}
		if m.recordedRun != "" {
			return strings.ReplaceAll(t, m.recordedRun, m.replayRun)
		}
		return t
	})
}

// keyFor gives each recorded organization a key of its own, so organizations
// stay apart in the replay as they were in the recording.
func (m *mapper) keyFor(placeholder string) string {
	if m.key != "" {
		return m.key
	}
	k, ok := m.keys[placeholder]
	if !ok {
		k = "sk-admin-replay-" + m.replayRun + "-" + strconv.Itoa(len(m.keys)+1)
		m.keys[placeholder] = k
	}
	return k
}

func (m *mapper) bind(recorded, replayed string) {
	m.ids[recorded] = replayed
	m.back[replayed] = recorded
}

// tokens lists the tokens of s that are in set.
func tokensIn(s string, set map[string]int) []string {
	var out []string
	for _, t := range token.FindAllString(s, -1) {
		if _, ok := set[t]; ok {
			out = append(out, t)
		}
	}
	return out
}
