package main

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

const (
	mainSHA    = "f85dbe2c0123456789abcdef0123456789abcdef"
	featureSHA = "498c71d0fedcba9876543210fedcba9876543210"
)

// fakeGitHub answers the three REST calls spec-fetch makes, and only with
// the media types it must ask for.
type fakeGitHub struct {
	commits map[string]string // ref -> commit
	files   map[string][]byte // commit + ":" + path -> content
	// refuse, when set, answers every call with this status and message.
	refuse     int
	refuseBody string

	mu       sync.Mutex
	requests []string
	auth     []string
}

func newFakeGitHub(t *testing.T) (*fakeGitHub, *httptest.Server) {
	t.Helper()
	doc, err := os.ReadFile(filepath.Join("..", "..", "..", "certificates.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	f := &fakeGitHub{
		commits: map[string]string{"main": mainSHA, "feature/next": featureSHA, mainSHA: mainSHA},
		files:   map[string][]byte{mainSHA + ":openapi.yaml": doc, featureSHA + ":openapi.yaml": doc},
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /repos/openai/openai-openapi", func(w http.ResponseWriter, r *http.Request) {
		if !f.accepts(w, r, "application/vnd.github+json") {
			return
		}
		_, _ = w.Write([]byte(`{"full_name": "openai/openai-openapi", "default_branch": "main"}`))
	})
	mux.HandleFunc("GET /repos/openai/openai-openapi/commits/{ref}", func(w http.ResponseWriter, r *http.Request) {
		sha, ok := f.commits[r.PathValue("ref")]
		if !f.accepts(w, r, "application/vnd.github.sha") {
			return
		}
		if !ok {
			http.Error(w, `{"message": "No commit found for SHA: `+r.PathValue("ref")+`"}`, http.StatusUnprocessableEntity)
			return
		}
		_, _ = w.Write([]byte(sha))
	})
	mux.HandleFunc("GET /repos/openai/openai-openapi/contents/{path...}", func(w http.ResponseWriter, r *http.Request) {
		content, ok := f.files[r.URL.Query().Get("ref")+":"+r.PathValue("path")]
		if !f.accepts(w, r, "application/vnd.github.raw+json") {
			return
		}
		if !ok {
			http.Error(w, `{"message": "Not Found"}`, http.StatusNotFound)
			return
		}
		_, _ = w.Write(content)
	})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		f.requests = append(f.requests, r.URL.Path)
		f.auth = append(f.auth, r.Header.Get("Authorization"))
		f.mu.Unlock()
		if f.refuse != 0 {
			http.Error(w, f.refuseBody, f.refuse)
			return
		}
		mux.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return f, srv
}

func (f *fakeGitHub) accepts(w http.ResponseWriter, r *http.Request, mediaType string) bool {
	if r.Header.Get("Accept") != mediaType || r.Header.Get("X-GitHub-Api-Version") == "" {
		http.Error(w, `{"message": "wrong media type"}`, http.StatusUnsupportedMediaType)
		return false
	}
	return true
}

func (f *fakeGitHub) calls(substr string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, r := range f.requests {
		if strings.Contains(r, substr) {
			n++
		}
	}
	return n
}

