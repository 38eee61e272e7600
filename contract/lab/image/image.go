package image

import (
	"archive/tar"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

// Save writes ref, as the container engine (docker or podman) holds it, to
// a docker-archive file at dst: the format both engines write by default
// and both load.
func Save(ctx context.Context, engine, ref, dst string) error {
	cmd := exec.CommandContext(ctx, engine, "save", "-o", dst, ref)
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("%s save %s: %w\n%s", engine, ref, err, out)
	}
	return nil
}

// Load reads a saved image; the archive must hold exactly one.
func Load(archive string) (v1.Image, error) {
	img, err := tarball.ImageFromPath(archive, nil)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", archive, err)
	}
	return img, nil
}

// UncompressedSize is what the image takes once unpacked: the bytes of its
// layers as tar streams, the figure `docker images` shows.
func UncompressedSize(img v1.Image) (int64, error) {
	layers, err := img.Layers()
	if err != nil {
		return 0, err
	}
	var total int64
	for _, l := range layers {
		rc, err := l.Uncompressed()
		if err != nil {
			return 0, err
		}
		n, err := io.Copy(io.Discard, rc)
		rc.Close()
		if err != nil {
			return 0, err
		}
		total += n
	}
	return total, nil
}

// Files lists every regular file of the image's flattened file system,
// with its size, by absolute path.
func Files(img v1.Image) (map[string]int64, error) {
	files := map[string]int64{}
	err := walk(img, func(h *tar.Header, _ io.Reader) (bool, error) {
		if h.Typeflag == tar.TypeReg {
			files[clean(h.Name)] = h.Size
		}
		return false, nil
	})
	return files, err
}

// Header is the tar header of name (an absolute path in the image, after
// every layer is applied): its type, owner and mode.
func Header(img v1.Image, name string) (*tar.Header, error) {
	var found *tar.Header
	err := walk(img, func(h *tar.Header, _ io.Reader) (bool, error) {
		if clean(h.Name) == path.Clean(name) {
			found = h
			return true, nil
		}
		return false, nil
	})
	if err == nil && found == nil {
		err = fmt.Errorf("%s is not in the image", name)
	}
	return found, err
}

// ExtractFile copies the regular file at name (an absolute path in the
// image, after every layer is applied) to dst, executable.
func ExtractFile(img v1.Image, name, dst string) error {
	found := false
	err := walk(img, func(h *tar.Header, r io.Reader) (bool, error) {
		if clean(h.Name) != path.Clean(name) {
			return false, nil
		}
		if h.Typeflag != tar.TypeReg {
			return true, fmt.Errorf("%s is not a regular file in the image (tar type %q)", name, h.Typeflag)
		}
		found = true
		f, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o755)
		if err != nil {
			return true, err
		}
		_, err = io.Copy(f, r)
		return true, errors.Join(err, f.Close())
	})
	if err == nil && !found {
		err = fmt.Errorf("%s is not in the image", name)
	}
	return err
}

// walk visits the flattened file system (whiteouts applied) until visit
// says it is done or fails.
func walk(img v1.Image, visit func(*tar.Header, io.Reader) (done bool, err error)) error {
	rc := mutate.Extract(img)
	defer rc.Close()
	tr := tar.NewReader(rc)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		if done, err := visit(h, tr); done || err != nil {
			return err
		}
	}
}

func clean(name string) string {
	return path.Clean("/" + strings.TrimPrefix(name, "./"))
}
