package emulator_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"testing"

	"github.com/certcontract/certcontract/contract/emulator"
	"github.com/certcontract/certcontract/contract/testcert"
)

// Connection faults break the exchange itself. An upload shows what each one
// did: reset serves nothing, truncate and lost serve the request and lose
// its answer, whole or in part.
func TestConnectionFaults(t *testing.T) {
	tests := []struct {
		fault      emulator.ConnectionFault
		wantStored bool
		wantStatus int // 0: no answer at all
	}{
		{emulator.FaultReset, false, 0},
		{emulator.FaultTruncate, true, http.StatusOK},
		{emulator.FaultLost, true, 0},
	}
	for _, tt := range tests {
		t.Run(string(tt.fault), func(t *testing.T) {
			c := newEmulator(t, emulator.Config{Faults: emulator.Faults{Header: true}})
			body, _ := json.Marshal(map[string]string{"certificate": newCertPEM(t, testcert.Options{})})
			req, err := http.NewRequest(http.MethodPost, c.base+"/organization/certificates", bytes.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Authorization", "Bearer "+c.key)
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set(emulator.FaultHeader, string(tt.fault))
			resp, err := c.http.Do(req)
			switch {
			case tt.wantStatus == 0 && err == nil:
				resp.Body.Close()
				t.Fatalf("answered %d, want the connection dropped", resp.StatusCode)
			case tt.wantStatus != 0 && err != nil:
				t.Fatalf("no answer: %v", err)
			case tt.wantStatus != 0:
				defer resp.Body.Close()
				if resp.StatusCode != tt.wantStatus {
					t.Fatalf("status %d, want %d", resp.StatusCode, tt.wantStatus)
				}
				got, err := io.ReadAll(resp.Body)
				if !errors.Is(err, io.ErrUnexpectedEOF) || len(got) == 0 || int64(len(got)) >= resp.ContentLength {
					t.Fatalf("read %d of %d bytes, then %v; want part of the body, then an unexpected EOF", len(got), resp.ContentLength, err)
				}
			}
			if n := len(c.listAll(t, "/organization/certificates", 100, "asc")); n != map[bool]int{false: 0, true: 1}[tt.wantStored] {
				t.Fatalf("%d certificates stored, want stored %v", n, tt.wantStored)
			}
		})
	}
}

// The dice choose connection faults too, at their share.
func TestConnectionFaultsByRate(t *testing.T) {
	c := newEmulator(t, emulator.Config{Faults: emulator.Faults{Rate: 1, Connection: []emulator.ConnectionFault{emulator.FaultReset}}})
	req, _ := http.NewRequest(http.MethodGet, c.base+"/organization/certificates", nil)
	req.Header.Set("Authorization", "Bearer "+c.key)
	if resp, err := c.http.Do(req); err == nil {
		resp.Body.Close()
		t.Fatalf("answered %d at a reset rate of 1", resp.StatusCode)
	}
	if _, err := emulator.New(emulator.Config{Faults: emulator.Faults{Rate: 1, Connection: []emulator.ConnectionFault{"hang-up"}}}); err == nil {
		t.Fatal("New accepted an unknown connection fault")
	}
}
