package emulator_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/certcontract/certcontract/contract/emulator"
	"github.com/certcontract/certcontract/contract/testcert"
)

// badInput is one request the emulator must refuse.
type badInput struct {
	method, path string      // path below the base path, or from the root with fromRoot
	header       http.Header // on top of the key and, with a body, Content-Type: application/json
	body         string      // sent as is; "" sends none
	fromRoot     bool
}

// inputClass is a kind of bad input, tried on every operation it applies to.
type inputClass struct {
	name   string
	inputs func(ids [2]string) []badInput
}

// badInputClasses are docs/reliability.md's table, row by row.
func badInputClasses(t *testing.T) []inputClass {
	pemOf := func(opts testcert.Options) string { return newCertPEM(t, opts) }
	now := time.Now()
	valid := pemOf(testcert.Options{})
	begin, rest, _ := strings.Cut(valid, "\n")
	pems := []string{
		"", "not a certificate", "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n",
		"-----BEGIN CERTIFICATE-----\\nMIIDeT...\\n-----END CERTIFICATE-----", // the reference page's example
		"-----BEGIN EC PRIVATE KEY-----\nbm90IGEga2V5\n-----END EC PRIVATE KEY-----\n",
		valid + valid, "text before\n" + valid, valid + "text after\n",
		begin + "\nComment: headers\n\n" + rest,
		pemOf(testcert.Options{NotBefore: now.Add(-48 * time.Hour), NotAfter: now.Add(-time.Hour)}),
		pemOf(testcert.Options{NotAfter: now.Add(12 * time.Hour)}),
		pemOf(testcert.Options{NotBefore: now.Add(100 * 24 * time.Hour), NotAfter: now.Add(90 * 24 * time.Hour)}),
		pemOf(testcert.Options{Padding: 13 << 10}),
	}
	// Every operation, with the ids of the organization's two certificates.
	everywhere := func(ids [2]string, edit func(ep endpoint) badInput) []badInput {
		var out []badInput
		for _, ep := range endpoints {
			ep.path = strings.ReplaceAll(ep.path, "cert_missing", ids[0])
			out = append(out, edit(ep))
		}
		return out
	}
	withBody := func(ids [2]string) []endpoint {
		var out []endpoint
		for _, ep := range bodyEndpoints() {
			ep.path = strings.ReplaceAll(ep.path, "cert_missing", ids[0])
			out = append(out, ep)
		}
		return out
	}
	jsonOf := func(v any) string { b, _ := json.Marshal(v); return string(b) }
	return []inputClass{
		{"admin keys: none, malformed, not an admin key, too long (up to 1 MB)", func(ids [2]string) []badInput {
			var out []badInput
			for _, auth := range []string{"", "Bearer", "Bearer ", "Basic " + testKey, "Token " + testKey, "Bearer sk-proj-abc", "Bearer sk-admin-",
				"Bearer sk-admin-a b", "Bearer sk-admin-a\tb", "Bearer " + testKey + " extra",
				"Bearer sk-admin-" + strings.Repeat("k", emulator.MaxAdminKeyBytes), "Bearer sk-admin-" + strings.Repeat("k", 1<<20)} {
				out = append(out, everywhere(ids, func(ep endpoint) badInput {
					return badInput{method: ep.method, path: ep.path, header: http.Header{"Authorization": {auth}}, body: bodyOf(ep.body)}
				})...)
			}
			return out
		}},
		{"routes and methods: unknown paths, trailing or doubled slashes, dot segments, encoded slashes, methods no route has", func(ids [2]string) []badInput {
			var out []badInput
			for _, path := range []string{"/", "/v1", "/v1/", "/organization/certificates", "/v1/organization", "/v1/organization/certificates/",
				"/v1/organization//certificates", "/v1/organization/certificates/" + ids[0] + "/", "/v1/organization/certificates/../certificates/" + ids[0],
				"/v1/organization/certificates/%2F" + ids[0], "/v1/organization/certificates/" + ids[0] + "/activate", "/v1/organization/projects/certificates",
				"/v1/organization/projects//certificates", "/v1/organization/projects/proj_default/certificates/" + ids[0], "/v2/organization/certificates",
				"/V1/organization/certificates", "/v1/Organization/Certificates"} {
				for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodDelete} {
					out = append(out, badInput{method: m, path: path, fromRoot: true})
				}
			}
			for _, m := range []string{http.MethodPut, http.MethodPatch, http.MethodHead, http.MethodOptions, "TRACE", "PROPFIND"} {
				out = append(out, everywhere(ids, func(ep endpoint) badInput { return badInput{method: m, path: ep.path, body: bodyOf(ep.body)} })...)
			}
			return out
		}},
		{"query parameters: limit out of range or no integer, unknown order, foreign cursor, unknown parameters, bad include", func(ids [2]string) []badInput {
			var out []badInput
			for _, list := range []string{"/organization/certificates", "/organization/projects/proj_default/certificates"} {
				for _, q := range []string{"limit=0", "limit=-1", "limit=101", "limit=1e3", "limit=1.5", "limit=ten", "limit=99999999999999999999",
					"limit=1&limit=2", "limit=", "order=sideways", "order=", "order=ASC", "after=cert_unknown", "after=" + strings.Repeat("c", 4000),
					"limt=5", "include[]=content", "page=2", "after=" + ids[0] + "&x=1"} {
					out = append(out, badInput{method: http.MethodGet, path: list + "?" + q})
				}
			}
			for _, q := range []string{"include[]=contents", "include=key", "include[]=content&include[]=x", "include[]=", "limit=5", "expand=content"} {
				out = append(out, badInput{method: http.MethodGet, path: "/organization/certificates/" + ids[0] + "?" + q})
			}
			return append(out, everywhere(ids, func(ep endpoint) badInput {
				return badInput{method: ep.method, path: ep.path + "?unknown=1", body: bodyOf(ep.body)}
			})...)
		}},
		{"media types: none, not JSON, JSON look-alikes", func(ids [2]string) []badInput {
			var out []badInput
			for _, ct := range []string{"", "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/jsonx",
				"json", "application/json-patch+json", "application/xml", "application/json; charset=", "*/*"} {
				for _, ep := range withBody(ids) {
					out = append(out, badInput{method: ep.method, path: ep.path, header: http.Header{"Content-Type": {ct}}, body: bodyOf(ep.body)})
				}
			}
			return out
		}},
		{"bodies: malformed JSON, wrong shapes and types, unknown fields, over 64 KiB", func(ids [2]string) []badInput {
			var out []badInput
			for _, body := range []string{" ", "\n", `{"certificate_ids": ["a"`, `{"certificate_ids": ["a"],}`, `{} {}`, `{'name': 'n'}`, `name=n`,
				"{\"name\": \"\xff\"}", `null`, `42`, `"x"`, `[]`, `true`, `{"name": 42}`, `{"name": ["n"]}`, `{"certificate_ids": "x"}`,
				`{"certificate_ids": [1]}`, `{"certificate_ids": []}`, jsonOf(map[string]any{"certificate_ids": slices.Repeat([]string{ids[0]}, 11)}),
				`{"certificate_ids": [[[[[[[[[[]]]]]]]]]]}`, `{"data": ["` + ids[0] + `"]}`, `{"nmae": "n"}`, `{"name": "n", "certificate": "x"}`,
				`{"certificate": null}`, `{"content": "x"}`, `{"certificate": "` + strings.Repeat("A", emulator.MaxBodyBytes) + `"}`} {
				for _, ep := range withBody(ids) {
					out = append(out, badInput{method: ep.method, path: ep.path, body: body})
				}
			}
			return out
		}},
		{"certificates: not PEM, not a certificate, chains, text around, headers, expired, expiring, inverted, over 16 KiB", func([2]string) []badInput {
			var out []badInput
			for _, p := range pems {
				out = append(out, badInput{method: http.MethodPost, path: "/organization/certificates", body: jsonOf(map[string]string{"certificate": p, "name": "bad"})})
			}
			return out
		}},
		{"ids and projects: unknown, another organization's, odd bytes, very long", func(ids [2]string) []badInput {
			other := "cert_" + strings.Repeat("0", 24)
			var out []badInput
			for _, id := range []string{"cert_unknown", other, "%00", "%20", strings.Repeat("x", 4000), "cert_%2F..%2F" + ids[0]} {
				out = append(out,
					badInput{method: http.MethodGet, path: "/organization/certificates/" + id},
					badInput{method: http.MethodPost, path: "/organization/certificates/" + id, body: `{"name": "n"}`},
					badInput{method: http.MethodDelete, path: "/organization/certificates/" + id})
				for _, toggle := range []string{"/organization/certificates/activate", "/organization/projects/proj_alpha/certificates/deactivate"} {
					out = append(out, badInput{method: http.MethodPost, path: toggle, body: jsonOf(map[string]any{"certificate_ids": []string{ids[0], ids[1], id}})})
				}
			}
			for _, p := range []string{"proj_unknown", "proj_default%2F", strings.Repeat("p", 2000)} {
				out = append(out,
					badInput{method: http.MethodGet, path: "/organization/projects/" + p + "/certificates"},
					badInput{method: http.MethodPost, path: "/organization/projects/" + p + "/certificates/activate", body: jsonOf(map[string]any{"certificate_ids": []string{ids[0]}})})
			}
			return out
		}},
		{"rules: deleting an active certificate, the 51st certificate of a full organization", func(ids [2]string) []badInput {
			return []badInput{
				{method: http.MethodDelete, path: "/organization/certificates/" + ids[1]},
				{method: http.MethodPost, path: "/organization/certificates", body: jsonOf(map[string]string{"certificate": valid})},
			}
		}},
	}
}

