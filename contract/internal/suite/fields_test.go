package suite

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/certcontract/certcontract/contract/emulator"
	"github.com/certcontract/certcontract/contract/testcert"
)

func TestRouteReadsEveryOperationCarryingACertificate(t *testing.T) {
	for _, tc := range []struct {
		method, path string
		want         exchange
		ok           bool
	}{
		{"POST", "/v1/organization/certificates", exchange{op: "upload"}, true},
		{"GET", "/v1/organization/certificates", exchange{op: "list"}, true},
		{"GET", "/v1/organization/certificates/cert_1", exchange{op: "get", id: "cert_1"}, true},
		{"POST", "/v1/organization/certificates/cert_1", exchange{op: "modify", id: "cert_1"}, true},
		{"DELETE", "/v1/organization/certificates/cert_1", exchange{op: "delete", id: "cert_1"}, true},
		{"POST", "/v1/organization/certificates/activate", exchange{op: "toggle", active: true}, true},
		{"POST", "/v1/organization/certificates/deactivate", exchange{op: "toggle"}, true},
		{"GET", "/v1/organization/projects/proj_a/certificates", exchange{op: "list", project: "proj_a"}, true},
		{"POST", "/v1/organization/projects/proj_a/certificates/activate", exchange{op: "toggle", project: "proj_a", active: true}, true},
		{"POST", "/v1/organization/projects/proj_a/certificates/deactivate", exchange{op: "toggle", project: "proj_a"}, true},
		{"POST", "/v1/organization/projects/proj_a/certificates", exchange{}, false},
		{"GET", "/v1/organization/projects/proj_a/certificates/cert_1", exchange{}, false},
		{"GET", "/v1/models", exchange{}, false},
	} {
		got, ok := route(tc.method, tc.path)
		if ok != tc.ok || got != tc.want {
			t.Errorf("%s %s: %+v %v, want %+v %v", tc.method, tc.path, got, ok, tc.want, tc.ok)
		}
	}
}

// send makes one request through the layer and returns its error.
func send(t *testing.T, c *http.Client, method, url string, body any) ([]byte, error) {
	t.Helper()
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req, _ := http.NewRequestWithContext(t.Context(), method, url, r)
	req.Header.Set("Authorization", "Bearer sk-admin-fields")
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	return io.ReadAll(resp.Body)
}

// On a shared organization the layer judges the run's certificates only:
// others' (unnamed, active) pass whatever they say.
func TestFieldsJudgesOnlyWhatTheRunUploaded(t *testing.T) {
	emu, err := emulator.New(emulator.Config{Shared: emulator.Shared{Foreign: 6, ActorRate: 50}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(emu)
	defer func() { srv.Close(); emu.Close() }()
	base := srv.URL + emulator.BasePath
	c := &http.Client{Transport: (&Fields{}).Layer(http.DefaultTransport)}
	pem, err := testcert.New(testcert.Options{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := send(t, c, http.MethodPost, base+"/organization/certificates", map[string]any{"certificate": pem.PEM, "name": "mine"})
	if err != nil {
		t.Fatal(err)
	}
	var up struct{ ID string }
	_ = json.Unmarshal(b, &up)
	for _, step := range []struct {
		method, path string
		body         any
	}{
		{"POST", "/organization/certificates/" + up.ID, map[string]any{"name": "still mine"}},
		{"POST", "/organization/projects/proj_alpha/certificates/activate", map[string]any{"certificate_ids": []string{up.ID}}},
		{"GET", "/organization/certificates?limit=100&order=asc", nil},
		{"GET", "/organization/projects/proj_alpha/certificates?limit=100", nil},
		{"GET", "/organization/projects/proj_beta/certificates?limit=100", nil},
		{"GET", "/organization/certificates/" + up.ID + "?include[]=content", nil},
	} {
		if _, err := send(t, c, step.method, base+step.path, step.body); err != nil {
			t.Errorf("%s %s: %v", step.method, step.path, err)
		}
	}
}

// What the stateful phase's model judges, this layer leaves alone: its
// answers, and its certificates wherever they show up later.
func TestFieldsLeavesWhatTheModelJudges(t *testing.T) {
	pem, err := testcert.New(testcert.Options{})
	if err != nil {
		t.Fatal(err)
	}
	base := fakeAPI(t, map[string]string{
		"POST /v1/organization/certificates": fmt.Sprintf(`{"object":"certificate","id":"cert_model","name":"not what was sent","created_at":%d,"certificate_details":{}}`, time.Now().Unix()),
		"GET /v1/organization/certificates":  `{"object":"list","data":[{"object":"organization.certificate","id":"cert_model","name":"anything","created_at":1,"certificate_details":{},"active":true}],"has_more":false,"first_id":"cert_model","last_id":"cert_model"}`,
	})
	c := &http.Client{Transport: (&Fields{}).Layer(http.DefaultTransport)}
	body, _ := json.Marshal(map[string]string{"certificate": pem.PEM, "name": "sent"})
	req, _ := http.NewRequestWithContext(JudgedByModel(t.Context()), http.MethodPost, base+"/organization/certificates", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("an answer the model judges was judged here: %v", err)
	}
	_ = resp.Body.Close()
	if _, err := send(t, c, http.MethodGet, base+"/organization/certificates", nil); err != nil {
		t.Errorf("a certificate the model judges was judged in a later answer: %v", err)
	}
}

// fakeAPI answers an upload of the PEM it is given, then with canned
// answers, so one wrong field at a time can be served.
func fakeAPI(t *testing.T, answers map[string]string) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, answers[r.Method+" "+r.URL.Path])
	}))
	t.Cleanup(srv.Close)
	return srv.URL + "/v1"
}

