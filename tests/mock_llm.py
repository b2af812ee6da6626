#!/usr/bin/env python3
"""tests/mock_llm.py [PORTFILE]: a mock LLM server for the example experts.

Listens on 127.0.0.1, on an ephemeral port that it prints to stdout (or
writes, atomically, to PORTFILE), and answers the endpoints that the
scripts in scripts/experts/ use:

    POST /v1/chat/completions, /chat/completions   OpenAI (and llama.cpp)
    POST /api/chat, /api/generate                  ollama (stream false)
    POST /completion                               llama.cpp

The answer is "positive" when the user message has the word "good" (in any
case), else "negative"; the system prompt is not looked at.  Test hooks, by
what the user message holds:

    FAIL500       HTTP 500
    SLOW          answer after 3 seconds
    MULTI         the answer after blank lines and before a second line
    EMPTY         an answer of white space only
    ECHO ...      the message itself, after "ECHO "

The OpenAI endpoints want "Authorization: Bearer test-key" (else 401).
Exits after 120 seconds without a request, or on SIGTERM.  Python 3
standard library only.
"""

import json
import os
import re
import signal
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

IDLE = 120
last = time.monotonic()


def verdict(text):
    words = [w.lower() for w in re.findall(r"[A-Za-z]+", text)]
    return "positive" if "good" in words else "negative"


def answer(text):
    """The answer text for a user message, or an HTTP status (int)."""
    if "FAIL500" in text:
        return 500
    if "SLOW" in text:
        time.sleep(3)
    if text.startswith("ECHO "):
        return text[5:]
    if "EMPTY" in text:
        return " \n\t\r\n"
    if "MULTI" in text:
        return "\n \n  " + verdict(text) + "  \nBecause I say so.\n"
    return verdict(text)


def user_message(messages):
    """The content of the last user message of a chat request."""
    if not isinstance(messages, list):
        return None
    for m in reversed(messages):
        if isinstance(m, dict) and m.get("role") == "user":
            c = m.get("content")
            return c if isinstance(c, str) else None
    return None


class Handler(BaseHTTPRequestHandler):
    server_version = "mock_llm/1"

    def log_message(self, fmt, *args):
        sys.stderr.write("mock_llm: " + (fmt % args) + "\n")

    def reply(self, status, obj):
        body = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def error(self, status, msg):
        self.reply(status, {"error": {"message": msg, "code": status}})

    def do_GET(self):
        global last
        last = time.monotonic()
        self.error(404, "mock: GET not supported")

    def do_POST(self):
        global last
        last = time.monotonic()
        path = self.path.split("?", 1)[0]
        try:
            n = int(self.headers.get("Content-Length") or 0)
            req = json.loads(self.rfile.read(n).decode("utf-8"))
            if not isinstance(req, dict):
                raise ValueError("not an object")
        except (ValueError, UnicodeDecodeError) as e:
            return self.error(400, "mock: bad JSON: %s" % e)

        if path in ("/v1/chat/completions", "/chat/completions"):
            if self.headers.get("Authorization") != "Bearer test-key":
                return self.error(401, "mock: invalid API key")
            text = user_message(req.get("messages"))
            if text is None:
                return self.error(400, "mock: no user message")
            a = answer(text)
            if isinstance(a, int):
                return self.error(a, "mock: internal error")
            return self.reply(200, {
                "object": "chat.completion",
                "model": req.get("model", "mock"),
                "choices": [{"index": 0, "finish_reason": "stop",
                             "message": {"role": "assistant", "content": a}}],
            })

        if path in ("/api/chat", "/api/generate"):
            if not isinstance(req.get("model"), str) or not req["model"]:
                return self.error(400, "mock: model is required")
            if req.get("stream") is not False:
                return self.error(400, "mock: only stream false is mocked")
            if path == "/api/chat":
                text = user_message(req.get("messages"))
            else:
                text = req.get("prompt")
            if not isinstance(text, str):
                return self.error(400, "mock: no prompt")
            a = answer(text)
            if isinstance(a, int):
                return self.reply(a, {"error": "mock: internal error"})
            out = {"model": req["model"], "done": True}
            if path == "/api/chat":
                out["message"] = {"role": "assistant", "content": a}
            else:
                out["response"] = a
            return self.reply(200, out)

        if path == "/completion":
            text = req.get("prompt")
            if not isinstance(text, str):
                return self.error(400, "mock: no prompt")
            a = answer(text)
            if isinstance(a, int):
                return self.error(a, "mock: internal error")
            return self.reply(200, {"content": a, "stop": True})

        return self.error(404, "mock: no such endpoint: " + path)


def main():
    if len(sys.argv) > 2:
        sys.stderr.write("usage: mock_llm.py [portfile]\n")
        sys.exit(2)
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    port = str(srv.server_address[1])
    if len(sys.argv) == 2:
        tmp = sys.argv[1] + ".tmp"
        with open(tmp, "w") as f:
            f.write(port + "\n")
        os.rename(tmp, sys.argv[1])
    else:
        sys.stdout.write(port + "\n")
        sys.stdout.flush()
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    while time.monotonic() - last < IDLE:
        time.sleep(1)
    sys.stderr.write("mock_llm: idle for %d s, exiting\n" % IDLE)
    os._exit(0)


if __name__ == "__main__":
    main()
