# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
#
# Shared by tools/test and tools/run: install what is missing, then configure and build.
# Sourced, not executed; callers set MIXD_ROOT (the repository root) first.

# Debian packages the build, the suite and the demo need. build-essential stands for the C
# toolchain; clang-14 and its runtime are for the fuzz targets and clang sanitizer builds;
# desktop-file-utils, systemd (systemd-analyze) and man-db check the installed desktop entry,
# units and man pages; dpkg-dev and debhelper build the Debian package the suite checks;
# PipeWire, WirePlumber, pipewire-jack and a D-Bus daemon run the suite's PipeWire cases;
# avahi-daemon and avahi-utils (avahi-browse) its --advertise case; iproute2 the netjack2 case.
MIXD_PACKAGES=(
  build-essential meson ninja-build pkg-config
  libjack-jackd2-dev jackd2 liblo-dev libebur128-dev check libsndfile1-dev libsoxr-dev
  libavahi-client-dev
  clang-14 libclang-rt-14-dev
  libwebsockets-dev
  chromium nodejs
  ffmpeg
  desktop-file-utils systemd man-db
  dpkg-dev debhelper
  pipewire pipewire-bin wireplumber pipewire-jack dbus-daemon
  avahi-daemon avahi-utils iproute2
)
# libwebsockets-dev brings libuv1-dev and the libuv event-loop plugin mixd's web port runs on;
# chromium and nodejs are for the browser test (tests/browser/, through playwright-core);
# ffmpeg's meter reads the limiter's true-peak ceiling (tests/test_limiter_ffmpeg.c).

# Prints its arguments to stderr, prefixed with the calling tool's name.
mixd_log() {
  printf 'tools/%s: %s\n' "${0##*/}" "$*" >&2
}

# True when dpkg considers package $1 installed.
mixd_pkg_installed() {
  local status
  status=$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null) || return 1
  [[ $status == installed ]]
}

# Installs the packages of MIXD_PACKAGES that are missing, with sudo when not root.
# Returns 0 when everything is present afterwards, 1 when it cannot install (no root, no sudo).
mixd_ensure_packages() {
  local missing=() pkg
  local -a sudo=()

  if ! command -v dpkg-query >/dev/null 2>&1; then
    mixd_log "not a Debian system: make sure these (or your distribution's equivalents)" \
      "are installed: ${MIXD_PACKAGES[*]}"
    return 0
  fi
  for pkg in "${MIXD_PACKAGES[@]}"; do
    # A plain gcc + libc6-dev is as good as build-essential.
    if [[ $pkg == build-essential ]] && mixd_pkg_installed gcc &&
      mixd_pkg_installed libc6-dev; then
      continue
    fi
    mixd_pkg_installed "$pkg" || missing+=("$pkg")
  done
  if ((${#missing[@]} == 0)); then
    return 0
  fi

  if ((EUID != 0)); then
    if ! command -v sudo >/dev/null 2>&1; then
      mixd_log "missing packages: ${missing[*]}"
      mixd_log "run as root, or install them: apt-get install ${missing[*]}"
      return 1
    fi
    sudo=(sudo)
  fi
  mixd_log "installing: ${missing[*]}"
  # jackd2 asks whether to enable realtime limits; answer in advance so apt never waits.
  echo 'jackd2 jackd/tweak-rt-limits boolean false' | "${sudo[@]}" debconf-set-selections
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -q --no-install-recommends "${missing[@]}"
}

# Configures (or reconfigures) build directory $1 with the remaining arguments as meson
# options, then compiles it. Returns meson's status.
mixd_build() {
  local dir=$1
  shift

  if [[ -f $dir/meson-private/coredata.dat ]]; then
    # --reconfigure keeps the directory's other settings and applies the options given now.
    if ! meson setup --reconfigure "$dir" "$@"; then
      mixd_log "reconfigure of $dir failed, setting it up afresh"
      meson setup --wipe "$dir" "$@" || return
    fi
  else
    meson setup "$dir" "$@" || return
  fi
  meson compile -C "$dir"
}

# Installs the browser test's npm packages (tests/browser/package-lock.json) into
# tests/browser/node_modules when they are missing or older than the lock file. Debian's
# nodejs 18 has npm as a package of its own; a NodeSource nodejs carries it. Returns npm's
# status, 1 when npm cannot be had.
mixd_ensure_node_modules() {
  local dir=$MIXD_ROOT/tests/browser
  if [[ -f $dir/node_modules/.package-lock.json &&
    ! $dir/package-lock.json -nt $dir/node_modules/.package-lock.json ]]; then
    return 0
  fi
  if ! command -v npm >/dev/null 2>&1; then
    MIXD_PACKAGES=(npm)
    mixd_ensure_packages || return 1
  fi
  mixd_log "installing the browser test's packages (npm ci in tests/browser)"
  npm ci --prefix "$dir" --no-audit --no-fund --loglevel=error
}
