package suite

import (
	"cmp"
	"context"
	"encoding/json"
	"slices"
	"sync"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/certcontract/certcontract/contract/validator"
)

// ObservedEntry names the report entry in which each spec carries the pairs
// it observed, so the gate finds them across every parallel process.
const ObservedEntry = "observed"

// Pair is one documented answer: an operation and a status.
type Pair struct {
	Operation string `json:"operation"`
	Status    int    `json:"status"`
}

func comparePairs(a, b Pair) int {
	return cmp.Or(cmp.Compare(a.Operation, b.Operation), cmp.Compare(a.Status, b.Status))
}

type quietKey struct{}

// Quiet keeps a request out of the coverage (cleanup traffic, walks that only
// look something up): a pair counts only when a spec provoked it on purpose.
func Quiet(ctx context.Context) context.Context { return context.WithValue(ctx, quietKey{}, true) }

func isQuiet(ctx context.Context) bool { return ctx.Value(quietKey{}) != nil }

// Observations collects the pairs of the spec running in this process.
// Between Take and the next Start nothing is collected, so traffic outside a
// spec (setup, sweeps) never counts.
type Observations struct {
	mu   sync.Mutex
	seen map[Pair]bool
}

// Observe is a validator observer.
func (c *Observations) Observe(ctx context.Context, o validator.Observation) {
	if isQuiet(ctx) {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.seen != nil {
		c.seen[Pair{o.OperationID, o.Status}] = true
	}
}

// Start begins a spec's record.
func (c *Observations) Start() {
	c.mu.Lock()
	c.seen = map[Pair]bool{}
	c.mu.Unlock()
}

// Take ends the spec's record and returns its pairs, sorted.
func (c *Observations) Take() []Pair {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]Pair, 0, len(c.seen))
	for p := range c.seen {
		out = append(out, p)
	}
	c.seen = nil
	slices.SortFunc(out, comparePairs)
	return out
}

// ObservedIn gathers, per pair, the full texts of the specs that observed it.
func ObservedIn(specs types.SpecReports) map[Pair][]string {
	specsOf := map[Pair][]string{}
	for _, sr := range specs {
		for _, e := range sr.ReportEntries {
			if e.Name != ObservedEntry {
				continue
			}
			for _, p := range entryPairs(e) {
				specsOf[p] = append(specsOf[p], sr.FullText())
			}
		}
	}
	return specsOf
}

// entryPairs reads a spec's observations back; entries that came from
// another process arrive as JSON only.
func entryPairs(e types.ReportEntry) []Pair {
	if ps, ok := e.Value.GetRawValue().([]Pair); ok {
		return ps
	}
	var ps []Pair
	_ = json.Unmarshal([]byte(e.Value.AsJSON), &ps)
	return ps
}
