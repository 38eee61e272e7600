// Command spec-fetch downloads OpenAI's OpenAPI document from its GitHub
// repository at a branch, tag or commit, checks that spec-check can use it,
// stores it in a cache directory under a name carrying the commit, and prints
// that file's path and nothing else on standard output:
//
//	make spec-check UPSTREAM=$(make -s spec-fetch)
//
// The ref is resolved to a commit first, so the file is exactly that commit's
// document and a cached copy never goes stale; a commit already in the cache
// is not downloaded again. Set GITHUB_TOKEN (or GH_TOKEN) to lift GitHub's
// limit on anonymous API calls. Exit status: 0 with the path printed, 1 when
// the document cannot be downloaded or is not one spec-check can use (nothing
// is written then), 2 for bad flags.
package main

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/certcontract/certcontract/openapi/drift"
)

// maxDocument bounds a download; the document is about 3 MB today and the
// contents API serves files up to 100 MB.
var maxDocument int64 = 100 << 20

var (
	repoPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]*/[A-Za-z0-9][A-Za-z0-9_.-]*$`)
	// refPattern admits branch and tag names and commit ids, and nothing a
	// shell or a URL would read differently.
	refPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_./-]*$`)
	shaPattern = regexp.MustCompile(`^[0-9a-f]{40}$`)
)

type config struct {
	api, repo, ref, file, dir, token string
	timeout                          time.Duration
}

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("spec-fetch", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var c config
	fs.StringVar(&c.repo, "repo", "openai/openai-openapi", "GitHub repository holding the document")
	fs.StringVar(&c.ref, "ref", "", "branch, tag or commit (default: the repository's default branch)")
	fs.StringVar(&c.file, "file", "openapi.yaml", "the document's path in the repository")
	fs.StringVar(&c.dir, "dir", filepath.Join(".cache", "upstream"), "cache directory")
	fs.StringVar(&c.api, "api", "https://api.github.com", "GitHub REST API base URL")
	fs.DurationVar(&c.timeout, "timeout", 2*time.Minute, "give up after this long")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if err := c.check(fs.NArg()); err != nil {
		fmt.Fprintf(stderr, "spec-fetch: %v\n", err)
		fs.Usage()
		return 2
	}
	c.token = cmp.Or(os.Getenv("GITHUB_TOKEN"), os.Getenv("GH_TOKEN"))
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	p, err := fetch(ctx, c, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "spec-fetch: %v\n", err)
		return 1
	}
	fmt.Fprintln(stdout, p)
	return 0
}

