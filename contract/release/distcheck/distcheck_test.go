package main

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"debug/buildinfo"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"testing"
	"time"
)

var commit = time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)

func writeFile(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o755); err != nil {
		t.Fatal(err)
	}
}

func tarGz(t *testing.T, name string, data []byte, mtime time.Time, uid int) []byte {
	t.Helper()
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o755, Size: int64(len(data)), ModTime: mtime, Uid: uid, Gid: uid, Typeflag: tar.TypeReg}); err != nil {
		t.Fatal(err)
	}
	tw.Write(data)
	tw.Close()
	gz.Close()
	return buf.Bytes()
}

func zipped(t *testing.T, name string, data []byte, mtime time.Time) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: mtime})
	if err != nil {
		t.Fatal(err)
	}
	w.Write(data)
	zw.Close()
	return buf.Bytes()
}

func TestCheckArchive(t *testing.T) {
	dir := t.TempDir()
	bin := artifact{Name: "tool", Path: filepath.Join(dir, "build_linux", "tool"), Goos: "linux", Goarch: "amd64", Type: typeBinary}
	winBin := artifact{Name: "tool.exe", Path: filepath.Join(dir, "build_windows", "tool.exe"), Goos: "windows", Goarch: "arm64", Type: typeBinary}
	writeFile(t, bin.Path, []byte("linux binary"))
	writeFile(t, winBin.Path, []byte("windows binary"))
	binaries := []artifact{bin, winBin}

	for _, tc := range []struct {
		name, file, goos, goarch string
		data                     []byte
		problems                 []string // each a part of one problem
	}{
		{"tar.gz as built", "t_linux.tar.gz", "linux", "amd64", tarGz(t, "tool", []byte("linux binary"), commit, 0), nil},
		{"zip as built", "t_windows.zip", "windows", "arm64", zipped(t, "tool.exe", []byte("windows binary"), commit), nil},
		{"other bytes", "t_linux.tar.gz", "linux", "amd64", tarGz(t, "tool", []byte("something else"), commit, 0), []string{"differs from the one built"}},
		{"build time", "t_linux.tar.gz", "linux", "amd64", tarGz(t, "tool", []byte("linux binary"), commit.Add(time.Hour), 0), []string{"want the commit's time"}},
		{"builder's user", "t_linux.tar.gz", "linux", "amd64", tarGz(t, "tool", []byte("linux binary"), commit, 1001), []string{"owned by 1001:1001"}},
		{"another platform's binary", "t_linux.tar.gz", "linux", "amd64", tarGz(t, "tool.exe", []byte("windows binary"), commit, 0), []string{"no binary built for linux/amd64"}},
		{"windows as tar.gz", "t_windows.tar.gz", "windows", "arm64", tarGz(t, "tool.exe", []byte("windows binary"), commit, 0), []string{"a windows archive is .zip"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := artifact{Name: tc.file, Path: filepath.Join(dir, tc.file), Goos: tc.goos, Goarch: tc.goarch, Type: typeArchive}
			writeFile(t, a.Path, tc.data)
			var r report
			held := checkArchive(&r, a, binaries, commit)
			assertProblems(t, r.problems, tc.problems)
			if len(tc.problems) == 0 && len(held) != 1 {
				t.Errorf("holds %q, want one binary", held)
			}
		})
	}
}

func TestCheckSums(t *testing.T) {
	dir := t.TempDir()
	arch := artifact{Name: "a.tar.gz", Path: filepath.Join(dir, "a.tar.gz"), Type: typeArchive}
	sbom := artifact{Name: "a.tar.gz.sbom.json", Path: filepath.Join(dir, "a.tar.gz.sbom.json"), Type: typeSBOM}
	sums := artifact{Name: "SHA256SUMS", Path: filepath.Join(dir, "SHA256SUMS"), Type: typeChecksum}
	writeFile(t, arch.Path, []byte("archive"))
	writeFile(t, sbom.Path, []byte("{}"))
	line := func(name, content string) string {
		return fmt.Sprintf("%x  %s\n", sha256.Sum256([]byte(content)), name)
	}
	for _, tc := range []struct {
		name, sums string
		problems   []string
	}{
		{"all listed", line("a.tar.gz", "archive") + line("a.tar.gz.sbom.json", "{}"), nil},
		{"SBOM missing", line("a.tar.gz", "archive"), []string{"does not list a.tar.gz.sbom.json"}},
		{"wrong digest", line("a.tar.gz", "tampered") + line("a.tar.gz.sbom.json", "{}"), []string{"a.tar.gz: SHA-256"}},
		{"a file never built", line("a.tar.gz", "archive") + line("a.tar.gz.sbom.json", "{}") + line("b.zip", "b"), []string{"lists b.zip, which was not built"}},
		{"not sha256sum's format", "archive a.tar.gz\n", []string{"is not \"<sha256>  <name>\""}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			writeFile(t, sums.Path, []byte(tc.sums))
			var r report
			checkSums(&r, []artifact{arch, sbom, sums})
			assertProblems(t, r.problems, tc.problems)
		})
	}
}

