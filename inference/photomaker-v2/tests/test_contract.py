import json
import unittest

from tests import stubs
from tests.helpers import CONTRACT, contract_request
from tests.test_server import Server


class Contract(Server):
    """Every answer contract.json documents for the handler is exactly what handler.py + server.py give."""

    def test_each_documented_handler_answer(self):
        answers = [a for a in CONTRACT["answers"] if a["source"] == "handler"]
        self.assertGreaterEqual(len(answers), 7)
        for answer in answers:
            with self.subTest(answer["name"]):
                stubs.faces_for["rule"] = (lambda data: []) if answer.get("faces") == "none" else (lambda data: [{"embedding": "face"}])
                accept = answer.get("accept", "image/png")  # the engine always asks for PNG
                headers = {"Accept": accept} if accept else {}
                status, content_type, body = self.post(contract_request(answer.get("change")), headers)
                self.assertEqual((status, content_type), (answer["status"], answer["contentType"]))
                if answer["contentType"] == "image/png":
                    self.assertTrue(body.startswith(b"\x89PNG"))
                elif answer["status"] == 400:
                    self.assertEqual(json.loads(body), answer["body"])
                else:
                    self.assertIsInstance(json.loads(body), str)  # the toolkit's base64 string


if __name__ == "__main__":
    unittest.main()