func (c config) check(extra int) error {
	switch {
	case extra > 0:
		return errors.New("no arguments expected")
	case !repoPattern.MatchString(c.repo):
		return fmt.Errorf("-repo %q is not owner/name", c.repo)
	case c.ref != "" && (!refPattern.MatchString(c.ref) || strings.Contains(c.ref, "..")):
		return fmt.Errorf("-ref %q is not a branch, tag or commit name", c.ref)
	case !filepath.IsLocal(c.file) || strings.Contains(c.file, `\`):
		return fmt.Errorf("-file %q is not a path inside the repository", c.file)
	case c.dir == "":
		return errors.New("-dir is empty")
	}
	return nil
}

func fetch(ctx context.Context, c config, log io.Writer) (string, error) {
	ref := c.ref
	if ref == "" {
		var repo struct {
			DefaultBranch string `json:"default_branch"`
		}
		body, err := c.get(ctx, "/repos/"+c.repo, "application/vnd.github+json", 1<<20)
		if err != nil {
			return "", c.explain(err, "found no repository "+c.repo, "")
		}
		if err := json.Unmarshal(body, &repo); err != nil || repo.DefaultBranch == "" {
			return "", fmt.Errorf("the answer about %s names no default branch", c.repo)
		}
		ref = repo.DefaultBranch
	}
	body, err := c.get(ctx, "/repos/"+c.repo+"/commits/"+url.PathEscape(ref), "application/vnd.github.sha", 1<<10)
	if err != nil {
		return "", c.explain(err, fmt.Sprintf("found no branch, tag or commit %q in %s", ref, c.repo), "")
	}
	sha := strings.TrimSpace(string(body))
	if !shaPattern.MatchString(sha) {
		return "", fmt.Errorf("%s at %q: the commit id %.50q is not one", c.repo, ref, sha)
	}

	ext := path.Ext(c.file)
	name := strings.ReplaceAll(strings.TrimSuffix(c.file, ext), "/", "_") + "-" + sha[:12] + ext
	target := filepath.Join(c.dir, name)
	if _, err := os.Stat(target); err == nil {
		fmt.Fprintf(log, "%s %s is commit %s, downloaded before\n", c.repo, ref, sha)
		return target, nil
	}

	escaped := strings.Split(c.file, "/")
	for i, s := range escaped {
		escaped[i] = url.PathEscape(s)
	}
	doc, err := c.get(ctx, "/repos/"+c.repo+"/contents/"+strings.Join(escaped, "/")+"?ref="+sha, "application/vnd.github.raw+json", maxDocument)
	if err != nil {
		return "", c.explain(err, fmt.Sprintf("found no %s in %s at %s", c.file, c.repo, sha),
			"; if upstream moved the document, give its path with FILE=<path> (-file)")
	}
	if err := usable(doc); err != nil {
		return "", fmt.Errorf("%s in %s at %s is not a document spec-check can use: %w", c.file, c.repo, sha, err)
	}
	if err := writeAtomically(target, doc); err != nil {
		return "", err
	}
	fmt.Fprintf(log, "%s %s is commit %s: %s, %.1f MB\n", c.repo, ref, sha, c.file, float64(len(doc))/1e6)
	return target, nil
}

// usable tells whether doc is an OpenAPI document with Certificates
// operations, so that an error page, a Git LFS pointer or a reorganised
// document never lands in the cache looking like upstream.
func usable(doc []byte) error {
	t, err := drift.ParseDocument(doc)
	if err != nil {
		return err
	}
	if t.OpenAPI == "" {
		return errors.New("it has no openapi version")
	}
	_, err = drift.Cut(t, drift.Tag)
	return err
}

// statusError is an answer other than 200 from the API.
type statusError struct {
	code    int
	message string
}

func (e *statusError) Error() string {
	if e.message == "" {
		return fmt.Sprintf("HTTP %d", e.code)
	}
	return fmt.Sprintf("HTTP %d: %.200s", e.code, e.message)
}

// get calls the API and returns the body of a 200 answer, at most limit
// bytes.
func (c config) get(ctx context.Context, p, accept string, limit int64) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimSuffix(c.api, "/")+p, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", accept)
	req.Header.Set("X-GitHub-Api-Version", "2022-11-28")
	req.Header.Set("User-Agent", "certcontract-spec-fetch")
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		var body struct {
			Message string `json:"message"`
		}
		data, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<10))
		if json.Unmarshal(data, &body) != nil {
			body.Message = strings.TrimSpace(string(data))
		}
		return nil, &statusError{code: resp.StatusCode, message: body.Message}
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, fmt.Errorf("the download broke off: %w", err)
	}
	if int64(len(body)) > limit {
		return nil, fmt.Errorf("the answer is larger than %d bytes", limit)
	}
	return body, nil
}

// explain turns an error of get into one that says what was asked for and
// what to do; notFound and hint make the message for an unknown name.
func (c config) explain(err error, notFound, hint string) error {
	var status *statusError
	var transport *url.Error
	switch {
	case errors.As(err, &transport):
		return fmt.Errorf("download failed: %w\nWithout network access, download the document by hand and run make spec-check UPSTREAM=<file>", err)
	case !errors.As(err, &status):
		return err
	case status.code == http.StatusNotFound || status.code == http.StatusUnprocessableEntity:
		return fmt.Errorf("%s (%w)%s", notFound, err, hint)
	case (status.code == http.StatusForbidden || status.code == http.StatusTooManyRequests) && c.token == "":
		return fmt.Errorf("GitHub refused the request (%w); anonymous calls are rate limited: set GITHUB_TOKEN", err)
	default:
		return fmt.Errorf("GitHub refused the request (%w)", err)
	}
}

// writeAtomically writes data to path through a temporary file in the same
// directory, so that an interrupted run leaves no partial document behind.
func writeAtomically(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(path), ".download-*")
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if err := errors.Join(err, f.Close()); err != nil {
		_ = os.Remove(f.Name())
		return err
	}
	if err := os.Chmod(f.Name(), 0o644); err != nil {
		_ = os.Remove(f.Name())
		return err
	}
	if err := os.Rename(f.Name(), path); err != nil {
		_ = os.Remove(f.Name())
		return err
	}
	return nil
}