func TestCheckSBOM(t *testing.T) {
	exe, err := os.Executable() // a Go binary whose module is this one
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	a := artifact{Name: "a.tar.gz"}
	sbom := artifact{Name: "a.tar.gz.sbom.json", Path: filepath.Join(dir, "a.tar.gz.sbom.json"), Type: typeSBOM}
	for _, tc := range []struct {
		name, doc string
		sboms     []artifact
		problems  []string
	}{
		{"names the module", `{"spdxVersion":"SPDX-2.3","packages":[{"name":"github.com/certcontract/certcontract/contract/release"}]}`, []artifact{sbom}, nil},
		{"another module", `{"spdxVersion":"SPDX-2.3","packages":[{"name":"example.com/other"}]}`, []artifact{sbom}, []string{"no package github.com/certcontract/certcontract/contract/release"}},
		{"not SPDX 2", `{"bomFormat":"CycloneDX","packages":[{"name":"github.com/certcontract/certcontract/contract/release"}]}`, []artifact{sbom}, []string{"want an SPDX 2 document"}},
		{"no SBOM", "", nil, []string{"a.tar.gz has no SBOM"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			writeFile(t, sbom.Path, []byte(tc.doc))
			var r report
			checkSBOM(&r, a, tc.sboms, []string{exe})
			assertProblems(t, r.problems, tc.problems)
		})
	}
}

// TestCheckBinary reads the test binary, which go test builds without the
// release's flags: each missing one is a problem.
func TestCheckBinary(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	// A version the test binary cannot hold: made at run time, so that no
	// constant of this file matches it.
	version := fmt.Sprintf("v0.0.%d-absent", os.Getpid()+100000)
	var r report
	b := artifact{Name: "distcheck.test", Path: exe, Goos: runtime.GOOS, Goarch: runtime.GOARCH, Type: typeBinary}
	checkBinary(&r, b, version, commit)
	want := []string{"-trimpath", "the version " + version + " is nowhere in it", "want the commit's time"}
	if info, err := buildinfo.ReadFile(exe); err == nil && !slices.Contains(info.Settings, debug.BuildSetting{Key: "CGO_ENABLED", Value: "0"}) {
		want = append(want, "CGO_ENABLED")
	}
	assertProblems(t, r.problems, want)

	r = report{}
	b.Goarch = "s390x"
	checkBinary(&r, b, version, commit)
	if !strings.Contains(strings.Join(r.problems, "\n"), `GOARCH="`+runtime.GOARCH+`", want "s390x"`) {
		t.Errorf("a binary of another platform passed: %q", r.problems)
	}
}

func TestRunHost(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("runs a shell script as the binary")
	}
	dir := t.TempDir()
	fake := func(name, line string) artifact {
		path := filepath.Join(dir, name)
		writeFile(t, path, []byte("#!/bin/sh\necho '"+line+"'\n"))
		return artifact{Name: name, Path: path, Goos: runtime.GOOS, Goarch: runtime.GOARCH, Type: typeBinary}
	}
	var r report
	got := runHost(context.Background(), &r, []artifact{fake("good", "emulator v1.2.3 (go1.26.8, linux/amd64)")}, "v1.2.3")
	assertProblems(t, r.problems, nil)
	if got != "emulator v1.2.3 (go1.26.8, linux/amd64)" {
		t.Errorf("runHost = %q", got)
	}
	r = report{}
	runHost(context.Background(), &r, []artifact{fake("devel", "emulator devel (go1.26.8, linux/amd64)")}, "v1.2.3")
	assertProblems(t, r.problems, []string{"want the version v1.2.3"})
	r = report{}
	runHost(context.Background(), &r, []artifact{{Name: "x", Path: "/nonexistent", Goos: "plan9", Goarch: "386"}}, "v1.2.3")
	assertProblems(t, r.problems, []string{"no binary for this machine"})
}

// assertProblems wants exactly one problem containing each of want.
func assertProblems(t *testing.T, got, want []string) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d problems, want %d: %q", len(got), len(want), got)
	}
	for _, w := range want {
		if !strings.Contains(strings.Join(got, "\n"), w) {
			t.Errorf("no problem says %q: %q", w, got)
		}
	}
}
