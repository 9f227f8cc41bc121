import base64
import json
import threading
import unittest
import urllib.error
import urllib.request

from tests import stubs
from tests.helpers import contract_request

stubs.install()
import handler  # noqa: E402
import server  # noqa: E402


class Server(unittest.TestCase):
    """The minimal HTTP server around the real handler (on the stand-ins), over real HTTP on 127.0.0.1."""

    token = None

    def setUp(self):
        stubs.install()
        self.httpd = server.make_server(handler.EndpointHandler(""), "127.0.0.1", 0, self.token, log=False)
        self.url = "http://127.0.0.1:%d" % self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def tearDown(self):
        self.httpd.shutdown()
        self.httpd.server_close()

    def post(self, body, headers=None):
        data = json.dumps(body).encode("utf-8")
        request = urllib.request.Request(self.url + "/", data=data, method="POST", headers={"Content-Type": "application/json", **(headers or {})})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, response.headers.get("Content-Type"), response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.headers.get("Content-Type"), error.read()


class Answers(Server):
    def test_png_when_the_request_accepts_image_png(self):
        status, content_type, body = self.post(contract_request(), {"Accept": "image/png"})
        self.assertEqual((status, content_type), (200, "image/png"))
        self.assertTrue(body.startswith(b"\x89PNG\r\n\x1a\n"))
        self.assertEqual(stubs.recorded("save"), ["PNG"])

    def test_json_base64_without_accept_like_the_toolkit(self):
        status, content_type, body = self.post(contract_request())
        self.assertEqual((status, content_type), (200, "application/json"))
        self.assertTrue(base64.b64decode(json.loads(body)).startswith(b"\x89PNG"))

    def test_handler_errors_are_400_with_the_message(self):
        status, content_type, body = self.post(contract_request({"inputs": "no trigger here"}), {"Accept": "image/png"})
        self.assertEqual((status, content_type), (400, "application/json"))
        self.assertTrue(json.loads(body)["error"].startswith("INVALID: the prompt must contain"))

    def test_health(self):
        with urllib.request.urlopen(self.url + "/health", timeout=10) as response:
            self.assertEqual((response.status, response.read()), (200, b"Ok"))


class WithToken(Server):
    token = "s3cret"

    def test_requests_need_the_bearer_token(self):
        status, _, body = self.post(contract_request(), {"Accept": "image/png"})
        self.assertEqual((status, json.loads(body)), (401, {"error": "Invalid credentials in Authorization header"}))
        status, content_type, _ = self.post(contract_request(), {"Accept": "image/png", "Authorization": "Bearer s3cret"})
        self.assertEqual((status, content_type), (200, "image/png"))


if __name__ == "__main__":
    unittest.main()
