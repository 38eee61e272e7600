// Command distcheck checks what GoReleaser built into dist/release before any
// of it is published: every binary for every platform, each built as the
// configuration says (its platform, -trimpath, no cgo, the version linked in,
// the commit's time), each archive holding exactly its binary with the same
// bytes and the commit's time, SHA256SUMS covering every archive and SBOM with
// the right digests, each SBOM naming its binary's module, and the binary
// this machine can run reporting the version.
//
//	go run ./distcheck -root ../.. -commit-time 1767225600 [-platforms linux/amd64,...]
//
// It reads what to expect from GoReleaser's own artifacts.json and
// metadata.json, so a command added to the configuration is checked without
// changing this one. Exit status: 0 when everything holds, 1 when something
// does not (each problem on its own line), 2 when it cannot read dist.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"
)

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
}

// defaultPlatforms are the platforms every command is released for.
const defaultPlatforms = "linux/amd64,linux/arm64,darwin/amd64,darwin/arm64,windows/amd64,windows/arm64"

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("distcheck", flag.ContinueOnError)
	fs.SetOutput(stderr)
	root := fs.String("root", ".", "the directory GoReleaser ran in (artifact paths are relative to it)")
	dist := fs.String("dist", "dist/release", "GoReleaser's dist directory, relative to -root")
	commitTime := fs.Int64("commit-time", -1, "the released commit's time, in seconds since 1970 (git log -1 --format=%ct)")
	platforms := fs.String("platforms", defaultPlatforms, "comma-separated os/arch every command must be built for")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *commitTime < 0 || fs.NArg() > 0 {
		fmt.Fprintf(stderr, "distcheck: give -commit-time SECONDS (git log -1 --format=%%ct)\n")
		fs.Usage()
		return 2
	}
	d, err := readDist(*root, *dist)
	if err != nil {
		fmt.Fprintf(stderr, "distcheck: %v\n", err)
		return 2
	}
	want := strings.Split(*platforms, ",")
	r := check(ctx, d, want, time.Unix(*commitTime, 0))
	r.write(stdout)
	if len(r.problems) > 0 {
		return 1
	}
	return 0
}

// dist is what one GoReleaser run left: its artifacts, paths made absolute.
type dist struct {
	version   string // with its v, as the binaries report it
	artifacts []artifact
}

func readDist(root, dir string) (dist, error) {
	var meta struct {
		Version string `json:"version"`
	}
	if err := readJSON(filepath.Join(root, dir, "metadata.json"), &meta); err != nil {
		return dist{}, err
	}
	if meta.Version == "" {
		return dist{}, fmt.Errorf("%s names no version", filepath.Join(dir, "metadata.json"))
	}
	var arts []artifact
	if err := readJSON(filepath.Join(root, dir, "artifacts.json"), &arts); err != nil {
		return dist{}, err
	}
	for i := range arts {
		if !filepath.IsAbs(arts[i].Path) {
			arts[i].Path = filepath.Join(root, filepath.FromSlash(arts[i].Path))
		}
	}
	return dist{version: "v" + meta.Version, artifacts: arts}, nil
}
