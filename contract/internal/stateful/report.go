package stateful

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/certcontract/certcontract/contract/internal/curl"
	"github.com/certcontract/certcontract/contract/internal/model"
)

// SeedVariable is the environment variable the suite reads a seed from.
const SeedVariable = "CONTRACT_SEED"

// Failure is the shortest sequence rapid found that makes the target
// diverge from the model.
type Failure struct {
	// Seed replays it: as the base seed, the failing sequence is drawn first.
	Seed uint64
	// Steps is how many numbered steps the report shows (a fill is one),
	// Requests how many requests they sent.
	Steps, Requests int
	text            string
}

// String is the report: numbered steps with the diverging answer beside the
// model's expectation, then the curl lines that reproduce it.
func (f *Failure) String() string { return f.text }

func (s *sequence) failure() *Failure {
	return &Failure{Steps: len(s.groups()), Requests: len(s.steps), text: s.report()}
}

// report is written after the seed is known; {{SEED}} stands for it.
func (s *sequence) report() string {
	var b strings.Builder
	d := s.divergence
	groups := s.groups()
	fmt.Fprintf(&b, "The target diverged from the model after %d numbered steps (%d requests). Replay: %s={{SEED}}\n\n", len(groups), len(s.steps), SeedVariable)
	for i, g := range groups {
		first := s.steps[g[0]]
		line := s.labelled(first.req.String())
		if len(g) > 1 {
			line = fmt.Sprintf("%s, %d times", line, len(g))
		}
		fmt.Fprintf(&b, "%3d. %s\n     → %s\n", i+1, line, s.answered(g))
		if i == len(groups)-1 {
			s.describe(&b, d)
		}
	}
	if len(s.labels) > 0 || s.sentForeign {
		b.WriteString("\n")
		for _, id := range s.created {
			fmt.Fprintf(&b, "     %s is %s\n", s.labels[id], id)
		}
	}
	if s.sentForeign {
		fmt.Fprintf(&b, "     %s is %s, a certificate of another organization\n", foreignLabel, s.shared.foreignID)
	}
	fmt.Fprintf(&b, "\nReproduce it in bash with curl and jq (BASE_URL is the API's base URL, such as https://api.openai.com/v1;\non the emulator every sk-admin- key is an organization of its own, so use a fresh one):\n\n")
	b.WriteString(s.curlScript(groups))
	return b.String()
}

// groups are the steps as the report numbers them: a fill's uploads are one.
func (s *sequence) groups() [][]int {
	var out [][]int
	for i, st := range s.steps {
		if st.fill && len(out) > 0 && s.steps[out[len(out)-1][0]].fill {
			out[len(out)-1] = append(out[len(out)-1], i)
			continue
		}
		out = append(out, []int{i})
	}
	return out
}

// answered says how the target answered a group of steps.
func (s *sequence) answered(g []int) string {
	last := s.steps[g[len(g)-1]]
	if last.status == 0 {
		return "no answer"
	}
	out := fmt.Sprint(last.status)
	switch {
	case len(g) > 1:
		out += fmt.Sprintf(", stored as %s..%s", s.steps[g[0]].label, last.label)
	case last.label != "":
		out += ", stored as " + last.label
	}
	if last.requestID != "" {
		out += " (x-request-id " + last.requestID + ")"
	}
	return out
}

func (s *sequence) describe(b *strings.Builder, d *divergence) {
	fmt.Fprintf(b, "     %s\n", d.headline)
	for _, diff := range d.diffs {
		fmt.Fprintf(b, "       %s\n", s.labelled(diff))
	}
	if d.got != "" {
		fmt.Fprintf(b, "     answer: %s\n", s.labelled(d.got))
	}
	if d.want != "" {
		fmt.Fprintf(b, "     model:  %s\n", s.labelled(d.want))
	}
	if d.note != "" {
		fmt.Fprintf(b, "     (%s)\n", d.note)
	}
	if len(d.readIDs) > 0 {
		fmt.Fprintf(b, "     (read with x-request-id %s)\n", strings.Join(d.readIDs, ", "))
	}
}

// curlScript is the sequence as shell commands: each upload keeps its id in
// a variable named for its label, and later commands refer to it.
func (s *sequence) curlScript(groups [][]int) string {
	vars := map[string]string{}
	var b strings.Builder
	for i, g := range groups {
		first := s.steps[g[0]]
		fmt.Fprintf(&b, "# %d.\n", i+1)
		switch {
		case len(g) > 1:
			// A fill: the same upload in a loop, its ids in an array.
			cmd := curl.Command(first.wire, s.cfg.BaseURL, vars)
			fmt.Fprintf(&b, "fill=(); for i in $(seq %d); do fill+=(\"$(%s | jq -r .id)\"); done\n", len(g), cmd)
			for k, j := range g {
				if id := s.idOf(s.steps[j]); id != "" {
					vars[id] = fmt.Sprintf("fill[%d]", k)
				}
			}
		case first.label != "":
			fmt.Fprintf(&b, "%s=$(%s | jq -r .id)\n", first.label, curl.Command(first.wire, s.cfg.BaseURL, vars))
			vars[s.idOf(first)] = first.label
		default:
			b.WriteString(curl.Command(first.wire, s.cfg.BaseURL, vars) + "\n")
		}
	}
	if d := s.divergence; d.list != "" {
		fmt.Fprintf(&b, "# then %s\n", d.list)
		for _, r := range d.reads {
			b.WriteString(curl.Command(r, s.cfg.BaseURL, vars) + "\n")
		}
	}
	return b.String()
}

// idOf is the id an upload step stored.
func (s *sequence) idOf(st *step) string {
	for id, l := range s.labels {
		if l == st.label && st.label != "" {
			return id
		}
	}
	return ""
}

// labelled writes the sequence's own ids as their labels, longest id first
// so that no id takes a piece of another.
func (s *sequence) labelled(text string) string {
	ids := make([]string, 0, len(s.labels))
	for id := range s.labels {
		ids = append(ids, id)
	}
	slices.SortFunc(ids, func(a, b string) int { return len(b) - len(a) })
	for _, id := range ids {
		text = strings.ReplaceAll(text, id, s.labels[id])
	}
	if s.sentForeign {
		text = strings.ReplaceAll(text, s.shared.foreignID, foreignLabel)
	}
	return text
}

// foreignLabel stands for the certificate of another organization.
const foreignLabel = "other_orgs_cert"

// showWalk shows a list read to the end beside the model's: when both hold
// the same certificates, only the ones that differ, since a full
// organization would bury them.
func showWalk(got, want []model.Item) (gotText, wantText, note string) {
	if !slices.Equal(itemIDs(got), itemIDs(want)) {
		return show(itemIDs(got)), show(itemIDs(want)), "the ids of the certificates listed"
	}
	var g, w []model.Item
	for i := range got {
		if show(got[i]) != show(want[i]) {
			g, w = append(g, got[i]), append(w, want[i])
		}
	}
	return show(g), show(w), fmt.Sprintf("only the certificates that differ, of %d listed", len(got))
}

func itemIDs(items []model.Item) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = it.ID
	}
	return out
}

func show(v any) string {
	b, _ := json.Marshal(v) // strings, integers, booleans and nulls
	return string(b)
}
