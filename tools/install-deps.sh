#!/usr/bin/env bash
# Installs everything lispmn needs to build, test and run its demo, on Debian 12,
# Ubuntu (22.04 or newer) or Fedora (38 or newer). Idempotent: packages already present are
# not downloaded again, and when nothing is missing the package manager is not called at all.
#
#   usage: tools/install-deps.sh            (as root)
set -euo pipefail

# One list per family; the comments say which part of lispmn needs what.
DEBIAN_PACKAGES=(
  # build
  meson ninja-build pkg-config gcc clang gettext clang-format
  libglib2.0-dev libglib2.0-dev-bin libgnutls28-dev libjson-glib-dev
  libnl-3-dev libnl-route-3-dev libnm-dev
  libgtk-3-dev libayatana-appindicator3-dev libpolkit-gobject-1-dev
  # tests: conformance, namespaces, D-Bus, headless GUI
  tshark iproute2 iputils-ping iperf3 nftables conntrack dnsmasq-base
  dbus network-manager desktop-file-utils
  python3 python3-gi python3-dbusmock gir1.2-nm-1.0
  xvfb xauth imagemagick x11-utils
  # the NetworkManager editor plugin (GTK 3 and GTK 4) and its test
  libnma-dev libnma-gtk4-dev libgtk-4-dev gir1.2-gtk-4.0 xdotool
  # packaging tests: the .debs, lintian, the Fedora spec
  debhelper dpkg-dev lintian rpm
)
FEDORA_PACKAGES=(
  meson ninja-build pkgconf-pkg-config gcc clang compiler-rt gettext clang-tools-extra
  glib2-devel gnutls-devel json-glib-devel libnl3-devel NetworkManager-libnm-devel
  gtk3-devel libayatana-appindicator-gtk3-devel polkit-devel
  wireshark-cli iproute iputils iperf3 nftables conntrack-tools dnsmasq
  dbus-daemon NetworkManager desktop-file-utils
  python3 python3-gobject python3-dbusmock
  xorg-x11-server-Xvfb xorg-x11-xauth ImageMagick xwininfo
  libnma-devel libnma-gtk4-devel gtk4-devel xdotool
  rpm-build systemd-rpm-macros
)

die() { echo "install-deps: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "run me as root (sudo $0): I install system packages"
[ -r /etc/os-release ] || die "cannot tell which system this is: /etc/os-release is missing"
. /etc/os-release
family="${ID} ${ID_LIKE:-}"

# libFuzzer's runtime ships with clang's version number in the package name
# (libclang-rt-14-dev on Debian 12); find the one of the default clang, once the lists are there.
clang_runtime_package() {
  local v
  v=$(apt-cache depends clang 2>/dev/null | sed -n 's/.*Depends: clang-\([0-9][0-9]*\)$/\1/p' | head -1)
  [ -n "$v" ] && apt-cache show "libclang-rt-$v-dev" >/dev/null 2>&1 && echo "libclang-rt-$v-dev"
  return 0
}

install_debian() {
  local missing=() p
  for p in "${DEBIAN_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  # Older Ubuntu releases put the fuzzer runtime into libclang-common-N-dev, pulled by clang.
  if ! compgen -G '/usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-*.a' >/dev/null; then
    missing+=(@clang-runtime)
  fi
  if [ ${#missing[@]} -eq 0 ]; then
    echo "install-deps: all packages already installed"
    return
  fi
  export DEBIAN_FRONTEND=noninteractive
  # tshark asks whether non-root users may capture; the answer does not matter to us.
  echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
  echo "install-deps: updating the package lists"
  apt-get update -qq
  if [ "${missing[-1]}" = @clang-runtime ]; then
    unset 'missing[-1]'
    p=$(clang_runtime_package)
    [ -n "$p" ] && missing+=("$p")
  fi
  echo "install-deps: installing ${#missing[@]} packages: ${missing[*]}"
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  echo "install-deps: done"
}

install_fedora() {
  local missing=()
  for p in "${FEDORA_PACKAGES[@]}"; do
    rpm -q "$p" >/dev/null 2>&1 || missing+=("$p")
  done
  if [ ${#missing[@]} -eq 0 ]; then
    echo "install-deps: all ${#FEDORA_PACKAGES[@]} packages already installed"
    return
  fi
  echo "install-deps: installing ${#missing[@]} packages: ${missing[*]}"
  dnf install -y -q "${missing[@]}"
  echo "install-deps: done"
}

case " $family " in
  *" debian "*|*" ubuntu "*) install_debian ;;
  *" fedora "*|*" rhel "*) install_fedora ;;
  *) die "unsupported system '${PRETTY_NAME:-$ID}': lispmn knows the package names of Debian, Ubuntu and Fedora; install the equivalents of the lists in $0 by hand" ;;
esac
