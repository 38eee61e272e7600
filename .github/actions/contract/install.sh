#!/usr/bin/env bash
# Puts certcontract-contract for this runner's platform in $RUNNER_TEMP and
# its path in the step's outputs: downloaded from the certcontract release
# the action is used at (or VERSION), its checksum checked against the
# release's SHA256SUMS, or, with BUILD=true, built with Go from the
# action's own copy of the repository.
set -eo pipefail

exe=certcontract-contract
case "$RUNNER_OS" in
Linux) os=linux ;;
macOS) os=darwin ;;
Windows) os=windows exe=$exe.exe ;;
*) echo "::error::certcontract-contract is released for Linux, macOS and Windows, not $RUNNER_OS; set build: true to build it with Go" && exit 1 ;;
esac
case "$RUNNER_ARCH" in
X64) arch=amd64 ;;
ARM64) arch=arm64 ;;
*) echo "::error::certcontract-contract is released for X64 and ARM64 runners, not $RUNNER_ARCH; set build: true to build it with Go" && exit 1 ;;
esac
dest="$RUNNER_TEMP/certcontract-contract"
mkdir -p "$dest"

if [ "$BUILD" = true ]; then
	version=${ACTION_REF:-devel}
	echo "building certcontract-contract $version with $(go version)"
	(cd "$GITHUB_ACTION_PATH/../../.." && CGO_ENABLED=0 go test -c -trimpath \
		-ldflags "-s -w -X github.com/certcontract/certcontract/contract/internal/runner.version=$version" \
		-o "$dest/$exe" ./contract)
else
	version=${VERSION:-$ACTION_REF}
	case "$version" in
	v[0-9]*) ;;
	*)
		echo "::error::no certcontract release to download the runner from: the action is used at '${ACTION_REF:-a local path}'. Use it at a release (uses: certcontract/certcontract/.github/actions/contract@vX.Y.Z), set version: vX.Y.Z, or set build: true to build the runner with Go."
		exit 1
		;;
	esac
	name="certcontract-contract_${version}_${os}_${arch}"
	archive=$name.tar.gz
	[ "$os" = windows ] && archive=$name.zip
	url="$GITHUB_SERVER_URL/${ACTION_REPOSITORY:-certcontract/certcontract}/releases/download/$version"
	cd "$RUNNER_TEMP"
	echo "downloading $url/$archive"
	curl -fsSL --retry 3 -o "$archive" "$url/$archive"
	curl -fsSL --retry 3 -o SHA256SUMS "$url/SHA256SUMS"
	want=$(awk -v f="$archive" '$2 == f { print $1 }' SHA256SUMS)
	got=$({ sha256sum "$archive" 2>/dev/null || shasum -a 256 "$archive"; } | awk '{ print $1 }')
	if [ -z "$want" ] || [ "$want" != "$got" ]; then
		echo "::error::$archive does not match the release's SHA256SUMS (want '$want', got '$got')"
		exit 1
	fi
	if [ "$os" = windows ]; then
		unzip -oq "$archive" -d "$dest"
	else
		tar -xzf "$archive" -C "$dest"
	fi
fi
"$dest/$exe" --version
echo "path=$dest/$exe" >>"$GITHUB_OUTPUT"
