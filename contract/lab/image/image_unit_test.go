package image

import (
	"archive/tar"
	"bytes"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

type entry struct {
	name, body string
	typ        byte
}

func layer(t *testing.T, entries ...entry) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, e := range entries {
		h := &tar.Header{Name: e.name, Typeflag: e.typ, Mode: 0o644, Size: int64(len(e.body))}
		if e.typ == tar.TypeDir {
			h.Size = 0
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write([]byte(e.body)); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// saved writes a two-layer image as docker save would: the second layer
// replaces one file and deletes another with a whiteout.
func saved(t *testing.T) string {
	t.Helper()
	img := empty.Image
	for _, data := range [][]byte{
		layer(t, entry{"emulator", "old binary", tar.TypeReg}, entry{"etc/", "", tar.TypeDir}, entry{"etc/gone", "x", tar.TypeReg}, entry{"bin", "", tar.TypeDir}),
		layer(t, entry{"./emulator", "new binary", tar.TypeReg}, entry{"etc/.wh.gone", "", tar.TypeReg}),
	} {
		l, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil })
		if err != nil {
			t.Fatal(err)
		}
		if img, err = mutate.AppendLayers(img, l); err != nil {
			t.Fatal(err)
		}
	}
	ref, err := name.NewTag("example.test/emulator:v1")
	if err != nil {
		t.Fatal(err)
	}
	archive := filepath.Join(t.TempDir(), "image.tar")
	if err := tarball.WriteToFile(archive, ref, img); err != nil {
		t.Fatal(err)
	}
	return archive
}

func TestFilesAndExtractSeeTheFlattenedImage(t *testing.T) {
	img, err := Load(saved(t))
	if err != nil {
		t.Fatal(err)
	}
	files, err := Files(img)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 1 || files["/emulator"] != int64(len("new binary")) {
		t.Fatalf("files %v, want only /emulator from the last layer (the whiteout removes /etc/gone)", files)
	}

	dst := filepath.Join(t.TempDir(), "emulator")
	if err := ExtractFile(img, "/emulator", dst); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(dst)
	if err != nil {
		t.Fatal(err)
	}
	if st, _ := os.Stat(dst); string(got) != "new binary" || st.Mode().Perm()&0o100 == 0 {
		t.Fatalf("extracted %q with mode %v, want the last layer's file, executable", got, st.Mode())
	}
	for _, missing := range []string{"/etc/gone", "/nothing", "/bin"} {
		if err := ExtractFile(img, missing, dst); err == nil {
			t.Errorf("%s: extracted", missing)
		}
	}

	size, err := UncompressedSize(img)
	if err != nil {
		t.Fatal(err)
	}
	if size < int64(len("old binarynew binaryx")) {
		t.Fatalf("size %d counts less than the files' bytes", size)
	}
}

func TestLoadRefusesWhatIsNotAnImage(t *testing.T) {
	archive := filepath.Join(t.TempDir(), "not.tar")
	if err := os.WriteFile(archive, layer(t, entry{"hello", "world", tar.TypeReg}), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(archive); err == nil {
		t.Fatal("a plain tar loaded as an image")
	}
}
