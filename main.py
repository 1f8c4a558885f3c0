"""kuchipaku: give an AI streamer a voice and a face.

    python main.py [--config config.yaml] [--character NAME | --duo [--overlap]] [--host H] [--port P]
                   [--fullscreen | --windowed] [--say TEXT [--emotion E] [--character NAME]]...
    python main.py --new-character NAME | --check-character NAME [--out PATH]
"""
from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


class _SayLine(argparse.Action):
    """--say TEXT appends a line; --emotion E sets the emotion of the --say
    before it, or, given before any --say, of every line that names none.
    --character works the same way for who says it; before any --say, it picks
    the one character on the stage (as it always has)."""

    def __call__(self, parser, namespace, value, option_string=None):
        lines = list(getattr(namespace, "lines", None) or [])  # never the shared default list
        slot, flag = (2, "character") if option_string == "--character" else (1, "emotion")
        if option_string == "--say":
            lines.append([value, None, None])
        elif lines and lines[-1][slot] is None:
            lines[-1][slot] = value
        elif lines:
            parser.error(f"--{flag} {value}: the line before it already has one")
        else:
            setattr(namespace, flag, value)
        namespace.lines = lines


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="kuchipaku", description="A speaking character driven over WebSocket "
                                     "(AITuberKit External Linkage Mode).")
    parser.add_argument("--config", type=Path, default=HERE / "config.yaml",
                        help="settings file (default: %(default)s)")
    parser.add_argument("--character", action=_SayLine, dest="character", default=None,
                        help="character folder under characters/; after a --say, who says that line "
                             "(a name or folder on a --duo stage)")
    parser.add_argument("--duo", action="store_true",
                        help="two characters on the stage: Kotone and Hibiki")
    parser.add_argument("--overlap", action="store_true", default=None,
                        help="on a stage of several, let them speak at once (stage.overlap: true)")
    parser.add_argument("--host", help="address to listen on (default from config: 127.0.0.1)")
    parser.add_argument("--port", type=int, help="port to listen on (0: any free port)")
    parser.add_argument("--api-port", type=int, help="port of the HTTP API (default from config: 3000; "
                                                      "0: any free port)")
    screen = parser.add_mutually_exclusive_group()
    screen.add_argument("--fullscreen", dest="fullscreen", action="store_true", default=None)
    screen.add_argument("--windowed", dest="fullscreen", action="store_false")
    parser.add_argument("--say", action=_SayLine, dest="lines", default=[], metavar="TEXT",
                        help="speak TEXT at start (repeatable)")
    parser.add_argument("--emotion", action=_SayLine, dest="emotion", default="neutral",
                        help="emotion of the --say before it; before any --say, of every line "
                             "(default: %(default)s)")
    parser.add_argument("--record", type=Path, metavar="OUT_DIR",
                        help="render the --say lines to OUT_DIR (frames, audio.wav, timeline.csv, out.mp4) "
                             "at a fixed frame rate, with no window and no audio device")
    parser.add_argument("--fps", type=int, help="frame rate for --record (default: window.fps)")
    parser.add_argument("--headless", action="store_true",
                        help="run with no screen (SDL's dummy video driver): the link and the voice work, "
                             "nothing is shown")
    parser.add_argument("--snapshot-dir", type=Path, help="save the first idle frame and the first speaking "
                                                         "frame there as PNG")
    authoring = parser.add_mutually_exclusive_group()
    authoring.add_argument("--new-character", metavar="NAME",
                           help="create characters/NAME/ from a template, then exit")
    authoring.add_argument("--check-character", metavar="NAME", help="validate characters/NAME/ and render every "
                           "emotion x mouth shape x eyes to a contact sheet PNG, then exit")
    parser.add_argument("--out", type=Path, metavar="PATH", help="where --check-character writes the contact sheet "
                        "(default: characters/NAME/contact_sheet.png)")
    noise = parser.add_mutually_exclusive_group()
    noise.add_argument("-v", "--verbose", action="store_true", help="log every mouth and expression change")
    noise.add_argument("-q", "--quiet", action="store_true", help="log warnings and errors only")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    logging.basicConfig(level=logging.WARNING if args.quiet else logging.INFO, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if args.verbose:  # our own detail only; libraries stay at INFO
        logging.getLogger("kuchipaku").setLevel(logging.DEBUG)
    logging.getLogger("kuchipaku.link.websockets").setLevel(logging.WARNING)
    logging.getLogger().handlers[0].addFilter(lambda record: record.name.startswith("kuchipaku")
                                              or record.levelno >= logging.WARNING)
    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

    if args.new_character is not None or args.check_character is not None or args.out is not None:
        from authoring.cli import run_cli  # character authoring: no config, no window, no link

        return run_cli(args.new_character, args.check_character, args.out, HERE / "characters")

    if args.headless:
        os.environ["SDL_VIDEODRIVER"] = "dummy"  # asked for: no screen is not an error then
    if args.record is not None:
        if not args.lines:
            print("kuchipaku: --record needs at least one --say TEXT", file=sys.stderr)
            return 2
        from engine.app.recorder import headless
        headless()

    # Imported after logging is set up, and so that --help needs no pygame.
    from engine.app.build import Line, build
    from engine.app.cast import load_cast
    from engine.app.loop import run
    from engine.app.window import DisplayUnavailable
    from engine.link.http_server import ApiBindError
    from engine.link.security import check_api_exposure, check_exposure
    from engine.settings.cast import aliases
    from engine.settings.config import load_config, with_overrides
    from engine.settings.validate import ConfigError, Invalid, integer, text
    from engine.vocabulary import EMOTIONS

    try:
        config = load_config(args.config)
        for flag, check, value in (("--port", integer(0, 65535), args.port),
                                   ("--api-port", integer(0, 65535), args.api_port),
                                   ("--character", text(pattern=r"[A-Za-z0-9_-]+", meaning="a character folder name"),
                                    args.character),
                                   *(("--emotion", text(EMOTIONS), emotion.lower())
                                     for emotion in [args.emotion, *(e for _, e, _ in args.lines if e)])):
            if value is not None:
                try:
                    check(value)
                except Invalid as bad:
                    raise ConfigError("command line", flag, bad.expected, value) from None

        def reapply(loaded):  # the command line wins over the file, at start and on every reload
            return with_overrides(loaded, host=args.host, port=args.port, fullscreen=args.fullscreen,
                                  character=args.character, duo=args.duo, overlap=args.overlap,
                                  token=os.environ.get("KUCHIPAKU_TOKEN") or None,
                                  api_port=args.api_port, api_key=os.environ.get("AITUBERKIT_API_KEY") or None)
        config = reapply(config)
        check_exposure(config.link)
        check_api_exposure(config.http_api)
        specs = load_cast(config, HERE / "characters")
        character, *_ = specs.values()
        others = {name: spec for name, spec in list(specs.items())[1:]}
        known = aliases(config.cast)
        for _, _, speaker in args.lines:
            if speaker is not None and len(config.cast) > 1 and speaker.lower() not in known:
                raise ConfigError("command line", "--character", "one of " + ", ".join(m.name for m in config.cast),
                                  speaker)
    except ConfigError as err:
        print(f"kuchipaku: {err}", file=sys.stderr)
        return 2

    lines = [Line(spoken, (emotion or args.emotion).lower(), speaker) for spoken, emotion, speaker in args.lines]
    if args.record is not None:
        from engine.app.recorder import record

        done = record(config, character, lines, args.record, args.fps, others=others)
        print(f"recorded {done.frames} frames ({done.seconds:.2f} s at {done.fps} fps) to {done.folder}"
              + (f"; video {done.mp4}" if done.mp4 else ""))
        return 0
    try:
        return run(build(config, character, say=lines, snapshot_dir=args.snapshot_dir, config_path=args.config,
                         reapply=reapply, others=others))
    except DisplayUnavailable as err:
        print(f"kuchipaku: no display ({err}); to run without a screen, use --headless (or SDL_VIDEODRIVER=dummy)",
              file=sys.stderr)
        return 3
    except ApiBindError as err:
        print(f"kuchipaku: {err}", file=sys.stderr)
        return 4
    except OSError as err:
        print(f"kuchipaku: cannot listen on {config.link.host}:{config.link.port}: {err.strerror or err}",
              file=sys.stderr)
        return 4


if __name__ == "__main__":
    sys.exit(main())
