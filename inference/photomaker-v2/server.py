"""The same handler on your own GPU, behind a minimal HTTP server that answers like an Inference Endpoint.

    ENDPOINT_TOKEN=some-secret python3 server.py --host 0.0.0.0 --port 8080

Then PHOTOMAKER_ENDPOINT_URL=http://<host>:8080 and HUGGINGFACE_API_KEY=some-secret in Avatar Studio.
Like the huggingface-inference-toolkit (webservice_starlette.py): POST / runs the handler and answers
PNG bytes when the request says `Accept: image/png` (otherwise JSON: the image as a base64 string);
a ValueError from the handler is 400 {"error": message}; GET / and /health answer "Ok". With
ENDPOINT_TOKEN set, requests need `Authorization: Bearer <ENDPOINT_TOKEN>` (401 otherwise).
One request at a time: a GPU runs one SDXL generation at a time anyway.
"""

import argparse
import base64
import hmac
import io
import json
import os
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from threading import Lock

MAX_BODY = 64 * 1024 * 1024


def png_bytes(image):
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def make_server(handler, host="127.0.0.1", port=8080, token=None, log=True):
    """An HTTP server around `handler` (an EndpointHandler or anything callable the same way)."""
    lock = Lock()

    class Request(BaseHTTPRequestHandler):
        server_version = "photomaker-v2"

        def log_message(self, fmt, *args):  # one line per request on stderr, no bodies
            if log:
                sys.stderr.write("%s %s\n" % (self.address_string(), fmt % args))

        def answer(self, status, body, content_type):
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def error(self, status, message):
            self.answer(status, json.dumps({"error": message}).encode("utf-8"), "application/json")

        def authorised(self):
            if not token:
                return True
            sent = self.headers.get("Authorization", "")
            return hmac.compare_digest(sent.encode("utf-8"), ("Bearer " + token).encode("utf-8"))

        def do_GET(self):
            if self.path in ("/", "/health"):
                return self.answer(200, b"Ok", "text/plain")
            return self.error(404, "Not Found")

        def do_POST(self):
            if self.path not in ("/", "/predict"):
                return self.error(404, "Not Found")
            if not self.authorised():
                return self.error(401, "Invalid credentials in Authorization header")
            length = int(self.headers.get("Content-Length") or 0)
            if length > MAX_BODY:
                return self.error(413, "request body too large")
            try:
                data = json.loads(self.rfile.read(length) or b"null")
            except ValueError:
                return self.error(400, "INVALID: the body is not JSON")
            try:
                with lock:
                    image = handler(data)
            except ValueError as exc:  # the handler's NO_FACE: / INVALID: answers, as the toolkit gives them
                return self.error(400, str(exc))
            except Exception as exc:  # noqa: BLE001 - a model crash is the server's fault
                return self.error(500, "%s: %s" % (type(exc).__name__, exc))
            accept = self.headers.get("Accept") or "application/json"
            if accept == "image/png":
                return self.answer(200, png_bytes(image), "image/png")
            return self.answer(200, json.dumps(base64.b64encode(png_bytes(image)).decode("ascii")).encode("utf-8"), "application/json")

    return ThreadingHTTPServer((host, port), Request)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--model-dir", default=os.path.dirname(os.path.abspath(__file__)))
    args = parser.parse_args(argv)
    from handler import EndpointHandler

    server = make_server(EndpointHandler(args.model_dir), args.host, args.port, os.environ.get("ENDPOINT_TOKEN"))
    print("PhotoMaker V2 listening on http://%s:%d" % (args.host, args.port), flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
