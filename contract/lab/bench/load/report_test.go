package main

import (
	"io"
	"os"
	"strings"
	"testing"
	"time"
)

func TestSummarizeTakesRatiosWithinRounds(t *testing.T) {
	targets := []target{
		{role: roleCeiling, name: "ceiling", request: "GET page of 20"},
		{role: rolePage20, name: "emulator", request: "GET page of 20"},
		{role: rolePage1, name: "emulator", request: "GET page of 1"},
		{role: roleActivate, name: "emulator", request: "POST activate"},
		{role: rolePrism, name: "prism mock", request: "GET its page"},
	}
	at := func(rps ...float64) []result {
		out := make([]result, len(rps))
		for i, v := range rps {
			out[i] = result{rps: v, ceiling: rps[0], p99: time.Duration(v) * time.Microsecond, requests: 10, bytes: 10 * int64(i+1)}
		}
		return out
	}
	// The machine slows down by half in round 2: the ratios stay, the
	// medians of the figures do not.
	s := summarize(targets, [][]result{
		at(1000, 800, 900, 500, 10),
		at(500, 400, 450, 250, 5),
		at(1000, 700, 900, 700, 20),
	})
	wantRPS := []float64{1000, 700, 900, 500, 10}
	wantOf := []float64{1, 0.8, 0.9, 0.5, 0.01}
	for i, r := range s.rows {
		if r.rps != wantRPS[i] || r.ofCeiling != wantOf[i] {
			t.Errorf("%s %s: %v req/s, %v of the ceiling; want %v and %v", r.name, r.request, r.rps, r.ofCeiling, wantRPS[i], wantOf[i])
		}
	}
	if s.timesPrism != 90 {
		t.Errorf("times Prism = %v, want 90 (the median of 90, 90 and 45)", s.timesPrism)
	}

	var out strings.Builder
	s.print(&out)
	for _, want := range []string{
		"| emulator | GET page of 20 | 2 | 700 | 0.70 ms | 80% |",
		"| prism mock | GET its page | 5 | 10 | 0.01 ms | 1.0% |",
		"met    emulator, page of 20 >= 75% of the ceiling: 80%",
		"MISSED emulator, activate >= 60% of the ceiling: 50%",
		"met    emulator, page of 1 >= 20x Prism: 90.0x",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, out.String())
		}
	}
}

func TestSummaryWithoutPrism(t *testing.T) {
	targets := []target{{role: roleCeiling}, {role: rolePage1}}
	s := summarize(targets, [][]result{{{rps: 2, ceiling: 2}, {rps: 1, ceiling: 2}}, {{rps: 4, ceiling: 4}, {rps: 2, ceiling: 4}}})
	if s.timesPrism != 0 || s.rows[1].ofCeiling != 0.5 || s.rows[1].rps != 1.5 {
		t.Errorf("got %+v", s)
	}
	var out strings.Builder
	s.print(&out)
	if strings.Contains(out.String(), "Prism") {
		t.Errorf("report names Prism without a Prism measurement:\n%s", out.String())
	}
}

func TestThousands(t *testing.T) {
	for in, want := range map[float64]string{0: "0", 999.6: "1,000", 54500: "54,500", 1234567: "1,234,567"} {
		if got := thousands(in); got != want {
			t.Errorf("thousands(%v) = %q, want %q", in, got, want)
		}
	}
}

// Each share is taken against the ceiling runs just before and after it,
// not against one ceiling run per round.
func TestMeasureRoundsPutsTheCeilingAroundEveryTarget(t *testing.T) {
	list := []target{{role: roleCeiling, name: "ceiling"}, {role: rolePage20, name: "a"}, {role: roleActivate, name: "b"}}
	var order []string
	ceiling := 1000.0
	measure := func(tg target) (result, error) {
		order = append(order, tg.name)
		if tg.role == roleCeiling {
			ceiling -= 100 // the machine gets busier run by run
			return result{rps: ceiling + 100}, nil
		}
		return result{rps: ceiling / 2}, nil
	}
	rounds, err := measureRounds(t.Context(), list, 2, measure, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Join(order, " "), "ceiling a ceiling b ceiling a ceiling b ceiling"; got != want {
		t.Errorf("order %q; want %q", got, want)
	}
	// Round 1: ceiling 1000, a at 450, ceiling 900, b at 400, ceiling 800.
	if r := rounds[0][1]; r.ceiling != 950 || r.rps != 450 {
		t.Errorf("a in round 1: %v req/s against a ceiling of %v; want 450 against 950", r.rps, r.ceiling)
	}
	if r := rounds[0][2]; r.ceiling != 850 {
		t.Errorf("b in round 1: ceiling %v; want 850", r.ceiling)
	}
	if r := rounds[1][0]; r.rps != 700 || r.ceiling != 700 {
		t.Errorf("round 2's ceiling row: %v; want the mean of 800, 700 and 600", r.rps)
	}
}

// The CPU share compares the server's own work per answer, which a busy
// machine moves far less than throughput.
func TestSummarizeGivesTheCPUShare(t *testing.T) {
	targets := []target{{role: roleCeiling}, {role: rolePage20}}
	s := summarize(targets, [][]result{
		{{rps: 2, ceiling: 2, cpuPerAnswer: 30 * time.Microsecond}, {rps: 1, ceiling: 2, cpuPerAnswer: 40 * time.Microsecond}},
		{{rps: 4, ceiling: 4, cpuPerAnswer: 20 * time.Microsecond}, {rps: 1, ceiling: 4, cpuPerAnswer: 40 * time.Microsecond}},
		{{rps: 4, ceiling: 4, cpuPerAnswer: 20 * time.Microsecond}, {rps: 1, ceiling: 4}},
	})
	if r := s.rows[1]; r.ofCeilingCPU != 0.5 || r.cpu != 40*time.Microsecond {
		t.Errorf("CPU share %v, CPU %v; want 0.5 (the median of 0.75, 0.5 and unknown) and 40µs", r.ofCeilingCPU, r.cpu)
	}
}

func TestProcessCPU(t *testing.T) {
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		t.Skip("no /proc here")
	}
	before, err := selfCPU()
	if err != nil {
		t.Fatal(err)
	}
	// Busy until the kernel counts a tick more, however loaded the machine.
	after := before
	for start := time.Now(); after <= before && time.Since(start) < 30*time.Second; {
		for spin := time.Now(); time.Since(spin) < 20*time.Millisecond; {
		}
		if after, err = selfCPU(); err != nil {
			t.Fatal(err)
		}
	}
	if after <= before {
		t.Errorf("CPU %v then %v after 30 s of spinning; want it to grow", before, after)
	}
}