func fetchWith(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(context.Background(), args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func noToken(t *testing.T) {
	t.Setenv("GITHUB_TOKEN", "")
	t.Setenv("GH_TOKEN", "")
}

func TestFetchesTheDefaultBranch(t *testing.T) {
	noToken(t)
	t.Setenv("GITHUB_TOKEN", "ghs_drift_secret")
	f, srv := newFakeGitHub(t)
	dir := filepath.Join(t.TempDir(), "cache")
	code, stdout, stderr := fetchWith(t, "-api", srv.URL, "-dir", dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	want := filepath.Join(dir, "openapi-"+mainSHA[:12]+".yaml")
	if stdout != want+"\n" {
		t.Errorf("stdout %q, want only the path %q", stdout, want)
	}
	got, err := os.ReadFile(want)
	if err != nil || !bytes.Equal(got, f.files[mainSHA+":openapi.yaml"]) {
		t.Errorf("cached document differs from upstream's (err %v)", err)
	}
	if !strings.Contains(stderr, mainSHA) {
		t.Errorf("stderr does not name the commit: %s", stderr)
	}
	for i, a := range f.auth {
		if a != "Bearer ghs_drift_secret" {
			t.Errorf("request %s sent Authorization %q", f.requests[i], a)
		}
	}
	if strings.Contains(stdout+stderr, "ghs_drift_secret") {
		t.Error("the token was printed")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("cache holds %d entries, want the document alone", len(entries))
	}
}

func TestFetchesARefOnce(t *testing.T) {
	noToken(t)
	f, srv := newFakeGitHub(t)
	dir := t.TempDir()
	want := filepath.Join(dir, "openapi-"+featureSHA[:12]+".yaml") + "\n"
	for i := range 2 {
		code, stdout, stderr := fetchWith(t, "-api", srv.URL, "-dir", dir, "-ref", "feature/next")
		if code != 0 || stdout != want {
			t.Fatalf("run %d: exit %d, stdout %q (want %q): %s", i+1, code, stdout, want, stderr)
		}
	}
	if n := f.calls("/contents/"); n != 1 {
		t.Errorf("downloaded the document %d times, want once: a commit's document never changes", n)
	}
	if n := f.calls("/commits/"); n != 2 {
		t.Errorf("resolved the ref %d times, want every run: a branch moves", n)
	}
	if n := f.calls("/repos/openai/openai-openapi") - f.calls("/repos/openai/openai-openapi/"); n != 0 {
		t.Errorf("asked for the default branch %d times with a ref given", n)
	}
	for _, a := range f.auth {
		if a != "" {
			t.Errorf("sent Authorization %q without a token set", a)
		}
	}
}

func TestFailuresExplainAndWriteNothing(t *testing.T) {
	noToken(t)
	tests := []struct {
		name  string
		setup func(*fakeGitHub, *httptest.Server)
		args  []string
		want  string
	}{
		{
			name: "unknown ref",
			args: []string{"-ref", "no-such-branch"},
			want: `found no branch, tag or commit "no-such-branch" in openai/openai-openapi`,
		},
		{
			name: "document moved",
			args: []string{"-file", "spec/openapi.yaml"},
			want: "found no spec/openapi.yaml in openai/openai-openapi at " + mainSHA + " (HTTP 404: Not Found); if upstream moved the document, give its path with FILE=<path>",
		},
		{
			name: "rate limited",
			setup: func(f *fakeGitHub, _ *httptest.Server) {
				f.refuse, f.refuseBody = http.StatusForbidden, `{"message": "API rate limit exceeded for 192.0.2.1."}`
			},
			want: "API rate limit exceeded for 192.0.2.1.); anonymous calls are rate limited: set GITHUB_TOKEN",
		},
		{
			name: "server error",
			setup: func(f *fakeGitHub, _ *httptest.Server) {
				f.refuse, f.refuseBody = http.StatusBadGateway, "<html>bad gateway</html>"
			},
			want: "GitHub refused the request (HTTP 502: <html>bad gateway</html>)",
		},
		{
			name: "an error page instead of the document",
			setup: func(f *fakeGitHub, _ *httptest.Server) {
				f.files[mainSHA+":openapi.yaml"] = []byte("<!DOCTYPE html><html><body>Moved</body></html>\n")
			},
			want: "openapi.yaml in openai/openai-openapi at " + mainSHA + " is not a document spec-check can use",
		},
		{
			name: "a Git LFS pointer",
			setup: func(f *fakeGitHub, _ *httptest.Server) {
				f.files[mainSHA+":openapi.yaml"] = []byte("version https://git-lfs.github.com/spec/v1\noid sha256:4d7a\nsize 2970649\n")
			},
			want: "is not a document spec-check can use",
		},
		{
			name: "no Certificates operations",
			setup: func(f *fakeGitHub, _ *httptest.Server) {
				f.files[mainSHA+":openapi.yaml"] = []byte("openapi: 3.1.0\ninfo: {title: t, version: \"1\"}\npaths:\n  /models:\n    get:\n      tags: [Models]\n      responses:\n        \"200\": {description: ok}\n")
			},
			want: `no operation is tagged "Certificates"`,
		},
		{
			name: "not a commit id",
			setup: func(f *fakeGitHub, _ *httptest.Server) {
				f.commits["main"] = "<html>"
			},
			want: "is not one",
		},
		{
			name:  "too large",
			setup: func(*fakeGitHub, *httptest.Server) { maxDocument = 1000 },
			want:  "the answer is larger than 1000 bytes",
		},
		{
			// The message says how to go on offline, as docs/regeneration.md does.
			name:  "no network",
			setup: func(_ *fakeGitHub, srv *httptest.Server) { srv.Close() },
			want:  "Without network access, download the document by hand and run make spec-check UPSTREAM=<file>",
		},
	}
	defaultMax := maxDocument
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Cleanup(func() { maxDocument = defaultMax })
			f, srv := newFakeGitHub(t)
			if tt.setup != nil {
				tt.setup(f, srv)
			}
			dir := filepath.Join(t.TempDir(), "cache")
			code, stdout, stderr := fetchWith(t, append([]string{"-api", srv.URL, "-dir", dir}, tt.args...)...)
			if code != 1 {
				t.Errorf("exit %d, want 1", code)
			}
			if stdout != "" {
				t.Errorf("stdout %q, want nothing: a caller would take it for a path", stdout)
			}
			if !strings.Contains(stderr, tt.want) {
				t.Errorf("stderr lacks %q:\n%s", tt.want, stderr)
			}
			if entries, _ := os.ReadDir(dir); len(entries) != 0 {
				t.Errorf("the cache holds %d entries after a failure", len(entries))
			}
		})
	}
}

func TestBadFlags(t *testing.T) {
	for _, args := range [][]string{
		{"-ref", "main; rm -rf ~"},
		{"-ref", "$(id)"},
		{"-ref", "main..evil"},
		{"-ref", "-x"},
		{"-file", "../secrets.yaml"},
		{"-file", "/etc/passwd"},
		{"-repo", "openai"},
		{"-dir", ""},
		{"extra"},
	} {
		if code, stdout, _ := fetchWith(t, args...); code != 2 || stdout != "" {
			t.Errorf("%q: exit %d, stdout %q; want 2 and nothing", args, code, stdout)
		}
	}
}
