"""Issue 13 through main.py --duo on a real X display: two characters on one
stage, two senders, and each line in its speaker's voice with only her mouth
moving. The mouths are read from the screen's pixels from outside: an open
mouth shows its dark red inside, a closed one hardly any."""
from __future__ import annotations

import re

from support.duo_stage import Sender, duo_config, duo_on_screen, lifecycle
from support.xvfb import Running, needs_x

LINES = [("Kotone", "Good evening everyone, welcome to the stream."),
         ("Hibiki", "Hello hello, I am here too, and happy to be."),
         ("Kotone", "Today we talk about cooking rice properly."),
         ("Hibiki", "Washing the rice is the first important step."),
         ("Kotone", "Then you let it soak for half an hour."),
         ("Hibiki", "And never open the lid while it cooks!")]


@needs_x
def test_two_senders_alternate_six_lines_each_in_her_voice_with_only_her_mouth_moving(tmp_path, duo_display):
    program = Running(tmp_path, duo_display, duo_config(), "--duo", "-v")
    with duo_on_screen(program, duo_display) as duo:
        for index, (speaker, text) in enumerate(LINES):
            request = f"line{index}"
            if speaker == "Kotone":
                duo.kotone.send(text=text, role="assistant", id=request)
                sender = duo.kotone
            else:
                duo.hibiki.send(version="2", id=request, type="chat.delta", requestId=request,
                                payload={"text": text, "role": "assistant", "character": "Hibiki"})
                sender = duo.hibiki
            started, _ = sender.wait(lifecycle("character.speech.start", request), f"{request} started")
            done, reply = sender.wait(lifecycle("character.speech.done", request), f"{request} spoken")
            assert reply["payload"].get("character") == speaker
            samples = duo.screen.between(started, done)
            assert len(samples) >= 10, f"{request}: too few screenshots while it was spoken"
            listener = "Hibiki" if speaker == "Kotone" else "Kotone"
            spoken = [s[1] if speaker == "Kotone" else s[2] for s in samples]
            heard = [s[2] if speaker == "Kotone" else s[1] for s in samples]
            closed = duo.closed
            assert max(spoken) > 1.8 * closed[speaker] + 40, f"{request}: {speaker}'s mouth never opened {spoken}"
            assert max(heard) < 1.4 * closed[listener] + 20, f"{request}: {listener}'s mouth moved: {heard}"
        log = program.log()
        said = re.findall(r"speaking \((Kotone|Hibiki), voice ([^,]+), [^)]*\): '([^']*)'", log)
        assert [(who, text) for who, _, text in said] == LINES
        assert {who: voice for who, voice, _ in said} == {"Kotone": "en-us+f3", "Hibiki": "en-gb-x-rp+f4"}
        assert "audible" in log


@needs_x
def test_an_unknown_character_is_refused_with_unknown_character_and_not_spoken(tmp_path, duo_display):
    program = Running(tmp_path, duo_display, duo_config(), "--duo")
    try:
        url = program.wait_for_log(r"listening on (ws://\S+)").group(1)
        bot = Sender(url)
        try:
            bot.send(text="Who am I?", role="assistant", character="nobody", id="who")
            _, error = bot.wait(lambda reply: reply.get("type") == "error", "the error reply")
            assert error["code"] == "unknown_character" and "Hibiki" in error["message"]
            bot.send(text="It is me, Hibiki.", role="assistant", character="hibiki", id="me")
            bot.wait(lifecycle("character.speech.done", "me"), "the next line spoken")
        finally:
            bot.close()
        assert "Who am I" not in program.log()
        assert re.search(r"speaking \(Hibiki, [^)]*\): 'It is me, Hibiki\.'", program.log())
    finally:
        assert program.stop() == 0
