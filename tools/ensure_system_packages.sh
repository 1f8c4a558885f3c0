#!/bin/sh
# Makes sure the system programs kuchipaku uses are installed:
#   espeak-ng  the voice (the library pyttsx3's binding loads)
#   ffmpeg     record mode's out.mp4 (optional: without it, record mode writes
#              frames and audio.wav only)
#   xvfb, xdotool  for the tests only (--required): a real X display whose
#              pixels the tests read, and keys typed into the window
# As root on a Debian/Ubuntu machine it installs what is missing with apt-get;
# otherwise it prints the one command to run. With --required (make test) a
# missing espeak-ng is an error; without it (make run) the program still
# starts and speaks silently.
required=no
[ "$1" = "--required" ] && required=yes

have_espeak() {
    command -v espeak-ng >/dev/null 2>&1 && return 0
    ldconfig -p 2>/dev/null | grep -q 'libespeak-ng\.so' && return 0
    [ "$(uname -s)" = Darwin ] && [ -e /opt/homebrew/lib/libespeak-ng.dylib -o -e /usr/local/lib/libespeak-ng.dylib ] && return 0
    return 1
}
have_ffmpeg() { command -v ffmpeg >/dev/null 2>&1; }

missing=""
have_espeak || missing="$missing espeak-ng"
have_ffmpeg || missing="$missing ffmpeg"
if [ "$required" = yes ]; then
    command -v Xvfb >/dev/null 2>&1 || missing="$missing xvfb"
    command -v xdotool >/dev/null 2>&1 || missing="$missing xdotool"
fi
[ -z "$missing" ] && exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing with apt-get:$missing" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq </dev/null >/dev/null && apt-get install -y -qq $missing </dev/null >/dev/null
else
    if [ "$(uname -s)" = Darwin ]; then cmd="brew install$missing"; else cmd="sudo apt-get install$missing"; fi
    echo "missing:$missing. Install with: $cmd" >&2
fi
have_ffmpeg || echo "ffmpeg is missing: record mode will write frames and audio.wav but no out.mp4" >&2
if ! have_espeak; then
    echo "espeak-ng is missing: kuchipaku will speak silently (the mouth follows the text)" >&2
    [ "$required" = yes ] && exit 1
fi
exit 0
