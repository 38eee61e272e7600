package emulator_test

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"sync"
	"testing"

	"github.com/certcontract/certcontract/contract/emulator"
	"github.com/certcontract/certcontract/contract/testcert"
	"github.com/certcontract/certcontract/generated"
)

// race runs work on n goroutines at once and reports their errors on the test
// goroutine.
func race(t *testing.T, n int, work func(g int) error) {
	t.Helper()
	var wg sync.WaitGroup
	errs := make(chan error, n)
	start := make(chan struct{})
	for g := range n {
		wg.Go(func() {
			<-start
			if err := work(g); err != nil {
				errs <- fmt.Errorf("goroutine %d: %w", g, err)
			}
		})
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestConcurrentUploadsStopAtTheLimit(t *testing.T) {
	c := newEmulator(t, emulator.Config{})
	body, _ := json.Marshal(map[string]any{"certificate": newCertPEM(t, testcert.Options{})})
	const goroutines, perGoroutine = 16, 6 // 96 attempts for 50 places
	var mu sync.Mutex
	accepted, refused := map[string]bool{}, 0
	race(t, goroutines, func(int) error {
		for range perGoroutine {
			r, err := c.exchange(http.MethodPost, "/organization/certificates", body, func(*http.Request) {})
			if err != nil {
				return err
			}
			switch r.status {
			case http.StatusOK:
				var cert generated.Certificate
				if err := json.Unmarshal(r.body, &cert); err != nil {
					return err
				}
				mu.Lock()
				accepted[cert.Id] = true
				mu.Unlock()
			case http.StatusBadRequest:
				mu.Lock()
				refused++
				mu.Unlock()
			default:
				return fmt.Errorf("upload answered %d %s", r.status, r.body)
			}
		}
		return nil
	})
	if len(accepted) != emulator.MaxCertificates || refused != goroutines*perGoroutine-emulator.MaxCertificates {
		t.Fatalf("%d accepted, %d refused; want %d and %d", len(accepted), refused, emulator.MaxCertificates, goroutines*perGoroutine-emulator.MaxCertificates)
	}
	listed := c.listAll(t, "/organization/certificates", 7, "asc")
	if len(listed) != emulator.MaxCertificates {
		t.Fatalf("%d listed, want %d", len(listed), emulator.MaxCertificates)
	}
	for _, it := range listed {
		if !accepted[it.Id] {
			t.Fatalf("%s listed but never accepted", it.Id)
		}
	}
}

// Certificates are toggled in groups of five, every batch a union of whole
// groups, and batches overlap. Whatever the interleaving, every response and
// every list snapshot must show each group all active or all inactive, and a
// batch holding an unknown id must never change anything.
func TestConcurrentTogglesAreAtomic(t *testing.T) {
	c := newEmulator(t, emulator.Config{})
	const groupSize = 5
	var groups [][]string
	for range 6 {
		var g []string
		for range groupSize {
			g = append(g, c.upload(t, "").Id)
		}
		groups = append(groups, g)
	}
	// The last group is only ever in batches with an unknown id.
	untouchable := groups[5]
	groupOf := map[string]int{}
	for i, g := range groups {
		for _, id := range g {
			groupOf[id] = i
		}
	}
	uniform := func(items []generated.OrganizationCertificate) error {
		state := map[int]bool{}
		for _, it := range items {
			g := groupOf[it.Id]
			if prev, seen := state[g]; seen && prev != it.Active {
				return fmt.Errorf("group %d is half toggled: %+v", g, items)
			}
			state[g] = it.Active
			if g == 5 && it.Active {
				return fmt.Errorf("%s became active through a refused batch", it.Id)
			}
		}
		return nil
	}
	scopes := []string{"/organization/certificates", "/organization/projects/proj_alpha/certificates"}

	race(t, 12, func(g int) error {
		rnd := rand.New(rand.NewPCG(uint64(g), 7))
		for range 25 {
			scope := scopes[rnd.IntN(len(scopes))]
			switch rnd.IntN(4) {
			case 0: // list snapshot
				r, err := c.exchange(http.MethodGet, scope+"?limit=100", nil, func(*http.Request) {})
				if err != nil {
					return err
				}
				var page generated.ListCertificatesResponse
				if err := json.Unmarshal(r.body, &page); err != nil || r.status != http.StatusOK {
					return fmt.Errorf("list: %d %s", r.status, r.body)
				}
				if err := uniform(page.Data); err != nil {
					return err
				}
			case 1: // a batch with an unknown id, which must change nothing
				ids := append([]string{"cert_unknown"}, untouchable[:4]...)
				ids = append(ids, groups[rnd.IntN(5)]...)
				rnd.Shuffle(len(ids), func(i, j int) { ids[i], ids[j] = ids[j], ids[i] })
				r, err := c.exchange(http.MethodPost, scope+"/activate", map[string]any{"certificate_ids": ids}, func(*http.Request) {})
				if err != nil {
					return err
				}
				if r.status != http.StatusNotFound {
					return fmt.Errorf("batch with an unknown id answered %d %s", r.status, r.body)
				}
			default: // two overlapping groups, shuffled
				first := rnd.IntN(4)
				ids := append(append([]string{}, groups[first]...), groups[first+1]...)
				rnd.Shuffle(len(ids), func(i, j int) { ids[i], ids[j] = ids[j], ids[i] })
				action := []string{"/activate", "/deactivate"}[rnd.IntN(2)]
				r, err := c.exchange(http.MethodPost, scope+action, map[string]any{"certificate_ids": ids}, func(*http.Request) {})
				if err != nil {
					return err
				}
				var resp toggleResponse
				if err := json.Unmarshal(r.body, &resp); err != nil || r.status != http.StatusOK || len(resp.Data) != len(ids) {
					return fmt.Errorf("toggle: %d %s", r.status, r.body)
				}
				for _, it := range resp.Data {
					if it.Active != (action == "/activate") {
						return fmt.Errorf("%s answered %s with active %v", action, it.Id, it.Active)
					}
				}
			}
		}
		return nil
	})
	for _, scope := range scopes {
		if err := uniform(c.listAll(t, scope, 100, "asc")); err != nil {
			t.Fatalf("%s after the race: %v", scope, err)
		}
	}
}
