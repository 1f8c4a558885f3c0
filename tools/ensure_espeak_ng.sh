#!/bin/sh
# Makes sure the espeak-ng library that pyttsx3 drives is on this machine.
# As root on a Debian/Ubuntu machine it installs it; otherwise it prints the
# one command to run. With --required (make test) a missing espeak-ng is an error;
# without it (make run) the program still starts and speaks silently.
have_espeak() {
    command -v espeak-ng >/dev/null 2>&1 && return 0
    ldconfig -p 2>/dev/null | grep -q 'libespeak-ng\.so' && return 0
    [ "$(uname -s)" = Darwin ] && [ -e /opt/homebrew/lib/libespeak-ng.dylib -o -e /usr/local/lib/libespeak-ng.dylib ] && return 0
    return 1
}
have_espeak && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "espeak-ng is missing: installing it with apt-get" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq </dev/null >/dev/null && apt-get install -y -qq espeak-ng </dev/null >/dev/null
    have_espeak && exit 0
    echo "apt-get could not install espeak-ng" >&2
else
    if [ "$(uname -s)" = Darwin ]; then cmd="brew install espeak-ng"; else cmd="sudo apt-get install espeak-ng"; fi
    echo "espeak-ng is missing. Install it with: $cmd" >&2
fi
[ "$1" = "--required" ] && exit 1
exit 0