func TestFieldsFindsWhatAnAnswerGetsWrong(t *testing.T) {
	pem, err := testcert.New(testcert.Options{})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().Unix()
	cert := func(object string, createdAt int64, extra string) string {
		return fmt.Sprintf(`{"object":%q,"id":"cert_1","name":"mine","created_at":%d,%s"certificate_details":{"valid_at":%d,"expires_at":%d}}`,
			object, createdAt, extra, pem.NotBefore.Unix(), pem.NotAfter.Unix())
	}
	good := cert("certificate", now, "")
	for _, tc := range []struct {
		name    string
		upload  string
		then    [3]string // method, path, answer
		body    any
		finding string
	}{
		{"created_at ten minutes off", cert("certificate", now-600, ""), [3]string{}, nil, "not within a minute of the upload"},
		{"created_at in milliseconds", cert("certificate", now*1000, ""), [3]string{}, nil, "not within a minute of the upload"},
		{"active right after upload", cert("certificate", now, `"active":true,`), [3]string{}, nil, "active is true"},
		{"content nobody asked for", good, [3]string{"GET", "/v1/organization/certificates/cert_1", strings.Replace(good, `"valid_at"`, `"content":"x","valid_at"`, 1)}, nil, "nobody asked for it"},
		{"a toggle answering about another certificate", good,
			[3]string{"POST", "/v1/organization/certificates/activate", `{"object":"organization.certificate.activation","data":[` + strings.Replace(cert("organization.certificate", now, `"active":true,`), "cert_1", "cert_2", 1) + `]}`},
			map[string]any{"certificate_ids": []string{"cert_1"}}, "which the request did not name"},
		{"a list that agrees", good,
			[3]string{"GET", "/v1/organization/certificates", `{"object":"list","data":[` + cert("organization.certificate", now, `"active":false,`) + `],"has_more":false,"first_id":"cert_1","last_id":"cert_1"}`},
			nil, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			base := fakeAPI(t, map[string]string{"POST /v1/organization/certificates": tc.upload, tc.then[0] + " " + tc.then[1]: tc.then[2]})
			c := &http.Client{Transport: (&Fields{}).Layer(http.DefaultTransport)}
			_, err := send(t, c, http.MethodPost, base+"/organization/certificates", map[string]any{"certificate": pem.PEM, "name": "mine"})
			if tc.then[0] != "" && err == nil {
				_, err = send(t, c, tc.then[0], strings.TrimSuffix(base, "/v1")+tc.then[1], tc.body)
			}
			var fe *FieldError
			switch {
			case tc.finding == "" && err != nil:
				t.Fatalf("a correct answer refused: %v", err)
			case tc.finding != "" && (!errors.As(err, &fe) || !strings.Contains(err.Error(), tc.finding)):
				t.Fatalf("error %v, want a *FieldError saying %q", err, tc.finding)
			}
		})
	}
}
