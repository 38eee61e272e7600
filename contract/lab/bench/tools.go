//go:build tools

package bench

// benchstat, pinned here so the figures in docs/performance.md come from one known
// version: go run golang.org/x/perf/cmd/benchstat.
import _ "golang.org/x/perf/cmd/benchstat"
