package goapi

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// Checkout writes the tree of git revision rev of the repository at repo into
// a new temporary directory, without touching the repository's working tree
// or its list of worktrees. The caller removes the directory.
func Checkout(ctx context.Context, repo, rev string) (string, error) {
	if strings.HasPrefix(rev, "-") {
		return "", fmt.Errorf("invalid revision %q", rev)
	}
	var stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, "git", "-C", repo, "archive", "--format=tar", rev+"^{tree}")
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return "", err
	}
	if err := cmd.Start(); err != nil {
		return "", err
	}
	dir, err := os.MkdirTemp("", "api-diff-")
	if err != nil {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		return "", err
	}
	extractErr := extract(out, dir)
	if extractErr != nil {
		_, _ = io.Copy(io.Discard, out)
	}
	if err := errors.Join(cmd.Wait(), extractErr); err != nil {
		_ = os.RemoveAll(dir)
		return "", fmt.Errorf("git archive %s: %w %s", rev, err, strings.TrimSpace(stderr.String()))
	}
	return dir, nil
}

// RepoRoot returns the top directory of the git repository holding dir.
func RepoRoot(ctx context.Context, dir string) (string, error) {
	out, err := exec.CommandContext(ctx, "git", "-C", dir, "rev-parse", "--show-toplevel").Output()
	if err != nil {
		return "", fmt.Errorf("%s is not in a git repository: %w", dir, err)
	}
	return strings.TrimSpace(string(out)), nil
}

func extract(r io.Reader, dir string) error {
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		// git archive writes relative, clean names; refuse anything else
		// rather than write outside dir.
		if !filepath.IsLocal(h.Name) {
			return fmt.Errorf("refusing archive entry %q", h.Name)
		}
		target := filepath.Join(dir, h.Name)
		switch h.Typeflag {
		case tar.TypeDir:
			if err := os.MkdirAll(target, 0o755); err != nil {
				return err
			}
		case tar.TypeReg:
			if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
				return err
			}
			f, err := os.OpenFile(target, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644)
			if err != nil {
				return err
			}
			_, err = io.Copy(f, tr)
			if err := errors.Join(err, f.Close()); err != nil {
				return err
			}
		}
	}
}

// ErrNoTag is LatestTag's answer for a history without a release tag.
var ErrNoTag = errors.New("no release tag (v*) in the history")

// LatestTag returns the newest release tag (v<major>.<minor>.<patch>...) in
// the history of rev (HEAD when empty): the release a change on top of rev
// would follow, which is what its callers have.
func LatestTag(ctx context.Context, repo, rev string) (string, error) {
	if rev == "" {
		rev = "HEAD"
	}
	if strings.HasPrefix(rev, "-") {
		return "", fmt.Errorf("invalid revision %q", rev)
	}
	var stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, "git", "-C", repo, "describe", "--tags", "--abbrev=0", "--match", "v[0-9]*", rev)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		msg := stderr.String()
		if strings.Contains(msg, "No names found") || strings.Contains(msg, "No tags can describe") {
			return "", ErrNoTag
		}
		return "", fmt.Errorf("git describe %s: %w %s", rev, err, strings.TrimSpace(msg))
	}
	return strings.TrimSpace(string(out)), nil
}
