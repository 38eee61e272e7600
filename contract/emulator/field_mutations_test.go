package emulator_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/certcontract/certcontract/contract/emulator"
	"github.com/certcontract/certcontract/contract/internal/mutation"
	"github.com/certcontract/certcontract/contract/internal/suite"
	"github.com/certcontract/certcontract/contract/testcert"
)

// answerSteps go through every answer that carries a certificate, each
// step producing one, in an order that makes every field checkable: the
// certificate is renamed before any answer could show a stale name, and is
// inactive when modified. The suite's field checker (suite.Fields) judges
// each answer; a step also fails on what only its caller can see: an
// upload's id must be the certificate's, a list must carry it.
func answerSteps(t *testing.T, base string) map[mutation.Answer]error {
	t.Helper()
	fields := &suite.Fields{}
	checked := &http.Client{Transport: fields.Layer(http.DefaultTransport)}
	send := func(c *http.Client, method, path string, body any) ([]byte, error) {
		var r io.Reader
		if body != nil {
			b, _ := json.Marshal(body)
			r = bytes.NewReader(b)
		}
		req, _ := http.NewRequestWithContext(t.Context(), method, base+path, r)
		req.Header.Set("Authorization", "Bearer "+testKey)
		req.Header.Set("Content-Type", "application/json")
		resp, err := c.Do(req)
		if err != nil {
			return nil, err
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK {
			return b, fmt.Errorf("%s %s: %d %s", method, path, resp.StatusCode, b)
		}
		return b, nil
	}
	idOf := func(b []byte) string {
		var c struct{ ID string }
		_ = json.Unmarshal(b, &c)
		return c.ID
	}
	carries := func(id string) func([]byte) error {
		return func(b []byte) error {
			if !strings.Contains(string(b), `"id":"`+id+`"`) {
				return fmt.Errorf("the list lacks the certificate's id %s", id)
			}
			return nil
		}
	}

	pem, err := testcert.New(testcert.Options{})
	if err != nil {
		t.Fatal(err)
	}
	out := map[mutation.Answer]error{}
	b, err := send(checked, http.MethodPost, "/organization/certificates", map[string]any{"certificate": pem.PEM, "name": "before"})
	if err == nil {
		_, err = send(http.DefaultClient, http.MethodGet, "/organization/certificates/"+idOf(b), nil)
	}
	out[mutation.AnswerUpload] = err
	id := idOf(b)
	if err != nil {
		// The id as stored, from a list no upload mutation touches.
		b, err = send(http.DefaultClient, http.MethodGet, "/organization/certificates", nil)
		var page struct{ Data []struct{ ID string } }
		if err != nil || json.Unmarshal(b, &page) != nil || len(page.Data) != 1 {
			t.Fatalf("the organization holds %s (%v)", b, err)
		}
		id = page.Data[0].ID
	}
	cert := "/organization/certificates/" + id
	project := "/organization/projects/proj_default/certificates"
	ids := map[string]any{"certificate_ids": []string{id}}
	for _, s := range []struct {
		answer       mutation.Answer
		method, path string
		body         any
		also         func([]byte) error
	}{
		{mutation.AnswerModify, http.MethodPost, cert, map[string]any{"name": "after"}, nil},
		{mutation.AnswerGet, http.MethodGet, cert + "?include[]=content", nil, nil},
		{mutation.AnswerOrgListDesc, http.MethodGet, "/organization/certificates?order=desc", nil, carries(id)},
		{mutation.AnswerOrgListAsc, http.MethodGet, "/organization/certificates?order=asc", nil, carries(id)},
		{mutation.AnswerProjectListDesc, http.MethodGet, project + "?order=desc", nil, carries(id)},
		{mutation.AnswerProjectListAsc, http.MethodGet, project + "?order=asc", nil, carries(id)},
		{mutation.AnswerActivateOrg, http.MethodPost, "/organization/certificates/activate", ids, nil},
		{mutation.AnswerDeactivateOrg, http.MethodPost, "/organization/certificates/deactivate", ids, nil},
		{mutation.AnswerActivateProject, http.MethodPost, project + "/activate", ids, nil},
		{mutation.AnswerDeactivateProject, http.MethodPost, project + "/deactivate", ids, nil},
	} {
		b, err := send(checked, s.method, s.path, s.body)
		if err == nil && s.also != nil {
			err = s.also(b)
		}
		out[s.answer] = err
	}
	return out
}

// Each field mutation breaks its field in its answer and nowhere else, and
// the suite's field checker catches it there, naming the field.
func TestFieldMutationsBreakOnlyTheirCell(t *testing.T) {
	serve := func(t *testing.T, m ...string) string {
		emu, err := emulator.New(emulator.Config{Mutations: m})
		if err != nil {
			t.Fatal(err)
		}
		ts := httptest.NewServer(emu)
		t.Cleanup(ts.Close)
		return ts.URL + emulator.BasePath
	}
	for answer, err := range answerSteps(t, serve(t)) {
		if err != nil {
			t.Fatalf("the correct emulator fails the %s step: %v", answer, err)
		}
	}
	for _, cell := range mutation.FieldCells() {
		t.Run(cell.Mutation(), func(t *testing.T) {
			for answer, err := range answerSteps(t, serve(t, cell.Mutation())) {
				switch {
				case answer != cell.Answer && err != nil:
					t.Errorf("breaks the %s answer too: %v", answer, err)
				case answer == cell.Answer && err == nil:
					t.Errorf("the %s answer passes", answer)
				case answer == cell.Answer && !strings.Contains(err.Error(), string(cell.Field)):
					t.Errorf("caught, but not for %s: %v", cell.Field, err)
				}
			}
		})
	}
}
