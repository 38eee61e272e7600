package main

import (
	"archive/tar"
	"archive/zip"
	"compress/gzip"
	"crypto/sha256"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"
)

// entry is one file of an archive, as this checks it.
type entry struct {
	name     string
	modTime  time.Time
	uid, gid int
	digest   [sha256.Size]byte
}

// checkArchive compares an archive's files with the binaries built for its
// platform, and returns the paths of the binaries it holds.
func checkArchive(r *report, a artifact, binaries []artifact, commitTime time.Time) []string {
	entries, err := readArchive(a.Path)
	if err != nil {
		r.problem("%s: %v", a.Name, err)
		return nil
	}
	wantKind := ".tar.gz"
	if a.Goos == "windows" {
		wantKind = ".zip"
	}
	if !strings.HasSuffix(a.Name, wantKind) {
		r.problem("%s: a %s archive is %s", a.Name, a.Goos, wantKind)
	}
	if len(entries) == 0 {
		r.problem("%s: empty", a.Name)
	}
	var held []string
	for _, e := range entries {
		i := slices.IndexFunc(binaries, func(b artifact) bool { return b.platform() == a.platform() && b.fileName() == e.name })
		if i < 0 {
			r.problem("%s: holds %s, which is no binary built for %s", a.Name, e.name, a.platform())
			continue
		}
		b := binaries[i]
		held = append(held, b.Path)
		if d, err := fileDigest(b.Path); err != nil {
			r.problem("%s: %v", a.Name, err)
		} else if d != e.digest {
			r.problem("%s: its %s differs from the one built", a.Name, e.name)
		}
		// zip keeps local time to the second without a zone; the extended
		// timestamp GoReleaser adds holds the instant.
		if !e.modTime.Equal(commitTime) {
			r.problem("%s: %s dated %s, want the commit's time %s", a.Name, e.name, e.modTime.UTC().Format(time.RFC3339), commitTime.UTC().Format(time.RFC3339))
		}
		if e.uid != 0 || e.gid != 0 {
			r.problem("%s: %s owned by %d:%d, want 0:0", a.Name, e.name, e.uid, e.gid)
		}
	}
	return held
}

func readArchive(path string) ([]entry, error) {
	switch {
	case strings.HasSuffix(path, ".tar.gz"):
		return readTarGz(path)
	case strings.HasSuffix(path, ".zip"):
		return readZip(path)
	}
	return nil, fmt.Errorf("not a .tar.gz or .zip archive")
}

func readTarGz(path string) ([]entry, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		return nil, err
	}
	var entries []entry
	tr := tar.NewReader(gz)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return entries, nil
		}
		if err != nil {
			return nil, err
		}
		if h.Typeflag == tar.TypeDir {
			continue
		}
		e := entry{name: h.Name, modTime: h.ModTime, uid: h.Uid, gid: h.Gid}
		if e.digest, err = readerDigest(tr); err != nil {
			return nil, err
		}
		entries = append(entries, e)
	}
}

func readZip(path string) ([]entry, error) {
	zr, err := zip.OpenReader(path)
	if err != nil {
		return nil, err
	}
	defer zr.Close()
	var entries []entry
	for _, f := range zr.File {
		if f.FileInfo().IsDir() {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			return nil, err
		}
		e := entry{name: f.Name, modTime: f.Modified}
		e.digest, err = readerDigest(rc)
		rc.Close()
		if err != nil {
			return nil, err
		}
		entries = append(entries, e)
	}
	return entries, nil
}

func fileDigest(path string) ([sha256.Size]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return [sha256.Size]byte{}, err
	}
	defer f.Close()
	return readerDigest(f)
}

func readerDigest(r io.Reader) ([sha256.Size]byte, error) {
	h := sha256.New()
	if _, err := io.Copy(h, r); err != nil {
		return [sha256.Size]byte{}, err
	}
	return [sha256.Size]byte(h.Sum(nil)), nil
}
