"""kuchipaku: a WebSocket-driven speaking character for AI streamers."""