func bodyOf(v any) string {
	if v == nil {
		return ""
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// Every bad input docs/reliability.md's table counts, by class, sent
// through net/http to an organization holding 50 certificates (the second
// active in a project): each is refused with a 4xx in the OpenAI error
// shape, none panics, and none changes anything. go test -v prints the
// table.
func TestBadInputsByClass(t *testing.T) {
	emu, err := emulator.New(emulator.Config{})
	if err != nil {
		t.Fatal(err)
	}
	var panics atomic.Int64
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if recover() != nil {
				panics.Add(1)
				panic(http.ErrAbortHandler)
			}
		}()
		emu.ServeHTTP(w, r)
	}))
	t.Cleanup(ts.Close)
	c := &apiClient{base: ts.URL + emulator.BasePath, key: testKey, http: ts.Client()}
	var ids [2]string
	for i := range emulator.MaxCertificates {
		id := c.upload(t, "").Id
		if i < len(ids) {
			ids[i] = id
		}
	}
	c.do(t, http.MethodPost, "/organization/projects/proj_alpha/certificates/activate", map[string]any{"certificate_ids": []string{ids[1]}}).decode(t, http.StatusOK, nil)

	var table strings.Builder
	table.WriteString("| class | inputs | statuses |\n| --- | --- | --- |\n")
	total := 0
	for _, class := range badInputClasses(t) {
		before, orgs := snapshot(t, emu), emu.Organizations()
		statuses := map[int]int{}
		inputs := class.inputs(ids)
		for _, in := range inputs {
			status, err := c.sendBad(in)
			if err != nil {
				t.Errorf("%s %.80s: %v", in.method, in.path, err)
			}
			statuses[status]++
		}
		if after := snapshot(t, emu); after != before || emu.Organizations() != orgs {
			t.Errorf("%s changed the emulator:\nbefore %s\nafter  %s", class.name, before, after)
		}
		total += len(inputs)
		var cells []string
		for _, st := range slices.Sorted(maps.Keys(statuses)) {
			cells = append(cells, fmt.Sprintf("%d × %d", statuses[st], st))
		}
		fmt.Fprintf(&table, "| %s | %d | %s |\n", class.name, len(inputs), strings.Join(cells, ", "))
	}
	fmt.Fprintf(&table, "| all | %d | 0 × 5xx, %d panics |\n", total, panics.Load())
	t.Logf("bad inputs by class:\n%s", table.String())
	if panics.Load() > 0 {
		t.Errorf("%d inputs panicked", panics.Load())
	}
}

