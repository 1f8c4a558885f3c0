# The sample from AITuberKit's External Linkage Mode documentation, unchanged:
# it makes the character say "Hello! How are you?" with the happy expression.
import json

import websocket


def send_message(text, emotion="neutral"):
    ws = websocket.create_connection("ws://localhost:8000/ws")
    message = {
        "text": text,
        "role": "assistant",
        "emotion": emotion,
        "type": "message"
    }
    ws.send(json.dumps(message))
    ws.close()

send_message("Hello! How are you?", "happy")