// sendBad sends one bad input and checks its answer: a 4xx in the OpenAI
// error shape, with an X-Request-Id.
func (c *apiClient) sendBad(in badInput) (int, error) {
	var body io.Reader
	if in.body != "" {
		body = strings.NewReader(in.body)
	}
	url := c.base + in.path
	if in.fromRoot {
		url = strings.TrimSuffix(c.base, emulator.BasePath) + in.path
	}
	req, err := http.NewRequest(in.method, url, body)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", "Bearer "+c.key)
	if in.body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range in.header {
		req.Header[k] = v
	}
	if auth, ok := in.header["Authorization"]; ok && auth[0] == "" {
		req.Header.Del("Authorization")
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return resp.StatusCode, err
	}
	if resp.StatusCode < 400 || resp.StatusCode >= 500 {
		return resp.StatusCode, fmt.Errorf("answered %d, want a 4xx: %.200s", resp.StatusCode, data)
	}
	if resp.Header.Get("X-Request-Id") == "" {
		return resp.StatusCode, fmt.Errorf("%d without X-Request-Id", resp.StatusCode)
	}
	if in.method == http.MethodHead {
		return resp.StatusCode, nil // a HEAD answer has no body to check
	}
	if err := errorShape(bytes.TrimSpace(data)); err != nil {
		return resp.StatusCode, fmt.Errorf("%d %v: %.200s", resp.StatusCode, err, data)
	}
	return resp.StatusCode, nil
}
